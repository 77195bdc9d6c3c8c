"""The conformance view as it stood at a moment before its newest event, for the review
as at that moment (history as it stood then) without replaying the whole log: only this
view is built aside, from its newest checkpoint the moment can use and the events after
it up to the cut (``views_as_of``, ADR 40), then read as the live view is (``reading``).

The cut is the first event stamped later than the moment, so the past view folds every
event the full replay (``conformance_report``) reviews as long as the log's timestamps
do not go back along it (one writer, the demo); where concurrent writers left an event
decided before the moment but committed after one decided later, the replay counts it
and the past view does not (it sees the log as a follower could have read it then).

A record's words (``reading``) come from its events stamped up to the moment, as the
replay folded them; policies other than those the view judges under are for a replay
(``None``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from uuid import UUID

from salesdomain.projections.as_of import views_as_of
from salesdomain.projections.conformance.policies import PolicyBook
from salesdomain.projections.conformance.view.projection import NAME, ConformanceView
from salesdomain.projections.conformance.view.reading import EventsOf
from salesdomain.projections.read_models import ReadModels
from sqlalchemy import Table
from sqlalchemy.engine import Connection

PastView = tuple[Connection, dict[str, Table]]
"""A connection to the past view's scratch database and its tables."""


def judges_under(views: ReadModels, policies: PolicyBook) -> bool:
    """Whether the conformance view of ``views`` judges under exactly ``policies``."""
    projection = views.runner(NAME).projection
    assert isinstance(projection, ConformanceView)
    return PolicyBook(projection.policy, projection.earlier).versions == policies.versions


@contextmanager
def view_as_at(views: ReadModels, policies: PolicyBook, at: datetime) -> Iterator[PastView | None]:
    """The conformance view of ``views`` (the live views) as it stood at ``at``, built
    in a private in-memory database closed on leaving; ``None`` if it cannot answer:
    other policies, or the view stops on an event before the cut."""
    if not judges_under(views, policies):
        yield None
        return
    with views_as_of(views, at, only=[NAME]) as past:
        if NAME in past.stopped:
            yield None
            return
        with past.engine.connect() as conn:
            yield conn, past.runner(NAME).tables()


def events_until(events_of: EventsOf, at: datetime) -> EventsOf:
    """``events_of`` keeping a record's events stamped at or before ``at`` (a record's
    events are stamped in the order of its versions)."""

    def until(record_id: UUID) -> Iterable[Any]:
        for event in events_of(record_id):
            if event.timestamp > at:
                return
            yield event

    return until
