"""Policy data of the customer analysis (SOP 4.2.1): when a customer counts as active,
dormant or lost, and where the ABC classes of the customer ranking end."""

from __future__ import annotations

from decimal import Decimal
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class CustomerAnalysisPolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    active_within_days: int = Field(default=90, gt=0, le=3660)
    """A customer whose last completed order was delivered at most this many days
    before the day analysed is active."""
    lost_after_days: int = Field(default=365, gt=0, le=3660)
    """One whose last completed order is more days back than this is lost; in between,
    dormant."""
    abc_a: Decimal = Field(default=Decimal("0.80"), gt=0, lt=1)
    """The ranking's class A: the customers, from the first, until their cumulative
    share of the total reaches this (the one that reaches it included)."""
    abc_b: Decimal = Field(default=Decimal("0.95"), gt=0, le=1)
    """Class B: the next ones until the cumulative share reaches this; the rest: C."""

    @model_validator(mode="after")
    def _in_order(self) -> Self:
        if self.lost_after_days <= self.active_within_days:
            raise ValueError("lost_after_days must be more than active_within_days")
        if self.abc_b <= self.abc_a:
            raise ValueError("abc_b must be above abc_a")
        return self
