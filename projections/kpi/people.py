"""What each event changes, people: employees and their teams, sales targets and sales
expenses."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from salesdomain.projections.changes import Insert, RowChange, Update, Upsert
from salesdomain.projections.kpi.facts import _id


def _employee_joined(event: Any, position: int) -> list[RowChange]:
    employee_id = str(event.originator_id)
    return [
        Upsert(
            "employees",
            {"employee_id": employee_id},
            {
                "name": event.name,
                "team": event.team,
                "manager_id": _id(event.manager_id),
                "active": True,
                "left_on": None,
            },
        ),
        Insert(
            "team_history",
            {
                "position": position,
                "employee_id": employee_id,
                "team": event.team,
                "effective_on": event.start_date,
            },
        ),
    ]


def _team_changed(event: Any, position: int) -> list[RowChange]:
    employee_id = str(event.originator_id)
    return [
        Update("employees", {"employee_id": employee_id}, {"team": event.team}),
        Insert(
            "team_history",
            {
                "position": position,
                "employee_id": employee_id,
                "team": event.team,
                "effective_on": event.effective,
            },
        ),
    ]


def _manager_changed(event: Any, position: int) -> list[RowChange]:
    return [
        Update(
            "employees",
            {"employee_id": str(event.originator_id)},
            {"manager_id": _id(event.manager_id)},
        )
    ]


def _employee_left(event: Any, position: int) -> list[RowChange]:
    return [
        Update(
            "employees",
            {"employee_id": str(event.originator_id)},
            {"active": False, "left_on": event.last_day},
        )
    ]


def _target_figures(target_id: Any, figures: Any) -> list[RowChange]:
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


def _target_set(event: Any, position: int) -> list[RowChange]:
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


def _target_revised(event: Any, position: int) -> list[RowChange]:
    return _target_figures(event.originator_id, event.figures)


def _expense_recorded(event: Any, position: int) -> list[RowChange]:
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


def _expense_decided(status: str) -> Callable[[Any, int], list[RowChange]]:
    def changes(event: Any, position: int) -> list[RowChange]:
        return [Update("expenses", {"expense_id": str(event.originator_id)}, {"status": status})]

    return changes
