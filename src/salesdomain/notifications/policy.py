"""Policy data of the warnings (SOP 4.2.4): how long before a deadline to warn, the KPI
floors below which to warn, and who gets which kind of warning."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from salesdomain.sop import Role
from salesdomain.values import distinct, every_member

MAX_NOTICE_HOURS = 24 * 366
"""The longest notice of a deadline the policy may ask for (a year)."""


class WarningKind(Enum):
    DEADLINE_APPROACHING = "deadline_approaching"
    """A time limit of the SOP is due within the notice and its step is not done."""
    DEADLINE_OVERDUE = "deadline_overdue"
    """A time limit passed and its step is still not done."""
    KPI_BELOW_FLOOR = "kpi_below_floor"
    """A representative's or a team's KPI for the month to date is below its floor."""


class Addressee(Enum):
    """Whom a warning concerns, besides the roles the policy names."""

    RESPONSIBLE = "responsible"
    """Who must act: the person responsible for the deadline (everyone holding the role
    when only a role is named); for a KPI, the representative, or a team's managers."""
    MANAGER = "manager"
    """The responsible person's manager (the staff directory's)."""


Recipient = Addressee | Role


class KpiFloor(BaseModel):
    """A KPI figure below which the people concerned are warned.

    ``measure`` ``attainment`` figures (a measure with a monthly target: revenue,
    profit, bookings, units...) are judged against the share of the month elapsed: a
    representative who made 40% of the month's target by its middle is at 80% of pace.
    ``satisfaction`` is the average score (1-5) of the month's responses."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    by: Literal["rep", "team"]
    measure: Literal["revenue", "profit", "bookings", "units", "visits", "satisfaction"]
    below: Annotated[Decimal, Field(gt=0, le=5)]
    """For a target's measure, the attainment against the pace (0.8: 80% of pace); for
    satisfaction, the average score."""


def _default_recipients() -> dict[WarningKind, frozenset[Recipient]]:
    return {
        WarningKind.DEADLINE_APPROACHING: frozenset({Addressee.RESPONSIBLE}),
        WarningKind.DEADLINE_OVERDUE: frozenset({Addressee.RESPONSIBLE, Addressee.MANAGER}),
        WarningKind.KPI_BELOW_FLOOR: frozenset({Addressee.RESPONSIBLE, Addressee.MANAGER}),
    }


def _default_floors() -> tuple[KpiFloor, ...]:
    return (
        KpiFloor(by="rep", measure="revenue", below=Decimal("0.8")),
        KpiFloor(by="team", measure="revenue", below=Decimal("0.8")),
        KpiFloor(by="rep", measure="satisfaction", below=Decimal("3.5")),
    )


class NotificationPolicy(BaseModel):
    """How long before a deadline its responsible person is warned, the KPI floors, and
    who gets each kind of warning (SOP 4.2.4)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    deadline_notice_hours: int = Field(default=24, gt=0, le=MAX_NOTICE_HOURS)
    """Hours before a time limit at which the step still open is warned about."""
    kpi_grace_days: int = Field(default=7, ge=0, le=27)
    """Days at the start of a month in which its KPIs are not judged yet (too few to say)."""
    kpi_floors: tuple[KpiFloor, ...] = Field(default_factory=_default_floors, max_length=64)
    recipients: dict[WarningKind, frozenset[Recipient]] = Field(default_factory=_default_recipients)
    """Who gets each kind: ``responsible``, ``manager`` and any role (every active
    employee holding it); a kind given no one is not raised."""

    @field_validator("recipients")
    @classmethod
    def _every_kind(
        cls, value: dict[WarningKind, frozenset[Recipient]]
    ) -> dict[WarningKind, frozenset[Recipient]]:
        every_member(WarningKind, value, "no recipients for warning kind(s)")
        return value

    @field_validator("kpi_floors")
    @classmethod
    def _each_floor_once(cls, value: tuple[KpiFloor, ...]) -> tuple[KpiFloor, ...]:
        distinct(((f.by, f.measure) for f in value), "each KPI floor (by, measure) is listed once")
        for floor in value:
            if floor.measure == "satisfaction" and floor.below < 1:
                raise ValueError("a satisfaction floor is a score from 1 to 5")
        return value
