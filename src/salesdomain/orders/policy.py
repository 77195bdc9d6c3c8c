"""Policy data of order execution (SOP 2.5)."""

from __future__ import annotations

from datetime import timedelta

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
    inspection_before_delivery_days: int = Field(default=0, ge=0)
    """How many days before the delivery date the final inspection is due (a time limit
    of 2.5.3, reported on, not enforced: a late inspection is still recorded)."""

    @property
    def coordination_period(self) -> timedelta:
        return timedelta(days=self.coordination_days)

    @property
    def inspection_before_delivery(self) -> timedelta:
        return timedelta(days=self.inspection_before_delivery_days)
