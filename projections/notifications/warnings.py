"""The warnings due at a moment (SOP 4.2.4), worked out from what the views hold and the
clock: a pure function of the open deadlines, the KPI rows of the month, the staff
register, the policy and the moment; no database.

Each warning is addressed to one person and has a deterministic id: the same warning
worked out again (the next tick, another process, after a view is rebuilt) has the same
id, which is how the outbox knows it already holds, or has sent, it (ADR 54).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid5

from salesdomain.projections.conformance.codec import dumps
from salesdomain.projections.conformance.review import Deadline
from salesdomain.projections.conformance.staff import Member
from salesdomain.projections.kpi.figures import KpiRow

from salesdomain.notifications import Addressee, KpiFloor, NotificationPolicy, WarningKind
from salesdomain.sop import Role

NAMESPACE = UUID("5d0c6a4e-54a1-4f0b-9b55-6e6f74696679")
"""The namespace of the warnings' ids (uuid5 of the occasion and the recipient)."""

SUBJECT_LENGTH = 200
"""The longest subject line; a longer one (a long record name) is cut, ending in "..."."""
TEAM_LEADERS = frozenset({Role.SALES_SUPERVISOR, Role.SALES_MANAGER})
"""The roles that answer for a team's KPIs: its members holding one of them."""
KPI_STEP = "4.2.4"


@dataclass(frozen=True)
class Notice:
    """One warning to one person."""

    notification_id: UUID
    """uuid5 of ``occasion`` and the recipient: the same warning always has the same id."""
    kind: WarningKind
    occasion: str
    """What the warning is about, exactly (the deadline and its due moment, or the KPI,
    its group and month): the same occasion is warned about once per recipient."""
    recipient_id: UUID
    sop_step: str
    subject: str
    body: str
    due: datetime | None
    """The deadline's moment (a KPI warning: ``None``)."""


def _cut(text: str, length: int = SUBJECT_LENGTH) -> str:
    return text if len(text) <= length else text[: length - 3] + "..."


def recipients(
    policy: NotificationPolicy,
    kind: WarningKind,
    responsible: Iterable[UUID],
    staff: Mapping[UUID, Member],
) -> list[UUID]:
    """Who gets a warning of ``kind`` about what ``responsible`` must do, as the policy
    says: the responsible people, their managers, the holders of a role (active
    employees only), in a stable order."""
    chosen = policy.recipients[kind]
    concerned = [staff[p] for p in responsible if p in staff and staff[p].active]
    found: set[UUID] = set()
    for recipient in chosen:
        if recipient is Addressee.RESPONSIBLE:
            found.update(member.employee_id for member in concerned)
        elif recipient is Addressee.MANAGER:
            found.update(m.manager_id for m in concerned if m.manager_id is not None)
        else:
            found.update(m.employee_id for m in staff.values() if m.active and recipient in m.roles)
    return sorted(p for p in found if p in staff and staff[p].active)


def _responsible_for(deadline: Deadline, staff: Mapping[UUID, Member]) -> list[UUID]:
    """The responsible employee, or every active holder of the role named instead."""
    person = deadline.responsible
    if person.employee_id is not None:
        return [person.employee_id]
    holders = [m.employee_id for m in staff.values() if m.active]
    return [p for p in holders if person.role in {r.value for r in staff[p].roles}]


def _moment(due: datetime | date) -> datetime:
    if isinstance(due, datetime):
        return due.astimezone(UTC)
    return datetime.combine(due, datetime.max.time(), UTC)


def deadline_notices(
    deadlines: Sequence[tuple[tuple[Any, ...], Deadline]],
    staff: Mapping[UUID, Member],
    policy: NotificationPolicy,
    now: datetime,
) -> list[Notice]:
    """The warnings of the open deadlines (from ``reading.open_deadlines``) as at
    ``now``: overdue once passed, approaching within the policy's notice before."""
    notices = []
    for key, deadline in deadlines:
        due = _moment(deadline.due)
        if deadline.passed(now):
            kind, when = WarningKind.DEADLINE_OVERDUE, "was due"
        elif (due - now).total_seconds() <= policy.deadline_notice_hours * 3600:
            kind, when = WarningKind.DEADLINE_APPROACHING, "is due"
        else:
            continue
        rule = deadline.rule
        # the key as the view stores it (so a warning raised before is known again)
        occasion = f"{kind.value}|{dumps(key)}|{due.isoformat()}"
        subject = _cut(f"[{rule.sop_step}] {deadline.record}: {when} {_shown(deadline.due)}")
        body = (
            f"{rule.text}\n\nRecord: {deadline.record}\nSOP step: {rule.sop_step} "
            f"(rule {rule.id})\nResponsible: {deadline.responsible.name}\n"
            f"Due: {_shown(deadline.due)}\n"
        )
        for person in recipients(policy, kind, _responsible_for(deadline, staff), staff):
            notices.append(_notice(kind, occasion, person, rule.sop_step, subject, body, due))
    return notices


def _shown(due: datetime | date) -> str:
    if isinstance(due, datetime):
        return due.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"{due.isoformat()} (the whole day)"


def _notice(
    kind: WarningKind,
    occasion: str,
    person: UUID,
    step: str,
    subject: str,
    body: str,
    due: datetime | None,
) -> Notice:
    return Notice(
        notification_id=uuid5(NAMESPACE, f"{occasion}|{person}"),
        kind=kind,
        occasion=occasion,
        recipient_id=person,
        sop_step=step,
        subject=subject,
        body=body,
        due=due,
    )


def elapsed_share(today: date) -> Decimal:
    """The share of ``today``'s month elapsed by its end (the 10th of a 30-day month: 1/3)."""
    days = calendar.monthrange(today.year, today.month)[1]
    return Decimal(today.day) / Decimal(days)


def kpi_notices(
    rows: Mapping[str, Sequence[KpiRow]],
    staff: Mapping[UUID, Member],
    policy: NotificationPolicy,
    today: date,
) -> list[Notice]:
    """The warnings of the KPI rows of ``today``'s month (``rows["rep"]``,
    ``rows["team"]``) below the policy's floors, once its grace days are over."""
    if today.day <= policy.kpi_grace_days:
        return []
    notices = []
    for floor in policy.kpi_floors:
        for row in rows.get(floor.by, ()):
            found = _below(row, floor, today)
            if found is None or row.group is None:
                continue
            figure, what = found
            occasion = f"{WarningKind.KPI_BELOW_FLOOR.value}|{floor.by}|{row.group.casefold()}|"
            occasion += f"{row.period}|{floor.measure}"
            subject = _cut(f"[{KPI_STEP}] {row.label}: {what} in {row.period}")
            who = "Representative" if floor.by == "rep" else "Team"
            body = (
                f"{who} {row.label}, {row.period} to {today.isoformat()}:\n"
                f"{what} (figure {figure}; the policy's floor {floor.below}).\n"
            )
            kind = WarningKind.KPI_BELOW_FLOOR
            for person in recipients(policy, kind, _answering(row, floor, staff), staff):
                notices.append(_notice(kind, occasion, person, KPI_STEP, subject, body, None))
    return notices


def _below(row: KpiRow, floor: KpiFloor, today: date) -> tuple[Decimal, str] | None:
    """The figure judged and what it says, if below the floor."""
    if floor.measure == "satisfaction":
        score = row.satisfaction
        if score is None or score >= floor.below:
            return None
        return score, f"average satisfaction {score} is below {floor.below}"
    attainment = row.attainment.get(floor.measure)
    if attainment is None:
        return None
    pace = (attainment / elapsed_share(today)).quantize(Decimal("0.0001"))
    if pace >= floor.below:
        return None
    return pace, (
        f"{floor.measure} at {attainment * 100:.1f}% of the month's target, "
        f"{pace * 100:.1f}% of the pace (floor {floor.below * 100:.0f}%)"
    )


def _answering(row: KpiRow, floor: KpiFloor, staff: Mapping[UUID, Member]) -> list[UUID]:
    """Who answers for the row: the representative, or the team's leaders."""
    if floor.by == "rep":
        try:
            return [UUID(str(row.group))]
        except ValueError:
            return []
    team = str(row.group).casefold()
    return [
        m.employee_id
        for m in staff.values()
        if m.active and m.team.casefold() == team and m.roles & TEAM_LEADERS
    ]
