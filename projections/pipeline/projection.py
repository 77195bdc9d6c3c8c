"""The projection: the pipeline tables and the rows each event changes in them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from salesdomain.projections.changes import RowChange
from salesdomain.projections.pipeline.handlers import HANDLERS
from salesdomain.projections.pipeline.totals import define_totals, total_changes
from salesdomain.projections.projection import FoldFailed, FoldingProjection
from salesdomain.projections.types import UtcDateTime, money
from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
)
from sqlalchemy.engine import Connection

from salesdomain.bounds import NAME_LENGTH
from salesdomain.opportunities.stages import Stage
from salesdomain.policy import SalesPolicy


class Pipeline(FoldingProjection):
    """Version 2 (issue 16) serves paged, filtered reads: ``amount_set_at`` says when
    the opportunity's amount was last set (as ``stage_entered_at`` does for its stage),
    so a read at a later moment takes both from the opportunity's row; indexes keep the
    opportunities in page order and find the latest stage and amount of an opportunity
    up to an earlier moment (covering: read from the index alone). A view made by
    version 1 is outdated: ``serve`` and ``views follow`` rebuild it as they start; until
    then its runner gives it the column (empty: those amounts are looked up in
    ``amounts``) and the indexes, so reads keep working.

    Version 3 (issue 17) follows revised deals and reads stale ones: ``closes`` keeps
    every revision of an expected close (the day it replaced too) and
    ``expected_close_revised_at`` says when the row's was last revised, so the expected
    close at an earlier moment is found as the stage and amount are; ``contacts`` keeps
    each contact or visit logged (the day it happened, when it was logged), so the last
    contact known at any moment is found and a deal is flagged stale when it is read,
    not when it is written (ADR 47). A revised estimate is a change of amount
    (``amounts``). A view made by an earlier version lacks the contacts logged before it
    was upgraded: until it is rebuilt, its deals are stale only by a passed expected
    close. ``merges`` keeps each customer record merged into another (ADR 47): from the
    merge on, its deals are read under the survivor's id and name.

    Version 4 (issue 16, ADR 55) keeps what the figures over many opportunities need on
    each opportunity's row: ``furthest``, the furthest funnel stage it has reached (its
    index in ``FUNNEL``), and ``amount_units``, its amount as a whole number of
    ten-thousandths (empty where 64 bits would not hold it). The figures as of a moment
    after an opportunity's last change of stage (amount) take them from its row instead
    of reading its stage history and parsing its amount. A view made by an earlier
    version has them empty (its rows were written before): its figures are read as
    before until it is rebuilt.

    Version 5 (ADR 66): indexes for the opportunities list's name order and its owner
    and customer filters.

    Version 6 (ADR 72) keeps the figures' totals as it folds each page of the log
    (``totals``): by owner, stage, currency and furthest stage reached, and the open
    deals' weighted amounts by expected close month, summed under the stage
    ``probabilities`` it is given (the policy's). A view made by an earlier version
    has no totals: its figures are read from the opportunities until it is rebuilt."""

    name = "pipeline"
    version = 6
    rebuild_weight = 33

    def __init__(self, probabilities: Mapping[Stage, Decimal] | None = None) -> None:
        self.probabilities = dict(
            SalesPolicy().stage_probability if probabilities is None else probabilities
        )

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
            Column("amount_units", BigInteger),  # version 4; None: past 2^63 or older
            Column("currency", String(3), nullable=False),
            Column("amount_set_at", UtcDateTime),  # version 2; None: set by version 1
            Column("quote_version", Integer),
            Column("opened_at", UtcDateTime, nullable=False),
            Column("expected_close", Date, nullable=False),
            Column("expected_close_revised_at", UtcDateTime),  # version 3; None: never
            Column("stage_entered_at", UtcDateTime, nullable=False),
            Column("furthest", Integer),  # version 4: index in FUNNEL; None: older
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
        closes = Table(
            f"{prefix}closes",
            metadata,
            Column("position", Integer, primary_key=True),
            Column("opportunity_id", String(36), nullable=False),
            Column("expected_close", Date, nullable=False),
            Column("previous", Date, nullable=False),
            Column("at", UtcDateTime, nullable=False),
        )
        contacts = Table(
            f"{prefix}contacts",
            metadata,
            Column("position", Integer, primary_key=True),
            Column("opportunity_id", String(36), nullable=False),
            Column("occurred_on", Date, nullable=False),
            Column("at", UtcDateTime, nullable=False),
        )
        merges = Table(
            f"{prefix}merges",
            metadata,
            Column("customer_id", String(36), primary_key=True),
            Column("survivor_id", String(36), nullable=False),
            Column("survivor_name", String(NAME_LENGTH), nullable=False),
            Column("at", UtcDateTime, nullable=False),
        )
        owners = Table(
            f"{prefix}owners",
            metadata,
            Column("employee_id", String(36), primary_key=True),
            Column("team", String(NAME_LENGTH), nullable=False),
        )
        Index(
            f"{prefix}opportunities_in_order",
            opportunities.c.opened_at,
            opportunities.c.opportunity_id,
        )
        o = opportunities.c
        Index(f"{prefix}opportunities_by_name", func.lower(o.title), o.opportunity_id)
        Index(f"{prefix}opportunities_by_owner", o.owner_id, o.opened_at)
        Index(f"{prefix}opportunities_by_customer", o.customer_id, o.opened_at)
        # version 6: the open ones as the pipeline stands (``queries.open_now``)
        Index(f"{prefix}opportunities_by_stage", o.stage, o.owner_id, o.opened_at)
        s, a = stages.c, amounts.c
        Index(f"{prefix}stages_as_of", s.opportunity_id, s.position, s.entered_at, s.stage)
        Index(f"{prefix}amounts_as_of", a.opportunity_id, a.position, a.at, a.amount, a.currency)
        cl, co = closes.c, contacts.c
        Index(f"{prefix}closes_as_of", cl.opportunity_id, cl.position, cl.at, cl.expected_close)
        Index(f"{prefix}contacts_last", co.opportunity_id, co.occurred_on, co.at)
        return {
            **define_totals(metadata, prefix),
            "opportunities": opportunities,
            "stages": stages,
            "amounts": amounts,
            "closes": closes,
            "contacts": contacts,
            "merges": merges,
            "owners": owners,
        }

    def changes(self, event: object, position: int) -> list[RowChange]:
        """The rows one event changes in the opportunities' tables; the totals follow
        from what the page leaves of those (``fold_page``)."""
        return HANDLERS.changes(event, position)

    def fold_page(
        self, conn: Connection, tables: dict[str, Table], page: Sequence[tuple[int, Any]]
    ) -> list[RowChange]:
        events: list[tuple[datetime, list[RowChange]]] = []
        for index, (position, event) in enumerate(page):
            if event is None:
                continue
            try:
                events.append((event.timestamp, self.changes(event, position)))
            except Exception as error:
                raise FoldFailed(index, error) from error
        totals = total_changes(conn, tables, self.probabilities, events)
        return [*(change for _, each in events for change in each), *totals]
