"""KPIs (SOP 3.3.1, 4.1.2, 4.2.1): facts by day, customer, product and employee, and the
figures, growth and target attainment computed from them.

The pure function turns events into **facts** (one ``Insert`` per fact: the day it
counts on, a measure, a value and the dimensions it belongs to) and **dimension** rows
(mostly ``Upsert``): ``customers`` (name, region, industry), ``employees`` (name, team,
manager) with their ``team_history`` (so a fact counts for the team its rep was in on
its day), ``people`` (names given when acting, for labels without an employee record),
``records`` (each opportunity, order, service case and survey with its customer and
owner; an order with the contract revision it follows), ``order_lines`` (per order and
revision), ``products``, ``targets`` with ``target_figures``, and ``expenses``.  Every
fact takes its owner and customer from its own event (ADR 29).  Events stored before 0.2
(version 1 of a visit, a won or lost opportunity, a cancelled order, a survey response,
a service case's answer, a service visit) did not name them: their facts name their
*record*, and the queries take the owner and customer from there (the one fallback).

Facts (``day`` is the business date where the event has one, else the event's UTC date):

============================  ==========================================================
measure (value)               from
============================  ==========================================================
``bookings`` (amount)         ``Contract.Signed``: one fact per contract line (product),
                              day ``signed_on``, rep = the contract's owner.  A signed
                              amendment counts net: the query subtracts the lines of the
                              revision it replaces, on the amendment's day.
``revenue`` (amount),         ``Order.Completed`` (everything delivered and its receipt
``profit`` (amount - cost),   confirmed): day ``delivered_on`` (the last receipt), rep =
``units`` (quantity),         the order's owner.  By product, the query splits them over
``orders_completed`` (1)      the order's lines (``order_lines``, from ``Order.Entered``
                              and ``Order.ContractAmended``, the revision in force).
(the same four)               ``HistoricalOrder.Imported`` (SOP 4.1.2, orders taken over
                              from another system): day ``delivered_on``, rep = its
                              ``owner_id`` if the file named one.
``cancelled`` (amount)        ``Order.Cancelled``, day of cancellation, rep = the order's
                              owner (not netted from bookings: bookings are what was
                              signed).
``visits`` (1)                ``Opportunity.ContactLogged`` whose channel
                              ``is_visit`` (a visit or online meeting), day
                              ``occurred_on``, rep = the opportunity's owner.
``won`` / ``lost`` (1)        ``Opportunity.QuoteAccepted`` / ``Opportunity.Lost``, rep =
                              the opportunity's owner.
``satisfaction`` (1-5)        each ``SatisfactionSurvey.ResponseRecorded`` (day recorded)
                              and ``ServiceVisit.Recorded`` (day ``visited_on``); rep = the
                              order's owner for a visit about an order, else the owner
                              of the customer's latest completed order up to that day.
``service_responses`` (1),    ``ServiceCase.Responded`` (day ``responded_at``), rep = the
``service_on_time`` (0 or 1)  employee who answered; on time = ``within_time_limit``.
============================  ==========================================================

``sales_expense`` is not a fact row: it is read from ``expenses`` (approved expenses,
on the day they were incurred; ``SalesExpense.Approved`` does not carry that day).

Figures (``kpi_table``, ``kpi_for_employee``) of a period and group, each defined once
in docs/kpi.md, added up by the database (``grouped``, ADR 37):

* sums of the facts above (money only in the report's currency; every currency's money
  in the reporting currency, each day's sums at that day's rate, from
  ``kpi_in_reporting_currency``, ADR 48);
* ``customers_served``: distinct customers with an order completed in the period;
* ``new_customers``: customers whose **first completed order** (ever; earliest day,
  then log position) is in the period, credited to that order's owner;
* ``repeat_customers`` (loyalty): customers whose **second** completed order (ever)
  is in the period;
* ``win_rate``: won / (won + lost) of the opportunities closed in the period;
* ``sales_expense``: approved sales expenses incurred in the period;
* ``satisfaction``: the average of the scores; ``service_on_time_rate``: on time /
  responses.
"""

from salesdomain.projections.kpi.figures import MEASURES, MONEY_MEASURES, PRODUCT_MEASURES, KpiRow
from salesdomain.projections.kpi.groups import NO_TEAM, UNASSIGNED, UNKNOWN, GroupBy
from salesdomain.projections.kpi.market import MarketBy, MarketShare, market_share
from salesdomain.projections.kpi.periods import Grain, ReportPeriod, periods_between, report_period
from salesdomain.projections.kpi.projection import Kpi
from salesdomain.projections.kpi.queries import (
    INDICATOR_ALIASES,
    kpi_for_employee,
    kpi_table,
    representatives_with_figures,
)
from salesdomain.projections.kpi.reporting import KpiInReportingCurrency, kpi_in_reporting_currency
from salesdomain.projections.kpi.targets import TARGET_MEASURES

__all__ = [
    "INDICATOR_ALIASES",
    "MEASURES",
    "MONEY_MEASURES",
    "NO_TEAM",
    "PRODUCT_MEASURES",
    "TARGET_MEASURES",
    "UNASSIGNED",
    "UNKNOWN",
    "Grain",
    "GroupBy",
    "Kpi",
    "KpiInReportingCurrency",
    "KpiRow",
    "MarketBy",
    "MarketShare",
    "ReportPeriod",
    "kpi_for_employee",
    "kpi_in_reporting_currency",
    "kpi_table",
    "market_share",
    "periods_between",
    "report_period",
    "representatives_with_figures",
]
