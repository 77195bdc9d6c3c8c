"""The operations view (SOP 2.5, 2.6.1, 4.2 monitoring): the pure function first, then the
open tasks, goods waiting for inspection or shipment and service deadlines on the three
stores.

The order scenario (``_order_history``), at builders.TODAY (2026-03-02) 09:00 UTC: the
won deal's order (100 RK-3, delivery 2026-05-01, owner Alice); Pat (production) has a
task due 03-05, Quinn (procurement) one due 03-10 that she completes; lot L1 (60) passes
the final inspection, lot L2 (40) fails; 50 of L1 are shipped as TRK-1.

The service scenario (``_service_history``), every feedback received 2026-03-02 09:00:
``on_time`` is a low-severity question (72 h) answered at 12:00; ``late`` a critical
complaint (4 h, due 13:00) answered at 15:00; ``waiting`` a high-severity complaint (24 h,
due 03-03 09:00) not answered.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from freezegun import freeze_time
from salesdomain.projections.changes import Add, Insert, RowChange, Update, Upsert
from salesdomain.projections.kpi import Kpi
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.operations import (
    Operations,
    awaiting_inspection,
    awaiting_shipment,
    open_tasks,
    service_cases,
)
from salesdomain.projections.runner import ProjectionRunner
from sqlalchemy import select

from salesdomain.aftersales import commands as ac
from salesdomain.aftersales.values import (
    FeedbackChannel,
    FeedbackKind,
    FeedbackResponse,
    RootCause,
    Severity,
)
from salesdomain.application import SalesApplication
from salesdomain.sop import Role
from tests import builders as b
from tests import order_builders as ob
from tests.builders import ALICE, MIA, PAT, QUINN, person
from tests.conftest import make_app
from tests.contract_builders import signed_contract
from tests.spec import Step, events_after

T0 = "2026-03-02 09:00:00+00:00"
ADA = person("Ada Service", Role.AFTER_SALES)
DELIVERY = date(2026, 5, 1)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def run(app: SalesApplication, steps: list[Step]) -> None:
    for command, actor in steps:
        app.handle(command, actor)


# ---- histories -------------------------------------------------------------------------------


def _order_history(app: SalesApplication) -> UUID:
    opp, contract = uuid4(), uuid4()
    order = ob.order_of(contract)
    with freeze_time(T0):
        run(
            app,
            [
                *ob.entered_order(opp, contract),
                (ob.task(order, Role.PRODUCTION, PAT, due_on=date(2026, 3, 5)), ALICE),
                (ob.task(order, Role.PROCUREMENT, QUINN, due_on=date(2026, 3, 10)), ALICE),
                (ob.complete_task(order, 2), QUINN),
                (ob.inspect(order, "60", lot="L1"), ob.QIN),
                (ob.inspect(order, "40", lot="L2", passed=False), ob.QIN),
                (ob.notify(order, "TRK-1"), ob.LOU),
                (ob.dispatch(order, "50", "TRK-1"), ob.LOU),
            ],
        )
    return order


def receive(cid: UUID, case: UUID) -> ac.ReceiveFeedback:
    return ac.ReceiveFeedback(
        service_case_id=case,
        customer_id=cid,
        channel=FeedbackChannel.PHONE,
        description="Spindle on line 3 overheats",
    )


def classified(cid: UUID, case: UUID, kind: FeedbackKind, severity: Severity) -> list[Step]:
    return [
        (receive(cid, case), ALICE),
        (ac.ClassifyFeedback(service_case_id=case, kind=kind, severity=severity), ALICE),
        (ac.AssignServiceCase(service_case_id=case, assignee=ADA), ALICE),
    ]


def respond(case: UUID) -> ac.RespondToFeedback:
    return ac.RespondToFeedback(
        service_case_id=case,
        response=FeedbackResponse(answer="Coolant pump undersized", solution="Replace it"),
    )


def _service_history(app: SalesApplication) -> dict[str, UUID]:
    reg = b.register("Service Customer Ltd", reg="")
    cid = b.customer_id(reg)
    cases = {"on_time": uuid4(), "late": uuid4(), "waiting": uuid4()}
    with freeze_time(T0) as frozen:
        run(
            app,
            [
                *b.qualified_customer(reg),
                *classified(cid, cases["on_time"], FeedbackKind.QUESTION, Severity.LOW),
                *classified(cid, cases["late"], FeedbackKind.COMPLAINT, Severity.CRITICAL),
                *classified(cid, cases["waiting"], FeedbackKind.COMPLAINT, Severity.HIGH),
            ],
        )
        frozen.move_to("2026-03-02 12:00:00+00:00")
        run(app, [(respond(cases["on_time"]), ADA)])
        frozen.move_to("2026-03-02 15:00:00+00:00")
        run(app, [(respond(cases["late"]), ADA)])
    return cases


def _operations(app: SalesApplication, views: Any, batch_size: int = 500) -> ProjectionRunner:
    runner = ProjectionRunner(Operations(), views, ApplicationLog(app))
    runner.catch_up(batch_size=batch_size)
    return runner


# ---- pure functions (no database) ------------------------------------------------------------


@pytest.fixture(scope="module")
def recorded() -> Iterator[list[Any]]:
    app = make_app("memory://")
    _order_history(app)
    _service_history(app)
    yield events_after(app, 0)
    app.close()


def _changes(events: list[Any], name: str) -> list[RowChange]:
    found = [
        change
        for position, event in enumerate(events, 1)
        if type(event).__qualname__ == name
        for change in Operations().changes(event, position)
    ]
    assert found, f"no {name} changes"
    return found


def test_an_entered_order_is_in_execution_with_its_ordered_quantities(recorded):
    order, line = _changes(recorded, "Order.Entered")
    assert isinstance(order, Upsert)
    assert (order.values["status"], order.values["delivery_date"]) == (
        "in execution",
        DELIVERY,
    )
    assert isinstance(line, Upsert)
    assert (line.key["product_code"], line.values["ordered"]) == ("RK-3", Decimal(100))


def test_coordination_tasks_are_recorded_with_owner_and_due_date_and_completed(recorded):
    assigned = _changes(recorded, "Order.CoordinationTaskAssigned")
    assert [(c.values["owner_name"], c.values["due_on"]) for c in assigned] == [
        ("Pat Production", date(2026, 3, 5)),
        ("Quinn Procurement", date(2026, 3, 10)),
    ]
    (completed,) = _changes(recorded, "Order.CoordinationTaskCompleted")
    assert isinstance(completed, Update)
    assert (completed.key["task_number"], completed.values["completed_on"]) == (
        2,
        date(2026, 3, 2),
    )


def test_only_a_lot_passing_the_final_inspection_adds_to_the_passed_quantity(recorded):
    changes = _changes(recorded, "Order.LotInspected")
    lots = [c.values["status"] for c in changes if c.table == "lots"]
    assert lots == ["passed", "failed"]
    (passed,) = [c for c in changes if isinstance(c, Add)]
    assert passed.amounts == {"passed": Decimal(60)}
    deadlines = {c.values["inspect_by"] for c in changes if c.table == "orders"}
    assert deadlines == {DELIVERY}  # policy: no days before delivery by default


def test_shipments_add_to_the_shipped_quantity(recorded):
    (shipped,) = _changes(recorded, "Order.ShipmentDispatched")
    assert isinstance(shipped, Add)
    assert (shipped.key["product_code"], shipped.amounts) == ("RK-3", {"shipped": Decimal(50)})


def test_a_response_records_the_answer_time_and_whether_it_was_in_time(recorded):
    changes = _changes(recorded, "ServiceCase.Responded")
    updates = [c for c in changes if isinstance(c, Update)]
    assert [c.values["within_time_limit"] for c in updates] == [True, False]
    history = [c for c in changes if isinstance(c, Insert)]
    assert [c.values["responder_name"] for c in history] == ["Ada Service"] * 2
    (late,) = [c for c in updates if not c.values["within_time_limit"]]
    assert late.values["respond_by"] == at("2026-03-02 13:00:00")


def test_classification_moves_the_deadline(recorded):
    deadlines = [c.values["respond_by"] for c in _changes(recorded, "ServiceCase.Classified")]
    assert deadlines == [
        at("2026-03-05 09:00:00"),
        at("2026-03-02 13:00:00"),
        at("2026-03-03 09:00:00"),
    ]


def test_events_outside_operations_change_nothing(recorded):
    for event in recorded:
        if type(event).__qualname__.startswith(("Opportunity.", "Customer.", "Contract.")):
            assert Operations().changes(event, 1) == []


# ---- queries on real stores ------------------------------------------------------------------


def test_open_coordination_tasks_with_owners_due_dates_and_overdue_flags(app, views):
    order = _order_history(app)
    runner = _operations(app, views)
    before = open_tasks(views, runner.tables(), at("2026-03-04 09:00:00"))
    (task,) = before
    assert (task.order_id, task.task_number, task.department) == (str(order), 1, "production")
    assert (task.owner_name, task.owner_id) == ("Pat Production", str(PAT.employee_id))
    assert (task.due_on, task.overdue, task.days_overdue) == (date(2026, 3, 5), False, 0)
    assert task.customer_name == "Hangzhou Precision Co., Ltd."
    (late,) = open_tasks(views, runner.tables(), at("2026-03-07 09:00:00"))
    assert (late.overdue, late.days_overdue) == (True, 2)
    assert open_tasks(views, runner.tables(), at("2026-03-05 23:00:00"))[0].overdue is False
    assert (
        open_tasks(views, runner.tables(), at("2026-03-07 09:00:00"), owner_id=QUINN.employee_id)
        == []
    )
    assert open_tasks(views, runner.tables(), at("2026-03-04 09:00:00"), overdue_only=True) == []


def test_goods_waiting_for_inspection_and_for_shipment(app, views):
    order = _order_history(app)
    runner = _operations(app, views)
    now = at("2026-03-02 18:00:00")
    (waiting,) = awaiting_inspection(views, runner.tables(), now)
    assert (waiting.order_id, waiting.product_code, waiting.product_name) == (
        str(order),
        "RK-3",
        "Retrofit kit",
    )
    assert (waiting.ordered, waiting.passed, waiting.awaiting) == (
        Decimal(100),
        Decimal(60),
        Decimal(40),
    )
    assert (waiting.failed_lots, waiting.reworked_lots) == (("L2",), ())
    assert (waiting.inspect_by, waiting.overdue) == (DELIVERY, False)
    (ready,) = awaiting_shipment(views, runner.tables(), now)
    assert (ready.passed, ready.shipped, ready.ready, ready.in_transit) == (
        Decimal(60),
        Decimal(50),
        Decimal(10),
        Decimal(50),
    )
    assert ready.late is False
    after_delivery_date = at("2026-05-02 09:00:00")
    assert awaiting_inspection(views, runner.tables(), after_delivery_date)[0].overdue is True
    assert awaiting_shipment(views, runner.tables(), after_delivery_date)[0].late is True
    with freeze_time("2026-03-03 09:00:00+00:00"):
        run(
            app,
            [
                (ob.rework(order, "L2"), PAT),
                (ob.confirm(order, "TRK-1", on=date(2026, 3, 3)), ob.LOU),
            ],
        )
    runner.catch_up()
    (waiting,) = awaiting_inspection(views, runner.tables(), now)
    assert (waiting.failed_lots, waiting.reworked_lots) == ((), ("L2",))
    (ready,) = awaiting_shipment(views, runner.tables(), now)
    assert ready.in_transit == Decimal(0)


def test_an_order_whose_production_plan_finishes_after_the_delivery_date_is_flagged(app, views):
    order = _order_history(app)
    with freeze_time(T0):
        run(app, [(ob.plan(order, finish=DELIVERY), PAT)])
    runner = _operations(app, views)
    now = at("2026-03-02 18:00:00")

    def flags() -> set[tuple[date | None, bool, date | None]]:
        rows = [
            *awaiting_inspection(views, runner.tables(), now),
            *awaiting_shipment(views, runner.tables(), now),
        ]
        assert len(rows) == 2
        return {(r.planned_finish, r.plan_finishes_late, r.customer_told_on) for r in rows}

    assert flags() == {(DELIVERY, False, None)}
    two_weeks_late = DELIVERY + timedelta(days=14)
    with freeze_time(T0):
        run(app, [(ob.plan(order, finish=two_weeks_late, told_on=date(2026, 3, 2)), PAT)])
    runner.catch_up()
    assert flags() == {(two_weeks_late, True, date(2026, 3, 2))}


def test_a_cancelled_or_completed_order_waits_for_nothing(app, views):
    cancelled, completed = uuid4(), uuid4()
    other = b.register("Second Customer Ltd", reg="SECOND0001")
    with freeze_time(T0):
        run(
            app,
            [
                *ob.entered_order(uuid4(), cancelled),
                (ob.task(ob.order_of(cancelled), Role.PRODUCTION, PAT), ALICE),
                (ob.cancel(ob.order_of(cancelled)), MIA),
                *b.won_deal(opp := uuid4(), other),
                *signed_contract(opp, completed),
                (ob.task(ob.order_of(completed), Role.PRODUCTION, PAT), ALICE),
                *ob.shipped(ob.order_of(completed)),
                (ob.confirm(ob.order_of(completed)), ob.LOU),
            ],
        )
    runner = _operations(app, views)
    now = at("2026-03-20 09:00:00")
    assert open_tasks(views, runner.tables(), now) == []
    assert awaiting_inspection(views, runner.tables(), now) == []
    assert awaiting_shipment(views, runner.tables(), now) == []


def test_service_cases_with_deadlines_and_breaches(app, views):
    cases = _service_history(app)
    runner = _operations(app, views)
    tables = runner.tables()
    early = {c.case_id: c for c in service_cases(views, tables, at("2026-03-03 08:00:00"))}
    on_time, late, waiting = (early[str(cases[k])] for k in ("on_time", "late", "waiting"))
    assert (on_time.breached, on_time.within_time_limit, on_time.overdue_by) == (False, True, None)
    assert (on_time.responded_at, on_time.respond_by) == (
        at("2026-03-02 12:00:00"),
        at("2026-03-05 09:00:00"),
    )
    assert (late.breached, late.within_time_limit, late.overdue_by) == (
        True,
        False,
        timedelta(hours=2),
    )
    assert (late.severity, late.kind, late.assignee_name) == (
        "critical",
        "complaint",
        "Ada Service",
    )
    assert (late.late_answers, late.status) == (1, "answered")
    assert (waiting.breached, waiting.responded_at, waiting.overdue_by) == (False, None, None)
    later = {c.case_id: c for c in service_cases(views, tables, at("2026-03-03 10:00:00"))}
    assert later[str(cases["waiting"])].breached is True
    assert later[str(cases["waiting"])].overdue_by == timedelta(hours=1)
    breached = service_cases(views, tables, at("2026-03-03 10:00:00"), breached_only=True)
    assert [c.case_id for c in breached] == [str(cases["late"]), str(cases["waiting"])]


def test_a_reopened_case_runs_a_new_deadline_and_remembers_the_late_answer(app, views):
    cases = _service_history(app)
    late = cases["late"]
    with freeze_time("2026-03-04 09:00:00+00:00") as frozen:
        run(
            app,
            [
                (
                    ac.RecordRootCause(
                        service_case_id=late,
                        root_cause=RootCause(cause="Wrong pump", impact="Line 3"),
                    ),
                    ADA,
                ),
                (ac.ResolveServiceCase(service_case_id=late, resolution="Pump replaced"), ADA),
                (ac.CloseServiceCase(service_case_id=late, remarks="Confirmed"), ADA),
            ],
        )
        runner = _operations(app, views)
        now = at("2026-03-04 09:00:00")
        assert str(late) not in {
            c.case_id for c in service_cases(views, runner.tables(), now, open_only=True)
        }
        frozen.move_to("2026-03-05 09:00:00+00:00")
        run(app, [(ac.ReopenServiceCase(service_case_id=late, reason="Back again"), ADA)])
    runner.catch_up()
    (case,) = [
        c
        for c in service_cases(views, runner.tables(), at("2026-03-05 10:00:00"))
        if c.case_id == str(late)
    ]
    assert (case.status, case.responded_at, case.breached) == ("reopened", None, False)
    assert case.respond_by == at("2026-03-05 13:00:00")  # critical: 4 hours from reopening
    assert case.late_answers == 1


def _tables(runner: ProjectionRunner) -> dict[str, list[tuple[Any, ...]]]:
    with runner.engine.connect() as conn:
        return {
            name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key))]
            for name, t in runner.tables().items()
        }


@pytest.mark.parametrize("projection", [Operations, Kpi])
def test_processing_in_small_batches_equals_a_rebuild(app, views, projection):
    _order_history(app)
    _service_history(app)
    runner = ProjectionRunner(projection(), views, ApplicationLog(app))
    runner.catch_up(batch_size=3)
    incremental = _tables(runner)
    assert any(incremental.values())
    runner.rebuild()
    assert _tables(runner) == incremental
