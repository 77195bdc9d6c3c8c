"""Whose queue: a person, or a manager and everyone reporting to them, directly or not,
by the staff register's reporting lines (as the conformance view's history tells it)."""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

from salesdomain.projections.conformance.staff import Member


class NotOnRegister(LookupError):
    """The person asked for is not on the staff register (at the moment asked)."""


def people_of(staff: Mapping[UUID, Member], person: UUID, *, team: bool) -> list[Member]:
    """``person`` (first), and with ``team`` every active member reporting to them."""
    me = staff.get(person)
    if me is None:
        raise NotOnRegister(f"employee {person} is not on the staff register")
    if not team:
        return [me]
    below: dict[UUID, list[Member]] = {}
    for member in staff.values():
        if member.manager_id is not None and member.active:
            below.setdefault(member.manager_id, []).append(member)
    found, waiting = {me.employee_id: me}, list(below.get(me.employee_id, ()))
    while waiting:
        member = waiting.pop()
        if member.employee_id not in found:
            found[member.employee_id] = member
            waiting.extend(below.get(member.employee_id, ()))
    return list(found.values())
