"""``salesdomain import``: customer lists and historical orders from CSV (SOP 4.1.2).

The file is read here (UTF-8, a header line; values separated by commas, semicolons,
tabs or vertical bars, whichever the file uses, said in the output); cleaning is the
domain's: one command carries every line, and either all of it is stored in one
atomic save or nothing is, with every problem named by line and column."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

import typer
from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.cli import common, progress, vocabulary
from salesdomain.adapters.cli.actors import resolve_actor, staff
from salesdomain.adapters.cli.common import DatabaseUrl, ExitCode, Failure, JsonOutput
from salesdomain.adapters.cli.output import out, print_json
from salesdomain.adapters.cli.running import As, RoleOption, recorded_lines

from salesdomain.errors import ProblemReport
from salesdomain.imports.commands import ImportCustomers, ImportOrders
from salesdomain.imports.historical_order import HistoricalOrder
from salesdomain.prospecting.customer import Customer

import_app = typer.Typer(
    help="Take over existing records from CSV files (SOP 4.1.2 Cleaning).", no_args_is_help=True
)

_EXTRA = "\x00extra"
_IMPORTED = frozenset(kind.__qualname__ for kind in (Customer.Imported, HistoricalOrder.Imported))
"""The events that record an imported line (as ``Aggregate.Event``)."""


DELIMITERS = ",;\t|"
"""The separators a file may use (a spreadsheet saves semicolons where the decimal
point is a comma)."""
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}


def delimiter_of(text: str) -> str:
    """The separator the file uses, found by ``csv.Sniffer`` in its first lines among
    ``DELIMITERS`` (a comma when it cannot tell, as for a file of one column)."""
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def read_csv(path: Path) -> tuple[tuple[str, ...], list[dict[str, Any]], str]:
    """The header (column names, trimmed and lower-cased), every record with the line
    it starts on, and the separator found (``delimiter_of``)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise Failure(
            ExitCode.BAD_FILE, f"{path} is not UTF-8 text (save it as CSV UTF-8)"
        ) from None
    except OSError as error:
        raise Failure(ExitCode.BAD_FILE, f"cannot read {path}: {error.strerror}") from None
    delimiter = delimiter_of(text)
    reader = csv.DictReader(
        io.StringIO(text, newline=""), delimiter=delimiter, restkey=_EXTRA, restval=None
    )
    try:
        header = reader.fieldnames or []
        columns = tuple(c.strip().lower().replace(" ", "_") for c in header)
        rename = dict(zip(header, columns, strict=True))
        lines: list[dict[str, Any]] = []
        ragged: list[ProblemReport] = []
        start = reader.line_num + 1
        for row in reader:
            if _EXTRA in row:
                ragged.append(_ragged(start, "more values than the header has columns"))
            elif None in row.values():
                ragged.append(_ragged(start, "fewer values than the header has columns"))
            values = {rename[k]: (v or "") for k, v in row.items() if k != _EXTRA}
            lines.append({"line": start, "values": values})
            start = reader.line_num + 1
    except csv.Error as error:
        raise Failure(ExitCode.BAD_FILE, f"{path} line {reader.line_num}: {error}") from None
    if not columns:
        raise Failure(ExitCode.BAD_FILE, f"{path} is empty: the first line names the columns")
    separated = f"values separated by {DELIMITER_NAMES[delimiter]}s"
    if ragged:
        raise Failure(
            ExitCode.BAD_FILE, f"{path} is not a regular CSV table ({separated}):", ragged
        )
    if not lines:
        raise Failure(ExitCode.BAD_FILE, f"{path} has a header line but no records")
    return columns, lines, delimiter


def _ragged(line: int, problem: str) -> ProblemReport:
    return ProblemReport(field="", problem=problem, line=line)


def _named_reps(system: System, lines: list[dict[str, Any]]) -> None:
    """Representatives given by name become employee ids (the file's other systems
    knew people by name); a name that is nobody's is left for the domain to refuse."""
    names = [line["values"].get("sales_rep", "").strip() for line in lines]
    wanted = {n.casefold() for n in names if n and not _is_uuid(n)}
    if not wanted:
        return
    by_name: dict[str, list[str]] = {}
    for member in staff(system):
        by_name.setdefault(member.name.casefold(), []).append(member.employee_id)
    for line, name in zip(lines, names, strict=True):
        ids = by_name.get(name.casefold(), [])
        if name and len(ids) == 1:
            line["values"]["sales_rep"] = ids[0]


def _is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True


def _import(
    ctx: typer.Context,
    kind: type[ImportCustomers] | type[ImportOrders],
    what: str,
    files: tuple[Path | None, Path | None],
    who: str,
    role: str | None,
    database_url: str | None,
    options: tuple[bool, bool],
) -> None:
    """``options``: ``--progress`` and ``--json``."""
    show_progress, as_json = options
    with common.reported(as_json):
        file = vocabulary.required(*files, "--file", "FILE")
        columns, lines, delimiter = read_csv(file)
        with common.open_system(ctx, database_url) as system:
            if kind is ImportOrders:
                _named_reps(system, lines)
            command = kind.build({"source": file.name, "columns": columns, "lines": lines})
            actor = resolve_actor(system, who, role, kind.SOP_STEP)
            asked = {"asked": show_progress, "quiet": as_json}
            # one command: its bar runs (with the time taken) until it is stored or refused
            many = f"{len(lines):,} line{'' if len(lines) == 1 else 's'}"
            with progress.reported(f"Checking and storing {many}", **asked):
                result = system.app.handle(command, actor, origin=common.cli_origin())
            recorded = recorded_lines(system.app, result)
            if not result.replayed:  # the views read the new records at once, not later
                with progress.reported("Bringing the views up to date", **asked) as report:
                    system.views.catch_up_in_one_pass(progress=report)
    imported = [r for r in recorded if f"{r['aggregate_type']}.{r['event_type']}" in _IMPORTED]
    if as_json:
        print_json(
            {
                "source": file.name,
                "delimiter": delimiter,
                "imported": len(imported),
                "events": recorded,
            }
        )
        return
    positions = [r["position"] for r in recorded if r["position"]]
    where = f" at positions {min(positions):,}-{max(positions):,}" if positions else ""
    note = " (this import was done before: nothing recorded again)" if result.replayed else ""
    out().print(
        f"Imported {len(imported):,} {what} from {file.name} "
        f"(values separated by {DELIMITER_NAMES[delimiter]}s) as {actor}{where}{note}; "
        "each is marked in the audit trail as imported from its file and line."
    )
    for line in imported[:20]:
        out().print(f"  {line['position']}: {line['description']}")
    if len(imported) > 20:
        out().print(f"  ... and {len(imported) - 20:,} more (salesdomain audit --step 4.1.2)")


FileOption = Annotated[
    Path | None,
    typer.Option(
        "--file", "-f", help="The CSV file, required (UTF-8, a header line).", show_default=False
    ),
]


def _import_command(
    kind: type[ImportCustomers] | type[ImportOrders], what: str
) -> Callable[..., None]:
    """The command importing a file of ``kind``: every kind takes the same options."""

    def command(
        ctx: typer.Context,
        who: As,
        file: FileOption = None,
        old_file: vocabulary.OldPositionalFile = None,
        role: RoleOption = None,
        show_progress: progress.ProgressOption = False,
        database_url: DatabaseUrl = None,
        as_json: JsonOutput = False,
    ) -> None:
        options = (show_progress, as_json)
        _import(ctx, kind, what, (file, old_file), who, role, database_url, options)

    return command


import_app.command(
    "customers",
    help="""Import a customer list: company_name, registration_number, region, industry,
    source_channel.""",
)(_import_command(ImportCustomers, "customer(s)"))
import_app.command(
    "orders",
    help="""Import completed orders, one line per product: order_number, customer,
    customer_registration_number, ordered_on, delivered_on, product_code, product_name,
    specification, quantity, unit_price, unit_cost, currency, sales_rep.""",
)(_import_command(ImportOrders, "order(s)"))
