"""The seam between commands and aggregates: handlers and their unit of work.

A handler loads what it needs through the unit of work, calls the aggregate (which
checks the SOP's rules and records events) and returns.  It holds no business rule.
The application service saves everything the unit of work touched, atomically.
Handlers that do no more than pass a command on, or make a record of its fields, are
registered by one line (``delegation``).
"""

from salesdomain.handling.delegation import (
    FROM_THE_UNIT_OF_WORK,
    Maker,
    Supply,
    creates,
    delegate_to,
    makes,
)
from salesdomain.handling.unit_of_work import (
    HANDLERS,
    AggregateSource,
    Handler,
    UnitOfWork,
    handles,
)

__all__ = [
    "FROM_THE_UNIT_OF_WORK",
    "HANDLERS",
    "AggregateSource",
    "Handler",
    "Maker",
    "Supply",
    "UnitOfWork",
    "creates",
    "delegate_to",
    "handles",
    "makes",
]
