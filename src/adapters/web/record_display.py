"""A record's facts in words for its page (issue 20, ADR 65): dates as "3 March 2026",
money with its currency, enums and statuses in words, nested records as definition
lists and lists of records as tables.  Everything becomes text here; the template
only lays it out (and escapes it)."""

import re
from dataclasses import dataclass, fields, is_dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from salesdomain.adapters.web import links

from salesdomain.values import Money

DEPTH = 4
"""How deep nested facts are laid out; deeper ones are shown as text."""
ROWS = 200
"""The most rows a nested table shows."""
LINKED = {
    "customer_id": "customers",
    "opportunity_id": "opportunities",
    "order_id": "orders",
    "service_case_id": "service-cases",
    "owner_id": "employees",
    "employee_id": "employees",
    "contract_id": "contract",
}
"""Facts that name another record: shown as a link to its page."""


@dataclass(frozen=True)
class Text:
    text: str
    kind: str = "text"
    href: str | None = None
    """The page of the record the text names, if it names one."""


@dataclass(frozen=True)
class Facts:
    """A definition list: (label, shown) pairs."""

    items: list[tuple[str, "Shown"]]
    kind: str = "facts"


@dataclass(frozen=True)
class Rows:
    """A table: its columns and rows of shown cells."""

    columns: list[str]
    rows: list[list["Shown"]]
    more: int = 0
    kind: str = "rows"


Shown = Text | Facts | Rows


def words(name: str) -> str:
    """A name in words: ``expected_close`` -> "Expected close", ``IssueQuote`` -> "Issue quote"."""
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(name)).replace("_", " ").replace("-", " ")
    text = text.strip().casefold()
    return text[:1].upper() + text[1:]


def when(moment: datetime | date | None) -> str:
    """A day or moment in words: "3 March 2026" or "3 March 2026, 14:05 UTC"."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        at = moment.astimezone(UTC) if moment.tzinfo else moment
        return f"{at.day} {at:%B %Y}, {at:%H:%M} UTC"
    return f"{moment.day} {moment:%B %Y}"


def money(value: Money) -> str:
    return f"{value.amount:,} {value.currency}"


def _items(value: Any) -> dict[str, Any] | None:
    """The named facts of a value object (pydantic model or dataclass), else ``None``."""
    if isinstance(value, BaseModel):
        return {name: getattr(value, name) for name in type(value).model_fields}
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in fields(value)}
    return None


def shown(value: Any, depth: int = 0) -> Shown:
    """``value`` laid out for a page."""
    if isinstance(value, Money):
        return Text(money(value))
    if isinstance(value, bool):
        return Text("yes" if value else "no")
    if isinstance(value, datetime | date):
        return Text(when(value))
    if isinstance(value, Enum):
        return Text(words(getattr(value, "label", None) or value.value))
    if value is None or value == "":
        return Text("—")
    if isinstance(value, Decimal | int | float | str | UUID) or depth >= DEPTH:
        return Text(str(value))
    items = _items(value)
    if items is not None:
        return facts(items, depth + 1)
    if isinstance(value, dict):
        return facts({str(_key(k)): v for k, v in value.items()}, depth + 1)
    if isinstance(value, list | tuple | set | frozenset):
        return _rows(list(value), depth + 1)
    return Text(str(value))


def _key(key: Any) -> str:
    if isinstance(key, Enum):
        return str(getattr(key, "label", None) or key.value)
    return str(key)


def facts(items: dict[str, Any], depth: int = 0) -> Facts:
    return Facts([(words(name), _fact(name, value, depth)) for name, value in items.items()])


def _fact(name: str, value: Any, depth: int) -> Shown:
    kind = LINKED.get(name)
    if kind is not None and isinstance(value, UUID | str) and value:
        return Text(str(value), href=links.record_href(kind, value))
    return shown(value, depth)


def _rows(values: list[Any], depth: int) -> Shown:
    if not values:
        return Text("none")
    records = [_items(v) for v in values[:ROWS]]
    if all(r is not None for r in records):
        columns = list(dict.fromkeys(name for r in records if r for name in r))
        rows = [[shown((r or {}).get(c), depth) for c in columns] for r in records]
        return Rows([words(c) for c in columns], rows, max(0, len(values) - ROWS))
    texts = []
    for one in values[:ROWS]:
        laid = shown(one, depth)
        texts.append(laid.text if isinstance(laid, Text) else str(one))
    return Text(", ".join(texts))
