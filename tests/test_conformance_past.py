"""The conformance review as at a past moment from the view as it stood then, built from
a checkpoint (ADR 40): Given the demo's quarter and its conformance view kept with a
checkpoint every few positions / When the review is asked as at moments before the
view's newest event / Then the past view, started from a checkpoint, answers what a
full replay of the log answers, on every store."""

from __future__ import annotations

from datetime import UTC, date, datetime

from salesdomain.adapters.demo import run_demo
from salesdomain.projections.conformance import conformance_report, time_limit_breaches
from salesdomain.projections.conformance.policies import PolicyBook
from salesdomain.projections.conformance.view import NAME, ConformanceView, reading
from salesdomain.projections.conformance.view.past import events_until, view_as_at
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.read_models import ReadModels
from salesdomain.projections.runner.checkpoints import kept_tables, usable_checkpoint

from salesdomain.policy import SalesPolicy
from tests.spec import log_position

MOMENTS = [
    datetime(2026, 1, 20, tzinfo=UTC),
    datetime(2026, 2, 16, 12, tzinfo=UTC),
    datetime(2026, 3, 17, 10, tzinfo=UTC),  # the complaint not yet answered: still open
    datetime(2026, 3, 17, 12, tzinfo=UTC),  # the moment of the late answer
]
PERIODS = [(date(2026, 1, 1), date(2026, 3, 31)), (date(2026, 2, 1), date(2026, 3, 17))]


def _kept_every(system, every: int) -> ReadModels:
    """The conformance view rebuilt with a checkpoint past every ``every``-th position."""
    kept = ReadModels(
        system.views.engine,
        ApplicationLog(system.app),
        [ConformanceView(system.app.policy)],
        checkpoint_every=every,
    )
    kept.rebuild([NAME], page_size=every // 2)
    return kept


def test_as_at_a_past_moment_the_view_from_a_checkpoint_answers_as_a_full_replay(system):
    # Given the demo's quarter, its conformance view checkpointed every 40 positions
    app = system.app
    run_demo(system, 7)
    kept = _kept_every(system, 40)
    runner = kept.runner(NAME)
    generation = runner.active_generation()
    assert set(kept_tables(runner, generation)) == set(runner.tables())  # every table kept
    policies = PolicyBook(app.policy)
    for at in MOMENTS:
        # When the review is asked as at a moment the view has passed
        assert usable_checkpoint(runner, generation, log_position(app), at) > 0, at
        with view_as_at(kept, policies, at) as then:
            assert then is not None
            conn, tables = then
            events_of = events_until(app.events.get, at)
            # Then the past view answers as the full replay
            breaches = reading.time_limit_breaches(conn, tables, policies, at, events_of=events_of)
            assert breaches == time_limit_breaches(app, app.policy, at), at
            for start, end in PERIODS:
                found = reading.conformance_report(
                    conn, tables, policies, start, end, at, events_of=events_of
                )
                assert found == conformance_report(app, app.policy, start, end, at), (at, start)
    assert any(
        b.status.value == "still open" for b in time_limit_breaches(app, app.policy, MOMENTS[2])
    )


def test_policies_the_view_does_not_judge_under_are_left_to_a_replay(system):
    run_demo(system, 7)
    kept = _kept_every(system, 40)
    other = PolicyBook(system.app.policy, [SalesPolicy(version="2025.1")])
    with view_as_at(kept, other, MOMENTS[1]) as then:
        assert then is None
