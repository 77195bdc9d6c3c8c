"""The staff register: founded by the first enrolment, so the company's first HR person
can enrol themselves and everyone after acts as an enrolled employee.

After the founding, people join through recruitment or under an approved enrolment
exception (ADR 45).  The register remembers the first holder of a role that approves
those exceptions who approved their own entry: nobody else may do so after them."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.sop import Role

STAFF_REGISTER_ID = uuid5(NAMESPACE_URL, "salesdomain:staff-register")


class StaffRegister(SopAggregate):
    # bounded: two events, its founding and its first approver's own entry
    SNAPSHOT_INTERVAL: ClassVar[int | None] = None

    class Event(SopAggregate.Event):
        SOP_STEP = "3.1.4"

    class Founded(Event, SopAggregate.Created):
        def apply(self, register: StaffRegister) -> None:
            register.founded_by = self.actor.employee_id
            register.first_approver = None
            register.first_approver_name = ""

    class FirstApproverEnrolled(Event):
        """The first holder of a role that approves enrolment exceptions approved their
        own entry (the register had nobody to approve it)."""

        employee_id: UUID
        name: str
        role: Role

        def apply(self, register: StaffRegister) -> None:
            register.first_approver = self.employee_id
            register.first_approver_name = self.name

    if TYPE_CHECKING:
        founded_by: UUID
        first_approver: UUID | None
        first_approver_name: str

    @classmethod
    def found(cls, evidence: Evidence) -> StaffRegister:
        return cls._start(cls.Founded, evidence, id=STAFF_REGISTER_ID)

    def first_approver_enrolled(
        self, evidence: Evidence, *, employee_id: UUID, name: str, role: Role
    ) -> None:
        self._record(
            self.FirstApproverEnrolled, evidence, employee_id=employee_id, name=name, role=role
        )
