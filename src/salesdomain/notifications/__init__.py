"""Warnings before a limit is missed (SOP 4.2.4): the kinds of warning and who gets
which, as policy data (``NotificationPolicy``, ``SalesPolicy.notifications``).

The warnings themselves are worked out from the views and the clock and delivered by
the adapters (``salesdomain.projections.notifications``, ADR 54); the domain only says
what a warning is about and whom it concerns.
"""

from salesdomain.notifications.policy import (
    Addressee,
    KpiFloor,
    NotificationPolicy,
    WarningKind,
)

__all__ = ["Addressee", "KpiFloor", "NotificationPolicy", "WarningKind"]
