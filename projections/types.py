"""Column types shared by the read models."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

from sqlalchemy import DateTime, Numeric, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from salesdomain.bounds import AMOUNT_LIMIT, AMOUNT_PLACES, QUANTITY_LIMIT, QUANTITY_PLACES


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("read models store timezone-aware times only")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def sqlite_utc_text(value: datetime | None) -> str | None:
    """What ``UtcDateTime`` stores on SQLite for ``value`` (the text SQLAlchemy's
    ``DATETIME`` writes after conversion to UTC), in one step; used for bulk writes."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("read models store timezone-aware times only")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


DIGITS = 38
"""Digits of every stored number: ``INTEGRAL_DIGITS`` before the point, up to 8 after."""

INTEGRAL_DIGITS = 30
"""A view stores numbers below 10^30 in size: an amount (below ``AMOUNT_LIMIT``, 10^15)
times a quantity (below ``QUANTITY_LIMIT``, 10^9) is below 10^24, and sums of many of
them stay far below this."""

FIGURE_PLACES = AMOUNT_PLACES + QUANTITY_PLACES
"""Decimal places of a figure: a price times a quantity, kept exact (8)."""

assert Decimal(10) ** INTEGRAL_DIGITS >= AMOUNT_LIMIT * QUANTITY_LIMIT * 1_000_000
assert INTEGRAL_DIGITS + FIGURE_PLACES <= DIGITS

_WIDE = Context(prec=DIGITS + 12, rounding=ROUND_HALF_UP)
_LIMIT = Decimal(10) ** INTEGRAL_DIGITS


def _stored(value: Decimal | int | str, places: int) -> Decimal:
    """``value`` as a view stores it with ``places`` decimal places (more are rounded
    half away from zero); a ``ValueError`` from 10^30 in size."""
    number = value if isinstance(value, Decimal) else Decimal(value)
    if not number.is_finite() or number.copy_abs() >= _LIMIT:  # abs() would round to 28 digits
        raise ValueError(f"a view stores numbers below 10^{INTEGRAL_DIGITS}, not {number}")
    return number.quantize(Decimal(1).scaleb(-places), context=_WIDE)


def exact_figure(value: Decimal | int) -> Decimal:
    """``value`` as a ``figure()`` column stores it: 8 places, below 10^30."""
    return _stored(value, FIGURE_PLACES)


class Exact(TypeDecorator[Decimal]):
    """A decimal number stored exactly on every backend, with ``places`` decimal places
    (more are rounded half away from zero, as PostgreSQL does).

    On PostgreSQL it is ``NUMERIC(38, places)``. SQLite's ``NUMERIC`` keeps a double
    (15 significant digits: 999,999,999,999,999.9999 would read back as 10^15), so there
    the number is stored as its decimal text. A sum the database makes itself
    (``Add``: quantities moved) is computed by SQLite in doubles: exact to the
    quantity's places for sums below 10^11, and quantities are below 10^9.

    Read back as a ``Decimal`` with at least ``shown`` places (trailing zeros beyond
    them dropped), the same on both backends, so figures print as they did before
    amounts could have four places: 500000.00, 100.1234."""

    impl = Numeric
    cache_ok = True

    def __init__(self, places: int, shown: int) -> None:
        super().__init__(DIGITS, places)
        self.places = places
        self.shown = shown
        self._step = Decimal(1).scaleb(-places)
        self._shown_step = Decimal(1).scaleb(-shown)

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String())
        return dialect.type_descriptor(Numeric(DIGITS, self.places))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        exact = _stored(value, self.places)
        return format(exact, "f") if dialect.name == "sqlite" else exact

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        # text as stored; a float or an int from a table made before this type
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return self.as_read(number)

    def as_read(self, number: Decimal) -> Decimal:
        """``number`` as this column reads back: ``places`` at most, ``shown`` at least
        (for a figure summed from such columns, shown as they are)."""
        exact = number.quantize(self._step, context=_WIDE)
        trimmed = exact.normalize(context=_WIDE)
        exponent = trimmed.as_tuple().exponent
        if isinstance(exponent, int) and -exponent >= self.shown:
            return trimmed
        return exact.quantize(self._shown_step, context=_WIDE)


def plain(value: Decimal) -> Decimal:
    """A stored number without the storage's trailing zeros (100.000000 -> 100, 72.420000
    -> 72.42): a count or quantity as a whole number, a score as its places."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def money() -> Exact:
    """An amount of money or a price of one record (below ``AMOUNT_LIMIT``)."""
    return Exact(AMOUNT_PLACES, shown=2)


def figure() -> Exact:
    """A KPI figure: an amount, a price times a quantity, a count; stored exactly."""
    return Exact(FIGURE_PLACES, shown=6)


def quantity() -> Exact:
    """A quantity of goods, or a sum of them (below ``QUANTITY_LIMIT`` each)."""
    return Exact(QUANTITY_PLACES, shown=6)
