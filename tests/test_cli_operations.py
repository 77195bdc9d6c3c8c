"""``salesdomain operations`` (docs/cli.md): the operations view's rows (SOP 2.5, 2.6.1)
printed directly, every row (the administrator), and in client mode (issue 15) the rows
the web API lets the token's employee read (ADR 30), printed by the same code; both are
the library's queries' rows for the same reader.

The histories are test_operations_view's: Alice's order in execution with a production
task for Pat and a procurement task Quinn completed, 60 units passed and 50 shipped, 40
failed, and a production plan finishing two weeks after the delivery date, the customer
told; three service cases of a customer, without an order, one answered late."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from freezegun import freeze_time
from salesdomain.adapters.cli import app
from salesdomain.adapters.cli.output import plain
from salesdomain.projections import operations
from salesdomain.projections.access import reader_of
from typer.testing import CliRunner, Result

from salesdomain.aftersales.values import FeedbackKind, Severity
from salesdomain.sop import Role
from salesdomain.values import Actor
from tests import builders as b
from tests import order_builders as ob
from tests.builders import ALICE, BOB, PAT, QUINN
from tests.test_cli_client import Served, served_to
from tests.test_operations_view import ADA, T0, classified, respond
from tests.web_support import SERVED_STORES, Web, founded, served_on, web_on

OPEN = "2026-03-04T09:00:00+00:00"  # Pat's task is due on 5 March
LATE = "2026-03-07T09:00:00+00:00"  # ... and overdue since; a case still unanswered
READERS = {"alice": ALICE, "pat": PAT, "quinn": QUINN, "bob": BOB}


def _client(served: Served, who: str, *args: str) -> Result:
    return served.cli(who, "operations", *args)


def _direct(served: Served, *args: str) -> Result:
    argv = ["operations", *args, "--database-url", served.database_url]
    return CliRunner().invoke(app, argv)


def _histories(web: Web) -> None:
    opp, contract = uuid4(), uuid4()
    order = ob.order_of(contract)
    reg = b.register("Service Customer Ltd", reg="")
    cid = b.customer_id(reg)
    on_time, late, waiting = uuid4(), uuid4(), uuid4()
    steps = [
        *ob.entered_order(opp, contract),
        (ob.task(order, Role.PRODUCTION, PAT, due_on="2026-03-05"), ALICE),
        (ob.task(order, Role.PROCUREMENT, QUINN, due_on="2026-03-10"), ALICE),
        (ob.complete_task(order, 2), QUINN),
        (ob.plan(order, finish=date(2026, 5, 15), told_on=date(2026, 3, 2)), PAT),
        (ob.inspect(order, "60", lot="L1"), ob.QIN),
        (ob.inspect(order, "40", lot="L2", passed=False), ob.QIN),
        (ob.notify(order, "TRK-1"), ob.LOU),
        (ob.dispatch(order, "50", "TRK-1"), ob.LOU),
        *b.qualified_customer(reg),
        *classified(cid, on_time, FeedbackKind.QUESTION, Severity.LOW),
        *classified(cid, late, FeedbackKind.COMPLAINT, Severity.CRITICAL),
        *classified(cid, waiting, FeedbackKind.COMPLAINT, Severity.HIGH),
    ]
    with freeze_time(T0) as frozen:
        founded(web, [*steps, *((b.register(), who) for who in (BOB, PAT, ADA))])
        for command, actor in steps:
            web.send(command, actor)
        frozen.move_to("2026-03-02 12:00:00+00:00")
        web.send(respond(on_time), ADA)
        frozen.move_to("2026-03-02 15:00:00+00:00")
        web.send(respond(late), ADA)


def _serve(url: str, folder: Path) -> Iterator[Served]:
    with web_on(url) as web:
        _histories(web)
        yield from served_to(web, url, folder, READERS)


@pytest.fixture(scope="module", params=SERVED_STORES)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    yield from served_on(request.param, tmp_path_factory.mktemp("operations"), _serve)


Rows = Callable[..., list[Any]]


def _queries(served: Served) -> dict[str, Rows]:
    """Each command's rows as the library's query finds them, as at ``at``, for
    ``reader`` (``None``: every row)."""
    served.web.system.views.catch_up(only=["operations"])
    runner = served.web.system.views.runner("operations")
    engine, tables = runner.engine, runner.tables()
    before = served.web.system.app.policy.orders.inspection_before_delivery
    return {
        "tasks": lambda at, **kw: operations.open_tasks(engine, tables, at, **kw),
        "inspections": lambda at, **kw: operations.awaiting_inspection(
            engine, tables, at, inspection_before_delivery=before, **kw
        ),
        "shipments": lambda at, **kw: operations.awaiting_shipment(engine, tables, at, **kw),
        "service-cases": lambda at, **kw: operations.service_cases(engine, tables, at, **kw),
    }


def _page(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert set(found) == {"as_at", "position", "rows", "next_cursor"}
    return found


def _rows(result: Result) -> Any:
    """The rows of a list that fits in one page."""
    found = _page(result)
    assert found["next_cursor"] is None
    return found["rows"]


def _paged(run: Callable[..., Result], *args: str) -> list[Any]:
    """Every row, a page of one row at a time, following ``next_cursor``."""
    rows: list[Any] = []
    found = _page(run(*args, "--limit", "1", "--json"))
    while True:
        assert len(found["rows"]) <= 1
        rows += found["rows"]
        if found["next_cursor"] is None:
            return rows
        found = _page(run(*args[:1], "--cursor", found["next_cursor"], "--limit", "1", "--json"))


def _reader(served: Served, actor: Actor) -> Any:
    kpi = served.web.system.views.runner("kpi")
    return reader_of(kpi.engine, kpi.tables(), actor.employee_id, actor.role)


def test_directly_every_row_is_printed(served: Served) -> None:
    for command, query in _queries(served).items():
        for at in (OPEN, LATE):
            expected = plain(query(datetime.fromisoformat(at)))
            assert _rows(_direct(served, command, "--as-of", at, "--json")) == expected, command
    (task,) = _rows(_direct(served, "tasks", "--as-of", LATE, "--overdue-only", "--json"))
    assert (task["owner_name"], task["days_overdue"]) == (PAT.name, 2)
    assert _rows(_direct(served, "tasks", "--owner", str(QUINN.employee_id), "--json")) == []
    assert len(_rows(_direct(served, "service-cases", "--json"))) == 3
    table = _direct(served, "service-cases", "--as-of", LATE, "--breached-only").stdout
    assert "Service cases at 2026-03-07 09:00 UTC: 2" in table


def test_in_client_mode_the_rows_are_those_the_reader_may_read(served: Served) -> None:
    for who, actor in READERS.items():
        reader = _reader(served, actor)
        for command, query in _queries(served).items():
            expected = plain(query(datetime.fromisoformat(LATE), reader=reader))
            found = _rows(_client(served, who, command, "--as-of", LATE, "--json"))
            assert found == expected, (who, command)
    assert _rows(_client(served, "bob", "tasks", "--json")) == []  # not his order
    assert _rows(_client(served, "alice", "service-cases", "--json")) == []  # no order of hers
    (mine,) = _rows(_client(served, "pat", "tasks", "--as-of", OPEN, "--json"))
    assert mine["owner_name"] == PAT.name
    only = _rows(_client(served, "alice", "tasks", "--owner", str(PAT.employee_id), "--json"))
    assert [t["owner_name"] for t in only] == [PAT.name]


def test_the_tables_are_those_of_direct_mode(served: Served) -> None:
    """Alice reads every row of her order: what she is shown is what the administrator
    is, to the character."""
    for command in ("tasks", "inspections", "shipments"):
        mine = _client(served, "alice", command, "--as-of", LATE)
        assert mine.exit_code == 0, mine.output
        assert mine.stdout == _direct(served, command, "--as-of", LATE).stdout
        assert "at 2026-03-07 09:00 UTC: 1" in mine.stdout
        if command != "tasks":  # the plan finishes after the delivery date (1 May)
            assert all(words in mine.stdout for words in ("2026-05-15", "LATE", "customer"))


def test_a_page_at_a_time_directly_and_in_client_mode(served: Served) -> None:
    # Given three service cases (and readers who may read some of them)
    at = datetime.fromisoformat(LATE)
    cases = _queries(served)["service-cases"]
    expected = plain(cases(at))
    assert len(expected) == 3
    # When they are read a row at a time, or --all / Then every row once, in order
    assert _paged(lambda *a: _direct(served, *a), "service-cases", "--as-of", LATE) == expected
    every = _direct(served, "service-cases", "--as-of", LATE, "--all", "--json")
    assert _rows(every) == expected
    first = _page(_direct(served, "service-cases", "--as-of", LATE, "--limit", "2", "--json"))
    assert first["rows"] == expected[:2]
    table = _direct(served, "service-cases", "--as-of", LATE, "--limit", "2").stdout
    assert f"More rows: add --cursor {first['next_cursor']}" in table
    for who, actor in READERS.items():
        theirs = plain(cases(at, reader=_reader(served, actor)))
        client = lambda *a, who=who: _client(served, who, *a)  # noqa: E731
        assert _paged(client, "service-cases", "--as-of", LATE) == theirs, who
        assert _rows(client("service-cases", "--as-of", LATE, "--all", "--json")) == theirs


@pytest.mark.parametrize("mode", ["direct", "client"])
def test_a_cursor_of_another_list_or_filter_or_with_all_is_refused(served: Served, mode) -> None:
    def run(*args: str) -> Result:
        if mode == "direct":
            return _direct(served, *args)
        return _client(served, "alice", *args)

    found = _page(_direct(served, "service-cases", "--as-of", LATE, "--limit", "1", "--json"))
    cursor = found["next_cursor"]
    for args in (
        ("tasks", "--cursor", cursor),
        ("service-cases", "--open-only", "--cursor", cursor),
        ("service-cases", "--cursor", cursor[:-4]),
    ):
        refused = run(*args)  # client mode: as the API refuses it (invalid data, 422)
        assert refused.exit_code == (2 if mode == "direct" else 3), (args, refused.output)
        assert "cursor" in refused.output, args
    refused = run("service-cases", "--all", "--cursor", cursor)
    assert refused.exit_code == 2
    assert "--all reads every row: leave --cursor out" in refused.output
