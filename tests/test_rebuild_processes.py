"""Rebuilding the views in several processes (ADR 75): each process rebuilds its share
of the views, the views hold what one process builds, a view that stops in another
process is reported here, and a rebuild of a view being rebuilt is refused before any
process starts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from functools import partial
from typing import Any
from uuid import uuid4

import pytest
from freezegun import freeze_time
from salesdomain.adapters.bootstrap import System, bootstrap
from salesdomain.adapters.rebuilding import (
    MOST_PROCESSES_ASKED,
    SHARED_FROM,
    rebuild_in_processes,
    share,
)
from salesdomain.adapters.store import parse_database_url
from salesdomain.adapters.views import view_engine
from salesdomain.projections.changes import RowChange
from salesdomain.projections.conformance.view import ConformanceView
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.projection import Projection, Tables
from salesdomain.projections.read_models import ReadModels, default_projections
from salesdomain.projections.runner import RebuildInProgress, rebuild_lock
from sqlalchemy import Column, Integer, MetaData, Table, select

from salesdomain.policy import SalesPolicy
from salesdomain.prospecting.customer import Customer
from tests import builders as b
from tests.conftest import FREEZEGUN_TRANSCODINGS, make_system


def _deal(system: System) -> None:
    with freeze_time("2026-03-02 09:00:00+00:00"):
        reg = b.register(name=f"Share Test {uuid4().hex[:6]}", reg=uuid4().hex[:12])
        for command, actor in b.won_deal(uuid4(), reg):
            system.app.handle(command, actor)


def _rows(system: System) -> dict[str, dict[str, list[tuple[Any, ...]]]]:
    """Every row of every view serving reads, by view and table."""
    found = {}
    for name in system.views.runners:
        engine, tables = system.views.view(name)
        with engine.connect() as conn:
            found[name] = {
                logical: sorted(map(tuple, conn.execute(select(table))), key=repr)
                for logical, table in tables.items()
            }
    return found


def test_the_views_are_shared_among_processes_by_weight():
    views = [*default_projections(), ConformanceView(SalesPolicy())]
    weight = {view.name: view.rebuild_weight for view in views}

    two = share(views, 2)

    assert sorted(name for names in two for name in names) == sorted(weight)
    loads = [sum(weight[name] for name in names) for names in two]
    assert max(loads) - min(loads) <= max(weight.values())  # the heaviest first
    assert two[0][0] == "conformance"
    assert share(views, 1) == [sorted(weight, key=lambda name: (-weight[name], name))]
    assert share(views[:2], 4) == [[views[0].name], [views[1].name]]  # no empty share
    for wrong in (0, MOST_PROCESSES_ASKED + 1):
        with pytest.raises(ValueError, match=f"processes: {wrong}; say 1 to 16"):
            share(views, wrong)


@pytest.fixture
def shared_system(shared_store: str) -> Iterator[System]:
    with closing(make_system(shared_store)) as system:
        yield system


def test_two_processes_build_what_one_process_builds(shared_store, shared_system):
    # Given views kept up to date with two won deals
    _deal(shared_system)
    _deal(shared_system)
    shared_system.views.catch_up()
    before = _rows(shared_system)

    # When they are rebuilt in two processes
    rebuilt = rebuild_in_processes(shared_system, partial(make_system, shared_store), processes=2)

    # Then each process rebuilt its share, every view serves a new generation at the
    # head of the log, and the views hold what they held
    assert len(rebuilt.shares) == 2
    assert sorted(n for names in rebuilt.shares for n in names) == sorted(
        shared_system.views.runners
    )
    assert rebuilt.generations == dict.fromkeys(shared_system.views.runners, 2)
    status = {s.name: s for s in shared_system.views.status()}
    assert all(s.generation == 2 and s.lag == 0 and not s.stopped for s in status.values())
    assert _rows(shared_system) == before


def test_the_progress_told_is_the_slowest_processs_to_the_head(shared_store, shared_system):
    _deal(shared_system)
    told: list[tuple[int, int]] = []
    rebuild_in_processes(
        shared_system,
        partial(make_system, shared_store),
        processes=2,
        page_size=5,  # many pages, each told
        progress=lambda position, head: told.append((position, head)),
    )
    head = shared_system.views.log.head()
    assert len(told) > head // 5
    assert told[-1] == (head, head)
    assert [p for p, _ in told] == sorted(p for p, _ in told)  # never going back


class Refusing(Projection):
    """A view that cannot apply a customer's registration."""

    name = "refusing"

    def define(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        tables = Tables(metadata, prefix)
        tables.add("seen", Column("position", Integer, primary_key=True))
        return tables.defined

    def changes(self, event: object, position: int) -> list[RowChange]:
        if isinstance(event, Customer.Registered):
            raise ValueError("a registration this view cannot apply")
        return []


def with_a_refusing_view(url: str) -> System:
    """The system on ``url`` with the audit trail and ``Refusing`` as its views."""
    app = bootstrap(url, extra_transcodings=FREEZEGUN_TRANSCODINGS, verify_actors=False)
    engine = view_engine(parse_database_url(url))
    views = ReadModels(engine, ApplicationLog(app), [default_projections()[0], Refusing()])
    return System(app, views, engine)


def test_a_view_that_stops_in_another_process_is_reported_here(shared_store):
    # Given a view the other process will rebuild, which cannot apply an event
    with closing(with_a_refusing_view(shared_store)) as system:
        _deal(system)
        shown = [system.views.runners[n].projection for n in ("audit", "refusing")]
        assert share(shown, 2) == [["audit"], ["refusing"]]

        # When the views are rebuilt in two processes
        rebuilt = rebuild_in_processes(
            system, partial(with_a_refusing_view, shared_store), processes=2
        )

        # Then the audit trail is rebuilt here, and the other process's stop is known
        # here: which view, at which event, and why; it keeps the generation it served
        assert rebuilt.generations == {"audit": 2}
        stopped = system.views.stopped["refusing"]
        assert stopped.event == "Customer.Registered"
        assert "a registration this view cannot apply" in stopped.reason
        status = {s.name: s.generation for s in system.views.status()}
        assert status == {"audit": 2, "refusing": 1}


def test_a_rebuild_of_a_view_being_rebuilt_is_refused_before_any_process_starts(
    shared_store, shared_system
):
    _deal(shared_system)
    shared_system.views.catch_up()
    refused = pytest.raises(RebuildInProgress, match="rebuild of the view pipeline is running")
    with rebuild_lock(shared_system.views.engine, ["pipeline"]), refused:
        rebuild_in_processes(shared_system, partial(make_system, shared_store), processes=2)
    assert {s.generation for s in shared_system.views.status()} == {1}


def test_a_short_log_is_rebuilt_in_one_process_unless_more_are_asked_for(
    shared_store, shared_system
):
    _deal(shared_system)
    assert shared_system.views.log.head() < SHARED_FROM
    reopen = partial(make_system, shared_store)
    assert rebuild_in_processes(shared_system, reopen).shares == [list(shared_system.views.runners)]
    assert len(rebuild_in_processes(shared_system, reopen, processes=2).shares) == 2


def test_a_view_that_does_not_exist_is_named_and_nothing_is_rebuilt():
    with closing(make_system("memory://")) as system:
        with pytest.raises(ValueError, match="no view is called pipe "):
            rebuild_in_processes(system, None, ["audit", "pipe"])
        assert {s.generation for s in system.views.status()} == {1}


def test_a_store_in_memory_is_rebuilt_in_this_process():
    with closing(make_system("memory://")) as system:
        _deal(system)
        rebuilt = rebuild_in_processes(system, partial(make_system, "memory://"), processes=2)
        assert rebuilt.shares == [list(system.views.runners)]
        assert rebuilt.generations == dict.fromkeys(system.views.runners, 2)
