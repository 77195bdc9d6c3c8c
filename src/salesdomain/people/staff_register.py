"""The staff register: founded by the first enrolment, so the company's first HR person
can enrol themselves and everyone after acts as an enrolled employee."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from salesdomain.aggregate import Evidence, SopAggregate

STAFF_REGISTER_ID = uuid5(NAMESPACE_URL, "salesdomain:staff-register")


class StaffRegister(SopAggregate):
    SNAPSHOT_INTERVAL: ClassVar[int | None] = None  # bounded: one event, its founding

    class Event(SopAggregate.Event):
        SOP_STEP = "3.1.4"

    class Founded(Event, SopAggregate.Created):
        def apply(self, register: StaffRegister) -> None:
            register.founded_by = self.actor.employee_id

    if TYPE_CHECKING:
        founded_by: UUID

    @classmethod
    def found(cls, evidence: Evidence) -> StaffRegister:
        return cls._start(cls.Founded, evidence, id=STAFF_REGISTER_ID)
