"""The conformance review kept as a view by the follower (ADR 39): Given a history /
When the follower folds it into the view, page by page, its state in SQL rows / Then
the view answers what a full replay of the log answers, on every store, and keeps
answering after a restart without folding the log again."""

from __future__ import annotations

from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from freezegun import freeze_time
from salesdomain.adapters.demo import run_demo
from salesdomain.adapters.forgetting import forget_data_subject
from salesdomain.projections.conformance import (
    conformance_report,
    read_log,
    time_limit_breaches,
)
from salesdomain.projections.conformance.codec import dumps, loads
from salesdomain.projections.conformance.findings import Person, Status
from salesdomain.projections.conformance.policies import PolicyBook
from salesdomain.projections.conformance.view import NAME, ConformanceView, reading
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.projection import FoldFailed
from salesdomain.projections.read_models import ReadModels
from sqlalchemy import select

from salesdomain.aftersales.service_case import ServiceCase
from salesdomain.policy import SalesPolicy
from salesdomain.sop import Role
from tests import people_builders as pb
from tests.conftest import make_system
from tests.spec import log_position
from tests.test_conformance_report import APRIL, MARCH, answered_late, staff

LATER = datetime(2027, 1, 1, tzinfo=UTC)


def _caught_up(system, batch_size: int = 500) -> None:
    system.views.catch_up(batch_size=batch_size, only=[NAME])
    assert NAME not in system.views.stopped
    assert system.views.runner(NAME).position() == log_position(system.app)


def _view(system, as_at: datetime, policies: PolicyBook | None = None):
    runner = system.views.runner(NAME)
    with runner.engine.connect() as conn:
        book = policies or PolicyBook(system.app.policy)
        return reading.time_limit_breaches(
            conn, runner.tables(), book, as_at, events_of=system.app.events.get
        )


def _report(system, start: date, end: date, as_at: datetime):
    runner = system.views.runner(NAME)
    with runner.engine.connect() as conn:
        book = PolicyBook(system.app.policy)
        return reading.conformance_report(
            conn, runner.tables(), book, start, end, as_at, events_of=system.app.events.get
        )


def _breaches_of_period(system, start: date, end: date, as_at: datetime):
    runner = system.views.runner(NAME)
    with runner.engine.connect() as conn:
        book = PolicyBook(system.app.policy)
        return reading.breaches_of_period(conn, runner.tables(), book, start, end, as_at)


def _without_words(breaches):
    """The breaches with the words naming their records left out (the lean reading leaves
    a record that carried personal values as the view holds it: erased)."""
    return [b.model_copy(update={"record": ""}) for b in breaches]


def _same_as_a_full_replay(system, as_at: datetime, periods) -> None:
    app = system.app
    assert _view(system, as_at) == time_limit_breaches(app, app.policy, as_at)
    for start, end in periods:
        replayed = conformance_report(app, app.policy, start, end, as_at)
        assert _report(system, start, end, as_at) == replayed
        lean = _breaches_of_period(system, start, end, as_at)
        assert _without_words(lean) == _without_words(replayed.breaches)


def test_the_demo_folded_in_small_pages_answers_as_a_full_replay(system):
    # Given the demo's history (breaches of every family, overrides, steps of every team)
    run_demo(system, 7)
    # When the follower folds it seven events a page, then again in one rebuild
    _caught_up(system, batch_size=7)
    periods = [(date(2026, 1, 1), date(2026, 3, 31)), (date(2026, 2, 1), date(2026, 2, 28))]
    # Then breaches and reports equal a full replay's, and the same after a rebuild
    _same_as_a_full_replay(system, LATER, periods)
    assert any(b.status is Status.LATE for b in _view(system, LATER))
    assert _breaches_of_period(system, date(2026, 1, 1), date(2026, 3, 31), LATER)
    system.views.rebuild([NAME])
    _same_as_a_full_replay(system, LATER, periods)


def test_the_view_stays_across_a_restart_and_is_not_folded_again(store_url):
    if store_url.startswith("memory"):
        pytest.skip("a memory store does not outlive its process")
    # Given a complaint answered late and one still open, folded by a follower
    with closing(make_system(store_url)) as first:
        with freeze_time(MARCH):
            for command, actor in staff():
                first.app.handle(command, actor)
        answered_late(first, MARCH, "Hangzhou Precision Co., Ltd.")
        answered_late(first, APRIL, "Suzhou Gears Ltd.", hours=2)
        _caught_up(first)
    # When the process starts again
    with closing(make_system(store_url)) as again:
        # Then the view is where the follower left it, and answers as a full replay
        assert again.views.runner(NAME).position() == log_position(again.app)
        found = _view(again, LATER)
        assert found == time_limit_breaches(again.app, again.app.policy, LATER)
        assert [(b.record, b.status) for b in found] == [
            ("feedback from Hangzhou Precision Co., Ltd.", Status.LATE)
        ]


def test_a_moment_before_the_newest_event_or_other_policies_are_left_to_a_replay(system):
    # Given a late answer folded by the view
    with freeze_time(MARCH):
        for command, actor in staff():
            system.app.handle(command, actor)
    answered_late(system, MARCH, "Hangzhou Precision Co., Ltd.")
    _caught_up(system)
    # When asked before the answer, or under another policy version / Then not by the view
    assert _view(system, MARCH + timedelta(hours=25)) is None
    other = PolicyBook(SalesPolicy(version="2026.9"))
    assert _view(system, LATER, other) is None
    assert _view(system, LATER) == time_limit_breaches(system.app, system.app.policy, LATER)


def test_a_follower_given_another_policy_stops_the_view_until_it_is_rebuilt(system):
    # Given the view folded under the policy in force
    with freeze_time(MARCH):
        for command, actor in staff():
            system.app.handle(command, actor)
    _caught_up(system)
    # When a follower judging under another version folds what is logged next
    answered_late(system, APRIL, "Suzhou Gears Ltd.")
    newer = SalesPolicy(version="2026.9")
    other = ReadModels(system.views.engine, ApplicationLog(system.app), [ConformanceView(newer)])
    other.catch_up()
    # Then the view stops at the first event it was given, saying to rebuild it
    stopped = other.stopped[NAME]
    assert "rebuild the view (salesdomain views rebuild --view conformance)" in stopped.reason
    # and once rebuilt it judges under the new version
    other.rebuild([NAME])
    assert NAME not in other.stopped
    runner = other.runner(NAME)
    with runner.engine.connect() as conn:
        found = reading.time_limit_breaches(
            conn, runner.tables(), PolicyBook(newer), LATER, events_of=system.app.events.get
        )
    assert found == time_limit_breaches(system.app, newer, LATER)


def test_the_state_is_json_of_known_kinds_only():
    memo = {
        "label": "order of Ningbo Tools",
        "passed": {"P-1": Decimal("2.5")},
        "drafters": {uuid4(): "Alice"},
        "reviewers": {uuid4(), uuid4()},
        "chain": (Role.SALES_MANAGER, Role.GENERAL_MANAGER),
        "start": datetime(2026, 3, 2, 9, tzinfo=UTC),
        "delivery_date": date(2026, 4, 1),
        "responsible": Person(name="Ada", role="after_sales", team="After-sales"),
    }
    assert loads(dumps(memo)) == memo
    assert dumps(memo) == dumps(loads(dumps(memo)))  # equal states, equal texts
    with pytest.raises(TypeError, match="cannot keep a object"):
        dumps({"x": object()})
    with pytest.raises(ValueError, match="keeps no BaseModel called 'Popen'"):
        loads('{"$model": ["Popen", {}]}')
    with pytest.raises(ValueError, match="not a value the conformance view keeps"):
        loads('{"$pickle": "gASV"}')


def _view_text(system) -> str:
    """Every text the conformance view's tables hold."""
    runner = system.views.runner(NAME)
    with runner.engine.connect() as conn:
        return " ".join(
            str(row) for table in runner.tables().values() for row in conn.execute(select(table))
        )


def test_the_view_holds_no_personal_value_and_words_come_back_from_the_log(system):
    # Given a candidate, Nora New, who accepted an offer and never signed
    req, cand = uuid4(), uuid4()
    steps = [pb.interviewer(), *pb.open_hiring(req)]
    steps += pb.recruit(
        "Nora New", req, cand, uuid4(), interviewer_id=pb.employee_id("Ian Interviewer")
    )[:7]
    with freeze_time(MARCH):
        for command, actor in steps:
            system.app.handle(command, actor)
    # When the follower folds it
    _caught_up(system)
    # Then the view keeps no name, and its answer names her as a replay does
    assert "Nora New" not in _view_text(system)
    [open_] = _view(system, LATER)
    assert open_.record == "candidate Nora New"
    assert [open_] == time_limit_breaches(system.app, system.app.policy, LATER)
    # and once she is forgotten, both read her as erased
    with freeze_time(MARCH + timedelta(days=1)):
        forget_data_subject(system, cand, "Withdrew the application", pb.HANNA)
    _caught_up(system)
    [erased] = _view(system, LATER)
    assert "Nora New" not in erased.record
    assert [erased] == time_limit_breaches(system.app, system.app.policy, LATER)


class RefusesAnswers(ConformanceView):
    """The conformance view, failing on every answer to feedback."""

    def fold_page(self, conn, tables, page):
        for index, (_, event) in enumerate(page):
            if isinstance(event, ServiceCase.Responded):
                raise FoldFailed(index, ValueError("an answer this view refuses"))
        return super().fold_page(conn, tables, page)


def test_a_view_that_cannot_fold_an_event_stops_at_it_with_the_events_before_kept(system):
    # Given a complaint answered late
    with freeze_time(MARCH):
        for command, actor in staff():
            system.app.handle(command, actor)
    answered_late(system, MARCH, "Hangzhou Precision Co., Ltd.")
    log = list(read_log(system.app))
    at = next(i for i, (_, event) in enumerate(log) if isinstance(event, ServiceCase.Responded))
    before, answer = log[at - 1][0], log[at][0]
    # When a view that cannot fold the answer follows the log in one page
    models = ReadModels(
        system.views.engine, ApplicationLog(system.app), [RefusesAnswers(system.app.policy)]
    )
    models.catch_up()
    # Then it stops at the answer, with what came before folded and committed
    stopped = models.stopped[NAME]
    assert (stopped.position, stopped.event) == (answer, "ServiceCase.Responded")
    assert "an answer this view refuses" in stopped.reason
    assert models.runner(NAME).position() == before
    [still_open] = _view(system, LATER)
    assert still_open.status is Status.STILL_OPEN  # the answer is not in the view
