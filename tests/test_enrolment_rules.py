"""Enrolment outside recruitment (SOP 3.1.4, 3.2.1; ADR 45), one Given/When/Then a rule.

The first enrolment founds the staff register; after it, people join through recruitment
(a signed labour contract) or under an enrolment exception naming who approved it, under
which role, and why.  Onboarding is recorded done at enrolment only where the exception
covers it.  Runs on the three stores through the ``spec`` fixture (``strict``: an
application that checks every actor and approver against the staff register).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from freezegun import freeze_time

from salesdomain.errors import InvalidCommand
from salesdomain.people import commands as hc
from salesdomain.people.employee import Employee
from salesdomain.people.staff_register import STAFF_REGISTER_ID, StaffRegister
from salesdomain.sop import Role
from salesdomain.values import Actor
from tests import people_builders as pb
from tests.builders import ALICE, DAN, MIA, person
from tests.conftest import make_app
from tests.people_builders import HANNA
from tests.spec import Spec, events_after, log_position, reloaded_as_version_1

NOW = "2026-03-02 09:00:00+00:00"
SUE = person("Sue Supervisor", Role.SALES_SUPERVISOR)


@pytest.fixture
def strict(store_url: str) -> Iterator[Spec]:
    app = make_app(store_url, verify_actors=True)
    yield Spec(app)
    app.close()


def without_exception(name: str, role: Role) -> hc.EnrolEmployee:
    command, _hr = pb.enrol(name, role)
    return command.model_copy(update={"exception": None})


def approved_by(name: str, role: Role, approver: Actor) -> hc.EnrolEmployee:
    command, _hr = pb.enrol(name, role, approver=approver)
    return command


# ---- enrolment_outside_recruitment_by_exception ------------------------------------------


@freeze_time(NOW)
def test_once_the_register_is_founded_nobody_is_enrolled_without_an_exception(strict):
    strict.given(*pb.founding())
    strict.when(without_exception("Nora New", Role.SALES_REPRESENTATIVE), HANNA).then_refused(
        "enrolment_outside_recruitment_by_exception", detail="Nora New joins through recruitment"
    )


@freeze_time(NOW)
def test_the_founding_enrolment_needs_no_exception_and_leaves_onboarding_to_do(strict):
    events = strict.when(*pb.enrol("Hanna HR", Role.HR, founder=True)).then(
        "StaffRegister.Founded", "Employee.Enrolled"
    )
    enrolled = events[1]
    assert (enrolled.exception, enrolled.onboarding_completed) == (None, False)
    assert enrolled.policy_version == strict.app.policy.version


@freeze_time(NOW)
def test_an_approved_exception_is_recorded_on_the_enrolment(strict):
    strict.given(*pb.founding())
    events = strict.when(*pb.enrol("Nora New", Role.SALES_REPRESENTATIVE, approver=MIA)).then(
        "Employee.Enrolled"
    )
    exception = events[0].exception
    assert (exception.approved_by, exception.approver_role) == (MIA.employee_id, MIA.role)
    assert exception.approver_name == "Mia Manager"  # as the register names her
    assert exception.reason == "Hired before the system existed"


# ---- onboarding (3.2.1) is not marked done by the back door --------------------------------


def test_an_enrolment_cannot_mark_onboarding_done_outside_its_exception():
    command, _hr = pb.enrol("Nora New", Role.SALES_REPRESENTATIVE)
    data = command.model_dump(mode="json") | {"onboarding_completed": True, "exception": None}
    with pytest.raises(InvalidCommand, match="onboarding_completed"):
        hc.EnrolEmployee.build(data)


@freeze_time(NOW)
def test_onboarding_is_done_at_enrolment_only_where_the_exception_covers_it(strict):
    strict.given(*pb.founding())
    new, _ = pb.enrol("Nora New", Role.SALES_REPRESENTATIVE, approver=MIA, onboarded=False)
    strict.given((new, HANNA))
    nora = strict.app.load(Employee, new.employee_id)
    alice = strict.app.load(Employee, ALICE.employee_id)  # onboarded, says her exception
    assert (nora.onboarding_completed, alice.onboarding_completed) == (False, True)
    strict.when(pb.onboard(new.employee_id), HANNA).then("Employee.OnboardingCompleted")


# ---- enrolment_exception_by_authorised_role ----------------------------------------------


@pytest.mark.parametrize(
    ("approver", "detail"),
    [
        pytest.param(SUE, "a sales supervisor may not approve it", id="role-not-named"),
        pytest.param(
            HANNA.model_copy(update={"role": Role.SALES_MANAGER}),
            "cannot approve their own entry",
            id="hr-entering-it",
        ),
    ],
)
@freeze_time(NOW)
def test_an_exception_is_approved_under_a_role_the_policy_names_by_someone_else(
    spec, approver, detail
):
    spec.given(*pb.founding())
    command = approved_by("Nora New", Role.SALES_REPRESENTATIVE, approver)
    spec.when(command, HANNA).then_refused("enrolment_exception_by_authorised_role", detail=detail)


@freeze_time(NOW)
def test_the_approver_is_an_active_employee_holding_the_role(strict):
    strict.given(*pb.founding())
    command = approved_by("Nora New", Role.SALES_REPRESENTATIVE, DAN)  # never enrolled
    strict.when(command, HANNA).then_refused(
        "enrolment_exception_by_authorised_role", step="3.1.4", detail="is not an employee"
    )


@freeze_time(NOW)
def test_only_the_registers_first_approver_approves_their_own_entry(strict):
    strict.given(pb.enrol("Hanna HR", Role.HR, founder=True))
    first = strict.when(*pb.enrol("Mia Manager", Role.SALES_MANAGER, approver=MIA)).then(
        "StaffRegister.FirstApproverEnrolled", "Employee.Enrolled"
    )
    assert first[0].employee_id == MIA.employee_id
    assert strict.app.load(StaffRegister, STAFF_REGISTER_ID).first_approver == MIA.employee_id
    strict.when(*pb.enrol("Dan Director", Role.SALES_DIRECTOR, approver=DAN)).then_refused(
        "enrolment_exception_by_authorised_role",
        detail="only as the register's first sales director; Mia Manager already approves",
    )


@freeze_time(NOW)
def test_nobody_approves_their_own_entry_into_a_role_they_do_not_get(spec):
    spec.given(pb.enrol("Hanna HR", Role.HR, founder=True))
    dan_as_rep = pb.enrol("Dan Director", Role.SALES_REPRESENTATIVE, approver=DAN)
    spec.when(*dan_as_rep).then_refused("enrolment_exception_by_authorised_role")


# ---- stored history -------------------------------------------------------------------------


@freeze_time(NOW)
def test_an_enrolment_stored_before_version_2_reads_as_without_exception(spec):
    spec.given(pb.enrol("Hanna HR", Role.HR, founder=True))
    before = log_position(spec.app)
    spec.given(pb.enrol("Alice Rep", Role.SALES_REPRESENTATIVE, approver=MIA))
    [recorded] = [e for e in events_after(spec.app, before) if type(e) is Employee.Enrolled]
    loaded = reloaded_as_version_1(spec.app, recorded, "exception", "policy_version")
    assert (loaded.exception, loaded.policy_version) == (None, None)
    assert loaded.onboarding_completed is True  # as version 1 recorded it
