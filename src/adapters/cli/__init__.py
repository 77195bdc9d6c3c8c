"""The ``salesdomain`` command line (Typer, rich tables, ``--json`` for scripts).

``main`` is the console script. A read in client mode that ``lean`` serves (``pipeline``
through the web API) is answered there, with no more than the standard library and rich
imported; every other command line goes to the Typer application (``root.app``, also
``salesdomain.adapters.cli.app``), which imports the whole system (ADR 55).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from salesdomain.adapters.cli.root import COMMANDS, app

__all__ = ["COMMANDS", "app", "main"]


def main() -> None:
    from salesdomain.adapters.cli import lean

    if lean.answered(sys.argv[1:]):
        return
    from salesdomain.adapters.cli.root import app

    app()


def __getattr__(name: str) -> Any:
    """``app`` and ``COMMANDS``, imported when first asked for (PEP 562)."""
    if name not in ("app", "COMMANDS"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from salesdomain.adapters.cli import root

    value = getattr(root, name)
    globals()[name] = value
    return value
