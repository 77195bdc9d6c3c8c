"""``salesdomain report monthly|quarterly``: a sales report of a period as a document (HTML
or PDF) a manager can forward (SOP 4.2, ADR 56), from the views as they stand or as they
stood at a past moment (``--as-of``), as the whole company or as one employee may see it
(``--as``, ``--role``: the read policy, ADR 30).

It needs the ``reports`` extra (Jinja2, matplotlib, WeasyPrint) and says so when it is
missing; ``--json`` prints the report's figures (the model the document is made from)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.cli import common
from salesdomain.adapters.cli.actors import employee, parse_role
from salesdomain.adapters.cli.common import DatabaseUrl, ExitCode, Failure, JsonOutput
from salesdomain.adapters.cli.output import out, print_json
from salesdomain.adapters.reports import missing_extra
from salesdomain.projections.access import reader_of
from salesdomain.projections.reports import VIEWS, ReportKind, sales_report

from salesdomain.access import Reader
from salesdomain.past import moment

Format = Literal["html", "pdf"]


def report(
    ctx: typer.Context,
    kind: Annotated[ReportKind, typer.Argument(help="monthly or quarterly.")],
    period: Annotated[
        str, typer.Option("--period", help="The month (2026-03) or quarter (2026-Q1).")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="The file to write.")],
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="The views as they stood then: YYYY-MM-DD[THH:MM[:SS]][+HH:MM] (UTC unless "
            "it says; default: now).",
            show_default=False,
        ),
    ] = None,
    format: Annotated[
        Format | None,
        typer.Option(
            "--format",
            help="html or pdf (default: from --output's suffix, else pdf).",
            show_default=False,
        ),
    ] = None,
    who: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="As this employee may see it (id or exact name; default: every record).",
            show_default=False,
        ),
    ] = None,
    role: Annotated[
        str | None,
        typer.Option(
            "--role", help="Under this role (default: the one they hold).", show_default=False
        ),
    ] = None,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """A monthly or quarterly sales report (results, customers, pipeline and forecast,
    conformance breaches, appraisal outcomes) written as HTML or PDF with charts."""
    with common.reported(as_json):
        missing = missing_extra()
        if missing is not None:
            raise Failure(ExitCode.USAGE, missing)
        from salesdomain.adapters.reports.render import render

        chosen: Format = format or ("html" if output.suffix.lower() in (".html", ".htm") else "pdf")
        moment_asked = common.when(as_of, "--as-of")
        if role is not None and who is None:
            raise Failure(ExitCode.USAGE, "--role: give --as too (whose view the report is)")
        with common.open_system(ctx, database_url) as system:
            common.caught_up(system, *(name for name in VIEWS if name in system.views.runners))
            reader = None if who is None else _reader(system, who, role)
            try:
                found = sales_report(
                    system.app, system.views, kind, period, as_of=moment_asked, reader=reader
                )
            except ValueError as error:
                text = str(error).replace("period:", "--period:").replace("as_of:", "--as-of:")
                raise Failure(ExitCode.USAGE, text) from None
        document = render(found, chosen)
        try:
            output.write_bytes(document)
        except OSError as error:
            raise Failure(ExitCode.BAD_FILE, f"--output: cannot write {output}: {error}") from None
    if as_json:
        print_json(
            {"output": str(output), "format": chosen, "report": found.model_dump(mode="json")}
        )
        return
    when = f"as of {moment(found.as_of)}" if found.in_the_past else "as the views stand now"
    out().print(
        f"Wrote the {kind} report of {found.period} ({chosen.upper()}, {len(document):,} bytes, "
        f"{when}, {found.reader}) to {output}",
        soft_wrap=True,
    )


def _reader(system: System, who: str, role: str | None) -> Reader:
    """The employee ``who`` reading under ``role`` (or the one role they hold)."""
    person = employee(system, who)
    if not person.is_active:
        raise Failure(ExitCode.NOT_AUTHORISED, f"--as: {person.name} has left the company")
    held = sorted(person.roles, key=lambda r: r.value)
    if role is None:
        if len(held) != 1:
            choices = " or ".join(r.value for r in held) or "no role"
            raise Failure(ExitCode.USAGE, f"--role: {person.name} holds {choices}; choose one")
        chosen = held[0]
    else:
        chosen = parse_role(role)
        if not person.holds(chosen):
            raise Failure(
                ExitCode.NOT_AUTHORISED, f"{person.name} does not hold the role {chosen.label}"
            )
    return reader_of(*system.views.view("kpi"), person.id, chosen)
