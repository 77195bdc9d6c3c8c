"""Records by the names people use, and their state as plain data (for the CLI and web).

record_as_of(app, "order", order_id, at=datetime(2026, 3, 5, tzinfo=UTC))
record_as_of(app, "service case", case_id, version=3)
record_state(record)  # {"kind": "order", "id": ..., "version": ..., "status": ...}
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import Application

from salesdomain.aggregate import SopAggregate, record_classes
from salesdomain.past import aggregate_as_of, aggregate_at_version


def _key(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def record_kinds() -> dict[str, type[SopAggregate]]:
    """Every kind of record, by name (``order``, ``servicecase``, ...).  The kinds of
    an area are known once its module is imported (``salesdomain.application``
    imports them all)."""
    import salesdomain.application  # noqa: F401  (registers every area's records)

    return {_key(kind.__name__): kind for kind in record_classes()}


def record_kind(name: str) -> type[SopAggregate]:
    """The kind of record called ``name`` ("order", "Service case", "service-case")."""
    kinds = record_kinds()
    found = kinds.get(_key(name))
    if found is None:
        known = ", ".join(sorted(kind.__name__ for kind in kinds.values()))
        raise ValueError(f"record kind: no kind of record called {name!r}; known: {known}")
    return found


def record_as_of(
    app: Application[UUID],
    kind: str | type[SopAggregate],
    record_id: UUID,
    *,
    at: datetime | None = None,
    version: int | None = None,
) -> SopAggregate:
    """The record as of a moment (``at``) or at a ``version``: exactly one of them."""
    chosen = record_kind(kind) if isinstance(kind, str) else kind
    if (at is None) == (version is None):
        raise ValueError("as of: give either a time (at) or a version, not both or neither")
    if version is not None:
        return aggregate_at_version(app, chosen, record_id, version)
    assert at is not None
    return aggregate_as_of(app, chosen, record_id, at)


def record_state(record: SopAggregate) -> dict[str, Any]:
    """The record's kind, id, version, times and every fact of its state."""
    state = {
        "kind": type(record).__name__,
        "id": record.id,
        "version": record.version,
        "created_on": record.created_on,
        "modified_on": record.modified_on,
    }
    state.update({k: v for k, v in vars(record).items() if not k.startswith("_")})
    return state
