"""One definition of each figure (docs/kpi.md): every figure of the KPI and pipeline
results has a heading there, every heading names a figure, and the figures that share a
name agree on the same data."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from uuid import uuid4

from freezegun import freeze_time
from pydantic import BaseModel
from salesdomain.adapters.web.routes_pipeline import (
    ForecastMonth,
    PipelineSummaryOut,
    StageOwnerValue,
)
from salesdomain.projections.customers import (
    CustomerAnalysis,
    CustomerRanking,
    LossAnalysis,
    LossGroup,
    PriceGap,
    RankedCustomer,
    Share,
    SurveyResults,
)
from salesdomain.projections.forecast import AccuracyLine, ForecastLine, WeekForecast
from salesdomain.projections.kpi import Kpi, KpiRow, MarketShare, kpi_table
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.pipeline import (
    FunnelLine,
    FunnelStep,
    Pipeline,
    PipelineRow,
    PipelineSummary,
    pipeline_as_of,
    win_rate,
)
from salesdomain.projections.prices.summary import CompetitorPricing
from salesdomain.projections.runner import ProjectionRunner

from salesdomain.opportunities import commands as oc
from tests import builders as b

DOC = Path(__file__).parents[1] / "docs" / "kpi.md"
RESULTS = (
    KpiRow,
    MarketShare,
    PipelineRow,
    FunnelStep,
    FunnelLine,
    PipelineSummary,
    PipelineSummaryOut,
    StageOwnerValue,
    ForecastMonth,
    ForecastLine,
    AccuracyLine,
    WeekForecast,
    CustomerAnalysis,
    Share,
    SurveyResults,
    CustomerRanking,
    RankedCustomer,
    LossAnalysis,
    LossGroup,
    PriceGap,
    CompetitorPricing,
)
"""The result models whose fields are figures, in the library and the web API."""
NOT_FIGURES = {
    # what a row is about: its period, group, record and their names
    *("period", "period_start", "period_end", "group", "group_id", "label", "currency"),
    *("second_group", "second_label", "dimension", "segment"),
    *("note_id", "note_subject", "recorded_at"),
    *("opportunity_id", "title", "customer_id", "customer_name", "region", "industry"),
    *("owner_id", "owner_name", "team", "stage", "month"),
    # when, and where in the log
    *("expected_close", "opened_at", "closed_at", "as_of", "at", "position"),
    # lists of the rows defined under their own headings
    "funnel",
    "weeks",
    # the customer and loss analyses: their period, names and lists, and whether the
    # view had its facts
    *("since", "until", "name", "company_name", "competitor", "by", "rows", "complete"),
    *("by_industry", "by_region", "surveys", "by_reason", "by_stage", "by_competitor"),
    "price_gaps",
}


def _fields(model: type) -> set[str]:
    if isinstance(model, type) and issubclass(model, BaseModel):
        return set(model.model_fields)
    return {f.name for f in dataclasses.fields(model)}


def _figures() -> set[str]:
    return {name for model in RESULTS for name in _fields(model)} - NOT_FIGURES


def _defined() -> set[str]:
    """The names in backticks of the doc's headings."""
    headings = [line for line in DOC.read_text(encoding="utf-8").splitlines() if line[:1] == "#"]
    return {name for line in headings for name in re.findall(r"`([a-z_]+)`", line)}


def test_every_figure_of_the_results_is_defined_in_docs_kpi():
    assert sorted(_figures() - _defined()) == []


def test_every_figure_defined_in_docs_kpi_is_one_of_the_results():
    assert sorted(_defined() - _figures()) == []


# ---- the win rate of the pipeline and of the KPI table ---------------------------------


def _history(app) -> None:
    """A won in March (opened in March); B and C opened in March and lost in April (C is
    Bob's); D opened in May and still open."""
    won, lost, bobs, still_open = (uuid4() for _ in range(4))
    second = b.register(name="Second Customer Ltd", reg="SECOND0001")
    third = b.register(name="Third Customer Ltd", reg="THIRD00001")
    with freeze_time("2026-03-02 09:00:00+00:00") as frozen:
        for command, actor in [
            *b.won_deal(won),
            *b.qualified_customer(second),
            (b.open_opportunity(b.customer_id(second), lost), b.ALICE),
            *b.qualified_customer(third, by=b.BOB),
            (b.open_opportunity(b.customer_id(third), bobs), b.BOB),
        ]:
            app.handle(command, actor)
            frozen.tick(timedelta(hours=1))
        frozen.move_to("2026-04-20 10:00:00+00:00")
        app.handle(oc.MarkOpportunityLost(opportunity_id=lost, reason="No budget"), b.ALICE)
        frozen.move_to("2026-04-30 23:30:00+00:00")
        app.handle(oc.MarkOpportunityLost(opportunity_id=bobs, reason="Price"), b.BOB)
        frozen.move_to("2026-05-03 10:00:00+00:00")
        app.handle(b.open_opportunity(b.customer_id(second), still_open), b.ALICE)


def _caught_up(projection, app, views) -> ProjectionRunner:
    runner = ProjectionRunner(projection, views, ApplicationLog(app))
    runner.catch_up()
    return runner


def test_the_pipelines_win_rate_is_the_kpi_tables_for_the_same_period(app, views):
    _history(app)
    kpi, pipeline = _caught_up(Kpi(), app, views), _caught_up(Pipeline(), app, views)
    rows = pipeline_as_of(
        views,
        pipeline.tables(),
        app.policy.stage_probability,
        datetime(2026, 12, 31, tzinfo=UTC),
    )
    compared = []
    for grain, by in (("month", "total"), ("year", "total"), ("month", "rep")):
        table = kpi_table(
            views,
            kpi.tables(),
            grain=grain,
            by=by,
            since=date(2026, 3, 1),
            until=date(2026, 5, 31),
        )
        for row in table:
            mine = [r for r in rows if by == "total" or r.owner_id == row.group]
            same = win_rate(mine, since=row.period_start, until=row.period_end)
            compared.append((grain, row.label, row.period, row.win_rate, same))
    assert [(g, label, period, kpi_rate) for g, label, period, kpi_rate, _ in compared] == [
        ("month", "Total", "2026-03", Decimal("1.0000")),
        ("month", "Total", "2026-04", Decimal("0.0000")),
        ("month", "Total", "2026-05", None),
        ("year", "Total", "2026", Decimal("0.3333")),
        ("month", "Alice Rep", "2026-03", Decimal("1.0000")),
        ("month", "Alice Rep", "2026-04", Decimal("0.0000")),
        ("month", "Bob Rep", "2026-04", Decimal("0.0000")),
    ]
    assert all(kpi_rate == same for *_, kpi_rate, same in compared)
    # By close, not by opening: of the three opened in March one was won and two lost
    # (in April), but March's win rate is 1 of 1 closed.
    opened_in_march = [r for r in rows if r.opened_at.month == 3]
    assert win_rate(opened_in_march) == Decimal("0.3333")
