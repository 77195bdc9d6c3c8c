"""Policy data: the company's thresholds and defaults, kept out of the code.

The SOP says *that* a discount beyond a representative's authority needs approval or
*that* a step has a time limit; the company decides *how much*.  Those figures live
here, with a version that is recorded on the events they influenced.
"""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from salesdomain.aftersales.policy import ServicePolicy
from salesdomain.contracts.policy import ContractPolicy
from salesdomain.opportunities.stages import Stage
from salesdomain.orders.policy import OrderPolicy
from salesdomain.people.policy import StaffingPolicy
from salesdomain.performance.policy import PerformancePolicy
from salesdomain.prospecting.policy import QualificationPolicy
from salesdomain.sop import Role
from salesdomain.values import every_member

Fraction = Annotated[Decimal, Field(ge=0, le=1)]


class SalesPolicy(BaseModel):
    """Thresholds and defaults of the sales process, in one place.

    The top-level fields govern quotation (SOP 2.3); ``qualification`` governs 2.1.2,
    ``contracts``, ``orders`` and ``service`` govern 2.4, 2.5 and 2.6, ``performance``
    3.3 and ``staffing`` 3.1.4.  ``version`` is recorded on every decision a policy
    figure influenced.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str = "2026.1"
    quote_validity_days: int = Field(default=30, gt=0)
    # Largest discount against the opening quote a role may give on its own authority.
    discount_authority: dict[Role, Fraction] = {
        Role.SALES_REPRESENTATIVE: Decimal("0.05"),
        Role.SALES_SUPERVISOR: Decimal("0.10"),
        Role.SALES_MANAGER: Decimal("0.20"),
        Role.SALES_DIRECTOR: Decimal("0.30"),
        Role.GENERAL_MANAGER: Decimal("1"),
    }
    # Lowest gross margin a role may quote on its own authority.
    margin_floor: dict[Role, Fraction] = {
        Role.SALES_REPRESENTATIVE: Decimal("0.25"),
        Role.SALES_SUPERVISOR: Decimal("0.20"),
        Role.SALES_MANAGER: Decimal("0.10"),
        Role.SALES_DIRECTOR: Decimal("0.05"),
        Role.GENERAL_MANAGER: Decimal("0"),
    }
    # Roles that may approve a discount beyond a representative's authority (2.3.3).
    discount_approvers: frozenset[Role] = frozenset(
        {Role.SALES_MANAGER, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER}
    )
    stage_probability: dict[Stage, Fraction] = {
        Stage.CONTACT: Decimal("0.05"),
        Stage.NEEDS_ANALYSIS: Decimal("0.10"),
        Stage.SOLUTION_DESIGN: Decimal("0.25"),
        Stage.SOLUTION_PRESENTED: Decimal("0.40"),
        Stage.QUOTED: Decimal("0.60"),
        Stage.NEGOTIATION: Decimal("0.75"),
        Stage.WON: Decimal("1"),
        Stage.LOST: Decimal("0"),
    }

    qualification: QualificationPolicy = QualificationPolicy()
    contracts: ContractPolicy = ContractPolicy()
    orders: OrderPolicy = OrderPolicy()
    service: ServicePolicy = ServicePolicy()
    performance: PerformancePolicy = PerformancePolicy()
    staffing: StaffingPolicy = StaffingPolicy()

    @field_validator("stage_probability")
    @classmethod
    def _every_stage(cls, value: dict[Stage, Decimal]) -> dict[Stage, Decimal]:
        every_member(Stage, value, "no probability for stage(s)")
        return value

    @property
    def quote_validity(self) -> timedelta:
        return timedelta(days=self.quote_validity_days)

    def discount_limit(self, role: Role) -> Decimal:
        return self.discount_authority.get(role, Decimal(0))

    def margin_limit(self, role: Role) -> Decimal:
        return self.margin_floor.get(role, Decimal(1))

    def within_authority(self, role: Role, discount: Decimal, margin: Decimal) -> bool:
        return discount <= self.discount_limit(role) and margin >= self.margin_limit(role)

    @classmethod
    def from_file(cls, path: str | Path) -> SalesPolicy:
        return cls.model_validate(json.loads(Path(path).read_text(encoding="utf-8")))
