"""Operations (SOP 2.5, 2.6.1, 4.2 monitoring): what is waiting for someone, and what is late.

Tables: ``orders`` (each order's status, delivery date and inspection deadline),
``order_products`` (per order and product: ordered, passed the final inspection,
shipped and delivered quantities), ``lots`` (each inspected lot's state), ``tasks`` (the
coordination tasks of 2.5.1), ``service_cases`` (each case's deadline and first answer)
and ``responses`` (every first answer, also of earlier rounds of a reopened case).

Queries take ``now`` (an aware datetime; "today" is its UTC date, as for the rules):

* ``open_tasks``: coordination tasks not completed on orders in execution, with their
  owner and due date; overdue once the due date has passed;
* ``awaiting_inspection``: per order in execution and product, the quantity that has
  not passed the final inspection, with failed and reworked lots and the inspection
  deadline (overdue once passed);
* ``awaiting_shipment``: per order in execution and product, the quantity that passed
  inspection and has not shipped, late once the delivery date has passed;
* ``service_cases``: each case with its deadline and first answer; breached when it was
  answered late, or is still unanswered after the deadline.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    select,
)
from sqlalchemy.engine import Engine

from projections.changes import Add, Insert, RowChange, Update, Upsert
from projections.projection import Projection, event_name
from projections.types import UtcDateTime

IN_EXECUTION = "in execution"
COMPLETED = "completed"
CANCELLED = "cancelled"

LOT_PASSED = "passed"
LOT_FAILED = "failed"
LOT_REWORKED = "reworked"
LOT_IN_PROCESS_PASSED = "passed in process"

CASE_RECEIVED = "received"
CASE_ANSWERED = "answered"
CASE_RESOLVED = "resolved"
CASE_CLOSED = "closed"
CASE_REOPENED = "reopened"


def _quantity() -> Numeric[Decimal]:
    return Numeric(24, 6)


class Operations(Projection):
    name = "operations"

    def define(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        orders = Table(
            f"{prefix}orders",
            metadata,
            Column("order_id", String(36), primary_key=True),
            Column("customer_id", String(36), nullable=False),
            Column("customer_name", String(300), nullable=False),
            Column("owner_id", String(36), nullable=False),
            Column("revision", Integer, nullable=False),
            Column("status", String(20), nullable=False),
            Column("delivery_date", Date, nullable=False),
            Column("inspect_by", Date),
            Column("entered_at", UtcDateTime, nullable=False),
            Column("closed_at", UtcDateTime),
        )
        # Quantities are added to (``Add``), so every column but the key may be empty
        # when the row is first created and the counters start at zero.
        order_products = Table(
            f"{prefix}order_products",
            metadata,
            Column("order_id", String(36), primary_key=True),
            Column("product_code", String(32), primary_key=True),
            Column("product_name", String(300)),
            Column("revision", Integer),
            Column("ordered", _quantity()),
            Column("passed", _quantity(), nullable=False, default=0, server_default="0"),
            Column("shipped", _quantity(), nullable=False, default=0, server_default="0"),
            Column("delivered", _quantity(), nullable=False, default=0, server_default="0"),
        )
        lots = Table(
            f"{prefix}lots",
            metadata,
            Column("order_id", String(36), primary_key=True),
            Column("lot_id", String(64), primary_key=True),
            Column("product_code", String(32), nullable=False),
            Column("quantity", _quantity(), nullable=False),
            Column("status", String(20), nullable=False),
            Column("inspections", Integer, nullable=False),
            Column("reworks", Integer, nullable=False, default=0, server_default="0"),
            Column("last_inspected_on", Date, nullable=False),
            Column("findings", Text, nullable=False),
        )
        tasks = Table(
            f"{prefix}tasks",
            metadata,
            Column("order_id", String(36), primary_key=True),
            Column("task_number", Integer, primary_key=True),
            Column("department", String(40), nullable=False),
            Column("owner_id", String(36), nullable=False),
            Column("owner_name", String(200), nullable=False),
            Column("description", Text, nullable=False),
            Column("due_on", Date, nullable=False),
            Column("assigned_at", UtcDateTime, nullable=False),
            Column("completed_on", Date),
            Column("outcome", Text),
        )
        service_cases = Table(
            f"{prefix}service_cases",
            metadata,
            Column("case_id", String(36), primary_key=True),
            Column("customer_id", String(36), nullable=False),
            Column("customer_name", String(300), nullable=False),
            Column("order_id", String(36)),
            Column("channel", String(20), nullable=False),
            Column("received_at", UtcDateTime, nullable=False),
            Column("kind", String(20)),
            Column("severity", String(20)),
            Column("respond_by", UtcDateTime, nullable=False),
            Column("assignee_id", String(36)),
            Column("assignee_name", String(200)),
            Column("responded_at", UtcDateTime),
            Column("within_time_limit", Boolean),
            Column("status", String(20), nullable=False),
            Column("closed_at", UtcDateTime),
            Column("reopened_at", UtcDateTime),
        )
        responses = Table(
            f"{prefix}responses",
            metadata,
            Column("position", Integer, primary_key=True),
            Column("case_id", String(36), nullable=False),
            Column("responded_at", UtcDateTime, nullable=False),
            Column("respond_by", UtcDateTime, nullable=False),
            Column("within_time_limit", Boolean, nullable=False),
            Column("responder_id", String(36), nullable=False),
            Column("responder_name", String(200), nullable=False),
        )
        Index(f"{prefix}tasks_by_due", tasks.c.completed_on, tasks.c.due_on)
        Index(f"{prefix}cases_by_status", service_cases.c.status)
        Index(f"{prefix}responses_by_case", responses.c.case_id)
        return {
            "orders": orders,
            "order_products": order_products,
            "lots": lots,
            "tasks": tasks,
            "service_cases": service_cases,
            "responses": responses,
        }

    def changes(self, event: Any, position: int) -> list[RowChange]:
        handler = _HANDLERS.get(event_name(event))
        return [] if handler is None else handler(event, position)


# ---- what each event changes -----------------------------------------------------------


def _order(event: Any) -> dict[str, str]:
    return {"order_id": str(event.originator_id)}


def _lines(event: Any) -> list[RowChange]:
    return [
        Upsert(
            "order_products",
            {"order_id": str(event.originator_id), "product_code": line.product_code},
            {
                "product_name": line.product_name,
                "revision": event.contract_revision,
                "ordered": line.quantity,
            },
        )
        for line in event.lines.lines
    ]


def _order_entered(event: Any, position: int) -> list[RowChange]:
    return [
        Upsert(
            "orders",
            _order(event),
            {
                "customer_id": str(event.customer_id),
                "customer_name": event.customer_name,
                "owner_id": str(event.owner_id),
                "revision": event.contract_revision,
                "status": IN_EXECUTION,
                "delivery_date": event.delivery_date,
                "entered_at": event.timestamp,
            },
        ),
        *_lines(event),
    ]


def _contract_amended(event: Any, position: int) -> list[RowChange]:
    return [
        Update(
            "orders",
            _order(event),
            {"revision": event.contract_revision, "delivery_date": event.delivery_date},
        ),
        *_lines(event),
    ]


def _task_assigned(event: Any, position: int) -> list[RowChange]:
    return [
        Upsert(
            "tasks",
            {**_order(event), "task_number": event.task_number},
            {
                "department": event.department.value,
                "owner_id": str(event.owner_id),
                "owner_name": event.owner_name,
                "description": event.description,
                "due_on": event.due_on,
                "assigned_at": event.timestamp,
            },
        )
    ]


def _task_completed(event: Any, position: int) -> list[RowChange]:
    return [
        Update(
            "tasks",
            {**_order(event), "task_number": event.task_number},
            {"completed_on": event.completed_on, "outcome": event.outcome},
        )
    ]


def _lot_inspected(event: Any, position: int) -> list[RowChange]:
    if event.passed:
        status = LOT_PASSED if event.kind.value == "final" else LOT_IN_PROCESS_PASSED
    else:
        status = LOT_FAILED
    changes: list[RowChange] = [
        Upsert(
            "lots",
            {**_order(event), "lot_id": event.lot_id},
            {
                "product_code": event.product_code,
                "quantity": event.quantity,
                "status": status,
                "inspections": event.inspection_number,
                "last_inspected_on": event.inspected_on,
                "findings": event.findings,
            },
        ),
        Update("orders", _order(event), {"inspect_by": event.due_by}),
    ]
    if status == LOT_PASSED:
        changes.append(
            Add(
                "order_products",
                {**_order(event), "product_code": event.product_code},
                {"passed": event.quantity},
            )
        )
    return changes


def _lot_reworked(event: Any, position: int) -> list[RowChange]:
    return [
        Update(
            "lots",
            {**_order(event), "lot_id": event.lot_id},
            {"status": LOT_REWORKED, "reworks": event.rework_number},
        )
    ]


def _moved(column: str) -> Callable[[Any, int], list[RowChange]]:
    def changes(event: Any, position: int) -> list[RowChange]:
        return [
            Add(
                "order_products",
                {**_order(event), "product_code": item.product_code},
                {column: item.quantity},
            )
            for item in event.items.items
        ]

    return changes


def _order_closed(status: str) -> Callable[[Any, int], list[RowChange]]:
    def changes(event: Any, position: int) -> list[RowChange]:
        return [Update("orders", _order(event), {"status": status, "closed_at": event.timestamp})]

    return changes


def _case(event: Any) -> dict[str, str]:
    return {"case_id": str(event.originator_id)}


def _feedback_received(event: Any, position: int) -> list[RowChange]:
    return [
        Upsert(
            "service_cases",
            _case(event),
            {
                "customer_id": str(event.customer_id),
                "customer_name": event.customer_name,
                "order_id": None if event.order_id is None else str(event.order_id),
                "channel": event.channel.value,
                "received_at": event.received_at,
                "respond_by": event.respond_by,
                "status": CASE_RECEIVED,
            },
        )
    ]


def _classified(event: Any, position: int) -> list[RowChange]:
    values = {
        "kind": event.kind.value,
        "severity": event.severity.value,
        "respond_by": event.respond_by,
    }
    return [Update("service_cases", _case(event), values)]


def _assigned(event: Any, position: int) -> list[RowChange]:
    assignee = event.assignee
    values = {"assignee_id": str(assignee.employee_id), "assignee_name": assignee.name}
    return [Update("service_cases", _case(event), values)]


def _responded(event: Any, position: int) -> list[RowChange]:
    return [
        Update(
            "service_cases",
            _case(event),
            {
                "responded_at": event.responded_at,
                "within_time_limit": event.within_time_limit,
                "respond_by": event.respond_by,
                "status": CASE_ANSWERED,
            },
        ),
        Insert(
            "responses",
            {
                "position": position,
                "case_id": str(event.originator_id),
                "responded_at": event.responded_at,
                "respond_by": event.respond_by,
                "within_time_limit": event.within_time_limit,
                "responder_id": str(event.actor.employee_id),
                "responder_name": event.actor.name,
            },
        ),
    ]


def _case_status(status: str) -> Callable[[Any, int], list[RowChange]]:
    def changes(event: Any, position: int) -> list[RowChange]:
        values: dict[str, Any] = {"status": status}
        if status == CASE_CLOSED:
            values["closed_at"] = event.timestamp
        return [Update("service_cases", _case(event), values)]

    return changes


def _reopened(event: Any, position: int) -> list[RowChange]:
    return [
        Update(
            "service_cases",
            _case(event),
            {
                "status": CASE_REOPENED,
                "respond_by": event.respond_by,
                "responded_at": None,
                "within_time_limit": None,
                "closed_at": None,
                "reopened_at": event.reopened_at,
            },
        )
    ]


_HANDLERS: dict[str, Callable[[Any, int], list[RowChange]]] = {
    "Order.Entered": _order_entered,
    "Order.ContractAmended": _contract_amended,
    "Order.CoordinationTaskAssigned": _task_assigned,
    "Order.CoordinationTaskCompleted": _task_completed,
    "Order.LotInspected": _lot_inspected,
    "Order.LotReworked": _lot_reworked,
    "Order.ShipmentDispatched": _moved("shipped"),
    "Order.DeliveryConfirmed": _moved("delivered"),
    "Order.Completed": _order_closed(COMPLETED),
    "Order.Cancelled": _order_closed(CANCELLED),
    "ServiceCase.FeedbackReceived": _feedback_received,
    "ServiceCase.Classified": _classified,
    "ServiceCase.Assigned": _assigned,
    "ServiceCase.Responded": _responded,
    "ServiceCase.Resolved": _case_status(CASE_RESOLVED),
    "ServiceCase.Closed": _case_status(CASE_CLOSED),
    "ServiceCase.Reopened": _reopened,
}


# ---- queries ---------------------------------------------------------------------------


def _today(now: datetime) -> date:
    if now.tzinfo is None:
        raise ValueError("now must be a timezone-aware time")
    return now.astimezone(UTC).date()


def _plain(value: Any) -> Decimal:
    """A stored quantity without the storage's trailing zeros (60.000000 -> 60)."""
    number = Decimal(value or 0)
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


@dataclass(frozen=True)
class TaskRow:
    order_id: str
    task_number: int
    customer_name: str
    department: str
    owner_id: str
    owner_name: str
    description: str
    due_on: date
    assigned_at: datetime
    overdue: bool
    days_overdue: int


def open_tasks(
    engine: Engine,
    tables: Mapping[str, Table],
    now: datetime,
    *,
    owner_id: UUID | str | None = None,
    overdue_only: bool = False,
) -> list[TaskRow]:
    """Coordination tasks not yet completed, on orders still in execution, earliest due
    first; overdue once their due date has passed."""
    today = _today(now)
    tasks, orders = tables["tasks"], tables["orders"]
    query = (
        select(tasks, orders.c.customer_name)
        .select_from(tasks.join(orders, orders.c.order_id == tasks.c.order_id))
        .where(tasks.c.completed_on.is_(None), orders.c.status == IN_EXECUTION)
        .order_by(tasks.c.due_on, tasks.c.assigned_at, tasks.c.order_id, tasks.c.task_number)
    )
    if owner_id is not None:
        query = query.where(tasks.c.owner_id == str(owner_id))
    if overdue_only:
        query = query.where(tasks.c.due_on < today)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        TaskRow(
            order_id=row.order_id,
            task_number=row.task_number,
            customer_name=row.customer_name,
            department=row.department,
            owner_id=row.owner_id,
            owner_name=row.owner_name,
            description=row.description,
            due_on=row.due_on,
            assigned_at=row.assigned_at,
            overdue=row.due_on < today,
            days_overdue=max((today - row.due_on).days, 0),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class InspectionRow:
    order_id: str
    customer_name: str
    product_code: str
    product_name: str
    ordered: Decimal
    passed: Decimal
    awaiting: Decimal
    """Ordered, not (yet) passed the final inspection."""
    failed_lots: tuple[str, ...]
    """Lots that failed and wait for rework."""
    reworked_lots: tuple[str, ...]
    """Lots reworked and waiting to be inspected again."""
    delivery_date: date
    inspect_by: date | None
    overdue: bool


def awaiting_inspection(
    engine: Engine,
    tables: Mapping[str, Table],
    now: datetime,
    *,
    inspection_before_delivery: timedelta | None = None,
) -> list[InspectionRow]:
    """Per order in execution and product: what has not passed the final inspection.

    The deadline is the one the inspections recorded (policy: the delivery date less
    ``inspection_before_delivery``); before any inspection, the delivery date less
    ``inspection_before_delivery`` if given, else unknown."""
    today = _today(now)
    orders, products, lots = tables["orders"], tables["order_products"], tables["lots"]
    with engine.connect() as conn:
        rows = conn.execute(
            select(products, orders.c.customer_name, orders.c.delivery_date, orders.c.inspect_by)
            .select_from(products.join(orders, orders.c.order_id == products.c.order_id))
            .where(orders.c.status == IN_EXECUTION, products.c.revision == orders.c.revision)
            .order_by(orders.c.delivery_date, products.c.order_id, products.c.product_code)
        ).all()
        lot_rows = conn.execute(
            select(lots.c.order_id, lots.c.product_code, lots.c.lot_id, lots.c.status)
            .where(lots.c.status.in_([LOT_FAILED, LOT_REWORKED]))
            .order_by(lots.c.lot_id)
        ).all()
    waiting: dict[tuple[str, str, str], list[str]] = {}
    for lot in lot_rows:
        waiting.setdefault((lot.order_id, lot.product_code, lot.status), []).append(lot.lot_id)
    result = []
    for row in rows:
        ordered, passed = _plain(row.ordered), _plain(row.passed)
        if passed >= ordered:
            continue
        inspect_by = row.inspect_by
        if inspect_by is None and inspection_before_delivery is not None:
            inspect_by = row.delivery_date - inspection_before_delivery
        key = (row.order_id, row.product_code)
        result.append(
            InspectionRow(
                order_id=row.order_id,
                customer_name=row.customer_name,
                product_code=row.product_code,
                product_name=row.product_name or row.product_code,
                ordered=ordered,
                passed=passed,
                awaiting=ordered - passed,
                failed_lots=tuple(waiting.get((*key, LOT_FAILED), ())),
                reworked_lots=tuple(waiting.get((*key, LOT_REWORKED), ())),
                delivery_date=row.delivery_date,
                inspect_by=inspect_by,
                overdue=inspect_by is not None and inspect_by < today,
            )
        )
    return result


@dataclass(frozen=True)
class ShipmentRow:
    order_id: str
    customer_name: str
    product_code: str
    product_name: str
    ordered: Decimal
    passed: Decimal
    shipped: Decimal
    ready: Decimal
    """Passed the final inspection, not shipped."""
    in_transit: Decimal
    """Shipped, receipt not yet confirmed."""
    delivery_date: date
    late: bool


def awaiting_shipment(
    engine: Engine, tables: Mapping[str, Table], now: datetime
) -> list[ShipmentRow]:
    """Per order in execution and product: goods that passed inspection and wait to be
    shipped; late once the delivery date has passed."""
    today = _today(now)
    orders, products = tables["orders"], tables["order_products"]
    with engine.connect() as conn:
        rows = conn.execute(
            select(products, orders.c.customer_name, orders.c.delivery_date)
            .select_from(products.join(orders, orders.c.order_id == products.c.order_id))
            .where(orders.c.status == IN_EXECUTION, products.c.revision == orders.c.revision)
            .order_by(orders.c.delivery_date, products.c.order_id, products.c.product_code)
        ).all()
    result = []
    for row in rows:
        passed, shipped = _plain(row.passed), _plain(row.shipped)
        if passed <= shipped:
            continue
        result.append(
            ShipmentRow(
                order_id=row.order_id,
                customer_name=row.customer_name,
                product_code=row.product_code,
                product_name=row.product_name or row.product_code,
                ordered=_plain(row.ordered),
                passed=passed,
                shipped=shipped,
                ready=passed - shipped,
                in_transit=shipped - _plain(row.delivered),
                delivery_date=row.delivery_date,
                late=row.delivery_date < today,
            )
        )
    return result


@dataclass(frozen=True)
class ServiceCaseRow:
    case_id: str
    customer_id: str
    customer_name: str
    order_id: str | None
    kind: str | None
    severity: str | None
    status: str
    assignee_name: str | None
    received_at: datetime
    respond_by: datetime
    responded_at: datetime | None
    within_time_limit: bool | None
    breached: bool
    """Answered after the deadline, or still unanswered after it."""
    overdue_by: timedelta | None
    """How late the answer was, or how long past the deadline it still is."""
    late_answers: int
    """First answers given late over the case's life (a reopened case has several)."""


def service_cases(
    engine: Engine,
    tables: Mapping[str, Table],
    now: datetime,
    *,
    open_only: bool = False,
    breached_only: bool = False,
) -> list[ServiceCaseRow]:
    """Service cases with their response deadline and first answer, earliest deadline
    first.  ``open_only``: leave out closed cases; ``breached_only``: only those whose
    time limit was missed."""
    _today(now)
    cases, responses = tables["service_cases"], tables["responses"]
    query = select(cases).order_by(cases.c.respond_by, cases.c.case_id)
    if open_only:
        query = query.where(cases.c.status != CASE_CLOSED)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
        late = Counter(
            row.case_id
            for row in conn.execute(
                select(responses.c.case_id).where(responses.c.within_time_limit.is_(False))
            )
        )
    result = []
    for row in rows:
        if row.responded_at is not None:
            breached = not row.within_time_limit
            overdue_by = row.responded_at - row.respond_by if breached else None
        else:
            breached = now > row.respond_by
            overdue_by = now - row.respond_by if breached else None
        if breached_only and not breached:
            continue
        result.append(
            ServiceCaseRow(
                case_id=row.case_id,
                customer_id=row.customer_id,
                customer_name=row.customer_name,
                order_id=row.order_id,
                kind=row.kind,
                severity=row.severity,
                status=row.status,
                assignee_name=row.assignee_name,
                received_at=row.received_at,
                respond_by=row.respond_by,
                responded_at=row.responded_at,
                within_time_limit=row.within_time_limit,
                breached=breached,
                overdue_by=overdue_by,
                late_answers=late[row.case_id],
            )
        )
    return result
