"""The columns an imported file may have, and how their text is read (SOP 4.1.2).

Each reader returns the value, or ``None`` after noting a ``LineProblem`` that names
the line and the column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from salesdomain.bounds import (
    AMOUNT_LIMIT,
    AMOUNT_PLACES,
    FIRST_DAY,
    LAST_DAY,
    NAME_LENGTH,
    QUANTITY_LIMIT,
    QUANTITY_PLACES,
    is_currency,
    single_line,
)
from salesdomain.errors import LineProblem
from salesdomain.imports.commands import SourceLine

T = TypeVar("T")


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    meaning: str
    longest: int = NAME_LENGTH


def line_readers(
    columns: tuple[str, ...],
    lines: Sequence[SourceLine],
    known: tuple[Column, ...],
    problems: list[LineProblem],
) -> Iterator[LineReader]:
    """A reader of each line, noting its problems in ``problems``; none if the header
    (line 1) is wrong, its problems noted."""
    wrong = check_header(columns, known)
    problems.extend(wrong)
    if wrong:
        return
    spec = {c.name: c for c in known}
    for line in lines:
        yield LineReader(line, spec, problems)


def check_header(columns: tuple[str, ...], known: tuple[Column, ...]) -> list[LineProblem]:
    """Line 1: every required column is there and no column is unknown."""
    names = {c.name for c in known}
    problems = [
        LineProblem(1, c.name, "the file has no such column; every record needs it")
        for c in known
        if c.required and c.name not in columns
    ]
    for column in columns:
        if column not in names:
            expected = ", ".join(c.name for c in known)
            problems.append(LineProblem(1, column, f"unknown column (expected: {expected})"))
    seen: set[str] = set()
    for column in columns:
        if column in seen:
            problems.append(LineProblem(1, column, "the column is there twice"))
        seen.add(column)
    return problems


_NUMBER = re.compile(r"^[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$")
_DAY = re.compile(r"^(\d{4})[-/](\d{2})[-/](\d{2})$")
CODE = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
REFERENCE = re.compile(r"^[A-Za-z0-9_./-]{1,64}$")


class LineReader:
    """Reads the columns of one line, noting every problem."""

    def __init__(self, line: SourceLine, columns: dict[str, Column], problems: list[LineProblem]):
        self.line_number = line.line
        self._values = line.values
        self._columns = columns
        self._problems = problems
        self.ok = True

    def problem(self, column: str, text: str) -> None:
        self._problems.append(LineProblem(self.line_number, column, text))
        self.ok = False

    def text(self, column: str) -> str | None:
        spec = self._columns[column]
        value = (self._values.get(column) or "").strip()
        if not value:
            if spec.required:
                self.problem(column, "is empty; every record needs it (incomplete record)")
                return None
            return ""
        if len(value) > spec.longest:
            self.problem(column, f"is longer than {spec.longest} characters")
            return None
        return self._parsed(column, value, single_line)

    def matching(self, column: str, pattern: re.Pattern[str], what: str) -> str | None:
        value = self.text(column)
        if value and not pattern.match(value):
            self.problem(column, f"'{value}' is not {what}")
            return None
        return value

    def number(
        self, column: str, *, more_than_zero: bool = False, quantity: bool = False
    ) -> Decimal | None:
        """A number of at most the bounds of a quantity (``quantity``) or an amount."""
        return self._read(column, lambda value: _number(value, more_than_zero, quantity))

    def day(self, column: str) -> date | None:
        return self._read(column, _day)

    def currency(self, column: str) -> str | None:
        return self._read(column, _currency)

    def _read(self, column: str, parse: Callable[[str], T]) -> T | None:
        """The column's text as ``parse`` reads it; ``None`` if it is empty."""
        value = self.text(column)
        return self._parsed(column, value, parse) if value else None

    def _parsed(self, column: str, value: str, parse: Callable[[str], T]) -> T | None:
        """``parse(value)``; ``None`` after noting the problem if it refuses the text
        (with a ``ValueError`` that says what is wrong)."""
        try:
            return parse(value)
        except ValueError as refused:
            self.problem(column, str(refused))
            return None


def _number(value: str, more_than_zero: bool, quantity: bool) -> Decimal:
    try:
        if not _NUMBER.match(value):
            raise InvalidOperation
        number = Decimal(value.replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"'{value}' is not a number (write it like 1234.50)") from None
    if more_than_zero and number <= 0:
        raise ValueError(f"must be more than zero, not {value}")
    if number < 0:
        raise ValueError(f"cannot be negative ({value})")
    limit, places = (QUANTITY_LIMIT, QUANTITY_PLACES) if quantity else (AMOUNT_LIMIT, AMOUNT_PLACES)
    if number >= limit:
        raise ValueError(f"must be less than {limit:,} ({value})")
    if -number.as_tuple().exponent > places:  # type: ignore[operator]
        raise ValueError(f"has more than {places} decimal places ({value})")
    return number


def _day(value: str) -> date:
    found = _DAY.match(value)
    try:
        if found is None:
            raise ValueError
        day = date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        raise ValueError(f"'{value}' is not a date (write it as YYYY-MM-DD)") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"{value} is not between {FIRST_DAY} and {LAST_DAY}")
    return day


def _currency(value: str) -> str:
    code = value.upper()
    if not is_currency(code):
        raise ValueError(f"'{value}' is not a known currency (an ISO 4217 code: CNY, USD)")
    return code
