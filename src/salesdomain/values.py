"""Value objects shared by the aggregates: immutable, validated, compared by value.

Every value object and enum defined on these bases is stored in events under a stable
name (see ``salesdomain.transcodings``).  Collections inside events live inside value
objects, so a reloaded event equals the one that was recorded.
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, ClassVar, Self, TypeVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from salesdomain.sop import Role

VALUE_TYPES: dict[str, type[ValueObject]] = {}
ENUM_TYPES: dict[str, type[Enum]] = {"Role": Role}

NonEmptyStr = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Text = Annotated[str, StringConstraints(strip_whitespace=True)]


class ValueObject(BaseModel):
    """Base of value objects: frozen, unknown fields refused, stored under ``stored_as``."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    stored_as: ClassVar[str] = ""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        name = cls.__dict__.get("stored_as") or cls.__name__
        cls.stored_as = name
        if VALUE_TYPES.get(name, cls) is not cls:
            raise TypeError(f"two value objects are stored as '{name}'")
        VALUE_TYPES[name] = cls

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        # Frozen and made only of immutable parts: a copy would equal the original.
        return self


E = TypeVar("E", bound=type[Enum])


def stored_enum(cls: E) -> E:
    """Class decorator: store this enum in events under its class name."""
    if ENUM_TYPES.get(cls.__name__, cls) is not cls:
        raise TypeError(f"two enums are stored as '{cls.__name__}'")
    ENUM_TYPES[cls.__name__] = cls
    return cls


class CurrencyMismatch(ValueError):
    def __init__(self, left: str, right: str) -> None:
        super().__init__(f"cannot combine amounts in {left} and {right}")


class Money(ValueObject):
    """An amount of money: a ``Decimal`` and an ISO 4217 currency code, never a float."""

    amount: Decimal
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]

    @field_validator("amount", mode="before")
    @classmethod
    def _no_floats(cls, value: object) -> object:
        if isinstance(value, float):
            raise ValueError("money must be given as a decimal string or integer, not a float")
        return value

    @field_validator("amount")
    @classmethod
    def _finite(cls, value: Decimal) -> Decimal:
        if not value.is_finite():
            raise ValueError("money must be a finite amount")
        return value

    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str) -> Money:
        return cls(amount=Decimal(amount), currency=currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(amount=Decimal(0), currency=currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(self.currency, other.currency)

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(amount=self.amount + other.amount, currency=self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(amount=self.amount - other.amount, currency=self.currency)

    def times(self, factor: Decimal | int) -> Money:
        return Money(amount=self.amount * Decimal(factor), currency=self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def rounded(self) -> Money:
        return Money(amount=self.amount.quantize(Decimal("0.01")), currency=self.currency)

    def __str__(self) -> str:
        return f"{self.amount.quantize(Decimal('0.01')):,} {self.currency}"


def total(amounts: list[Money], currency: str) -> Money:
    result = Money.zero(currency)
    for amount in amounts:
        result = result + amount
    return result


class Actor(ValueObject):
    """Who did it: an employee and the role under which they acted."""

    employee_id: UUID
    role: Role
    name: Text = ""

    def __str__(self) -> str:
        who = self.name or str(self.employee_id)[:8]
        return f"{who} ({self.role.label})"


class Percentage(ValueObject):
    """A fraction between 0 and 1 kept as a Decimal (0.15 is 15%)."""

    value: Annotated[Decimal, Field(ge=0, le=1)]

    def __str__(self) -> str:
        return f"{(self.value * 100).quantize(Decimal('0.1'))}%"

    @classmethod
    def of(cls, value: str | Decimal) -> Self:
        return cls(value=Decimal(value))
