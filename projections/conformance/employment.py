"""Who acted: every step was done by an active employee holding the role they acted
under, and that role may do the step (SOP 1 "each step has a responsible person";
ADR 8).  Re-run over the history, so steps written with the check switched off, or by
another writer, are caught too.  One finding per command (its events share the actor)."""

from __future__ import annotations

from typing import Any

from salesdomain.projections.conformance.findings import Family, rule
from salesdomain.projections.conformance.review import Review, on_every_event

from salesdomain.rules import general, recruitment
from salesdomain.sop import Role, step

ACTOR_IS_AN_ACTIVE_EMPLOYEE = rule(
    recruitment.ACTOR_IS_AN_ACTIVE_EMPLOYEE_HOLDING_THE_ROLE, Family.EMPLOYMENT
)
ROLE_MAY_DO_THE_STEP = rule(general.ROLE_MAY_DO_THE_STEP, Family.AUTHORITY)
RULES = (ACTOR_IS_AN_ACTIVE_EMPLOYEE, ROLE_MAY_DO_THE_STEP)


@on_every_event
def actor_is_an_active_employee_holding_the_role(review: Review, event: Any) -> None:
    actor = event.actor
    if actor.role is Role.AUTOMATED_POLICY or event.command_id == review.last_command:
        return
    if review.staff.is_founding(event):
        return
    member = review.staff.get(actor.employee_id)
    if member is None:
        problem = "is not on the staff register"
    elif not member.active:
        problem = "had left the company"
    elif actor.role not in member.roles:
        held = ", ".join(sorted(r.label for r in member.roles)) or "no role"
        problem = f"did not hold the role {actor.role.label} (held: {held})"
    else:
        return
    review.breach(ACTOR_IS_AN_ACTIVE_EMPLOYEE, event, f"{actor} {problem} ({event.command})")


@on_every_event
def role_may_do_the_step(review: Review, event: Any) -> None:
    actor = event.actor
    if actor.role is Role.AUTOMATED_POLICY or event.command_id == review.last_command:
        return
    if actor.role not in step(event.sop_step).roles:
        review.breach(
            ROLE_MAY_DO_THE_STEP,
            event,
            f"{actor} did {event.sop_step} ({event.command}), a step that is not for a "
            f"{actor.role.label}",
        )
