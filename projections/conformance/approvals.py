"""An exception a history records with its approver (a qualification outside the
policy, ADR 43; an enrolment outside recruitment, ADR 45): listed as an override, and
its approver re-judged: someone other than the one who recorded it, under a role the
recorded policy version authorises."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol
from uuid import UUID

from salesdomain.projections.conformance.findings import Rule
from salesdomain.projections.conformance.review import Review

from salesdomain.policy import SalesPolicy
from salesdomain.sop import Role


class Approval(Protocol):
    @property
    def approved_by(self) -> UUID: ...
    @property
    def approver_role(self) -> Role: ...
    @property
    def approver_name(self) -> str: ...


def approved_exception(
    review: Review,
    rule: Rule,
    e: Any,
    approval: Approval,
    *,
    approvers: Callable[[SalesPolicy], frozenset[Role]],
    kind: str,
    detail: str,
    record: str,
    own: str,
) -> None:
    """List the exception ``e`` records (``kind``, ``detail``) approved as ``approval``
    says; a breach of ``rule`` where its actor approved it (``own``: what they approved)
    or where the role is not among ``approvers`` of the recorded policy version."""
    approver = approval.approver_name or str(approval.approved_by)[:8]
    if approval.approved_by == e.actor.employee_id:
        review.breach(rule, e, f"{e.actor} approved their own {own}")
    policy = review.policy(e.policy_version, rule, e)
    if policy is not None and approval.approver_role not in approvers(policy):
        review.breach(
            rule,
            e,
            f"approved by {approver} as {approval.approver_role.label}, a role policy "
            f"{e.policy_version} does not authorise",
            policy_version=e.policy_version,
        )
    review.override(
        kind,
        e,
        review.person_of(e),
        detail,
        policy_version=e.policy_version,
        approved_by=review.staff.person(
            approval.approved_by, approval.approver_name, approval.approver_role
        ),
        record=record,
    )
