"""The quarter's steps for the team's people: a hiring need, the hire, onboarding and
training (SOP 3.1-3.2)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from salesdomain.adapters.demo.cast import _Cast
from salesdomain.adapters.demo.setting import CURRENCY, NORA_STARTS, QUARTER, REQUIREMENTS, TEAM

from salesdomain.people import commands as hc
from salesdomain.people import values as hv
from salesdomain.sop import Role
from salesdomain.values import Money


class _PeopleSteps(_Cast):
    """SOP 3.1 recruitment and 3.2 onboarding and training."""

    # ---- 3.1 a hiring need ---------------------------------------------------------------

    def recruitment_opens(self) -> None:
        co = self.co
        co.on(date(2026, 1, 14))
        co.attempt(
            "enrol a new representative straight onto the staff, outside any hiring need",
            hc.EnrolEmployee,
            co.hana,
            employee_id=co.nora.employee_id,
            name=co.nora.name,
            position="Sales Representative",
            team=TEAM,
            manager_id=co.mia.employee_id,
            roles=(Role.SALES_REPRESENTATIVE,),
            salary=Money.of(12_000, CURRENCY),
            start_date=co.today,
        )
        hana = co.acting(co.hana, requisition_id=self.requisition)
        hana(
            hc.OpenRequisition,
            profile=hv.JobProfile(
                position="Sales Representative",
                team=TEAM,
                roles=hv.RoleSet.of(Role.SALES_REPRESENTATIVE),
                duties=("Develop customers in the region", "Follow deals from contact to order"),
                requirements=REQUIREMENTS,
            ),
            headcount=1,
            justification="Pipeline in East China outgrows three representatives",
        )
        co.do(
            hc.AgreeRequisition,
            co.dan,
            requisition_id=self.requisition,
            comments="Within the 2026 headcount budget",
        )
        channels = (hv.HiringChannel.JOB_SITE, hv.HiringChannel.REFERRAL)
        hana(hc.ChooseHiringChannels, channels=channels)
        for (name, candidate), channel in zip(self.candidates.items(), channels, strict=True):
            hana(
                hc.RecordApplication,
                candidate_id=candidate,
                name=name,
                contact=f"{name.split()[0].lower()}@example.com",
                channel=channel,
                cv_summary="Three years selling machine tools in Zhejiang",
            )
            co.do(
                hc.ScreenCandidate,
                co.hana,
                candidate_id=candidate,
                screening=hv.Screening(
                    checks=tuple(
                        hv.RequirementCheck(requirement=r, met=True, note="per CV")
                        for r in REQUIREMENTS
                    ),
                    passed=True,
                    reasons="Meets every requirement",
                ),
            )

    def interview(self, candidate: UUID, kind: hv.InterviewKind, score: int) -> None:
        self.co.do(
            hc.RecordInterview,
            self.co.hana,
            candidate_id=candidate,
            kind=kind,
            held_on=self.co.today,
            interviewer_id=self.co.mia.employee_id,
            scores=tuple(
                hv.CriterionScore(criterion=c, score=score) for c in hv.InterviewCriterion
            ),
            notes="Asked good questions about our products"
            if score >= 4
            else "Weak on product knowledge",
        )

    # ---- 3.1.3-3.1.4 the hire -------------------------------------------------------------

    def hiring(self) -> None:
        co = self.co
        nora, ivan = self.candidates.values()
        co.on(date(2026, 1, 22))
        self.interview(nora, hv.InterviewKind.ON_SITE, 5)
        self.interview(ivan, hv.InterviewKind.ON_SITE, 3)
        hire, reject = hv.HiringDecision.HIRE, hv.HiringDecision.REJECT
        for candidate, decision, reasons in (
            (nora, hire, "Strongest selling skill and product knowledge"),
            (ivan, reject, "Weaker product knowledge than the selected candidate"),
        ):
            co.do(
                hc.DecideOnCandidate,
                co.dan,
                candidate_id=candidate,
                decision=decision,
                reasons=reasons,
            )
        co.do(
            hc.SendOffer,
            co.hana,
            candidate_id=nora,
            offer=hv.Offer(
                position="Sales Representative",
                salary=Money.of(13_000, CURRENCY),
                start_date=NORA_STARTS,
                manager_id=co.mia.employee_id,
            ),
        )

    # ---- 3.2.1 onboarding ------------------------------------------------------------------

    def onboarding(self) -> None:
        co = self.co
        co.on(NORA_STARTS)
        co.do(
            hc.CompleteOnboardingTraining,
            co.hana,
            employee_id=co.nora.employee_id,
            topics=tuple(hv.OnboardingTopic),
            completed_on=co.today,
        )
        co.do(
            hc.SetSalesTarget,
            co.mia,
            employee_id=co.nora.employee_id,
            period=QUARTER,
            figures=hv.TargetFigures(revenue=Money.zero(CURRENCY), visits=3),
        )

    # ---- 3.2.2 periodic training ------------------------------------------------------------

    def training(self) -> None:
        co = self.co
        co.on(date(2026, 3, 12))
        co.do(
            hc.RecordTraining,
            co.mia,
            employee_id=co.nora.employee_id,
            topic="CRM and the sales SOP in practice",
            trainer_kind=hv.TrainerKind.INTERNAL,
            trainer=co.mia.name,
            hours=Decimal(4),
            held_on=co.today,
        )
