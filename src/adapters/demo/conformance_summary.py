"""The quarter's SOP conformance for the demo's closing summary, read from the
conformance view the follower keeps (ADR 39) rather than by replaying the whole log
(issue 16: at 1,000,000 events the replay ran for over 20 minutes after the views had
caught up).  The figures are those of the replay (``conformance_report``): the view
folds the same rules, and its report is built by the same ``build_report``."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from salesdomain.projections.conformance import ConformanceReport
from salesdomain.projections.conformance.policies import PolicyBook
from salesdomain.projections.conformance.view import NAME, reading

if TYPE_CHECKING:
    from salesdomain.adapters.bootstrap import System


def quarter_conformance(
    system: System, start: date, end: date, as_at: datetime
) -> ConformanceReport:
    """Steps done, breaches, overrides and decisions not judged from ``start`` to ``end``
    (UTC days, included) as at ``as_at``, from the conformance view brought up to the
    log's head first, every event it folded counted (as a replay counts every event
    stored).  A view that stopped on an event raises ``ProjectionStopped`` (exit 10),
    as every read of it does; so does one built under another policy, which the
    follower stops ("rebuild the view")."""
    system.views.catch_up(only=[NAME])
    stopped = system.views.stopped.get(NAME)
    if stopped is not None:
        raise stopped
    runner = system.views.runner(NAME)
    with runner.engine.connect() as conn:
        found = reading.conformance_report(
            conn,
            runner.tables(),
            PolicyBook(system.app.policy),
            start,
            end,
            as_at,
            events_of=system.app.events.get,
            as_recorded=True,
        )
    if found is None:  # the follower stops a view judging under other policies first
        raise LookupError(
            f"the {NAME} view judges under other policies than {system.app.policy.version}: "
            f"`salesdomain views rebuild --view {NAME}`"
        )
    return found
