"""What the command line prints, for people and for scripts, with no more than the
standard library and rich (the lean path of client mode imports only this): never a
control character from stored text raw."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import sys
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any, TextIO
from uuid import UUID

from rich.console import Console
from rich.text import Text

_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _hidden(character: str) -> bool:
    """A character that must not reach a terminal raw: a control character (C0 but tab
    and line break, DEL, C1: escape sequences start with these), a lone surrogate (not
    text) or a bidirectional override (text that displays other than it reads)."""
    if character in "\n\t":
        return False
    return character in _BIDI or unicodedata.category(character) in ("Cc", "Cs")


def visible(text: str) -> str:
    """``text`` with every such character shown as its escape (``\\x1b``, ``\\u202e``):
    text stored before the domain refused them must not clear a screen, retitle a
    terminal or reorder a line when printed."""
    if text.isprintable():
        return text
    return "".join(ascii(c)[1:-1] if _hidden(c) else c for c in text)


class SafeConsole(Console):
    """A rich console that shows control characters as escapes: every string it prints
    (a line, a table's cell or title) passes through ``visible`` first."""

    def render_str(self, text: str, **options: Any) -> Text:
        return super().render_str(visible(text), **options)


PIPED_WIDTH = 150
"""The width of output that goes to a file or a pipe when ``COLUMNS`` does not say one
(rich's own default, 80, would wrap every table a script reads)."""


def width(stream: TextIO) -> int | None:
    """The width to print ``stream`` at: the terminal's (rich asks it, and honours
    ``COLUMNS``), else ``COLUMNS``, else ``PIPED_WIDTH`` (ADR 58)."""
    if stream.isatty():
        return None
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else PIPED_WIDTH


def out() -> Console:
    """Standard output.  Stored data is printed as it is: no markup or emoji codes are
    read in it ("[erased]" stays), control characters are shown as escapes; a line that
    is styled says ``markup=True`` and escapes its data."""
    return SafeConsole(width=width(sys.stdout), highlight=False, markup=False, emoji=False)


def err() -> Console:
    return SafeConsole(
        stderr=True, width=width(sys.stderr), highlight=False, markup=False, emoji=False
    )


def plain(value: Any) -> Any:
    """A value as the web API's JSON (pydantic's JSON mode) for the few types the lean
    path prints (ADR 55: it cannot import pydantic): decimals as their text, times as ISO
    8601 with ``Z`` for UTC, ids as text, durations in seconds.  The full command line
    serialises with pydantic itself (``output.plain``); a test checks the two agree
    (ADR 60)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(plain(k)): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, timedelta):
        return value.total_seconds()
    return value


_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def print_json(data: Any) -> None:
    """``data`` (JSON-ready, or of the types ``plain`` knows) as stable JSON, readable
    (non-ASCII letters as they are) and safe to print: the control characters JSON
    leaves raw (DEL, C1), bidirectional overrides and lone surrogates are written as
    ``\\u`` escapes too."""
    text = json.dumps(plain(data), indent=2, sort_keys=True, ensure_ascii=False)
    print(_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))
