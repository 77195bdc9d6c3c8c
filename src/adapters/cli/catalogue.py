"""The SOP catalogue and the policy data: no store needed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table
from salesdomain.adapters.bootstrap import policy_from_environment
from salesdomain.adapters.cli.common import ExitCode, Failure, JsonOutput, out, print_json, reported

from salesdomain.policy import SalesPolicy
from salesdomain.sop import steps


def list_steps(as_json: JsonOutput = False) -> None:
    """List the SOP step catalogue: codes, titles, roles and time limits."""
    listed = [
        {
            "code": s.code,
            "title": s.title,
            "roles": sorted(r.value for r in s.roles),
            "time_limit": s.time_limit.rule if s.time_limit else None,
            "from_document": s.from_document,
        }
        for s in steps()
    ]
    if as_json:
        print_json(listed)
        return
    table = Table(title="SOP steps")
    for column in ("Code", "Title", "Roles", "Time limit"):
        table.add_column(column)
    for s in steps():
        roles = ", ".join(sorted(r.label for r in s.roles))
        table.add_row(s.code, s.title, roles, s.time_limit.rule if s.time_limit else "")
    out().print(table)


def policy(
    file: Annotated[
        Path | None, typer.Option(help="A policy file to check (default: the one in use).")
    ] = None,
) -> None:
    """Print the policy data in force (or check a policy file) as JSON."""
    with reported():
        try:
            chosen = SalesPolicy.from_file(file) if file else policy_from_environment()
        except (ValidationError, OSError, ValueError) as error:
            raise Failure(ExitCode.USAGE, f"policy file is not valid: {error}") from None
    print(chosen.model_dump_json(indent=2))
