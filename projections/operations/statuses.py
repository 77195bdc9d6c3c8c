"""The statuses the tables store: of an order, an inspected lot and a service case."""

IN_EXECUTION = "in execution"
COMPLETED = "completed"
CANCELLED = "cancelled"

LOT_PASSED = "passed"
LOT_FAILED = "failed"
LOT_REWORKED = "reworked"
LOT_IN_PROCESS_PASSED = "passed in process"

CASE_RECEIVED = "received"
CASE_ANSWERED = "answered"
CASE_RESOLVED = "resolved"
CASE_CLOSED = "closed"
CASE_REOPENED = "reopened"
