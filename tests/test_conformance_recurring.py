"""Recurring duties (SOP 1, 2.1.1, 2.6.3, 3.2.2, 3.2.3, 3.4): Given a history recorded by
the application (memory, SQLite file, PostgreSQL) / When the conformance review replays
its log as at a moment / Then each whole period a team or a person owed a duty of the
policy and ended without it done is one missed occurrence naming the duty, the rule,
the SOP step, the team or person and the period; done on cadence, none."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest
from freezegun import freeze_time
from pydantic import ValidationError
from salesdomain.projections.conformance import read_log
from salesdomain.projections.conformance.api import RULES
from salesdomain.projections.conformance.findings import Breach, Family, Status
from salesdomain.projections.conformance.policies import PolicyBook
from salesdomain.projections.conformance.report import build_report
from salesdomain.projections.conformance.review import Review, finish, replay

from salesdomain.duties import Cadence, Duty, RecurringDuty, Scope, default_duties
from salesdomain.people import commands as hc
from salesdomain.people.values import LeavingReason
from salesdomain.performance import commands as pc
from salesdomain.policy import SalesPolicy
from salesdomain.sop import Role
from tests.builders import ALICE, BOB, MIA
from tests.people_builders import HANNA, TEAM, enrol, training
from tests.people_builders import employee_id as uuid5_of
from tests.performance_builders import team
from tests.spec import Spec

MONDAY = datetime(2026, 3, 2, 9, tzinfo=UTC)  # week 2026-W10 begins


def owing(
    duty: Duty,
    cadence: Cadence,
    scope: Scope,
    roles: frozenset[Role] = frozenset(),
    teams: frozenset[str] = frozenset(),
) -> SalesPolicy:
    """A policy whose only recurring duty is ``duty``, once every ``cadence`` period, owed
    by each team or each person (``scope``); ``roles``, ``teams``: as ``RecurringDuty``'s."""
    return SalesPolicy(
        recurring_duties=(
            RecurringDuty(duty=duty, cadence=cadence, scope=scope, roles=roles, teams=teams),
        )
    )


WEEKLY_MEETINGS = owing(Duty.TEAM_MEETING, Cadence.WEEKLY, Scope.TEAM)
MONTHLY_TRAINING = owing(
    Duty.TRAINING, Cadence.MONTHLY, Scope.PERSON, roles=frozenset({Role.SALES_REPRESENTATIVE})
)


def meeting(held_on: date) -> pc.HoldTeamMeeting:
    return pc.HoldTeamMeeting(
        kind=pc.MeetingKind.WEEKLY,
        held_on=held_on,
        team=TEAM,
        attendees=(MIA.employee_id, ALICE.employee_id),
        progress="Pipeline reviewed",
    )


def team_building(held_on: date, team_name: str = TEAM) -> pc.RecordTeamBuilding:
    return pc.RecordTeamBuilding(
        team=team_name,
        activity="Hiking in the Moganshan hills",
        purpose="Bring the new representatives into the team",
        held_on=held_on,
        participants=(MIA.employee_id, ALICE.employee_id, BOB.employee_id),
    )


def missed(spec: Spec, policy: SalesPolicy, as_at: datetime) -> list[Breach]:
    review = replay(Review(PolicyBook(policy), as_at), read_log(spec.app))
    return [b for b in finish(review) if b.family is Family.RECURRING_DUTY]


def weeks_of_meetings(spec: Spec, *held: date) -> None:
    """The team enrolled on Monday 2 March 2026; a meeting on each day of ``held``."""
    with freeze_time(MONDAY) as clock:
        spec.given(*team())
        for day in held:
            clock.move_to(datetime.combine(day, MONDAY.timetz()))
            spec.given((meeting(day), MIA))


# ---- a team's weekly meeting (3.4.2) ------------------------------------------------------


def test_a_team_meeting_every_week_misses_nothing(spec):
    weeks_of_meetings(spec, date(2026, 3, 2), date(2026, 3, 13), date(2026, 3, 22))
    assert missed(spec, WEEKLY_MEETINGS, datetime(2026, 3, 23, tzinfo=UTC)) == []


def test_a_week_without_a_team_meeting_is_one_missed_occurrence_naming_the_week(spec):
    weeks_of_meetings(spec, date(2026, 3, 2), date(2026, 3, 18))
    found = missed(spec, WEEKLY_MEETINGS, datetime(2026, 3, 23, tzinfo=UTC))
    assert [(b.rule, b.sop_step, b.status, b.occurred_on) for b in found] == [
        ("team_meeting_every_period", "3.4.2", Status.MISSED, date(2026, 3, 15))
    ]
    assert found[0].detail == f"week 2026-W11: no team meeting recorded for team {TEAM}"
    assert (found[0].responsible.name, found[0].responsible.team) == (f"team {TEAM}", TEAM)


def test_a_week_is_missed_only_once_it_has_ended(spec):
    weeks_of_meetings(spec, date(2026, 3, 2))
    sunday_night = datetime(2026, 3, 15, 23, 59, tzinfo=UTC)
    assert [b.detail[:13] for b in missed(spec, WEEKLY_MEETINGS, sunday_night)] == []
    monday = datetime(2026, 3, 16, tzinfo=UTC)
    assert [b.detail[:13] for b in missed(spec, WEEKLY_MEETINGS, monday)] == ["week 2026-W11"]


def test_a_team_owes_nothing_before_its_founding_nor_for_the_week_it_was_founded(spec):
    with freeze_time(datetime(2026, 3, 4, 9, tzinfo=UTC)):  # a Wednesday
        spec.given(*team())
    found = missed(spec, WEEKLY_MEETINGS, datetime(2026, 3, 17, tzinfo=UTC))
    assert [b.detail[:13] for b in found] == ["week 2026-W11"]  # not W10, nor earlier


def test_the_report_of_a_period_lists_the_occurrences_whose_period_ended_in_it(spec):
    weeks_of_meetings(spec, date(2026, 3, 2))
    review = replay(
        Review(PolicyBook(WEEKLY_MEETINGS), datetime(2026, 4, 8, tzinfo=UTC)), read_log(spec.app)
    )
    march = build_report(review, RULES, date(2026, 3, 1), date(2026, 3, 31))
    weeks = [b.detail[:13] for b in march.breaches if b.family is Family.RECURRING_DUTY]
    assert weeks == ["week 2026-W11", "week 2026-W12", "week 2026-W13"]  # W14 ends 5 April
    (count,) = [r for r in march.by_rule if r.rule == "team_meeting_every_period"]
    assert (count.breaches, count.family) == (3, Family.RECURRING_DUTY)
    teams = {t.team: t for t in march.teams}
    assert teams[TEAM].breaches == 3


def test_without_the_duty_in_the_policy_no_meeting_is_owed(spec):
    weeks_of_meetings(spec, date(2026, 3, 2))
    silent = SalesPolicy(recurring_duties=())
    assert missed(spec, silent, datetime(2026, 4, 8, tzinfo=UTC)) == []


def test_a_duty_applies_only_to_the_teams_it_names(spec):
    weeks_of_meetings(spec, date(2026, 3, 2))
    elsewhere = owing(
        Duty.TEAM_MEETING, Cadence.WEEKLY, Scope.TEAM, teams=frozenset({"North China Sales"})
    )
    assert missed(spec, elsewhere, datetime(2026, 4, 8, tzinfo=UTC)) == []


# ---- a person's periodic training (3.2.2): enrolment and leaving ---------------------------


def test_a_person_enrolled_mid_month_owes_training_from_the_next_whole_month(spec):
    with freeze_time(datetime(2026, 3, 4, 9, tzinfo=UTC)):
        spec.given(*team())
    found = missed(spec, MONTHLY_TRAINING, datetime(2026, 5, 1, tzinfo=UTC))
    assert sorted((b.responsible.name, b.detail) for b in found) == [
        ("Alice Rep", "month 2026-04: no periodic training recorded for Alice Rep"),
        ("Bob Rep", "month 2026-04: no periodic training recorded for Bob Rep"),
    ]
    assert {(b.rule, b.sop_step, b.record_id) for b in found} == {
        ("training_every_period", "3.2.2", ALICE.employee_id),
        ("training_every_period", "3.2.2", BOB.employee_id),
    }


def test_training_on_cadence_misses_nothing_and_a_departed_person_owes_nothing_after_leaving(
    spec,
):
    with freeze_time(datetime(2026, 3, 4, 9, tzinfo=UTC)) as clock:
        spec.given(*team())
        clock.move_to(datetime(2026, 4, 10, 9, tzinfo=UTC))
        spec.given((training(ALICE.employee_id, on=date(2026, 4, 10)), HANNA))
        leaving = hc.RecordLeaving(
            employee_id=BOB.employee_id, reason=LeavingReason.RESIGNED, last_day=date(2026, 4, 20)
        )
        spec.given((leaving, HANNA))
    # Bob left on 20 April: April was not a whole month of his, nor any month after
    assert missed(spec, MONTHLY_TRAINING, datetime(2026, 5, 1, tzinfo=UTC)) == []
    found = missed(spec, MONTHLY_TRAINING, datetime(2026, 6, 1, tzinfo=UTC))
    assert [(b.responsible.name, b.detail[:13]) for b in found] == [("Alice Rep", "month 2026-05")]


# ---- 3.4.1 team building: the command and the quarterly duty --------------------------------


@freeze_time(MONDAY)
def test_a_team_building_activity_is_recorded_with_its_purpose_and_participants(spec):
    held = spec.given(*team()).when(team_building(date(2026, 3, 2)), MIA).then("TeamBuilding.Held")
    assert (held[0].sop_step, held[0].team, held[0].actor) == ("3.4.1", TEAM, MIA)
    assert held[0].purpose == "Bring the new representatives into the team"
    assert held[0].participants.employee_ids == (
        MIA.employee_id,
        ALICE.employee_id,
        BOB.employee_id,
    )


@freeze_time(MONDAY)
def test_a_team_building_activity_is_not_recorded_ahead_of_time(spec):
    tomorrow = date(2026, 3, 3)
    spec.given(*team()).when(team_building(tomorrow), MIA).then_refused(
        "fact_dated_when_it_happened", step="3.4.1", detail=f"held_on {tomorrow}"
    )


@freeze_time(MONDAY)
def test_a_team_building_activity_names_employees_on_the_people_records(spec):
    stranger = team_building(date(2026, 3, 2)).model_copy(update={"participants": (uuid4(),)})
    assert spec.given(*team()).when(stranger, MIA).error is not None
    assert spec.when(stranger, MIA).events == []


def test_team_building_bounded_fields_are_refused_naming_the_field():
    with pytest.raises(ValidationError, match="purpose"):
        team_building(date(2026, 3, 2)).model_validate(
            {**team_building(date(2026, 3, 2)).model_dump(), "purpose": ""}
        )
    with pytest.raises(ValidationError, match="participants"):
        pc.RecordTeamBuilding.model_validate(
            {**team_building(date(2026, 3, 2)).model_dump(), "participants": []}
        )


def test_a_quarter_without_team_building_is_missed_and_one_with_it_is_not(spec):
    quarterly = owing(Duty.TEAM_BUILDING, Cadence.QUARTERLY, Scope.TEAM)
    with freeze_time(datetime(2026, 1, 1, 9, tzinfo=UTC)) as clock:
        spec.given(*team())
        clock.move_to(datetime(2026, 5, 8, 9, tzinfo=UTC))
        spec.given((team_building(date(2026, 5, 8)), MIA))
    found = missed(spec, quarterly, datetime(2026, 7, 1, tzinfo=UTC))
    assert [(b.rule, b.sop_step, b.detail) for b in found] == [
        (
            "team_building_every_period",
            "3.4.1",
            f"quarter 2026-Q1: no team-building activity recorded for team {TEAM}",
        )
    ]


# ---- the policy data ------------------------------------------------------------------------


def test_the_default_policy_holds_every_recurring_duty_of_the_sop_once():
    duties = SalesPolicy().recurring_duties
    assert duties == default_duties()
    assert {d.duty for d in duties} == set(Duty)
    assert {d.sop_step for d in duties} == {"2.1.1", "2.6.3", "3.2.2", "3.2.3", "3.4.1", "3.4.2"}
    meeting_duty = next(d for d in duties if d.duty is Duty.TEAM_MEETING)
    assert (meeting_duty.cadence, meeting_duty.scope) == (Cadence.WEEKLY, Scope.TEAM)


def test_a_duty_listed_twice_is_refused_naming_the_field():
    twice = [d.model_dump(mode="json") for d in default_duties()[:1]] * 2
    with pytest.raises(ValidationError, match="recurring_duties"):
        SalesPolicy.model_validate({"recurring_duties": twice})


def test_periods_of_each_cadence_are_named_as_a_manager_reads_them():
    day = date(2026, 4, 2)
    assert [c.period_of(day).name for c in Cadence] == [
        "week 2026-W14",
        "month 2026-04",
        "quarter 2026-Q2",
        "year 2026",
    ]
    weeks = list(Cadence.WEEKLY.whole_periods(date(2026, 3, 4), date(2026, 3, 22)))
    assert [(w.start, w.end) for w in weeks] == [
        (date(2026, 3, 9), date(2026, 3, 15)),
        (date(2026, 3, 16), date(2026, 3, 22)),
    ]
    assert date(2026, 3, 2) + timedelta(days=6) == Cadence.WEEKLY.period_of(date(2026, 3, 2)).end


def test_a_team_owes_nothing_once_its_last_member_moved_to_another_team(spec):
    with freeze_time(MONDAY) as clock:
        spec.given(
            enrol("Hanna HR", Role.HR, team="HR"), enrol("Nina Rep", Role.SALES_REPRESENTATIVE)
        )
        clock.move_to(datetime(2026, 3, 18, 9, tzinfo=UTC))  # Wednesday of week 2026-W12
        moved = hc.ChangeTeam(
            employee_id=uuid5_of("Nina Rep"), team="North China Sales", effective=date(2026, 3, 18)
        )
        spec.given((moved, HANNA))
    sales_teams = owing(
        Duty.TEAM_MEETING, Cadence.WEEKLY, Scope.TEAM, roles=frozenset({Role.SALES_REPRESENTATIVE})
    )
    found = missed(spec, sales_teams, datetime(2026, 4, 6, tzinfo=UTC))
    # East: W10 and W11 (W12 left part-way); North: W13 and W14 (W12 joined part-way)
    assert [(b.responsible.name, b.detail[:13]) for b in found] == [
        ("team East China Sales", "week 2026-W10"),
        ("team East China Sales", "week 2026-W11"),
        ("team North China Sales", "week 2026-W13"),
        ("team North China Sales", "week 2026-W14"),
    ]
