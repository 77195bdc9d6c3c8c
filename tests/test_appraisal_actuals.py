"""The figure recorded in an appraisal equals the KPI table's figure for that period."""

from __future__ import annotations

from contextlib import closing
from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

from freezegun import freeze_time
from salesdomain.adapters.bootstrap import System
from salesdomain.projections.appraisal_actuals import appraisal_actuals
from salesdomain.projections.kpi import kpi_table
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.read_models import ReadModels

from salesdomain.people.values import Period
from salesdomain.performance import commands as pc
from salesdomain.performance.appraisal import Appraisal
from salesdomain.performance.values import Actual, Indicator
from tests import builders as b
from tests import performance_builders as perf
from tests.conftest import make_system
from tests.order_builders import completed_order
from tests.spec import Spec


def test_an_appraisals_actuals_are_the_kpi_tables_figures(app, views):
    march = Period.parse("2026-03")
    with freeze_time("2026-03-02 09:00:00+00:00") as frozen:
        for command, actor in [*perf.team(), *completed_order(uuid4(), uuid4())]:
            app.handle(command, actor)
        models = ReadModels(views, ApplicationLog(app))
        models.catch_up()
        kpi = models.runner("kpi").tables()
        specs = perf.MONTHLY
        figures = appraisal_actuals(
            views, kpi, b.ALICE.employee_id, march, [s.indicator for s in specs]
        )
        frozen.move_to("2026-04-02 09:00:00+00:00")
        aid = perf.appraisal_id(b.ALICE, "2026-03")
        for command, actor in [
            perf.define("2026-03"),
            (perf.open_appraisal(b.ALICE, "2026-03"), perf.MIA),
            (pc.RecordActuals(appraisal_id=aid, figures=figures), perf.MIA),
        ]:
            app.handle(command, actor)
    recorded = {a.indicator: a.value for a in app.load(Appraisal, aid).actuals.figures}
    (row,) = [
        r
        for r in kpi_table(
            views, kpi, grain="month", by="rep", since=date(2026, 3, 1), until=date(2026, 3, 31)
        )
        if r.group == str(b.ALICE.employee_id)
    ]
    assert recorded[Indicator.REVENUE] == row.revenue == 100_000
    assert recorded[Indicator.VISITS] == row.visits
    assert recorded[Indicator.CONVERSION_RATE] == row.win_rate == 1


# ---- actual_as_kpi_view_or_corrected, against the KPI view ---------------------------------

MARCH = Period.parse("2026-03")


def opened_in_april(
    system: System, *, read_before_the_order: bool = False
) -> tuple[UUID, tuple[Actual, ...]]:
    """Alice's March appraisal opened in April, after a March order of 100,000; its
    figures as the KPI view has them (``read_before_the_order``: as it had them before
    the order was recorded)."""
    spec = Spec(system.app)
    with freeze_time("2026-03-02 09:00:00+00:00") as frozen:
        spec.given(*perf.team())
        if not read_before_the_order:
            spec.given(*completed_order(uuid4(), uuid4()))
        system.views.catch_up()
        kpi = system.views.runner("kpi")
        figures = appraisal_actuals(
            kpi.engine,
            kpi.tables(),
            b.ALICE.employee_id,
            MARCH,
            [s.indicator for s in perf.MONTHLY],
        )
        if read_before_the_order:
            spec.given(*completed_order(uuid4(), uuid4()))
        frozen.move_to("2026-04-02 09:00:00+00:00")
        spec.given(perf.define("2026-03"), (perf.open_appraisal(b.ALICE, "2026-03"), perf.MIA))
    return perf.appraisal_id(b.ALICE, "2026-03"), figures


def with_revenue(figures: tuple[Actual, ...], **fields: object) -> tuple[Actual, ...]:
    return tuple(
        f.model_copy(update=fields) if f.indicator is Indicator.REVENUE else f for f in figures
    )


def test_a_stated_kpi_figure_other_than_the_views_is_refused(system):
    aid, figures = opened_in_april(system)
    false = with_revenue(figures, value=Decimal(90_000), kpi_figure=Decimal(90_000))
    with freeze_time("2026-04-03 09:00:00+00:00"):
        Spec(system.app).when(
            pc.RecordActuals(appraisal_id=aid, figures=false), perf.MIA
        ).then_refused(
            "actual_as_kpi_view_or_corrected",
            detail="revenue: the KPI figure stated is 90000, the KPI view has 100000",
        )
    assert system.app.load(Appraisal, aid).actuals is None


def test_the_views_figures_are_recorded(system):
    aid, figures = opened_in_april(system)
    with freeze_time("2026-04-03 09:00:00+00:00"):
        [event] = (
            Spec(system.app)
            .when(pc.RecordActuals(appraisal_id=aid, figures=figures), perf.MIA)
            .then("Appraisal.ActualsRecorded")
        )
    assert {f.indicator: f.value for f in event.actuals.figures}[Indicator.REVENUE] == 100_000


def test_a_correction_of_the_views_figure_with_its_reason_is_recorded(system):
    aid, figures = opened_in_april(system)
    corrected = with_revenue(
        figures, value=Decimal(90_000), correction="A 10,000 credit note booked in April"
    )
    with freeze_time("2026-04-03 09:00:00+00:00"):
        [event] = (
            Spec(system.app)
            .when(pc.RecordActuals(appraisal_id=aid, figures=corrected), perf.MIA)
            .then("Appraisal.ActualsRecorded")
        )
    [correction] = [f for f in event.actuals.figures if f.is_correction]
    assert (correction.value, correction.kpi_figure) == (90_000, 100_000)


def test_the_view_counts_what_was_recorded_after_its_last_catch_up(system):
    """The KPI view is brought up to the log's head before the figures are compared: an
    order recorded after the figures were read makes them stale."""
    aid, stale = opened_in_april(system, read_before_the_order=True)
    with freeze_time("2026-04-03 09:00:00+00:00"):
        Spec(system.app).when(
            pc.RecordActuals(appraisal_id=aid, figures=stale), perf.MIA
        ).then_refused(
            "actual_as_kpi_view_or_corrected",
            detail="visits: the KPI figure stated is 0, the KPI view has 1 for 2026-03 as of "
            "2026-03-31",
        )


def test_an_application_without_the_view_takes_the_stated_figures_as_stated(store_url):
    """A bare application used as a library has no KPI view to compare with
    (``SalesApplication.kpi_figures`` is ``None``); ``build_system`` always gives it."""
    with closing(make_system(store_url)) as system:
        aid, figures = opened_in_april(system)
        system.app.kpi_figures = None
        false = with_revenue(figures, value=Decimal(90_000), kpi_figure=Decimal(90_000))
        with freeze_time("2026-04-03 09:00:00+00:00"):
            Spec(system.app).when(pc.RecordActuals(appraisal_id=aid, figures=false), perf.MIA).then(
                "Appraisal.ActualsRecorded"
            )
