"""Policy data of order execution (SOP 2.5)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from salesdomain.sop import Role


def _default_cancellers() -> frozenset[Role]:
    return frozenset({Role.SALES_MANAGER, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER})


class OrderPolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    cancellation_roles: frozenset[Role] = Field(default_factory=_default_cancellers)
    """Who may cancel an order (only before anything has shipped)."""
    coordination_days: int = Field(default=5, gt=0)
    """Default days from order entry to the due date of a coordination task (2.5.1)."""
