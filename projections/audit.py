"""The audit trail (SOP 4): every event in log order, with its evidence, queryable."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text, select
from sqlalchemy.engine import Engine

from projections.changes import Insert, RowChange
from projections.projection import Projection, event_name
from projections.types import UtcDateTime
from salesdomain.narrative import describe
from salesdomain.sop import CATALOGUE


class AuditTrail(Projection):
    name = "audit"

    def define(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        entries = Table(
            f"{prefix}entries",
            metadata,
            Column("position", Integer, primary_key=True),
            Column("recorded_at", UtcDateTime, nullable=False),
            Column("sop_step", String(16), nullable=False),
            Column("step_title", String(100), nullable=False),
            Column("actor_id", String(36), nullable=False),
            Column("actor_name", String(200), nullable=False),
            Column("actor_role", String(40), nullable=False),
            Column("aggregate_type", String(60), nullable=False),
            Column("aggregate_id", String(36), nullable=False),
            Column("version", Integer, nullable=False),
            Column("event_type", String(80), nullable=False),
            Column("command", String(80), nullable=False),
            Column("command_id", String(36), nullable=False),
            Column("correlation_id", String(36), nullable=False),
            Column("causation_id", String(36)),
            Column("description", Text, nullable=False),
        )
        for column in ("actor_id", "sop_step", "aggregate_id", "correlation_id", "recorded_at"):
            Index(f"{prefix}by_{column}", entries.c[column])
        return {"entries": entries}

    def changes(self, event: Any, position: int) -> list[RowChange]:
        sop_step = getattr(event, "sop_step", None)
        if sop_step is None:
            return []
        aggregate_type, _, name = event_name(event).partition(".")
        return [
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
                    "description": describe(event),
                },
            )
        ]


@dataclass(frozen=True)
class AuditEntry:
    position: int
    recorded_at: datetime
    sop_step: str
    step_title: str
    actor_id: str
    actor_name: str
    actor_role: str
    aggregate_type: str
    aggregate_id: str
    version: int
    event_type: str
    command: str
    command_id: str
    correlation_id: str
    causation_id: str | None
    description: str


def query_audit(
    engine: Engine,
    table: Table,
    *,
    actor_id: UUID | None = None,
    sop_step: str | None = None,
    aggregate_id: UUID | None = None,
    correlation_id: UUID | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 1000,
) -> Sequence[AuditEntry]:
    """Audit entries in log order, filtered by any of actor, step (a step or a section
    such as "2.3"), record, business case and time range (``since`` <= t < ``until``)."""
    c = table.c
    query = select(table).order_by(c.position).limit(limit)
    if actor_id is not None:
        query = query.where(c.actor_id == str(actor_id))
    if sop_step is not None:
        query = query.where((c.sop_step == sop_step) | c.sop_step.startswith(sop_step + "."))
    if aggregate_id is not None:
        query = query.where(c.aggregate_id == str(aggregate_id))
    if correlation_id is not None:
        query = query.where(c.correlation_id == str(correlation_id))
    if since is not None:
        query = query.where(c.recorded_at >= since)
    if until is not None:
        query = query.where(c.recorded_at < until)
    with engine.connect() as conn:
        return [AuditEntry(**row._mapping) for row in conn.execute(query)]
