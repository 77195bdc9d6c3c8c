"""The audit trail (SOP 4): every event in log order, with its evidence, queryable."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any
from uuid import UUID

from salesdomain.projections.changes import Insert, RowChange, Update, Upsert
from salesdomain.projections.projection import Projection, Tables, event_name
from salesdomain.projections.runner.generations import EventLog
from salesdomain.projections.types import UtcDateTime
from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
    func,
    or_,
    select,
)
from sqlalchemy.engine import Engine

from salesdomain.access import (
    AREAS,
    Area,
    Confidential,
    Reader,
    area_of,
    confidential,
    hidden_line,
    owner_at_creation,
    owner_handed_to,
)
from salesdomain.aggregate import SopAggregate
from salesdomain.narrative import describe
from salesdomain.personal import PersonalDataForgotten, erase, mentions_erased, subjects_in
from salesdomain.sop import CATALOGUE


class AuditTrail(Projection):
    """Every event with its evidence and a one-line description.

    A description that shows personal data of a data subject (ADR 13) is not kept
    (ADR 33): the view holds the same line without it (``erased_description``), the
    subject (``data_subject``) and that the line shows personal data (``personal``);
    the line itself is made again from its event, sealed in the log, when it is read
    (``query_audit(..., log=)``), so it dies with the subject's key.  When the subject
    is forgotten, ``personal`` is cleared and the audit trail reads the line without
    it.  A rebuild after that reads the values as erased and gives the same lines.

    For the read policy (``salesdomain.access``, ADR 30) each line says which
    confidential figures it shows (``confidential``), and ``records`` keeps each
    record's area and owner: set when it is created, and moved by an event that hands
    the record to another owner (``owner_handed_to``: it names ``new_owner_id``, ADR
    66), so the audit trail, the story and ``show`` follow a takeover."""

    name = "audit"
    version = 4
    rebuild_weight = 49

    def define(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        tables = Tables(metadata, prefix)
        entries = tables.add(
            "entries",
            Column("position", Integer, primary_key=True),
            Column("recorded_at", UtcDateTime, nullable=False),
            Column("sop_step", String(16), nullable=False),
            Column("step_title", String(100), nullable=False),
            Column("actor_id", String(36), nullable=False),
            Column("actor_name", Text, nullable=False),  # an actor's name: free text
            Column("actor_role", String(40), nullable=False),
            Column("aggregate_type", String(60), nullable=False),
            Column("aggregate_id", String(36), nullable=False),
            Column("version", Integer, nullable=False),
            Column("event_type", String(80), nullable=False),
            Column("command", String(80), nullable=False),
            Column("command_id", String(36), nullable=False),
            Column("correlation_id", String(36), nullable=False),
            Column("causation_id", String(36)),
            Column("description", Text),  # None where the line shows personal data
            Column("erased_description", Text),
            Column("data_subject", String(36)),
            Column("personal", Boolean, nullable=False),  # the line, from its event
            Column("confidential", String(12)),
        )
        tables.add(
            "records",
            Column("aggregate_id", String(36), primary_key=True),
            Column("area", String(12), nullable=False),
            Column("owner_id", String(36)),
        )
        for column in (
            "actor_id",
            "sop_step",
            "aggregate_id",
            "correlation_id",
            "recorded_at",
            "data_subject",
        ):
            tables.index(f"by_{column}", entries.c[column])
        return tables.defined

    def changes(self, event: object, position: int) -> list[RowChange]:
        """Every event of the SOP's aggregates, whatever its class: one entry each."""
        if not isinstance(event, SopAggregate.Event):
            return []
        sop_step = event.sop_step
        aggregate_type, _, name = event_name(event).partition(".")
        changes: list[RowChange] = [
            Insert(
                "entries",
                {
                    "position": position,
                    "recorded_at": event.timestamp,
                    "sop_step": sop_step,
                    "step_title": CATALOGUE[sop_step].title,
                    "actor_id": str(event.actor.employee_id),
                    "actor_name": event.actor.name,
                    "actor_role": event.actor.role.value,
                    "aggregate_type": aggregate_type,
                    "aggregate_id": str(event.originator_id),
                    "version": event.originator_version,
                    "event_type": name,
                    "command": event.command,
                    "command_id": str(event.command_id),
                    "correlation_id": str(event.correlation_id),
                    "causation_id": str(event.causation_id) if event.causation_id else None,
                    **_descriptions(event),
                    "confidential": _value_or_none(confidential(event)),
                },
            )
        ]
        record_key = {"aggregate_id": str(event.originator_id)}
        if event.originator_version == 1 and aggregate_type in AREAS:
            record = {"area": area_of(aggregate_type).value, "owner_id": owner_at_creation(event)}
            changes.append(Upsert("records", record_key, record))
        elif (handed := owner_handed_to(event)) is not None:
            changes.append(Update("records", record_key, {"owner_id": handed}))
        if isinstance(event, PersonalDataForgotten):
            changes.append(
                Update("entries", {"data_subject": str(event.subject_id)}, {"personal": False})
            )
        return changes


def _value_or_none(kind: Confidential | None) -> str | None:
    return None if kind is None else kind.value


def _descriptions(event: SopAggregate.Event) -> dict[str, str | bool | None]:
    """The description, or where it shows personal data, the same without it (and
    whether the line with it can be read from the event: one subject's, not erased)."""
    full = describe(event)
    plain = {"description": full, "erased_description": None, "data_subject": None}
    subjects = subjects_in(event)
    if not subjects:
        return {**plain, "personal": False}
    without = describe(erase(event))
    if full == without and not mentions_erased(event):
        return {**plain, "personal": False}
    only = str(next(iter(subjects))) if len(subjects) == 1 else None
    personal = only is not None and not mentions_erased(event)
    return {
        "description": None,
        "erased_description": without,
        "data_subject": only,
        "personal": personal,
    }


@dataclass(frozen=True)
class AuditEntry:
    position: int
    """The entry's place in the one ordered log of all events."""
    recorded_at: datetime
    """When the step was recorded."""
    sop_step: str
    """The SOP step code of the step taken (e.g. 2.3.2)."""
    step_title: str
    """The SOP step's title."""
    actor_id: str
    """The employee who took the step."""
    actor_name: str
    """The name of the employee who took the step."""
    actor_role: str
    """The role under which the employee took the step."""
    aggregate_type: str
    """The kind of record the step changed (Opportunity, Contract, Order, ...)."""
    aggregate_id: str
    """The id of the record the step changed."""
    version: int
    """The record's version after the step."""
    event_type: str
    """What was recorded, by its event name."""
    command: str
    """The command that took the step (empty when a policy reacted)."""
    command_id: str
    """The id of the command that took the step."""
    correlation_id: str
    """The business case the step belongs to (opportunity, contract, order and service share it)."""
    causation_id: str | None
    """The event that caused this one, when a policy reacted to it."""
    description: str
    """What happened, in words."""


_ENTRY_FIELDS = tuple(f.name for f in fields(AuditEntry))


def shown(row: Mapping[str, Any], personal_line: str | None = None) -> dict[str, Any]:
    """The fields of an audit row as an entry shows them: the line with personal data
    (``personal_line``, made from the row's event), else (its subject forgotten, or no
    line given) the line without it.  The one place of that rule, for the view's rows
    and for rows computed from the log (``salesdomain.projections.story``)."""
    values = {name: row[name] for name in _ENTRY_FIELDS}
    if values["description"] is None:
        chosen = personal_line if row["personal"] else None
        values["description"] = row["erased_description"] if chosen is None else chosen
    return values


def personal_lines(log: EventLog, positions: Iterable[int]) -> dict[int, str]:
    """The lines with personal data of the events at ``positions``, made from the log:
    opened with the subject's key, or erased once it is destroyed (ADR 33)."""
    lines = {}
    for position in sorted(set(positions)):
        for found, event in log.read(position - 1, 1):
            if found == position and event is not None:
                lines[position] = describe(event)
    return lines


STEP_PATTERN = r"^[0-9]{1,2}(\.[0-9]{1,2}){0,3}$"
"""An SOP step or section as a filter may name it ("2.3.2", "2.3"), for every adapter."""
_STEP = re.compile(STEP_PATTERN)


def query_audit(
    engine: Engine,
    table: Table,
    *,
    actor_id: UUID | None = None,
    sop_step: str | None = None,
    aggregate_id: UUID | None = None,
    correlation_id: UUID | None = None,
    correlation_ids: Sequence[UUID] = (),
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = 1000,
    reader: Reader | None = None,
    log: EventLog | None = None,
    aggregate_type: str | None = None,
    text: str | None = None,
    after: int = 0,
) -> Sequence[AuditEntry]:
    """Audit entries in log order, filtered by any of actor, step (a step or a section
    such as "2.3"), record, kind of record (``aggregate_type``, "Opportunity"), business
    case (one, or any of several), time range (``since`` <= t < ``until``) and words of
    the line (``text``, any case; a line's personal data is not searched); only those
    after the log position ``after`` (a page's start); at most ``limit`` of them
    (None: all).

    ``log``: where the lines that show personal data are read from (their events);
    without it they read as the line without it.

    ``reader``: only the entries of records the read policy lets them see, lines with
    confidential figures they may not see (and did not record) replaced (``None``: the
    administrator, every entry as it is)."""
    c = table.c
    records = table.metadata.tables[table.name.removesuffix("entries") + "records"]
    query = (
        select(table, records.c.owner_id.label("record_owner"))
        .select_from(table.outerjoin(records, records.c.aggregate_id == c.aggregate_id))
        .order_by(c.position)
        .limit(limit)
    )
    if reader is not None:
        query = query.where(_visible_to(reader, table, records))
    if correlation_ids:
        query = query.where(c.correlation_id.in_([str(case) for case in correlation_ids]))
    if actor_id is not None:
        query = query.where(c.actor_id == str(actor_id))
    if sop_step is not None:
        if not _STEP.fullmatch(sop_step):
            raise ValueError(f"'{sop_step[:40]}' is not an SOP step or section (e.g. 2.3.2 or 2.3)")
        section = c.sop_step.startswith(sop_step + ".", autoescape=True)
        query = query.where((c.sop_step == sop_step) | section)
    if aggregate_id is not None:
        query = query.where(c.aggregate_id == str(aggregate_id))
    if aggregate_type is not None:
        query = query.where(c.aggregate_type == aggregate_type)
    if text:
        line = func.lower(func.coalesce(c.description, c.erased_description))
        query = query.where(line.contains(text.lower(), autoescape=True))
    if after:
        query = query.where(c.position > after)
    if correlation_id is not None:
        query = query.where(c.correlation_id == str(correlation_id))
    if since is not None:
        query = query.where(c.recorded_at >= since)
    if until is not None:
        query = query.where(c.recorded_at < until)
    with engine.connect() as conn:
        rows = [dict(row._mapping) for row in conn.execute(query)]
    wanted = [row["position"] for row in rows if row["personal"] and row["description"] is None]
    lines = personal_lines(log, wanted) if log is not None and wanted else {}
    return [_entry(row, reader, lines.get(row["position"])) for row in rows]


def _visible_to(reader: Reader, entries: Table, records: Table) -> ColumnElement[bool]:
    """The entries of records whose area and owner the reader's grant reaches, and of
    steps they took on records of an area they read."""
    conditions = []
    for area, people in ((Area.SALES, reader.sales), (Area.PEOPLE, reader.people)):
        in_area = records.c.area == area.value
        if people is None:
            conditions.append(in_area)
        elif people:
            theirs = records.c.owner_id.in_(sorted(people)) | (
                entries.c.actor_id == reader.employee_id
            )
            conditions.append(in_area & theirs)
    return or_(*conditions) if conditions else false()


def _entry(row: Mapping[str, Any], reader: Reader | None, personal_line: str | None) -> AuditEntry:
    values = shown(row, personal_line)
    kind = row["confidential"]
    if reader is not None and kind is not None:
        figures = Confidential(kind)
        own_step = row["actor_id"] == reader.employee_id
        if not own_step and not reader.sees_figures(figures, row["record_owner"]):
            values["description"] = hidden_line(figures)
    return AuditEntry(**values)
