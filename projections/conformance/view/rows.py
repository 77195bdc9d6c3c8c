"""The conformance view's rows of a deadline and of a staff member, and back."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from salesdomain.projections.conformance import time_limits
from salesdomain.projections.conformance.codec import dumps, loads
from salesdomain.projections.conformance.review import Deadline
from salesdomain.projections.conformance.staff import Member

RULES = {r.id: r for r in time_limits.RULES}
"""The rules a deadline may belong to, by id."""

TICK = timedelta(microseconds=1)


def deadline_row(deadline: Deadline) -> dict[str, Any]:
    """What the view keeps of a deadline: its status (open, met, late or withdrawn), the
    moment after which it is breached while open, the day of its deadline, who is
    responsible (the employee's id, else only a role: an approval level), and all of it
    as JSON (``body``)."""
    body = dumps(
        [
            deadline.rule.id,
            deadline.case_id,
            deadline.record_id,
            deadline.record,
            deadline.due,
            deadline.responsible,
            deadline.policy_version,
            deadline.done_at,
            deadline.done_by,
            deadline.position,
            deadline.withdrawn,
        ]
    )
    return {
        "status": status_of(deadline),
        "breached_after": breached_after(deadline.due),
        "due_day": deadline.due.astimezone(UTC).date()
        if isinstance(deadline.due, datetime)
        else deadline.due,
        "body": body,
        "responsible_id": None
        if deadline.responsible.employee_id is None
        else str(deadline.responsible.employee_id),
        "responsible_role": deadline.responsible.role,
    }


def deadline_from(body: str) -> Deadline:
    rule, case_id, record_id, record, due, responsible, version, done_at, done_by, at, gone = loads(
        body
    )
    return Deadline(
        RULES[rule],
        case_id,
        record_id,
        record,
        due,
        responsible,
        version,
        done_at,
        done_by,
        at,
        gone,
    )


def status_of(deadline: Deadline) -> str:
    if deadline.withdrawn:
        return "withdrawn"
    if deadline.done_at is None:
        return "open"
    return "late" if deadline.passed(deadline.done_at) else "met"


def breached_after(due: datetime | date) -> datetime:
    """The last moment at which the deadline is not yet passed (``Deadline.passed``):
    a moment's deadline is passed after it, a day's at the start of the next day."""
    if isinstance(due, datetime):
        return due.astimezone(UTC)
    return datetime.combine(due + timedelta(days=1), time(), UTC) - TICK


def member_text(member: Member) -> str:
    return dumps(
        [
            member.employee_id,
            member.name,
            member.team,
            member.manager_id,
            member.roles,
            member.active,
        ]
    )


def member_from(text: str) -> Member:
    employee_id, name, team, manager_id, roles, active = loads(text)
    return Member(employee_id, name, team, manager_id, roles, active)
