"""Views under several processes (issue 13): one rebuild at a time, what a killed
rebuild left behind dropped when the views are next opened, and tables created by
several workers starting at once."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from typing import Any
from uuid import uuid4

import pytest
from freezegun import freeze_time
from salesdomain.adapters.store import parse_database_url
from salesdomain.adapters.views import view_engine
from salesdomain.projections.integrity import ChainKeeper
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.read_models import ReadModels
from salesdomain.projections.runner import (
    ProjectionRunner,
    RebuildInProgress,
    projection_state,
    rebuild_lock,
)
from sqlalchemy import Engine, inspect, select

from tests import builders as b
from tests.projection_helpers import SYSTEM_VIEWS
from tests.threads import at_once


def _deal(app: Any) -> None:
    with freeze_time("2026-03-02 09:00:00+00:00"):
        reg = b.register(name=f"Lock Test {uuid4().hex[:6]}", reg=uuid4().hex[:12])
        for command, actor in b.won_deal(uuid4(), reg):
            app.handle(command, actor)


def _reopened(store_url: str, views: Engine) -> Engine:
    """The views' database as another process opens it (memory: the same engine)."""
    return views if store_url.startswith("memory") else view_engine(parse_database_url(store_url))


def _generations(engine: Engine) -> dict[str, list[tuple[int, str]]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                projection_state.c.name, projection_state.c.generation, projection_state.c.status
            )
        ).all()
    found: dict[str, list[tuple[int, str]]] = {}
    for name, generation, status in sorted(rows):
        found.setdefault(name, []).append((generation, status))
    return found


def _tables(engine: Engine, prefix: str) -> list[str]:
    return [t for t in inspect(engine).get_table_names() if t.startswith(prefix)]


def test_a_second_rebuild_is_refused_while_one_runs(app, views):
    # Given a rebuild of the audit trail running (it holds the audit trail's lock)
    _deal(app)
    models = ReadModels(views, ApplicationLog(app))
    models.catch_up()
    with rebuild_lock(views, ["audit"]):
        # When another rebuild starts, of all views or of the audit trail
        with pytest.raises(RebuildInProgress, match="another rebuild of the view audit is running"):
            models.rebuild()
        with pytest.raises(RebuildInProgress):
            models.runner("audit").rebuild()
        # Then it changed nothing
        assert {s.generation for s in models.status()} == {1}
        # And a rebuild of other views runs beside it (each process its share, ADR 75)
        assert models.rebuild(["pipeline", "kpi"]) == {"pipeline": 2, "kpi": 2}
    # And once the first is done, a rebuild runs
    assert models.rebuild() == {n: 3 if n in ("pipeline", "kpi") else 2 for n in models.runners}


def test_rebuilds_in_two_threads_one_refused_the_other_done(shared_store, app, views):
    _deal(app)
    models = [ReadModels(views, ApplicationLog(app)) for _ in range(2)]
    results: list[Any] = []

    def rebuild(own: ReadModels) -> None:
        try:
            results.append(own.rebuild())
        except RebuildInProgress as refused:
            results.append(refused)

    assert at_once(rebuild, [(m,) for m in models]) == []
    done = [r for r in results if isinstance(r, dict)]
    assert done, results
    assert len(done) + sum(isinstance(r, RebuildInProgress) for r in results) == 2
    statuses = {s.name: s for s in models[0].status()}
    assert all(s.lag == 0 and not s.stopped for s in statuses.values())
    assert all(len(g) == 1 for g in _generations(views).values())  # nothing left behind


def test_two_takers_of_the_rebuild_lock_at_one_instant_never_both_refused(views):
    # Two rebuilds starting at the same instant, many times over: SQLite refused both
    # now and then when its lock file was taken without a wait (a CI failure)
    holding: list[int] = []
    overlaps: list[int] = []

    def take(round_: int, got: list[bool]) -> None:
        try:
            with rebuild_lock(views, ["audit", "pipeline"]):
                holding.append(round_)
                if len(holding) > 1:
                    overlaps.append(round_)
                time.sleep(0.002)
                holding.pop()
            got.append(True)
        except RebuildInProgress:
            got.append(False)

    for round_ in range(150):
        got: list[bool] = []
        assert at_once(take, [(round_, got), (round_, got)]) == []
        assert any(got), f"both refused in round {round_}"
    assert overlaps == []


def test_opening_the_views_drops_the_old_generation_a_killed_rebuild_left(
    store_url, app, views, monkeypatch
):
    # Given a rebuild killed after it switched reads to the new generation, before it
    # dropped the old one (which may hold personal data forgotten since)
    _deal(app)
    models = ReadModels(views, ApplicationLog(app))
    models.catch_up()
    real_drop = ProjectionRunner._drop_generation

    def killed(self: Any, conn: Any, generation: int) -> None:
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(ProjectionRunner, "_drop_generation", killed)
    with pytest.raises(KeyboardInterrupt):
        models.rebuild(["audit"])
    monkeypatch.setattr(ProjectionRunner, "_drop_generation", real_drop)
    assert _generations(views)["audit"] == [(1, "retired"), (2, "active")]
    assert _tables(views, "audit_g1_")

    # When the views are opened again (a restart, another process)
    engine = _reopened(store_url, views)
    reopened = ReadModels(engine, ApplicationLog(app))

    # Then the old generation and its tables are gone, and the new one serves
    assert _generations(engine)["audit"] == [(2, "active")]
    assert _tables(engine, "audit_g1_") == []
    assert {s.name: s.generation for s in reopened.status()}["audit"] == 2
    assert reopened.catch_up()["audit"] == ApplicationLog(app).head()
    if engine is not views:
        engine.dispose()


def test_opening_the_views_drops_a_half_built_generation(store_url, app, views):
    _deal(app)
    runner = ReadModels(views, ApplicationLog(app)).runner("pipeline")
    _, new = runner.start_rebuild()
    runner.run_batch(10, generation=new)  # killed half-way
    assert _generations(views)["pipeline"] == [(1, "active"), (2, "building")]

    engine = _reopened(store_url, views)
    dropped = ReadModels(engine, ApplicationLog(app)).discard_unfinished()

    assert dropped == {}  # already done when they were opened
    assert _generations(engine)["pipeline"] == [(1, "active")]
    assert _tables(engine, "pipeline_g2_") == []
    if engine is not views:
        engine.dispose()


def test_opening_the_views_leaves_a_running_rebuild_alone(app, views):
    _deal(app)
    runner = ReadModels(views, ApplicationLog(app)).runner("pipeline")
    with rebuild_lock(views, ["pipeline"]):
        runner.start_rebuild()  # a rebuild running, in another process say
        ReadModels(views, ApplicationLog(app))
        assert _generations(views)["pipeline"] == [(1, "active"), (2, "building")]


def test_several_workers_create_the_tables_at_once(shared_store, app):
    # Given a store without views, and six workers starting at once, each on its own
    # connections (PostgreSQL fails concurrent CREATE TABLE IF NOT EXISTS of one table)
    engines = [view_engine(parse_database_url(shared_store)) for _ in range(6)]
    made = iter(engines)
    lock = threading.Lock()

    def make() -> None:
        with lock:
            engine = next(made)
        ReadModels(engine, ApplicationLog(app))
        ChainKeeper(engine, app)

    # When they open the views
    errors = at_once(make, [()] * len(engines))

    # Then all of them can, and each view has one generation, serving
    assert errors == []
    generations = _generations(engines[0])
    assert set(generations) == {*SYSTEM_VIEWS, "event_chain"}
    assert all(found == [(1, "active")] for found in generations.values())
    for engine in engines:
        engine.dispose()


@pytest.mark.postgres
def test_several_processes_create_the_tables_at_once(postgres_schema_url):
    # Given a schema without views, and three processes starting at once
    from tests.conftest import make_app

    make_app(postgres_schema_url).close()  # the store and its schema exist
    script = textwrap.dedent(
        f"""
        import sys
        from salesdomain.adapters.store import parse_database_url
        from salesdomain.adapters.views import view_engine
        from salesdomain.projections.read_models import ReadModels

        class EmptyLog:
            def head(self): return 0
            def read(self, after, limit): return []

        sys.stdin.readline()  # the go
        engine = view_engine(parse_database_url({postgres_schema_url!r}))
        ReadModels(engine, EmptyLog())
        print("opened")
        """
    )
    # When they open the views at once
    codes, outcomes = _at_once(script, 3)

    # Then all of them can
    assert codes == [0, 0, 0], outcomes
    engine = view_engine(parse_database_url(postgres_schema_url))
    assert all(found == [(1, "active")] for found in _generations(engine).values())
    engine.dispose()


@pytest.mark.postgres
def test_several_web_workers_start_at_once_on_a_new_schema(postgres_schema_url):
    # Given a schema nobody has used, and three workers starting at once (uvicorn
    # --workers 3): each creates the schema, the event store, the keys, views, tokens
    script = textwrap.dedent(
        f"""
        import sys
        from salesdomain.adapters.bootstrap import build_system
        from salesdomain.adapters.web.app import create_app

        sys.stdin.readline()  # the go
        system = build_system({postgres_schema_url!r})
        create_app(system)
        system.close()
        print("started")
        """
    )
    # When they start at once
    codes, outcomes = _at_once(script, 3)

    # Then every one of them does
    assert codes == [0, 0, 0], outcomes


def _at_once(script: str, count: int) -> tuple[list[int], list[tuple[str, str]]]:
    """Run ``script`` in ``count`` processes that wait for one "go" line on stdin, give
    it to all of them, and return their exit codes and (stdout, stderr)."""
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", script],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    outcomes = [worker.communicate(timeout=120) for worker in workers]
    return [worker.returncode for worker in workers], outcomes
