"""A round of the warnings (SOP 4.2.4, ADR 54): bring the views the warnings come from
up to the log's head, put the warnings due now into the outbox, and send the pending
ones.  ``salesdomain notifications send`` runs one round (``--once``) or one every so
often: the clock, not only the log, makes a deadline approach."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.mail import Delivered, Sender
from salesdomain.projections.conformance.view import NAME as CONFORMANCE
from salesdomain.projections.notifications import raise_warnings

WATCHED = (CONFORMANCE, "kpi")
"""The views the warnings are worked out from."""


@dataclass(frozen=True)
class Round:
    raised: list[UUID]
    """The warnings put into the outbox this round."""
    delivered: Delivered
    stopped: list[str]
    """The watched views stopped on an event (their warnings are as they stood)."""


def warning_round(system: System, sender: Sender | None, now: datetime) -> Round:
    """Raise the warnings due at ``now`` and send the pending ones (``sender``: ``None``,
    raise only)."""
    system.views.catch_up(only=WATCHED)
    stopped = [name for name in WATCHED if name in system.views.stopped]
    raised = raise_warnings(system.views, system.store, system.app.policy, now)
    delivered = Delivered() if sender is None else sender.deliver()
    return Round(raised, delivered, stopped)
