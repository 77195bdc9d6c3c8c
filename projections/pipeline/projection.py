"""The projection: the pipeline tables and the rows each event changes in them."""

from __future__ import annotations

from typing import Any

from salesdomain.projections.changes import Insert, RowChange, Update, Upsert
from salesdomain.projections.projection import Projection, event_name
from salesdomain.projections.types import UtcDateTime, money
from sqlalchemy import (
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from salesdomain.bounds import NAME_LENGTH
from salesdomain.opportunities.stages import Stage


def _stage_entered(event: Any) -> Stage | None:
    """The stage an opportunity event moves the opportunity into, if any."""
    name = event_name(event)
    if name == "Opportunity.Opened":
        return Stage.CONTACT
    if name == "Opportunity.NeedsDiscovered":
        return Stage.NEEDS_ANALYSIS
    if name == "Opportunity.SolutionDesigned":
        return Stage.SOLUTION_DESIGN
    if name == "Opportunity.SolutionPresented":
        return Stage.SOLUTION_PRESENTED
    if name == "Opportunity.QuoteIssued" and event.supersedes is None:
        return Stage.QUOTED
    if name == "Opportunity.NegotiationRoundRecorded" and event.round_number == 1:
        return Stage.NEGOTIATION
    if name == "Opportunity.QuoteAccepted":
        return Stage.WON
    if name == "Opportunity.Lost":
        return Stage.LOST
    return None


class Pipeline(Projection):
    name = "pipeline"

    def define(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        opportunities = Table(
            f"{prefix}opportunities",
            metadata,
            Column("opportunity_id", String(36), primary_key=True),
            Column("title", String(NAME_LENGTH), nullable=False),
            Column("customer_id", String(36), nullable=False),
            Column("customer_name", String(NAME_LENGTH), nullable=False),
            Column("region", String(NAME_LENGTH), nullable=False),
            Column("industry", String(NAME_LENGTH), nullable=False),
            Column("owner_id", String(36), nullable=False),
            Column("owner_name", Text, nullable=False),  # an actor's name: free text
            Column("stage", String(30), nullable=False),
            Column("amount", money(), nullable=False),
            Column("currency", String(3), nullable=False),
            Column("quote_version", Integer),
            Column("opened_at", UtcDateTime, nullable=False),
            Column("expected_close", Date, nullable=False),
            Column("stage_entered_at", UtcDateTime, nullable=False),
            Column("closed_at", UtcDateTime),
            Column("lost_reason", Text),
            Column("competitor", String(NAME_LENGTH)),
        )
        stages = Table(
            f"{prefix}stages",
            metadata,
            Column("position", Integer, primary_key=True),
            Column("opportunity_id", String(36), nullable=False),
            Column("stage", String(30), nullable=False),
            Column("entered_at", UtcDateTime, nullable=False),
        )
        amounts = Table(
            f"{prefix}amounts",
            metadata,
            Column("position", Integer, primary_key=True),
            Column("opportunity_id", String(36), nullable=False),
            Column("amount", money(), nullable=False),
            Column("currency", String(3), nullable=False),
            Column("at", UtcDateTime, nullable=False),
        )
        owners = Table(
            f"{prefix}owners",
            metadata,
            Column("employee_id", String(36), primary_key=True),
            Column("team", String(NAME_LENGTH), nullable=False),
        )
        Index(f"{prefix}stages_by_opportunity", stages.c.opportunity_id, stages.c.position)
        Index(f"{prefix}amounts_by_opportunity", amounts.c.opportunity_id, amounts.c.position)
        return {
            "opportunities": opportunities,
            "stages": stages,
            "amounts": amounts,
            "owners": owners,
        }

    def changes(self, event: Any, position: int) -> list[RowChange]:
        name = event_name(event)
        if name in ("Employee.Hired", "Employee.Enrolled", "Employee.TeamChanged"):
            # Teams of the people who own opportunities (the team an opportunity counts for).
            return [
                Upsert("owners", {"employee_id": str(event.originator_id)}, {"team": event.team})
            ]
        if not name.startswith("Opportunity."):
            return []
        key = {"opportunity_id": str(event.originator_id)}
        at = event.timestamp
        changes: list[RowChange] = []
        if name == "Opportunity.Opened":
            value = event.estimated_value
            changes.append(
                Upsert(
                    "opportunities",
                    key,
                    {
                        "title": event.title,
                        "customer_id": str(event.customer_id),
                        "customer_name": event.customer_name,
                        "region": event.region,
                        "industry": event.industry,
                        "owner_id": str(event.owner_id),
                        "owner_name": event.actor.name,
                        "stage": Stage.CONTACT.value,
                        "amount": value.amount,
                        "currency": value.currency,
                        "opened_at": at,
                        "expected_close": event.expected_close,
                        "stage_entered_at": at,
                    },
                )
            )
            changes.append(
                Insert(
                    "amounts",
                    {
                        **key,
                        "position": position,
                        "amount": value.amount,
                        "currency": value.currency,
                        "at": at,
                    },
                )
            )
        elif name in ("Opportunity.QuoteIssued", "Opportunity.QuoteAccepted"):
            changes.append(
                Update(
                    "opportunities",
                    key,
                    {
                        "amount": event.amount.amount,
                        "currency": event.amount.currency,
                        "quote_version": event.quote_version,
                    },
                )
            )
            changes.append(
                Insert(
                    "amounts",
                    {
                        **key,
                        "position": position,
                        "amount": event.amount.amount,
                        "currency": event.amount.currency,
                        "at": at,
                    },
                )
            )
        stage = _stage_entered(event)
        if stage is not None:
            values: dict[str, Any] = {"stage": stage.value, "stage_entered_at": at}
            if not stage.is_open:
                values["closed_at"] = at
            if name == "Opportunity.Lost":
                values["lost_reason"] = event.reason
                values["competitor"] = event.competitor
            if name != "Opportunity.Opened":
                changes.append(Update("opportunities", key, values))
            changes.append(
                Insert(
                    "stages", {**key, "position": position, "stage": stage.value, "entered_at": at}
                )
            )
        return changes
