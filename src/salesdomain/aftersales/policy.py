"""Response deadlines for customer feedback (SOP 2.6.1): policy data, not code."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field, field_validator

from salesdomain.aftersales.values import Severity


def _default_deadlines() -> dict[Severity, int]:
    return {Severity.CRITICAL: 4, Severity.HIGH: 24, Severity.MEDIUM: 48, Severity.LOW: 72}


class ServicePolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    response_hours: dict[Severity, int] = Field(default_factory=_default_deadlines)
    """Hours within which feedback of each severity gets a clear answer (2.6.1)."""

    @field_validator("response_hours")
    @classmethod
    def _every_severity(cls, value: dict[Severity, int]) -> dict[Severity, int]:
        missing = [s.value for s in Severity if s not in value]
        if missing:
            raise ValueError(f"no response deadline for severity: {', '.join(missing)}")
        if any(hours <= 0 for hours in value.values()):
            raise ValueError("response deadlines are a positive number of hours")
        return value

    def response_deadline(self, severity: Severity) -> timedelta:
        return timedelta(hours=self.response_hours[severity])
