"""Policy data of staffing (SOP 3.1.4): who may approve enrolling someone outside
recruitment once the staff register is founded."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from salesdomain.sop import Role


def _default_enrolment_approvers() -> frozenset[Role]:
    return frozenset({Role.SALES_MANAGER, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER})


class StaffingPolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    enrolment_approvers: frozenset[Role] = Field(default_factory=_default_enrolment_approvers)
    """Roles that may approve an enrolment outside recruitment (by default those who
    decide a hire: sales manager, sales director, general manager)."""
