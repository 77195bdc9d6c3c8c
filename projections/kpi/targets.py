"""Sales targets: the figures set for an employee or a team, and how far they are met."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from salesdomain.projections.kpi.figures import MONEY_MEASURES, _plain, _ratio
from sqlalchemy import Table, select
from sqlalchemy.engine import Engine

TARGET_MEASURES = ("revenue", "profit", "units", "new_customers", "visits")
"""The figures a sales target sets (``people.values.TargetFigures``)."""


@dataclass(frozen=True)
class _Target:
    period: str
    employee_id: str | None
    team: str | None
    figures: dict[str, tuple[Decimal, str | None]]


def _targets(engine: Engine, tables: Mapping[str, Table], codes: Sequence[str]) -> list[_Target]:
    t, tf = tables["targets"], tables["target_figures"]
    with engine.connect() as conn:
        rows = conn.execute(
            select(t.c.target_id, t.c.period, t.c.employee_id, t.c.team, tf.c.measure)
            .add_columns(tf.c.value, tf.c.currency)
            .select_from(t.join(tf, tf.c.target_id == t.c.target_id))
            .where(t.c.period.in_(list(codes)))
        ).all()
    found: dict[str, _Target] = {}
    for row in rows:
        target = found.setdefault(row.target_id, _Target(row.period, row.employee_id, row.team, {}))
        if row.measure in TARGET_MEASURES and row.value is not None and Decimal(row.value) > 0:
            target.figures[row.measure] = (_plain(Decimal(row.value)), row.currency)
    return list(found.values())


def _target_for(
    targets: Sequence[_Target], by: str, group: str | None
) -> dict[str, tuple[Decimal, str | None]]:
    if group is None:
        return {}
    for target in targets:
        if by == "rep" and target.employee_id == group:
            return target.figures
        if by == "team" and target.team and target.team.casefold() == group.casefold():
            return target.figures
    return {}


def _attainment(
    actual: Decimal | None, target: Decimal, unit: str | None, measure: str, currency: str | None
) -> Decimal | None:
    if actual is None or (measure in MONEY_MEASURES and unit != currency):
        return None
    return _ratio(actual, target)
