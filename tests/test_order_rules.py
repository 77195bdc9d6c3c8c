"""Every rule the Order aggregate enforces (SOP 2.5), one Given/When/Then each.

Each test runs on the three stores (memory, SQLite, PostgreSQL) through the ``spec`` fixture.
The order is opened by signing the contract of ``builders.won_deal`` (100 x RK-3 at
1,000 CNY, cost 600, delivery date TODAY + 60 days, owner ALICE); see ``order_builders``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from freezegun import freeze_time

from salesdomain.errors import InvalidCommand, NotAuthorised, RecordNotFound
from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.orders import commands as orders
from salesdomain.orders.order import Order
from salesdomain.orders.policy import OrderPolicy
from salesdomain.orders.values import InspectionKind, ReceiptKind
from salesdomain.policy import SalesPolicy
from salesdomain.reactions import policy_actor
from salesdomain.sop import Role
from tests import builders as b
from tests import contract_builders as cb
from tests import order_builders as ob
from tests.builders import ALICE, BOB, DAN, LEO, MIA, PAT, QUINN, SUE, TODAY
from tests.order_builders import DELIVERY_DATE, LOU, QIN
from tests.spec import (
    Spec,
    Step,
    every_row,
    not_authorised,
    on,
    refused,
    reloaded_as_version_1,
)

NOW = "2026-03-02 09:00:00+00:00"  # builders.TODAY, 09:00 UTC


# ---- helpers ----------------------------------------------------------------------------


def order(spec: Spec) -> UUID:
    """The order a newly signed contract opened."""
    opp, contract = uuid4(), uuid4()
    spec.given(*ob.entered_order(opp, contract))
    return ob.order_of(contract)


def order_with(spec: Spec, history: Callable[[UUID], list[Step]]) -> UUID:
    """The order a newly signed contract opened, and what ``history(order)`` then did."""
    order_id = order(spec)
    spec.given(*history(order_id))
    return order_id


def amend_and_approve(contract: UUID, **changes: object) -> list[Step]:
    """Legal amends the signed contract (changing ``changes``), sales reviews it with an
    explanation for every difference from the quote, the manager approves."""
    return [
        (cb.amend(contract, **changes), LEO),
        (cb.review(contract, **_explain(changes)), ALICE),
        (cb.approve(contract), MIA),
    ]


def _explain(changes: dict[str, object]) -> dict[str, str]:
    fields: dict[str, str] = {}
    if "delivery_date" in changes:
        fields["delivery_date"] = "Customer asked for a later delivery"
    if "lines" in changes:
        fields["lines__RK-3__quantity"] = "Customer reduced the quantity"
    return fields


# ---- 2.5.1 the signed contract becomes a sales order -----------------------------------


@freeze_time(NOW)
def test_signing_the_contract_opens_exactly_one_order_in_the_deals_case(spec):
    opp, contract = uuid4(), uuid4()
    *approved, signing = ob.entered_order(opp, contract)
    spec.given(*approved)
    signed, entered = spec.when(*signing).then("Contract.Signed", "Order.Entered")
    case_id = spec.app.load(Opportunity, opp).case_id
    assert entered.originator_id == ob.order_of(contract)
    assert entered.causation_id == signed.event_id
    assert entered.correlation_id == signed.correlation_id == case_id
    assert entered.actor == policy_actor("OpenOrderWhenContractSigned")
    assert entered.command == "OpenOrderWhenContractSigned"
    assert (entered.contract_id, entered.contract_revision) == (contract, 1)
    assert (entered.customer_id, entered.owner_id) == (signed.customer_id, ALICE.employee_id)
    assert (entered.amount, entered.cost) == (b.money("100000"), b.money("60000"))
    assert entered.lines.units == Decimal(100)
    assert entered.delivery_date == DELIVERY_DATE
    placed = spec.app.load(Order, ob.order_of(contract))
    assert (placed.customer_id, placed.case_id) == (signed.customer_id, case_id)
    assert (placed.is_complete, placed.completed_event_id) == (False, None)


@freeze_time(NOW)
def test_an_amended_contract_signed_again_amends_the_order_in_execution(spec):
    opp, contract = uuid4(), uuid4()
    later = DELIVERY_DATE + timedelta(days=14)
    spec.given(*ob.entered_order(opp, contract), *amend_and_approve(contract, delivery_date=later))
    signed, amended = spec.when(cb.sign(contract), MIA).then(
        "Contract.Signed", "Order.ContractAmended"
    )
    assert amended.originator_id == ob.order_of(contract)
    assert (amended.causation_id, amended.contract_revision) == (signed.event_id, 2)
    assert spec.app.load(Order, ob.order_of(contract)).delivery_date == later
    with pytest.raises(RecordNotFound):
        spec.app.load(Order, ob.order_of(contract, 2))


@freeze_time(NOW)
def test_an_amended_contract_signed_after_the_order_was_cancelled_opens_a_new_order(spec):
    opp, contract = uuid4(), uuid4()
    later = DELIVERY_DATE + timedelta(days=14)
    spec.given(
        *ob.entered_order(opp, contract),
        (ob.cancel(ob.order_of(contract)), MIA),
        *amend_and_approve(contract, delivery_date=later),
    )
    signed, entered = spec.when(cb.sign(contract), MIA).then("Contract.Signed", "Order.Entered")
    assert entered.originator_id == ob.order_of(contract, 2)
    assert (entered.causation_id, entered.delivery_date) == (signed.event_id, later)


@freeze_time(NOW)
def test_an_amendment_cannot_order_less_than_has_been_shipped(spec):
    opp, contract = uuid4(), uuid4()
    order_id = ob.order_of(contract)
    spec.given(
        *ob.entered_order(opp, contract),
        *ob.shipped(order_id, "60"),
        *amend_and_approve(contract, lines=b.lines(qty="50")),
    )
    spec.when(cb.sign(contract), MIA).then_refused("amendment_not_below_shipped")


@freeze_time(NOW)
def test_a_completed_order_is_not_amended(spec):
    opp, contract = uuid4(), uuid4()
    later = DELIVERY_DATE + timedelta(days=14)
    spec.given(
        *ob.completed_order(opp, contract), *amend_and_approve(contract, delivery_date=later)
    )
    spec.when(cb.sign(contract), MIA).then_refused("order_closed", step="2.5.1")


@freeze_time(NOW)
def test_an_amendment_of_clauses_only_leaves_a_completed_order_as_it_is(spec):
    opp, contract = uuid4(), uuid4()
    spec.given(
        *ob.completed_order(opp, contract),
        (cb.amend(contract, clauses=cb.clauses("24 months warranty")), LEO),
        (cb.review(contract), ALICE),
        (cb.approve(contract), MIA),
    )
    spec.when(cb.sign(contract), MIA).then("Contract.Signed")


@freeze_time(NOW)
def test_an_unknown_order_is_not_found(spec):
    spec.when(ob.plan(uuid4()), PAT).then_rejected(RecordNotFound, rule="no order with id")


# ---- 2.5.1 coordination tasks ----------------------------------------------------------


@freeze_time(NOW)
def test_a_task_is_due_the_policys_coordination_days_after_entry_by_default(spec):
    order_id = order(spec)
    [assigned] = spec.when(ob.task(order_id), ALICE).then("Order.CoordinationTaskAssigned")
    assert (assigned.task_number, assigned.department) == (1, Role.PRODUCTION)
    assert (assigned.owner_id, assigned.due_on) == (PAT.employee_id, TODAY + timedelta(days=5))
    assert assigned.policy_version == SalesPolicy().version


def test_tasks_go_to_production_procurement_or_logistics():
    with pytest.raises(InvalidCommand, match="department"):
        orders.AssignCoordinationTask.build(
            {
                "order_id": uuid4(),
                "department": Role.LEGAL,
                "owner_id": LEO.employee_id,
                "owner_name": LEO.name,
                "description": "Check the contract",
            }
        )


OWNERS_WORK = {
    ob.task: ("2.5.1", "Order.CoordinationTaskAssigned"),
    ob.notify: ("2.5.4", "Order.CustomerNotifiedOfDispatch"),
}


@pytest.mark.parametrize(
    ("command", "actor", "allowed"),
    [
        pytest.param(ob.task, BOB, False, id="task-by-another-rep"),
        pytest.param(ob.task, PAT, False, id="task-by-production"),
        pytest.param(ob.task, SUE, True, id="task-by-a-supervisor"),
        pytest.param(ob.notify, BOB, False, id="notice-by-another-rep"),
        pytest.param(ob.notify, ALICE, True, id="notice-by-the-owner"),
        pytest.param(ob.notify, SUE, True, id="notice-by-a-supervisor"),
    ],
)
@freeze_time(NOW)
def test_the_orders_owner_or_a_sales_lead_assigns_tasks_and_tells_the_customer(
    spec, command, actor, allowed
):
    step, event = OWNERS_WORK[command]
    outcome = spec.when(command(order(spec)), actor)
    if allowed:
        outcome.then(event)
    else:
        outcome.then_rejected(NotAuthorised, step=step, rule="does not own this order")


@freeze_time(NOW)
def test_the_tasks_owner_completes_it(spec):
    order_id = order(spec)
    spec.given((ob.task(order_id), ALICE))
    [done] = spec.when(ob.complete_task(order_id), PAT).then("Order.CoordinationTaskCompleted")
    assert (done.completed_on, done.due_on) == (TODAY, TODAY + timedelta(days=5))


# ---- the department that does the work records it --------------------------------------


@pytest.mark.parametrize(
    ("given", "command", "actor", "step", "rule"),
    [
        pytest.param([], ob.plan, QUINN, "2.5.2", "is not production", id="plan"),
        pytest.param([], ob.purchase, PAT, "2.5.2", "is not procurement", id="purchase"),
        pytest.param([ob.plan, ob.purchase], ob.follow_up, PAT, "2.5.2", "is not procurement",
                     id="follow-up"),
        pytest.param([], ob.inspect, PAT, "2.5.3", "is not quality control", id="inspect"),
        pytest.param([], ob.rework, QIN, "2.5.3", "is not production", id="rework"),
        pytest.param([], ob.dispatch, ALICE, "2.5.4", "is not logistics", id="dispatch"),
    ],
)  # fmt: skip
@freeze_time(NOW)
def test_each_department_records_its_own_work(spec, given, command, actor, step, rule):
    order_id = order(spec)
    by = {ob.plan: PAT, ob.purchase: QUINN}
    spec.given(*[(make(order_id), by[make]) for make in given])
    spec.when(command(order_id), actor).then_rejected(NotAuthorised, step=step, rule=rule)


# ---- 2.5.2 production and procurement --------------------------------------------------


LATE = DELIVERY_DATE + timedelta(days=1)
"""A plan's finish a day after the order's delivery date."""


@freeze_time(NOW)
def test_a_production_plan_finishing_by_the_delivery_date_is_recorded(spec):
    order_id = order(spec)
    [planned] = spec.when(ob.plan(order_id, finish=DELIVERY_DATE), PAT).then(
        "Order.ProductionPlanned"
    )
    assert (planned.plan_version, planned.meets_delivery_date) == (1, True)
    assert planned.customer_told is None


@freeze_time(NOW)
def test_a_plan_finishing_after_the_delivery_date_is_refused_unless_the_customer_was_told(spec):
    order_id = order(spec)
    spec.when(ob.plan(order_id, finish=LATE), PAT).then_refused(
        "production_plan_meets_delivery_date", detail=f"after the delivery date {DELIVERY_DATE}"
    )
    [planned] = spec.when(ob.plan(order_id, finish=LATE, told_on=TODAY), PAT).then(
        "Order.ProductionPlanned"
    )
    assert (planned.meets_delivery_date, planned.delivery_date) == (False, DELIVERY_DATE)
    assert (planned.customer_told.contact, planned.customer_told.told_on) == ("Chen Wei", TODAY)


@freeze_time(NOW)
def test_a_plan_stored_before_late_finishes_were_told_loads_with_nobody_told(spec):
    order_id = order(spec)
    [planned] = spec.when(ob.plan(order_id, finish=LATE, told_on=TODAY), PAT).then(
        "Order.ProductionPlanned"
    )
    loaded = reloaded_as_version_1(spec.app, planned, "customer_told")
    assert (loaded.plan, loaded.meets_delivery_date, loaded.customer_told) == (
        planned.plan,
        False,
        None,
    )


@freeze_time(NOW)
def test_the_customer_is_told_of_a_late_finish_before_it_is_recorded(spec):
    order_id = order(spec)
    tomorrow = TODAY + timedelta(days=1)
    spec.when(ob.plan(order_id, finish=LATE, told_on=tomorrow), PAT).then_refused(
        "fact_dated_when_it_happened", step="2.5.2", detail=f"told_on {tomorrow}"
    )


@freeze_time(NOW)
def test_a_plan_meets_a_delivery_date_renegotiated_by_amending_the_contract(spec):
    opp, contract = uuid4(), uuid4()
    later = DELIVERY_DATE + timedelta(days=14)
    spec.given(
        *ob.entered_order(opp, contract),
        *amend_and_approve(contract, delivery_date=later),
        (cb.sign(contract), MIA),
    )
    [planned] = spec.when(ob.plan(ob.order_of(contract), finish=later), PAT).then(
        "Order.ProductionPlanned"
    )
    assert (planned.meets_delivery_date, planned.delivery_date) == (True, later)


@freeze_time(NOW)
def test_a_supplier_follow_up_may_revise_the_expected_date(spec):
    order_id = order(spec)
    spec.given((ob.plan(order_id), PAT), (ob.purchase(order_id), QUINN))
    later = TODAY + timedelta(days=20)
    [note] = spec.when(ob.follow_up(order_id, expected_on=later), QUINN).then(
        "Order.SupplierFollowedUp"
    )
    assert (note.supplier, note.followed_up_on, note.expected_on) == (
        "Ningbo Castings",
        TODAY,
        later,
    )


# ---- 2.5.3 quality control -------------------------------------------------------------


@freeze_time(NOW)
def test_an_inspection_records_its_date_against_the_delivery_date(spec):
    order_id = order(spec)
    [inspected] = spec.when(ob.inspect(order_id), QIN).then("Order.LotInspected")
    assert (inspected.inspected_on, inspected.delivery_date) == (TODAY, DELIVERY_DATE)
    assert (inspected.due_by, inspected.inspection_number) == (DELIVERY_DATE, 1)


@freeze_time(NOW)
def test_the_inspection_deadline_comes_from_policy(spec_with):
    spec = spec_with(SalesPolicy(orders=OrderPolicy(inspection_before_delivery_days=7)))
    order_id = order(spec)
    [inspected] = spec.when(ob.inspect(order_id), QIN).then("Order.LotInspected")
    assert inspected.due_by == DELIVERY_DATE - timedelta(days=7)


def test_a_failed_inspection_says_why():
    with pytest.raises(InvalidCommand, match="findings"):
        orders.RecordInspection.build(
            {
                "order_id": uuid4(),
                "lot_id": "L1",
                "product_code": "RK-3",
                "quantity": "5",
                "passed": False,
            }
        )


@freeze_time(NOW)
def test_a_reworked_lot_is_inspected_again(spec):
    order_id = order(spec)
    spec.given((ob.inspect(order_id, passed=False), QIN))
    [reworked] = spec.when(ob.rework(order_id), PAT).then("Order.LotReworked")
    assert (reworked.rework_number, reworked.product_code) == (1, "RK-3")
    [inspected] = spec.when(ob.inspect(order_id), QIN).then("Order.LotInspected")
    assert (inspected.inspection_number, inspected.passed) == (2, True)


@freeze_time(NOW)
def test_a_lot_is_inspected_again_as_the_same_product(spec):
    opp, contract = uuid4(), uuid4()
    order_id = ob.order_of(contract)
    spec.given(*ob.two_product_order(opp, contract), (ob.inspect(order_id, passed=False), QIN))
    spec.given((ob.rework(order_id), PAT))
    spec.when(ob.inspect(order_id, "10", product="SN-1"), QIN).then_refused(
        "lot_reinspected_as_same_product"
    )


# ---- 2.5.4 no shipment without a passed inspection -------------------------------------


@freeze_time(NOW)
def test_a_failed_lot_cannot_ship_until_reworked_and_inspected_again(spec):
    order_id = order(spec)
    spec.given((ob.inspect(order_id, passed=False), QIN), (ob.notify(order_id), LOU))
    spec.when(ob.dispatch(order_id), LOU).then_refused("shipment_after_passed_inspection")
    spec.given((ob.rework(order_id), PAT))
    spec.when(ob.dispatch(order_id), LOU).then_refused("shipment_after_passed_inspection")
    spec.given((ob.inspect(order_id), QIN))
    spec.when(ob.dispatch(order_id), LOU).then("Order.ShipmentDispatched")


@freeze_time(NOW)
def test_passing_in_process_monitoring_is_not_enough_to_ship(spec):
    order_id = order(spec)
    monitored = ob.inspect(order_id, kind=InspectionKind.IN_PROCESS)
    spec.given((monitored, QIN), (ob.notify(order_id), LOU))
    spec.when(ob.dispatch(order_id), LOU).then_refused("shipment_after_passed_inspection")
    spec.given((ob.inspect(order_id), QIN))  # the final inspection of the same lot
    spec.when(ob.dispatch(order_id), LOU).then("Order.ShipmentDispatched")


# ---- 2.5.4 the customer is told before dispatch ----------------------------------------


# ---- 2.5.4 partial shipments, receipts and completion ----------------------------------


@freeze_time(NOW)
def test_partial_shipments_complete_the_order_when_the_last_receipt_is_confirmed(spec):
    order_id = order(spec)
    spec.given(*ob.shipped(order_id, "60", "TRK-1"), *ob.shipped(order_id, "40", "TRK-2"))
    [first] = spec.when(ob.confirm(order_id, "TRK-1"), LOU).then("Order.DeliveryConfirmed")
    assert (first.shipment_number, first.items.units) == (1, Decimal(60))
    assert not spec.app.load(Order, order_id).is_complete
    confirm_last = ob.confirm(order_id, "TRK-2", kind=ReceiptKind.ACCEPTANCE_REPORT)
    confirmed, completed = spec.when(confirm_last, ALICE).then(
        "Order.DeliveryConfirmed", "Order.Completed"
    )
    assert (completed.amount, completed.cost) == (b.money("100000"), b.money("60000"))
    assert (completed.units, completed.shipments) == (Decimal(100), 2)
    assert (completed.delivered_on, completed.delivery_date) == (TODAY, DELIVERY_DATE)
    assert completed.customer_id == spec.app.load(Order, order_id).customer_id
    assert completed.command == confirmed.command == "ConfirmDelivery"
    assert (completed.actor, confirmed.receipt.kind) == (ALICE, ReceiptKind.ACCEPTANCE_REPORT)
    done = spec.app.load(Order, order_id)
    assert (done.is_complete, done.completed_event_id) == (True, completed.event_id)


@freeze_time(NOW)
def test_no_completion_without_a_receipt_confirmation(spec):
    order_id = order(spec)
    spec.given(*ob.shipped(order_id, "60", "TRK-1"))
    spec.when(ob.confirm(order_id, "TRK-1"), LOU).then("Order.DeliveryConfirmed")
    spec.given(*ob.shipped(order_id, "40", "TRK-2"))  # everything shipped, not all confirmed
    assert not spec.app.load(Order, order_id).is_complete


@freeze_time(NOW)
def test_every_product_is_delivered_before_the_order_is_complete(spec):
    opp, contract = uuid4(), uuid4()
    order_id = ob.order_of(contract)
    spec.given(*ob.two_product_order(opp, contract), *ob.shipped(order_id))
    spec.when(ob.confirm(order_id), LOU).then("Order.DeliveryConfirmed")
    spec.given(
        (ob.inspect(order_id, "10", lot="L2", product="SN-1"), QIN),
        (ob.notify(order_id, "TRK-2"), LOU),
        (ob.dispatch(order_id, "10", "TRK-2", product="SN-1"), LOU),
    )
    [*_, completed] = spec.when(ob.confirm(order_id, "TRK-2"), LOU).then(
        "Order.DeliveryConfirmed", "Order.Completed"
    )
    assert (completed.units, completed.amount) == (Decimal(110), b.money("110000"))


# ---- cancellation ----------------------------------------------------------------------


@freeze_time(NOW)
def test_a_sales_manager_cancels_an_order_before_anything_shipped(spec):
    order_id = order(spec)
    spec.given(*ob.shipped(order_id, "60")[:2])  # inspected and announced, not shipped
    [cancelled] = spec.when(ob.cancel(order_id), MIA).then("Order.Cancelled")
    assert (cancelled.amount, cancelled.reason) == (b.money("100000"), ob.cancel(order_id).reason)
    assert spec.app.load(Order, order_id).is_cancelled


@pytest.mark.parametrize("actor", [ALICE, SUE, PAT], ids=["owner", "supervisor", "production"])
@freeze_time(NOW)
def test_only_the_roles_policy_names_cancel_an_order(spec, actor):
    spec.when(ob.cancel(order(spec)), actor).then_rejected(
        NotAuthorised, step="2.5.1", rule="may not cancel an order"
    )


@freeze_time(NOW)
def test_the_roles_that_may_cancel_come_from_policy(spec_with):
    spec = spec_with(SalesPolicy(orders=OrderPolicy(cancellation_roles={Role.SALES_SUPERVISOR})))
    order_id = order(spec)
    spec.when(ob.cancel(order_id), MIA).then_rejected(NotAuthorised, rule="may not cancel")
    spec.when(ob.cancel(order_id), SUE).then("Order.Cancelled")


@freeze_time(NOW)
def test_a_sales_director_may_cancel_an_order(spec):
    spec.when(ob.cancel(order(spec)), DAN).then("Order.Cancelled")


# ---- nothing more once cancelled or completed ------------------------------------------

LATER_WORK = [
    pytest.param(ob.task, ALICE, "2.5.1", id="task"),
    pytest.param(ob.plan, PAT, "2.5.2", id="plan"),
    pytest.param(ob.inspect, QIN, "2.5.3", id="inspect"),
    pytest.param(ob.rework, PAT, "2.5.3", id="rework"),
    pytest.param(ob.notify, LOU, "2.5.4", id="notify"),
    pytest.param(ob.confirm, ALICE, "2.5.4", id="confirm"),
    pytest.param(ob.cancel, MIA, "2.5.1", id="cancel"),
]


@pytest.mark.parametrize(("command", "actor", "step"), LATER_WORK)
@pytest.mark.parametrize("end", ["cancelled", "completed"])
@freeze_time(NOW)
def test_nothing_more_is_recorded_on_a_cancelled_or_completed_order(
    spec, end, command, actor, step
):
    opp, contract = uuid4(), uuid4()
    order_id = ob.order_of(contract)
    if end == "cancelled":
        spec.given(*ob.entered_order(opp, contract), (ob.cancel(order_id), MIA))
    else:
        spec.given(*ob.completed_order(opp, contract))
    spec.when(command(order_id), actor).then_refused("order_closed", step=step, detail=end)


# ---- every rule of executing the order, one row each: what happened to it, then a step ----


def nothing(order_id: UUID) -> list[Step]:
    return []


def tasked(order_id: UUID) -> list[Step]:
    return [(ob.task(order_id), ALICE)]


def task_done(order_id: UUID) -> list[Step]:
    return [*tasked(order_id), (ob.complete_task(order_id), PAT)]


def bought(order_id: UUID) -> list[Step]:
    return [(ob.plan(order_id), PAT), (ob.purchase(order_id), QUINN)]


def failed(order_id: UUID) -> list[Step]:
    return [(ob.inspect(order_id, passed=False), QIN)]


def passed(order_id: UUID) -> list[Step]:
    return [(ob.inspect(order_id), QIN)]


def announced(order_id: UUID) -> list[Step]:
    """Passed the final inspection, and the customer told of the dispatch."""
    return [*passed(order_id), (ob.notify(order_id), LOU)]


def sixty_shipped(order_id: UUID) -> list[Step]:
    return ob.shipped(order_id, "60")


def more_passed_than_shipped(order_id: UUID) -> list[Step]:
    """60 shipped, 30 more passed and announced: 90 passed in all."""
    more = [(ob.inspect(order_id, "30", lot="L2"), QIN), (ob.notify(order_id, "TRK-2"), LOU)]
    return [*sixty_shipped(order_id), *more]


def a_hundred_and_ten_passed(order_id: UUID) -> list[Step]:
    return [*announced(order_id), (ob.inspect(order_id, "10", lot="L2"), QIN)]


def told(order_id: UUID) -> list[Step]:
    return [(ob.notify(order_id), LOU)]


def forty_more_passed(order_id: UUID) -> list[Step]:
    return [*sixty_shipped(order_id), (ob.inspect(order_id, "40", lot="L2"), QIN)]


def received(order_id: UUID) -> list[Step]:
    return [*sixty_shipped(order_id), (ob.confirm(order_id), LOU)]


def later_than_announced(order_id: UUID) -> orders.DispatchShipment:
    return ob.dispatch(order_id, arrival=ob.ARRIVAL + timedelta(days=1))


RULES = on(
    order_with,
    [
        # 2.5.1 coordination tasks
        refused(
            nothing,
            lambda o: ob.task(o, due_on=TODAY - timedelta(days=1)),
            ALICE,
            "coordination_deadline_not_in_past",
        ),
        not_authorised(
            tasked, ob.complete_task, QUINN, "not the task's owner", step="2.5.1", id="others-task"
        ),
        refused(nothing, ob.complete_task, PAT, "coordination_task_assigned"),
        refused(task_done, ob.complete_task, PAT, "coordination_task_completed_once"),
        # 2.5.2 production and procurement
        refused(nothing, ob.purchase, QUINN, "purchase_against_plan"),
        refused(bought, ob.purchase, QUINN, "purchase_recorded_once"),
        refused(
            bought, lambda o: ob.follow_up(o, "PO-9"), QUINN, "supplier_followed_up_on_purchase"
        ),
        # 2.5.3 quality control
        refused(nothing, lambda o: ob.inspect(o, product="XX-9"), QIN, "inspected_goods_on_order"),
        refused(
            nothing,
            lambda o: ob.inspect(o, inspected_on=TODAY + timedelta(days=1)),
            QIN,
            "inspection_recorded_once_done",
        ),
        refused(failed, ob.inspect, QIN, "failed_lot_reworked_first"),
        refused(nothing, ob.rework, PAT, "rework_after_failed_inspection", id="not-inspected"),
        refused(passed, ob.rework, PAT, "rework_after_failed_inspection", id="passed"),
        refused(passed, lambda o: ob.inspect(o, passed=False), QIN, "passed_lot_not_reinspected"),
        # 2.5.4 shipping
        refused(
            more_passed_than_shipped,
            lambda o: ob.dispatch(o, "40", "TRK-2"),
            LOU,
            "shipment_after_passed_inspection",
            detail="passed 90, shipped 60, this shipment 40",
        ),
        refused(
            a_hundred_and_ten_passed,
            lambda o: ob.dispatch(o, "110"),
            LOU,
            "shipments_within_ordered_quantity",
        ),
        refused(told, lambda o: ob.dispatch(o, product="XX-9"), LOU, "shipped_goods_on_order"),
        refused(passed, later_than_announced, LOU, "dispatch_as_notified", id="not-told"),
        refused(
            announced, later_than_announced, LOU, "dispatch_as_notified", id="told-another-arrival"
        ),
        refused(
            nothing,
            lambda o: ob.notify(o, arrival=TODAY - timedelta(days=1)),
            LOU,
            "expected_arrival_not_in_past",
        ),
        refused(
            sixty_shipped,
            ob.notify,
            LOU,
            "customer_told_before_dispatch",
            detail="has already been dispatched",
        ),
        refused(
            forty_more_passed, lambda o: ob.dispatch(o, "40"), LOU, "tracking_number_one_shipment"
        ),
        # 2.5.4 receipts, cancellation
        refused(announced, ob.confirm, LOU, "delivery_of_dispatched_shipment"),
        refused(received, lambda o: ob.confirm(o, reference="DN-2"), LOU, "receipt_confirmed_once"),
        refused(
            ob.shipped,
            lambda o: ob.confirm(o, on=TODAY - timedelta(days=1)),
            LOU,
            "receipt_after_dispatch",
            id="before-dispatch",
        ),
        refused(
            ob.shipped,
            lambda o: ob.confirm(o, on=TODAY + timedelta(days=1)),
            LOU,
            "receipt_after_dispatch",
            id="in-the-future",
        ),
        not_authorised(
            ob.shipped, ob.confirm, BOB, "does not own this order", step="2.5.4", id="another-rep"
        ),
        refused(sixty_shipped, ob.cancel, MIA, "order_cancelled_before_shipping"),
    ],
)


test_an_order_step_that_the_sop_rules_out_is_refused = every_row(RULES, NOW)
