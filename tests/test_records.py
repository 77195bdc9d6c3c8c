"""Records found and shown (issue 19, ADR 59): every list searched, filtered and paged
by a cursor with no row twice or missed, as the reader may see it; one record shown as
it stands or stood, with its history; on memory, a SQLite file and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from freezegun import freeze_time
from salesdomain.adapters.bootstrap import System
from salesdomain.projections.paging import InvalidCursor
from salesdomain.projections.records import (
    LISTS,
    RecordFilter,
    Sort,
    UnknownKind,
    records_page,
    show_record,
)

from salesdomain.access import Reader, StaffMember
from salesdomain.errors import RecordNotFound
from salesdomain.sop import Role
from tests import builders as b

T0 = "2026-03-02 09:00:00+00:00"
AT = datetime(2026, 3, 2, 10, tzinfo=UTC)
NAMES = [f"Company {n:02d} Ltd" for n in range(7)]


def _customers(system: System) -> list[UUID]:
    registered = [b.register(name, f"REG-{n:04d}") for n, name in enumerate(NAMES)]
    with freeze_time(T0) as clock:
        for n, command in enumerate(registered):
            system.app.handle(command, b.BOB if n == 6 else b.ALICE)
            clock.tick(60)
        system.views.catch_up()
    return [b.customer_id(command) for command in registered]


def _page(system: System, kind: str, **options: Any) -> Any:
    runner = system.views.runner(LISTS[kind].view)
    return records_page(runner.engine, runner.tables(), kind, options.pop("at", AT), **options)


def test_a_list_paged_by_its_cursor_has_every_row_once(system: System) -> None:
    ids = _customers(system)
    seen: list[str] = []
    page = _page(system, "customers", limit=3)
    pages = 1
    seen += [row.id for row in page.rows]
    while page.next_cursor is not None:
        page = _page(system, "customers", at=None, limit=3, cursor=page.next_cursor)
        seen += [row.id for row in page.rows]
        pages += 1
    assert pages == 3
    assert seen == [str(i) for i in reversed(ids)]  # newest first, each once


def test_the_name_order_pages_too(system: System) -> None:
    _customers(system)
    first = _page(system, "customers", sort=Sort.NAME, limit=4)
    rest = _page(system, "customers", at=None, sort=Sort.NAME, limit=4, cursor=first.next_cursor)
    assert [row.name for row in first.rows + rest.rows] == NAMES
    assert rest.next_cursor is None


@pytest.mark.parametrize(
    ("filters", "found"),
    [
        pytest.param({"search": "COMPANY 03"}, 1, id="name-any-case"),
        pytest.param({"search": "reg-0005"}, 1, id="number"),
        pytest.param({"owner_id": str(b.BOB.employee_id)}, 1, id="owner"),
        pytest.param({"status": "prospect"}, 7, id="status"),
        pytest.param({"since": datetime(2026, 3, 2, 9, 3, tzinfo=UTC)}, 4, id="since"),
        pytest.param({"until": datetime(2026, 3, 2, 9, 3, tzinfo=UTC)}, 3, id="until"),
    ],
)
def test_records_are_found_by_search_owner_status_and_period(
    system: System, filters: dict[str, Any], found: int
) -> None:
    _customers(system)
    assert len(_page(system, "customers", filters=RecordFilter(**filters)).rows) == found


def test_a_search_finds_a_record_by_the_start_of_its_id(system: System) -> None:
    ids = _customers(system)
    rows = _page(system, "customers", filters=RecordFilter(search=str(ids[2])[:8])).rows
    assert [row.id for row in rows] == [str(ids[2])]


def test_a_representative_lists_their_own_records_only(system: System) -> None:
    ids = _customers(system)
    staff = [StaffMember(str(b.BOB.employee_id), "East", None, True)]
    bob = Reader.of(b.BOB.employee_id, Role.SALES_REPRESENTATIVE, staff)
    assert [row.id for row in _page(system, "customers", reader=bob).rows] == [str(ids[6])]


def test_a_cursor_for_other_filters_or_damaged_is_refused(system: System) -> None:
    _customers(system)
    page = _page(system, "customers", limit=2)
    with pytest.raises(InvalidCursor, match="other filters"):
        _page(system, "customers", at=None, cursor=page.next_cursor, sort=Sort.OLDEST)
    with pytest.raises(InvalidCursor):
        _page(system, "customers", at=None, cursor="r1.nonsense")
    with pytest.raises(InvalidCursor):
        _page(system, "orders", at=None, cursor=page.next_cursor)


def test_an_unknown_kind_or_filter_is_named(system: System) -> None:
    with pytest.raises(UnknownKind, match="'invoices'"):
        records_page(system.views.engine, {}, "invoices", AT)
    with pytest.raises(ValueError, match="status: customers are"):
        _page(system, "customers", filters=RecordFilter(status="won"))
    with pytest.raises(ValueError, match="search: must not contain a control character"):
        _page(system, "customers", filters=RecordFilter(search="a\x00b"))
    with pytest.raises(ValueError, match="customer: customers belong to no customer"):
        _page(system, "customers", filters=RecordFilter(customer_id=str(uuid4())))


def test_every_list_answers(system: System) -> None:
    with freeze_time(T0):
        for command, actor in b.won_deal(uuid4()):
            system.app.handle(command, actor)
        system.views.catch_up()
    for kind in LISTS:
        page = _page(system, kind)
        assert page.next_cursor is None
    deals = _page(system, "opportunities").rows
    assert [row.status for row in deals] == ["won"]
    assert deals[0].customer_name


def _show(system: System, kind: str, record: UUID, **options: Any) -> Any:
    runner = system.views.runner("audit")
    system.views.catch_up(only=["audit"])
    return show_record(system.app, runner.engine, runner.tables(), kind, record, **options)


def test_a_record_is_shown_with_its_history_now_and_as_of_a_moment(system: System) -> None:
    deal = uuid4()
    with freeze_time(T0) as clock:
        steps = b.won_deal(deal)
        for command, actor in steps:
            system.app.handle(command, actor)
            clock.tick(60)
    shown = _show(system, "opportunity", deal)
    assert shown.kind == "Opportunity"
    assert shown.state is not None
    assert shown.state["id"] == deal
    assert len(shown.history) == shown.version
    earlier = _show(system, "opportunities", deal, as_of=datetime(2026, 3, 2, 9, 9, tzinfo=UTC))
    assert earlier.version < shown.version
    assert len(earlier.history) == earlier.version


def test_an_unknown_record_or_one_the_reader_may_not_see_is_not_found(system: System) -> None:
    ids = _customers(system)
    with pytest.raises(RecordNotFound, match=f"no Customer with id {ids[6]}"):
        _show(system, "customer", ids[6], reader=_reader(b.ALICE))
    with pytest.raises(RecordNotFound):
        _show(system, "order", ids[0])
    with pytest.raises(UnknownKind, match="'invoice'"):
        _show(system, "invoice", ids[0])
    assert _show(system, "customer", ids[0], reader=_reader(b.ALICE)).history


def _reader(actor: Any) -> Reader:
    staff = [StaffMember(str(actor.employee_id), "East", None, True)]
    return Reader.of(actor.employee_id, actor.role, staff)
