"""The projection: each appraisal's outcome (SOP 3.3.3, 3.3.4), the rows each event
changes.  Every fact is on the appraisal's own events (ADR 29): the employee and the
period on ``Opened``, the final score and rating band on ``Finalised``, each incentive on
``IncentiveDecided``, the coaching plan on ``CoachingPlanned``, the close and whether it
was within its time limit on ``Closed``."""

from __future__ import annotations

from salesdomain.projections.changes import Insert, RowChange, Update, Upsert
from salesdomain.projections.dispatch import Handlers
from salesdomain.projections.projection import Projection, Tables
from salesdomain.projections.types import UtcDateTime, figure, money
from sqlalchemy import Boolean, Column, Date, Integer, MetaData, String, Table, Text, func

from salesdomain.performance.appraisal import Appraisal

HANDLERS = Handlers[RowChange]()

STAGES = ("opened", "finalised", "closed")
"""Where an appraisal stands in the view (the stages between are not told apart)."""


def _key(event: Appraisal.Event) -> dict[str, str]:
    return {"appraisal_id": str(event.originator_id)}


@HANDLERS.on(Appraisal.Opened)
def _opened(event: Appraisal.Opened, position: int) -> list[RowChange]:
    period = event.period
    row = {
        "employee_id": str(event.employee_id),
        "employee_name": event.employee_name,
        "manager_id": str(event.manager_id),
        "period": period.code,
        "period_start": period.start,
        "period_end": period.end,
        "cycle": event.cycle.value,
        "stage": "opened",
        "complete_by": event.complete_by,
        "opened_at": event.timestamp,
        "final_score": None,
        "rating_band": None,
        "coaching": False,
        "closed_at": None,
        "within_time_limit": None,
    }
    return [Upsert("appraisals", _key(event), row)]


@HANDLERS.on(Appraisal.Finalised)
def _finalised(event: Appraisal.Finalised, position: int) -> list[RowChange]:
    return [_scored(event, "finalised", {})]


def _scored(
    event: Appraisal.Finalised | Appraisal.Closed, stage: str, more: dict[str, object]
) -> Update:
    """The appraisal's stage and its final score and rating band (and ``more``)."""
    row = {"stage": stage, "final_score": event.final_score, "rating_band": event.rating_band.value}
    return Update("appraisals", _key(event), {**row, **more})


@HANDLERS.on(Appraisal.IncentiveDecided)
def _incentive(event: Appraisal.IncentiveDecided, position: int) -> list[RowChange]:
    incentive = event.incentive
    bonus = incentive.bonus
    values = {
        "position": position,
        "appraisal_id": str(event.originator_id),
        "kind": incentive.kind.value,
        "bonus": None if bonus is None else bonus.amount,
        "currency": None if bonus is None else bonus.currency,
        "pay_change": incentive.pay_change,
        "new_position": incentive.new_position,
    }
    return [Insert("incentives", values)]


@HANDLERS.on(Appraisal.CoachingPlanned)
def _coaching(event: Appraisal.CoachingPlanned, position: int) -> list[RowChange]:
    return [Update("appraisals", _key(event), {"coaching": True})]


@HANDLERS.on(Appraisal.Closed)
def _closed(event: Appraisal.Closed, position: int) -> list[RowChange]:
    closed = {"closed_at": event.timestamp, "within_time_limit": event.within_time_limit}
    return [_scored(event, "closed", closed)]


class Appraisals(Projection):
    """Each appraisal (``appraisals``: employee, period, stage, final score, rating band,
    coaching, close) and each incentive decided on one (``incentives``).

    Version 2 (ADR 66): indexes for the appraisals list (newest first, by name, by
    employee)."""

    name = "appraisals"
    version = 2

    def define(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        tables = Tables(metadata, prefix)
        appraisals = tables.add(
            "appraisals",
            Column("appraisal_id", String(36), primary_key=True),
            Column("employee_id", String(36), nullable=False),
            Column("employee_name", Text, nullable=False),  # a name: free text
            Column("manager_id", String(36), nullable=False),
            Column("period", String(7), nullable=False),
            Column("period_start", Date, nullable=False),
            Column("period_end", Date, nullable=False),
            Column("cycle", String(12), nullable=False),
            Column("stage", String(12), nullable=False),
            Column("complete_by", Date, nullable=False),
            Column("opened_at", UtcDateTime, nullable=False),
            Column("final_score", figure()),
            Column("rating_band", String(20)),
            Column("coaching", Boolean, nullable=False),
            Column("closed_at", UtcDateTime),
            Column("within_time_limit", Boolean),
        )
        tables.add(
            "incentives",
            Column("position", Integer, primary_key=True),
            Column("appraisal_id", String(36), nullable=False),
            Column("kind", String(12), nullable=False),
            Column("bonus", money()),
            Column("currency", String(3)),
            Column("pay_change", figure()),
            Column("new_position", Text, nullable=False),
        )
        a = appraisals.c
        tables.index("appraisals_by_period", a.period_end, a.period_start)
        tables.index("appraisals_by_time", a.opened_at, a.appraisal_id)
        tables.index("appraisals_by_name", func.lower(a.employee_name), a.appraisal_id)
        tables.index("appraisals_by_employee", a.employee_id, a.opened_at)
        return tables.defined

    def changes(self, event: object, position: int) -> list[RowChange]:
        return HANDLERS.changes(event, position)
