"""The customers view's facts for the customer and loss analyses (SOP 4.2.1, ADR 51):
each completed order with its revenue and profit, each survey answer, each deal lost.

Tables: ``orders`` (one row per completed order: ``Order.Completed`` and orders taken
over, ``HistoricalOrder.Imported``; day ``delivered_on``), ``surveys`` (each survey's
customer), ``survey_answers`` (one row per ``SatisfactionSurvey.ResponseRecorded``, on
its UTC day), ``deals`` (each opportunity's customer and owner) and ``losses`` (one row
per ``Opportunity.Lost``, on its UTC day).  Rows are only ever added: the analyses of
any period are sums over them (``analysis``, ``losses``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from salesdomain.projections.changes import Insert, RowChange, Upsert
from salesdomain.projections.dispatch import Handlers
from salesdomain.projections.projection import Tables
from salesdomain.projections.types import money
from sqlalchemy import Column, Date, Integer, SmallInteger, String, Text

from salesdomain.aftersales.satisfaction_survey import SatisfactionSurvey
from salesdomain.bounds import NAME_LENGTH
from salesdomain.imports.historical_order import HistoricalOrder
from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.orders.order import Order

ANALYSIS = Handlers[RowChange]()

STAGE_LENGTH = 32
"""Room for a stage's name (the longest, ``solution_presented``, has 18 letters)."""


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


@ANALYSIS.on(Order.Completed, HistoricalOrder.Imported)
def _order(event: Order.Completed | HistoricalOrder.Imported, position: int) -> list[RowChange]:
    values = {
        "position": position,
        "order_id": str(event.originator_id),
        "customer_id": str(event.customer_id),
        "delivered_on": event.delivered_on,
        "currency": event.amount.currency,
        "revenue": event.amount.amount,
        "profit": event.amount.amount - event.cost.amount,
    }
    return [Insert("orders", values)]


@ANALYSIS.on(SatisfactionSurvey.Started)
def _survey(event: SatisfactionSurvey.Started, position: int) -> list[RowChange]:
    key = {"survey_id": str(event.originator_id)}
    return [Upsert("surveys", key, {"customer_id": str(event.customer_id)})]


@ANALYSIS.on(SatisfactionSurvey.ResponseRecorded)
def _answer(event: SatisfactionSurvey.ResponseRecorded, position: int) -> list[RowChange]:
    """The customer is the survey's (version 1 of the event did not name it)."""
    values = {
        "position": position,
        "survey_id": str(event.originator_id),
        "answered_on": utc_day(event.timestamp),
        "satisfaction": event.response.satisfaction.value,
        "recommendation": event.response.recommendation.value,
    }
    return [Insert("survey_answers", values)]


@ANALYSIS.on(Opportunity.Opened)
def _deal(event: Opportunity.Opened, position: int) -> list[RowChange]:
    values = {"customer_id": str(event.customer_id), "owner_id": str(event.owner_id)}
    return [Upsert("deals", {"opportunity_id": str(event.originator_id)}, values)]


@ANALYSIS.on(Opportunity.Lost)
def _lost(event: Opportunity.Lost, position: int) -> list[RowChange]:
    """Owner and customer are the deal's (version 1 of the event did not name them)."""
    ours, theirs = event.last_quote, event.competitor_price
    values = {
        "position": position,
        "opportunity_id": str(event.originator_id),
        "lost_on": utc_day(event.timestamp),
        "reason": event.reason,
        "competitor": event.competitor,
        "stage_reached": event.stage_reached.value,
        "quote_amount": None if ours is None else ours.amount,
        "quote_currency": None if ours is None else ours.currency,
        "price_amount": None if theirs is None else theirs.amount,
        "price_currency": None if theirs is None else theirs.currency,
    }
    return [Insert("losses", values)]


def define_facts(tables: Tables) -> None:
    """The tables above, with the indexes the analyses read them by."""
    orders = tables.add(
        "orders",
        Column("position", Integer, primary_key=True),
        Column("order_id", String(36), nullable=False),
        Column("customer_id", String(36), nullable=False),
        Column("delivered_on", Date, nullable=False),
        Column("currency", String(3), nullable=False),
        Column("revenue", money(), nullable=False),
        Column("profit", money(), nullable=False),
    )
    tables.add(
        "surveys",
        Column("survey_id", String(36), primary_key=True),
        Column("customer_id", String(36), nullable=False),
    )
    answers = tables.add(
        "survey_answers",
        Column("position", Integer, primary_key=True),
        Column("survey_id", String(36), nullable=False),
        Column("answered_on", Date, nullable=False),
        Column("satisfaction", SmallInteger, nullable=False),
        Column("recommendation", SmallInteger, nullable=False),
    )
    tables.add(
        "deals",
        Column("opportunity_id", String(36), primary_key=True),
        Column("customer_id", String(36), nullable=False),
        Column("owner_id", String(36), nullable=False),
    )
    losses = tables.add(
        "losses",
        Column("position", Integer, primary_key=True),
        Column("opportunity_id", String(36), nullable=False),
        Column("lost_on", Date, nullable=False),
        Column("reason", Text, nullable=False),  # free text up to TEXT_LENGTH
        Column("competitor", String(NAME_LENGTH), nullable=False),
        Column("stage_reached", String(STAGE_LENGTH), nullable=False),
        Column("quote_amount", money()),
        Column("quote_currency", String(3)),
        Column("price_amount", money()),
        Column("price_currency", String(3)),
    )
    tables.index("orders_by_day", orders.c.delivered_on, orders.c.customer_id)
    tables.index("orders_by_customer", orders.c.customer_id, orders.c.delivered_on)
    tables.index("survey_answers_by_day", answers.c.answered_on)
    tables.index("losses_by_day", losses.c.lost_on)
