"""The KPI view (SOP 3.3.1, 4.1.2, 4.2.1): the pure function's facts and dimensions first,
then the figures, growth and attainment queried on the three stores.

The query scenario (``_history``), every figure computed by hand:

* 2026-03-02, Alice wins Hangzhou Precision (East China, Machinery): 100 RK-3 at 1,000
  (cost 600), signed and delivered the same day: bookings = revenue = 100,000, profit
  40,000, 100 units, one visit, one won; Hangzhou is a new customer in March.
* 2026-04-10, Alice sells Hangzhou again: 50 RK-3 at 1,000 (cost 600) and 10 SN-1 at
  1,000 (cost 400): 60,000, profit 20,000 + 6,000 = 26,000, 60 units; Hangzhou buys a
  second time (a repeat customer in April).
* 2026-04-15, Bob wins Xi'an Textiles (North China, Textiles): 20 RK-3 at 1,200 (cost
  600): 24,000, profit 12,000, 20 units, a new customer; and loses another opportunity
  of Xi'an Textiles after a visit: Bob converts 1 of 2.
* Targets for April: Alice 50,000 revenue (visits 2), the team "East China Sales"
  100,000.  Alice and Bob are in that team.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from freezegun import freeze_time
from salesdomain.projections.changes import Add, Insert, RowChange, Update, Upsert
from salesdomain.projections.kpi import (
    Kpi,
    KpiRow,
    kpi_for_employee,
    kpi_table,
    periods_between,
    report_period,
)
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.runner import ProjectionRunner

from salesdomain.aftersales import commands as ac
from salesdomain.aftersales.satisfaction_survey import SatisfactionSurvey
from salesdomain.aftersales.values import (
    FeedbackChannel,
    FeedbackKind,
    FeedbackResponse,
    ServiceWork,
    Severity,
    SurveyMethod,
    SurveyPeriod,
    SurveyResponse,
    VisitKind,
)
from salesdomain.aggregate import Evidence
from salesdomain.application import SalesApplication
from salesdomain.opportunities import commands as oc
from salesdomain.opportunities.values import (
    Contact,
    ContactChannel,
    Presentation,
    QuoteLine,
)
from salesdomain.orders import commands as orders
from salesdomain.orders.values import ShipmentItem, TransportMode
from salesdomain.people import commands as hc
from salesdomain.performance.sales_expense import SalesExpense
from salesdomain.performance.values import ExpenseCategory
from salesdomain.prospecting import commands as pc
from salesdomain.sop import Role
from salesdomain.values import Actor, Money
from tests import builders as b
from tests import contract_builders as cb
from tests import order_builders as ob
from tests.builders import ALICE, BOB, MIA, PAT, person
from tests.conftest import make_app
from tests.people_builders import HANNA, TEAM, staff, target
from tests.spec import Step, events_after

T0 = "2026-03-02 09:00:00+00:00"
MARCH, APRIL_10, APRIL_15 = date(2026, 3, 2), date(2026, 4, 10), date(2026, 4, 15)
ADA = person("Ada Service", Role.AFTER_SALES)

HANGZHOU = b.register()
XIAN = b.register(
    "Xi'an Textiles Ltd", reg="91610100XA00000001", region="North China", industry="Textiles"
)


# ---- building histories ------------------------------------------------------------------


def line(code: str, qty: str, price: str, cost: str) -> QuoteLine:
    name = {"RK-3": "Retrofit kit", "SN-1": "Vibration sensor"}[code]
    return b.line(code, name, f"Model {code}", qty, price, cost)


def contact(opp: UUID, day: date, channel: ContactChannel = ContactChannel.VISIT) -> oc.LogContact:
    return oc.LogContact(
        opportunity_id=opp,
        contact=Contact(channel=channel, occurred_on=day, participants=("Chen Wei",), notes="Met"),
    )


def opened(opp: UUID, cid: UUID, day: date, by: Actor) -> list[Step]:
    """An opportunity opened by ``by`` with one visit on ``day``."""
    return [(b.open_opportunity(cid, opp), by), (contact(opp, day), by)]


def won(opp: UUID, cid: UUID, day: date, by: Actor, lines: tuple[QuoteLine, ...]) -> list[Step]:
    """An opportunity taken from first visit to an accepted quote on ``day``."""
    return [
        *opened(opp, cid, day, by),
        (b.discover(opp), by),
        (b.prioritise(opp), by),
        (b.design(opp), by),
        (b.confirm(opp), PAT),
        (
            oc.PresentSolution(
                opportunity_id=opp,
                presentation=Presentation(presented_on=day, formats=("demo",)),
            ),
            by,
        ),
        (b.acknowledge(opp), by),
        (
            b.quote(
                opp,
                lines=lines,
                delivery_date=day + timedelta(days=60),
                valid_until=day + timedelta(days=30),
            ),
            by,
        ),
        (oc.AcceptQuote(opportunity_id=opp, quote_version=1, accepted_by="Li Na"), by),
    ]


def signed(opp: UUID, contract: UUID, day: date, owner: Actor) -> list[Step]:
    return [
        (cb.draft(opp, contract), cb.LEO),
        (cb.review(contract), owner),
        (cb.approve(contract), MIA),
        (cb.sign(contract, on=day), MIA),
    ]


def delivered(order: UUID, day: date, lines: tuple[QuoteLine, ...]) -> list[Step]:
    """Every line passes inspection, ships in one shipment and is received on ``day``."""
    tracking = f"TRK-{str(order)[:8]}"
    arrival = day + timedelta(days=3)
    return [
        *(
            (
                ob.inspect(
                    order, str(ln.quantity), lot=f"L-{ln.product_code}", product=ln.product_code
                ),
                ob.QIN,
            )
            for ln in lines
        ),
        (ob.notify(order, tracking, arrival), ob.LOU),
        (
            orders.DispatchShipment(
                order_id=order,
                carrier="SF Freight",
                transport=TransportMode.ROAD,
                tracking_number=tracking,
                expected_arrival=arrival,
                items=tuple(
                    ShipmentItem(product_code=ln.product_code, quantity=ln.quantity) for ln in lines
                ),
            ),
            ob.LOU,
        ),
        (ob.confirm(order, tracking, on=day, reference=f"DN-{tracking}"), ob.LOU),
    ]


def sale(cid: UUID, day: date, by: Actor, lines: tuple[QuoteLine, ...]) -> tuple[list[Step], UUID]:
    """A deal won, signed and delivered on ``day``; the steps and the order's id."""
    opp, contract = uuid4(), uuid4()
    steps = [
        *won(opp, cid, day, by, lines),
        *signed(opp, contract, day, by),
        *delivered(ob.order_of(contract), day, lines),
    ]
    return steps, ob.order_of(contract)


def run(app: SalesApplication, steps: list[Step]) -> None:
    for command, actor in steps:
        app.handle(command, actor)


FIRST = (line("RK-3", "100", "1000", "600"),)
SECOND = (line("RK-3", "50", "1000", "600"), line("SN-1", "10", "1000", "400"))
BOBS = (line("RK-3", "20", "1200", "600"),)


def _history(app: SalesApplication) -> None:
    hangzhou, xian = b.customer_id(HANGZHOU), b.customer_id(XIAN)
    lost = uuid4()
    with freeze_time(T0) as frozen:
        run(app, staff("Mia Manager", "Alice Rep", "Bob Rep"))
        run(
            app,
            [
                (target("2026-04", emp_id=ALICE.employee_id, revenue="50000", visits=2), MIA),
                (target("2026-04", team=TEAM.upper(), revenue="100000"), b.DAN),
            ],
        )
        run(app, b.qualified_customer(HANGZHOU))
        run(app, sale(hangzhou, MARCH, ALICE, FIRST)[0])
        frozen.move_to(f"{APRIL_10} 09:00:00+00:00")
        run(app, sale(hangzhou, APRIL_10, ALICE, SECOND)[0])
        frozen.move_to(f"{APRIL_15} 09:00:00+00:00")
        run(app, b.qualified_customer(XIAN, BOB))
        run(app, sale(xian, APRIL_15, BOB, BOBS)[0])
        run(app, opened(lost, xian, APRIL_15, BOB))
        run(app, [(oc.MarkOpportunityLost(opportunity_id=lost, reason="No budget"), BOB)])


def _kpi(app: SalesApplication, views: Any) -> ProjectionRunner:
    runner = ProjectionRunner(Kpi(), views, ApplicationLog(app))
    runner.catch_up()
    return runner


@pytest.fixture
def kpi(app: SalesApplication, views: Any) -> ProjectionRunner:
    _history(app)
    return _kpi(app, views)


def table(runner: ProjectionRunner, **kw: Any) -> list[KpiRow]:
    kw.setdefault("grain", "month")
    kw.setdefault("since", date(2026, 3, 1))
    kw.setdefault("until", date(2026, 4, 30))
    return kpi_table(runner.engine, runner.tables(), **kw)


def by_label(rows: list[KpiRow], period: str) -> dict[str, KpiRow]:
    return {row.label: row for row in rows if row.period == period}


# ---- pure functions (no database) --------------------------------------------------------


@pytest.fixture(scope="module")
def recorded() -> Iterator[list[Any]]:
    """The domain events of the query scenario, recorded once in memory."""
    app = make_app("memory://")
    _history(app)
    yield events_after(app, 0)
    app.close()


def _changes(events: list[Any], name: str) -> list[tuple[int, RowChange]]:
    found = [
        (position, change)
        for position, event in enumerate(events, 1)
        if type(event).__qualname__ == name
        for change in Kpi().changes(event, position)
    ]
    assert found, f"no {name} changes"
    return found


def _facts(events: list[Any], name: str) -> list[dict[str, Any]]:
    return [
        dict(c.values)
        for _, c in _changes(events, name)
        if isinstance(c, Insert) and c.table == "facts"
    ]


def test_a_signed_contract_books_each_line_for_its_owner_and_customer(recorded):
    second = _facts(recorded, "Contract.Signed")[1:3]
    assert [(f["product_code"], f["value"]) for f in second] == [
        ("RK-3", Decimal(50000)),
        ("SN-1", Decimal(10000)),
    ]
    fact = second[0]
    assert fact["measure"] == "bookings"
    assert (fact["day"], fact["currency"], fact["revision"], fact["amends"]) == (
        APRIL_10,
        "CNY",
        1,
        None,
    )
    assert fact["rep_id"] == str(ALICE.employee_id)
    assert fact["customer_id"] == str(b.customer_id(HANGZHOU))
    assert [f["seq"] for f in second] == [0, 1]


def test_a_completed_order_yields_revenue_profit_units_and_a_count(recorded):
    facts = _facts(recorded, "Order.Completed")
    second = {f["measure"]: f for f in facts if f["day"] == APRIL_10}
    assert {m: f["value"] for m, f in second.items()} == {
        "revenue": Decimal(60000),
        "profit": Decimal(26000),
        "units": Decimal(60),
        "orders_completed": Decimal(1),
    }
    assert second["revenue"]["currency"] == "CNY"
    assert second["units"]["currency"] is None
    assert second["revenue"]["rep_id"] == str(ALICE.employee_id)
    assert second["revenue"]["product_code"] is None  # split by the order's lines when asked


def test_an_entered_order_keeps_its_lines_and_names_its_customer_and_owner(recorded):
    changes = [c for _, c in _changes(recorded, "Order.Entered")]
    record = next(c for c in changes if c.table == "records")
    assert isinstance(record, Upsert)
    assert record.values["kind"] == "order"
    assert record.values["owner_id"] == str(ALICE.employee_id)
    assert record.values["revision"] == 1
    lines = [c for c in changes if c.table == "order_lines"]
    assert {(c.key["product_code"], c.values["unit_cost"]) for c in lines} == {
        ("RK-3", Decimal(600)),
        ("SN-1", Decimal(400)),
    }
    assert {c.key["product_code"]: c.values["name"] for c in changes if c.table == "products"} == {
        "RK-3": "Retrofit kit",
        "SN-1": "Vibration sensor",
    }


def test_visits_won_and_lost_name_their_opportunity_its_owner_and_customer(recorded):
    visits = _facts(recorded, "Opportunity.ContactLogged")
    assert [f["day"] for f in visits] == [MARCH, APRIL_10, APRIL_15, APRIL_15]
    assert {f["measure"] for f in visits} == {"visits"}
    assert all(f["record_id"] for f in visits)
    alice, bob = str(ALICE.employee_id), str(BOB.employee_id)
    hangzhou, xian = (str(b.customer_id(c)) for c in (HANGZHOU, XIAN))
    owners = [(f["rep_id"], f["customer_id"]) for f in visits]
    assert owners == [(alice, hangzhou), (alice, hangzhou), (bob, xian), (bob, xian)]
    (lost,) = _facts(recorded, "Opportunity.Lost")
    assert (lost["measure"], lost["value"], lost["day"]) == ("lost", Decimal(1), APRIL_15)
    assert (lost["rep_id"], lost["customer_id"]) == (bob, xian)
    assert [f["measure"] for f in _facts(recorded, "Opportunity.QuoteAccepted")] == ["won"] * 3
    opened = [c for _, c in _changes(recorded, "Opportunity.Opened")]
    assert opened[0].values["owner_name"] == "Alice Rep"


def test_a_contact_that_is_not_a_visit_is_no_fact():
    assert Kpi().changes(_event(contact(uuid4(), MARCH, ContactChannel.PHONE)), 1) == []


def _event(command: oc.LogContact) -> Any:
    """A ``ContactLogged`` event as an opportunity records it (no store)."""
    from salesdomain.opportunities.opportunity import Opportunity

    return Opportunity.ContactLogged(
        originator_id=command.opportunity_id,
        originator_version=2,
        timestamp=datetime(2026, 3, 2, 9, tzinfo=UTC),
        sop_step="2.1.3",
        actor=ALICE,
        command="LogContact",
        command_id=uuid4(),
        correlation_id=command.opportunity_id,
        causation_id=None,
        contact=command.contact,
        owner_id=ALICE.employee_id,
        customer_id=uuid4(),
    )


def test_an_online_meeting_counts_as_a_visit():
    change, *sums = Kpi().changes(_event(contact(uuid4(), MARCH, ContactChannel.ONLINE_MEETING)), 7)
    assert isinstance(change, Insert)
    assert (change.values["measure"], change.values["position"]) == ("visits", 7)
    assert [(s.table, s.key["day"], s.amounts["facts"]) for s in sums if isinstance(s, Add)] == [
        ("sums_by_day", MARCH, 1),
        ("sums_by_month", MARCH.replace(day=1), 1),
    ]


def test_customers_employees_teams_and_targets_are_dimensions(recorded):
    (customer,) = [c for _, c in _changes(recorded, "Customer.Registered")][:1]
    assert customer.values["region"] == "East China"
    assert customer.values["industry"] == "Machinery"
    enrolled = [c for _, c in _changes(recorded, "Employee.Enrolled")]
    alice = next(c for c in enrolled if c.table == "employees" and c.values["name"] == "Alice Rep")
    assert alice.values["team"] == TEAM
    history = [c for c in enrolled if c.table == "team_history"]
    assert {c.values["effective_on"] for c in history} == {date(2024, 1, 8)}
    set_ = [c for _, c in _changes(recorded, "SalesTarget.Set")]
    targets = [c for c in set_ if c.table == "targets"]
    assert {(c.values["period"], c.values["team"]) for c in targets} == {
        ("2026-04", None),
        ("2026-04", TEAM.upper()),
    }
    figures = {
        c.key["measure"]: c.values["value"]
        for c in set_
        if c.table == "target_figures" and c.key["target_id"] == targets[0].key["target_id"]
    }
    assert figures == {
        "revenue": Decimal(50000),
        "profit": Decimal(12500),
        "units": Decimal(100),
        "new_customers": Decimal(5),
        "visits": Decimal(2),
    }


def test_events_without_a_kpi_meaning_change_nothing(recorded):
    for event in recorded:
        if type(event).__qualname__ in ("Opportunity.NeedsDiscovered", "Contract.Drafted"):
            assert Kpi().changes(event, 1) == []


def _serviced(app: SalesApplication) -> None:
    """Hangzhou buys from Alice in March; a late answered case, a visit, a Q1 survey."""
    case, cid = uuid4(), b.customer_id(HANGZHOU)
    sid = SatisfactionSurvey.id_for(cid, Q1)
    steps, order = sale(cid, MARCH, ALICE, FIRST)
    with freeze_time(T0) as frozen:
        run(app, [*b.qualified_customer(HANGZHOU), *steps])
        run(app, service_steps(cid, case, order, sid))
        frozen.tick(timedelta(hours=30))  # past the 24 hours of a high-severity case
        run(app, [(respond(case), ADA)])


def _service_events() -> list[Any]:
    app = make_app("memory://")
    _serviced(app)
    events = events_after(app, 0)
    app.close()
    return events


Q1 = SurveyPeriod(starts_on=date(2026, 1, 1), ends_on=date(2026, 3, 31))


def service_steps(cid: UUID, case: UUID, order: UUID | None, survey: UUID) -> list[Step]:
    """Feedback about the order (high severity, assigned to Ada), a return visit scored 4
    and a survey answered 5 and 2."""
    return [
        (
            ac.ReceiveFeedback(
                service_case_id=case,
                customer_id=cid,
                order_id=order,
                channel=FeedbackChannel.PHONE,
                description="Spindle overheats",
            ),
            ALICE,
        ),
        (
            ac.ClassifyFeedback(
                service_case_id=case, kind=FeedbackKind.COMPLAINT, severity=Severity.HIGH
            ),
            ALICE,
        ),
        (ac.AssignServiceCase(service_case_id=case, assignee=ADA), ALICE),
        (
            ac.RecordServiceVisit(
                visit_id=uuid4(),
                customer_id=cid,
                kind=VisitKind.RETURN_VISIT,
                order_id=order,
                work=ServiceWork(visited_on=MARCH, work_done="Checked", satisfaction=4),
            ),
            ADA,
        ),
        (
            ac.StartSatisfactionSurvey(
                customer_id=cid, period=Q1, method=SurveyMethod.QUESTIONNAIRE
            ),
            ADA,
        ),
        *(
            (
                ac.RecordSurveyResponse(
                    survey_id=survey,
                    response=SurveyResponse(
                        respondent=who, satisfaction=score, recommendation=8, comments=""
                    ),
                ),
                ADA,
            )
            for who, score in (("Chen Wei", 5), ("Li Na", 2))
        ),
    ]


def respond(case: UUID) -> ac.RespondToFeedback:
    return ac.RespondToFeedback(
        service_case_id=case,
        response=FeedbackResponse(answer="Pump undersized", solution="Replace the pump"),
    )


def test_service_answers_visits_and_survey_responses_are_facts():
    events = _service_events()
    responded = _facts(events, "ServiceCase.Responded")
    assert {f["measure"]: f["value"] for f in responded} == {
        "service_responses": Decimal(1),
        "service_on_time": Decimal(0),
    }
    assert responded[0]["rep_id"] == str(ADA.employee_id)
    assert responded[0]["day"] == date(2026, 3, 3)
    (visit,) = _facts(events, "ServiceVisit.Recorded")
    assert (visit["measure"], visit["value"]) == ("satisfaction", Decimal(4))
    assert visit["record_id"] is not None  # the order: its owner is the visit's rep
    scores = _facts(events, "SatisfactionSurvey.ResponseRecorded")
    assert [f["value"] for f in scores] == [Decimal(5), Decimal(2)]
    received = [c for _, c in _changes(events, "ServiceCase.FeedbackReceived")]
    assert received[0].values["kind"] == "service_case"


def _expense_events(amounts: tuple[tuple[str | Money, date, bool], ...]) -> list[Any]:
    """Alice's expenses as the aggregate records them: (amount, incurred on, approved);
    an amount given as a string is in CNY."""
    events: list[Any] = []
    for amount, incurred_on, approved in amounts:
        evidence = Evidence(ALICE, uuid4(), "RecordSalesExpense")
        expense = SalesExpense.record(
            evidence,
            expense_id=uuid4(),
            employee_id=ALICE.employee_id,
            employee_name=ALICE.name,
            incurred_on=incurred_on,
            category=ExpenseCategory.TRAVEL,
            amount=amount if isinstance(amount, Money) else b.money(amount),
            description="Visit to Hangzhou",
            opportunity_id=None,
            today=date(2026, 4, 30),
        )
        decision = Evidence(MIA, uuid4(), "DecideOnSalesExpense")
        if approved:
            expense.approve(decision, manager_id=MIA.employee_id, comments="ok")
        else:
            expense.reject(decision, manager_id=MIA.employee_id, reason="no receipt")
        events += expense.collect_events()
    return events


def test_sales_expenses_are_kept_with_the_day_they_were_incurred_and_their_decision():
    events = _expense_events((("1200", MARCH, True), ("300", MARCH, False)))
    changes = [c for position, e in enumerate(events, 1) for c in Kpi().changes(e, position)]
    recorded = [c for c in changes if isinstance(c, Upsert) and c.table == "expenses"]
    assert [(c.values["incurred_on"], c.values["amount"]) for c in recorded] == [
        (MARCH, Decimal(1200)),
        (MARCH, Decimal(300)),
    ]
    decided = [c.values["status"] for c in changes if isinstance(c, Update)]
    assert decided == ["approved", "rejected"]


def test_report_periods_have_the_codes_of_sales_targets():
    day = date(2026, 3, 2)
    assert report_period(day, "day").label == "2026-03-02"
    assert report_period(day, "month") == report_period(date(2026, 3, 31), "month")
    assert (report_period(day, "month").label, report_period(day, "month").end) == (
        "2026-03",
        date(2026, 3, 31),
    )
    quarter = report_period(date(2026, 12, 31), "quarter")
    assert (quarter.label, quarter.start, quarter.end) == (
        "2026-Q4",
        date(2026, 10, 1),
        date(2026, 12, 31),
    )
    assert report_period(day, "year").label == "2026"
    labels = [p.label for p in periods_between(date(2026, 2, 15), date(2026, 4, 1), "month")]
    assert labels == ["2026-02", "2026-03", "2026-04"]
    with pytest.raises(ValueError, match="grain"):
        report_period(day, "week")  # type: ignore[arg-type]


# ---- queries on real stores ----------------------------------------------------------------


def test_revenue_units_and_profit_by_month(kpi):
    march, april = table(kpi, by="total")
    assert (march.period, march.period_start, march.period_end) == (
        "2026-03",
        date(2026, 3, 1),
        date(2026, 3, 31),
    )
    assert (march.revenue, march.units, march.profit) == (
        Decimal("100000.00"),
        Decimal(100),
        Decimal("40000.00"),
    )
    assert (april.revenue, april.units, april.profit) == (
        Decimal("84000.00"),
        Decimal(80),
        Decimal("38000.00"),
    )
    assert april.currency == "CNY"
    assert (march.bookings, april.bookings) == (Decimal("100000.00"), Decimal("84000.00"))
    assert (march.orders_completed, april.orders_completed) == (Decimal(1), Decimal(2))


def test_growth_against_the_previous_period(kpi):
    march, april = table(kpi, by="total")
    assert april.growth["revenue"] == Decimal("-0.1600")  # 84,000 against 100,000
    assert april.growth["bookings"] == Decimal("-0.1600")
    assert april.growth["profit"] == Decimal("-0.0500")  # 38,000 against 40,000
    assert april.growth["visits"] == Decimal("2.0000")  # 3 against 1
    assert march.growth["revenue"] is None  # nothing in February
    (quarter_1, quarter_2) = table(kpi, by="total", grain="quarter")
    assert (quarter_1.period, quarter_2.period) == ("2026-Q1", "2026-Q2")
    assert quarter_2.growth["revenue"] == Decimal("-0.1600")
    (year,) = table(kpi, by="total", grain="year")
    assert (year.period, year.revenue, year.units) == ("2026", Decimal("184000.00"), Decimal(180))


def test_by_rep_visits_win_rate_and_customers(kpi):
    april = by_label(table(kpi, by="rep"), "2026-04")
    alice, bob = april["Alice Rep"], april["Bob Rep"]
    assert (alice.revenue, alice.profit, alice.units) == (
        Decimal("60000.00"),
        Decimal("26000.00"),
        Decimal(60),
    )
    assert (bob.revenue, bob.profit, bob.units) == (
        Decimal("24000.00"),
        Decimal("12000.00"),
        Decimal(20),
    )
    assert (alice.visits, alice.won, alice.lost, alice.win_rate) == (
        Decimal(1),
        Decimal(1),
        Decimal(0),
        Decimal("1.0000"),
    )
    assert (bob.visits, bob.won, bob.lost, bob.win_rate) == (
        Decimal(2),
        Decimal(1),
        Decimal(1),
        Decimal("0.5000"),
    )
    assert (alice.new_customers, alice.repeat_customers, alice.customers_served) == (
        Decimal(0),
        Decimal(1),
        Decimal(1),
    )
    assert (bob.new_customers, bob.repeat_customers) == (Decimal(1), Decimal(0))
    assert alice.group == str(ALICE.employee_id)
    total = by_label(table(kpi, by="total"), "2026-04")["Total"]
    assert total.win_rate == Decimal("0.6667")  # 2 won of 3 closed
    assert (total.new_customers, total.repeat_customers, total.customers_served) == (
        Decimal(1),
        Decimal(1),
        Decimal(2),
    )


def test_attainment_against_the_targets_of_the_rep_and_the_team(kpi):
    april = by_label(table(kpi, by="rep"), "2026-04")
    alice = april["Alice Rep"]
    assert alice.target["revenue"] == Decimal(50000)
    assert alice.attainment["revenue"] == Decimal("1.2000")  # 60,000 of 50,000
    assert alice.attainment["visits"] == Decimal("0.5000")  # 1 of 2
    assert alice.attainment["new_customers"] == Decimal("0.0000")  # 0 of 5
    assert april["Bob Rep"].target == {}
    assert april["Bob Rep"].attainment == {}
    march = by_label(table(kpi, by="rep"), "2026-03")
    assert march["Alice Rep"].target == {}  # the target is for April
    (team,) = by_label(table(kpi, by="team"), "2026-04").values()
    assert team.label == TEAM
    assert team.revenue == Decimal("84000.00")
    assert team.attainment["revenue"] == Decimal(
        "0.8400"
    )  # 84,000 of 100,000 (set as TEAM.upper())
    quarter = by_label(table(kpi, by="rep", grain="quarter"), "2026-Q2")
    assert quarter["Alice Rep"].target == {}  # a target for April is not one for Q2


def test_by_region_industry_and_product(kpi):
    regions = by_label(table(kpi, by="region"), "2026-04")
    assert {label: row.revenue for label, row in regions.items()} == {
        "East China": Decimal("60000.00"),
        "North China": Decimal("24000.00"),
    }
    assert regions["North China"].win_rate == Decimal("0.5000")
    assert regions["East China"].sales_expense is None
    industries = by_label(table(kpi, by="industry"), "2026-04")
    assert industries["Textiles"].new_customers == Decimal(1)
    products = by_label(table(kpi, by="product"), "2026-04")
    assert set(products) == {"Retrofit kit (RK-3)", "Vibration sensor (SN-1)"}
    kit, sensor = products["Retrofit kit (RK-3)"], products["Vibration sensor (SN-1)"]
    assert (kit.revenue, kit.units, kit.profit, kit.bookings) == (
        Decimal("74000.00"),  # 50 x 1,000 + 20 x 1,200
        Decimal(70),
        Decimal("32000.00"),  # 50 x 400 + 20 x 600
        Decimal("74000.00"),
    )
    assert (sensor.revenue, sensor.units, sensor.profit) == (
        Decimal("10000.00"),
        Decimal(10),
        Decimal("6000.00"),
    )
    assert kit.customers_served == Decimal(2)
    assert (kit.visits, kit.win_rate, kit.satisfaction) == (None, None, None)
    march_kit = by_label(table(kpi, by="product"), "2026-03")["Retrofit kit (RK-3)"]
    assert kit.growth["revenue"] == Decimal("-0.2600")  # 74,000 against 100,000
    assert march_kit.new_customers == Decimal(1)


def test_days_and_the_range_select_whole_periods(kpi):
    days = table(kpi, by="total", grain="day", since=APRIL_10, until=APRIL_15)
    assert [row.period for row in days][:2] == ["2026-04-10", "2026-04-11"]
    assert len(days) == 6
    assert days[0].revenue == Decimal("60000.00")
    assert days[-1].revenue == Decimal("24000.00")
    assert days[-1].growth["revenue"] is None  # nothing on the 14th
    (april,) = table(kpi, by="total", since=date(2026, 4, 20), until=date(2026, 4, 21))
    assert april.revenue == Decimal("84000.00")  # the whole of April


def test_an_employees_figures_for_an_appraisal(kpi):
    figures = kpi_for_employee(
        kpi.engine, kpi.tables(), ALICE.employee_id, date(2026, 4, 1), date(2026, 4, 30)
    )
    assert figures["revenue"] == Decimal("60000.00")
    assert figures["units"] == Decimal(60)
    assert figures["profit"] == Decimal("26000.00")
    assert figures["visits"] == Decimal(1)
    assert figures["win_rate"] == figures["conversion_rate"] == Decimal("1.0000")
    assert figures["new_customers"] == Decimal(0)
    assert figures["loyalty"] == figures["repeat_customers"] == Decimal(1)
    assert figures["expense_control"] == Decimal("0.00")
    assert "satisfaction" not in figures  # no score in April
    bob = kpi_for_employee(
        kpi.engine, kpi.tables(), BOB.employee_id, date(2026, 3, 1), date(2026, 6, 30)
    )
    assert (bob["revenue"], bob["win_rate"]) == (Decimal("24000.00"), Decimal("0.5000"))


def test_a_team_change_moves_the_later_figures_to_the_new_team(app, views):
    _history(app)
    with freeze_time("2026-04-12 09:00:00+00:00"):
        app.handle(
            hc.ChangeTeam(
                employee_id=BOB.employee_id, team="North China Sales", effective=date(2026, 4, 12)
            ),
            HANNA,
        )
    teams = by_label(table(_kpi(app, views), by="team"), "2026-04")
    assert {label: row.revenue for label, row in teams.items()} == {
        TEAM: Decimal("60000.00"),
        "North China Sales": Decimal("24000.00"),
    }


def test_satisfaction_and_service_response_on_time(app, views):
    _serviced(app)
    runner = _kpi(app, views)
    (march,) = table(runner, by="total", until=date(2026, 3, 31))
    assert march.satisfaction == Decimal("3.67")  # (4 + 5 + 2) / 3
    assert march.satisfaction_scores == Decimal(3)
    assert (march.service_responses, march.service_on_time) == (Decimal(1), Decimal(0))
    assert march.service_on_time_rate == Decimal("0.0000")
    reps = by_label(table(runner, by="rep", until=date(2026, 3, 31)), "2026-03")
    # The visit is about Alice's order; the survey's customer last bought from Alice.
    assert reps["Alice Rep"].satisfaction == Decimal("3.67")
    assert reps["Ada Service"].service_responses == Decimal(1)
    alice = kpi_for_employee(
        runner.engine, runner.tables(), ALICE.employee_id, date(2026, 3, 1), date(2026, 3, 31)
    )
    assert alice["satisfaction"] == Decimal("3.67")


class ListLog:
    """An event log made of given events (for events no command records yet)."""

    def __init__(self, events: list[Any]) -> None:
        self.events = list(enumerate(events, 1))

    def head(self) -> int:
        return len(self.events)

    def read(self, after: int, limit: int) -> list[tuple[int, Any]]:
        return self.events[after : after + limit]


def test_approved_sales_expenses_count_in_the_month_they_were_incurred(app, views):
    # (``app`` creates the store's schema the views live in)
    events = _expense_events(
        (("1200", MARCH, True), ("300", MARCH, False), ("800", date(2026, 4, 3), True))
    )
    runner = ProjectionRunner(Kpi(), views, ListLog(events))
    runner.catch_up()
    march, april = table(runner, by="rep")
    assert (march.label, march.sales_expense, april.sales_expense) == (
        "Alice Rep",  # no employee record: the name the expense gave
        Decimal("1200.00"),
        Decimal("800.00"),
    )
    figures = kpi_for_employee(
        runner.engine, runner.tables(), ALICE.employee_id, date(2026, 3, 1), date(2026, 3, 31)
    )
    assert figures["expense_control"] == Decimal("1200.00")


def amended(contract: UUID, day: date) -> list[Step]:
    """Alice's contract amended to 120 RK-3 (20 more than ``FIRST``), signed on ``day``."""
    more = (line("RK-3", "120", "1000", "600"),)
    return [
        (cb.amend(contract, lines=more), cb.LEO),
        (cb.review(contract, **{"lines__RK-3__quantity": "20 more"}), ALICE),
        (cb.approve(contract), MIA),
        (cb.sign(contract, on=day), MIA),
    ]


def test_a_signed_amendment_books_only_what_it_changes(app, views):
    opp, contract = uuid4(), uuid4()
    with freeze_time(T0) as frozen:
        run(app, b.qualified_customer(HANGZHOU))
        run(app, won(opp, b.customer_id(HANGZHOU), MARCH, ALICE, FIRST))
        run(app, signed(opp, contract, MARCH, ALICE))
        frozen.move_to("2026-04-07 09:00:00+00:00")
        run(app, amended(contract, date(2026, 4, 7)))
    march, april = table(_kpi(app, views), by="total")
    assert (march.bookings, april.bookings) == (Decimal("100000.00"), Decimal("20000.00"))


def test_several_currencies_need_a_choice(app, views):
    events = _expense_events((("1200", MARCH, True), (Money.of("500", "USD"), MARCH, True)))
    runner = ProjectionRunner(Kpi(), views, ListLog(events))
    runner.catch_up()
    with pytest.raises(ValueError, match="several currencies"):
        table(runner, by="total")
    march = table(runner, by="total", currency="USD")[0]
    assert (march.currency, march.sales_expense) == ("USD", Decimal("500.00"))


def _merged_after_history(
    app: SalesApplication, duplicate: pc.RegisterProspect, *, into: pc.RegisterProspect
) -> None:
    """The query scenario's history, then ``duplicate``'s record merged into ``into``'s
    on the evening of 15 April (after the April orders)."""
    _history(app)
    merge = pc.MergeCustomers(
        customer_id=b.customer_id(duplicate),
        into_customer_id=b.customer_id(into),
        reason="The same company",
    )
    with freeze_time(f"{APRIL_15} 18:00:00+00:00"):
        app.handle(merge, MIA)


def test_a_first_order_before_the_span_counts_through_the_record_merged_in(app, views):
    """Hangzhou (ordered in March and April) merged into Xi'an (April): read for April
    alone, the company's March order, on the record merged in, makes April's a repeat."""
    _merged_after_history(app, HANGZHOU, into=XIAN)
    (april,) = table(_kpi(app, views), by="total", since=date(2026, 4, 1))
    assert (april.new_customers, april.repeat_customers, april.customers_served) == (
        Decimal(0),
        Decimal(1),
        Decimal(1),
    )


def test_a_merged_customer_counts_once_with_its_survivor(app, views):
    """ADR 47: Xi'an merged into Hangzhou (after the April orders) makes one company:
    April served one customer, Hangzhou's second order is the repeat, nobody is new;
    Bob's order for Xi'an is that company's third."""
    _merged_after_history(app, XIAN, into=HANGZHOU)
    runner = _kpi(app, views)
    total = by_label(table(runner, by="total"), "2026-04")["Total"]
    assert (total.new_customers, total.repeat_customers, total.customers_served) == (
        Decimal(0),
        Decimal(1),
        Decimal(1),
    )
    bob = by_label(table(runner, by="rep"), "2026-04")["Bob Rep"]
    assert (bob.new_customers, bob.repeat_customers, bob.customers_served) == (
        Decimal(0),
        Decimal(0),
        Decimal(1),
    )
    assert total.revenue == Decimal("84000.00")  # the money is not touched
    # April alone: the company's first order (March) lies outside the span, yet counts
    (april,) = table(runner, by="total", since=date(2026, 4, 1))
    assert (april.new_customers, april.repeat_customers, april.customers_served) == (
        Decimal(0),
        Decimal(1),
        Decimal(1),
    )
