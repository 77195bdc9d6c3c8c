"""The projection: the customers tables and the rows each event changes in them.

A customer's status is derived from the events of SOP 2.1.2 and after: registered or
imported (``prospect``), then ``qualified`` or ``disqualified`` by the latest of those
decisions; ``customer`` once it has bought (a quote accepted, 2.3.3, or an order taken
over from the old system, 4.1.2); ``inactive`` while deactivated; ``merged`` once merged
into another record of the same company (ADR 47), whatever else.  The
view holds the company's details only: its contact persons are personal data (ADR 13)
and stay in the encrypted events.
"""

from __future__ import annotations

from typing import Any

from salesdomain.projections.changes import Insert, RowChange, Update, Upsert
from salesdomain.projections.customers.facts import ANALYSIS, define_facts
from salesdomain.projections.dispatch import Handlers
from salesdomain.projections.projection import Projection, Tables
from salesdomain.projections.types import UtcDateTime
from sqlalchemy import Boolean, Column, Date, Integer, MetaData, String, Table, Text

from salesdomain.bounds import NAME_LENGTH
from salesdomain.imports.historical_order import HistoricalOrder
from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.prospecting.customer import Customer

SEARCH_LENGTH = 3 * NAME_LENGTH
"""A folded name (``str.casefold``) is at most three times as long as the name."""

HANDLERS = Handlers[RowChange]()


def searchable(name: str) -> str:
    """The form a name is searched in: case folded, so any case finds it."""
    return name.casefold()


def _key(customer_id: object) -> dict[str, str]:
    return {"customer_id": str(customer_id)}


@HANDLERS.on(Customer.Registered, Customer.Imported)
def _registered(event: Customer.Registered | Customer.Imported, position: int) -> list[RowChange]:
    row: dict[str, Any] = {
        "company_name": event.company_name,
        "search_name": searchable(event.company_name),
        "registration_number": event.registration_number,
        "region": event.region,
        "industry": event.industry,
        "owner_id": str(event.actor.employee_id),
        "owner_name": event.actor.name,
        "qualification": "prospect",
        "bought": False,
        "active": True,
        "registered_at": event.timestamp,
    }
    return [Upsert("customers", _key(event.originator_id), row)]


@HANDLERS.on(Customer.DetailsCorrected)
def _corrected(event: Customer.DetailsCorrected, position: int) -> list[RowChange]:
    row = {
        "company_name": event.company_name,
        "search_name": searchable(event.company_name),
        "region": event.region,
        "industry": event.industry,
    }
    return [Update("customers", _key(event.originator_id), row)]


@HANDLERS.on(Customer.Qualified, Customer.Disqualified)
def _decided(event: Customer.Qualified | Customer.Disqualified, position: int) -> list[RowChange]:
    decided = "qualified" if isinstance(event, Customer.Qualified) else "disqualified"
    return [Update("customers", _key(event.originator_id), {"qualification": decided})]


@HANDLERS.on(Customer.Deactivated, Customer.Reactivated)
def _activity(event: Customer.Deactivated | Customer.Reactivated, position: int) -> list[RowChange]:
    active = isinstance(event, Customer.Reactivated)
    return [Update("customers", _key(event.originator_id), {"active": active})]


@HANDLERS.on(Customer.MergedInto)
def _merged(event: Customer.MergedInto, position: int) -> list[RowChange]:
    """The record stays, linked to its survivor; the survivor's figures count it in when
    read (``queries``), so what it records later counts there too."""
    return [Update("customers", _key(event.originator_id), {"merged_into": str(event.survivor_id)})]


@HANDLERS.on(Opportunity.QuoteAccepted)
def _won(event: Opportunity.QuoteAccepted, position: int) -> list[RowChange]:
    if event.customer_id is None:  # version 1 did not name it
        return []
    return [Update("customers", _key(event.customer_id), {"bought": True})]


@HANDLERS.on(HistoricalOrder.Imported)
def _ordered_before(event: HistoricalOrder.Imported, position: int) -> list[RowChange]:
    return [Update("customers", _key(event.customer_id), {"bought": True})]


@HANDLERS.on(Opportunity.ContactLogged)
def _contacted(event: Opportunity.ContactLogged, position: int) -> list[RowChange]:
    """One row per contact: the latest is the latest day, whatever order they were
    recorded in."""
    if event.customer_id is None:  # version 1 did not name it
        return []
    values = {
        "position": position,
        **_key(event.customer_id),
        "occurred_on": event.contact.occurred_on,
    }
    return [Insert("contacts", values)]


class Customers(Projection):
    """One row per customer (``customers``) and one per contact logged with it
    (``contacts``, for the last contact).

    Version 2 (issue 17, ADR 47): ``merged_into``, the record a customer was merged
    into; a survivor's status and last contact count in the records merged into it. A
    view made by version 1 gains the column empty until it is rebuilt.

    Version 3 (issue 18, ADR 51): the facts of the customer and loss analyses
    (``facts``: completed orders, survey answers, deals and losses).  A view made by
    an earlier version gains the tables empty until it is rebuilt.

    Version 4 (ADR 66): indexes for the customers list's newest-first order, alone and
    by owner."""

    name = "customers"
    version = 4
    rebuild_weight = 7

    def define(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        tables = Tables(metadata, prefix)
        customers = tables.add(
            "customers",
            Column("customer_id", String(36), primary_key=True),
            Column("company_name", String(NAME_LENGTH), nullable=False),
            Column("search_name", String(SEARCH_LENGTH), nullable=False),
            Column("registration_number", String(NAME_LENGTH), nullable=False),
            Column("region", String(NAME_LENGTH), nullable=False),
            Column("industry", String(NAME_LENGTH), nullable=False),
            Column("owner_id", String(36), nullable=False),
            Column("owner_name", Text, nullable=False),  # an actor's name: free text
            Column("qualification", String(12), nullable=False),
            Column("bought", Boolean, nullable=False),
            Column("active", Boolean, nullable=False),
            Column("registered_at", UtcDateTime, nullable=False),
            Column("merged_into", String(36)),  # version 2; None: not merged
        )
        contacts = tables.add(
            "contacts",
            Column("position", Integer, primary_key=True),
            Column("customer_id", String(36), nullable=False),
            Column("occurred_on", Date, nullable=False),
        )
        c = customers.c
        tables.index("customers_in_order", c.search_name, c.customer_id)
        tables.index("customers_by_owner", c.owner_id, c.search_name, c.customer_id)
        tables.index("contacts_latest", contacts.c.customer_id, contacts.c.occurred_on)
        tables.index("customers_merged", c.merged_into, c.customer_id)
        tables.index("customers_by_time", c.registered_at, c.customer_id)
        tables.index("customers_by_owner_time", c.owner_id, c.registered_at)
        define_facts(tables)
        return tables.defined

    def changes(self, event: object, position: int) -> list[RowChange]:
        return EVERY.changes(event, position)


EVERY = Handlers[RowChange](HANDLERS, ANALYSIS)
"""The customers' rows and the analyses' facts, each event's in that order."""
