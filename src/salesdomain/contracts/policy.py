"""The authority matrix for contract approval (SOP 2.4.2): policy data, not code."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from salesdomain.sop import Role
from salesdomain.values import Money

# The approval levels, lowest first: a higher level may stand in for a lower one.
APPROVAL_LEVELS: tuple[Role, ...] = (Role.SALES_MANAGER, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER)


def level_rank(role: Role) -> int:
    """Position of ``role`` among the approval levels; -1 if it is not an approval level."""
    return APPROVAL_LEVELS.index(role) if role in APPROVAL_LEVELS else -1


class ApprovalTier(BaseModel):
    """Contracts up to ``up_to`` (inclusive; ``None`` = any amount) need ``levels``, in order."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    up_to: Annotated[Decimal, Field(gt=0)] | None
    levels: tuple[Role, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _levels_in_order(self) -> Self:
        ranks = [level_rank(role) for role in self.levels]
        if -1 in ranks:
            names = ", ".join(role.value for role in APPROVAL_LEVELS)
            raise ValueError(f"levels must be approval levels: {names}")
        if ranks != sorted(set(ranks)):
            raise ValueError("levels go from the lowest to the highest, each once")
        return self


def _default_signing_authority() -> dict[Role, Decimal | None]:
    return {
        Role.SALES_MANAGER: Decimal("200000"),
        Role.SALES_DIRECTOR: Decimal("1000000"),
        Role.GENERAL_MANAGER: None,
    }


def _default_tiers() -> dict[str, tuple[ApprovalTier, ...]]:
    return {
        "CNY": (
            ApprovalTier(up_to=Decimal("200000"), levels=(Role.SALES_MANAGER,)),
            ApprovalTier(
                up_to=Decimal("1000000"), levels=(Role.SALES_MANAGER, Role.SALES_DIRECTOR)
            ),
            ApprovalTier(up_to=None, levels=APPROVAL_LEVELS),
        )
    }


class ContractPolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    approval_tiers: dict[str, tuple[ApprovalTier, ...]] = Field(default_factory=_default_tiers)
    """Per currency: amount tiers, ascending, the last without an upper bound."""
    approval_turnaround_days: int = Field(default=3, gt=0)
    """How long each approval level has to decide (a time limit of 2.4.2)."""
    signing_authority: dict[Role, Annotated[Decimal, Field(gt=0)] | None] = Field(
        default_factory=_default_signing_authority
    )
    """Who may sign a contract for the company (SOP 2.4.3): per role, the largest amount,
    in the reporting currency (``None`` = any amount); a role not listed may not sign."""

    @model_validator(mode="after")
    def _tiers_cover_every_amount(self) -> Self:
        for currency, tiers in self.approval_tiers.items():
            bounds = [tier.up_to for tier in tiers]
            if not tiers or bounds[-1] is not None or None in bounds[:-1]:
                raise ValueError(f"{currency}: the last tier, and only it, has no upper bound")
            finite = [b for b in bounds if b is not None]
            if finite != sorted(finite):
                raise ValueError(f"{currency}: tiers go from the smallest amount up")
        return self

    def signing_limit(self, role: Role) -> tuple[bool, Decimal | None]:
        """Whether ``role`` may sign for the company, and up to which amount in the
        reporting currency (``None`` = any amount)."""
        return role in self.signing_authority, self.signing_authority.get(role)

    def chain_for(self, amount: Money) -> tuple[Role, ...] | None:
        """The approval levels a contract of ``amount`` needs; ``None`` if the matrix
        has no tiers for its currency."""
        tiers = self.approval_tiers.get(amount.currency)
        if tiers is None:
            return None
        for tier in tiers:
            if tier.up_to is None or amount.amount <= tier.up_to:
                return tier.levels
        return None
