"""Reading records: the audit trail, one record's history, the staff."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated
from uuid import UUID

import typer
from rich.table import Table
from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.cli import client, common, remote
from salesdomain.adapters.cli.actors import employee, staff
from salesdomain.adapters.cli.common import DatabaseUrl, JsonOutput
from salesdomain.adapters.cli.output import out, print_json, visible
from salesdomain.adapters.cli.tables import history_table
from salesdomain.projections.audit import STEP_PATTERN, AuditEntry, query_audit
from salesdomain.projections.history import history_lines

from salesdomain.errors import RecordNotFound

RecordFilter = Annotated[UUID | None, typer.Option(help="One record's entries.")]
ActorFilter = Annotated[str | None, typer.Option(help="Employee id or name (client mode: id).")]
STEP = re.compile(STEP_PATTERN)


def _step(text: str | None) -> str | None:
    if text is not None and not STEP.fullmatch(text):
        raise typer.BadParameter(f"'{visible(text)}' is not an SOP step or section (2.3.2, 2.4)")
    return text


StepFilter = Annotated[
    str | None,
    typer.Option(help="SOP step or section, e.g. 2.3.2 or 2.4.", callback=_step),
]
CaseFilter = Annotated[UUID | None, typer.Option(help="Business case (correlation id).")]
SinceFilter = Annotated[str | None, typer.Option(help="From this time (included).")]
UntilFilter = Annotated[str | None, typer.Option(help="Before this time.")]
Limit = Annotated[int, typer.Option(min=1, max=10_000, help="At most this many entries.")]


@dataclass(frozen=True)
class AuditFilters:
    """What ``audit`` and ``as-of audit`` may be asked for, as typed on the command line."""

    record: UUID | None = None
    actor: str | None = None
    step: str | None = None
    case: UUID | None = None
    since: str | None = None
    until: str | None = None
    limit: int = 1000


def audit(
    ctx: typer.Context,
    record: RecordFilter = None,
    actor: ActorFilter = None,
    step: StepFilter = None,
    case: CaseFilter = None,
    since: SinceFilter = None,
    until: UntilFilter = None,
    limit: Limit = 1000,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """The audit trail (SOP 4): who did which SOP step, when, on which record."""
    wanted = AuditFilters(record, actor, step, case, since, until, limit)
    with common.reported(as_json):
        api = client.connect(ctx, database_url)
        if api is not None:
            entries: Sequence[AuditEntry] = remote.audit(api, wanted)
        else:
            with common.open_system(ctx, database_url) as system:
                actor_id = actor_filter(system, wanted)
                common.caught_up(system, "audit")
                entries = audit_entries(system, wanted, actor_id)
    if as_json:
        print_json(entries)
        return
    out().print(audit_table(entries, f"Audit trail ({len(entries)} entries)"))


def actor_filter(system: System, wanted: AuditFilters) -> UUID | None:
    """The employee ``--actor`` names (looked up among today's staff)."""
    return employee(system, wanted.actor).id if wanted.actor else None


def audit_entries(
    system: System, wanted: AuditFilters, actor_id: UUID | None
) -> Sequence[AuditEntry]:
    start, end = common.when(wanted.since, "--since"), common.when(wanted.until, "--until")
    runner = system.views.runner("audit")
    return query_audit(
        runner.engine,
        runner.tables()["entries"],
        actor_id=actor_id,
        sop_step=wanted.step,
        aggregate_id=wanted.record,
        correlation_id=wanted.case,
        since=start,
        until=end,
        limit=wanted.limit,
        log=system.views.log,
    )


def audit_table(entries: Sequence[AuditEntry], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for column in ("Pos", "Time (UTC)", "SOP step", "Actor", "Record", "What happened"):
        table.add_column(column, justify="right" if column == "Pos" else "left")
    for e in entries:
        table.add_row(
            str(e.position),
            f"{e.recorded_at:%Y-%m-%d %H:%M}",
            f"{e.sop_step} {e.step_title}",
            f"{e.actor_name} ({e.actor_role.replace('_', ' ')})",
            f"{e.aggregate_type} {e.aggregate_id[:8]}",
            e.description,
        )
    return table


def history(
    ctx: typer.Context,
    record_id: Annotated[UUID, typer.Argument(help="Id of any record (customer, order...).")],
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """One record's history: time, SOP step, actor, what happened."""
    with common.reported(as_json), common.open_system(ctx, database_url) as system:
        lines = history_lines(system.app, record_id)
        if not lines:
            raise RecordNotFound("record", record_id)
    if as_json:
        print_json(lines)
        return
    out().print(history_table(str(record_id), lines))


def staff_list(
    ctx: typer.Context, database_url: DatabaseUrl = None, as_json: JsonOutput = False
) -> None:
    """The employees: id, name, team, roles (who can act with --as)."""
    with common.reported(as_json), common.open_system(ctx, database_url) as system:
        members = []
        for member in staff(system):
            person = employee(system, member.employee_id)
            roles = sorted(r.value for r in person.roles)
            members.append({**member.__dict__, "roles": roles})
    if as_json:
        print_json(members)
        return
    table = Table(title="Staff", title_justify="left")
    for column in ("Employee id", "Name", "Team", "Roles", "Active"):
        table.add_column(column)
    for m in members:
        table.add_row(
            m["employee_id"],
            m["name"],
            m["team"],
            ", ".join(m["roles"]),
            "yes" if m["active"] else "left",
        )
    out().print(table)
