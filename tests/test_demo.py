"""The main job: a quarter of a small company, deterministic, covering what it promises,
and run from the CLI.  The demo runs once per module on the in-memory store (about a
second); the checks read its report and its event log."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from salesdomain.adapters.bootstrap import build_system
from salesdomain.adapters.cli import app as cli
from salesdomain.adapters.demo import DemoReport, run_demo
from salesdomain.projections.log import ApplicationLog
from typer.testing import CliRunner

from salesdomain.sop import Role


@dataclass
class Run:
    report: DemoReport
    events: list[Any]

    def named(self, name: str) -> list[Any]:
        return [e for e in self.events if _name(e) == name]

    def of(self, originator: Any) -> list[Any]:
        return [e for e in self.events if e.originator_id == originator]


def _name(event: Any) -> str:
    return type(event).__qualname__


def _run(seed: int = 7) -> Run:
    system = build_system("memory://")
    try:
        report = run_demo(system, seed)
        log = ApplicationLog(system.app)
        events = [e for _, e in log.read(0, log.head()) if e is not None]
        return Run(report, events)
    finally:
        system.close()


@pytest.fixture(scope="module")
def demo() -> Run:
    return _run()


# ---- the sales cases (SOP 2.1-2.6) ------------------------------------------------------


def test_demo_covers_won_lost_open_escalated_revised_and_refused(demo: Run) -> None:
    report = demo.report
    outcomes = [case.outcome for case in report.cases]
    assert sum(o.startswith("won") for o in outcomes) == 2
    assert sum(o.startswith("lost") for o in outcomes) == 2
    assert sum(o.startswith("open") for o in outcomes) == 1
    assert any(o.startswith("disqualified") for o in outcomes)
    assert [case.featured for case in report.cases].count(True) == 2
    whats = [line.what for case in report.cases for line in case.history]
    assert any("Approval #1 requested" in w for w in whats)
    assert any("Discount approval #1 granted" in w for w in whats)
    assert any("Quote v2 issued" in w and "supersedes v1" in w for w in whats)
    refused = " ".join(why for _, why in report.refused)
    assert "must not be registered twice" in refused
    assert "enrolled under a recorded exception naming who approved it" in refused
    assert "qualified only with an assessment the policy allows" in refused
    assert "(occurred_on 2026-01-20 is after today, 2026-01-13)" in refused
    assert "needs a sales manager's approval" in refused
    assert "nothing is signed that was not fully approved" in refused
    assert "whose role has signing authority for the contract's amount" in refused
    assert "no shipment without a passed inspection" in refused
    assert "a plan finishing later is recorded only once the customer was told" in refused
    assert "closed only with a coaching plan" in refused
    assert "expected close is revised to today or later" in refused
    assert "no new opportunity is opened for a customer record merged into another" in refused
    assert any("Absorbed Hangzhou Precision Machinery Works" in w for w in whats)
    assert "estimated value is revised until its first quote is issued" in refused
    assert any(
        "Expected close moved from 2026-04-04 to 2026-04-30: Their board" in w for w in whats
    )


def test_every_history_line_names_step_actor_and_time_in_order(demo: Run) -> None:
    for case in demo.report.cases:
        times = [line.at for line in case.history]
        assert times == sorted(times)
        for line in case.history:
            assert line.sop_step.count(".") == 2
            assert line.step_title
            assert line.actor
            assert line.at.tzinfo is not None


def test_a_rejected_approval_is_revised_reviewed_approved_by_two_levels_and_signed(
    demo: Run,
) -> None:
    (rejected,) = demo.named("Contract.Rejected")
    names = [_name(e) for e in demo.of(rejected.originator_id)]
    after = names[names.index("Contract.Rejected") :]
    assert after == [
        "Contract.Rejected",
        "Contract.Revised",
        "Contract.ReviewPassed",
        "Contract.SubmittedForApproval",
        "Contract.Approved",
        "Contract.Approved",
        "Contract.Signed",
    ]
    contract = demo.of(rejected.originator_id)
    chain = [e for e in contract if _name(e) == "Contract.SubmittedForApproval"][-1].chain
    assert chain.levels == (Role.SALES_MANAGER, Role.SALES_DIRECTOR)
    approvers = [e.actor.role for e in contract[-3:-1]]
    assert approvers == [Role.SALES_MANAGER, Role.SALES_DIRECTOR]
    # the other contract needed one level only
    chains = [len(e.chain.levels) for e in demo.named("Contract.SubmittedForApproval")]
    assert 1 in chains
    assert len(demo.named("Contract.Signed")) == 2


def test_each_signed_contract_opens_an_order_by_the_named_policy(demo: Run) -> None:
    entered = demo.named("Order.Entered")
    assert len(entered) == 2
    assert all(e.actor.role is Role.AUTOMATED_POLICY for e in entered)
    assert {e.command for e in entered} == {"OpenOrderWhenContractSigned"}


def test_a_failed_lot_is_reworked_and_passes_its_reinspection(demo: Run) -> None:
    (failed,) = [e for e in demo.named("Order.LotInspected") if not e.passed]
    lot = [
        _name(e) + (":passed" if getattr(e, "passed", False) else "")
        for e in demo.of(failed.originator_id)
        if getattr(e, "lot_id", None) == failed.lot_id
    ]
    assert lot == ["Order.LotInspected", "Order.LotReworked", "Order.LotInspected:passed"]


def test_one_order_ships_in_two_parts_and_completes_on_the_last_receipt(demo: Run) -> None:
    per_order = Counter(e.originator_id for e in demo.named("Order.ShipmentDispatched"))
    ((order_id, shipments),) = [(o, n) for o, n in per_order.items() if n > 1]
    assert shipments == 2
    names = [_name(e) for e in demo.of(order_id)]
    assert names.count("Order.DeliveryConfirmed") == 2
    assert names[-2:] == ["Order.DeliveryConfirmed", "Order.Completed"]
    assert demo.of(order_id)[-1].shipments == 2
    assert len(demo.named("Order.Completed")) == 2


def test_a_complaint_is_answered_late_analysed_resolved_and_closed(demo: Run) -> None:
    (responded,) = demo.named("ServiceCase.Responded")
    assert responded.within_time_limit is False
    assert responded.responded_at > responded.respond_by
    case = [_name(e) for e in demo.of(responded.originator_id)]
    assert case[-3:] == [
        "ServiceCase.RootCauseRecorded",
        "ServiceCase.Resolved",
        "ServiceCase.Closed",
    ]
    (visit,) = demo.named("ServiceVisit.Recorded")
    assert visit.work.satisfaction.value >= 1
    assert len(demo.named("SatisfactionSurvey.ImprovementActionAdded")) == 1
    assert len(demo.named("SatisfactionSurvey.Closed")) == 1


# ---- the team (SOP 3.1-3.4) -------------------------------------------------------------


def test_a_candidate_is_hired_from_an_agreed_requisition_and_trained(demo: Run) -> None:
    (hired,) = demo.named("Employee.Hired")
    (opened,) = demo.named("Requisition.Opened")
    assert hired.requisition_id == opened.originator_id
    (agreed,) = demo.named("Requisition.Agreed")
    assert agreed.actor.role is Role.SALES_DIRECTOR
    assert len(demo.named("Candidate.Applied")) == 2
    assert len(demo.named("Candidate.Rejected")) == 1
    employee = [_name(e) for e in demo.of(hired.originator_id)]
    assert "Employee.OnboardingCompleted" in employee
    assert "Employee.TrainingRecorded" in employee
    assert len(demo.named("SalesTarget.Set")) == 4
    assert len(demo.named("TeamMeeting.Held")) == 11  # one featured, ten entered from notes
    (handoff,) = demo.named("TeamMeeting.HandOffAgreed")
    assert handoff.item.handoff.to_department is Role.PRODUCTION
    assert len(demo.named("TeamMeeting.ActionItemCompleted")) == 2


def test_appraisals_are_finalised_on_the_demos_own_figures_with_incentives(demo: Run) -> None:
    finalised = demo.named("Appraisal.Finalised")
    assert len(finalised) == 5
    assert len(demo.named("Appraisal.Closed")) == 5
    incentives = [e.incentive.kind.value for e in demo.named("Appraisal.IncentiveDecided")]
    assert "bonus" in incentives
    assert len(demo.named("Appraisal.CoachingPlanned")) >= 1
    # the revenue actual of each quarterly appraisal is what the rep's orders delivered
    revenue: Counter[Any] = Counter()
    for completed in demo.named("Order.Completed"):
        revenue[completed.owner_id] += completed.amount.amount
    opened = {e.originator_id: e for e in demo.named("Appraisal.Opened")}
    for recorded in demo.named("Appraisal.ActualsRecorded"):
        appraisal = opened[recorded.originator_id]
        if appraisal.cycle.value != "quarterly":
            continue
        (actual,) = [f for f in recorded.actuals.figures if f.indicator.value == "revenue"]
        assert actual.value == revenue[appraisal.employee_id]
    bands = {a.employee: a.rating_band for a in demo.report.appraisals if a.cycle == "quarterly"}
    assert "excellent" in bands.values()
    assert "below standard" in bands.values()


def test_exactly_one_escalation_is_raised_by_the_policy(demo: Run) -> None:
    (raised,) = demo.named("Escalation.Raised")
    assert raised.actor.role is Role.AUTOMATED_POLICY
    assert raised.command == "EscalateRepeatedUnderperformance"
    assert raised.cycle.value == "monthly"
    assert len(raised.appraisals.ids) == 2
    (summary,) = demo.report.escalations
    assert summary.raised_by_role is Role.AUTOMATED_POLICY
    assert summary.resolution


def test_the_pipeline_read_model_gives_the_funnel_and_win_rate(demo: Run) -> None:
    pipeline = demo.report.pipeline
    assert pipeline is not None
    reached = {line.stage: line.reached for line in pipeline.funnel}
    assert reached["contact"] == 5
    assert reached["won"] == 2
    assert pipeline.win_rate == Decimal("0.5000")
    assert pipeline.open_count == 1
    assert demo.report.events == len(demo.events)
    assert demo.report.commands > 0


def test_the_forecast_of_the_open_quarter_and_the_quarter_replayed_from_its_start(
    demo: Run,
) -> None:
    """The open press line is Carol's, put in commit by her and changed to best case by
    her manager (SOP 4.2.3); the demo's quarter, replayed, forecast nothing at its start
    (the company's deals were all opened in it) and won the two accepted quotes."""
    (reviewed,) = demo.named("Opportunity.ForecastReviewed")
    assert (reviewed.previous.value, reviewed.category.value) == ("commit", "best_case")
    forecast, accuracy = demo.report.forecast, demo.report.forecast_accuracy
    assert forecast is not None
    assert accuracy is not None
    (carol,) = forecast.lines
    assert (forecast.period, carol.group, carol.commit) == ("2026-Q2", "Carol Zhao", 0)
    quotes = [e for e in demo.of(reviewed.originator_id) if _name(e) == "Opportunity.QuoteIssued"]
    assert carol.best_case == quotes[-1].amount.amount
    assert (accuracy.period, accuracy.complete) == ("2026-Q1", True)
    accepted = {e.owner_id: e.amount.amount for e in demo.named("Opportunity.QuoteAccepted")}
    assert {line.group_id: line.won_amount for line in accuracy.lines} == {
        str(owner): amount for owner, amount in accepted.items()
    }
    assert all(line.forecast_at_start == 0 for line in accuracy.lines)


# ---- determinism and the CLI ---------------------------------------------------------------


def test_same_seed_same_history_other_seed_other_figures(demo: Run) -> None:
    again, other = _run(7), _run(8)
    first = demo.report
    assert [c.history for c in again.report.cases] == [c.history for c in first.cases]
    assert again.report.team == first.team
    assert again.report.appraisals == first.appraisals
    assert [c.history for c in other.report.cases] != [c.history for c in first.cases]


def test_cli_demo_prints_the_histories_and_the_quarter(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    for heading in (
        "2.3.2 Price and quote",
        "Sales cases (SOP 2.1-2.6)",
        "Team (SOP 3.1-3.4)",
        "Refused by the SOP",
        "Pipeline funnel",
        "Win rate 50%",
        "KPIs by representative against targets (CNY)",
        "Audit digest (hash chain head, ADR 10): position",
        "command records stored in sqlite:///salesdomain-demo.db",
        "SOP conformance of 2026-Q1",
        "Breaches (2, 0 still open)",
        "team_meeting_every_period",
        "Overrides, approved (14)",  # 2 + the staff's 12 enrolment exceptions (ADR 45)
        "employee enrolled outside recruitment,",
        "0 policy versions not judged.",
    ):
        assert heading in result.output
    breach = next(line for line in result.output.splitlines() if "2026-03-17 │ 2.6.1" in line)
    assert "late" in breach
    assert "Ada Zhou, After-sales" in breach
    assert "The quarter" in result.stderr  # the progress bar
    assert (tmp_path / "salesdomain-demo.db").exists()
    assert "The quarter's sales report (SOP 4.2) as PDF: salesdomain-demo-2026-Q1.pdf" in (
        result.output
    )
    assert (tmp_path / "salesdomain-demo-2026-Q1.pdf").read_bytes().startswith(b"%PDF")


def test_cli_rejects_a_bad_database_url() -> None:
    result = CliRunner().invoke(
        cli, ["history", "00000000-0000-0000-0000-000000000001", "--database-url", "oracle://x"]
    )
    assert result.exit_code == 2
    assert "SALESDOMAIN_DATABASE_URL" in result.output
    result = CliRunner().invoke(cli, ["demo", "--database-url", "oracle://x"])
    assert result.exit_code == 2


def test_the_conformance_review_finds_the_late_complaint_answer_and_two_overrides(
    demo: Run,
) -> None:
    review = demo.report.conformance
    assert review is not None
    assert review.as_at == demo.report.finished
    missed, breach = review.breaches
    assert (breach.rule, breach.sop_step, breach.status.value) == (
        "feedback_answered_in_time",
        "2.6.1",
        "late",
    )
    assert (breach.responsible.name, breach.responsible.team) == ("Ada Zhou", "After-sales")
    (responded,) = demo.named("ServiceCase.Responded")
    assert breach.actual == responded.responded_at
    assert breach.due == responded.respond_by
    enrolments = [o for o in review.overrides if o.sop_step == "3.1.4"]
    assert len(enrolments) == 12  # the staff, enrolled under Dan's exceptions (ADR 45)
    assert {o.approved_by.name for o in enrolments} == {"Dan Wu"}
    others = [o for o in review.overrides if o.sop_step != "3.1.4"]
    assert [o.sop_step for o in others] == ["2.3.3", "2.4.1"]
    assert [o.approved_by.name for o in others] == ["Mia Chen", "Bob Liu"]
    assert review.policy_mismatches == ()
    assert review.events_reviewed == demo.report.events
    # the week of 9 March without a team meeting: a missed recurring duty (SOP 3.4.2)
    assert (missed.rule, missed.sop_step, missed.status.value) == (
        "team_meeting_every_period",
        "3.4.2",
        "missed",
    )
    assert missed.detail == "week 2026-W11: no team meeting recorded for team Sales East"
    assert (missed.responsible.team, missed.occurred_on.isoformat()) == ("Sales East", "2026-03-15")


def test_the_report_has_kpis_against_targets_and_the_chains_digest(demo: Run) -> None:
    rows = {row.label: row for row in demo.report.kpi if row.period == "2026-Q1"}
    assert rows["Bob Liu"].target["revenue"] == Decimal("800000")
    revenue = Counter()
    for completed in demo.named("Order.Completed"):
        revenue[completed.owner_id] += completed.amount.amount
    bob = next(e.originator_id for e in demo.named("Employee.Enrolled") if e.name == "Bob Liu")
    assert rows["Bob Liu"].revenue == revenue[bob]
    assert rows["Bob Liu"].attainment["revenue"] == (revenue[bob] / 800_000).quantize(
        Decimal("0.0001")
    )
    digest = demo.report.digest
    assert digest is not None
    assert digest.position == demo.report.events + demo.report.commands


# ---- --scale: many genuine business cases -------------------------------------------------


@pytest.fixture(scope="module")
def scaled() -> Run:
    system = build_system("memory://")
    try:
        report = run_demo(system, 5, scale=2_000)
        log = ApplicationLog(system.app)
        return Run(report, [e for _, e in log.read(0, log.head()) if e is not None])
    finally:
        system.close()


def test_scale_adds_about_n_events_of_whole_business_cases(scaled: Run) -> None:
    summary = scaled.report.scale
    assert summary is not None
    assert 2_000 <= summary.events < 2_600
    assert scaled.report.events == len(scaled.events)
    generated = [e for e in scaled.events if e.timestamp > _quarter_end(scaled)]
    assert len(generated) == summary.events
    assert len([e for e in generated if _name(e) == "Order.Completed"]) == summary.won > 0
    assert {_name(e) for e in generated} >= {
        "Customer.Registered",
        "Customer.Disqualified",
        "Opportunity.Lost",
        "Contract.Approved",
        "Order.Entered",
        "Order.ShipmentDispatched",
    }


def _quarter_end(run: Run) -> Any:
    return max(e.timestamp for e in run.events if _name(e) == "Appraisal.Closed")


def test_scale_events_are_genuine_evidence(scaled: Run) -> None:
    from salesdomain.commands import COMMANDS
    from salesdomain.sop import step

    end = _quarter_end(scaled)
    staff = {
        e.originator_id
        for e in scaled.events
        if _name(e) in ("Employee.Enrolled", "Employee.Hired")
    }
    for event in (e for e in scaled.events if e.timestamp > end):
        if event.actor.role is Role.AUTOMATED_POLICY:
            continue
        assert event.actor.employee_id in staff
        assert event.actor.role in step(COMMANDS[event.command].SOP_STEP).roles
    entered = [e for e in scaled.events if _name(e) == "Order.Entered" and e.timestamp > end]
    assert all(e.command == "OpenOrderWhenContractSigned" for e in entered)
    times = [e.timestamp for e in scaled.events]
    assert times == sorted(times)  # cases interleave on one clock that only moves forward


def test_scale_is_deterministic_for_a_seed(scaled: Run) -> None:
    """The same seed tells the same history.  The stored bytes (and so the chain's
    links) differ between runs: personal data is sealed with fresh keys and nonces
    (ADR 13), so the decoded events are compared, not the digest's link."""
    system = build_system("memory://")
    try:
        again = run_demo(system, 5, scale=2_000)
        log = ApplicationLog(system.app)
        events = [e for _, e in log.read(0, log.head()) if e is not None]
    finally:
        system.close()
    assert events == scaled.events
    assert again.digest is not None
    assert scaled.report.digest is not None
    assert again.digest.position == scaled.report.digest.position
    assert again.scale == scaled.report.scale


def test_cli_demo_scale_as_json(tmp_path) -> None:
    result = CliRunner().invoke(
        cli, ["demo", "--scale", "500", "--database-url", f"sqlite:///{tmp_path}/d.db", "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["scale"]["events"] >= 500
    assert summary["digest"]["position"] == summary["events"] + summary["commands"]
    assert summary["kpi"][0]["period"] == "2026-Q1"
    review = summary["conformance"]
    assert (review["period_start"], review["period_end"]) == ("2026-01-01", "2026-03-31")
    assert [b["responsible"]["name"] for b in review["breaches"]] == [
        "team Sales East",
        "Ada Zhou",
    ]
    assert [o["sop_step"] for o in review["overrides"]].count("3.1.4") == 12  # ADR 45
    assert len(review["overrides"]) == 14
