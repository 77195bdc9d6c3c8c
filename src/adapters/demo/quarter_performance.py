"""The quarter's steps for performance: sales expenses, the weekly team meeting,
appraisals and the escalation the policy raises (SOP 3.3-3.4)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from salesdomain.adapters.demo.cast import _Cast
from salesdomain.adapters.demo.kpi_schemes import MONTHLY, QUARTERLY
from salesdomain.adapters.demo.setting import CURRENCY, QUARTER, TEAM
from salesdomain.projections.appraisal_actuals import appraisal_actuals

from salesdomain.errors import RecordNotFound
from salesdomain.people.values import Period
from salesdomain.performance import commands as pfc
from salesdomain.performance.appraisal import Appraisal
from salesdomain.performance.escalation import Escalation
from salesdomain.performance.values import (
    ActionItem,
    Actual,
    CoachingPlan,
    ExpenseCategory,
    FeedbackInterview,
    HandOff,
    ImprovementGoal,
    ImprovementPlan,
    Incentive,
    IncentiveKind,
    IndicatorScoring,
    IndicatorSpec,
    MeetingKind,
    SelfAssessment,
)
from salesdomain.sop import Role
from salesdomain.values import Actor, Money

QUARTER_FIRST_MONDAY = date(2026, 1, 5)
SKIPPED_WEEK = date(2026, 3, 9)
"""The Monday of the week (2026-W11) in which the team held no meeting."""


class _PerformanceSteps(_Cast):
    """SOP 3.3 expenses and appraisals, 3.4 the team meeting."""

    def expense(self, who: Actor, amount: int, description: str) -> None:
        co = self.co
        expense_id = co.id(f"expense {len(self.expenses) + 1}")
        co.do(
            pfc.RecordSalesExpense,
            co.mia,
            expense_id=expense_id,
            employee_id=who.employee_id,
            incurred_on=co.today,
            category=ExpenseCategory.TRAVEL,
            amount=Money.of(amount, CURRENCY),
            description=description,
        )
        co.do(pfc.ApproveSalesExpense, co.mia, expense_id=expense_id, comments="Within budget")
        self.expenses.append(expense_id)

    # ---- 3.4 the weekly team meeting ----------------------------------------------------------

    def team_meeting(self) -> None:
        co = self.co
        co.on(date(2026, 2, 16))
        co.do(
            pfc.HoldTeamMeeting,
            co.mia,
            meeting_id=self.meeting,
            kind=MeetingKind.WEEKLY,
            held_on=co.today,
            team=TEAM,
            attendees=tuple(p.employee_id for p in (co.mia, co.alice, co.bob, co.carol, co.nora)),
            progress="Two contracts signed; Suzhou needed a second revision",
            problems="Carol's pipeline is thin; castings for Suzhou are late",
            decisions=("Nora shadows Carol on her next visits",),
            action_items=(
                ActionItem(
                    description="Take Nora along to the next two customer visits",
                    owner_id=co.carol.employee_id,
                    due_on=co.today + timedelta(days=10),
                ),
            ),
        )
        co.do(
            pfc.AgreeHandOff,
            co.mia,
            meeting_id=self.meeting,
            description="Pass Suzhou's site drawings to production for installation planning",
            owner_id=co.pat.employee_id,
            due_on=co.today + timedelta(days=3),
            handoff=HandOff(from_department=Role.SALES_MANAGER, to_department=Role.PRODUCTION),
        )
        co.later(days=1)
        self.action_item_done(
            co.pat, 2, "Drawings received; installation planned for the second shipment"
        )

    def weekly_meetings(self) -> None:
        """Mia enters the minutes of the quarter's other weekly meetings from her notes:
        one on each Monday, but none in the week of 9 March (the Suzhou delivery), which
        the conformance review lists as a missed recurring duty (SOP 3.4.2)."""
        co = self.co
        with co.quickly():
            for week in range(12):
                monday = QUARTER_FIRST_MONDAY + timedelta(weeks=week)
                if monday in (date(2026, 2, 16), SKIPPED_WEEK):  # held above; not held
                    continue
                co.do(
                    pfc.HoldTeamMeeting,
                    co.mia,
                    meeting_id=co.id(f"minutes of the weekly meeting of {monday}"),
                    kind=MeetingKind.WEEKLY,
                    held_on=monday,
                    team=TEAM,
                    attendees=tuple(p.employee_id for p in (co.mia, co.alice, co.bob, co.carol)),
                    progress="Weekly pipeline review",
                )

    def action_item_done(self, who: Actor, number: int, outcome: str) -> None:
        """``who`` completes the weekly meeting's action item ``number``."""
        self.co.do(
            pfc.CompleteActionItem,
            who,
            meeting_id=self.meeting,
            item_number=number,
            outcome=outcome,
        )

    # ---- 3.3 appraisals -----------------------------------------------------------------------

    def actuals(
        self, who: Actor, period: Period, specs: tuple[IndicatorSpec, ...]
    ) -> tuple[Actual, ...]:
        """The period's figures as the KPI read model has them (caught up first)."""
        views = self.co.views
        views.catch_up()
        kpi = views.runner("kpi")
        return appraisal_actuals(
            kpi.engine,
            kpi.tables(),
            who.employee_id,
            period,
            [spec.indicator for spec in specs],
            currency=CURRENCY,
        )

    def appraise(
        self, who: Actor, period: Period, specs: tuple[IndicatorSpec, ...], summary: str
    ) -> UUID:
        """One appraisal up to its final score; the caller decides what follows."""
        co = self.co
        aid = Appraisal.id_for(who.employee_id, period)
        self.appraisals.append(aid)
        co.do(pfc.OpenAppraisal, co.mia, employee_id=who.employee_id, period=period)
        actuals = self.actuals(who, period, specs)
        co.do(pfc.RecordActuals, co.hana, appraisal_id=aid, figures=actuals)
        co.do(
            pfc.SubmitSelfAssessment,
            who,
            appraisal_id=aid,
            assessment=SelfAssessment(summary=summary),
        )
        co.do(
            pfc.ScoreAppraisal,
            co.mia,
            appraisal_id=aid,
            scores=tuple(
                IndicatorScoring(
                    indicator=spec.indicator,
                    comment=f"{actual.value} against a target of {spec.target}",
                )
                for spec, actual in zip(specs, actuals, strict=True)
            ),
        )
        co.do(
            pfc.RecordFeedbackInterview,
            co.mia,
            appraisal_id=aid,
            interview=FeedbackInterview(
                held_on=co.today, summary="Went through every indicator and the pipeline"
            ),
        )
        co.do(
            pfc.AgreeImprovementPlan,
            who,
            appraisal_id=aid,
            plan=ImprovementPlan(
                goals=(
                    ImprovementGoal(
                        description="More customer visits",
                        measure="at least 4 visits a month",
                        due_on=co.today + timedelta(days=60),
                    ),
                )
            ),
        )
        co.do(pfc.FinaliseAppraisal, co.mia, appraisal_id=aid)
        return aid

    def coach(self, aid: UUID) -> None:
        co = self.co
        co.do(
            pfc.PlanCoaching,
            co.mia,
            appraisal_id=aid,
            plan=CoachingPlan(
                coach_id=co.mia.employee_id,
                actions=("Weekly deal review", "Joint customer visits"),
                trainings=("Negotiation skills",),
                review_on=co.today + timedelta(days=30),
            ),
        )

    def monthly_appraisal(self, month: Period) -> None:
        """Carol is on a monthly cycle (below standard last year)."""
        co = self.co
        co.on(month.end + timedelta(days=2))
        aid = self.appraise(co.carol, month, MONTHLY, f"A quiet {month}: few visits, no order yet")
        if self._below(aid):
            self.coach(aid)
        co.do(pfc.CloseAppraisal, co.mia, appraisal_id=aid)

    def _below(self, aid: UUID) -> bool:
        band = self.co.app.load(Appraisal, aid).rating_band
        return band is not None and band.is_below_standard

    def resolve_escalation(self) -> None:
        """HR or the sales director handles what the policy raised, if it raised anything."""
        co = self.co
        for aid in self.appraisals:
            escalation = Escalation.id_for(aid)
            try:
                co.app.load(Escalation, escalation)
            except RecordNotFound:
                continue
            co.later(days=1)
            co.do(
                pfc.ResolveEscalation,
                co.dan,
                escalation_id=escalation,
                outcome="Formal performance improvement plan for Q2 under company rules",
            )

    def quarterly_appraisals(self) -> None:
        co = self.co
        co.on(QUARTER.end + timedelta(days=1))
        summaries = {
            co.alice.name: "Won Hangzhou; lost Shanghai to a budget freeze",
            co.bob.name: "Won Suzhou, our largest order this quarter",
            co.carol.name: "Lost Ningbo on price; Jiaxing still open",
        }
        finished = {
            rep.employee_id: self.appraise(rep, QUARTER, QUARTERLY, summaries[rep.name])
            for rep in (co.alice, co.bob, co.carol)
        }
        scores = {
            emp: co.app.load(Appraisal, aid).final_score or Decimal(0)
            for emp, aid in finished.items()
        }
        best = max(scores, key=lambda emp: scores[emp])
        for emp, aid in finished.items():
            if self._below(aid):
                co.attempt(
                    "close an appraisal below standard without a coaching plan",
                    pfc.CloseAppraisal,
                    co.mia,
                    appraisal_id=aid,
                )
                self.coach(aid)
            else:
                decider, incentive = self._incentive(best=emp == best)
                co.do(pfc.DecideIncentive, decider, appraisal_id=aid, incentive=incentive)
            co.do(pfc.CloseAppraisal, co.mia, appraisal_id=aid)

    def _incentive(self, best: bool) -> tuple[Actor, Incentive]:
        """The director's bonus for the team's best, the manager's recognition for the
        others who met the standard."""
        if best:
            bonus = Money.of(20_000, CURRENCY)
            reason = "Best result of the team this quarter"
            return self.co.dan, Incentive(kind=IncentiveKind.BONUS, bonus=bonus, reason=reason)
        reason = "Met the standard and opened a new customer"
        return self.co.mia, Incentive(kind=IncentiveKind.RECOGNITION, reason=reason)
