"""A view built by older code is rebuilt (issue 16, upgrades): each generation records
the version of the projection that built it; a release that changes a view's tables or
what they hold raises its projection's ``version``, and ``ReadModels.upgrade`` (run by
the follower and by ``serve`` at start) rebuilds the views an older release built."""

from __future__ import annotations

import json
import subprocess
import sys
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any, ClassVar
from uuid import uuid4

import pytest
from freezegun import freeze_time
from salesdomain.projections.audit import AuditTrail
from salesdomain.projections.kpi import Kpi, kpi_table
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.operations import Operations
from salesdomain.projections.pipeline import Pipeline
from salesdomain.projections.projection import built_by
from salesdomain.projections.read_models import ReadModels
from salesdomain.projections.runner import projection_state
from sqlalchemy import Engine, func, select, text, update

from tests import builders as b
from tests.conftest import make_system


class NextPipeline(Pipeline):
    """The pipeline view as the next release would have it."""

    version: ClassVar[int] = Pipeline.version + 1


def _models(views: Engine, app: Any, pipeline: Pipeline) -> ReadModels:
    return ReadModels(views, ApplicationLog(app), [AuditTrail(), pipeline, Kpi(), Operations()])


def _deal(app: Any) -> None:
    with freeze_time("2026-03-02 09:00:00+00:00"):
        reg = b.register(name=f"Version Test {uuid4().hex[:6]}", reg=uuid4().hex[:12])
        for command, actor in b.won_deal(uuid4(), reg):
            app.handle(command, actor)


def _opportunities(models: ReadModels) -> int:
    runner = models.runner("pipeline")
    with runner.engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).select_from(runner.tables()["opportunities"])
            ).scalar_one()
        )


def test_a_view_an_older_release_built_is_rebuilt_and_the_others_are_left(app, views):
    # Given views built and caught up by this release
    _deal(app)
    models = _models(views, app, Pipeline())
    models.catch_up()
    assert models.outdated() == []
    assert models.upgrade() == {}
    # When the next release raises the pipeline's version
    upgraded = _models(views, app, NextPipeline())
    # Then only the pipeline is outdated, and upgrading rebuilds it alone
    assert upgraded.outdated() == ["pipeline"]
    assert [s.name for s in upgraded.status() if s.outdated] == ["pipeline"]
    assert upgraded.upgrade() == {"pipeline": 2}
    status = {s.name: s for s in upgraded.status()}
    assert (status["pipeline"].generation, status["pipeline"].version) == (2, Pipeline.version + 1)
    assert status["audit"].generation == 1
    assert upgraded.outdated() == []
    assert _opportunities(upgraded) == 1


def test_views_of_a_release_that_recorded_no_version_are_rebuilt(app, views):
    # Given views whose status rows name no version (built before versions were kept)
    _deal(app)
    models = _models(views, app, Pipeline())
    models.catch_up()
    with views.begin() as conn:
        conn.execute(update(projection_state).values(version=None))
    # When the views are opened again, Then every one is outdated and is rebuilt
    again = _models(views, app, Pipeline())
    assert sorted(again.outdated()) == ["audit", "kpi", "operations", "pipeline"]
    assert set(again.upgrade()) == {"audit", "kpi", "operations", "pipeline"}
    assert again.outdated() == []
    assert _opportunities(again) == 1


def test_the_follower_rebuilds_what_views_status_shows_outdated(tmp_path):
    # Given a store whose views were built by a release that recorded no version
    url = f"sqlite:///{tmp_path}/events.db"
    with closing(make_system(url)) as system:
        _deal(system.app)
        system.views.catch_up()
        with system.views.engine.begin() as conn:
            conn.execute(update(projection_state).values(version=None))
    salesdomain = str(Path(sys.executable).with_name("salesdomain"))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [salesdomain, *args, "--database-url", url], capture_output=True, text=True, check=False
        )

    # When the status is asked, Then it names them outdated
    before = run("views", "status", "--json")
    assert before.returncode == 0, before.stderr
    statuses = json.loads(before.stdout)
    assert all(v["outdated"] for v in statuses)
    named = ", ".join(v["name"] for v in statuses if v["name"] != "log")
    assert f"built by an older release: {named}" in " ".join(before.stderr.split())
    # And the follower rebuilds them as it starts
    follower = run("views", "follow", "--seconds", "0.2")
    assert follower.returncode == 0, follower.stderr
    assert "Rebuilt the views an older release built" in follower.stderr
    after = json.loads(run("views", "status", "--json").stdout)
    assert not any(v["outdated"] for v in after)


def _kpi_by_rep(models: ReadModels) -> list[Any]:
    runner = models.runner("kpi")
    return kpi_table(
        runner.engine,
        runner.tables(),
        grain="month",
        by="rep",
        since=date(2026, 1, 1),
        until=date(2026, 12, 31),
    )


def test_a_kpi_view_built_before_the_sums_serves_its_facts_until_rebuilt(app, views):
    # Given a KPI view a release before the sums by day and month built (ADR 41): its
    # status row says version 1 and it has no tables of sums
    _deal(app)
    models = _models(views, app, Pipeline())
    models.catch_up()
    expected = _kpi_by_rep(models)
    with views.begin() as conn:
        for table in ("sums_by_day", "sums_by_month"):
            conn.execute(text(f"DROP TABLE kpi_g1_{table}"))
        conn.execute(
            update(projection_state).where(projection_state.c.name == "kpi").values(version=1)
        )
    # When this release opens it, and follows one more deal into it before rebuilding
    served = _models(views, app, Pipeline())
    assert served.outdated() == ["kpi"]
    _deal(app)
    served.catch_up()
    # Then it answers from its facts, as the sums there hold only the last deal
    grown = _kpi_by_rep(served)
    assert [row.revenue for row in grown] == [2 * row.revenue for row in expected]
    assert built_by(served.runner("kpi").tables(), Kpi) == 1
    # And once rebuilt, the same figures come from the sums
    assert served.upgrade() == {"kpi": 2}
    assert built_by(served.runner("kpi").tables(), Kpi) == Kpi.version
    assert _kpi_by_rep(served) == grown


def test_a_rebuilt_view_has_its_statistics_on_postgresql(app, views):
    # Given views with a deal in them
    if views.dialect.name != "postgresql":
        pytest.skip("SQLite plans these queries without statistics; PostgreSQL needs them")
    _deal(app)
    models = _models(views, app, Pipeline())
    models.catch_up()
    # When the pipeline is rebuilt
    generation = models.rebuild(["pipeline"])["pipeline"]
    # Then the planner knows its new tables at once, not when autovacuum comes by
    names = [table.name for table in models.runner("pipeline").tables().values()]
    assert all(name.startswith(f"pipeline_g{generation}_") for name in names)
    with views.connect() as conn:
        analysed = conn.execute(
            text(
                "SELECT relname FROM pg_stat_user_tables"
                " WHERE relname = ANY(:names) AND last_analyze IS NOT NULL"
            ),
            {"names": names},
        ).scalars()
        assert sorted(analysed) == sorted(names)
