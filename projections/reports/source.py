"""What every section of a report reads: the views (live, or as they stood at a past
moment), the policy, the period, the moments, and the reader."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any
from uuid import UUID

from salesdomain.projections.kpi import MONEY_MEASURES, Grain, ReportPeriod, report_period
from salesdomain.projections.read_models import ReadModels
from salesdomain.projections.reports.model import ReportKind
from sqlalchemy import Engine, Table, select

from salesdomain.access import Reach, Reader
from salesdomain.application import SalesApplication
from salesdomain.policy import SalesPolicy

_CODES: Mapping[str, tuple[str, str]] = {
    "monthly": (r"^(\d{4})-(0[1-9]|1[0-2])$", "a month: YYYY-MM, e.g. 2026-03"),
    "quarterly": (r"^(\d{4})-Q([1-4])$", "a quarter: YYYY-Qn, e.g. 2026-Q1"),
}


def report_period_of(kind: ReportKind, code: str) -> ReportPeriod:
    """The month ("2026-03") of a monthly report or the quarter ("2026-Q1") of a
    quarterly one; a ``ValueError`` naming ``period`` for anything else."""
    if kind not in _CODES:
        raise ValueError(f"kind: {kind!r} is not a report: monthly or quarterly")
    pattern, expected = _CODES[kind]
    found = re.match(pattern, code)
    if found is None or not 1900 <= int(found[1]) <= 2199:
        raise ValueError(f"period: {code[:20]!r} is not {expected} (years 1900 to 2199)")
    year, number = int(found[1]), int(found[2])
    month = number if kind == "monthly" else 3 * number - 2
    return report_period(
        datetime(year, month, 1).date(), "month" if kind == "monthly" else "quarter"
    )


def end_of(period: ReportPeriod) -> datetime:
    """The last moment of a period's last (UTC) day."""
    return datetime.combine(period.end, time.max, tzinfo=UTC)


@dataclass(frozen=True)
class ReportSource:
    """The views a report is read from, and what it is about."""

    app: SalesApplication
    views: ReadModels
    """The live views, or the views as they stood at ``at`` (``views_as_of``)."""
    policy: SalesPolicy
    kind: ReportKind
    period: ReportPeriod
    at: datetime
    """The moment the views stand at."""
    in_the_past: bool
    reader: Reader | None
    events_of: Any
    """A record's events as the log decodes them (the conformance view's words), cut at
    ``at`` for a past moment."""

    @property
    def until(self) -> datetime:
        """Where positions in the period are read: its end, or ``at`` if earlier."""
        return min(end_of(self.period), self.at)

    def view(self, name: str) -> tuple[Engine, dict[str, Table]]:
        return self.views.view(name)

    def has(self, name: str) -> bool:
        return name in self.views.runners

    @property
    def grain(self) -> Grain:
        """The KPI tables' period: the report's month or quarter."""
        return "month" if self.kind == "monthly" else "quarter"

    def currencies(self) -> tuple[str, ...]:
        """The currencies of the money facts in the report period."""
        engine, tables = self.view("kpi")
        facts = tables["facts"].c
        query = (
            select(facts.currency)
            .where(
                facts.day.between(self.period.start, self.period.end),
                facts.measure.in_(sorted(MONEY_MEASURES)),
                facts.currency.is_not(None),
            )
            .distinct()
        )
        with engine.connect() as conn:
            return tuple(sorted(code for (code,) in conn.execute(query)))


def whose_view(reader: Reader | None, names: Iterable[tuple[str, str]]) -> str:
    """Whose view a report is, in words: the reader's name (from the staff directory),
    role and team, or the administrator's (every record)."""
    if reader is None:
        return "the administrator at the database: every record"
    name = dict(names).get(reader.employee_id, f"employee {UUID(reader.employee_id)}")
    role = reader.role.value.replace("_", " ")
    reach = reader.grant.sales
    if reach is Reach.EVERYONE:
        scope = "every team"
    elif reach in (Reach.TEAM, Reach.REPORTS):
        scope = "team " + ", ".join(sorted(reader.teams)) if reader.teams else "their reports"
    elif reach is Reach.SELF:
        scope = "their own records"
    else:
        scope = "no sales records"
    return f"{name}, {role}: {scope}"
