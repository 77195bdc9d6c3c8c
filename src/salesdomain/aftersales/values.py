"""Value objects of after-sales service (SOP 2.6)."""

from __future__ import annotations

from enum import Enum

from salesdomain.values import stored_enum


@stored_enum
class Severity(Enum):
    """How serious a piece of customer feedback is; it sets the response deadline."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@stored_enum
class FeedbackKind(Enum):
    COMPLAINT = "complaint"
    QUESTION = "question"
    SUGGESTION = "suggestion"
