"""Who may act on a record: the checks of authority the aggregates share.

Each refuses with ``NotAuthorised`` naming the SOP step, the actor and, in the SOP's
words, why the actor may not.
"""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from salesdomain.errors import NotAuthorised
from salesdomain.sop import Role
from salesdomain.values import Actor

SALES_LEADS = frozenset(
    {Role.SALES_SUPERVISOR, Role.SALES_MANAGER, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER}
)
"""The roles that may work on any salesperson's opportunity or order."""


def responsible_or_lead(
    actor: Actor, responsible: UUID | None, leads: Collection[Role], step: str, why_not: str
) -> None:
    """The actor is the one responsible for the record (its owner, its assignee) or
    acts as one of ``leads``."""
    if actor.employee_id != responsible and actor.role not in leads:
        raise NotAuthorised(step, str(actor), why_not)


def among(actor: Actor, roles: Collection[Role], step: str, why_not: str) -> None:
    """The actor acts under one of the ``roles`` a policy names; the refusal ends by
    naming them (``why_not`` = "may not approve incentives; approvers are ")."""
    if actor.role not in roles:
        raise NotAuthorised(step, str(actor), why_not + ", ".join(sorted(r.label for r in roles)))


def not_their_own(actor: Actor, employee_id: UUID | None, step: str, why_not: str) -> None:
    """The actor does not decide on what is their own (an expense, an incentive)."""
    if actor.employee_id == employee_id:
        raise NotAuthorised(step, str(actor), why_not)
