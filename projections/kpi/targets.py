"""Sales targets: the figures set for an employee or a team, and how far they are met."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from salesdomain.projections.kpi.figures import MONEY_MEASURES, _ratio
from salesdomain.projections.kpi.groups import NO_TEAM, TeamHistory, _team_on
from salesdomain.projections.types import plain
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
            target.figures[row.measure] = (plain(Decimal(row.value)), row.currency)
    return list(found.values())


def members_targets(targets: Sequence[_Target], history: TeamHistory, on: date) -> list[_Target]:
    """For each team that has no target of its own among ``targets`` (one period's), the
    sum of the targets of the employees who were in it ``on`` (the period's last day):
    each figure that every such target sets in one unit (a money target in several
    currencies is not added up)."""
    own = {t.team.casefold() for t in targets if t.team}
    summed: dict[str, dict[str, list[tuple[Decimal, str | None]]]] = {}
    period = ""
    for target in targets:
        team = _team_on(history, target.employee_id, on) if target.employee_id else None
        if team is None or team == NO_TEAM or team.casefold() in own:
            continue
        period = target.period
        for measure, figure in target.figures.items():
            summed.setdefault(team, {}).setdefault(measure, []).append(figure)
    return [
        _Target(
            period,
            None,
            team,
            {
                measure: (sum((value for value, _ in figures), Decimal(0)), figures[0][1])
                for measure, figures in measures.items()
                if len({unit for _, unit in figures}) == 1
            },
        )
        for team, measures in summed.items()
    ]


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
