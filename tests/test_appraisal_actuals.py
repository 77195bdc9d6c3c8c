"""The figure recorded in an appraisal equals the KPI table's figure for that period."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

from freezegun import freeze_time
from salesdomain.projections.appraisal_actuals import appraisal_actuals
from salesdomain.projections.kpi import kpi_table
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.read_models import ReadModels

from salesdomain.people.values import Period
from salesdomain.performance import commands as pc
from salesdomain.performance.appraisal import Appraisal
from salesdomain.performance.values import Indicator
from tests import builders as b
from tests import performance_builders as perf
from tests.order_builders import completed_order


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
