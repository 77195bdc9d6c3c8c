"""Product: one product or service of the catalogue (SOP 4.1.1 the sales system's
products, 2.3.2 the prices quotes are calculated from).

A product is listed under its code with its name, unit and kind, a list price and a
standard cost; later list prices and standard costs, in that currency or another, take
effect from a day on, never a past one, so the figures a quote of a past day used stay
in force for that day.  A withdrawn product is no longer priced or quoted.  Only the
roles the policy names keep the catalogue (``SalesPolicy.catalogue.maintainers``).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.authority import among
from salesdomain.catalogue.values import PriceVersion, ProductKind, in_force
from salesdomain.errors import SopRuleViolation
from salesdomain.policy import SalesPolicy
from salesdomain.rules.data import CATALOGUE_PRODUCT_WITHDRAWN, PRODUCT_LISTED_ONCE
from salesdomain.rules.quotation import PRICE_SET_FROM_TODAY_OR_LATER
from salesdomain.values import Money

_KEEPERS = "may not keep the product catalogue; it is kept by "


class Product(SopAggregate):
    SNAPSHOT_INTERVAL: ClassVar[int | None] = 100

    class Event(SopAggregate.Event):
        pass

    class Listed(Event, SopAggregate.Created):
        SOP_STEP = "4.1.1"
        product_code: str
        name: str
        unit: str
        kind: ProductKind
        description: str
        list_price: Money
        standard_cost: Money
        effective_from: date
        reason: str

        def apply(self, product: Product) -> None:
            product.code = self.product_code
            product.name = self.name
            product.unit = self.unit
            product.kind = self.kind
            product.list_prices = [
                PriceVersion(amount=self.list_price, effective_from=self.effective_from)
            ]
            product.standard_costs = [
                PriceVersion(amount=self.standard_cost, effective_from=self.effective_from)
            ]
            product.withdrawn = False

    class ListPriceSet(Event):
        SOP_STEP = "2.3.2"
        product_code: str
        name: str
        price: Money
        effective_from: date
        reason: str

        def apply(self, product: Product) -> None:
            product.list_prices.append(
                PriceVersion(amount=self.price, effective_from=self.effective_from)
            )

    class StandardCostSet(Event):
        SOP_STEP = "2.3.2"
        product_code: str
        name: str
        cost: Money
        effective_from: date
        reason: str

        def apply(self, product: Product) -> None:
            product.standard_costs.append(
                PriceVersion(amount=self.cost, effective_from=self.effective_from)
            )

    class Withdrawn(Event):
        SOP_STEP = "4.1.1"
        product_code: str
        name: str
        reason: str

        def apply(self, product: Product) -> None:
            product.withdrawn = True

    if TYPE_CHECKING:
        code: str
        name: str
        unit: str
        kind: ProductKind
        list_prices: list[PriceVersion]
        """Every list price set, oldest recorded first (``in_force`` picks a day's)."""
        standard_costs: list[PriceVersion]
        withdrawn: bool

    # ---- 4.1.1 list and withdraw ------------------------------------------------------

    @classmethod
    def list_in_catalogue(
        cls,
        evidence: Evidence,
        *,
        product_id: UUID,
        existing: Product | None,
        product_code: str,
        name: str,
        unit: str,
        kind: ProductKind,
        description: str,
        list_price: Money,
        standard_cost: Money,
        reason: str,
        policy: SalesPolicy,
        today: date,
    ) -> Product:
        among(evidence.actor, policy.catalogue.maintainers, "4.1.1", _KEEPERS)
        if existing is not None:
            raise SopRuleViolation(
                PRODUCT_LISTED_ONCE, f"{existing.code} is listed already, as {existing.name}"
            )
        return cls._start(
            cls.Listed,
            evidence,
            id=product_id,
            product_code=product_code,
            name=name,
            unit=unit,
            kind=kind,
            description=description,
            list_price=list_price,
            standard_cost=standard_cost,
            effective_from=today,
            reason=reason,
        )

    def withdraw(self, evidence: Evidence, *, reason: str, policy: SalesPolicy) -> None:
        among(evidence.actor, policy.catalogue.maintainers, "4.1.1", _KEEPERS)
        self.not_withdrawn()
        self._record(
            self.Withdrawn, evidence, product_code=self.code, name=self.name, reason=reason
        )

    # ---- 2.3.2 prices and costs ---------------------------------------------------------

    def set_list_price(
        self,
        evidence: Evidence,
        *,
        price: Money,
        effective_from: date,
        reason: str,
        policy: SalesPolicy,
        today: date,
    ) -> None:
        self._may_price(evidence, effective_from, policy, today)
        self._record(
            self.ListPriceSet,
            evidence,
            product_code=self.code,
            name=self.name,
            price=price,
            effective_from=effective_from,
            reason=reason,
        )

    def set_standard_cost(
        self,
        evidence: Evidence,
        *,
        cost: Money,
        effective_from: date,
        reason: str,
        policy: SalesPolicy,
        today: date,
    ) -> None:
        self._may_price(evidence, effective_from, policy, today)
        self._record(
            self.StandardCostSet,
            evidence,
            product_code=self.code,
            name=self.name,
            cost=cost,
            effective_from=effective_from,
            reason=reason,
        )

    # ---- reading --------------------------------------------------------------------

    def list_price_on(self, day: date, currency: str) -> Money | None:
        """The list price in ``currency`` in force on ``day`` (``None``: none yet)."""
        return in_force(self.list_prices, day, currency)

    def standard_cost_on(self, day: date, currency: str) -> Money | None:
        """The standard cost in ``currency`` in force on ``day`` (``None``: none yet)."""
        return in_force(self.standard_costs, day, currency)

    def not_withdrawn(self) -> None:
        """Refused under 4.1.1's rule once the product is withdrawn (to be priced,
        quoted or withdrawn)."""
        if self.withdrawn:
            raise SopRuleViolation(
                CATALOGUE_PRODUCT_WITHDRAWN, f"{self.code} {self.name} was withdrawn"
            )

    # ---- rules shared by the steps --------------------------------------------------

    def _may_price(
        self, evidence: Evidence, effective_from: date, policy: SalesPolicy, today: date
    ) -> None:
        among(evidence.actor, policy.catalogue.maintainers, "2.3.2", _KEEPERS)
        self.not_withdrawn()
        if effective_from < today:
            raise SopRuleViolation(
                PRICE_SET_FROM_TODAY_OR_LATER,
                f"effective from {effective_from}, before today, {today}",
            )
