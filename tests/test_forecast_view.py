"""The forecast view (SOP 4.2.3, ADR 52): a quarter's forecast by category against the
target, and the quarter replayed from its start (and each week's start) against what
was won, with the deals that slipped out; figures computed by hand below; on memory, a
SQLite file and PostgreSQL.

The quarter 2026-Q2 (1 April to 30 June; weeks from Monday 6 April).  Alice (team
East China Sales, target 400,000 CNY) and Bob (team West, reporting to Mia too):

====  =====  =======  ==========  ==========================================================
deal  owner  value    close       what happens
====  =====  =======  ==========  ==========================================================
A     Alice  100,000  2026-05-15  commit (10 March); won 10 May at its quote, 100,000
B     Alice  200,000  2026-06-20  commit (10 March); close moved to 15 August on 5 May
C     Alice   50,000  2026-04-30  best case (10 March, Mia confirms); lost on 20 April
D     Bob     80,000  2026-06-10  pipeline at the start; commit on 8 April; won 5 June at
                                  its quote, 100,000
E     Alice   30,000  2026-09-15  commit: closes in Q3, not in Q2's forecast
====  =====  =======  ==========  ==========================================================

At the start (1 April): Alice commit 300,000 (A + B), best case 50,000 (C); Bob
pipeline 80,000.  Won in the quarter: Alice 100,000 (A), Bob 100,000 (D).  Alice's
accuracy 100,000 / 300,000 = 0.3333; B slipped (200,000), C lost (50,000).  Bob's
forecast at start is 0 (no accuracy); from the week of 13 April his commit is 80,000.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid5

import pytest
from freezegun import freeze_time
from salesdomain.projections.forecast import BY, Forecast, forecast_accuracy, forecast_table
from salesdomain.projections.forecast.figures import figures_by_group, summed
from salesdomain.projections.forecast.moments import counted_now, deals_at
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.runner import ProjectionRunner
from sqlalchemy import func, select

from salesdomain.access import Reader, StaffMember
from salesdomain.opportunities import commands as oc
from salesdomain.opportunities.values import ForecastCategory
from salesdomain.sop import Role
from tests import builders as b
from tests import people_builders as pb

C = ForecastCategory
NS = UUID("0b6f2c1e-52a3-4c1a-9d2e-000000000052")
A, B, Cd, D, E = (uuid5(NS, n) for n in "ABCDE")
REG = b.register()
CID = b.customer_id(REG)
ALICE_ID, BOB_ID = str(b.ALICE.employee_id), str(b.BOB.employee_id)
START = datetime(2026, 4, 1, tzinfo=UTC)
LATER = datetime(2026, 7, 10, tzinfo=UTC)


def _open(opp: UUID, value: str, close: date) -> oc.OpenOpportunity:
    return oc.OpenOpportunity(
        opportunity_id=opp,
        customer_id=CID,
        title=f"Deal {'ABCDE'[[A, B, Cd, D, E].index(opp)]}",
        estimated_value=b.money(value),
        expected_close=close,
    )


def _set(opp: UUID, category: ForecastCategory) -> oc.SetForecastCategory:
    return oc.SetForecastCategory(opportunity_id=opp, category=category, reason="Weekly call")


def _win(opp: UUID, on: date, by: Any) -> list[tuple[str, Any, Any]]:
    """Through the acknowledged solution (done early), then quoted and accepted ``on``."""
    quote = b.quote(opp, valid_days=None, delivery_date=on + timedelta(days=30))
    accept = oc.AcceptQuote(opportunity_id=opp, quote_version=1, accepted_by="Li Na")
    at = f"{on} 10:00:00+00:00"
    return [(at, quote, by), (at, accept, by)]


def _acknowledged(opp: UUID, by: Any) -> list[tuple[str, Any, Any]]:
    return [
        ("2026-03-03 09:00:00+00:00", c, a) for c, a in b.through_acknowledged(opp, CID, by)[1:]
    ]


def _history() -> list[tuple[str, Any, Any]]:
    t0, t1 = "2026-03-02 09:00:00+00:00", "2026-03-10 09:00:00+00:00"
    team = [
        pb.enrol("Hanna HR", Role.HR, founder=True),
        pb.enrol("Mia Manager", Role.SALES_MANAGER, approver=b.MIA),
        pb.enrol(
            "Alice Rep", Role.SALES_REPRESENTATIVE, pb.employee_id("Mia Manager"), approver=b.MIA
        ),
        pb.enrol(
            "Bob Rep",
            Role.SALES_REPRESENTATIVE,
            pb.employee_id("Mia Manager"),
            team="West",
            approver=b.MIA,
        ),
    ]
    return [
        *((t0, c, a) for c, a in team),
        (t0, pb.target("2026-Q2", emp_id=b.ALICE.employee_id, revenue="400000"), b.MIA),
        *((t0, c, a) for c, a in b.qualified_customer(REG)),
        (t0, _open(A, "100000", date(2026, 5, 15)), b.ALICE),
        (t0, _open(B, "200000", date(2026, 6, 20)), b.ALICE),
        (t0, _open(Cd, "50000", date(2026, 4, 30)), b.ALICE),
        (t0, _open(D, "80000", date(2026, 6, 10)), b.BOB),
        (t0, _open(E, "30000", date(2026, 9, 15)), b.ALICE),
        *_acknowledged(A, b.ALICE),
        *_acknowledged(D, b.BOB),
        (t1, _set(A, C.COMMIT), b.ALICE),
        (t1, _set(B, C.COMMIT), b.ALICE),
        (t1, _set(Cd, C.BEST_CASE), b.ALICE),
        (t1, oc.ReviewForecastCategory(opportunity_id=Cd, category=C.BEST_CASE), b.MIA),
        (t1, _set(E, C.COMMIT), b.ALICE),
        ("2026-04-08 09:00:00+00:00", _set(D, C.COMMIT), b.BOB),
        (
            "2026-04-20 09:00:00+00:00",
            oc.MarkOpportunityLost(opportunity_id=Cd, reason="Chose a cheaper supplier"),
            b.ALICE,
        ),
        (
            "2026-05-05 09:00:00+00:00",
            oc.ReviseExpectedClose(
                opportunity_id=B, expected_close=date(2026, 8, 15), reason="Budget moved to Q3"
            ),
            b.ALICE,
        ),
        *_win(A, date(2026, 5, 10), b.ALICE),
        *_win(D, date(2026, 6, 5), b.BOB),
    ]


@pytest.fixture
def view(app, views) -> tuple[Any, Any]:
    for at, command, actor in _history():
        with freeze_time(at):
            app.handle(command, actor)
    runner = ProjectionRunner(Forecast(), views, ApplicationLog(app))
    runner.catch_up()
    return runner.engine, runner.tables()


def _lines(found: Any) -> dict[str, tuple[Decimal, ...]]:
    return {
        line.group: (line.won_amount, line.commit, line.best_case, line.pipeline, line.omitted)
        for line in found.lines
    }


def test_the_forecast_at_the_quarters_start_by_category_against_the_target(view):
    engine, tables = view
    found = forecast_table(engine, tables, "2026-Q2", START, by="rep")
    assert _lines(found) == {
        "Alice Rep": (0, 300000, 50000, 0, 0),
        "Bob Rep": (0, 0, 0, 80000, 0),
    }
    alice = found.lines[0]
    assert (alice.category_forecast, alice.best_case_forecast, alice.open_deals) == (
        300000,
        350000,
        3,
    )
    assert (alice.revenue_target, alice.forecast_to_target) == (400000, Decimal("0.7500"))
    assert found.lines[1].revenue_target is None


def test_the_forecast_as_it_stands_after_the_quarter_and_by_team(view):
    engine, tables = view
    found = forecast_table(engine, tables, "2026-Q2", LATER, by="rep")
    assert _lines(found) == {"Alice Rep": (100000, 0, 0, 0, 0), "Bob Rep": (100000, 0, 0, 0, 0)}
    teams = forecast_table(engine, tables, "2026-Q2", START, by="team")
    assert _lines(teams) == {
        "East China Sales": (0, 300000, 50000, 0, 0),
        "West": (0, 0, 0, 80000, 0),
    }
    company = forecast_table(engine, tables, "2026-Q3", LATER, by="company")
    assert _lines(company) == {"company": (0, 230000, 0, 0, 0)}  # B moved in, E


def test_the_quarter_replayed_from_its_start_against_what_was_won(view):
    engine, tables = view
    found = forecast_accuracy(engine, tables, "2026-Q2", LATER, by="rep")
    assert found.complete
    assert found.as_of == datetime(2026, 7, 1, tzinfo=UTC)
    alice, bob = found.lines
    assert (alice.group, alice.forecast_at_start, alice.best_case_at_start, alice.won_amount) == (
        "Alice Rep",
        300000,
        350000,
        100000,
    )
    assert alice.forecast_accuracy == Decimal("0.3333")
    assert (alice.slipped, alice.slipped_amount, alice.lost_deals, alice.lost_amount) == (
        1,
        200000,
        1,
        50000,
    )
    assert (
        bob.forecast_at_start,
        bob.won_amount,
        bob.forecast_accuracy,
        bob.slipped,
        bob.lost_deals,
    ) == (
        0,
        100000,
        None,
        0,
        0,
    )
    (moved,) = found.slipped_deals
    assert (moved.title, moved.category_at_start, moved.close_at_start, moved.close_now) == (
        "Deal B",
        C.COMMIT,
        date(2026, 6, 20),
        date(2026, 8, 15),
    )


def test_each_weeks_forecast_as_it_stood_at_the_weeks_start(view):
    engine, tables = view
    found = forecast_accuracy(engine, tables, "2026-Q2", LATER, by="rep")
    alice, bob = found.lines
    assert [w.at.date() for w in alice.weeks][:3] == [
        date(2026, 4, 1),
        date(2026, 4, 6),
        date(2026, 4, 13),
    ]
    assert len(alice.weeks) == 14  # 1 April, then the 13 Mondays to 29 June
    by_day = {
        w.at.date(): (w.won_amount, w.commit, w.best_case, w.category_forecast) for w in alice.weeks
    }
    assert by_day[date(2026, 4, 20)] == (0, 300000, 50000, 300000)  # lost later that day
    assert by_day[date(2026, 4, 27)] == (0, 300000, 0, 300000)
    assert by_day[date(2026, 5, 11)] == (100000, 0, 0, 100000)  # A won, B moved out
    assert [w.commit for w in bob.weeks[:3]] == [0, 0, 80000]
    assert bob.weeks[-1].won_amount == 100000


def test_a_period_in_progress_reads_the_weeks_so_far_and_is_not_complete(view):
    engine, tables = view
    found = forecast_accuracy(engine, tables, "2026-Q2", datetime(2026, 4, 15, tzinfo=UTC))
    assert not found.complete
    assert len(found.lines[0].weeks) == 3
    with pytest.raises(ValueError, match="starts on"):
        forecast_accuracy(engine, tables, "2026-Q3", datetime(2026, 4, 15, tzinfo=UTC))


def test_a_representative_reads_their_own_forecast_only(view):
    engine, tables = view
    staff = [
        StaffMember(ALICE_ID, "East China Sales", str(b.MIA.employee_id), True),
        StaffMember(BOB_ID, "West", str(b.MIA.employee_id), True),
        StaffMember(str(b.MIA.employee_id), "East China Sales", None, True),
    ]
    bob = Reader.of(BOB_ID, Role.SALES_REPRESENTATIVE, staff)
    found = forecast_table(engine, tables, "2026-Q2", START, reader=bob)
    assert _lines(found) == {"Bob Rep": (0, 0, 0, 80000, 0)}
    accuracy = forecast_accuracy(engine, tables, "2026-Q2", LATER, reader=bob)
    assert [line.group for line in accuracy.lines] == ["Bob Rep"]
    assert accuracy.slipped_deals == []


def test_the_forecast_now_reads_each_deal_as_it_stands_the_same_as_folding_its_changes(view):
    # Given deals whose category, close, amount and outcome changed over the quarter
    engine, tables = view
    changes, deals = tables["changes"], tables["deals"]
    with engine.connect() as conn:
        assert conn.execute(select(func.max(changes.c.at))).scalar_one() <= LATER
        b_now = conn.execute(select(deals).where(deals.c.opportunity_id == str(B))).one()
    assert (b_now.expected_close, b_now.category, b_now.outcome) == (
        date(2026, 8, 15), "commit", "open"
    )  # fmt: skip
    for period, start, end in (("2026-Q2", date(2026, 4, 1), date(2026, 6, 30)),
                               ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30))):  # fmt: skip
        # When the forecast is read after every change (each deal as it stands), and
        # folded from the changes at the same moment beside an earlier one
        (now,) = deals_at(engine, tables, start, end, [LATER], None)
        _, folded = deals_at(engine, tables, start, end, [START, LATER], None)
        # Then both give the same deals, each in the same state
        assert now == folded, period
        assert now
    alice = Reader.of(ALICE_ID, Role.SALES_REPRESENTATIVE, [])
    (hers,) = deals_at(engine, tables, date(2026, 4, 1), date(2026, 6, 30), [LATER], alice)
    assert {deal.owner_id for deal in hers} == {ALICE_ID}
    assert any(d.outcome == "lost" and d.closed_on == date(2026, 4, 20) for d in hers)


def test_the_forecast_now_counts_the_same_from_the_deals_it_counts_alone(view):
    """ADR 72: as it stands now the forecast reads only the deals open and expected to
    close in the period and those won in it, each deal's amount as stored; its figures
    are those of folding every deal of the period (lost ones, and ones whose close
    moved out, count for nothing), for everyone and for one representative."""
    engine, tables = view
    alice = Reader.of(ALICE_ID, Role.SALES_REPRESENTATIVE, [])
    for period, start, end in (("2026-Q2", date(2026, 4, 1), date(2026, 6, 30)),
                               ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30))):  # fmt: skip
        span = (start, end)
        for reader in (None, alice):
            _, folded = deals_at(engine, tables, start, end, [START, LATER], reader)
            if period == "2026-Q2" and reader is None:  # the lost deal C, and B, whose
                # close moved to Q3, are among the deals folded, counting for nothing
                assert {str(B), str(Cd)} <= {d.opportunity_id for d in folded}
            for by in BY:
                counted = summed(counted_now(engine, tables, start, end, reader, by))
                assert counted == figures_by_group(folded, by, span), (period, reader, by)
                assert counted
