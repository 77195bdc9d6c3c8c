"""Roles held by an employee decide what they may do (SOP 3.1.4, 3.2.1), everywhere.

These specs build the application as production does (``verify_actors=True``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from uuid import uuid4

import pytest
from freezegun import freeze_time

from salesdomain.errors import NotAuthorised
from salesdomain.people import commands as hc
from salesdomain.sop import Role
from tests import builders as b
from tests import people_builders as pb
from tests.conftest import make_app
from tests.spec import Spec

NOW = "2026-03-02 09:00:00+00:00"
ALICE_ID = pb.employee_id("Alice Rep")


@pytest.fixture
def strict(store_url: str) -> Iterator[Spec]:
    app = make_app(store_url, verify_actors=True)
    yield Spec(app)
    app.close()


@freeze_time(NOW)
def test_the_first_enrolment_founds_the_staff_register(strict):
    strict.when(*pb.enrol("Hanna HR", Role.HR, founder=True)).then(
        "StaffRegister.Founded", "Employee.Enrolled"
    )


@freeze_time(NOW)
def test_after_founding_only_enrolled_people_act(strict):
    strict.given(*pb.founding())
    stranger = b.person("Eve Outsider", Role.HR)
    command, _ = pb.enrol("Mallory", Role.SALES_DIRECTOR)
    strict.when(command, stranger).then_rejected(NotAuthorised, rule="is not an employee")
    strict.when(b.register(), b.person("Eve Outsider", Role.SALES_REPRESENTATIVE)).then_rejected(
        NotAuthorised, step="2.1.2", rule="is not an employee"
    )


@freeze_time(NOW)
def test_an_employee_acts_only_under_a_role_they_hold(strict):
    strict.given(*pb.founding())
    alice_as_manager = b.person("Alice Rep", Role.SALES_MANAGER)
    strict.when(b.register(), alice_as_manager).then_rejected(
        NotAuthorised, rule="does not hold the role sales manager"
    )
    strict.when(b.register(), b.ALICE).then("Customer.Registered", "CustomerNameClaim.Claimed")


@freeze_time(NOW)
def test_a_granted_role_can_be_used_and_a_revoked_one_cannot(strict):
    strict.given(*pb.founding())
    grant = hc.GrantRole(employee_id=ALICE_ID, role=Role.MARKETING)
    strict.given((grant, pb.HANNA))
    marketing = b.person("Alice Rep", Role.MARKETING)
    strict.when(b.register(), marketing).then("Customer.Registered", "CustomerNameClaim.Claimed")
    strict.given((hc.RevokeRole(employee_id=ALICE_ID, role=Role.MARKETING), pb.HANNA))
    other = b.register(name="Another Prospect Ltd", reg="ANOTHER001")
    strict.when(other, marketing).then_rejected(NotAuthorised, rule="does not hold the role")


@freeze_time(NOW)
def test_someone_who_left_can_no_longer_act(strict):
    strict.given(*pb.founding())
    leaving = hc.RecordLeaving.model_validate(
        {
            "employee_id": ALICE_ID,
            "last_day": date(2026, 3, 1),
            "reason": "resigned",
            "details": "Moved abroad",
        }
    )
    strict.given((leaving, pb.HANNA))
    strict.when(b.register(), b.ALICE).then_rejected(NotAuthorised, rule="has left the company")


@freeze_time(NOW)
def test_onboarding_is_completed_before_an_employee_owns_opportunities(strict):
    strict.given(
        pb.enrol("Hanna HR", Role.HR, founder=True),
        pb.enrol("Mia Manager", Role.SALES_MANAGER, approver=b.MIA),
        pb.enrol("Alice Rep", Role.SALES_REPRESENTATIVE, onboarded=False, approver=b.MIA),
        *b.qualified_customer(),
    )
    opp = uuid4()
    cid = b.customer_id(b.register())
    strict.when(b.open_opportunity(cid, opp), b.ALICE).then_refused(
        "onboarding_before_owning_opportunities"
    )
    strict.given((pb.onboard(ALICE_ID), pb.HANNA))
    strict.when(b.open_opportunity(cid, opp), b.ALICE).then("Opportunity.Opened")


@freeze_time(NOW)
def test_the_register_is_founded_only_by_hr_enrolling_themselves(strict):
    command, hanna = pb.enrol("Mia Manager", Role.SALES_MANAGER)
    strict.when(command, hanna).then_rejected(NotAuthorised, rule="enrolling themselves")
    not_hr = b.person("Hanna HR", Role.SALES_MANAGER)
    strict.when(pb.enrol("Hanna HR", Role.HR, founder=True)[0], not_hr).then_rejected(
        NotAuthorised, rule="founded by someone acting as HR"
    )
