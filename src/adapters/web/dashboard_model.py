"""What the manager's dashboard shows (issue 20, ADR 63): tables of the library's figures
for a choice of period, team and representative, read by a reader narrowed to that
choice; the charts draw the same cells."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from salesdomain.projections.kpi.periods import Grain, ReportPeriod, report_period
from salesdomain.projections.reports.model import ReportKind
from salesdomain.projections.reports.source import report_period_of

from salesdomain.access import Reader, StaffMember
from salesdomain.opportunities.stages import Stage


@dataclass(frozen=True)
class Table:
    """One table of the dashboard, as shown and as exported (``/dashboard/{name}.csv``)."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]
    numeric: frozenset[int] = frozenset()
    """The columns holding figures (aligned right)."""
    links: list[str | None] = field(default_factory=list)
    """Per row, where its record is shown (the first column links there)."""


@dataclass(frozen=True)
class Choice:
    """What the manager chose: a month or quarter, and optionally a team or a rep."""

    period: ReportPeriod
    kind: ReportKind
    team: str | None = None
    rep: str | None = None

    @property
    def grain(self) -> Grain:
        return "quarter" if self.kind == "quarterly" else "month"

    @property
    def code(self) -> str:
        return self.period.label


def chosen(period: str | None, team: str | None, rep: str | None, today: date) -> Choice:
    """The filters asked for; a ``ValueError`` naming ``period`` if it is no period."""
    code = (period or "").strip()[:20]
    if not code:
        return Choice(report_period(today, "quarter"), "quarterly", team or None, rep or None)
    kind: ReportKind = "quarterly" if "Q" in code.upper() else "monthly"
    return Choice(report_period_of(kind, code.upper()), kind, team or None, rep or None)


def narrowed(reader: Reader, staff: Sequence[StaffMember], choice: Choice) -> Reader:
    """The reader, seeing no more than the chosen team or representative: the read
    policy can only narrow (a filter never shows what the policy hides)."""
    if choice.team is None and choice.rep is None:
        return reader
    people = frozenset(
        m.employee_id
        for m in staff
        if choice.team in (None, m.team) and choice.rep in (None, m.employee_id)
    )
    if reader.sales is not None:
        people &= reader.sales
    teams: frozenset[str] = frozenset()
    if (
        choice.team is not None
        and choice.rep is None
        and (reader.sales is None or choice.team in reader.teams)
    ):
        teams = frozenset({choice.team})
    grant = replace(reader.grant, conformance=False)
    return replace(reader, sales=people, teams=teams, grant=grant)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    return str(value)


def row(*values: Any) -> tuple[str, ...]:
    return tuple(_text(v) for v in values)


@dataclass
class Dashboard:
    choice: Choice
    at: datetime
    reporting_currency: str
    teams: list[str]
    reps: list[tuple[str, str]]
    tables: dict[str, Table] = field(default_factory=dict)

    def add(self, table: Table) -> None:
        self.tables[table.name] = table


def chart_data(d: Dashboard) -> dict[str, Any]:
    """What the charts draw: the tables' own cells, keyed by chart."""
    return {name: {"columns": t.columns, "rows": t.rows} for name, t in d.tables.items()} | {
        "currency": d.reporting_currency,
        "stages": [s.value for s in Stage if s.is_open],
    }
