"""Progress of long work on standard error (issue 19, ADR 58): a rebuild of the views,
the catch-up after an import, the verification of the history.

Shown when standard error is a terminal, or when ``--progress`` asks; never with
``--quiet`` or ``--json`` (a script reads standard output; its standard error stays
the errors).  The work is told through a ``Report`` callback, the hook the views'
one-pass reading already offers (``ReadModels._feed``)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from salesdomain.adapters.cli.output import err

Report = Callable[[int, int], None]
"""Told the log position reached and the head of the log, after each page."""

ProgressOption = Annotated[
    bool,
    typer.Option(
        "--progress",
        help="Show progress on standard error even when it is not a terminal.",
    ),
]


def wanted(asked: bool, quiet: bool) -> bool:
    """Whether progress is shown: asked for, or standard error is a terminal; and not
    ``quiet`` (``--quiet``, ``--json``)."""
    return not quiet and (asked or sys.stderr.isatty())


@contextmanager
def bar(what: str) -> Iterator[Report]:
    """A progress bar for ``what`` on standard error while the block runs."""
    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn())
    with Progress(*columns, TimeElapsedColumn(), console=err()) as shown:
        task = shown.add_task(what, total=None)

        def report(position: int, head: int) -> None:
            shown.update(task, completed=position, total=head)

        yield report


@contextmanager
def reported(what: str, *, asked: bool, quiet: bool) -> Iterator[Report | None]:
    """``bar(what)`` if progress is ``wanted``, else ``None`` (nothing shown)."""
    if not wanted(asked, quiet):
        yield None
        return
    with bar(what) as report:
        yield report
