"""Long passes over the log collect cyclic garbage once a page, not by allocation counts
(ADR 78), and leave the collector as they found it."""

from __future__ import annotations

import gc
import threading
import weakref
from itertools import pairwise
from typing import Any

import pytest
from salesdomain.projections.as_of import views_as_of
from salesdomain.projections.changes import Insert, RowChange
from salesdomain.projections.collection import collected_once_a_page
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.projection import Projection, Tables
from salesdomain.projections.read_models import ReadModels
from sqlalchemy import Column, Integer, MetaData, Table

from tests.test_projection_runner import _deals

PAGE = 5


class _Cycle:
    """An object that refers to itself: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


class Watching(Projection):
    """A view that notes, for each event, whether the automatic collector runs and how
    many of the cycles it left at earlier events are still alive."""

    name = "watching"

    def __init__(self) -> None:
        self.collector_on: list[bool] = []
        self.alive_before: list[tuple[int, int]] = []  # (position, cycles alive)
        self.cycles: list[weakref.ref[_Cycle]] = []

    def define(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        tables = Tables(metadata, prefix)
        tables.add("seen", Column("position", Integer, primary_key=True))
        return tables.defined

    def changes(self, event: object, position: int) -> list[RowChange]:
        self.collector_on.append(gc.isenabled())
        alive = sum(1 for cycle in self.cycles if cycle() is not None)
        self.alive_before.append((position, alive))
        self.cycles.append(weakref.ref(_Cycle()))
        return [Insert("seen", {"position": position})]


def _alive_at_page_starts(watching: Watching) -> list[int]:
    """The cycles alive at the first event of each page after the first (a page: the
    log positions after a multiple of ``PAGE``, up to the next)."""
    pages = [((position - 1) // PAGE, alive) for position, alive in watching.alive_before]
    return [alive for (before, _), (page, alive) in pairwise(pages) if page != before]


@pytest.fixture
def collector_as_found() -> Any:
    state = (gc.isenabled(), gc.get_freeze_count() > 0)
    yield state
    assert (gc.isenabled(), gc.get_freeze_count() > 0) == state, "the collector was left changed"


def test_a_rebuild_pauses_the_collector_and_frees_each_pages_cycles_before_the_next(
    app, views, collector_as_found
):
    _deals(app, 2)
    watching = Watching()
    models = ReadModels(views, ApplicationLog(app), [watching], checkpoint_every=None)
    models.rebuild(page_size=PAGE)
    assert not any(watching.collector_on), "collection ran by allocation counts"
    starts = _alive_at_page_starts(watching)
    assert len(starts) >= 3
    assert starts == [0] * len(starts), "cycles a page left were alive in the next"


def test_views_as_of_a_moment_are_replayed_the_same_way(app, views, collector_as_found):
    _deals(app, 2)
    watching = Watching()
    live = ReadModels(views, ApplicationLog(app), [watching], checkpoint_every=None)
    with views_as_of(live, position=live.log.head(), page_size=PAGE):
        pass
    assert not any(watching.collector_on), "collection ran by allocation counts"
    starts = _alive_at_page_starts(watching)
    assert len(starts) >= 3
    assert starts == [0] * len(starts), "cycles a page left were alive in the next"


def test_a_collector_disabled_or_frozen_before_stays_so():
    enabled = gc.isenabled()
    gc.disable()
    gc.freeze()
    try:
        with collected_once_a_page() as after_page:
            after_page()
        assert not gc.isenabled()
        assert gc.get_freeze_count() > 0, "objects the process froze were thawed"
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


def test_passes_in_several_threads_restore_the_collector_only_when_the_last_ends(
    collector_as_found,
):
    first_in, second_done = threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with collected_once_a_page():
            first_in.set()
            second_done.wait(5)
            seen.append(gc.isenabled())

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(5)
    with collected_once_a_page():
        pass
    second_done.set()
    thread.join(5)
    assert seen == [False], "the second pass's end turned the collector on under the first"
