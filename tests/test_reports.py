"""The monthly and quarterly sales reports (ADR 56) over the demo's quarter, on a SQLite
file and on PostgreSQL: the PDF's text and the HTML show the figures the views' own
queries give, as they stand and as they stood at a past moment, for the whole company
and for one reader (ADR 30); the web API and the command line give the same document."""

from __future__ import annotations

import io
import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.cli import app as cli
from salesdomain.adapters.demo import run_demo
from salesdomain.adapters.demo.team_report import appraisal_summary
from salesdomain.adapters.reports.render import DASH, render_html, render_pdf
from salesdomain.projections.access import reader_of
from salesdomain.projections.as_of import views_as_of
from salesdomain.projections.audit import query_audit
from salesdomain.projections.customers import customer_analysis, customer_ranking, loss_analysis
from salesdomain.projections.forecast import forecast_accuracy, forecast_table
from salesdomain.projections.kpi import kpi_in_reporting_currency, kpi_table
from salesdomain.projections.kpi.market import market_share
from salesdomain.projections.pipeline import pipeline_figures
from salesdomain.projections.read_models import ReadModels
from salesdomain.projections.reports import SalesReport, sales_report
from salesdomain.projections.reports.model import (
    AppraisalsSection,
    ConformanceSection,
    CustomerAnalysisSection,
    ForecastSection,
    MarketShareSection,
    PipelineSection,
    ResultsSection,
)
from salesdomain.projections.reports.sections import conformance_by_rule
from salesdomain.projections.reports.source import ReportSource, report_period_of
from typer.testing import CliRunner

from salesdomain import clock
from salesdomain.access import Reader
from salesdomain.performance.appraisal import Appraisal
from salesdomain.sop import Role
from salesdomain.values import Actor
from tests.conftest import postgres_schema
from tests.web_support import SERVED_STORES, Web, web_on

Q1_END = datetime.combine(date(2026, 3, 31), time.max, tzinfo=UTC)
PAST = datetime(2026, 3, 20, 12, tzinfo=UTC)  # inside March: some of the quarter to come


@pytest.fixture(scope="module", params=SERVED_STORES)
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Web, str]]:
    """The demo's quarter on the store, its web API, and the store's URL."""

    def on(url: str) -> Iterator[tuple[Web, str]]:
        with web_on(url) as web:
            run_demo(web.system, 7)
            web.system.views.catch_up()
            yield web, url

    if request.param == "sqlite":
        yield from on(f"sqlite:///{tmp_path_factory.mktemp('reports')}/demo.db")
    else:
        with postgres_schema() as url:
            yield from on(url)


def _view(views: ReadModels, name: str) -> tuple[Any, Any]:
    runner = views.runner(name)
    return runner.engine, runner.tables()


def _acting_as(system: System, role: Role, name: str | None = None) -> Actor:
    engine, tables = _view(system.views, "audit")
    entry = next(
        e
        for e in query_audit(engine, tables["entries"], limit=None)
        if e.actor_role == role.value and (name is None or e.actor_name == name)
    )
    return Actor(employee_id=uuid.UUID(entry.actor_id), role=role, name=entry.actor_name)


def _reader(system: System, actor: Actor) -> Reader:
    return reader_of(*_view(system.views, "kpi"), actor.employee_id, actor.role)


def _pdf_text(pdf: bytes) -> str:
    """The PDF's text, its whitespace made single spaces."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


def _money(value: Decimal | None) -> str:
    assert value is not None
    return f"{value:,.2f}"


def _section(report: SalesReport, kind: type[Any]) -> Any:
    (found,) = [s for s in report.sections if isinstance(s, kind)]
    return found


def test_the_quarter_s_pdf_shows_the_views_figures(demo: tuple[Web, str]) -> None:
    web, _ = demo
    system = web.system
    report = sales_report(system.app, system.views, "quarterly", "2026-Q1")
    text = _pdf_text(render_pdf(report))
    assert "Quarterly sales report: 2026-Q1" in text
    assert "the administrator at the database: every record" in text
    engine, tables = _view(system.views, "kpi")
    asked: dict[str, Any] = {"since": date(2026, 1, 1), "until": date(2026, 3, 31)}
    (quarter,) = kpi_table(engine, tables, grain="quarter", by="total", currency="CNY", **asked)
    assert quarter.revenue == Decimal("762048.00")  # the demo's two completed orders
    assert f"{_money(quarter.revenue)} CNY" in text
    assert f"{_money(quarter.profit)} CNY" in text
    months = kpi_table(engine, tables, grain="month", by="total", currency="CNY", **asked)
    assert [m.revenue for m in months] == [Decimal(0), Decimal(0), Decimal("762048.00")]
    by_rep = kpi_in_reporting_currency(
        engine, tables, grain="quarter", by="rep", currencies=system.app.policy.currencies, **asked
    )
    for row in by_rep:
        assert row.revenue is not None
        assert re.search(rf"{re.escape(row.label)} {re.escape(_money(row.revenue))}", text)
    pipeline = pipeline_figures(
        *_view(system.views, "pipeline"), system.app.policy.stage_probability, Q1_END
    )
    (open_weighted,) = pipeline.open_weighted.items()
    assert open_weighted == ("CNY", Decimal("251100.00"))
    assert f"{_money(open_weighted[1])} CNY" in text
    for step in pipeline.funnel:
        assert re.search(rf"{step.stage.value.replace('_', ' ')} {step.reached}\b", text)
    conformance = _section(report, ConformanceSection)
    assert [b.rule for b in conformance.breaches] == [
        "team_meeting_every_period",
        "feedback_answered_in_time",
    ]
    for line in conformance.by_rule:
        assert f"{line.rule} {line.sop_step}" in text
    for appraisal_id in _appraisal_ids(system):
        told = appraisal_summary(system.app, appraisal_id)  # the aggregate, not the view
        score = f"{told.final_score.normalize():f}"
        assert re.search(rf"{told.employee} {told.period} \({told.cycle}\) closed {score}", text)
    _the_analyses_are_in(system, text)


def _the_analyses_are_in(system: System, text: str) -> None:
    """The sections of the analyses (SOP 4.2.1, 4.2.3) show what the views' own queries
    give, and what the demo's quarter works out to by hand."""
    asked: dict[str, Any] = {"since": date(2026, 1, 1), "until": date(2026, 3, 31)}
    engine, tables = _view(system.views, "kpi")
    pairs = kpi_table(
        engine, tables, grain="quarter", by="rep", then_by="product", currency="CNY", **asked
    )
    assert [(r.label, r.second_label, r.revenue) for r in pairs] == [
        ("Alice Wang", "Retrofit kit (RK-3)", Decimal("172800.00")),
        ("Bob Liu", "Retrofit kit (RK-3)", Decimal("589248.00")),
    ]
    for row in pairs:  # no revenue in 2025-Q4 nor 2025-Q1: no growth to show
        assert (row.growth["revenue"], row.growth_yoy["revenue"]) == (None, None)
        shown = f"{row.label} {row.second_label} 2026-Q1 {_money(row.revenue)} CNY {DASH} {DASH}"
        assert f"{shown} {_money(row.profit)} CNY {row.units}" in text
    shares = {s.segment: s for s in market_share(engine, tables, by="region", **asked)}
    assert shares["East China"].market_share == Decimal("0.1270")  # 762,048 / 6,000,000
    assert "East China 2026-Q1 762,048.00 CNY 6,000,000.00 CNY 12.7% Line retrofit kits" in text
    assert "RK-3 2026-Q1 762,048.00 CNY 2,500,000.00 CNY 30.5%" in text  # / 2,500,000
    engine, tables = _view(system.views, "customers")
    policy = system.app.policy.customers
    analysis = customer_analysis(engine, tables, policy=policy, **asked)
    assert (analysis.customers, analysis.customers_served, analysis.new_customers) == (6, 2, 2)
    assert analysis.surveys.nps == Decimal("-50.00")  # (0 promoters - 1 detractor) / 2
    # customers, bought, new / existing, new share, active / dormant / lost / never,
    # repeat purchase, satisfaction ((3 + 4) / 2), NPS
    assert "6 2 2 / 0 100.0% 2 / 0 / 0 / 4 0.0% 3.50 / 5 -50.00" in text
    ranking = customer_ranking(engine, tables, currency="CNY", policy=policy, **asked)
    assert [r.company_name for r in ranking.rows] == [
        "Suzhou Bright Textiles Co., Ltd.",
        "Hangzhou Precision Machinery Co., Ltd.",
    ]
    # 589,248 / 762,048 = 77.3%; both in class A (the one that reaches 80% included)
    assert "1 Suzhou Bright Textiles Co., Ltd. Textiles 589,248.00 77.3% 77.3% A active" in text
    assert "2 Hangzhou Precision Machinery Co., Ltd. Machinery 172,800.00 22.7% 100.0% A" in text
    losses = loss_analysis(engine, tables, **asked)
    assert (losses.lost, losses.price_gaps[0].average_gap) == (2, Decimal("-0.2000"))
    assert "Budget frozen until next year 1 50.0% Price 25% above the winning offer 1 50.0%" in text
    assert "Delta Automation 1 1 -20.0%" in text
    engine, tables = _view(system.views, "forecast")
    currencies = system.app.policy.currencies
    table = forecast_table(engine, tables, "2026-Q1", Q1_END, currencies=currencies)
    for line in table.lines:
        figures = [line.won_amount, line.commit, line.best_case, line.pipeline]
        amounts = " ".join(_money(a) for a in [*figures, line.category_forecast])
        assert f"{line.group} {amounts} {_money(line.revenue_target)}" in text
    assert "Alice Wang 172,800.00 0.00 0.00 0.00 172,800.00 400,000.00 43.2%" in text
    replayed = forecast_accuracy(engine, tables, "2026-Q1", clock.now(), currencies=currencies)
    for line in replayed.lines:  # no deal was forecast on 1 January: no accuracy
        assert line.forecast_accuracy is None
        shown = f"{line.group} 0.00 0.00 {_money(line.won_amount)} {DASH} 0 (0.00) 0 (0.00)"
        assert shown in text


def _appraisal_ids(system: System) -> list[uuid.UUID]:
    engine, tables = _view(system.views, "audit")
    return sorted(
        {
            uuid.UUID(e.aggregate_id)
            for e in query_audit(engine, tables["entries"], limit=None)
            if e.aggregate_type == "Appraisal"
        }
    )


def test_the_appraisals_view_holds_each_appraisal_s_outcome(demo: tuple[Web, str]) -> None:
    web, _ = demo
    system = web.system
    report = sales_report(system.app, system.views, "quarterly", "2026-Q1")
    shown = {(a.employee_name, a.period): a for a in _section(report, AppraisalsSection).appraisals}
    assert len(shown) == len(_appraisal_ids(system)) == 5
    for appraisal_id in _appraisal_ids(system):
        appraisal = system.app.load(Appraisal, appraisal_id)
        line = shown[(appraisal.employee_name, appraisal.period.code)]
        assert line.final_score == appraisal.final_score
        assert line.rating_band == (appraisal.rating_band and appraisal.rating_band.value)
        assert line.coaching == (appraisal.coaching is not None)
        assert line.stage == appraisal.stage.value
        assert len(line.incentives) == len(appraisal.incentives)
    march = sales_report(system.app, system.views, "monthly", "2026-03")
    assert [a.period for a in _section(march, AppraisalsSection).appraisals] == []


def test_march_as_the_views_stood_on_the_20th(demo: tuple[Web, str]) -> None:
    web, _ = demo
    system = web.system
    report = sales_report(system.app, system.views, "monthly", "2026-03", as_of=PAST)
    now = sales_report(system.app, system.views, "monthly", "2026-03")
    assert report.in_the_past
    assert report.as_of == PAST
    assert report.position < now.position
    with views_as_of(system.views, PAST, only=["kpi", "pipeline"]) as past:
        engine, tables = _view(past, "kpi")
        (march,) = kpi_table(
            engine,
            tables,
            grain="month",
            by="total",
            since=date(2026, 3, 1),
            until=date(2026, 3, 31),
        )
        figures = pipeline_figures(
            *_view(past, "pipeline"), system.app.policy.stage_probability, PAST
        )  # type: ignore[arg-type]
    results = _section(report, ResultsSection)
    assert results.total.units == march.units
    assert [a.amount for a in results.total.revenue] == ([march.revenue] if march.currency else [])
    pipeline = _section(report, PipelineSection)
    assert pipeline.as_of == PAST
    assert (pipeline.count, pipeline.open_count) == (figures.count, figures.open_count)
    assert {a.currency: a.amount for a in pipeline.open_weighted} == figures.open_weighted
    quarter = sales_report(system.app, system.views, "quarterly", "2026-Q1", as_of=PAST)
    then = {(a.period, a.stage) for a in _section(quarter, AppraisalsSection).appraisals}
    assert then == {("2026-01", "closed"), ("2026-02", "closed")}  # the quarter's not yet open
    html = render_html(report)
    assert "2026-03-20 12:00 UTC (the views as they stood then)" in html
    assert f"log position {report.position:,}" in html
    with pytest.raises(ValueError, match=r"as_of: .* is before 2026-03 began"):
        sales_report(
            system.app, system.views, "monthly", "2026-03", as_of=datetime(2026, 2, 1, tzinfo=UTC)
        )


def test_a_representative_s_report_is_their_own(demo: tuple[Web, str]) -> None:
    web, _ = demo
    system = web.system
    alice = _acting_as(system, Role.SALES_REPRESENTATIVE, "Alice Wang")
    manager = _acting_as(system, Role.SALES_MANAGER)
    hers = sales_report(
        system.app, system.views, "quarterly", "2026-Q1", reader=_reader(system, alice)
    )
    team = sales_report(
        system.app, system.views, "quarterly", "2026-Q1", reader=_reader(system, manager)
    )
    assert hers.reader == "Alice Wang, sales representative: their own records"
    assert team.reader == f"{manager.name}, sales manager: team Sales East"
    assert [r.name for r in _section(hers, ResultsSection).by_rep] == ["Alice Wang"]
    assert _section(hers, ResultsSection).total.revenue[0].amount == Decimal("172800.00")
    assert {r.name for r in _section(team, ResultsSection).by_rep} >= {"Alice Wang", "Bob Liu"}
    assert {a.employee_name for a in _section(hers, AppraisalsSection).appraisals} == {"Alice Wang"}
    breaches = _section(hers, ConformanceSection)
    assert breaches.scope == "the breaches of the people the reader's sales reach covers"
    assert breaches.breaches == ()
    assert breaches.overrides == 0
    (ranking,) = _section(hers, CustomerAnalysisSection).rankings
    assert [(r.company_name, r.revenue) for r in ranking.rows] == [
        ("Hangzhou Precision Machinery Co., Ltd.", Decimal("172800.00"))
    ]
    assert [line.group for line in _section(hers, ForecastSection).lines] == ["Alice Wang"]
    region = next(m for m in _section(hers, MarketShareSection).lines if m.dimension == "region")
    assert region.market_share == Decimal("0.0288")  # 172,800 / 6,000,000
    text = _pdf_text(render_pdf(hers))
    assert "Alice Wang, sales representative: their own records" in text
    assert "Bob Liu" not in text
    assert "589,248.00" not in text


def test_the_dashboard_s_count_by_rule_is_the_report_s(demo: tuple[Web, str]) -> None:
    # Given the demo's quarter, with breaches, read by the administrator, a manager and a rep
    web, _ = demo
    system, app = web.system, web.system.app
    readers = [None] + [
        _reader(system, _acting_as(system, role))
        for role in (Role.SALES_MANAGER, Role.SALES_REPRESENTATIVE)
    ]
    for reader in readers:
        # When the dashboard counts the quarter's breaches by rule (the lean reading)
        period = report_period_of("quarterly", "2026-Q1")
        at = clock.now()
        source = ReportSource(
            app, system.views, app.policy, "quarterly", period, at, False, reader, app.events.get
        )
        counted = conformance_by_rule(source)
        # Then it is the quarterly report's conformance section's, for the same reader
        report = sales_report(app, system.views, "quarterly", "2026-Q1", reader=reader)
        assert counted == _section(report, ConformanceSection).by_rule
        if reader is None:
            assert sum(line.breaches for line in counted) == 2


def test_the_web_api_serves_the_document_for_the_token_s_reader(demo: tuple[Web, str]) -> None:
    web, _ = demo
    system = web.system
    manager = _acting_as(system, Role.SALES_MANAGER)
    pdf = web.get("/reports/quarterly", manager, period="2026-Q1")
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert 'filename="sales-report-quarterly-2026-Q1.pdf"' in pdf.headers["content-disposition"]
    assert f"{manager.name}, sales manager: team Sales East" in _pdf_text(pdf.content)
    html = web.get("/reports/monthly", manager, period="2026-03", format="html")
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    assert "<h1>Monthly sales report: 2026-03</h1>" in html.text
    answer = web.get(
        "/reports/monthly", manager, period="2026-03", format="json", as_of=PAST.isoformat()
    )
    expected = sales_report(
        system.app, system.views, "monthly", "2026-03", as_of=PAST, reader=_reader(system, manager)
    )
    assert answer.json() == json.loads(expected.model_dump_json())
    wrong = web.get("/reports/monthly", manager, period="2026-Q1")
    assert wrong.status_code == 422
    assert "2026-Q1" in wrong.text
    assert "period" in wrong.text
    assert web.get("/reports/yearly", manager, period="2026").status_code == 422


def test_the_command_line_writes_the_report(demo: tuple[Web, str], tmp_path: Path) -> None:
    _web, url = demo
    runner = CliRunner()
    pdf = tmp_path / "q1.pdf"
    done = runner.invoke(
        cli, ["report", "quarterly", "--period", "2026-Q1", "-o", str(pdf), "--database-url", url]
    )
    assert done.exit_code == 0, done.output
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "762,048.00 CNY" in _pdf_text(pdf.read_bytes())
    html = tmp_path / "march.html"
    args = ["report", "monthly", "--period", "2026-03", "-o", str(html), "--as", "Alice Wang"]
    done = runner.invoke(
        cli, [*args, "--as-of", "2026-03-20T12:00", "--json", "--database-url", url]
    )
    assert done.exit_code == 0, done.output
    told = json.loads(done.output)
    assert (told["format"], told["report"]["reader"]) == (
        "html",
        "Alice Wang, sales representative: their own records",
    )
    assert told["report"]["as_of"] == "2026-03-20T12:00:00Z"
    assert "<h1>Monthly sales report: 2026-03</h1>" in html.read_text()
    bad = runner.invoke(
        cli, ["report", "monthly", "--period", "2026-13", "-o", str(html), "--database-url", url]
    )
    assert bad.exit_code == 2
    assert "--period: '2026-13' is not a month" in bad.output


def test_without_the_extra_the_command_says_what_to_install(
    demo: tuple[Web, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, url = demo
    monkeypatch.setattr("salesdomain.adapters.reports.find_spec", lambda name: None)
    out = tmp_path / "q1.pdf"
    done = CliRunner().invoke(
        cli, ["report", "quarterly", "--period", "2026-Q1", "-o", str(out), "--database-url", url]
    )
    assert done.exit_code == 2
    assert "pip install 'salesdomain[reports]'" in done.output
    assert not out.exists()
