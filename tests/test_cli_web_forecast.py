"""``salesdomain forecast`` and ``GET /views/forecast[/accuracy]`` (docs/cli.md,
docs/web.md): the quarter of ``test_forecast_view`` read on the command line (table and
``--json``) and through the web API under the read policy (ADR 30), on a SQLite file
and PostgreSQL; bad periods are clear errors, never 500s."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from salesdomain.adapters.cli import app
from typer.testing import CliRunner

from tests import builders as b
from tests.conftest import make_app
from tests.test_forecast_view import _history
from tests.web_support import SERVED_STORES, Web, served_on, web_on


def _recorded(url: str, folder: Path) -> Iterator[str]:
    application = make_app(url)
    try:
        for at, command, actor in _history():
            with freeze_time(at):
                application.handle(command, actor)
    finally:
        application.close()
    yield url


@pytest.fixture(scope="module", params=SERVED_STORES)
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    yield from served_on(request.param, tmp_path_factory.mktemp("forecast"), _recorded)


def _cli(store: str, *args: str) -> Any:
    return CliRunner().invoke(app, ["forecast", *args, "--database-url", store])


def test_the_forecast_on_the_command_line_as_a_table_and_as_json(store):
    shown = _cli(store, "2026-Q2", "--as-of", "2026-04-01")
    assert shown.exit_code == 0, shown.output
    assert "Alice Rep" in shown.output
    assert "300,000.00" in shown.output
    assert "75.0%" in shown.output
    found = json.loads(_cli(store, "2026-Q2", "--as-of", "2026-04-01", "--json").stdout)
    alice = found["lines"][0]
    assert alice["group"] == "Alice Rep"
    assert (Decimal(alice["commit"]), Decimal(alice["revenue_target"])) == (300000, 400000)


def test_the_quarter_replayed_on_the_command_line(store):
    with freeze_time("2026-07-10 09:00:00+00:00"):
        shown = _cli(store, "2026-Q2", "--accuracy")
        found = json.loads(_cli(store, "2026-Q2", "--accuracy", "--by", "team", "--json").stdout)
    assert shown.exit_code == 0, shown.output
    assert "33.3%" in shown.output
    assert "Deal B" in shown.output
    east = next(line for line in found["lines"] if line["group"] == "East China Sales")
    assert (Decimal(east["forecast_at_start"]), Decimal(east["won_amount"])) == (300000, 100000)
    assert east["slipped"] == 1
    assert len(east["weeks"]) == 14


def test_a_bad_period_is_a_usage_error(store):
    shown = _cli(store, "2026-Q5")
    assert shown.exit_code != 0
    assert "period" in shown.output


@pytest.fixture(scope="module")
def web(store: str) -> Iterator[Web]:
    with web_on(store) as served:
        served.after = served.system.app.recorder.max_notification_id()  # reads wait for it
        yield served


def test_the_web_forecast_under_the_read_policy(web):
    mia = web.get("/views/forecast", b.MIA, period="2026-Q2", as_of="2026-04-01T00:00:00Z")
    assert mia.status_code == 200, mia.json()
    assert [line["group"] for line in mia.json()["lines"]] == ["Alice Rep", "Bob Rep"]
    bob = web.get("/views/forecast", b.BOB, period="2026-Q2", as_of="2026-04-01T00:00:00Z")
    assert [(line["group"], Decimal(line["pipeline"])) for line in bob.json()["lines"]] == [
        ("Bob Rep", 80000)
    ]


def test_the_web_accuracy_and_its_errors(web):
    with freeze_time("2026-07-10 09:00:00+00:00"):
        found = web.get("/views/forecast/accuracy", b.MIA, period="2026-Q2", by="company")
    assert found.status_code == 200, found.json()
    (company,) = found.json()["lines"]
    assert (Decimal(company["forecast_at_start"]), Decimal(company["won_amount"])) == (
        300000,
        200000,
    )
    assert [d["title"] for d in found.json()["slipped_deals"]] == ["Deal B"]
    assert web.get("/views/forecast", b.MIA, period="2026-Q9").status_code == 422
    assert web.get("/views/forecast", b.MIA, period="2026-Q2", by="x").status_code == 422
    with freeze_time("2026-04-10 09:00:00+00:00"):
        later = web.get("/views/forecast/accuracy", b.MIA, period="2026-Q3")
    assert later.status_code == 422


def test_the_command_line_and_the_web_api_answer_the_same_json(store, web):
    """One JSON form (ADR 60): the same read gives the same values, field by field, on
    both surfaces (times, amounts, ids as the web API writes them)."""
    asked = ("2026-Q2", "--as-of", "2026-04-01T00:00:00+00:00", "--json")
    printed = json.loads(_cli(store, *asked).stdout)
    answered = web.get(
        "/views/forecast", b.MIA, period="2026-Q2", as_of="2026-04-01T00:00:00Z"
    ).json()
    assert answered["lines"]
    shared = set(printed) & set(answered) - {"lines", "position"}
    assert "as_of" in shared  # a time, as both write it
    for name in shared:
        assert printed[name] == answered[name], name
    by_group = {line["group"]: line for line in printed["lines"]}
    for line in answered["lines"]:
        mine = by_group[line["group"]]
        for name in set(line) & set(mine):
            assert mine[name] == line[name], (line["group"], name)
