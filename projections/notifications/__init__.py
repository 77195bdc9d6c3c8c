"""Warnings before a limit is missed (SOP 4.2.4, ADR 54): worked out from the views and
the clock (``warnings``, pure; ``raising``, from the views), kept in an outbox beside the
events (``outbox``) until a sender delivers them, each exactly once per recipient
barring a crash between the delivery and its record (then twice, with the same
Message-ID).

Tables: ``notification_outbox`` (one row per warning and recipient: pending, sent or
undeliverable).  Reads: ``notifications_page`` (a page and the cursor of the next).
"""

from salesdomain.projections.notifications.outbox import (
    Notification,
    ensure_outbox,
    notifications_page,
)
from salesdomain.projections.notifications.raising import notices_due, raise_warnings
from salesdomain.projections.notifications.warnings import Notice

__all__ = [
    "Notice",
    "Notification",
    "ensure_outbox",
    "notices_due",
    "notifications_page",
    "raise_warnings",
]
