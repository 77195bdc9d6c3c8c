"""Service case: one piece of customer feedback, from receipt to closure (SOP 2.6.1).

Feedback (a problem, an opinion, a suggestion) arrives through a channel from a
customer, about a delivered order where it applies.  It is classified (kind and
severity), assigned to after-sales or sales staff, answered with a clear answer and
solution, its cause and impact analysed, resolved and closed; a closed case can be
reopened.

The time limit: from the moment feedback is received it must be answered by
``respond_by``, taken from policy data by severity (until it is classified, by the
policy's severity for unclassified feedback).  ``FeedbackReceived``, ``Classified``
and ``Reopened`` record the deadline and the policy version; ``Responded`` records
when the first clear answer was given and whether that was within the limit, so a late
answer stays visible in the history.

Feedback about an order refers to a *completed* (delivered) order of the same
customer and joins that order's business case; other feedback starts a case of its own.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from salesdomain.aftersales.order_link import DeliveredOrder, joining
from salesdomain.aftersales.values import (
    FeedbackChannel,
    FeedbackKind,
    FeedbackResponse,
    RootCause,
    Severity,
)
from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.authority import responsible_or_lead
from salesdomain.errors import SopRuleViolation
from salesdomain.policy import SalesPolicy
from salesdomain.prospecting.customer import Customer
from salesdomain.rules.after_sales import (
    CASE_CLOSED_WITH_RESOLUTION,
    CASE_RESOLVED_ONCE,
    CLASSIFICATION_FIXED_ONCE_ANSWERED,
    COMPLAINT_RESOLVED_AFTER_ANALYSIS,
    FEEDBACK_ASSIGNED_BEFORE_HANDLED,
    FEEDBACK_ASSIGNED_TO_SERVICE_STAFF,
    FEEDBACK_CLASSIFIED_BEFORE_ANSWER,
    FIRST_ANSWER_RECORDED_ONCE,
    ONLY_CLOSED_CASE_REOPENED,
    RESOLVED_AFTER_CLEAR_ANSWER,
    SERVICE_CASE_CLOSED,
)
from salesdomain.sop import Role, step
from salesdomain.values import Actor

STEP = "2.6.1"
_LEADS = frozenset({Role.SALES_SUPERVISOR, Role.SALES_MANAGER})


class ServiceCase(SopAggregate):
    class Event(SopAggregate.Event):
        SOP_STEP = STEP

    class FeedbackReceived(Event, SopAggregate.Created):
        customer_id: UUID
        customer_name: str
        order_id: UUID | None
        channel: FeedbackChannel
        description: str
        received_at: datetime
        respond_by: datetime
        policy_version: str

        def apply(self, case: ServiceCase) -> None:
            case.customer_id = self.customer_id
            case.customer_name = self.customer_name
            case.order_id = self.order_id
            case.channel = self.channel
            case.received_at = self.received_at
            case.received_event_id = self.event_id
            case.respond_by = self.respond_by
            case.kind = None
            case.severity = None
            case.assignee = None
            case.responded = False
            case.root_cause = None
            case.resolution = None
            case.closed = False

    class Classified(Event):
        kind: FeedbackKind
        severity: Severity
        respond_by: datetime
        policy_version: str

        def apply(self, case: ServiceCase) -> None:
            case.kind = self.kind
            case.severity = self.severity
            case.respond_by = self.respond_by

    class Assigned(Event):
        assignee: Actor

        def apply(self, case: ServiceCase) -> None:
            case.assignee = self.assignee

    class Responded(Event):
        class_version: ClassVar[int] = 2
        response: FeedbackResponse
        responded_at: datetime
        respond_by: datetime
        within_time_limit: bool
        customer_id: UUID | None
        """The case's customer (``None`` only in version 1: unknown)."""

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 did not name the customer: unknown (``None``)."""
            state.update(customer_id=None)

        def apply(self, case: ServiceCase) -> None:
            case.responded = True

    class RootCauseRecorded(Event):
        root_cause: RootCause

        def apply(self, case: ServiceCase) -> None:
            case.root_cause = self.root_cause

    class Resolved(Event):
        resolution: str

        def apply(self, case: ServiceCase) -> None:
            case.resolution = self.resolution

    class Closed(Event):
        resolution: str
        remarks: str

        def apply(self, case: ServiceCase) -> None:
            case.closed = True

    class Reopened(Event):
        reason: str
        reopened_at: datetime
        respond_by: datetime
        policy_version: str

        def apply(self, case: ServiceCase) -> None:
            case.closed = False
            case.responded = False
            case.resolution = None
            case.respond_by = self.respond_by

    if TYPE_CHECKING:
        customer_id: UUID
        customer_name: str
        order_id: UUID | None
        channel: FeedbackChannel
        received_at: datetime
        received_event_id: UUID
        respond_by: datetime
        kind: FeedbackKind | None
        severity: Severity | None
        assignee: Actor | None
        responded: bool
        root_cause: RootCause | None
        resolution: str | None
        closed: bool

    # ---- receive and classify ---------------------------------------------------------

    @classmethod
    def receive(
        cls,
        evidence: Evidence,
        *,
        case_id: UUID,
        customer: Customer,
        order: DeliveredOrder | None,
        channel: FeedbackChannel,
        description: str,
        now: datetime,
        policy: SalesPolicy,
    ) -> ServiceCase:
        business_case, cause = joining(STEP, order, customer)
        return cls._start(
            cls.FeedbackReceived,
            evidence,
            id=case_id,
            case_id=business_case,
            caused_by=cause,
            customer_id=customer.id,
            customer_name=customer.company_name,
            order_id=order.id if order is not None else None,
            channel=channel,
            description=description,
            received_at=now,
            respond_by=now + policy.service.response_deadline(None),
            policy_version=policy.version,
        )

    def classify(
        self,
        evidence: Evidence,
        *,
        kind: FeedbackKind,
        severity: Severity,
        policy: SalesPolicy,
    ) -> None:
        self._ensure_open()
        if self.responded:
            raise SopRuleViolation(CLASSIFICATION_FIXED_ONCE_ANSWERED)
        self._record(
            self.Classified,
            evidence,
            kind=kind,
            severity=severity,
            respond_by=self.received_at + policy.service.response_deadline(severity),
            policy_version=policy.version,
        )

    def assign(self, evidence: Evidence, assignee: Actor) -> None:
        self._ensure_open()
        if assignee.role not in step(STEP).roles:
            raise SopRuleViolation(FEEDBACK_ASSIGNED_TO_SERVICE_STAFF, f"{assignee} is not")
        self._record(self.Assigned, evidence, assignee=assignee)

    # ---- answer, analyse, resolve ------------------------------------------------------

    def respond(self, evidence: Evidence, response: FeedbackResponse, *, now: datetime) -> None:
        self._may_handle(evidence)
        if self.kind is None:
            raise SopRuleViolation(FEEDBACK_CLASSIFIED_BEFORE_ANSWER)
        if self.responded:
            raise SopRuleViolation(FIRST_ANSWER_RECORDED_ONCE)
        self._record(
            self.Responded,
            evidence,
            response=response,
            responded_at=now,
            respond_by=self.respond_by,
            within_time_limit=now <= self.respond_by,
            customer_id=self.customer_id,
        )

    def record_root_cause(self, evidence: Evidence, root_cause: RootCause) -> None:
        self._may_handle(evidence)
        self._record(self.RootCauseRecorded, evidence, root_cause=root_cause)

    def resolve(self, evidence: Evidence, resolution: str) -> None:
        self._may_handle(evidence)
        if not self.responded:
            raise SopRuleViolation(RESOLVED_AFTER_CLEAR_ANSWER)
        if self.kind is FeedbackKind.COMPLAINT and self.root_cause is None:
            raise SopRuleViolation(COMPLAINT_RESOLVED_AFTER_ANALYSIS)
        if self.resolution is not None:
            raise SopRuleViolation(CASE_RESOLVED_ONCE)
        self._record(self.Resolved, evidence, resolution=resolution)

    # ---- close and reopen ------------------------------------------------------------

    def close(self, evidence: Evidence, remarks: str) -> None:
        self._may_handle(evidence)
        if self.resolution is None:
            raise SopRuleViolation(CASE_CLOSED_WITH_RESOLUTION)
        self._record(self.Closed, evidence, resolution=self.resolution, remarks=remarks)

    def reopen(
        self,
        evidence: Evidence,
        *,
        reason: str,
        now: datetime,
        policy: SalesPolicy,
    ) -> None:
        if not self.closed:
            raise SopRuleViolation(ONLY_CLOSED_CASE_REOPENED)
        self._record(
            self.Reopened,
            evidence,
            reason=reason,
            reopened_at=now,
            respond_by=now + policy.service.response_deadline(self.severity),
            policy_version=policy.version,
        )

    # ---- rules shared by the steps ---------------------------------------------------

    def _ensure_open(self) -> None:
        if self.closed:
            raise SopRuleViolation(SERVICE_CASE_CLOSED)

    def _may_handle(self, evidence: Evidence) -> None:
        self._ensure_open()
        if self.assignee is None:
            raise SopRuleViolation(FEEDBACK_ASSIGNED_BEFORE_HANDLED)
        responsible_or_lead(
            evidence.actor,
            self.assignee.employee_id,
            _LEADS,
            STEP,
            f"is not assigned this case ({self.assignee}) and is not a sales lead",
        )
