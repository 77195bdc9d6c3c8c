"""Running any SOP command from JSON as a named employee, and listing the commands."""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

import typer
from rich.table import Table
from salesdomain.adapters.cli import client, common, remote
from salesdomain.adapters.cli.actors import founding_actor, resolve_actor
from salesdomain.adapters.cli.common import DatabaseUrl, ExitCode, Failure, JsonOutput
from salesdomain.adapters.cli.output import out, print_json
from salesdomain.adapters.cli.record_lists import shown_id

from salesdomain.command_record import CommandResult
from salesdomain.commands import COMMANDS, Command
from salesdomain.narrative import describe
from salesdomain.sop import step

As = Annotated[str, typer.Option("--as", help="The employee who acts: their id or exact name.")]
RoleOption = Annotated[
    str | None,
    typer.Option(help="The role they act under (default: the one they hold for this step)."),
]


def command_class(name: str) -> type[Command]:
    if name in COMMANDS:
        return COMMANDS[name]
    close = difflib.get_close_matches(name, COMMANDS, n=3)
    hint = f"; did you mean {' or '.join(close)}?" if close else "; see `salesdomain commands`"
    raise Failure(ExitCode.USAGE, f"no command is called '{name}'{hint}")


def read_json(path: str) -> Any:
    """The JSON document in ``path`` ("-": standard input)."""
    where = "standard input" if path == "-" else path
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise Failure(ExitCode.BAD_FILE, f"cannot read {where}: {error}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise Failure(
            ExitCode.BAD_FILE,
            f"{where} is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}",
        ) from None
    except (ValueError, RecursionError) as error:  # a number of 5,000 digits; [[[[...]]]]
        what = "nested too deeply" if isinstance(error, RecursionError) else str(error)
        raise Failure(ExitCode.BAD_FILE, f"{where} cannot be read as JSON: {what}") from None


def run(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The command, e.g. IssueQuote.")],
    who: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="The employee who acts: their id or exact name (client mode: the token's).",
            show_default=False,
        ),
    ] = None,
    role: RoleOption = None,
    file: Annotated[
        str, typer.Option("--file", "-f", help="JSON file with the command's data ('-': stdin).")
    ] = "-",
    case: Annotated[
        UUID | None, typer.Option(help="The business case (correlation id) it belongs to.")
    ] = None,
    wide: Annotated[
        bool, typer.Option("--wide", help="Full record ids (default: their first 8 characters).")
    ] = False,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """Perform one SOP step: the command NAME with data from JSON, as a named employee
    (in client mode, as the token's)."""
    with common.reported(as_json):
        kind = command_class(name)
        api = client.connect(ctx, database_url)
        acting = who or ""
        if api is not None:
            remote.token_acts({"--as": who, "--role": role, "--case": case})
        elif not acting:
            raise Failure(ExitCode.USAGE, "--as: who acts? an employee's id or exact name")
        data = read_json(file)
        if not isinstance(data, dict):
            raise Failure(ExitCode.BAD_FILE, "the command's data must be a JSON object {...}")
        command = kind.build(data)
        if api is not None:
            result, described = remote.send(api, command, data)
            lines = event_lines(result, described)
        else:
            with common.open_system(ctx, database_url) as system:
                actor = founding_actor(system, command, acting, role) or resolve_actor(
                    system, acting, role, kind.SOP_STEP
                )
                result = system.app.handle(
                    command, actor, correlation_id=case, origin=common.cli_origin()
                )
                lines = recorded_lines(system.app, result)
    show_result(result, lines, as_json, wide=wide)


def recorded_lines(app: Any, result: CommandResult) -> list[dict[str, Any]]:
    """The events a command recorded, with their positions and what happened."""
    described: dict[int, str] = {}
    if result.positions:
        first, last = min(result.positions), max(result.positions)
        for n in app.recorder.select_notifications(start=first, limit=last - first + 1):
            if n.id in result.positions:
                described[n.id] = describe(app.mapper.to_domain_event(n))
    return event_lines(result, described)


def event_lines(result: CommandResult, described: dict[int, str]) -> list[dict[str, Any]]:
    """The events a command recorded, with their positions and what happened at each
    (``described``)."""
    positions = result.positions or (None,) * len(result.events)
    return [
        {
            "position": position,
            "aggregate_type": event.aggregate_type,
            "aggregate_id": event.aggregate_id,
            "version": event.version,
            "event_type": event.event_type,
            "sop_step": event.sop_step,
            "description": described.get(position or 0, ""),
        }
        for event, position in zip(result.events, positions, strict=True)
    ]


def show_result(
    result: CommandResult, lines: list[dict[str, Any]], as_json: bool, *, wide: bool = False
) -> None:
    """The events recorded, as JSON (with ``aggregate_id``: the record the command was
    about, in full) or as a table (ids of 8 characters, full with ``wide``)."""
    if as_json:
        print_json(
            {
                "aggregate_id": result.aggregate_id if result.events else None,
                "command": result.command,
                "command_id": result.command_id,
                "replayed": result.replayed,
                "events": lines,
            }
        )
        return
    note = " (sent before: nothing recorded again)" if result.replayed else ""
    table = Table(title=f"{result.command} recorded{note}", title_justify="left")
    for column in ("Position", "Record", "Version", "Event", "SOP step", "What happened"):
        table.add_column(column, justify="right" if column in ("Position", "Version") else "left")
    for line in lines:
        table.add_row(
            str(line["position"] or ""),
            f"{line['aggregate_type']} {shown_id(str(line['aggregate_id']), wide)}",
            str(line["version"]),
            line["event_type"],
            str(step(line["sop_step"])),
            line["description"],
        )
    out().print(table)


def commands(
    name: Annotated[str | None, typer.Argument(help="Show this command's fields.")] = None,
    as_json: JsonOutput = False,
) -> None:
    """List the SOP commands (or one command's fields and JSON schema)."""
    with common.reported(as_json):
        if name is not None:
            kind = command_class(name)
            if as_json:
                print_json(kind.model_json_schema())
                return
            table = Table(title=f"{name} (SOP {step(kind.SOP_STEP)})", title_justify="left")
            for column in ("Field", "Type", "Required"):
                table.add_column(column)
            for field_name, info in kind.model_fields.items():
                shown = getattr(info.annotation, "__name__", str(info.annotation))
                table.add_row(
                    field_name, shown.replace("typing.", ""), "yes" if info.is_required() else ""
                )
            out().print(table)
            return
    listed: list[dict[str, Any]] = [
        {
            "command": n,
            "sop_step": k.SOP_STEP,
            "step": step(k.SOP_STEP).title,
            "roles": sorted(r.value for r in step(k.SOP_STEP).roles),
        }
        for n, k in sorted(COMMANDS.items(), key=lambda item: (item[1].SOP_STEP, item[0]))
    ]
    if as_json:
        print_json(listed)
        return
    table = Table(title="SOP commands (salesdomain run NAME --as WHO -f data.json)")
    for column in ("Command", "SOP step", "Roles"):
        table.add_column(column)
    for entry in listed:
        table.add_row(
            entry["command"], f"{entry['sop_step']} {entry['step']}", ", ".join(entry["roles"])
        )
    out().print(table)
