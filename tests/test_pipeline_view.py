"""The pipeline and audit views: pure functions first, then the queries on real stores."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

from freezegun import freeze_time
from salesdomain.projections.audit import AuditTrail, query_audit
from salesdomain.projections.changes import Insert, Update, Upsert
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.pipeline import (
    Pipeline,
    forecast_by_month,
    funnel,
    pipeline_as_of,
    pipeline_figures,
    pipeline_summary,
    win_rate,
)
from salesdomain.projections.runner import ProjectionRunner

from salesdomain.currencies import CurrencyPolicy, ExchangeRate
from salesdomain.opportunities import commands as oc
from salesdomain.opportunities.stages import Stage
from salesdomain.prospecting import commands as pc
from salesdomain.values import Money
from tests import builders as b
from tests.spec import events_after

T0 = "2026-03-02 09:00:00+00:00"


def _recorded(app, steps):
    """Run steps, one day apart, and return the domain events they recorded."""
    with freeze_time(T0) as frozen:
        for command, actor in steps:
            app.handle(command, actor)
            frozen.tick(timedelta(days=1))
    return events_after(app, 0)


# ---- pure functions (no database) ----------------------------------------------------


def test_audit_row_carries_the_evidence_and_a_description(app):
    opp = uuid4()
    events = _recorded(app, b.won_deal(opp))
    accepted = events[-1]
    (change,) = AuditTrail().changes(accepted, 99)
    assert isinstance(change, Insert)
    row = change.values
    assert row["position"] == 99
    assert row["sop_step"] == "2.3.3"
    assert row["step_title"] == "Negotiate the price"
    assert row["actor_name"] == "Alice Rep"
    assert row["actor_role"] == "sales_representative"
    assert (row["aggregate_type"], row["event_type"]) == ("Opportunity", "QuoteAccepted")
    assert row["correlation_id"] == str(opp)
    assert row["description"].startswith("Quote v1 accepted by Li Na: won")


def test_pipeline_function_moves_stages_and_amounts(app):
    opp = uuid4()
    events = [
        e
        for e in _recorded(app, b.won_deal(opp))
        if type(e).__qualname__.startswith("Opportunity.")
    ]
    changes = [c for position, e in enumerate(events, 1) for c in Pipeline().changes(e, position)]
    entered = [c.values["stage"] for c in changes if isinstance(c, Insert) and c.table == "stages"]
    assert entered == [
        "contact",
        "needs_analysis",
        "solution_design",
        "solution_presented",
        "quoted",
        "won",
    ]
    opened = next(c for c in changes if isinstance(c, Upsert))
    assert opened.values["amount"] == Decimal("500000")
    last = [c for c in changes if isinstance(c, Update)][-1]
    assert last.values["stage"] == "won"


def test_pipeline_function_ignores_other_events(app):
    events = _recorded(app, b.qualified_customer())
    assert all(Pipeline().changes(e, 1) == [] for e in events)


# ---- queries on real stores ----------------------------------------------------------


def _pipeline(app, views):
    runner = ProjectionRunner(Pipeline(), views, ApplicationLog(app))
    runner.catch_up()
    return runner


def _won_and_lost(app, other: pc.RegisterProspect, reason: str) -> tuple[UUID, UUID]:
    """The canned deal won, and an opportunity of ``other`` lost when just opened."""
    won, lost = uuid4(), uuid4()
    _recorded(
        app,
        [
            *b.won_deal(won),
            *b.qualified_customer(other),
            (b.open_opportunity(b.customer_id(other), lost), b.ALICE),
            (oc.MarkOpportunityLost(opportunity_id=lost, reason=reason), b.ALICE),
        ],
    )
    return won, lost


def test_pipeline_as_it_stood_then_and_now(app, views):
    second = b.register(name="Second Customer Ltd", reg="SECOND0001")
    won, lost = _won_and_lost(app, second, "No budget")
    runner = _pipeline(app, views)
    probabilities = app.policy.stage_probability
    now = pipeline_as_of(views, runner.tables(), probabilities, datetime(2027, 1, 1, tzinfo=UTC))
    stages = {row.opportunity_id: row.stage for row in now}
    assert stages == {str(won): Stage.WON, str(lost): Stage.LOST}
    assert win_rate(now) == Decimal("0.5000")
    # Day 4 (03-05 09:00) is when the opportunity was opened: it stood at contact, estimated
    then = pipeline_as_of(
        views, runner.tables(), probabilities, datetime(2026, 3, 6, 10, tzinfo=UTC)
    )
    (row,) = then
    assert row.stage is Stage.CONTACT
    assert row.amount == Decimal("500000.00")
    assert row.weighted_amount == Decimal("25000.00")  # 5% at contact
    assert forecast_by_month(then) == {("2026-05", "CNY"): Decimal("25000.00")}
    assert row.time_in_stage[Stage.CONTACT] > timedelta(0)
    assert (row.closed_at, win_rate(then)) == (None, None)
    # The funnel as it stood then: the stages reached later do not count yet.
    assert [step.reached for step in funnel(then)] == [1, 0, 0, 0, 0, 0, 0]


def test_the_open_pipeline_is_summed_per_currency_never_across(app, views):
    usd, eur = uuid4(), uuid4()
    reg_usd = b.register(name="Dollar Buyer Inc", reg="USD0001")
    reg_eur = b.register(name="Euro Kaufer GmbH", reg="EUR0001")
    opened = []
    for reg, opp, code in ((reg_usd, usd, "USD"), (reg_eur, eur, "EUR")):
        deal = b.open_opportunity(b.customer_id(reg), opp).model_copy(
            update={"estimated_value": Money.of(1000, code)}
        )
        opened += [*b.qualified_customer(reg), (deal, b.ALICE)]
    _recorded(app, opened)
    runner = _pipeline(app, views)
    at = datetime(2026, 12, 1, tzinfo=UTC)
    rows = pipeline_as_of(views, runner.tables(), app.policy.stage_probability, at)
    summary = pipeline_summary(rows, at)
    assert summary.open_count == 2
    assert summary.open_weighted == {"EUR": Decimal("50.00"), "USD": Decimal("50.00")}
    assert summary.in_reporting_currency is None  # not asked for

    # In the reporting currency, at the rates in force on the day it stands at (ADR 48)
    rates = CurrencyPolicy(
        exchange_rates=(
            _rate("USD", "7.1", date(2026, 1, 1)),
            _rate("USD", "7.2", date(2026, 11, 30)),  # in force on 2026-12-01
            _rate("EUR", "7.8", date(2026, 1, 1)),
            _rate("EUR", "9", date(2026, 12, 2)),  # not yet
        )
    )
    converted = pipeline_summary(rows, at, rates).in_reporting_currency
    assert converted is not None
    assert (converted.currency, converted.amount) == ("CNY", Decimal("750.0000"))  # 360 + 390
    assert [(r.currency, r.rate) for r in converted.rates] == [
        ("EUR", Decimal("7.8")),
        ("USD", Decimal("7.2")),
    ]
    figures = pipeline_figures(views, runner.tables(), app.policy.stage_probability, at)
    assert figures.summary(rates).in_reporting_currency == converted
    # A rate missing on the day: no total, the currency and day named
    only_usd = CurrencyPolicy(exchange_rates=(_rate("USD", "7.1", date(2026, 1, 1)),))
    missing = pipeline_summary(rows, at, only_usd).in_reporting_currency
    assert missing is not None
    assert (missing.amount, missing.missing) == (None, ("EUR on 2026-12-01",))


def _rate(currency: str, rate: str, since: date) -> ExchangeRate:
    return ExchangeRate(
        currency=currency, rate=Decimal(rate), effective_from=since, source="PBOC central parity"
    )


def test_funnel_counts_reaching_each_stage_and_stage_conversion(app, views):
    _won_and_lost(app, b.register(name="Early Loss Ltd", reg="EARLY0001"), "Went with incumbent")
    runner = _pipeline(app, views)
    rows = pipeline_as_of(
        views, runner.tables(), app.policy.stage_probability, datetime(2027, 1, 1, tzinfo=UTC)
    )
    steps = {step.stage: step for step in funnel(rows)}
    assert steps[Stage.CONTACT].reached == 2
    assert steps[Stage.NEEDS_ANALYSIS].reached == 1
    assert steps[Stage.NEEDS_ANALYSIS].stage_conversion == Decimal("0.5000")
    assert steps[Stage.WON].reached == 1


def test_audit_is_queryable_by_actor_step_record_case_and_time(app, views):
    opp = uuid4()
    _recorded(app, b.won_deal(opp))
    runner = ProjectionRunner(AuditTrail(), views, ApplicationLog(app))
    runner.catch_up()
    table = runner.tables()["entries"]
    by_case = query_audit(views, table, correlation_id=opp)
    assert by_case[0].event_type == "Opened"
    assert {e.correlation_id for e in by_case} == {str(opp)}
    assert [e.actor_name for e in query_audit(views, table, actor_id=b.PAT.employee_id)] == [
        "Pat Production"
    ]
    assert {e.sop_step for e in query_audit(views, table, sop_step="2.2")} == {
        "2.2.1",
        "2.2.2",
        "2.2.3",
    }
    assert len(query_audit(views, table, aggregate_id=opp)) == len(by_case)
    day3 = query_audit(
        views,
        table,
        since=datetime(2026, 3, 4, 9, tzinfo=UTC),
        until=datetime(2026, 3, 5, 9, tzinfo=UTC),
    )
    assert len(day3) == 1
    assert day3[0].recorded_at == datetime(2026, 3, 4, 9, tzinfo=UTC)


def test_pipeline_shows_the_owners_team(app, views):
    from salesdomain.people import commands as hc
    from salesdomain.sop import Role
    from tests import people_builders as pb

    opp = uuid4()
    alice_id = pb.employee_id("Alice Rep")
    _recorded(
        app,
        [
            pb.enrol("Hanna HR", Role.HR),
            pb.enrol("Alice Rep", Role.SALES_REPRESENTATIVE),
            *b.won_deal(opp),
        ],
    )
    runner = _pipeline(app, views)
    at = datetime(2027, 1, 1, tzinfo=UTC)
    (row,) = pipeline_as_of(views, runner.tables(), app.policy.stage_probability, at)
    assert row.team == pb.TEAM
    change = hc.ChangeTeam.model_validate(
        {"employee_id": alice_id, "team": "North China Sales", "effective": date(2026, 3, 2)}
    )
    _recorded(app, [(change, pb.HANNA)])
    runner.catch_up()
    (row,) = pipeline_as_of(views, runner.tables(), app.policy.stage_probability, at)
    assert row.team == "North China Sales"
