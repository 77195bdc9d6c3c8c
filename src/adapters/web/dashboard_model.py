"""What the manager's dashboard shows (issue 20, ADR 63): tables of the library's figures
for a choice of period, team and representative, read by a reader narrowed to that
choice; the charts draw the same cells."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from salesdomain.adapters.web import formats
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
    """The cells as the library gives them (the CSV's and the charts' numbers)."""
    shown: list[tuple[str, ...]] = field(default_factory=list)
    """The same cells as a person reads them (``formats.shown``: the page and the
    charts' labels)."""
    numeric: frozenset[int] = frozenset()
    """The columns holding figures (aligned right)."""
    links: list[str | None] = field(default_factory=list)
    """Per row, where the records behind it are (its first cell links there, and so
    do the chart's bar, point or slice drawn from it)."""

    @classmethod
    def of(
        cls,
        name: str,
        title: str,
        columns: tuple[str, ...],
        cells: Sequence[Sequence[Any]],
        links: Sequence[str | None] = (),
    ) -> Table:
        """A table of ``cells`` (each a ``formats.Figure`` or plain text), kept both
        as the library gives them and as they are read."""
        numeric = frozenset(i for line in cells for i, c in enumerate(line) if formats.is_figure(c))
        return cls(
            name,
            title,
            columns,
            [tuple(formats.raw(c) for c in line) for line in cells],
            [tuple(formats.shown(c) for c in line) for line in cells],
            numeric,
            list(links),
        )


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
    return {
        name: {"columns": t.columns, "rows": t.rows, "shown": t.shown, "links": t.links}
        for name, t in d.tables.items()
    } | {
        "currency": d.reporting_currency,
        "stages": [s.value for s in Stage if s.is_open],
    }
