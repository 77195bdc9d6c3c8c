"""The rows an event adds: its facts, numbered in order (``_Facts``), and the helpers
the per-event functions share."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Protocol, TypedDict
from uuid import UUID

from salesdomain.projections.changes import Insert, RowChange, Upsert
from salesdomain.projections.kpi.rollup import summed

from salesdomain.aggregate import SopAggregate


def _id(value: UUID | None) -> str | None:
    return None if value is None else str(value)


def _utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


class _OwnedRecord(Protocol):
    """An event of a record a representative owns for a customer (an opportunity, a
    contract, an order)."""

    @property
    def originator_id(self) -> UUID: ...

    @property
    def owner_id(self) -> UUID | None: ...

    @property
    def customer_id(self) -> UUID | None: ...


class _Whose(TypedDict):
    rep: UUID | None
    customer: UUID | None
    record: UUID


def _whose(event: _OwnedRecord) -> _Whose:
    """Whom the facts of an owned record count for: its owner, its customer and the
    record itself (``_Facts.add(..., **_whose(event))``)."""
    return {"rep": event.owner_id, "customer": event.customer_id, "record": event.originator_id}


class _Facts:
    """Builds the fact rows of one event, numbered in order, and what each adds to the
    sums (``rollup``); every fact row has every column (so the runner sends a batch of
    facts as one ``executemany``)."""

    def __init__(self, event: SopAggregate.Event, position: int) -> None:
        self.event = event
        self.position = position
        self.rows: list[RowChange] = []
        self.facts = 0

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
        fact = {
            "position": self.position,
            "seq": self.facts,
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
        }
        self.facts += 1
        self.rows.append(Insert("facts", fact))
        self.rows.extend(summed(fact))


def _record(record_id: UUID, kind: str, **values: Any) -> Upsert:
    row = {"kind": kind, "customer_id": None, "owner_id": None, "owner_name": None}
    row.update({"revision": None, **values})
    return Upsert("records", {"record_id": str(record_id)}, row)


def _owned_record(event: _OwnedRecord, kind: str, **values: Any) -> Upsert:
    """The row of a record a representative owns for a customer: its owner and customer
    (for the facts of version 1 events, which name neither)."""
    owners = {"customer_id": _id(event.customer_id), "owner_id": _id(event.owner_id)}
    return _record(event.originator_id, kind, **owners, **values)
