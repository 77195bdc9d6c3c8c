"""The main job: the quarter run on a system, its views caught up, and the report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from salesdomain.adapters import demo_scale
from salesdomain.adapters.demo.case_reports import case_report
from salesdomain.adapters.demo.company import _Company
from salesdomain.adapters.demo.conformance_summary import quarter_conformance
from salesdomain.adapters.demo.customer_report import customer_section
from salesdomain.adapters.demo.forecast_report import forecast_of
from salesdomain.adapters.demo.quarter import _Quarter
from salesdomain.adapters.demo.report import DemoReport, pipeline_summary
from salesdomain.adapters.demo.setting import CURRENCY, QUARTER, START, Progress
from salesdomain.adapters.demo.team_report import (
    appraisal_summary,
    escalation_summaries,
    team_lines,
)
from salesdomain.adapters.demo.work_queue import work_queue
from salesdomain.projections.integrity import ChainKeeper
from salesdomain.projections.kpi import (
    KpiRow,
    MarketBy,
    MarketShare,
    kpi_table,
    market_share,
)
from salesdomain.projections.log import SKIPPED_TOPIC as COMMAND_RECORD_TOPIC

from salesdomain import clock
from salesdomain.application import SalesApplication
from salesdomain.sop import Role

if TYPE_CHECKING:
    from salesdomain.adapters.bootstrap import System

# ---- the main job ---------------------------------------------------------------------------


def run_demo(
    system: System, seed: int = 7, *, scale: int | None = None, progress: Progress | None = None
) -> DemoReport:
    """Run the quarter on ``system`` (its application and read models) and report it;
    with ``scale``, then simulate business cases until about ``scale`` events more
    are stored (``salesdomain.adapters.demo_scale``).  ``progress(what, done, total)`` is told how
    far it got."""
    co = _Company(system, seed)
    quarter = _Quarter(co)
    generated = None
    with clock.simulated(co.clock):
        quarter.run(progress)
        if scale:
            generated = demo_scale.generate(
                system.app,
                scale_staff(co),
                co.clock,
                events=scale,
                seed=seed,
                progress=None if progress is None else _told(progress, "Simulated cases"),
            )
        finished = co.now
    app = system.app
    system.views.catch_up_in_one_pass(
        progress=None if progress is None else _told(progress, "Views following the log")
    )
    events, commands = _count(app)
    report = DemoReport(
        seed=seed,
        finished=finished,
        refused=co.refused,
        events=events,
        commands=commands,
        scale=generated,
    )
    featured = {quarter.escalated.opp_id, quarter.straight.opp_id}
    for deal in quarter.deals:
        case = case_report(app, deal)
        case.featured = deal.opp_id in featured
        report.cases.append(case)
    report.team = team_lines(co, quarter)
    report.appraisals = [appraisal_summary(app, aid) for aid in quarter.appraisals]
    report.escalations = escalation_summaries(app, quarter.appraisals)
    report.pipeline = pipeline_summary(system, finished)
    report.kpi = kpi_against_targets(system, finished)
    report.forecast, report.forecast_accuracy = forecast_of(system, finished)
    report.customers = customer_section(system)
    report.work_queue = work_queue(system, co.mia, finished)
    report.results, report.market_shares = results_analysed(system, finished)
    report.conformance = quarter_conformance(system, QUARTER.start, QUARTER.end, finished)
    keeper = ChainKeeper(system.store, app)
    keeper.catch_up()
    report.digest = keeper.digest()
    return report


def scale_staff(co: _Company) -> demo_scale.Staff:
    return demo_scale.Staff(
        reps=(co.alice, co.bob, co.carol, co.nora),
        legal=co.leo,
        production=co.pat,
        procurement=co.quinn,
        quality=co.qin,
        logistics=co.lou,
        approvers={Role.SALES_MANAGER: co.mia, Role.SALES_DIRECTOR: co.dan},
    )


def _told(progress: Progress, what: str) -> Callable[[int, int], None]:
    return lambda done, total: progress(what, done, total)


def _count(app: SalesApplication) -> tuple[int, int]:
    """Domain events and command records stored (read in pages, without decoding)."""
    events = commands = 0
    position = 0
    while True:
        page = app.recorder.select_notifications(start=position + 1, limit=10_000)
        if not page:
            return events, commands
        for notification in page:
            if notification.topic.startswith(COMMAND_RECORD_TOPIC):
                commands += 1
            else:
                events += 1
        position = page[-1].id


def kpi_against_targets(system: System, until: datetime) -> list[KpiRow]:
    """Each representative's figures per quarter, from the quarter's start, against
    the targets set for them."""
    return kpi_table(
        *system.views.view("kpi"),
        grain="quarter",
        by="rep",
        since=START.date(),
        until=until.date(),
        currency=CURRENCY,
    )


def results_analysed(system: System, until: datetime) -> tuple[list[KpiRow], list[MarketShare]]:
    """The results per quarter by representative and product, with growth against the
    same quarter of the previous year (SOP 4.2.1), and the market share by region and
    product against the sizes market research recorded (2.1.1)."""
    engine, tables = system.views.view("kpi")
    since, last = START.date(), until.date()
    results = kpi_table(
        engine,
        tables,
        grain="quarter",
        by="rep",
        then_by="product",
        since=since,
        until=last,
        currency=CURRENCY,
    )
    segments: tuple[MarketBy, ...] = ("region", "product")
    shares = [
        share
        for by in segments
        for share in market_share(engine, tables, by=by, since=since, until=last)
    ]
    return results, shares
