"""Policy data of prospect screening (SOP 2.1.2): which assessments may be qualified,
and who may approve qualifying one outside them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from salesdomain.prospecting.values import Assessment, Level
from salesdomain.sop import Role
from salesdomain.values import distinct


class AssessedAs(BaseModel):
    """One combination of an assessment's levels: need intent and purchasing power."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    need_intent: Level
    purchasing_power: Level

    def __str__(self) -> str:
        return (
            f"need intent {self.need_intent.value}, purchasing power {self.purchasing_power.value}"
        )


def _neither_low() -> tuple[AssessedAs, ...]:
    levels = (Level.HIGH, Level.MEDIUM)
    return tuple(AssessedAs(need_intent=n, purchasing_power=p) for n in levels for p in levels)


def _default_override_approvers() -> frozenset[Role]:
    return frozenset({Role.SALES_MANAGER, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER})


class QualificationPolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    qualifiable: tuple[AssessedAs, ...] = Field(default_factory=_neither_low)
    """The assessments a prospect may be qualified with; any other needs an override
    (by default: need intent and purchasing power both high or medium)."""
    override_approvers: frozenset[Role] = Field(default_factory=_default_override_approvers)
    """Roles that may approve qualifying a prospect whose assessment is not qualifiable."""

    @field_validator("qualifiable")
    @classmethod
    def _each_once(cls, value: tuple[AssessedAs, ...]) -> tuple[AssessedAs, ...]:
        distinct(value, "each assessment is listed once")
        return value

    def allows(self, assessment: Assessment) -> bool:
        """Whether a prospect assessed so may be qualified without an override."""
        assessed = AssessedAs(
            need_intent=assessment.need_intent, purchasing_power=assessment.purchasing_power
        )
        return assessed in self.qualifiable
