"""The work queue (SOP 4.2.4, monitoring): for each person, the SOP steps now due from
them, with their deadlines, overdue first; for a manager, also their team's (ADR 53).

Not a view of its own: it reads the views that hold each kind of item as they stand
at a moment. The time limits come from the conformance view's open deadlines
(``conformance.view.reading.open_deadlines``); the quotes about to expire and
the deals without contact from the pipeline view (ADR 47), with the quotes' validity
the conformance view remembers; the recurring duties of the current period (ADR 49)
from the conformance view's duty tables.

    from salesdomain.projections.workqueue import due_for
    items = due_for(system.views, system.app.policy, alice_id, now)
"""

from salesdomain.projections.workqueue.items import DueItem, ItemKind
from salesdomain.projections.workqueue.people import NotOnRegister
from salesdomain.projections.workqueue.queue import DUE_PAGES, QueueUnavailable, due_for, due_page

__all__ = [
    "DUE_PAGES",
    "DueItem",
    "ItemKind",
    "NotOnRegister",
    "QueueUnavailable",
    "due_for",
    "due_page",
]
