"""Results by two dimensions, growth against the same period of the previous year and
market share (SOP 4.2.1, docs/kpi.md), each against figures worked out by hand from a
history built by commands (memory, SQLite file and PostgreSQL by the ``app`` fixture).

The history: Hangzhou (East China, Machinery) buys from Alice on 2 March 2025 20 RK-3
at 1,200 (cost 600) and on 2 March 2026 100 RK-3 at 1,000 (cost 600); on 10 April 2026
50 RK-3 at 1,000 and 10 SN-1 at 1,000 (cost 400); Xi'an (North China, Textiles) buys
from Bob on 15 April 2026 20 RK-3 at 1,200.  Market research sizes East China in
2026-Q2 at 600,000 CNY, then (a later note) at 800,000, and RK-3 in 2026 at 1,000,000.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from freezegun import freeze_time
from salesdomain.projections.access import reader_of
from salesdomain.projections.kpi import Kpi, kpi_table, market_share
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.runner import ProjectionRunner

from salesdomain.application import SalesApplication
from salesdomain.people.values import Period
from salesdomain.prospecting import commands as pc
from salesdomain.prospecting.values import Findings, MarketDimension, MarketSize, ResearchSubject
from salesdomain.sop import Role
from salesdomain.values import Money
from tests import builders as b
from tests.builders import ALICE, BOB
from tests.people_builders import staff
from tests.test_kpi_view import BOBS, FIRST, HANGZHOU, SECOND, XIAN, run, sale

D = Decimal
EAST, RK3 = "East China", "RK-3"


def _sized(dimension: MarketDimension, segment: str, period: str, amount: str) -> Any:
    note = pc.RecordMarketResearch(
        subject_kind=ResearchSubject.MARKET,
        subject=f"{segment} {period}",
        findings=Findings(demand_trends="Retrofits up"),
    )
    size = MarketSize(
        dimension=dimension,
        segment=segment,
        period=Period.parse(period),
        size=Money.of(amount, "CNY"),
    )
    return note, pc.RecordMarketSize(note_id=note.note_id, market_size=size)


@pytest.fixture
def analysed(app: SalesApplication, views: Any) -> tuple[ProjectionRunner, dict[str, Any]]:
    hangzhou, xian = b.customer_id(HANGZHOU), b.customer_id(XIAN)
    notes = {}
    with freeze_time("2025-03-02 09:00:00+00:00") as frozen:
        run(app, staff("Mia Manager", "Alice Rep", "Bob Rep"))
        run(app, b.qualified_customer(HANGZHOU))
        run(app, sale(hangzhou, date(2025, 3, 2), ALICE, BOBS)[0])
        frozen.move_to("2026-03-02 09:00:00+00:00")
        run(app, sale(hangzhou, date(2026, 3, 2), ALICE, FIRST)[0])
        frozen.move_to("2026-04-10 09:00:00+00:00")
        run(app, sale(hangzhou, date(2026, 4, 10), ALICE, SECOND)[0])
        frozen.move_to("2026-04-15 09:00:00+00:00")
        run(app, b.qualified_customer(XIAN, BOB))
        run(app, sale(xian, date(2026, 4, 15), BOB, BOBS)[0])
        for name, sized in (
            ("east", _sized(MarketDimension.REGION, EAST, "2026-Q2", "600000")),
            ("rk3", _sized(MarketDimension.PRODUCT, RK3, "2026", "1000000")),
            ("east_again", _sized(MarketDimension.REGION, "east china", "2026-Q2", "800000")),
        ):
            notes[name] = sized[0].note_id
            run(app, [(sized[0], b.MARK), (sized[1], b.MARK)])
    runner = ProjectionRunner(Kpi(), views, ApplicationLog(app))
    runner.catch_up()
    return runner, notes


def _table(runner: ProjectionRunner, **kw: Any) -> list[Any]:
    kw.setdefault("since", date(2026, 1, 1))
    kw.setdefault("until", date(2026, 6, 30))
    return kpi_table(runner.engine, runner.tables(), **kw)


def test_growth_against_the_previous_period_and_the_same_period_a_year_before(analysed):
    runner, _ = analysed
    months = {row.period: row for row in _table(runner, grain="month", by="total")}
    march, april = months["2026-03"], months["2026-04"]
    assert (march.revenue, april.revenue) == (D("100000.00"), D("84000.00"))
    # March 2026 100,000 against March 2025 24,000: 76,000 / 24,000
    assert march.growth_yoy["revenue"] == D("3.1667")
    assert march.growth["revenue"] is None  # nothing in February 2026
    # profit 40,000 against 12,000
    assert march.growth_yoy["profit"] == D("2.3333")
    assert april.growth["revenue"] == D("-0.1600")  # 84,000 against 100,000
    assert april.growth_yoy["revenue"] is None  # nothing in April 2025
    (year,) = _table(runner, grain="year", by="total", since=date(2026, 1, 1))
    # 184,000 against 24,000 in 2025, the period before and the same period a year before
    assert year.growth["revenue"] == year.growth_yoy["revenue"] == D("6.6667")
    days = {row.period: row for row in _table(runner, grain="day", by="total")}
    assert days["2026-03-02"].growth_yoy["units"] == D("4.0000")  # 100 against 20


def test_results_by_representative_and_product(analysed):
    runner, _ = analysed
    april = {
        (row.label, row.second_label): row
        for row in _table(runner, grain="month", by="rep", then_by="product")
        if row.period == "2026-04"
    }
    assert set(april) == {
        ("Alice Rep", "Retrofit kit (RK-3)"),
        ("Alice Rep", "Vibration sensor (SN-1)"),
        ("Bob Rep", "Retrofit kit (RK-3)"),
    }
    alice_rk3, alice_sn1, bob_rk3 = (
        april[("Alice Rep", "Retrofit kit (RK-3)")],
        april[("Alice Rep", "Vibration sensor (SN-1)")],
        april[("Bob Rep", "Retrofit kit (RK-3)")],
    )
    assert (alice_rk3.revenue, alice_rk3.units, alice_rk3.profit) == (
        D("50000.00"),
        D(50),
        D("20000.00"),
    )
    assert (alice_sn1.revenue, alice_sn1.units, alice_sn1.profit) == (
        D("10000.00"),
        D(10),
        D("6000.00"),
    )
    assert (bob_rk3.revenue, bob_rk3.units, bob_rk3.profit) == (
        D("24000.00"),
        D(20),
        D("12000.00"),
    )
    assert alice_rk3.visits is None  # not told by product
    assert alice_rk3.target == {}  # targets are set for one employee or team
    # the first quarter: Alice's RK-3, 100,000 against 24,000 in 2025-Q1
    (q1,) = [
        row
        for row in _table(runner, grain="quarter", by="product", then_by="rep")
        if row.period == "2026-Q1"
    ]
    assert (q1.label, q1.second_label, q1.revenue) == (
        "Retrofit kit (RK-3)",
        "Alice Rep",
        D("100000.00"),
    )
    assert q1.growth_yoy["revenue"] == D("3.1667")


def test_results_by_customer_and_region_and_by_specification(analysed):
    runner, _ = analysed
    rows = _table(runner, grain="quarter", by="region", then_by="customer")
    q2 = {(row.label, row.second_label): row.revenue for row in rows if row.period == "2026-Q2"}
    assert q2 == {
        (EAST, "Hangzhou Precision Co., Ltd."): D("60000.00"),
        ("North China", "Xi'an Textiles Ltd"): D("24000.00"),
    }
    (half,) = _table(runner, grain="year", by="customer", since=date(2026, 1, 1))[:1]
    assert half.sales_expense is None  # an expense has no customer
    with pytest.raises(ValueError, match="two different dimensions"):
        _table(runner, grain="month", by="rep", then_by="rep")
    with pytest.raises(ValueError, match="neither of them total"):
        _table(runner, grain="month", by="total", then_by="rep")


def test_market_share_against_the_latest_size_research_recorded(analysed):
    runner, notes = analysed
    engine, tables = runner.engine, runner.tables()
    span = {"since": date(2026, 1, 1), "until": date(2026, 12, 31)}
    (east,) = market_share(engine, tables, by="region", **span)
    # East China in 2026-Q2: Hangzhou's 60,000 against the later note's 800,000
    assert (east.period, east.segment, east.revenue) == ("2026-Q2", "east china", D("60000.00"))
    assert (east.market_size, east.currency, east.market_share) == (
        D("800000.00"),
        "CNY",
        D("0.0750"),
    )
    assert east.note_id == str(notes["east_again"])
    assert east.note_subject == "east china 2026-Q2"
    (rk3,) = market_share(engine, tables, by="product", **span)
    # RK-3 in 2026: 100,000 + 50,000 + 24,000 against 1,000,000
    assert (rk3.revenue, rk3.market_share) == (D("174000.00"), D("0.1740"))
    assert rk3.note_id == str(notes["rk3"])
    assert market_share(engine, tables, by="industry", **span) == []
    assert (
        market_share(engine, tables, by="region", since=date(2026, 1, 1), until=date(2026, 3, 31))
        == []
    )


def test_a_representative_reads_the_share_of_their_own_revenue(analysed):
    runner, _ = analysed
    engine, tables = runner.engine, runner.tables()
    bob = reader_of(engine, tables, BOB.employee_id, Role.SALES_REPRESENTATIVE)
    span = {"since": date(2026, 1, 1), "until": date(2026, 12, 31)}
    (rk3,) = market_share(engine, tables, by="product", reader=bob, **span)
    assert (rk3.revenue, rk3.market_share) == (D("24000.00"), D("0.0240"))
    pairs = _table(runner, grain="quarter", by="rep", then_by="product", reader=bob)
    assert {(row.label, row.second_label) for row in pairs} == {("Bob Rep", "Retrofit kit (RK-3)")}
