"""What each event changes, people: employees and their teams, sales targets and sales
expenses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from uuid import UUID

from salesdomain.projections.changes import Insert, RowChange, Update, Upsert
from salesdomain.projections.dispatch import Handlers
from salesdomain.projections.kpi.facts import _id

from salesdomain.people.employee import Employee
from salesdomain.people.targets import SalesTarget
from salesdomain.people.values import TargetFigures
from salesdomain.performance.sales_expense import SalesExpense

HANDLERS = Handlers[RowChange]()


def _employee(event: Employee.Event) -> dict[str, str]:
    return {"employee_id": str(event.originator_id)}


def _team_history(
    event: Employee.Hired | Employee.Enrolled | Employee.TeamChanged, position: int, since: date
) -> Insert:
    """The employee is in ``event.team`` from ``since`` on."""
    return Insert(
        "team_history",
        {"position": position, **_employee(event), "team": event.team, "effective_on": since},
    )


@HANDLERS.on(Employee.Hired, Employee.Enrolled)
def _employee_joined(event: Employee.Hired | Employee.Enrolled, position: int) -> list[RowChange]:
    return [
        Upsert(
            "employees",
            _employee(event),
            {
                "name": event.name,
                "team": event.team,
                "manager_id": _id(event.manager_id),
                "active": True,
                "left_on": None,
            },
        ),
        _team_history(event, position, event.start_date),
    ]


@HANDLERS.on(Employee.TeamChanged)
def _team_changed(event: Employee.TeamChanged, position: int) -> list[RowChange]:
    return [
        Update("employees", _employee(event), {"team": event.team}),
        _team_history(event, position, event.effective),
    ]


@HANDLERS.on(Employee.ManagerChanged)
def _manager_changed(event: Employee.ManagerChanged, position: int) -> list[RowChange]:
    return [Update("employees", _employee(event), {"manager_id": _id(event.manager_id)})]


@HANDLERS.on(Employee.Left)
def _employee_left(event: Employee.Left, position: int) -> list[RowChange]:
    return [Update("employees", _employee(event), {"active": False, "left_on": event.last_day})]


def _target_figures(target_id: UUID, figures: TargetFigures) -> list[RowChange]:
    values: dict[str, tuple[Decimal | None, str | None]] = {
        "revenue": (figures.revenue.amount, figures.revenue.currency),
        "profit": (
            (figures.profit.amount, figures.profit.currency) if figures.profit else (None, None)
        ),
        "units": (figures.units, None),
        "new_customers": (Decimal(figures.new_customers), None),
        "visits": (Decimal(figures.visits), None),
    }
    return [
        Upsert(
            "target_figures",
            {"target_id": str(target_id), "measure": measure},
            {"value": value, "currency": currency},
        )
        for measure, (value, currency) in values.items()
    ]


@HANDLERS.on(SalesTarget.Set)
def _target_set(event: SalesTarget.Set, position: int) -> list[RowChange]:
    subject = event.subject
    return [
        Upsert(
            "targets",
            {"target_id": str(event.originator_id)},
            {
                "subject_kind": subject.kind.value,
                "employee_id": _id(subject.employee_id),
                "team": subject.team or None,
                "period": event.period.code,
            },
        ),
        *_target_figures(event.originator_id, event.figures),
    ]


@HANDLERS.on(SalesTarget.Revised)
def _target_revised(event: SalesTarget.Revised, position: int) -> list[RowChange]:
    return _target_figures(event.originator_id, event.figures)


@HANDLERS.on(SalesExpense.Recorded)
def _expense_recorded(event: SalesExpense.Recorded, position: int) -> list[RowChange]:
    employee = {"employee_id": str(event.employee_id)}
    return [
        Upsert("people", employee, {"name": event.employee_name or None}),
        Upsert(
            "expenses",
            {"expense_id": str(event.originator_id)},
            {
                "employee_id": str(event.employee_id),
                "incurred_on": event.incurred_on,
                "amount": event.amount.amount,
                "currency": event.amount.currency,
                "status": "recorded",
            },
        ),
    ]


def _expense_decided(status: str) -> Callable[[SalesExpense.Event, int], list[RowChange]]:
    def changes(event: SalesExpense.Event, position: int) -> list[RowChange]:
        return [Update("expenses", {"expense_id": str(event.originator_id)}, {"status": status})]

    return changes


HANDLERS.on(SalesExpense.Approved)(_expense_decided("approved"))
HANDLERS.on(SalesExpense.Rejected)(_expense_decided("rejected"))
