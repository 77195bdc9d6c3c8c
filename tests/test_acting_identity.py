"""Who acts is who the staff register says: the recorded name is the register's, and a
refused actor cannot obtain an earlier result by re-sending its command id (issue 15).

Given events / When command / Then events or error, on every store (``spec``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from uuid import UUID, uuid4

import pytest
from freezegun import freeze_time

from salesdomain.application import SalesApplication
from salesdomain.errors import NotAuthorised
from salesdomain.people import commands as hc
from salesdomain.people.values import LeavingReason
from salesdomain.sop import Role
from salesdomain.values import Actor
from tests import builders as b
from tests import order_builders as ob
from tests import people_builders as pb
from tests import test_aftersales_rules as aftersales
from tests.builders import ALICE, register
from tests.conftest import make_app
from tests.people_builders import HANNA, founding
from tests.spec import Spec
from tests.web_support import staff_for

AFTER_SALES = b.person("Ann Aftersales", Role.AFTER_SALES)
ON_THE_DAY = "2026-03-02 09:00:00+00:00"  # builders.TODAY: the deals' dates are from then


@pytest.fixture
def app(store_url: str) -> Iterator[SalesApplication]:
    """As in production: every actor is an active employee holding the role they act in."""
    application = make_app(store_url, verify_actors=True)
    yield application
    application.close()


def _as_named(actor: Actor, name: str) -> Actor:
    return actor.model_copy(update={"name": name})


def test_the_name_recorded_is_the_staff_register_s_not_the_caller_s(spec: Spec) -> None:
    spec.given(*founding())
    events = spec.when(register(), _as_named(ALICE, "Dan Wu")).then(
        "Customer.Registered", "CustomerNameClaim.Claimed"
    )
    assert events[0].actor.name == "Alice Rep"
    assert events[0].actor.employee_id == ALICE.employee_id


def test_the_founder_is_recorded_under_the_name_they_enrol_with(spec: Spec) -> None:
    enrol_hanna = founding()[0][0]
    events = spec.when(enrol_hanna, _as_named(HANNA, "Somebody Else")).then(
        "StaffRegister.Founded", "Employee.Enrolled"
    )
    assert {event.actor.name for event in events} == {"Hanna HR"}


def test_someone_who_left_cannot_replay_their_earlier_command(spec: Spec) -> None:
    spec.given(*founding())
    first = register()
    spec.given((first, ALICE))
    leaving = hc.RecordLeaving(
        employee_id=ALICE.employee_id,
        reason=LeavingReason.RESIGNED,
        last_day=date(2026, 3, 2),
    )
    spec.given((leaving, HANNA))
    again = register()
    again = again.model_copy(update={"command_id": first.command_id})
    spec.when(again, ALICE).then_rejected(NotAuthorised, step="2.1.2", rule="has left")


def test_someone_who_lost_the_role_cannot_replay_under_it(spec: Spec) -> None:
    spec.given(*founding())
    first = register()
    spec.given((first, ALICE))
    as_manager = ALICE.model_copy(update={"role": Role.SALES_MANAGER})
    spec.when(first, as_manager).then_rejected(NotAuthorised, rule="does not hold the role")


# ---- people a command names (2.5.1 task owners, 2.6.1 case assignees) --------------------


def _order_in_execution(spec: Spec, *more_staff: Actor) -> UUID:
    """Everyone acting in a won deal and its signed contract enrolled (and ``more_staff``),
    then that deal: the order ``ob.order_of(contract)`` exists."""
    opportunity, contract = uuid4(), uuid4()
    steps = ob.entered_order(opportunity, contract)
    spec.given(*staff_for([*steps, *((b.register(), person) for person in more_staff)]))
    spec.given(*steps)
    return ob.order_of(contract)


@freeze_time(ON_THE_DAY)
def test_a_task_owner_is_recorded_as_the_staff_register_names_them(spec: Spec) -> None:
    order = _order_in_execution(spec, b.PAT)
    events = spec.when(ob.task(order, owner_name="Dan Wu"), ALICE).then(
        "Order.CoordinationTaskAssigned"
    )
    assert (events[0].owner_id, events[0].owner_name) == (b.PAT.employee_id, "Pat Production")


@freeze_time(ON_THE_DAY)
def test_a_task_owner_who_is_not_on_staff_or_not_of_the_department_is_refused(
    spec: Spec,
) -> None:
    order = _order_in_execution(spec, b.QUINN)
    stranger = b.person("Sam Stranger", Role.PRODUCTION)
    spec.when(ob.task(order, owner=stranger), ALICE).then_refused(
        "named_person_is_staff", step="2.5.1", detail="is not an employee"
    )
    spec.when(ob.task(order, owner=b.QUINN), ALICE).then_refused(
        "named_person_is_staff", detail="Quinn Procurement does not hold the role production"
    )


@freeze_time(ON_THE_DAY)
def test_a_service_case_goes_to_an_employee_named_as_the_register_names_them(
    spec: Spec,
) -> None:
    spec.given(*founding(), pb.enrol(AFTER_SALES.name, Role.AFTER_SALES, approver=b.MIA))
    reg = register()
    spec.given(*b.qualified_customer(reg))
    case = uuid4()
    spec.given((aftersales.receive(b.customer_id(reg), case), ALICE))
    impostor = AFTER_SALES.model_copy(update={"name": "Dan Wu"})
    events = spec.when(aftersales.assign(case, impostor), ALICE).then("ServiceCase.Assigned")
    assert events[0].assignee.name == "Ann Aftersales"
    nobody = b.person("Nobody Here", Role.AFTER_SALES)
    spec.when(aftersales.assign(case, nobody), ALICE).then_refused(
        "named_person_is_staff", step="2.6.1"
    )
