"""The warnings listed (ADR 54): on the web API each person reads their own
(``GET /views/notifications``); on the command line an administrator reads the outbox
(``salesdomain notifications list``) and runs a round (``notifications send``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import closing
from datetime import timedelta
from typing import Any

import pytest
from salesdomain.adapters.cli import app
from salesdomain.adapters.notifying import warning_round
from typer.testing import CliRunner, Result

from tests.builders import MIA
from tests.conftest import make_system, postgres_schema
from tests.test_aftersales_rules import ADA
from tests.test_notifications import MARCH, complaint, founded
from tests.web_support import SERVED_STORES, web_on

OVERDUE = MARCH + timedelta(hours=30)


@pytest.fixture(scope="module", params=SERVED_STORES)
def url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A store with a complaint overdue and its two warnings (Ada's, Mia's) raised."""
    if request.param == "sqlite":
        found = f"sqlite:///{tmp_path_factory.mktemp('notices')}/events.db"
        yield from _filled(found)
    else:
        with postgres_schema() as found:
            yield from _filled(found)


def _filled(found: str) -> Iterator[str]:
    with closing(make_system(found)) as system:
        founded(system)
        complaint(system, MARCH, "Hangzhou Precision Co., Ltd.")
        assert len(warning_round(system, None, OVERDUE).raised) == 2
    yield found


def test_on_the_web_each_person_reads_their_own_warnings(url: str) -> None:
    with web_on(url) as web:
        ada = web.get("/views/notifications", ADA)
        mia = web.get("/views/notifications", MIA, status="pending", kind="deadline_overdue")
        none_sent = web.get("/views/notifications", MIA, status="sent")
        bad = web.get("/views/notifications", MIA, status="lost")
    assert ada.status_code == 200, ada.json()
    assert [(r["recipient_id"], r["kind"], r["status"]) for r in ada.json()["rows"]] == [
        (str(ADA.employee_id), "deadline_overdue", "pending")
    ]
    assert [r["recipient_id"] for r in mia.json()["rows"]] == [str(MIA.employee_id)]
    assert none_sent.json()["rows"] == []
    assert bad.status_code == 422


def _cli(url: str, *args: str) -> Result:
    return CliRunner().invoke(app, ["notifications", *args, "--database-url", url])


def _rows(result: Result) -> list[dict[str, Any]]:
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = json.loads(result.stdout)["rows"]
    return rows


def test_the_administrator_lists_the_outbox_a_page_at_a_time(url: str) -> None:
    every = _rows(_cli(url, "list", "--json"))
    assert sorted(r["recipient_id"] for r in every) == sorted(
        [str(ADA.employee_id), str(MIA.employee_id)]
    )
    first = json.loads(_cli(url, "list", "--limit", "1", "--json").stdout)
    rest = _rows(_cli(url, "list", "--limit", "1", "--cursor", first["next_cursor"], "--json"))
    assert first["rows"] + rest == every
    assert _rows(_cli(url, "list", "--all", "--limit", "1", "--json")) == every
    mine = _rows(_cli(url, "list", "--recipient", str(ADA.employee_id), "--json"))
    assert [r["recipient_id"] for r in mine] == [str(ADA.employee_id)]
    table = _cli(url, "list")
    assert table.exit_code == 0
    assert "deadline_overdue" in table.stdout


def test_a_round_from_the_command_line_and_its_refusals(url: str, tmp_path) -> None:
    # a round now finds the same warnings already in the outbox: none raised again
    again = _cli(url, "send", "--once", "--raise-only", "--json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["raised"] == []
    no_settings = _cli(url, "send", "--once")
    assert no_settings.exit_code == 2
    assert "--mail-file" in no_settings.output
    bad = tmp_path / "mail.json"
    bad.write_text(json.dumps({"sender": "not an address", "port": 0}), encoding="utf-8")
    refused = _cli(url, "send", "--once", "--mail-file", str(bad))
    assert refused.exit_code == 2
    assert "sender" in refused.output
    assert "port" in refused.output
    assert _cli(url, "list", "--status", "lost").exit_code == 2
    assert _cli(url, "list", "--recipient", "Ada").exit_code == 2


def test_without_once_rounds_run_until_stopped(url: str) -> None:
    # a round at once, then one every --every seconds, until --seconds have passed
    rounds = _cli(url, "send", "--raise-only", "--every", "1", "--seconds", "1")
    assert rounds.exit_code == 0, rounds.output
    assert "warnings raised 0, sent 0, undeliverable 0, failed 0" in rounds.output
