"""Candidate: one applicant's path from application to hire or rejection (SOP 3.1.3, 3.1.4).

A candidate applies for an agreed requisition through one of its chosen channels; the
CV is screened against every requirement; who passes is interviewed (phone, on-site)
by employees who score each of the five criteria from 1 to 5.  A sales manager,
director or general manager decides to hire after an on-site interview; HR sends the
offer (position, salary, start date), which the candidate accepts or declines; the
hire signs the labour contract within the set time and becomes an employee.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.errors import NotAuthorised, SopRuleViolation
from salesdomain.people.employee import Employee, check_manager
from salesdomain.people.requisition import Requisition
from salesdomain.people.values import (
    CandidateDetails,
    HiringChannel,
    Interview,
    InterviewCriterion,
    InterviewKind,
    Offer,
    Screening,
)
from salesdomain.personal import PersonalDataForgotten, erase
from salesdomain.rules.recruitment import (
    APPLICATION_THROUGH_CHOSEN_CHANNEL,
    CANDIDATE_DECIDED,
    CANDIDATE_FORGOTTEN,
    CANDIDATES_FOR_AGREED_NEED,
    CV_SCREENED_AGAINST_REQUIREMENTS,
    CV_SCREENED_ONCE,
    HIRE_AFTER_ON_SITE_INTERVIEW,
    HIRE_DECIDED_ONCE,
    INTERVIEW_AFTER_SCREENING,
    INTERVIEW_ASSESSES_EVERY_CRITERION,
    INTERVIEW_RECORDED_ONCE_HELD,
    INTERVIEWER_IS_ACTIVE,
    LABOUR_CONTRACT_AFTER_ACCEPTANCE,
    LABOUR_CONTRACT_RECORDED_ONCE_SIGNED,
    LABOUR_CONTRACT_SIGNED_IN_TIME,
    OFFER_ANSWERED_WHILE_WAITING,
    OFFER_FOLLOWS_HIRE,
    OFFER_START_NOT_IN_PAST,
    REJECTION_AFTER_SCREENING,
    SCREENING_PASSED_ON_EVERY_REQUIREMENT,
)
from salesdomain.sop import Role, step
from salesdomain.values import stored_enum

HIRING_DECIDERS = frozenset({Role.SALES_MANAGER, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER})


def formalities_limit() -> timedelta:
    """How long after the start date the hire may sign the labour contract (SOP 3.1.4)."""
    limit = step("3.1.4").time_limit
    assert limit is not None
    return limit.default


@stored_enum
class CandidateStatus(Enum):
    APPLIED = "applied"
    SCREENED_OUT = "screened out"
    SHORTLISTED = "shortlisted"
    SELECTED = "selected"
    OFFERED = "offered"
    OFFER_ACCEPTED = "offer accepted"
    OFFER_DECLINED = "offer declined"
    REJECTED = "rejected"
    HIRED = "hired"


_FINAL = frozenset({CandidateStatus.SCREENED_OUT, CandidateStatus.REJECTED, CandidateStatus.HIRED})
_MAY_BE_OFFERED = frozenset(
    {
        CandidateStatus.SELECTED,
        CandidateStatus.OFFERED,
        CandidateStatus.OFFER_DECLINED,
        CandidateStatus.OFFER_ACCEPTED,
    }
)


class Candidate(SopAggregate):
    class Event(SopAggregate.Event):
        pass

    class Applied(Event, SopAggregate.Created):
        SOP_STEP = "3.1.3"
        class_version: ClassVar[int] = 2
        requisition_id: UUID
        person: CandidateDetails
        channel: HiringChannel

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 kept name, contact and CV summary as plain fields."""
            state["person"] = CandidateDetails(
                subject_id=state["originator_id"],
                name=state.pop("name"),
                contact=state.pop("contact"),
                cv_summary=state.pop("cv_summary"),
            )

        def apply(self, cand: Candidate) -> None:
            cand.requisition_id = self.requisition_id
            cand.person = self.person
            cand.forgotten = False
            cand.channel = self.channel
            cand.status = CandidateStatus.APPLIED
            cand.screening = None
            cand.interviews = []
            cand.offer = None
            cand.offers_sent = 0
            cand.employee_id = None

    class Screened(Event):
        SOP_STEP = "3.1.3"
        screening: Screening

        def apply(self, cand: Candidate) -> None:
            cand.screening = self.screening
            passed = self.screening.passed
            cand.status = CandidateStatus.SHORTLISTED if passed else CandidateStatus.SCREENED_OUT

    class Interviewed(Event):
        SOP_STEP = "3.1.3"
        interview: Interview

        def apply(self, cand: Candidate) -> None:
            cand.interviews.append(self.interview)

    class Selected(Event):
        SOP_STEP = "3.1.4"
        reasons: str

        def apply(self, cand: Candidate) -> None:
            cand.status = CandidateStatus.SELECTED

    class Rejected(Event):
        SOP_STEP = "3.1.4"
        reasons: str

        def apply(self, cand: Candidate) -> None:
            cand.status = CandidateStatus.REJECTED

    class OfferSent(Event):
        SOP_STEP = "3.1.4"
        offer_number: int
        offer: Offer

        def apply(self, cand: Candidate) -> None:
            cand.offer = self.offer
            cand.offers_sent = self.offer_number
            cand.status = CandidateStatus.OFFERED

    class OfferAccepted(Event):
        SOP_STEP = "3.1.4"
        offer_number: int

        def apply(self, cand: Candidate) -> None:
            cand.status = CandidateStatus.OFFER_ACCEPTED

    class OfferDeclined(Event):
        SOP_STEP = "3.1.4"
        offer_number: int
        reason: str

        def apply(self, cand: Candidate) -> None:
            cand.status = CandidateStatus.OFFER_DECLINED

    class Hired(Event):
        SOP_STEP = "3.1.4"
        employee_id: UUID
        signed_on: date
        contract_number: str

        def apply(self, cand: Candidate) -> None:
            cand.status = CandidateStatus.HIRED
            cand.employee_id = self.employee_id

    class Forgotten(Event, PersonalDataForgotten):
        """The candidate's personal data forgotten on request (ADR 13)."""

        SOP_STEP = "3.1.3"
        subject_id: UUID
        reason: str
        requested_by: str

        def apply(self, cand: Candidate) -> None:
            cand.person = erase(cand.person)
            cand.interviews = erase(cand.interviews)
            cand.forgotten = True

    if TYPE_CHECKING:
        requisition_id: UUID
        person: CandidateDetails
        forgotten: bool
        channel: HiringChannel
        status: CandidateStatus
        screening: Screening | None
        interviews: list[Interview]
        offer: Offer | None
        offers_sent: int
        employee_id: UUID | None

    # ---- 3.1.3 Screening and interviews ---------------------------------------------

    @classmethod
    def apply_for(
        cls,
        evidence: Evidence,
        *,
        candidate_id: UUID,
        requisition: Requisition,
        person: CandidateDetails,
        channel: HiringChannel,
    ) -> Candidate:
        requisition.ensure_open("3.1.3")
        if not requisition.agreed:
            raise SopRuleViolation(CANDIDATES_FOR_AGREED_NEED, requisition.profile.position)
        if not requisition.takes_applications_through(channel):
            chosen = requisition.channels.channels if requisition.channels else ()
            raise SopRuleViolation(
                APPLICATION_THROUGH_CHOSEN_CHANNEL,
                f"{channel.value} is not among: {', '.join(c.value for c in chosen) or 'none'}",
            )
        return cls._start(
            cls.Applied,
            evidence,
            id=candidate_id,
            case_id=requisition.case_id,
            requisition_id=requisition.id,
            person=person.of_subject(candidate_id),
            channel=channel,
        )

    @property
    def name(self) -> str:
        return self.person.name

    def screen(
        self, evidence: Evidence, screening: Screening, *, requirements: tuple[str, ...]
    ) -> None:
        self._ensure_not_forgotten("3.1.3")
        if self.status is not CandidateStatus.APPLIED:
            raise SopRuleViolation(CV_SCREENED_ONCE, self.name)
        wanted = {r.casefold() for r in requirements}
        checked = {c.requirement.casefold() for c in screening.checks}
        if checked != wanted:
            missing = ", ".join(r for r in requirements if r.casefold() not in checked)
            unknown = ", ".join(
                c.requirement for c in screening.checks if c.requirement.casefold() not in wanted
            )
            raise SopRuleViolation(
                CV_SCREENED_AGAINST_REQUIREMENTS,
                f"not checked: {missing or 'none'}; not required: {unknown or 'none'}",
            )
        if screening.passed and screening.unmet:
            raise SopRuleViolation(
                SCREENING_PASSED_ON_EVERY_REQUIREMENT, f"not met: {', '.join(screening.unmet)}"
            )
        self._record(self.Screened, evidence, screening=screening)

    def record_interview(
        self, evidence: Evidence, interview: Interview, *, interviewer: Employee, today: date
    ) -> None:
        self._ensure_not_forgotten("3.1.3")
        if self.status is not CandidateStatus.SHORTLISTED:
            raise SopRuleViolation(INTERVIEW_AFTER_SCREENING, f"{self.name} is {self.status.value}")
        missing = [c.label for c in InterviewCriterion if c not in _criteria(interview)]
        if missing:
            raise SopRuleViolation(
                INTERVIEW_ASSESSES_EVERY_CRITERION, f"not scored: {', '.join(missing)}"
            )
        if not interviewer.is_active:
            raise SopRuleViolation(INTERVIEWER_IS_ACTIVE, f"{interviewer.name} has left")
        if interview.held_on > today:
            raise SopRuleViolation(INTERVIEW_RECORDED_ONCE_HELD, f"held on {interview.held_on}")
        notes = interview.notes.of_subject(self.id)
        interview = interview.model_copy(update={"notes": notes})
        self._record(self.Interviewed, evidence, interview=interview)

    # ---- 3.1.4 Hiring decision ------------------------------------------------------

    def select(self, evidence: Evidence, *, reasons: str) -> None:
        self._ensure_not_forgotten("3.1.4")
        if evidence.actor.role not in HIRING_DECIDERS:
            raise NotAuthorised(
                "3.1.4",
                str(evidence.actor),
                "may not decide a hire: a sales manager, sales director or general manager does",
            )
        if self.status is not CandidateStatus.SHORTLISTED:
            raise SopRuleViolation(HIRE_DECIDED_ONCE, f"{self.name} is {self.status.value}")
        if not any(i.kind is InterviewKind.ON_SITE for i in self.interviews):
            raise SopRuleViolation(HIRE_AFTER_ON_SITE_INTERVIEW, self.name)
        self._record(self.Selected, evidence, reasons=reasons)

    def reject(self, evidence: Evidence, *, reasons: str) -> None:
        self._ensure_not_forgotten("3.1.4")
        self._ensure_in_process("3.1.4")
        if self.status is CandidateStatus.APPLIED:
            raise SopRuleViolation(REJECTION_AFTER_SCREENING, self.name)
        self._record(self.Rejected, evidence, reasons=reasons)

    def send_offer(
        self,
        evidence: Evidence,
        offer: Offer,
        *,
        requisition: Requisition,
        manager: Employee | None,
        today: date,
    ) -> None:
        self._ensure_not_forgotten("3.1.4")
        if self.status not in _MAY_BE_OFFERED:
            raise SopRuleViolation(OFFER_FOLLOWS_HIRE, f"{self.name} is {self.status.value}")
        requisition.ensure_open("3.1.4")
        check_manager("3.1.4", None, manager)
        if offer.start_date < today:
            raise SopRuleViolation(OFFER_START_NOT_IN_PAST, str(offer.start_date))
        self._record(self.OfferSent, evidence, offer_number=self.offers_sent + 1, offer=offer)

    def accept_offer(self, evidence: Evidence) -> None:
        self._ensure_not_forgotten("3.1.4")
        self._awaiting_answer()
        self._record(self.OfferAccepted, evidence, offer_number=self.offers_sent)

    def decline_offer(self, evidence: Evidence, *, reason: str) -> None:
        self._ensure_not_forgotten("3.1.4")
        self._awaiting_answer()
        self._record(self.OfferDeclined, evidence, offer_number=self.offers_sent, reason=reason)

    def sign_labour_contract(
        self,
        evidence: Evidence,
        *,
        employee_id: UUID,
        signed_on: date,
        contract_number: str,
        today: date,
    ) -> Offer:
        """Record the signed contract; the accepted offer the employee is hired on."""
        self._ensure_not_forgotten("3.1.4")
        if self.status is not CandidateStatus.OFFER_ACCEPTED or self.offer is None:
            raise SopRuleViolation(
                LABOUR_CONTRACT_AFTER_ACCEPTANCE, f"{self.name} is {self.status.value}"
            )
        if signed_on > today:
            raise SopRuleViolation(LABOUR_CONTRACT_RECORDED_ONCE_SIGNED, f"dated {signed_on}")
        deadline = self.offer.start_date + formalities_limit()
        if signed_on > deadline:
            raise SopRuleViolation(
                LABOUR_CONTRACT_SIGNED_IN_TIME,
                f"start date {self.offer.start_date}; signed by {deadline} at the latest",
            )
        self._record(
            self.Hired,
            evidence,
            employee_id=employee_id,
            signed_on=signed_on,
            contract_number=contract_number,
        )
        return self.offer

    # ---- forgetting on request (ADR 13) ---------------------------------------------

    def forget(self, evidence: Evidence, *, reason: str, requested_by: str) -> None:
        """Record that the candidate's personal data is forgotten on request; the
        adapters then destroy the key it was stored under."""
        if evidence.actor.role is not Role.HR:
            raise NotAuthorised(
                "3.1.3",
                str(evidence.actor),
                "may not forget a candidate's personal data: HR does",
            )
        self._ensure_not_forgotten("3.1.3")
        self._record(
            self.Forgotten, evidence, subject_id=self.id, reason=reason, requested_by=requested_by
        )

    # ---- rules shared by the steps ----------------------------------------------------

    def _ensure_not_forgotten(self, code: str) -> None:
        if self.forgotten:
            raise SopRuleViolation(CANDIDATE_FORGOTTEN, f"candidate {self.id}", at_step=code)

    def _ensure_in_process(self, code: str) -> None:
        if self.status in _FINAL:
            raise SopRuleViolation(
                CANDIDATE_DECIDED, f"{self.name} is {self.status.value}", at_step=code
            )

    def _awaiting_answer(self) -> None:
        if self.status is not CandidateStatus.OFFERED:
            raise SopRuleViolation(
                OFFER_ANSWERED_WHILE_WAITING, f"{self.name} is {self.status.value}"
            )


def _criteria(interview: Interview) -> set[InterviewCriterion]:
    return {s.criterion for s in interview.scores}
