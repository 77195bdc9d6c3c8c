"""What each event changes: the per-event function of each event the KPIs read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from salesdomain.projections.changes import RowChange
from salesdomain.projections.kpi.aftersales import (
    _feedback_received,
    _responded,
    _service_visit,
    _survey_response,
    _survey_started,
)
from salesdomain.projections.kpi.people import (
    _employee_joined,
    _employee_left,
    _expense_decided,
    _expense_recorded,
    _manager_changed,
    _target_revised,
    _target_set,
    _team_changed,
)
from salesdomain.projections.kpi.sales import (
    _closed,
    _contact_logged,
    _contract_signed,
    _customer_registered,
    _opportunity_opened,
    _order_amended,
    _order_cancelled,
    _order_completed,
    _order_entered,
    _order_imported,
)

_HANDLERS: dict[str, Callable[[Any, int], list[RowChange]]] = {
    "Customer.Registered": _customer_registered,
    "Customer.Imported": _customer_registered,
    "HistoricalOrder.Imported": _order_imported,
    "Opportunity.Opened": _opportunity_opened,
    "Opportunity.ContactLogged": _contact_logged,
    "Opportunity.QuoteAccepted": _closed("won"),
    "Opportunity.Lost": _closed("lost"),
    "Contract.Signed": _contract_signed,
    "Order.Entered": _order_entered,
    "Order.ContractAmended": _order_amended,
    "Order.Completed": _order_completed,
    "Order.Cancelled": _order_cancelled,
    "ServiceCase.FeedbackReceived": _feedback_received,
    "ServiceCase.Responded": _responded,
    "SatisfactionSurvey.Started": _survey_started,
    "SatisfactionSurvey.ResponseRecorded": _survey_response,
    "ServiceVisit.Recorded": _service_visit,
    "Employee.Hired": _employee_joined,
    "Employee.Enrolled": _employee_joined,
    "Employee.TeamChanged": _team_changed,
    "Employee.ManagerChanged": _manager_changed,
    "Employee.Left": _employee_left,
    "SalesTarget.Set": _target_set,
    "SalesTarget.Revised": _target_revised,
    "SalesExpense.Recorded": _expense_recorded,
    "SalesExpense.Approved": _expense_decided("approved"),
    "SalesExpense.Rejected": _expense_decided("rejected"),
}
