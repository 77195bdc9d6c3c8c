"""The quarter's after-sales: a complaint answered late, a service visit, a
satisfaction survey with an improvement action (SOP 2.6)."""

from __future__ import annotations

from datetime import date, timedelta

from salesdomain.adapters.demo.cast import _Cast
from salesdomain.adapters.demo.setting import QUARTER

from salesdomain.aftersales import commands as ac
from salesdomain.aftersales import values as av
from salesdomain.aftersales.satisfaction_survey import SatisfactionSurvey
from salesdomain.aftersales.service_case import ServiceCase
from salesdomain.sop import Role


class _AfterSalesSteps(_Cast):
    """SOP 2.6 after-sales of the won deals."""

    # ---- 2.6 after-sales ------------------------------------------------------------------

    def complaint(self) -> None:
        co = self.co
        case = self.service_case
        co.on(date(2026, 3, 16))
        alice = co.acting(co.alice, service_case_id=case)
        ada = co.acting(co.ada, service_case_id=case)
        alice(
            ac.ReceiveFeedback,
            customer_id=self.straight.customer_id,
            order_id=self.won_straight.order,
            channel=av.FeedbackChannel.PHONE,
            description="Spindle on line 3 overheats after two hours since the retrofit",
        )
        self.straight.records.append(case)
        alice(ac.ClassifyFeedback, kind=av.FeedbackKind.COMPLAINT, severity=av.Severity.HIGH)
        alice(ac.AssignServiceCase, assignee=co.ada)
        # Ada is on another site: the answer comes after the policy's 24 hours.
        respond_by = co.app.load(ServiceCase, case).respond_by
        co.move_to(respond_by + timedelta(hours=3))
        ada(
            ac.RespondToFeedback,
            response=av.FeedbackResponse(
                answer="The coolant pump fitted with the kit is undersized for continuous duty",
                solution="Replace the pump under warranty on site this week",
                departments_involved=(Role.PRODUCTION, Role.LOGISTICS),
            ),
        )
        co.later(hours=20)
        ada(
            ac.RecordServiceVisit,
            visit_id=self.service_visit,
            customer_id=self.straight.customer_id,
            kind=av.VisitKind.ON_SITE,
            work=av.ServiceWork(
                visited_on=co.today,
                work_done="Replaced the coolant pump; ran the line for four hours",
                satisfaction=4,
                customer_comments="Fixed, but the first answer took too long",
                met_with="Plant manager",
            ),
        )
        self.straight.records.append(self.service_visit)
        ada(
            ac.RecordRootCause,
            root_cause=av.RootCause(
                cause="Wrong pump model in the kit's bill of materials",
                impact="Line 3 of the customer; every RK-3 kit of this batch",
            ),
        )
        ada(ac.ResolveServiceCase, resolution="Pump replaced; bill of materials corrected")
        co.later(days=1)
        ada(ac.CloseServiceCase, remarks="Customer confirmed")

    def survey_of_suzhou(self) -> None:
        co = self.co
        deal = self.escalated
        co.on(date(2026, 3, 23))
        period = av.SurveyPeriod(starts_on=QUARTER.start, ends_on=QUARTER.end)
        survey = SatisfactionSurvey.id_for(deal.customer_id, period)
        co.do(
            ac.StartSatisfactionSurvey,
            co.ada,
            customer_id=deal.customer_id,
            period=period,
            method=av.SurveyMethod.PHONE,
        )
        deal.records.append(survey)
        ada = co.acting(co.ada, survey_id=survey)
        for respondent, satisfaction, recommendation, comments in (
            ("Purchasing lead", 3, 6, "Second shipment came late after rework"),
            ("Plant manager", 4, 8, "Downtime is down; installation was smooth"),
        ):
            ada(
                ac.RecordSurveyResponse,
                response=av.SurveyResponse(
                    respondent=respondent,
                    satisfaction=satisfaction,
                    recommendation=recommendation,
                    comments=comments,
                ),
            )
        ada(
            ac.AnalyseSurveyResults,
            analysis=av.SurveyAnalysis(
                summary="Product valued; delivery reliability is the weak point",
                problems=("A failed lot delayed the second shipment by a week",),
            ),
        )
        ada(
            ac.AddImprovementAction,
            action=av.ImprovementAction(
                action="In-process weld inspection before the final inspection",
                owner_id=co.pat.employee_id,
                owner_name=co.pat.name,
                due=co.today + timedelta(days=30),
            ),
        )
        ada(ac.CloseSatisfactionSurvey, remarks="Action owned by production")
