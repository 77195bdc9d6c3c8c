"""Exchange rates and the reporting currency: policy data (ADR 48).

The company reports in one currency.  An amount in another currency is judged (an
approval threshold, a signing authority) or added up (a view's total) in the reporting
currency, converted with the rate in force on the day: the rate of the latest
``effective_from`` on or before that day.  A rate is the number of units of the
reporting currency one unit of the other currency buys, with the date it applies from
and its source; a correction is a new policy version with the rate changed.

Conversion is exact ``Decimal`` arithmetic rounded once, to ``AMOUNT_PLACES`` (4)
decimal places, half to even (``ROUND_HALF_EVEN``); a view's total converts each
figure at the rate of its day, rounds it so, and adds the converted figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from salesdomain.bounds import AMOUNT_PLACES
from salesdomain.values import Currency, Money, Name, ValueObject

Rate = Annotated[Decimal, Field(gt=0, lt=Decimal("1000000000"), decimal_places=10)]
"""Units of the reporting currency that one unit of the other currency buys."""

_PLACES = Decimal(1).scaleb(-AMOUNT_PLACES)


class ExchangeRate(BaseModel):
    """One rate of the policy: ``currency`` into the reporting currency from a day on."""

    model_config = ConfigDict(use_attribute_docstrings=True, frozen=True, extra="forbid")
    currency: Currency
    """The currency converted from (ISO 4217)."""
    rate: Rate
    """Units of the reporting currency per unit of this currency."""
    effective_from: date
    """The first day the rate applies; it applies until a later rate of the currency does."""
    source: Name
    """Where the rate was taken from (a bank's published rate, the treasury's decision)."""


class RateUsed(ValueObject):
    """The rate a decision or a figure was converted with, as recorded on the event."""

    currency: Currency
    reporting_currency: Currency
    rate: Rate
    effective_from: date
    source: Name
    policy_version: str


class Converted(ValueObject):
    """An amount in the reporting currency; ``rate`` is ``None`` when it was in it already."""

    amount: Money
    rate: RateUsed | None


class NoExchangeRate(LookupError):
    """The policy has no rate of ``currency`` into the reporting currency in force on ``day``."""

    def __init__(self, currency: str, reporting_currency: str, day: date) -> None:
        self.currency = currency
        self.reporting_currency = reporting_currency
        self.day = day
        super().__init__(
            f"no exchange rate {currency} to {reporting_currency} in force on {day} in the policy"
        )


class CurrencyPolicy(BaseModel):
    """The reporting currency and the exchange rates into it, by the day they apply from."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    reporting_currency: Currency = "CNY"
    exchange_rates: tuple[ExchangeRate, ...] = Field(default=(), max_length=10_000)

    @model_validator(mode="after")
    def _one_rate_a_day(self) -> Self:
        seen: set[tuple[str, date]] = set()
        for rate in self.exchange_rates:
            if rate.currency == self.reporting_currency:
                raise ValueError(
                    f"exchange_rates: {rate.currency} is the reporting currency; it has no rate"
                )
            key = (rate.currency, rate.effective_from)
            if key in seen:
                raise ValueError(
                    f"exchange_rates: two rates of {rate.currency} from {rate.effective_from}"
                )
            seen.add(key)
        return self

    def rate_on(self, currency: str, day: date) -> ExchangeRate | None:
        """The rate of ``currency`` in force on ``day``: the latest that applies from it or
        earlier; ``None`` if there is none."""
        found = [
            r for r in self.exchange_rates if r.currency == currency and r.effective_from <= day
        ]
        return max(found, key=lambda r: r.effective_from, default=None)

    def convert(self, money: Money, day: date, *, policy_version: str) -> Converted:
        """``money`` in the reporting currency at the rate in force on ``day``; raises
        ``NoExchangeRate`` if the policy has none."""
        if money.currency == self.reporting_currency:
            return Converted(amount=money, rate=None)
        found = self.rate_on(money.currency, day)
        if found is None:
            raise NoExchangeRate(money.currency, self.reporting_currency, day)
        used = RateUsed(
            currency=found.currency,
            reporting_currency=self.reporting_currency,
            rate=found.rate,
            effective_from=found.effective_from,
            source=found.source,
            policy_version=policy_version,
        )
        return Converted(amount=self.converted(money, found.rate), rate=used)

    def converted(self, money: Money, rate: Decimal) -> Money:
        """``money`` times ``rate`` in the reporting currency, rounded as the module says."""
        exact = money.amount * rate
        return Money(
            amount=exact.quantize(_PLACES, rounding=ROUND_HALF_EVEN),
            currency=self.reporting_currency,
        )

    def add_up(self, figures: Iterable[tuple[date, str, Decimal]]) -> InReportingCurrency:
        """The sum of ``figures`` (day, currency, amount) in the reporting currency, each
        converted at the rate in force on its day and rounded as the module says;
        ``amount`` is ``None`` if a figure's currency has no rate on its day."""
        total = Decimal(0)
        used: dict[tuple[str, date], ExchangeRate] = {}
        missing: set[tuple[str, date]] = set()
        for day, currency, value in figures:
            if currency == self.reporting_currency:
                total += value
                continue
            found = self.rate_on(currency, day)
            if found is None:
                missing.add((currency, day))
                continue
            used[(found.currency, found.effective_from)] = found
            total += (value * found.rate).quantize(_PLACES, rounding=ROUND_HALF_EVEN)
        return InReportingCurrency(
            currency=self.reporting_currency,
            amount=None if missing else total,
            rates=tuple(used[key] for key in sorted(used)),
            missing=tuple(f"{currency} on {day}" for currency, day in sorted(missing)),
        )


@dataclass(frozen=True)
class InReportingCurrency:
    """A view's money added up in the reporting currency (ADR 48), converted when read."""

    currency: str
    """The reporting currency."""
    amount: Decimal | None
    """``None`` when some figure's currency had no rate in force on its day."""
    rates: tuple[ExchangeRate, ...]
    """The rates used, by currency and the day each applies from."""
    missing: tuple[str, ...]
    """Each currency and day without a rate (``"USD on 2026-03-02"``)."""
