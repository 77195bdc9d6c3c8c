"""The conformance review kept up to date with the log: Given a history / When more is
logged and the review is asked again / Then it answers what a full replay of the log
answers, having read only what was logged since (on every store): in memory
(``TrackedReview``) and, as the web and the dashboard ask it, from the conformance view
the follower keeps (ADR 39)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from freezegun import freeze_time
from salesdomain.adapters.web.breaches import as_row, conformance_breaches
from salesdomain.projections.conformance import time_limit_breaches
from salesdomain.projections.conformance.findings import Status
from salesdomain.projections.conformance.tracked import TrackedReview
from salesdomain.projections.conformance.view import NAME

from tests import builders as b
from tests.builders import ALICE
from tests.spec import log_position
from tests.test_aftersales_rules import ADA, assign, classify, receive, respond

NINE = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _complaint(app, at: datetime):
    """A complaint classified high (answer within 24 hours) and assigned at ``at``."""
    case, reg = uuid4(), b.register(name=f"Tracked {uuid4().hex[:6]}", reg=uuid4().hex[:12])
    with freeze_time(at):
        for command, actor in [
            *b.qualified_customer(reg),
            (receive(b.customer_id(reg), case), ALICE),
            (classify(case), ALICE),
            (assign(case), ALICE),
        ]:
            app.handle(command, actor)
    return case


def _same_as_a_full_replay(app, tracked: TrackedReview, as_at: datetime):
    found = tracked.time_limit_breaches(as_at)
    assert found == time_limit_breaches(app, app.policy, as_at)
    return found


def test_the_tracked_review_answers_as_a_full_replay_reading_only_what_is_new(app):
    tracked = TrackedReview(app, app.policy)
    assert _same_as_a_full_replay(app, tracked, NINE) == []

    first = _complaint(app, NINE)
    [open_] = _same_as_a_full_replay(app, tracked, NINE + timedelta(hours=25))
    assert (open_.record_id, open_.status) == (first, Status.STILL_OPEN)
    assert tracked.position == log_position(app)

    # more is logged: answered late, and a second complaint left open
    with freeze_time(NINE + timedelta(hours=30)):
        app.handle(respond(first), ADA)
    second = _complaint(app, NINE + timedelta(hours=31))
    found = _same_as_a_full_replay(app, tracked, NINE + timedelta(hours=60))
    assert [(f.record_id, f.status) for f in found] == [
        (first, Status.LATE),
        (second, Status.STILL_OPEN),
    ]
    assert tracked.position == log_position(app)


def test_a_moment_before_the_newest_event_is_answered_as_history_stood_then(app):
    tracked = TrackedReview(app, app.policy)
    first = _complaint(app, NINE)
    with freeze_time(NINE + timedelta(hours=30)):
        app.handle(respond(first), ADA)
    assert _same_as_a_full_replay(app, tracked, NINE + timedelta(hours=60))[0].status is (
        Status.LATE
    )
    # as at 25 hours the answer was not given yet: still open then
    [then] = _same_as_a_full_replay(app, tracked, NINE + timedelta(hours=25))
    assert (then.record_id, then.status) == (first, Status.STILL_OPEN)


def test_now_counts_every_recorded_event_even_one_stamped_ahead_of_this_clock(app):
    # Given a complaint answered late, the answer stamped by a host whose clock runs ahead
    tracked = TrackedReview(app, app.policy)
    first = _complaint(app, NINE)
    with freeze_time(NINE + timedelta(hours=30, seconds=2)):
        app.handle(respond(first), ADA)
    # When asked "now" on this host, two seconds behind the answer's stamp
    with freeze_time(NINE + timedelta(hours=30)):
        [now] = tracked.time_limit_breaches()
        # Then the recorded answer counts (late, not still open), with no full replay
        [as_at] = time_limit_breaches(app, app.policy, NINE + timedelta(hours=30))
    assert (now.record_id, now.status) == (first, Status.LATE)
    assert as_at.status is Status.STILL_OPEN  # a moment given is history as it stood then


# ---- the same, from the conformance view the follower keeps (ADR 39) ---------------------


def _provider(system):
    """The web's breaches, from the conformance view once the follower has caught up."""
    found = conformance_breaches(system)

    def asked(as_at: datetime | None = None):
        system.views.catch_up(only=[NAME])
        return found(as_at)

    return asked


def _rows(system, as_at: datetime):
    return [as_row(b) for b in time_limit_breaches(system.app, system.app.policy, as_at)]


def test_the_view_answers_the_web_as_a_full_replay_as_more_is_logged(system):
    asked = _provider(system)
    assert asked(NINE) == []
    first = _complaint(system.app, NINE)
    [open_] = asked(NINE + timedelta(hours=25))
    assert open_ == _rows(system, NINE + timedelta(hours=25))[0]
    assert (open_["record_id"], open_["status"]) == (str(first), "still open")
    with freeze_time(NINE + timedelta(hours=30)):
        system.app.handle(respond(first), ADA)
    second = _complaint(system.app, NINE + timedelta(hours=31))
    found = asked(NINE + timedelta(hours=60))
    assert found == _rows(system, NINE + timedelta(hours=60))
    assert [(f["record_id"], f["status"]) for f in found] == [
        (str(first), "late"),
        (str(second), "still open"),
    ]
    assert system.views.runner(NAME).position() == log_position(system.app)


def test_the_web_replays_a_moment_before_the_views_newest_event(system):
    asked = _provider(system)
    first = _complaint(system.app, NINE)
    with freeze_time(NINE + timedelta(hours=30)):
        system.app.handle(respond(first), ADA)
    assert asked(NINE + timedelta(hours=60))[0]["status"] == "late"
    [then] = asked(NINE + timedelta(hours=25))  # the answer was not given yet
    assert then == _rows(system, NINE + timedelta(hours=25))[0]
    assert then["status"] == "still open"


def test_the_webs_now_counts_every_event_the_view_folded_even_one_stamped_ahead(system):
    asked = _provider(system)
    first = _complaint(system.app, NINE)
    with freeze_time(NINE + timedelta(hours=30, seconds=2)):
        system.app.handle(respond(first), ADA)
    with freeze_time(NINE + timedelta(hours=30)):
        [now] = asked()
    assert (now["record_id"], now["status"]) == (str(first), "late")
