"""``salesdomain due`` and ``GET /views/due`` (docs/cli.md, docs/web.md): the work queue
printed directly (the administrator, any employee's with ``--as``) and in client mode
through the web API, as the signed-in employee's queue under the read policy (ADR 30,
53): a representative reads their own, a manager their team's."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from salesdomain.adapters.cli import app
from typer.testing import CliRunner, Result

from tests.builders import ALICE, BOB, MIA, TODAY
from tests.performance_builders import HANNA, team
from tests.test_cli_client import Served, served_to
from tests.test_performance_rules import meeting
from tests.web_support import SERVED_STORES, served_on, web_on

T0 = "2026-03-02 09:00:00+00:00"
AFTER_IT_WAS_DUE = "2026-03-05T09:00:00+00:00"
BEFORE = "2026-03-02T12:00:00+00:00"


def _serve(url: str, folder: Path) -> Iterator[Served]:
    with web_on(url) as web:
        with freeze_time(T0):
            web.token(HANNA, founder=True)
            for command, actor in team():
                web.send(command, actor)
            web.send(meeting(due=TODAY + timedelta(days=1), owner=BOB), MIA)
        yield from served_to(web, url, folder, {"alice": ALICE, "bob": BOB, "mia": MIA})


@pytest.fixture(scope="module", params=SERVED_STORES)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    yield from served_on(request.param, tmp_path_factory.mktemp("due"), _serve)


def _items(answer: Any) -> list[tuple[str, str, bool]]:
    """The action items of a page (the recurring duties depend on today's date)."""
    return [
        (row["responsible"], row["next_command"], row["overdue"])
        for row in answer["rows"]
        if row["kind"] == "action item"
    ]


BOBS = [("Bob Rep", "CompleteActionItem (item 1)", True)]


def _direct(served: Served, *args: str) -> Result:
    return CliRunner().invoke(app, ["due", *args, "--database-url", served.database_url])


def _json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_directly_the_administrator_reads_anyones_queue(served: Served) -> None:
    assert _items(_json(_direct(served, "--as", "Bob Rep", "--json"))) == BOBS
    assert _items(_json(_direct(served, "--as", "Alice Rep", "--json"))) == []
    assert _items(_json(_direct(served, "--as", "Mia Manager", "--team", "--json"))) == BOBS
    before = _json(_direct(served, "--as", "Bob Rep", "--as-of", BEFORE, "--json"))
    assert _items(before) == [("Bob Rep", "CompleteActionItem (item 1)", False)]
    assert before["as_at"] == BEFORE.replace("+00:00", "Z")  # as the web API writes it
    overdue = _json(_direct(served, "--as", "Bob Rep", "--overdue", "--as-of", BEFORE, "--json"))
    assert overdue["rows"] == []
    table = _direct(served, "--as", "Bob Rep", "--as-of", AFTER_IT_WAS_DUE)
    assert table.exit_code == 0, table.output
    assert "CompleteActionItem" in table.stdout
    assert "overdue by 1 d 9 h" in table.stdout
    nobody = _direct(served, "--as", "Nobody Here")
    assert nobody.exit_code == 4, nobody.output
    assert _direct(served).exit_code == 2


def test_the_web_answers_the_signed_in_employees_queue_under_the_read_policy(
    served: Served,
) -> None:
    assert _items(served.web_get("bob", "/views/due")) == BOBS
    bob = str(BOB.employee_id)
    assert _items(served.web_get("alice", "/views/due", employee=bob)) == []
    assert _items(served.web_get("mia", "/views/due", employee=bob)) == BOBS
    assert _items(served.web_get("mia", "/views/due", team="true")) == BOBS
    assert _items(served.web_get("mia", "/views/due")) == []
    then = served.web_get("bob", "/views/due", as_of=BEFORE, overdue="true")
    assert then["rows"] == []
    headers = {"Authorization": f"Bearer {served.secrets['bob']}"}
    unknown = served.web.client.get(
        "/views/due", params={"employee": str(HANNA.employee_id).replace("a", "b")}, headers=headers
    )
    assert unknown.status_code == 422, unknown.json()
    assert unknown.json()["kind"] == "invalid_request"


def test_in_client_mode_an_employee_reads_their_own_queue_through_the_api(
    served: Served,
) -> None:
    assert _items(served.json("bob", "due")) == BOBS
    assert _items(served.json("mia", "due", "--team")) == BOBS
    assert _items(served.json("alice", "due")) == []
    first = served.json("mia", "due", "--team", "--limit", "1")
    rest = served.json("mia", "due", "--team", "--limit", "1", "--cursor", first["next_cursor"])
    every = served.json("mia", "due", "--team", "--all")
    placed = [(r["kind"], r["record_id"], r["due"]) for r in every["rows"][:2]]
    assert [
        (r["kind"], r["record_id"], r["due"]) for r in (*first["rows"], *rest["rows"])
    ] == placed
    assert every["rows"][0]["due"] == "2026-03-03"  # a day stays a day
    refused = served.cli("bob", "due", "--as", "Alice Rep")
    assert refused.exit_code == 2, refused.output
