"""Policy data: the company's thresholds and defaults, kept out of the code.

The SOP says *that* a discount beyond a representative's authority needs approval or
*that* a step has a time limit; the company decides *how much*.  Those figures live
here, with a version that is recorded on the events they influenced.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from salesdomain.aftersales.policy import ServicePolicy
from salesdomain.catalogue.policy import CataloguePolicy
from salesdomain.contracts.policy import ContractPolicy
from salesdomain.currencies import Converted, CurrencyPolicy, NoExchangeRate
from salesdomain.duties import Duty, RecurringDuty, default_duties
from salesdomain.errors import SopRuleViolation
from salesdomain.notifications.policy import NotificationPolicy
from salesdomain.opportunities.stages import Stage
from salesdomain.orders.policy import OrderPolicy
from salesdomain.people.policy import StaffingPolicy
from salesdomain.performance.policy import PerformancePolicy
from salesdomain.prospecting.customer_policy import CustomerAnalysisPolicy
from salesdomain.prospecting.policy import QualificationPolicy
from salesdomain.rules.general import EXCHANGE_RATE_IN_FORCE
from salesdomain.sop import Role
from salesdomain.values import Money, distinct, every_member

Fraction = Annotated[Decimal, Field(ge=0, le=1)]

STALE_AFTER_DAYS = 30
"""Days without a contact or visit after which an open deal is stale (the default)."""


class SalesPolicy(BaseModel):
    """Thresholds and defaults of the sales process, in one place.

    The top-level fields govern quotation (SOP 2.3); ``catalogue`` the product catalogue
    quotes are priced from (2.3.2, 4.1.1); ``qualification`` governs 2.1.2,
    ``contracts``, ``orders`` and ``service`` govern 2.4, 2.5 and 2.6, ``performance``
    3.3 and ``staffing`` 3.1.4; ``notifications`` the warnings of 4.2.4 (ADR 54);
    ``customers`` the customer analysis of 4.2.1; ``currencies`` holds the reporting
    currency and the exchange rates into it (ADR 48).  ``version`` is recorded on every
    decision a policy figure influenced.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str = "2026.1"
    quote_validity_days: int = Field(default=30, gt=0)
    # Largest discount a role may give on its own authority: against the catalogue's list
    # price in force on the quote's day (an ad-hoc line: against the opening quote's price).
    discount_authority: dict[Role, Fraction] = {
        Role.SALES_REPRESENTATIVE: Decimal("0.05"),
        Role.SALES_SUPERVISOR: Decimal("0.10"),
        Role.SALES_MANAGER: Decimal("0.20"),
        Role.SALES_DIRECTOR: Decimal("0.30"),
        Role.GENERAL_MANAGER: Decimal("1"),
    }
    # Lowest gross margin a role may quote on its own authority (over the catalogue's
    # standard costs in force on the quote's day, an ad-hoc line's typed-in unit cost).
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
    # Days without a contact or visit after which an open deal is flagged stale (4.2).
    stale_after_days: int = Field(default=STALE_AFTER_DAYS, gt=0, le=3660)

    catalogue: CataloguePolicy = CataloguePolicy()
    qualification: QualificationPolicy = QualificationPolicy()
    contracts: ContractPolicy = ContractPolicy()
    orders: OrderPolicy = OrderPolicy()
    service: ServicePolicy = ServicePolicy()
    performance: PerformancePolicy = PerformancePolicy()
    recurring_duties: tuple[RecurringDuty, ...] = Field(
        default_factory=default_duties, max_length=len(Duty)
    )
    """The SOP's recurring duties (1, 2.1.1, 2.6.3, 3.2.2, 3.2.3, 3.4) with their cadence;
    the conformance review lists each period that ended without one done."""
    currencies: CurrencyPolicy = CurrencyPolicy()
    staffing: StaffingPolicy = StaffingPolicy()
    notifications: NotificationPolicy = NotificationPolicy()
    customers: CustomerAnalysisPolicy = CustomerAnalysisPolicy()

    @field_validator("stage_probability")
    @classmethod
    def _every_stage(cls, value: dict[Stage, Decimal]) -> dict[Stage, Decimal]:
        every_member(Stage, value, "no probability for stage(s)")
        return value

    @field_validator("recurring_duties")
    @classmethod
    def _each_duty_once(cls, value: tuple[RecurringDuty, ...]) -> tuple[RecurringDuty, ...]:
        distinct((d.duty for d in value), "each recurring duty is listed once")
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

    def in_reporting_currency(self, amount: Money, day: date, *, at_step: str) -> Converted:
        """``amount`` in the reporting currency at the rate in force on ``day``, the day
        of the decision at ``at_step``; refused if the policy has no such rate."""
        try:
            return self.currencies.convert(amount, day, policy_version=self.version)
        except NoExchangeRate as missing:
            raise SopRuleViolation(EXCHANGE_RATE_IN_FORCE, str(missing), at_step=at_step) from None

    def contract_chain(self, amount: Money, day: date) -> tuple[tuple[Role, ...] | None, Converted]:
        """The approval levels a contract of ``amount`` decided on ``day`` needs, and the
        amount the authority matrix judged: its own where the matrix has tiers for its
        currency, otherwise converted to the reporting currency (ADR 48)."""
        if amount.currency in self.contracts.approval_tiers:
            judged = Converted(amount=amount, rate=None)
        else:
            judged = self.in_reporting_currency(amount, day, at_step="2.4.2")
        return self.contracts.chain_for(judged.amount), judged

    @classmethod
    def from_file(cls, path: str | Path) -> SalesPolicy:
        return cls.model_validate(json.loads(Path(path).read_text(encoding="utf-8")))
