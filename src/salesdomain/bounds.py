"""The bounds on everything a command may carry, in one place.

Every text, amount, quantity, date and list a command accepts is bounded here, and the
read models size their columns from the same figures, so anything the domain accepts a
view can store (ADR 22).  The bounds are generous for a sales department: a name of
200 characters, a note of 4,000, an amount below a thousand million million.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal
from functools import cache

import pycountry

NAME_LENGTH = 200
"""Characters in a name or label on one line: a person, a company, a product, a region."""

TEXT_LENGTH = 4000
"""Characters in free text: a note, a reason, a description (line breaks allowed)."""

LIST_LENGTH = 200
"""Items in any list a command carries: quote lines, contacts, scores, topics."""

AMOUNT_LIMIT = Decimal("1000000000000000")
"""Every amount of money is below this in size (10^15) ..."""

AMOUNT_PLACES = 4
"""... with at most this many decimal places."""

QUANTITY_LIMIT = Decimal("1000000000")
"""Every quantity (units, pieces) is below this (10^9) ..."""

QUANTITY_PLACES = 4
"""... with at most this many decimal places."""

IMPORT_LINES = 100_000
"""Lines in one imported file (SOP 4.1.2)."""

COUNT_LIMIT = 10_000
"""Whole numbers that count or rank (a rank, a score, a number of people)."""

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)
"""Business dates (a visit, a delivery, a start) lie between these, inclusive."""

# Characters refused everywhere: control characters (C0 but tab and line breaks, DEL,
# C1: terminal escape sequences start with these), lone surrogates (not text) and the
# bidirectional overrides that make text display other than it reads.
_LINE_BREAKS = frozenset("\n\r")
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ONE_LINE_BREAKS = frozenset("\u2028\u2029\x85")

TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]*$"
"""The characters free text may hold, as a JSON-schema pattern (documentation: the
validators below are the rule, and also refuse lone surrogates)."""

LINE_PATTERN = r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]*$"
"""The characters a one-line name may hold, as a JSON-schema pattern."""


def _refused(character: str, *, lines: bool) -> bool:
    if character == "\t" or (lines and character in _LINE_BREAKS):
        return False
    if character in _BIDI_CONTROLS or (not lines and character in _ONE_LINE_BREAKS):
        return True
    return unicodedata.category(character) in ("Cc", "Cs")


def _check(value: str, *, lines: bool) -> str:
    for position, character in enumerate(value, start=1):
        if _refused(character, lines=lines):
            what = "a line break" if character in _LINE_BREAKS else "a control character"
            raise ValueError(
                f"must not contain {what} (U+{ord(character):04X} at character {position})"
            )
    return value


def text_without_controls(value: str) -> str:
    """Free text: tabs and line breaks allowed, no other control character."""
    if value.isprintable():  # the common case, checked in C
        return value
    return _check(value, lines=True)


def single_line(value: str) -> str:
    """A name on one line: no line break, no control character."""
    if value.isprintable():
        return value
    return _check(value, lines=False)


# Codes ISO 4217 lists that are not money a customer pays in: precious metals, bond
# market units, special drawing rights, the test code, "no currency" and the funds
# codes (units of account beside a country's currency).
_NOT_MONEY = frozenset(
    [
        "XAG",
        "XAU",
        "XBA",
        "XBB",
        "XBC",
        "XBD",
        "XDR",
        "XPD",
        "XPT",
        "XSU",
        "XTS",
        "XUA",
        "XXX",
        "XAD",
        "BOV",
        "CHE",
        "CHW",
        "CLF",
        "COU",
        "MXV",
        "USN",
        "UYI",
        "UYW",
    ]
)


@cache
def currencies() -> frozenset[str]:
    """The ISO 4217 codes money may be in, from ``pycountry``'s copy of the standard."""
    return frozenset(c.alpha_3 for c in pycountry.currencies) - _NOT_MONEY


def is_currency(code: str) -> bool:
    return code in currencies()
