"""Time limits of orders (SOP 2.5): the final inspection, the coordination tasks."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from salesdomain.projections.conformance.review import Review, on
from salesdomain.projections.conformance.time_limits.rules import (
    COORDINATION,
    INSPECTION,
    _deadline,
    _role,
)

from salesdomain.orders.order import Order
from salesdomain.orders.values import InspectionKind
from salesdomain.sop import Role

# ---- 2.5.3 the final inspection before the delivery date; 2.5.1 coordination tasks ------------


@on(Order.Entered, Order.ContractAmended)
def order_terms(review: Review, e: Order.Entered | Order.ContractAmended) -> None:
    memo = review.memo(e.originator_id)
    if isinstance(e, Order.Entered):
        memo.update(label=f"order of {e.customer_name}", passed={}, qc=None)
    memo.update(delivery_date=e.delivery_date, ordered=e.lines.quantities())
    _inspection_due(review, e, None)


@on(Order.CoordinationTaskAssigned)
def task_assigned(review: Review, e: Order.CoordinationTaskAssigned) -> None:
    owner = review.staff.person(e.owner_id, e.owner_name, e.department)
    key = (e.originator_id, "task", e.task_number)
    review.expect(key, _deadline(review, COORDINATION, e, e.due_on, owner, e.policy_version))
    if e.department is Role.QUALITY_CONTROL:
        review.memo(e.originator_id)["qc"] = owner
        deadline = review.deadlines.get((e.originator_id, "inspection"))
        if deadline is not None:
            deadline.responsible = owner


@on(Order.CoordinationTaskCompleted)
def task_completed(review: Review, e: Order.CoordinationTaskCompleted) -> None:
    review.fulfil((e.originator_id, "task", e.task_number), e, e.completed_on)


@on(Order.LotInspected)
def lot_inspected(review: Review, e: Order.LotInspected) -> None:
    memo = review.memo(e.originator_id)
    if "delivery_date" not in memo or not _inspection_due(review, e, e.policy_version):
        return
    if e.passed and e.kind is InspectionKind.FINAL:
        passed = dict(memo["passed"])
        passed[e.product_code] = passed.get(e.product_code, Decimal(0)) + e.quantity
        memo["passed"] = passed
        if all(passed.get(code, 0) >= qty for code, qty in memo["ordered"].items()):
            review.fulfil((e.originator_id, "inspection"), e, e.inspected_on)


@on(Order.Cancelled)
def order_cancelled(review: Review, e: Order.Cancelled) -> None:
    review.withdraw(*(key for key in review.deadlines_of(e.originator_id) if key[1] != "approval"))


def _inspection_due(review: Review, e: Any, version: str | None) -> bool:
    """(Re)compute the inspection deadline from the policy ``version`` names."""
    policy = review.policy(version, INSPECTION, e)
    key = (e.originator_id, "inspection")
    if policy is None:
        review.deadlines.pop(key, None)
        return False
    memo = review.memo(e.originator_id)
    due = memo["delivery_date"] - policy.orders.inspection_before_delivery
    deadline = review.deadlines.get(key)
    if deadline is None:
        qc = memo.get("qc") or _role(Role.QUALITY_CONTROL, "quality control")
        review.expect(key, _deadline(review, INSPECTION, e, due, qc, version))
    elif deadline.done_at is None:
        deadline.due, deadline.policy_version = due, version
    return True
