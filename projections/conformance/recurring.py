"""Recurring duties (SOP 1, 2.1.1, 2.6.3, 3.2.2, 3.2.3, 3.4): each period a team or a
person owed a duty and ended without it done is a missed occurrence.

The fold remembers when each person and each team existed (``DutyBook.spans``) and the
days each duty was done, for the team and for the people it names (``DutyBook.done``):

- a team meeting (3.4.2) and a team-building activity (3.4.1): for the team that held
  it and for each attendee or participant;
- market research (2.1.1) and a satisfaction survey started (2.6.3): for the one who
  recorded it and their team;
- periodic training (3.2.2) and a career plan set or reviewed (3.2.3): for the employee
  and their team.

A person exists from the later of their first day and the day their enrolment (or
hire) was recorded, to their last day; a team from the day its first member joined it
to the day its last member left it.  When the review is finished (``missed_duties``),
each duty of the policy in force (``SalesPolicy.recurring_duties``) is owed for every
whole period of its cadence within a subject's existence that ended before the day of
the review's moment: a period the subject joined part-way through, or left before its
end, is not owed. A person owes a person's duty if they hold one of its roles (as
the register has them at the review); a team owes a team's duty if one of its members
held one of them while in it.  A missed occurrence is a breach on the last day of its period, so
the report of a period lists the occurrences whose period ended within it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from salesdomain.projections.conformance.duty_book import Subject
from salesdomain.projections.conformance.findings import Breach, Family, Person, Rule, Status, rule
from salesdomain.projections.conformance.review import Review, on, on_finish

from salesdomain.aftersales.satisfaction_survey import SatisfactionSurvey
from salesdomain.duties import Duty, RecurringDuty, Scope
from salesdomain.people.employee import Employee
from salesdomain.performance.team_building import TeamBuilding
from salesdomain.performance.team_meeting import TeamMeeting
from salesdomain.prospecting.market_research import MarketResearch
from salesdomain.sop import Role

R = Family.RECURRING_DUTY
RULES: tuple[Rule, ...] = tuple(rule(duty.rule, R) for duty in Duty)
_RULE_OF = dict(zip(Duty, RULES, strict=True))

TEAM, PERSON = Scope.TEAM.value, Scope.PERSON.value

# ---- evidence: the duty done ------------------------------------------------------------


@on(TeamMeeting.Held)
def team_meeting_held(review: Review, e: TeamMeeting.Held) -> None:
    _done(review, Duty.TEAM_MEETING, e.held_on, e.team, e.attendees.employee_ids)


@on(TeamBuilding.Held)
def team_building_held(review: Review, e: TeamBuilding.Held) -> None:
    _done(review, Duty.TEAM_BUILDING, e.held_on, e.team, e.participants.employee_ids)


@on(MarketResearch.Recorded)
def market_research_recorded(review: Review, e: MarketResearch.Recorded) -> None:
    _by_actor(review, Duty.MARKET_RESEARCH, e)


@on(SatisfactionSurvey.Started)
def survey_started(review: Review, e: SatisfactionSurvey.Started) -> None:
    _by_actor(review, Duty.SATISFACTION_SURVEY, e)


@on(Employee.TrainingRecorded)
def training_recorded(review: Review, e: Employee.TrainingRecorded) -> None:
    _of_employee(review, Duty.TRAINING, e, e.training.held_on)


@on(Employee.CareerPlanSet, Employee.CareerPlanReviewed)
def career_plan_reviewed(
    review: Review, e: Employee.CareerPlanSet | Employee.CareerPlanReviewed
) -> None:
    day = e.reviewed_on if isinstance(e, Employee.CareerPlanReviewed) else _recorded(e)
    _of_employee(review, Duty.CAREER_PLAN_REVIEW, e, day)


def _done(review: Review, duty: Duty, day: date, team: str, people: Iterable[UUID]) -> None:
    book = review.duties
    book.did(duty.value, (TEAM, team), day)
    for employee_id in people:
        book.did(duty.value, (PERSON, str(employee_id)), day)


def _by_actor(review: Review, duty: Duty, e: Any) -> None:
    if e.actor.employee_id is not None:
        _of(review, duty, e.actor.employee_id, _recorded(e))


def _of_employee(review: Review, duty: Duty, e: Any, day: date) -> None:
    _of(review, duty, e.originator_id, day)


def _of(review: Review, duty: Duty, employee_id: UUID, day: date) -> None:
    """Done by (or for) one employee: for them and for their team as the register has it."""
    member = review.staff.get(employee_id)
    review.duties.did(duty.value, (PERSON, str(employee_id)), day)
    if member is not None:
        review.duties.did(duty.value, (TEAM, member.team), day)


# ---- existence: people and teams --------------------------------------------------------


@on(Employee.Hired, Employee.Enrolled)
def employee_joined(review: Review, e: Employee.Hired | Employee.Enrolled) -> None:
    first = max(e.start_date, _recorded(e))
    review.duties.begin((PERSON, str(e.originator_id)), first)
    _joins(review, e.team, first)
    review.duties.held((TEAM, e.team), (r.value for r in e.roles.roles))


@on(Employee.TeamChanged)
def team_changed(review: Review, e: Employee.TeamChanged) -> None:
    member = review.staff.get(e.originator_id)
    if member is None or not member.active:
        return
    first = max(e.effective, _recorded(e))
    _leaves(review, member.team, first - timedelta(days=1))
    _joins(review, e.team, first)
    review.duties.held((TEAM, e.team), (r.value for r in member.roles))


@on(Employee.RoleGranted, Employee.Promoted)
def roles_changed(review: Review, e: Employee.RoleGranted | Employee.Promoted) -> None:
    member = review.staff.get(e.originator_id)
    if member is not None:
        roles = [e.role] if isinstance(e, Employee.RoleGranted) else e.roles.roles
        review.duties.held((TEAM, member.team), (r.value for r in roles))


@on(Employee.Left)
def employee_left(review: Review, e: Employee.Left) -> None:
    member = review.staff.get(e.originator_id)
    review.duties.end((PERSON, str(e.originator_id)), e.last_day)
    if member is not None and member.active:
        _leaves(review, member.team, e.last_day)


def _joins(review: Review, team: str, first: date) -> None:
    if not _members(review, team):
        review.duties.begin((TEAM, team), first)


def _leaves(review: Review, team: str, last: date) -> None:
    if _members(review, team) == 1:  # the one leaving is the last
        review.duties.end((TEAM, team), last)


def _members(review: Review, team: str) -> int:
    """The team's members as the register has them before the event."""
    return sum(1 for m in review.staff.members.values() if m.active and m.team == team)


def _recorded(e: Any) -> date:
    moment: datetime = e.timestamp
    return moment.astimezone(UTC).date()


# ---- the missed occurrences, as at the review -------------------------------------------


@on_finish
def missed_duties(review: Review) -> list[Breach]:
    """Every whole period that ended before the day of ``review.as_at`` in which a team
    or a person owed a duty of the policy in force and the history records none done."""
    over = review.as_at.astimezone(UTC).date() - timedelta(days=1)
    policy = review.policies.current
    book = review.duties
    days: dict[tuple[str, str, str], list[date]] = {}
    for done_duty, done_scope, done_subject, day in book.done:
        days.setdefault((done_duty, done_scope, done_subject), []).append(day)
    for found in days.values():
        found.sort()
    missed: list[Breach] = []
    for duty in policy.recurring_duties:
        for subject, spans in sorted(book.spans.items()):
            owner = _owner(review, duty, subject)
            if owner is None:
                continue
            done = days.get((duty.duty.value, *subject), [])
            for first, last in spans:
                assert first is not None
                until = over if last is None else min(last, over)
                for period in duty.cadence.whole_periods(first, until):
                    at = bisect_left(done, period.start)
                    if at < len(done) and done[at] <= period.end:
                        continue
                    missed.append(_breach(duty, subject, owner, period, policy.version))
    return missed


def _owner(review: Review, duty: RecurringDuty, subject: Subject) -> Person | None:
    """Who answers for the subject's missed duty, or ``None`` if the duty does not apply."""
    scope, name = subject
    if scope != duty.scope.value:
        return None
    if scope == PERSON:
        member = review.staff.get(UUID(name))
        if member is None or not duty.applies_to(member.team, member.roles):
            return None
        return Person(employee_id=member.employee_id, name=member.name, team=member.team)
    roles = frozenset(Role(r) for r in review.duties.roles.get(subject, ()))
    if not duty.applies_to(name, roles):
        return None
    return Person(name=f"team {name}", team=name)


def _breach(
    duty: RecurringDuty, subject: Subject, owner: Person, period: Any, version: str
) -> Breach:
    r = _RULE_OF[duty.duty]
    scope, name = subject
    record_id = UUID(name) if scope == PERSON else uuid5(NAMESPACE_URL, f"salesdomain:team:{name}")
    return Breach(
        rule=r.id,
        rule_text=r.text,
        family=r.family,
        sop_step=r.sop_step,
        status=Status.MISSED,
        case_id=None,
        record_id=record_id,
        record=f"{duty.duty.words} of {owner.name}, {period.name}",
        responsible=owner,
        due=period.end,
        occurred_on=period.end,
        policy_version=version,
        detail=f"{period.name}: no {duty.duty.words} recorded for {owner.name}",
    )
