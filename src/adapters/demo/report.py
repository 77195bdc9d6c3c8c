"""What the main job reports: the report and summary types, and the two readings
the command line shares (a record's history lines, the pipeline's summary)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from salesdomain.adapters import demo_scale
from salesdomain.adapters.demo.customer_report import CustomerSection
from salesdomain.adapters.demo.setting import QUARTER, START
from salesdomain.adapters.demo.work_queue import WorkQueue
from salesdomain.projections.conformance import ConformanceReport
from salesdomain.projections.forecast import ForecastAccuracy, ForecastTable
from salesdomain.projections.history import HistoryLine
from salesdomain.projections.integrity import Digest
from salesdomain.projections.kpi import KpiRow, MarketShare
from salesdomain.projections.pipeline import PipelineSummary, pipeline_figures

from salesdomain.sop import Role

if TYPE_CHECKING:
    from salesdomain.adapters.bootstrap import System

# ---- the report -------------------------------------------------------------------------


@dataclass
class CaseReport:
    title: str
    customer: str
    outcome: str
    history: list[HistoryLine]
    owner: str = ""
    amount: str = ""
    featured: bool = False
    """Printed in full by ``salesdomain demo``; the others get one summary line."""


@dataclass(frozen=True)
class TeamLine:
    """One line of the team's quarter: the SOP step, who, what."""

    sop_step: str
    who: str
    what: str


@dataclass(frozen=True)
class AppraisalSummary:
    employee: str
    period: str
    cycle: str
    actuals: tuple[tuple[str, Decimal], ...]
    """The actual figures recorded (indicator, value), as the KPI read model gave them."""
    final_score: Decimal
    rating_band: str
    incentives: tuple[str, ...]
    coaching: bool
    closed: bool


@dataclass(frozen=True)
class EscalationSummary:
    employee: str
    cycle: str
    appraisals: int
    raised_by: str
    raised_by_role: Role
    rule: str
    resolution: str


@dataclass
class DemoReport:
    seed: int
    period: str = QUARTER.code
    started: datetime = START
    finished: datetime = START
    cases: list[CaseReport] = field(default_factory=list)
    team: list[TeamLine] = field(default_factory=list)
    appraisals: list[AppraisalSummary] = field(default_factory=list)
    escalations: list[EscalationSummary] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    pipeline: PipelineSummary | None = None
    events: int = 0
    """Domain events stored (the log also holds one record per command handled)."""
    commands: int = 0
    kpi: list[KpiRow] = field(default_factory=list)
    """Each representative's KPIs per quarter against their targets (the KPI view)."""
    results: list[KpiRow] = field(default_factory=list)
    """The quarter's results by representative and product (SOP 4.2.1, the KPI view)."""
    market_shares: list[MarketShare] = field(default_factory=list)
    """Our revenue against the market sizes research recorded for the quarter."""
    digest: Digest | None = None
    """The hash chain's head after the run: position and link (ADR 10)."""
    scale: demo_scale.ScaleSummary | None = None
    conformance: ConformanceReport | None = None
    """The quarter reviewed against the SOP as at the run's end, from the conformance view
    (ADR 39): the figures of a replay of the log (ADR 15)."""
    forecast: ForecastTable | None = None
    """The quarter's forecast by category against the targets, at the run's end (ADR 52)."""
    forecast_accuracy: ForecastAccuracy | None = None
    """The last ended quarter replayed from its start against what was won (ADR 52)."""
    customers: CustomerSection | None = None
    """The quarter's customer and loss analyses (SOP 4.2.1, ADR 51)."""
    work_queue: WorkQueue | None = None
    """What the sales manager and her team owe at the run's end (ADR 53)."""


# ---- reading the results back ----------------------------------------------------------------


def pipeline_summary(system: System, at: datetime) -> PipelineSummary:
    """The funnel, win rate and open pipeline (per currency, and in the reporting
    currency) as the view has them at ``at``."""
    policy = system.app.policy
    figures = pipeline_figures(*system.views.view("pipeline"), policy.stage_probability, at)
    return figures.summary(policy.currencies)
