"""Work-queue items from the recurring duties (SOP 2.1.1, 2.6.3, 3.2.2, 3.2.3, 3.4;
ADR 49): each duty of the policy in force owed for the period the moment falls in and
not yet done in it, due by the period's last day.  A period already over is not in the
queue: nothing done now counts for it (the conformance review lists it as missed)."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import NAMESPACE_URL, uuid5

from salesdomain.projections.conformance.duty_book import DutyBook
from salesdomain.projections.conformance.staff import Member
from salesdomain.projections.conformance.view import duties
from salesdomain.projections.workqueue.items import DueItem, ItemKind, timing
from sqlalchemy import Table
from sqlalchemy.engine import Connection

from salesdomain.duties import Duty, Period, RecurringDuty, Scope
from salesdomain.policy import SalesPolicy

COMMAND: dict[Duty, str] = {
    Duty.TEAM_MEETING: "HoldTeamMeeting",
    Duty.TEAM_BUILDING: "RecordTeamBuilding",
    Duty.MARKET_RESEARCH: "RecordMarketResearch",
    Duty.SATISFACTION_SURVEY: "StartSatisfactionSurvey",
    Duty.TRAINING: "RecordTraining",
    Duty.CAREER_PLAN_REVIEW: "ReviewCareerPlan (or SetCareerPlan)",
}


def _owed_whole(book: DutyBook, subject: tuple[str, str], period: Period) -> bool:
    """Whether the subject exists through the whole period (only whole periods are owed)."""
    return any(
        first is not None and first <= period.start and (last is None or last >= period.end)
        for first, last in book.spans.get(subject, [])
    )


def duty_items(
    conn: Connection,
    tables: dict[str, Table],
    policy: SalesPolicy,
    member: Member,
    at: datetime,
) -> list[DueItem]:
    """The duties ``member`` owes for the current period, or their team does and their
    roles make them one who does it, not yet done."""
    day = at.astimezone(UTC).date()
    person, team = (Scope.PERSON.value, str(member.employee_id)), (Scope.TEAM.value, member.team)
    book = duties.spans_of(conn, tables, [person, team])
    found: list[DueItem] = []
    for duty in policy.recurring_duties:
        if not duty.applies_to(member.team, member.roles):
            continue
        subject = person if duty.scope is Scope.PERSON else team
        period = duty.cadence.period_of(day)
        if not _owed_whole(book, subject, period) or duties.done_between(
            conn, tables, duty.duty.value, subject, period.start, period.end
        ):
            continue
        found.append(_item(duty, member, period, at))
    return found


def _item(duty: RecurringDuty, member: Member, period: Period, at: datetime) -> DueItem:
    overdue, left = timing(period.end, at)
    if duty.scope is Scope.PERSON:
        owner, owner_id = member.name, str(member.employee_id)
        record_kind, record_id = "employee", owner_id
    else:
        owner, owner_id = f"team {member.team}", None
        record_kind = "team"
        record_id = str(uuid5(NAMESPACE_URL, f"salesdomain:team:{member.team}"))
    return DueItem(
        kind=ItemKind.RECURRING_DUTY,
        sop_step=duty.sop_step,
        step=f"{duty.duty.words} ({duty.cadence.value})",
        record_kind=record_kind,
        record_id=record_id,
        record=f"{duty.duty.words} of {owner}, {period.name}",
        case_id=None,
        due=period.end,
        overdue=overdue,
        seconds_left=left,
        responsible=owner,
        responsible_id=owner_id,
        responsible_team=member.team,
        next_command=COMMAND[duty.duty],
        rule=duty.duty.rule.id,
    )
