"""Escalation: repeated under-performance handed to company rules (SOP 3.3.4).

Raised by the named policy ``EscalateRepeatedUnderperformance`` (never by hand) when an
employee's last N appraisals of a cycle were all below standard; N is policy data.
Each further appraisal below standard in the same run raises another escalation, naming
the last N appraisals.
HR, a sales director or the general manager (policy) resolves it with the outcome
decided under company rules; never the employee concerned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, UUID, uuid5

from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.authority import among, not_their_own
from salesdomain.errors import SopRuleViolation
from salesdomain.performance.policy import PerformancePolicy
from salesdomain.performance.values import AppraisalIds, Cycle
from salesdomain.rules.performance import ESCALATION_RESOLVED_ONCE

ESCALATION_NAMESPACE = uuid5(NAMESPACE_URL, "salesdomain:escalation")


class Escalation(SopAggregate):
    class Event(SopAggregate.Event):
        SOP_STEP = "3.3.4"

    class Raised(Event, SopAggregate.Created):
        employee_id: UUID
        employee_name: str
        cycle: Cycle
        appraisals: AppraisalIds
        rule: str
        policy_version: str

        def apply(self, escalation: Escalation) -> None:
            escalation.employee_id = self.employee_id
            escalation.appraisals = self.appraisals
            escalation.resolved = False

    class Resolved(Event):
        employee_id: UUID
        outcome: str
        policy_version: str

        def apply(self, escalation: Escalation) -> None:
            escalation.resolved = True

    if TYPE_CHECKING:
        employee_id: UUID
        appraisals: AppraisalIds
        resolved: bool

    @staticmethod
    def id_for(appraisal_id: UUID) -> UUID:
        """One escalation at most per closing appraisal."""
        return uuid5(ESCALATION_NAMESPACE, str(appraisal_id))

    @classmethod
    def raise_for(
        cls,
        evidence: Evidence,
        *,
        employee_id: UUID,
        employee_name: str,
        cycle: Cycle,
        appraisal_ids: tuple[UUID, ...],
        policy_version: str,
    ) -> Escalation:
        return cls._start(
            cls.Raised,
            evidence,
            id=cls.id_for(appraisal_ids[-1]),
            employee_id=employee_id,
            employee_name=employee_name,
            cycle=cycle,
            appraisals=AppraisalIds(ids=appraisal_ids),
            rule=(
                f"below standard in {len(appraisal_ids)} consecutive {cycle.value} appraisals: "
                "repeated failure is handled by company rules"
            ),
            policy_version=policy_version,
        )

    def resolve(
        self, evidence: Evidence, *, outcome: str, policy: PerformancePolicy, policy_version: str
    ) -> None:
        actor = evidence.actor
        not_their_own(actor, self.employee_id, "3.3.4", "cannot resolve their own escalation")
        among(
            actor,
            policy.escalation_handlers,
            "3.3.4",
            "may not resolve escalations; they are resolved by ",
        )
        if self.resolved:
            raise SopRuleViolation(ESCALATION_RESOLVED_ONCE)
        self._record(
            self.Resolved,
            evidence,
            employee_id=self.employee_id,
            outcome=outcome,
            policy_version=policy_version,
        )
