"""One name per idea on the command line (issue 19, ADR 58): a moment is ``--as-of``, a
period ``--since``/``--until``, the acting person ``--as``, an input file ``-f/--file``.

The spellings 0.1 used elsewhere (``OLD_SPELLINGS``) are still read for one release, as
hidden options of their own: Click would list a second name of the same option in the
help, which is what the vocabulary is meant to end.  ``given`` takes the value from
whichever of the two was given and refuses both at once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, TypeVar
from uuid import UUID

import typer
from salesdomain.adapters.cli.common import ExitCode, Failure

OLD_SPELLINGS: dict[str, str] = {
    "--at": "--as-of",
    "--as-at": "--as-of",
    "--from": "--since",
    "--to": "--until",
    "--employee": "--as",
}
"""Every old spelling still read (hidden from the help) and the name that replaced it;
they go in 0.3.0."""

NEW_NAMES = frozenset(OLD_SPELLINGS.values()) | {"--file"}


def _old(name: str) -> Any:
    return typer.Option(name, hidden=True, help=f"The old spelling of {OLD_SPELLINGS[name]}.")


AsOfOrNow = Annotated[str | None, typer.Option("--as-of", help="As it stood then (default: now).")]
"""``--as-of`` where the moment a command reads at is now unless it is given."""
AsOfMoment = Annotated[
    str | None,
    typer.Option("--as-of", help="As it stood at this moment (UTC unless it says)."),
]
"""``--as-of`` for one record as it stood then (``show``, ``as-of record``)."""
Owner = Annotated[UUID | None, typer.Option(help="The owner's employee id.")]
"""``--owner`` of a list's filters: the records one employee owns."""

OldAt = Annotated[str | None, _old("--at")]
OldAsAt = Annotated[str | None, _old("--as-at")]
OldFrom = Annotated[str | None, _old("--from")]
OldTo = Annotated[str | None, _old("--to")]
OldEmployee = Annotated[str | None, _old("--employee")]

OldPositionalFile = Annotated[
    Path | None, typer.Argument(hidden=True, metavar="FILE", help="The old place of -f/--file.")
]
"""``import customers FILE``: the file as 0.1 took it, before ``-f/--file``."""

Value = TypeVar("Value")


def given(
    new_value: Value | None, old_value: Value | None, new: str, old: str, *, required: bool = False
) -> Value | None:
    """The value of option ``new`` or of its old spelling ``old``, whichever was given;
    both at once, or neither when ``required``, is a usage error (exit 2)."""
    if new_value is not None and old_value is not None:
        raise Failure(ExitCode.USAGE, f"{new} and {old} are the same option: give {new} only")
    value = new_value if new_value is not None else old_value
    if value is None and required:
        raise Failure(ExitCode.USAGE, f"{new} is required")
    return value


def required(new_value: Value | None, old_value: Value | None, new: str, old: str) -> Value:
    """``given``, for an option that must be given."""
    value = given(new_value, old_value, new, old, required=True)
    assert value is not None
    return value
