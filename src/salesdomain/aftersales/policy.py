"""Policy data of after-sales service (SOP 2.6): response deadlines and the
satisfaction target, kept out of the code."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from salesdomain.aftersales.values import Severity
from salesdomain.values import every_member


def _default_deadlines() -> dict[Severity, int]:
    return {Severity.CRITICAL: 4, Severity.HIGH: 24, Severity.MEDIUM: 48, Severity.LOW: 72}


class ServicePolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    response_hours: dict[Severity, int] = Field(default_factory=_default_deadlines)
    """Hours within which feedback of each severity gets a clear answer (2.6.1)."""
    unclassified_severity: Severity = Severity.HIGH
    """The severity whose deadline runs for feedback not yet classified: a deadline
    holds from the moment feedback is received, not only once someone classifies it."""
    satisfaction_target: Decimal = Field(default=Decimal("4"), ge=1, le=5)
    """Average satisfaction (1-5) a survey should reach; below it the analysis names
    the problems found (2.6.3)."""

    @field_validator("response_hours")
    @classmethod
    def _every_severity(cls, value: dict[Severity, int]) -> dict[Severity, int]:
        every_member(Severity, value, "no response deadline for severity")
        if any(hours <= 0 for hours in value.values()):
            raise ValueError("response deadlines are a positive number of hours")
        return value

    def response_deadline(self, severity: Severity | None) -> timedelta:
        """How long feedback of ``severity`` (``None``: not yet classified) may wait."""
        return timedelta(hours=self.response_hours[severity or self.unclassified_severity])
