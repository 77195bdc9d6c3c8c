"""Who acts: ``--as`` (an employee's id or name) and ``--role``, checked against the
Employee records before anything is sent, with a clear message for each refusal."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.cli.common import ExitCode, Failure, caught_up
from sqlalchemy import select

from salesdomain.errors import RecordNotFound
from salesdomain.people.commands import EnrolEmployee
from salesdomain.people.employee import Employee
from salesdomain.sop import Role, step
from salesdomain.values import Actor


@dataclass(frozen=True)
class StaffMember:
    employee_id: str
    name: str
    team: str
    active: bool


def staff(system: System) -> list[StaffMember]:
    """Every employee on record (from the KPI view's employees, brought up to date)."""
    caught_up(system, "kpi")
    runner = system.views.runner("kpi")
    employees = runner.tables()["employees"]
    with runner.engine.connect() as conn:
        rows = conn.execute(select(employees).order_by(employees.c.name)).all()
    return [StaffMember(r.employee_id, r.name, r.team, r.active) for r in rows]


def parse_role(text: str) -> Role:
    key = text.strip().lower().replace(" ", "_").replace("-", "_")
    try:
        return Role(key)
    except ValueError:
        known = ", ".join(r.value for r in Role if r is not Role.AUTOMATED_POLICY)
        raise Failure(ExitCode.USAGE, f"--role: '{text}' is not a role ({known})") from None


def employee(system: System, who: str) -> Employee:
    """The employee ``who`` names: an employee id, or an exact name (any case)."""
    try:
        employee_id = UUID(who)
    except ValueError:
        matches = [m for m in staff(system) if m.name.casefold() == who.strip().casefold()]
        if not matches:
            raise Failure(ExitCode.NOT_AUTHORISED, nobody_called(system, who)) from None
        if len(matches) > 1:
            ids = ", ".join(m.employee_id for m in matches)
            raise Failure(
                ExitCode.USAGE,
                f"--as: {len(matches)} employees are called '{who}': give the id ({ids})",
            ) from None
        employee_id = UUID(matches[0].employee_id)
    try:
        return system.app.load(Employee, employee_id)
    except RecordNotFound:
        raise Failure(
            ExitCode.NOT_AUTHORISED, f"--as: no employee has the id {employee_id}"
        ) from None


def resolve_actor(system: System, who: str, role: str | None, sop_step: str) -> Actor:
    """The actor for a command of ``sop_step``: the employee, under ``role`` (or, if not
    given, the one role they hold that may perform the step)."""
    person = employee(system, who)
    if not person.is_active:
        raise Failure(ExitCode.NOT_AUTHORISED, f"--as: {person.name} has left the company")
    held = sorted(person.roles, key=lambda r: r.value)
    held_text = ", ".join(r.label for r in held) or "no role"
    the_step = step(sop_step)
    if role is None:
        fitting = [r for r in held if r in the_step.roles]
        if len(fitting) == 1:
            return Actor(employee_id=person.id, role=fitting[0], name=person.name)
        if not fitting:
            raise Failure(
                ExitCode.NOT_AUTHORISED,
                f"{person.name} holds {held_text}; none of these may perform SOP {the_step}",
            )
        choices = " or ".join(r.value for r in fitting)
        raise Failure(
            ExitCode.USAGE, f"--role: {person.name} may act as {choices} here; choose one"
        )
    chosen = parse_role(role)
    if not person.holds(chosen):
        raise Failure(
            ExitCode.NOT_AUTHORISED,
            f"{person.name} does not hold the role {chosen.label} (holds {held_text})",
        )
    return Actor(employee_id=person.id, role=chosen, name=person.name)


def nobody_called(system: System, who: str) -> str:
    """Why ``--as`` names no one; on an empty store, how the staff register is founded."""
    if staff(system):
        return (
            f"--as: nobody called '{who}' is an employee of the company (see `salesdomain staff`)"
        )
    return (
        f"--as: nobody called '{who}' is an employee: the staff register is empty. Its "
        "first command is HR enrolling themselves, which founds it: "
        '`salesdomain run EnrolEmployee --as "<your name>" --role hr` with your own '
        "entry (name, team, position, roles including hr, salary, start date) as the JSON"
    )


def founding_actor(system: System, command: object, who: str, role: str | None) -> Actor | None:
    """The very first enrolment: someone acting as HR enrols themselves, founding the
    staff register (ADR 8), named by the id or (the register still empty) the name in
    the command.  ``None`` if ``command`` is not that; the domain checks the rest
    (that no register exists yet)."""
    if not isinstance(command, EnrolEmployee) or role is None or parse_role(role) is not Role.HR:
        return None
    named = who.strip().casefold()
    by_name = named == command.name.casefold() and not staff(system)
    if named != str(command.employee_id) and not by_name:
        return None
    try:
        system.app.load(Employee, command.employee_id)
    except RecordNotFound:
        return Actor(employee_id=command.employee_id, role=Role.HR, name=command.name)
    return None
