"""Every view as of a past moment equals the live view as it was then; live views untouched."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from freezegun import freeze_time
from salesdomain.projections.as_of import views_as_of
from salesdomain.projections.audit import query_audit
from salesdomain.projections.kpi import kpi_table
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.operations import (
    awaiting_inspection,
    awaiting_shipment,
    open_tasks,
    service_cases,
)
from salesdomain.projections.pipeline import pipeline_as_of
from salesdomain.projections.read_models import ReadModels
from salesdomain.projections.runner import projection_state
from sqlalchemy import inspect, select

from tests.past_scenario import T0, Case, run
from tests.spec import log_position


def answers(views: ReadModels, probabilities: Any, at: Any) -> dict[str, Any]:
    """What the query functions answer on these views at ``at``."""
    engine = views.engine
    kpi = views.runner("kpi").tables()
    operations = views.runner("operations").tables()
    return {
        "pipeline": pipeline_as_of(engine, views.runner("pipeline").tables(), probabilities, at),
        "kpi": kpi_table(
            engine, kpi, grain="month", by="rep", since=date(2026, 3, 1), until=date(2026, 3, 31)
        ),
        "audit": query_audit(engine, views.runner("audit").tables()["entries"], limit=10_000),
        "tasks": open_tasks(engine, operations, at),
        "inspection": awaiting_inspection(engine, operations, at),
        "shipment": awaiting_shipment(engine, operations, at),
        "service": service_cases(engine, operations, at),
    }


def every_row(views: ReadModels) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every view's tables, by logical table name, in key order."""
    found = {}
    with views.engine.connect() as conn:
        for name, runner in views.runners.items():
            for logical, table in runner.tables().items():
                rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
                found[f"{name}.{logical}"] = [tuple(row) for row in rows]
    return found


def state_rows(views: ReadModels) -> list[tuple[Any, ...]]:
    with views.engine.connect() as conn:
        rows = conn.execute(select(projection_state).order_by(projection_state.c.name)).all()
    return [(r.name, r.generation, r.status, r.position) for r in rows]


@pytest.fixture
def live(app, views):
    return ReadModels(views, ApplicationLog(app))


def test_views_as_of_a_moment_equal_the_live_views_then(app, live):
    case, probabilities = Case(), app.policy.stage_probability
    with freeze_time(T0) as frozen:
        run(app, case.first_half(), frozen)
        live.catch_up()
        t1 = datetime.now(UTC) - timedelta(minutes=1)  # between two steps
        then, rows_then, position_then = (
            answers(live, probabilities, t1),
            every_row(live),
            log_position(app),
        )
        run(app, case.second_half(), frozen)
        live.catch_up()
    assert then["tasks"]
    assert then["inspection"]
    assert not then["service"]
    rows_now, state_now = every_row(live), state_rows(live)
    tables_now = set(inspect(live.engine).get_table_names())

    past = views_as_of(app, t1)
    try:
        assert past.position == position_then
        assert answers(past, probabilities, t1) == then
        assert every_row(past) == rows_then
        assert not past.stopped
    finally:
        past.close()

    assert every_row(live) == rows_now != rows_then  # the live views are untouched
    assert state_rows(live) == state_now
    assert set(inspect(live.engine).get_table_names()) == tables_now


def test_as_of_the_exact_timestamp_of_an_event_includes_it(app, live):
    case = Case()
    with freeze_time(T0) as frozen:
        run(app, case.first_half(), frozen)
    live.catch_up()
    entries = query_audit(live.engine, live.runner("audit").tables()["entries"], limit=10_000)
    last = entries[-1]
    with views_as_of(live, last.recorded_at) as past:
        audit = query_audit(past.engine, past.runner("audit").tables()["entries"], limit=10_000)
        assert audit == entries
    earlier = last.recorded_at - timedelta(microseconds=1)
    with views_as_of(live, earlier) as past:
        audit = query_audit(past.engine, past.runner("audit").tables()["entries"], limit=10_000)
        assert [e.position for e in audit] == [
            e.position for e in entries if e.recorded_at <= earlier
        ]
        assert audit[-1].recorded_at < last.recorded_at


def test_before_the_first_event_every_view_is_empty_and_a_position_cuts_too(app, live):
    case = Case()
    with freeze_time(T0) as frozen:
        run(app, case.first_half(), frozen)
    with views_as_of(app, T0 - timedelta(days=1)) as past:
        assert past.position == 0
        assert all(rows == [] for rows in every_row(past).values())
    with views_as_of(app, position=5) as past:
        audit = query_audit(past.engine, past.runner("audit").tables()["entries"])
        assert past.position == 5
        assert audit
        assert max(e.position for e in audit) <= 5


def test_as_of_needs_a_zoned_time_or_a_position(app):
    with pytest.raises(ValueError, match="needs a time zone"):
        views_as_of(app, T0.replace(tzinfo=None))
    with pytest.raises(ValueError, match="as of when"):
        views_as_of(app)


def test_past_views_are_never_built_over_views_that_hold_rows(app, live):
    with freeze_time(T0) as frozen:
        run(app, Case().first_half(), frozen)
    live.catch_up()
    rows = every_row(live)
    with pytest.raises(ValueError, match="built in an empty database"):
        views_as_of(app, T0, engine=live.engine)
    assert every_row(live) == rows
