"""The quarter's after-sales: a complaint answered late, a service visit, a
satisfaction survey with an improvement action (SOP 2.6)."""

from __future__ import annotations

from datetime import date, timedelta

from salesdomain.adapters.demo.cast import _Cast
from salesdomain.adapters.demo.setting import QUARTER

from salesdomain.aftersales import commands as ac
from salesdomain.aftersales.satisfaction_survey import SatisfactionSurvey
from salesdomain.aftersales.service_case import ServiceCase
from salesdomain.aftersales.values import (
    FeedbackChannel,
    FeedbackKind,
    FeedbackResponse,
    ImprovementAction,
    RootCause,
    ServiceWork,
    Severity,
    SurveyAnalysis,
    SurveyMethod,
    SurveyPeriod,
    SurveyResponse,
    VisitKind,
)
from salesdomain.sop import Role


class _AfterSalesSteps(_Cast):
    """SOP 2.6 after-sales of the won deals."""

    # ---- 2.6 after-sales ------------------------------------------------------------------

    def complaint(self) -> None:
        co = self.co
        case = self.service_case
        co.on(date(2026, 3, 16))
        co.do(
            ac.ReceiveFeedback,
            co.alice,
            service_case_id=case,
            customer_id=self.straight.customer_id,
            order_id=self.won_straight.order,
            channel=FeedbackChannel.PHONE,
            description="Spindle on line 3 overheats after two hours since the retrofit",
        )
        self.straight.records.append(case)
        co.do(
            ac.ClassifyFeedback,
            co.alice,
            service_case_id=case,
            kind=FeedbackKind.COMPLAINT,
            severity=Severity.HIGH,
        )
        co.do(ac.AssignServiceCase, co.alice, service_case_id=case, assignee=co.ada)
        # Ada is on another site: the answer comes after the policy's 24 hours.
        respond_by = co.app.load(ServiceCase, case).respond_by
        co.move_to(respond_by + timedelta(hours=3))
        co.do(
            ac.RespondToFeedback,
            co.ada,
            service_case_id=case,
            response=FeedbackResponse(
                answer="The coolant pump fitted with the kit is undersized for continuous duty",
                solution="Replace the pump under warranty on site this week",
                departments_involved=(Role.PRODUCTION, Role.LOGISTICS),
            ),
        )
        co.later(hours=20)
        co.do(
            ac.RecordServiceVisit,
            co.ada,
            visit_id=self.service_visit,
            customer_id=self.straight.customer_id,
            kind=VisitKind.ON_SITE,
            service_case_id=case,
            work=ServiceWork(
                visited_on=co.today,
                work_done="Replaced the coolant pump; ran the line for four hours",
                satisfaction=4,
                customer_comments="Fixed, but the first answer took too long",
                met_with="Plant manager",
            ),
        )
        self.straight.records.append(self.service_visit)
        co.do(
            ac.RecordRootCause,
            co.ada,
            service_case_id=case,
            root_cause=RootCause(
                cause="Wrong pump model in the kit's bill of materials",
                impact="Line 3 of the customer; every RK-3 kit of this batch",
            ),
        )
        co.do(
            ac.ResolveServiceCase,
            co.ada,
            service_case_id=case,
            resolution="Pump replaced; bill of materials corrected",
        )
        co.later(days=1)
        co.do(ac.CloseServiceCase, co.ada, service_case_id=case, remarks="Customer confirmed")

    def survey_of_suzhou(self) -> None:
        co = self.co
        deal = self.escalated
        co.on(date(2026, 3, 23))
        period = SurveyPeriod(starts_on=QUARTER.start, ends_on=QUARTER.end)
        survey = SatisfactionSurvey.id_for(deal.customer_id, period)
        co.do(
            ac.StartSatisfactionSurvey,
            co.ada,
            customer_id=deal.customer_id,
            period=period,
            method=SurveyMethod.PHONE,
        )
        deal.records.append(survey)
        for respondent, satisfaction, recommendation, comments in (
            ("Purchasing lead", 3, 6, "Second shipment came late after rework"),
            ("Plant manager", 4, 8, "Downtime is down; installation was smooth"),
        ):
            co.do(
                ac.RecordSurveyResponse,
                co.ada,
                survey_id=survey,
                response=SurveyResponse(
                    respondent=respondent,
                    satisfaction=satisfaction,
                    recommendation=recommendation,
                    comments=comments,
                ),
            )
        co.do(
            ac.AnalyseSurveyResults,
            co.ada,
            survey_id=survey,
            analysis=SurveyAnalysis(
                summary="Product valued; delivery reliability is the weak point",
                problems=("A failed lot delayed the second shipment by a week",),
            ),
        )
        co.do(
            ac.AddImprovementAction,
            co.ada,
            survey_id=survey,
            action=ImprovementAction(
                action="In-process weld inspection before the final inspection",
                owner_id=co.pat.employee_id,
                owner_name=co.pat.name,
                due=co.today + timedelta(days=30),
            ),
        )
        co.do(
            ac.CloseSatisfactionSurvey,
            co.ada,
            survey_id=survey,
            remarks="Action owned by production",
        )
