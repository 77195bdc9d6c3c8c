"""Time limits of the SOP, checked against the recorded history.

Each rule opens a deadline when the history says the clock starts, and the step that
meets it fulfils it; a deadline is re-computed from the policy version the starting
event recorded (never from the event's own ``due`` fields, which the write side
computed).  A deadline met late is a breach ("late"); one passed, as at the review,
without the step is a breach ("still open").  See ``review.finish``.

The rules and ``RULES`` are in ``rules``; their handlers, one module per SOP area, are
imported here in the order they register (after-sales 2.6.1; sales and contracts 2.4.2,
2.3.2; orders 2.5; people and performance 3.x), which the review's output follows.
"""

# The handlers register in the order of these imports (as in the single module before).
# isort: off
from salesdomain.projections.conformance.time_limits.rules import (
    ACTION_ITEM,
    APPRAISAL_COMPLETION,
    APPROVAL_TURNAROUND,
    COORDINATION,
    FEEDBACK_RESPONSE,
    INSPECTION,
    LABOUR_CONTRACT,
    QUOTE_VALIDITY,
    RULES,
    T,
)
from salesdomain.projections.conformance.time_limits.aftersales import (
    feedback_answered,
    feedback_assigned,
    feedback_classified,
    feedback_received,
    feedback_reopened,
)
from salesdomain.projections.conformance.time_limits.sales import (
    contract_decided,
    contract_revised,
    contract_submitted,
    quote_accepted,
    quote_issued,
)
from salesdomain.projections.conformance.time_limits.orders import (
    lot_inspected,
    order_cancelled,
    order_terms,
    task_assigned,
    task_completed,
)
from salesdomain.projections.conformance.time_limits.people import (
    appraisal_closed,
    appraisal_opened,
    handoff_agreed,
    item_completed,
    labour_contract_signed,
    meeting_held,
    offer_accepted,
    offer_sent,
    offer_withdrawn,
)
# isort: on

__all__ = [
    "ACTION_ITEM",
    "APPRAISAL_COMPLETION",
    "APPROVAL_TURNAROUND",
    "COORDINATION",
    "FEEDBACK_RESPONSE",
    "INSPECTION",
    "LABOUR_CONTRACT",
    "QUOTE_VALIDITY",
    "RULES",
    "T",
    "appraisal_closed",
    "appraisal_opened",
    "contract_decided",
    "contract_revised",
    "contract_submitted",
    "feedback_answered",
    "feedback_assigned",
    "feedback_classified",
    "feedback_received",
    "feedback_reopened",
    "handoff_agreed",
    "item_completed",
    "labour_contract_signed",
    "lot_inspected",
    "meeting_held",
    "offer_accepted",
    "offer_sent",
    "offer_withdrawn",
    "order_cancelled",
    "order_terms",
    "quote_accepted",
    "quote_issued",
    "task_assigned",
    "task_completed",
]
