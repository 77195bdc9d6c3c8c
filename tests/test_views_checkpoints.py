"""Views as of a moment started from a checkpoint equal the full replay's (ADR 40)."""

from __future__ import annotations

import gc
from collections.abc import Sequence
from datetime import timedelta
from itertools import pairwise
from typing import Any, ClassVar

import pytest
from freezegun import freeze_time
from salesdomain.projections.as_of import views_as_of
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.pipeline import Pipeline
from salesdomain.projections.read_models import ReadModels, default_projections
from salesdomain.projections.runner import changed_rows
from salesdomain.projections.runner.checkpoints import (
    kept_tables,
    projection_checkpoints,
    usable_checkpoint,
)
from sqlalchemy import Table, inspect, select

from tests.past_scenario import T0, Case, run
from tests.spec import log_position
from tests.test_views_as_of import every_row

MICRO = timedelta(microseconds=1)


class CountingLog:
    """The application's log, noting where reads start and how many events they read."""

    def __init__(self, log: ApplicationLog) -> None:
        self.log = log
        self.read_events = 0
        self.starts: list[int] = []

    def head(self) -> int:
        return self.log.head()

    def read(self, after: int, limit: int) -> Sequence[tuple[int, Any]]:
        page = self.log.read(after, limit)
        self.read_events += len(page)
        self.starts.append(after)
        return page


def checkpoints(views: ReadModels) -> list[tuple[str, int, int]]:
    c = projection_checkpoints.c
    with views.engine.connect() as conn:
        rows = conn.execute(select(c.name, c.generation, c.position).order_by(*c)).all()
    return [tuple(row) for row in rows]


@pytest.fixture
def counted(app):
    return CountingLog(ApplicationLog(app))


def keep(app, views, log, every: int) -> ReadModels:
    """Given the whole case recorded, its views caught up one event at a time, taking
    a checkpoint past every ``every``-th position."""
    live = ReadModels(views, log, checkpoint_every=every)
    case = Case()
    with freeze_time(T0) as frozen:
        run(app, [*case.first_half(), *case.second_half()], frozen)
    live.catch_up(batch_size=1)
    return live


@pytest.fixture
def kept(app, views, counted):
    """A checkpoint at every position."""
    return keep(app, views, counted, 1)


@pytest.fixture
def sparse(app, views):
    """A checkpoint at every fifth position."""
    return keep(app, views, ApplicationLog(app), 5)


def moments(app) -> list[Any]:
    """Some events' moments (the first, the last, one shared by two events, every fifth),
    a microsecond before and after each, and well outside them all."""
    events = {p: e for p, e in ApplicationLog(app).read(0, 10_000) if e is not None}
    every = sorted({event.timestamp for event in events.values()})
    shared = events[same_timestamp_pairs(app)[0]].timestamp
    stamps = sorted({*every[::5], every[-1], shared})
    around = {m + d for m in stamps for d in (-MICRO, timedelta(0), MICRO)}
    return [T0 - timedelta(days=1), *sorted(around), stamps[-1] + timedelta(days=1)]


def same_timestamp_pairs(app) -> list[int]:
    """Positions whose event has the same timestamp as the next one."""
    page = [(p, e) for p, e in ApplicationLog(app).read(0, 10_000) if e is not None]
    return [p for (p, e), (_, f) in pairwise(page) if e.timestamp == f.timestamp]


def test_from_a_checkpoint_the_views_equal_the_full_replay_at_every_moment(app, kept, counted):
    head = kept.log.head()
    assert {p for _, _, p in checkpoints(kept)} == set(range(1, head + 1))
    assert same_timestamp_pairs(app)  # the case has a checkpoint between equal stamps
    for at in moments(app):
        with views_as_of(app, at) as replayed:
            counted.starts = []
            with views_as_of(kept, at) as started:
                assert started.position == replayed.position, at
                assert every_row(started) == every_row(replayed), at
                assert not started.stopped
        assert min(counted.starts, default=started.position) == started.position  # at the cut


def cuts_equal_the_replay(app, views: ReadModels, positions: list[int]) -> None:
    """The views as of each position, started from a checkpoint, equal the replay's."""
    for position in positions:
        with (
            views_as_of(app, position=position) as replayed,
            views_as_of(views, position=position) as started,
        ):
            assert started.position == replayed.position == position
            assert every_row(started) == every_row(replayed)


def test_a_position_cut_starts_from_the_checkpoint_at_or_before_it(app, sparse):
    cuts_equal_the_replay(app, sparse, [1, 5, sparse.log.head() - 1])


def test_a_checkpoint_stores_only_the_state_rows_written_since_the_one_before(app, kept):
    pipeline = kept.runner("pipeline")
    table = kept_tables(pipeline, pipeline.active_generation())["opportunities"]
    with kept.engine.connect() as conn:
        versions = conn.execute(
            select(table).order_by(table.c.opportunity_id, table.c.checkpoint)
        ).all()
        live_rows = conn.execute(select(pipeline.tables()["opportunities"])).all()
    positions = {p for _, _, p in checkpoints(kept)}
    assert len(live_rows) < len(versions) < len(live_rows) * len(positions) / 4
    for before, after in pairwise(versions):
        if before.opportunity_id == after.opportunity_id:  # written: changed, here
            assert tuple(before)[:-1] != tuple(after)[:-1]
    assert "pipeline_g1_ck_stage_history" not in inspect(kept.engine).get_table_names()


def described_tables() -> int:
    """How many table descriptions the process holds."""
    gc.collect()
    return sum(isinstance(thing, Table) for thing in gc.get_objects())


def test_a_generations_checkpoint_tables_are_described_once(sparse):
    """Not again at every checkpoint: those descriptions stayed alive in the statement
    caches, thousands of objects more a page for the collector to go through (ADR 78)."""
    sparse.rebuild(page_size=3)
    before = described_tables()
    sparse.rebuild(page_size=3)  # 10 views, a checkpoint at every fifth position
    grown = described_tables() - before
    runners = sparse.runners.values()
    generation = sum(len(r.tables()) + len(kept_tables(r, r.active_generation())) for r in runners)
    assert grown <= generation


def _lookup_index(views: ReadModels, generation: int) -> tuple[str, set[str]]:
    """The name of the index finding a pipeline row's newest checkpoint, and the
    indexes its checkpoint table has."""
    table = kept_tables(views.runner("pipeline"), generation)["opportunities"]
    present = {str(index["name"]) for index in inspect(views.engine).get_indexes(table.name)}
    return f"{table.name}_rows", present


def indexed_while_built(views: ReadModels, monkeypatch: Any) -> dict[str, bool]:
    """Filled in by the next rebuild: whether the pipeline's new generation had its
    checkpoints' lookup index before it was complete."""
    pipeline = views.runner("pipeline")
    seen: dict[str, bool] = {}
    finish = type(pipeline).finish_rebuild

    def finishing(runner: Any, old: int, new: int) -> int:
        if runner is pipeline:
            name, present = _lookup_index(views, new)
            seen["building"] = name in present
        return finish(runner, old, new)

    monkeypatch.setattr(type(pipeline), "finish_rebuild", finishing)
    return seen


def test_a_rebuild_indexes_its_checkpoints_once_the_generation_is_complete(sparse, monkeypatch):
    """ADR 79: while a generation is built its checkpoint rows are only added at the end
    of their tables; the index finding a row's newest version comes with the others."""
    pipeline = sparse.runner("pipeline")
    name, present = _lookup_index(sparse, pipeline.active_generation())
    assert name in present, "a follower's checkpoints are indexed from the first"
    seen = indexed_while_built(sparse, monkeypatch)
    sparse.rebuild(page_size=3)
    name, present = _lookup_index(sparse, pipeline.active_generation())
    assert seen == {"building": False}
    assert name in present


def test_a_rebuild_that_could_not_note_its_rows_keeps_exact_checkpoints(app, sparse, monkeypatch):
    """Without the keys its batches wrote, a checkpoint compares every row with its
    newest version: by the lookup index, made for it while the generation is built."""
    monkeypatch.setattr(changed_rows, "MOST_KEYS", 0)
    seen = indexed_while_built(sparse, monkeypatch)
    sparse.rebuild(page_size=3)
    assert seen == {"building": True}
    cuts_equal_the_replay(app, sparse, [5, 10, sparse.log.head() - 1])


def test_before_the_first_checkpoint_the_log_is_replayed_from_the_start(app, views, counted):
    with freeze_time(T0) as frozen:
        run(app, Case().first_half(), frozen)
        live = ReadModels(views, counted, checkpoint_every=1_000)
        live.catch_up()
        assert checkpoints(live) == []
        at = frozen().astimezone(T0.tzinfo)
    counted.read_events = 0
    with views_as_of(app, at) as replayed, views_as_of(live, at) as started:
        assert started.position == replayed.position > 0
        assert every_row(started) == every_row(replayed)
    assert counted.read_events == replayed.position


def test_a_rebuild_drops_the_old_generations_checkpoints_and_keeps_new_ones(app, sparse):
    old = {name: runner.active_generation() for name, runner in sparse.runners.items()}
    before = checkpoints(sparse)
    sparse.rebuild(page_size=3)
    after = checkpoints(sparse)
    assert not {c for c in after if c[1] == old[c[0]]}
    assert before
    assert {(c[0], c[1]) for c in after} == {(n, g + 1) for n, g in old.items()}
    tables = inspect(sparse.engine).get_table_names()
    assert not [t for t in tables if t.startswith(("pipeline_g1_", "audit_g1_"))]
    at = T0 + timedelta(minutes=42)
    with views_as_of(app, at) as replayed, views_as_of(sparse, at) as started:
        assert every_row(started) == every_row(replayed)


class PipelineV9(Pipeline):
    version: ClassVar[int] = 9


def test_an_upgraded_view_ignores_the_checkpoints_of_the_version_before(app, sparse, views):
    upgraded = ReadModels(
        views,
        ApplicationLog(app),
        [PipelineV9() if p.name == "pipeline" else p for p in default_projections()],
    )
    assert upgraded.outdated() == ["pipeline"]
    pipeline = upgraded.runner("pipeline")
    head = upgraded.log.head()
    assert usable_checkpoint(pipeline, pipeline.active_generation(), head, None) == 0
    audit = upgraded.runner("audit")
    assert usable_checkpoint(audit, audit.active_generation(), head, None) == head // 5 * 5
    at = T0 + timedelta(minutes=42)
    with views_as_of(app, at) as replayed, views_as_of(upgraded, at) as started:
        assert every_row(started) == every_row(replayed)


def test_only_the_views_asked_for_are_built(sparse):
    with views_as_of(sparse, position=5, only=["pipeline"]) as past:
        assert list(past.runners) == ["pipeline"]
    with pytest.raises(ValueError, match="no view is called nope"):
        views_as_of(sparse, position=5, only=["nope"])


def test_after_a_restart_the_follower_goes_on_taking_checkpoints(app, views):
    case = Case()
    with freeze_time(T0) as frozen:
        run(app, case.first_half(), frozen)
        ReadModels(views, ApplicationLog(app), checkpoint_every=4).catch_up(batch_size=1)
        half = log_position(app)
        run(app, case.second_half(), frozen)
    restarted = ReadModels(views, ApplicationLog(app), checkpoint_every=4)
    restarted.catch_up(batch_size=3)
    taken = {p for name, _, p in checkpoints(restarted) if name == "pipeline"}
    assert [p for p in taken if p > half]
    later = [e.timestamp for _, e in ApplicationLog(app).read(half, 10_000) if e is not None]
    at = later[len(later) // 2]
    with views_as_of(app, at) as replayed, views_as_of(restarted, at) as started:
        assert started.position == replayed.position > half
        assert every_row(started) == every_row(replayed)


def test_views_caught_up_in_one_pass_take_checkpoints_and_equal_the_followers(app, views):
    """The demo's way for a long way to go (a year generated): each page read once for
    every view, with the checkpoints a follower would take and the same rows."""
    case = Case()
    with freeze_time(T0) as frozen:
        run(app, case.first_half(), frozen)
        ReadModels(views, ApplicationLog(app), checkpoint_every=4).catch_up(only=["audit"])
        half = log_position(app)  # the audit view stands there, the others at 0
        run(app, case.second_half(), frozen)
    counted = CountingLog(ApplicationLog(app))
    one_pass = ReadModels(views, counted, checkpoint_every=4)
    told: list[tuple[int, int]] = []
    head = one_pass.catch_up_in_one_pass(page_size=3, progress=lambda *at: told.append(at))
    assert head == log_position(app)
    assert told[-1] == (head, head)
    assert counted.read_events <= head  # once, not once per view
    assert {name: r.position() for name, r in one_pass.runners.items()} == dict.fromkeys(
        one_pass.runners, head
    )
    taken = {(name, p) for name, _, p in checkpoints(one_pass)}
    for name in one_pass.runners:  # at the end of each page past a 4th position
        first = half // 4 + 1 if name == "audit" else 1
        assert {p // 4 for n, p in taken if n == name} >= set(range(first, head // 4)), name
    at = T0 + timedelta(minutes=42)
    with views_as_of(app, at) as replayed, views_as_of(one_pass, at) as started:
        assert started.position == replayed.position
        assert every_row(started) == every_row(replayed)


def test_followers_taking_turns_keep_exact_checkpoints(app, views):
    """A follower compares only the rows it changed since the previous checkpoint when
    it made every change since (ADR 42); where another moved the view in between, the
    whole tables.  Two taking turns, a checkpoint past every other position: both."""
    case = Case()
    with freeze_time(T0) as frozen:
        run(app, [*case.first_half(), *case.second_half()], frozen)
    first, second = (ReadModels(views, ApplicationLog(app), checkpoint_every=2) for _ in "ab")
    head = first.log.head()
    for position in range(1, head + 1):
        (second if position % 3 == 0 else first).catch_up(until=position, batch_size=1)
    assert {p for name, _, p in checkpoints(first) if name == "pipeline"} == set(
        range(2, head + 1, 2)
    )
    for position in range(1, head + 1):
        with (
            views_as_of(app, position=position) as replayed,
            views_as_of(second, position=position) as started,
        ):
            assert every_row(started) == every_row(replayed), position
