"""The rows an event adds: its facts, numbered in order (``_Facts``), and the helpers
the per-event functions share."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from salesdomain.projections.changes import Insert, RowChange, Upsert

from salesdomain.aggregate import SopAggregate


def _id(value: UUID | None) -> str | None:
    return None if value is None else str(value)


def _utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


class _Facts:
    """Builds the fact rows of one event, numbered in order; every row has every column
    (so the runner sends a batch of facts as one ``executemany``)."""

    def __init__(self, event: SopAggregate.Event, position: int) -> None:
        self.event = event
        self.position = position
        self.rows: list[RowChange] = []

    def add(
        self,
        measure: str,
        value: Decimal | int,
        *,
        day: date,
        currency: str | None = None,
        rep: UUID | None = None,
        customer: UUID | None = None,
        product: str | None = None,
        record: UUID | None = None,
        revision: int | None = None,
        amends: int | None = None,
    ) -> None:
        self.rows.append(
            Insert(
                "facts",
                {
                    "position": self.position,
                    "seq": len(self.rows),
                    "occurred_at": self.event.timestamp,
                    "day": day,
                    "measure": measure,
                    "value": Decimal(value),
                    "currency": currency,
                    "rep_id": _id(rep),
                    "customer_id": _id(customer),
                    "product_code": product,
                    "record_id": _id(record),
                    "revision": revision,
                    "amends": amends,
                },
            )
        )


def _record(record_id: UUID, kind: str, **values: Any) -> Upsert:
    row = {"kind": kind, "customer_id": None, "owner_id": None, "owner_name": None}
    row.update({"revision": None, **values})
    return Upsert("records", {"record_id": str(record_id)}, row)
