"""The staff register as the history tells it: who was employed, in which team, under
which manager, holding which roles, at each point of the log (SOP 3.1.4, 3.2.3, 3.3.4)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any
from uuid import UUID

from salesdomain.projections.conformance.findings import Person

from salesdomain.people.employee import Employee
from salesdomain.people.staff_register import StaffRegister
from salesdomain.sop import Role
from salesdomain.values import Actor

NOT_ON_REGISTER = "(not on the staff register)"
AUTOMATED = "(automated policy)"


@dataclass(frozen=True)
class Member:
    employee_id: UUID
    name: str
    team: str
    manager_id: UUID | None
    roles: frozenset[Role]
    active: bool = True


@dataclass
class Staff:
    members: dict[UUID, Member] = field(default_factory=dict)
    founding_command: UUID | None = None
    founder: UUID | None = None

    def get(self, employee_id: UUID | None) -> Member | None:
        return self.members.get(employee_id) if employee_id is not None else None

    def manager_of(self, employee_id: UUID) -> UUID | None:
        member = self.members.get(employee_id)
        return member.manager_id if member else None

    def roles_of(self, employee_id: UUID) -> frozenset[Role]:
        member = self.members.get(employee_id)
        return member.roles if member else frozenset()

    def person(self, employee_id: UUID | None, name: str = "", role: Role | None = None) -> Person:
        """The person as the register knows them now (team), named as recorded."""
        member = self.get(employee_id)
        return Person(
            employee_id=employee_id,
            name=name or (member.name if member else str(employee_id)[:8]),
            role=role.value if role else "",
            team=member.team if member else NOT_ON_REGISTER,
        )

    def actor(self, actor: Actor) -> Person:
        if actor.role is Role.AUTOMATED_POLICY:
            return Person(name=actor.name, role=actor.role.value, team=AUTOMATED)
        return self.person(actor.employee_id, actor.name, actor.role)

    def is_founding(self, event: Any) -> bool:
        """The first enrolment: HR enrolling themselves founds the register (ADR 8)."""
        return (
            event.command_id == self.founding_command
            and event.actor.employee_id == self.founder
            and event.actor.role is Role.HR
        )

    def evolve(self, event: Any) -> None:
        """Apply an employee event (others are ignored)."""
        handler = _EVOLVE.get(type(event))
        if handler is not None:
            handler(self, event)


def _joined(staff: Staff, e: Any) -> None:
    staff.members[e.originator_id] = Member(
        e.originator_id, e.name, e.team, e.manager_id, frozenset(e.roles.roles)
    )


def _founded(staff: Staff, e: Any) -> None:
    staff.founding_command = e.command_id
    staff.founder = e.actor.employee_id


def _change(staff: Staff, e: Any, **changes: Any) -> None:
    member = staff.members.get(e.originator_id)
    if member is not None:
        staff.members[e.originator_id] = replace(member, **changes)


def _granted(staff: Staff, e: Any) -> None:
    _change(staff, e, roles=staff.roles_of(e.originator_id) | {e.role})


def _revoked(staff: Staff, e: Any) -> None:
    _change(staff, e, roles=staff.roles_of(e.originator_id) - {e.role})


_EVOLVE: dict[type[Any], Callable[[Staff, Any], None]] = {
    StaffRegister.Founded: _founded,
    Employee.Hired: _joined,
    Employee.Enrolled: _joined,
    Employee.TeamChanged: lambda s, e: _change(s, e, team=e.team),
    Employee.ManagerChanged: lambda s, e: _change(s, e, manager_id=e.manager_id),
    Employee.RoleGranted: _granted,
    Employee.RoleRevoked: _revoked,
    Employee.Promoted: lambda s, e: _change(s, e, roles=frozenset(e.roles.roles)),
    Employee.Left: lambda s, e: _change(s, e, active=False),
}
