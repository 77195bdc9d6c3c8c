"""Value objects shared by the aggregates: immutable, validated, compared by value.

Every value object and enum defined on these bases is stored in events under a stable
name (see ``salesdomain.transcodings``).  Collections inside events live inside value
objects, so a reloaded event equals the one that was recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Hashable, Iterable
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Self, TypeVar
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from salesdomain.bounds import (
    AMOUNT_LIMIT,
    AMOUNT_PLACES,
    COUNT_LIMIT,
    FIRST_DAY,
    LAST_DAY,
    LINE_PATTERN,
    LIST_LENGTH,
    NAME_LENGTH,
    QUANTITY_LIMIT,
    QUANTITY_PLACES,
    TEXT_LENGTH,
    TEXT_PATTERN,
    currencies,
    is_currency,
    single_line,
    text_without_controls,
)
from salesdomain.sop import Role

VALUE_TYPES: dict[str, type[ValueObject]] = {}
ENUM_TYPES: dict[str, type[Enum]] = {"Role": Role}

NonEmptyStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=TEXT_LENGTH),
    Field(json_schema_extra={"pattern": TEXT_PATTERN}),
    AfterValidator(text_without_controls),
]
"""Free text (a note, a reason, a description): not empty, at most ``TEXT_LENGTH``
characters, line breaks and tabs allowed, no other control characters."""

Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=TEXT_LENGTH),
    Field(json_schema_extra={"pattern": TEXT_PATTERN}),
    AfterValidator(text_without_controls),
]
"""Free text that may be empty."""

Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_LENGTH),
    Field(json_schema_extra={"pattern": LINE_PATTERN}),
    AfterValidator(single_line),
]
"""A name or label on one line (a person, a company, a product, a region, a team): not
empty, at most ``NAME_LENGTH`` characters, no line breaks or control characters."""

OptionalName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=NAME_LENGTH),
    Field(json_schema_extra={"pattern": LINE_PATTERN}),
    AfterValidator(single_line),
]
"""A name or label on one line that may be empty."""

Day = Annotated[
    date,
    Field(ge=FIRST_DAY, le=LAST_DAY, description=f"A date from {FIRST_DAY} to {LAST_DAY}"),
]
"""A business date (a visit, a delivery, a start): from ``FIRST_DAY`` to ``LAST_DAY``."""

T = TypeVar("T")

Items = Annotated[tuple[T, ...], Field(max_length=LIST_LENGTH)]
"""A list in a command or value object: at most ``LIST_LENGTH`` items."""


def distinct(keys: Iterable[Hashable], refusal: str) -> None:
    """Refuse, saying ``refusal``, a list in which one item (or one item's key) appears
    twice: ``distinct((line.product_code for line in lines), "each product ...")``."""
    listed = list(keys)
    if len(set(listed)) != len(listed):
        raise ValueError(refusal)


def named_once(items: Iterable[Hashable], what: str) -> None:
    """Refuse a list that names one ``what`` twice ("each topic is named once")."""
    distinct(items, f"each {what} is named once")


def every_member(kind: type[Enum], given: Container[Any], refusal: str) -> None:
    """Refuse a table (a policy's, by stage, by cycle) that leaves out a member of
    ``kind``, saying ``refusal`` and the members left out."""
    missing = [member.value for member in kind if member not in given]
    if missing:
        raise ValueError(f"{refusal}: {', '.join(missing)}")


def each_once(what: str, *, by: Callable[[Any], Hashable] | None = None) -> AfterValidator:
    """A list in which each item, or each item's ``by`` (its indicator, its criterion),
    appears once ("each topic is named once")."""

    def check(items: tuple[Any, ...]) -> tuple[Any, ...]:
        named_once(items if by is None else (by(item) for item in items), what)
        return items

    return AfterValidator(check)


Departments = Annotated[Items[Role], each_once("department")]
"""The departments a solution or an answer to a customer involves, each once."""

Code = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]{1,32}$")]
"""A product's or a need's code: letters, digits, ``_``, ``.`` and ``-``, at most 32."""

Quantity = Annotated[Decimal, Field(gt=0, lt=QUANTITY_LIMIT, decimal_places=QUANTITY_PLACES)]
"""A quantity of goods (units, pieces, kilograms): above zero and below ``QUANTITY_LIMIT``."""

Figure = Annotated[Decimal, Field(gt=-AMOUNT_LIMIT, lt=AMOUNT_LIMIT, decimal_places=AMOUNT_PLACES)]
"""A measured figure (a KPI's actual or target) within the bounds of an amount."""

Count = Annotated[int, Field(ge=0, le=COUNT_LIMIT)]
"""A whole number that counts (people, visits, a line number)."""


class ValueObject(BaseModel):
    """Base of value objects: frozen, unknown fields refused, stored under ``stored_as``."""

    model_config = ConfigDict(use_attribute_docstrings=True, frozen=True, extra="forbid")
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


def _known_currency(code: str) -> str:
    if not is_currency(code):
        raise ValueError(f"'{code}' is not a currency code of ISO 4217")
    return code


def _currency_schema(schema: dict[str, Any]) -> None:
    schema["enum"] = sorted(currencies())


Currency = Annotated[
    str,
    StringConstraints(min_length=3, max_length=3, pattern=r"^[A-Z]{3}$"),
    Field(json_schema_extra=_currency_schema),
    AfterValidator(_known_currency),
]
"""An ISO 4217 currency code in use (``CNY``, ``USD``, ``EUR``)."""


class CurrencyMismatch(ValueError):
    def __init__(self, left: str, right: str) -> None:
        super().__init__(f"cannot combine amounts in {left} and {right}")


_PLACES = Decimal(1).scaleb(-AMOUNT_PLACES)
_CENTS = Decimal("0.01")


class Money(ValueObject):
    """An amount of money: a ``Decimal`` and an ISO 4217 currency code, never a float.

    Its size is below ``AMOUNT_LIMIT`` with at most ``AMOUNT_PLACES`` decimal places."""

    amount: Annotated[
        Decimal,
        Field(gt=-AMOUNT_LIMIT, lt=AMOUNT_LIMIT, decimal_places=AMOUNT_PLACES),
    ]
    """The amount, a decimal string (never a float)."""
    currency: Currency
    """The currency, an ISO 4217 code (CNY, EUR, USD)."""

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
        """This amount multiplied, kept to ``AMOUNT_PLACES`` decimal places."""
        exact = self.amount * Decimal(factor)
        return Money(amount=exact.quantize(_PLACES), currency=self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def rounded(self) -> Money:
        return Money(amount=self.amount.quantize(_CENTS), currency=self.currency)

    def __str__(self) -> str:
        return f"{self.amount.quantize(_CENTS):,} {self.currency}"


def more_than_zero(money: Money) -> Money:
    """For prices: above zero."""
    if money.amount <= 0:
        raise ValueError(f"must be more than zero ({money})")
    return money


def within_amount_limit(what: str, quantity: Decimal, price: Money) -> None:
    """A quantity times a price stays within the bounds of an amount."""
    if abs(quantity * price.amount) >= AMOUNT_LIMIT:
        raise ValueError(f"{what} must be less than {AMOUNT_LIMIT:,} {price.currency}")


def not_negative(money: Money) -> Money:
    """For amounts that cannot be below zero (a value, a price)."""
    if money.amount < 0:
        raise ValueError(f"cannot be negative ({money})")
    return money


def total(amounts: list[Money], currency: str) -> Money:
    result = Money.zero(currency)
    for amount in amounts:
        result = result + amount
    return result


class PricedLine(BaseModel):
    """A line of goods priced and costed per unit (a quote's, an order's): the product,
    how many, at what unit price and cost; its amount and cost.  Mixed into the value
    objects of such lines, which check its prices."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    product_code: Code
    """The product's catalogue code."""
    product_name: Name
    specification: Name
    """The specification or model."""
    quantity: Quantity
    """How many units."""
    unit_price: Money
    """The price per unit."""
    unit_cost: Money

    @property
    def amount(self) -> Money:
        return self.unit_price.times(self.quantity)

    @property
    def cost(self) -> Money:
        return self.unit_cost.times(self.quantity)


class PricedLines:
    """Priced lines in one currency (a quote's, an order's): their currency, amount and
    cost.  Mixed into value objects that declare ``lines``."""

    if TYPE_CHECKING:
        lines: tuple[PricedLine, ...]

    @property
    def currency(self) -> str:
        return self.lines[0].unit_price.currency

    @property
    def amount(self) -> Money:
        return total([line.amount for line in self.lines], self.currency)

    @property
    def cost(self) -> Money:
        return total([line.cost for line in self.lines], self.currency)


def one_currency_each_product_once(lines: tuple[PricedLine, ...], of: str) -> None:
    """Refuse lines in more than one currency, or a product on two lines."""
    if len({line.unit_price.currency for line in lines}) > 1:
        raise ValueError(f"all lines of {of} are in one currency")
    distinct((line.product_code for line in lines), "each product appears on one line")


class Actor(ValueObject):
    """Who did it: an employee and the role under which they acted."""

    employee_id: UUID
    """The employee who acts."""
    role: Role
    """The role they act under."""
    name: Text = ""
    """The employee's name."""

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
