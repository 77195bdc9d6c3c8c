"""Reading a sales case back: every record's history merged, and its outcome."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from salesdomain.adapters.demo.deal import _Deal
from salesdomain.adapters.demo.report import CaseReport
from salesdomain.projections.history import HistoryLine, history_lines

from salesdomain.aftersales.satisfaction_survey import SatisfactionSurvey
from salesdomain.aftersales.service_case import ServiceCase
from salesdomain.application import SalesApplication
from salesdomain.contracts.contract import Contract
from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.orders.order import Order
from salesdomain.prospecting.customer import Customer

# ---- reading the results back ----------------------------------------------------------------


def case_history(app: SalesApplication, records: list[UUID]) -> list[HistoryLine]:
    """The history of every record of a case, merged in time order (records started
    by the same step keep the order in which they were started)."""
    lines = [line for record in records for line in history_lines(app, record)]
    return sorted(lines, key=lambda line: line.at)


def case_report(app: SalesApplication, deal: _Deal) -> CaseReport:
    customer = app.load(Customer, deal.customer_id)
    history = case_history(app, deal.records)
    owner = deal.rep.name
    if deal.opp_id not in deal.records:
        outcome = "qualified" if customer.is_qualified else f"disqualified: {customer.reason}"
        return CaseReport("(screening only)", customer.company_name, outcome, history, owner)
    opp = app.load(Opportunity, deal.opp_id)
    stage = opp.stage.value
    if stage == "won":
        outcome = f"won, {opp.amount}" + _after_the_win(app, deal)
    elif stage == "lost":
        outcome = f"lost: {opp.outcome_reason}"
    else:
        outcome = f"open: {stage}"
    return CaseReport(opp.title, opp.customer_name, outcome, history, owner, str(opp.amount))


def _after_the_win(app: SalesApplication, deal: _Deal) -> str:
    parts = []
    for record in deal.records:
        found: Any = app.repository.get(record)
        if isinstance(found, Contract):
            parts.append(f"contract revision {found.revision} {found.status.value}")
        elif isinstance(found, Order):
            shipped = len(found.shipments)
            parts.append(f"order {found.status.value} ({shipped} shipment(s))")
        elif isinstance(found, ServiceCase):
            state = "closed" if found.closed else "open"
            parts.append(f"service case {state}")
        elif isinstance(found, SatisfactionSurvey):
            parts.append("surveyed")
    return "; " + "; ".join(parts) if parts else ""
