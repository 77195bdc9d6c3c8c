"""Who acts is who the staff register says: the recorded name is the register's, and a
refused actor cannot obtain an earlier result by re-sending its command id (issue 15).

Given events / When command / Then events or error, on every store (``spec``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from salesdomain.application import SalesApplication
from salesdomain.errors import NotAuthorised
from salesdomain.people import commands as hc
from salesdomain.people.values import LeavingReason
from salesdomain.sop import Role
from salesdomain.values import Actor
from tests.builders import ALICE, register
from tests.conftest import make_app
from tests.people_builders import HANNA, founding
from tests.spec import Spec


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
