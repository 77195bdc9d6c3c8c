"""Reading the appraisals view: the outcomes of the appraisals of a span of days."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from salesdomain.projections.rows import batches
from salesdomain.projections.types import plain
from sqlalchemy import Table, select
from sqlalchemy.engine import Engine

from salesdomain.access import Reader


@dataclass(frozen=True)
class IncentiveOutcome:
    kind: str
    """bonus, pay_change, promotion or recognition (SOP 3.3.4)."""
    bonus: Decimal | None
    currency: str | None
    pay_change: Decimal | None
    new_position: str

    @property
    def described(self) -> str:
        """In a few words: "bonus 5,000.00 CNY", "pay change +5%", "promotion to X"."""
        if self.bonus is not None:
            return f"bonus {self.bonus:,.2f} {self.currency}"
        if self.pay_change is not None:
            return f"pay change {self.pay_change * 100:+.1f}%"
        if self.new_position:
            return f"promotion to {self.new_position}"
        return self.kind.replace("_", " ")


@dataclass(frozen=True)
class AppraisalOutcome:
    appraisal_id: str
    employee_id: str
    employee_name: str
    period: str
    """The appraisal's period code ("2026-03", "2026-Q1")."""
    period_start: date
    period_end: date
    cycle: str
    stage: str
    """opened, finalised or closed (the stages between are not told apart here)."""
    final_score: Decimal | None
    rating_band: str | None
    incentives: tuple[IncentiveOutcome, ...]
    coaching: bool
    complete_by: date
    closed_at: datetime | None
    within_time_limit: bool | None


_AS_STORED = (
    "appraisal_id",
    "employee_id",
    "employee_name",
    "period",
    "period_start",
    "period_end",
    "cycle",
    "stage",
    "rating_band",
    "complete_by",
    "closed_at",
    "within_time_limit",
)
"""The facts of an ``AppraisalOutcome`` the ``appraisals`` table holds as they are."""


def appraisal_outcomes(
    engine: Engine,
    tables: Mapping[str, Table],
    since: date,
    until: date,
    *,
    reader: Reader | None = None,
) -> list[AppraisalOutcome]:
    """The appraisals whose period lies within ``since``..``until`` (both included), with
    their outcome as recorded so far, by the period's end, then its start and the
    employee's name; ``reader``: only the
    appraisals the read policy lets them see (``appraisals`` reach; ``None``: all)."""
    a, i = tables["appraisals"].c, tables["incentives"].c
    chosen = select(tables["appraisals"]).where(a.period_start >= since, a.period_end <= until)
    if reader is not None and reader.appraisals is not None:
        chosen = chosen.where(a.employee_id.in_(sorted(reader.appraisals)))
    with engine.connect() as conn:
        rows = conn.execute(chosen.order_by(a.period_end, a.period_start, a.employee_name)).all()
        decided: dict[str, list[IncentiveOutcome]] = defaultdict(list)
        ids = [row.appraisal_id for row in rows]
        for some in batches(ids):
            for found in conn.execute(
                select(tables["incentives"]).where(i.appraisal_id.in_(some)).order_by(i.position)
            ):
                decided[found.appraisal_id].append(
                    IncentiveOutcome(
                        found.kind,
                        found.bonus,
                        found.currency,
                        found.pay_change,
                        found.new_position,
                    )
                )
    return [
        AppraisalOutcome(
            **{name: getattr(row, name) for name in _AS_STORED},
            final_score=None if row.final_score is None else plain(row.final_score),
            incentives=tuple(decided[row.appraisal_id]),
            coaching=bool(row.coaching),
        )
        for row in rows
    ]
