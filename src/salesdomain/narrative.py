"""One line per event, in the SOP's words, for histories and the audit trail.

Each area of the SOP keeps its lines in ``salesdomain.<area>.narrative.DESCRIPTIONS``
(event name -> function); they are gathered here.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Callable
from functools import cache
from typing import Any

from salesdomain.values import Money

Describer = Callable[[Any], str]


def pct(value: Any) -> str:
    return f"{value * 100:.1f}%"


def money(value: Money) -> str:
    return str(value)


def if_given(text: str, template: str = ": {}") -> str:
    """``text`` put into ``template`` when there is any, else nothing: a line's optional
    end (``"approved" + if_given(e.comments)`` reads "approved: as agreed" or "approved")."""
    return template.format(text) if text else ""


@cache
def descriptions() -> dict[str, Describer]:
    import salesdomain

    gathered: dict[str, Describer] = {}
    for area in pkgutil.iter_modules(salesdomain.__path__):
        name = f"salesdomain.{area.name}.narrative"
        if area.ispkg and importlib.util.find_spec(name) is not None:
            gathered.update(importlib.import_module(name).DESCRIPTIONS)
    return gathered


def describe(event: Any) -> str:
    """What happened, in one line a sales manager understands."""
    describer = descriptions().get(type(event).__qualname__)
    if describer is None:
        return type(event).__qualname__.replace(".", ": ")
    return describer(event)
