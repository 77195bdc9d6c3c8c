"""The lists of contracts, candidates and appraisals, and employees by role (issue 20,
ADR 66): searched, filtered, sorted and paged like every list, under the read policy,
an appraisal's score withheld from who may not see it; on memory, a SQLite file and
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from freezegun import freeze_time
from salesdomain.adapters.bootstrap import System
from salesdomain.projections.records import LISTS, RecordFilter, Sort, records_page

from salesdomain.access import Reader, StaffMember
from salesdomain.performance import commands as pc
from salesdomain.sop import Role
from tests import builders as b
from tests import contract_builders as cb
from tests import people_builders as pb
from tests import performance_builders as perf
from tests.spec import Step

NOW = "2026-03-02 09:00:00+00:00"
AT = datetime(2026, 3, 3, tzinfo=UTC)


def _given(system: System, *steps: Step, tick: int = 60) -> None:
    with freeze_time(NOW) as clock:
        for command, actor in steps:
            system.app.handle(command, actor)
            clock.tick(tick)
        system.views.catch_up()


def _page(system: System, kind: str, **options: Any) -> Any:
    runner = system.views.runner(LISTS[kind].view)
    at = None if options.get("cursor") else AT
    return records_page(runner.engine, runner.tables(), kind, at, **options)


def _reader(actor: Any, *staff: StaffMember) -> Reader:
    return Reader.of(actor.employee_id, actor.role, staff)


def _member(actor: Any, team: str = "East", manager: Any = None) -> StaffMember:
    boss = None if manager is None else str(manager.employee_id)
    return StaffMember(str(actor.employee_id), team, boss, True)


# ---- contracts ---------------------------------------------------------------------------


def _contracts(system: System) -> tuple[UUID, UUID]:
    """Alice's two won deals: one contract signed, one approved."""
    deal, other = uuid4(), uuid4()
    signed, approved = uuid4(), uuid4()
    second = b.register("Second Customer Ltd", "REG-0002")
    _given(
        system,
        *b.won_deal(deal),
        *b.won_deal(other, second),
        *cb.signed_contract(deal, signed),
        *cb.approved_contract(other, approved),
    )
    return signed, approved


def test_contracts_are_listed_with_status_value_and_signing_day(system: System) -> None:
    signed, approved = _contracts(system)
    page = _page(system, "contracts")
    assert [row.id for row in page.rows] == [str(approved), str(signed)]  # newest first
    assert [row.status for row in page.rows] == ["approved", "signed"]
    last = page.rows[1]
    assert (last.value, last.currency) == (Decimal("100000"), "CNY")
    assert last.day == b.TODAY
    assert page.rows[0].day is None
    assert last.owner_id == str(b.ALICE.employee_id)
    assert last.customer_name


@pytest.mark.parametrize(
    ("filters", "found"),
    [
        pytest.param({"search": "SECOND CUSTOMER"}, 1, id="search-customer"),
        pytest.param({"status": "signed"}, 1, id="status"),
        pytest.param({"owner_id": str(b.ALICE.employee_id)}, 2, id="owner"),
        pytest.param({"owner_id": str(b.BOB.employee_id)}, 0, id="other-owner"),
    ],
)
def test_contracts_are_found_by_search_status_and_owner(
    system: System, filters: dict[str, Any], found: int
) -> None:
    _contracts(system)
    assert len(_page(system, "contracts", filters=RecordFilter(**filters)).rows) == found


def test_contracts_page_by_name_and_only_their_owner_lists_them(system: System) -> None:
    _contracts(system)
    first = _page(system, "contracts", sort=Sort.NAME, limit=1)
    rest = _page(system, "contracts", sort=Sort.NAME, limit=1, cursor=first.next_cursor)
    assert rest.next_cursor is None
    names = [row.name for row in first.rows + rest.rows]
    assert names == sorted(names, key=str.casefold)
    alice = _reader(b.ALICE, _member(b.ALICE))
    bob = _reader(b.BOB, _member(b.BOB))
    assert len(_page(system, "contracts", reader=alice).rows) == 2
    assert _page(system, "contracts", reader=bob).rows == []
    legal = _reader(b.LEO, _member(b.LEO))
    assert len(_page(system, "contracts", reader=legal).rows) == 2
    with pytest.raises(ValueError, match="status: contracts are in review"):
        _page(system, "contracts", filters=RecordFilter(status="won"))


# ---- candidates and employees by role ----------------------------------------------------


def _hired(system: System) -> UUID:
    steps, nora = pb.hire("Nora New", Role.SALES_REPRESENTATIVE)
    _given(system, *perf.team(), *steps)
    return nora


def test_candidates_are_listed_by_the_position_they_applied_for(system: System) -> None:
    _hired(system)
    (row,) = _page(system, "candidates").rows
    assert row.name == pb.position_of(Role.SALES_REPRESENTATIVE)
    assert row.status == "hired"
    assert row.owner_id is None
    by_role = RecordFilter(role=Role.SALES_REPRESENTATIVE.value)
    assert len(_page(system, "candidates", filters=by_role).rows) == 1
    assert _page(system, "candidates", filters=RecordFilter(role="hr")).rows == []
    assert len(_page(system, "candidates", filters=RecordFilter(search="REPRES")).rows) == 1
    assert _page(system, "candidates", filters=RecordFilter(status="offered")).rows == []


def test_candidates_are_read_by_hr_only(system: System) -> None:
    _hired(system)
    hr = _reader(pb.HANNA, _member(pb.HANNA))
    manager = _reader(perf.MIA, _member(perf.MIA))
    assert len(_page(system, "candidates", reader=hr).rows) == 1
    assert _page(system, "candidates", reader=manager).rows == []


def test_employees_are_filtered_by_the_role_they_hold(system: System) -> None:
    nora = _hired(system)
    reps = _page(system, "employees", filters=RecordFilter(role="sales_representative")).rows
    assert str(nora) in {row.id for row in reps}
    assert {row.name for row in reps} >= {"Alice Rep", "Bob Rep", "Nora New"}
    (hr,) = _page(system, "employees", filters=RecordFilter(role="hr")).rows
    assert hr.name == "Hanna HR"
    with pytest.raises(ValueError, match="role: roles are"):
        _page(system, "employees", filters=RecordFilter(role="pilot"))
    with pytest.raises(ValueError, match="role: contracts hold no roles"):
        _page(system, "contracts", filters=RecordFilter(role="hr"))


# ---- appraisals --------------------------------------------------------------------------


def _corrected(steps: list[Step]) -> list[Step]:
    """``perf.appraise``'s steps, its actual figures recorded as corrections of the KPI
    view's (which has no sales that month)."""
    command, *_ = [c for c, _ in steps if isinstance(c, pc.RecordActuals)]
    figures = tuple(
        f.model_copy(update={"kpi_figure": Decimal(0), "correction": "Logged on paper"})
        for f in command.figures
    )
    fixed = command.model_copy(update={"figures": figures})
    return [((fixed, a) if c is command else (c, a)) for c, a in steps]


def _appraised(system: System) -> None:
    """Alice's and Bob's February appraisals, closed by Mia, their manager (their
    figures recorded as corrections of the KPI view's)."""
    with freeze_time(NOW) as clock:
        for command, actor in [
            *perf.team(),
            perf.define("2026-02"),
            *_corrected(perf.appraise(perf.ALICE, perf.MIA, "2026-02", score="80")),
            *_corrected(perf.appraise(perf.BOB, perf.MIA, "2026-02", score="90")),
        ]:
            system.app.handle(command, actor)
            clock.tick(60)
        system.views.catch_up()


def _staff() -> list[StaffMember]:
    mia = _member(perf.MIA)
    return [mia, _member(perf.ALICE, manager=perf.MIA), _member(perf.BOB, manager=perf.MIA)]


def test_appraisals_are_listed_with_period_stage_and_score(system: System) -> None:
    _appraised(system)
    rows = _page(system, "appraisals", sort=Sort.NAME).rows
    assert [(row.name, row.number, row.status) for row in rows] == [
        ("Alice Rep", "2026-02", "closed"),
        ("Bob Rep", "2026-02", "closed"),
    ]
    assert all(row.value is not None and row.withheld is None for row in rows)
    assert rows[0].day is not None
    bob = RecordFilter(owner_id=str(perf.BOB.employee_id))
    assert [row.name for row in _page(system, "appraisals", filters=bob).rows] == ["Bob Rep"]
    first = _page(system, "appraisals", limit=1)
    rest = _page(system, "appraisals", limit=1, cursor=first.next_cursor)
    assert {first.rows[0].id, rest.rows[0].id} == {row.id for row in rows}


def test_a_rep_lists_their_own_appraisal_and_a_teammate_lead_not_its_score(
    system: System,
) -> None:
    _appraised(system)
    alice = _reader(perf.ALICE, *_staff())
    (own,) = _page(system, "appraisals", reader=alice).rows
    assert own.name == "Alice Rep"
    assert own.value is not None
    mia = _reader(perf.MIA, *_staff())  # they report to her: scores seen
    assert all(row.value is not None for row in _page(system, "appraisals", reader=mia).rows)
    peer = StaffMember(str(perf.DAN.employee_id), "East", None, True)
    lead = Reader.of(perf.DAN.employee_id, Role.SALES_MANAGER, [peer, *_staff()])
    rows = _page(system, "appraisals", reader=lead).rows  # same team, nobody reports to him
    assert len(rows) == 2
    assert all(row.value is None for row in rows)
    assert all("appraisal figures" in (row.withheld or "") for row in rows)
    hr = _reader(pb.HANNA, _member(pb.HANNA))
    assert all(row.value is not None for row in _page(system, "appraisals", reader=hr).rows)
