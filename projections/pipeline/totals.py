"""The pipeline's figures kept as totals (version 6, ADR 72): what ``pipeline_figures``
groups the opportunities by, summed as the follower folds each page of the log, so the
figures as the pipeline stands now read a few hundred rows, however many opportunities
were ever opened.

Tables: ``stage_totals`` (per owner, owner's name, stage, currency and furthest funnel
stage reached: how many opportunities, their amount and weighted amount) and
``month_totals`` (the open ones per owner, expected close month and currency: how many,
their weighted amount); ``totals_meta`` says under which stage probabilities the
weighted amounts were summed and the latest moment an opportunity changed.

Each page's changes to the opportunities' rows are applied to those rows as they were
(read once per page) to learn what each opportunity counted for before and after; the
totals it left and joined are rewritten with exact sums (``Decimal``: no sum can
overflow). A weighted amount is rounded to cents per opportunity, as everywhere
(docs/kpi.md), so the totals hold for the probabilities they were summed under: read
under others (the policy changed) or at a moment before an opportunity's latest change,
the figures are computed from the opportunities instead (``None`` here)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from hashlib import sha256
from typing import Any

from salesdomain.projections.changes import Raise, RowChange, Update, Upsert
from salesdomain.projections.rows import IDS_PER_STATEMENT, batches, keys_in
from salesdomain.projections.types import money
from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    select,
)
from sqlalchemy.engine import Connection

from salesdomain.opportunities.stages import Stage

NONE_REACHED = -1
"""``furthest`` of an opportunity that reached no funnel stage (kept in a key column)."""

MIXED = "mixed"
"""``totals_meta``'s probabilities once pages were summed under different ones."""

_ROWS = "opportunities"
"""The table whose rows the totals count."""

_KEPT = ("owner_id", "owner_name", "stage", "amount", "currency", "expected_close", "furthest")
"""The columns of an opportunity's row its totals depend on."""


def define_totals(metadata: MetaData, prefix: str) -> dict[str, Table]:
    """The totals' tables, beside the pipeline's (``Pipeline.define``)."""
    return {
        "stage_totals": Table(
            f"{prefix}stage_totals",
            metadata,
            Column("owner_id", String(36), primary_key=True),
            Column("name_digest", String(64), primary_key=True),  # of owner_name
            Column("stage", String(30), primary_key=True),
            Column("currency", String(3), primary_key=True),
            Column("furthest", Integer, primary_key=True),
            Column("owner_name", Text, nullable=False),  # free text: too long for a key
            Column("opportunities", BigInteger, nullable=False),
            Column("amount", money(), nullable=False),
            Column("weighted", money(), nullable=False),
        ),
        "month_totals": Table(
            f"{prefix}month_totals",
            metadata,
            Column("owner_id", String(36), primary_key=True),
            Column("month", String(7), primary_key=True),  # YYYY-MM of the expected close
            Column("currency", String(3), primary_key=True),
            Column("opportunities", BigInteger, nullable=False),
            Column("weighted", money(), nullable=False),
        ),
        "totals_meta": Table(
            f"{prefix}totals_meta",
            metadata,
            Column("name", String(32), primary_key=True),
            Column("text", Text),
            Column("number", BigInteger),
        ),
    }


def probabilities_key(probabilities: Mapping[Stage, Decimal]) -> str:
    """The stage probabilities as ``totals_meta`` records them (one text, in stage order)."""
    return ";".join(f"{stage.value}={probabilities[stage].normalize()}" for stage in Stage)


def micros(at: datetime) -> int:
    """A moment as whole microseconds since 1970 (UTC): ``totals_meta``'s ``latest``."""
    return (at - datetime(1970, 1, 1, tzinfo=UTC)) // _MICROSECOND


_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class _Counted:
    """What one opportunity adds to the totals."""

    stage_key: tuple[str, str, str, str, int]
    owner_name: str
    month_key: tuple[str, str, str] | None  # open ones only
    amount: Decimal
    weighted: Decimal


def _counted(row: Mapping[str, Any], probabilities: Mapping[Stage, Decimal]) -> _Counted:
    stage = Stage(row["stage"])
    amount: Decimal = row["amount"]
    weighted = (amount * probabilities[stage]).quantize(Decimal("0.01"))
    furthest = row["furthest"]
    close: date = row["expected_close"]
    owner, currency = row["owner_id"], row["currency"]
    return _Counted(
        (
            owner,
            sha256(row["owner_name"].encode()).hexdigest(),
            stage.value,
            currency,
            NONE_REACHED if furthest is None else furthest,
        ),
        row["owner_name"],
        (owner, close.strftime("%Y-%m"), currency) if stage.is_open else None,
        amount,
        weighted,
    )


def total_changes(
    conn: Connection,
    tables: Mapping[str, Table],
    probabilities: Mapping[Stage, Decimal],
    events: Sequence[tuple[datetime, Sequence[RowChange]]],
) -> list[RowChange]:
    """The changes to the totals that a page makes (``events``: each event's moment and
    changes to the pipeline's tables, in order), read in ``conn`` as committed before
    the page.

    Every group an opportunity is in after some event keeps a row, at zero once none is
    left in it, and ``latest`` is the latest event that changed an opportunity's row:
    so the rows are the same however the log was cut into pages (a restart, a rebuild,
    a view as of a moment all agree)."""
    touched = [
        (at, [c for c in each if isinstance(c, Upsert | Update | Raise) and c.table == _ROWS])
        for at, each in events
    ]
    touched = [(at, each) for at, each in touched if each]
    if not touched:
        return []
    ids = {str(c.key["opportunity_id"]) for _, each in touched for c in each}
    before = _rows(conn, tables["opportunities"], ids)
    after = {key: dict(row) for key, row in before.items()}
    stages, months = _Moves(_STAGE_SUMS), _Moves(_MONTH_SUMS)
    for _, each in touched:
        for change in each:
            _apply(after, change)
        for key in {str(c.key["opportunity_id"]) for c in each}:
            if key in after:
                counted = _counted(after[key], probabilities)
                stages.visit(counted.stage_key, owner_name=counted.owner_name)
                if counted.month_key is not None:
                    months.visit(counted.month_key)
    for key in ids:
        for sign, rows in ((-1, before), (1, after)):
            if key in rows:
                counted = _counted(rows[key], probabilities)
                stages.visit(counted.stage_key, owner_name=counted.owner_name)
                stages.move(counted.stage_key, sign, counted.amount, counted.weighted)
                if counted.month_key is not None:
                    months.visit(counted.month_key)
                    months.move(counted.month_key, sign, counted.weighted)
    written: list[RowChange] = [
        *stages.rewritten(conn, tables, "stage_totals", _STAGE_KEY),
        *months.rewritten(conn, tables, "month_totals", _MONTH_KEY),
    ]
    latest = max(at for at, _ in touched)
    return [*written, *_meta(conn, tables["totals_meta"], probabilities, latest)]


_STAGE_KEY = ("owner_id", "name_digest", "stage", "currency", "furthest")
_STAGE_SUMS = ("opportunities", "amount", "weighted")
_MONTH_KEY = ("owner_id", "month", "currency")
_MONTH_SUMS = ("opportunities", "weighted")


def _rows(conn: Connection, table: Table, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The opportunities' rows as committed, by id (what their totals depend on)."""
    found: dict[str, dict[str, Any]] = {}
    columns = [table.c.opportunity_id, *(table.c[name] for name in _KEPT)]
    for chunk in batches(sorted(ids)):
        for row in conn.execute(select(*columns).where(table.c.opportunity_id.in_(chunk))):
            found[row.opportunity_id] = {name: row._mapping[name] for name in _KEPT}
    return found


def _apply(rows: dict[str, dict[str, Any]], change: Upsert | Update | Raise) -> None:
    """``change`` (to the opportunities' table) applied to ``rows`` as the database
    applies it (``statements``): only the columns the totals depend on."""
    key = str(change.key["opportunity_id"])
    row = rows.get(key)
    if row is None:
        if not isinstance(change, Upsert):
            return  # no such row: the database changes nothing either
        row = rows[key] = dict.fromkeys(_KEPT)
    for name, value in change.values.items():
        if name not in row:
            continue
        if isinstance(change, Raise):
            row[name] = value if row[name] is None else max(row[name], value)
        else:
            row[name] = value


class _Moves:
    """What a page moves into and out of the groups of a totals table: per group, a
    count and sums (``sums``: their columns, the count first); and every group some
    opportunity was in, with the values of its other columns (``visited``)."""

    def __init__(self, sums: tuple[str, ...]) -> None:
        self.sums = sums
        self.moves: dict[tuple[Any, ...], list[Any]] = {}
        self.visited: dict[tuple[Any, ...], dict[str, Any]] = {}

    def visit(self, group: tuple[Any, ...], **named: Any) -> None:
        self.visited[group] = named

    def move(self, group: tuple[Any, ...], sign: int, *amounts: Decimal) -> None:
        """One opportunity into (``sign`` 1) or out of (-1) ``group``, with its amounts."""
        moved = self.moves.setdefault(group, [0, *(Decimal(0) for _ in amounts)])
        moved[0] += sign
        for index, amount in enumerate(amounts, 1):
            moved[index] += sign * amount

    def rewritten(
        self, conn: Connection, tables: Mapping[str, Table], name: str, key: tuple[str, ...]
    ) -> list[RowChange]:
        """The groups visited that have no row yet or that the moves change, each as it
        stands in table ``name`` plus the moves (an ``Upsert`` each)."""
        table = tables[name]
        standing: dict[tuple[Any, ...], list[Any]] = {}
        columns: list[ColumnElement[Any]] = [table.c[k] for k in key]
        for chunk in batches(sorted(self.visited), IDS_PER_STATEMENT // len(key)):
            query = select(*columns, *(table.c[s] for s in self.sums)).where(
                keys_in(columns, chunk)
            )
            for found in conn.execute(query):
                standing[tuple(found[: len(key)])] = list(found[len(key) :])
        changes: list[RowChange] = []
        for group, named in sorted(self.visited.items()):
            delta = self.moves.get(group)
            if group in standing and (delta is None or not any(delta)):
                continue
            was = standing.get(group, [0] * len(self.sums))
            sums = was if delta is None else [a + b for a, b in zip(was, delta, strict=True)]
            row = dict(zip(key, group, strict=True))
            changes.append(Upsert(name, row, {**dict(zip(self.sums, sums, strict=True)), **named}))
        return changes


def _meta(
    conn: Connection,
    table: Table,
    probabilities: Mapping[Stage, Decimal],
    latest: datetime,
) -> list[RowChange]:
    """The probabilities the totals are summed under (``MIXED`` once they differ from
    a page to the next) and the latest moment an opportunity changed."""
    summed = probabilities_key(probabilities)
    found = conn.execute(select(table.c.text).where(table.c.name == "probabilities")).scalar()
    changes: list[RowChange] = []
    if found is None or found not in (summed, MIXED):
        text = summed if found is None else MIXED
        changes.append(Upsert("totals_meta", {"name": "probabilities"}, {"text": text}))
    changes.append(Upsert("totals_meta", {"name": "latest"}, {}))
    changes.append(Raise("totals_meta", {"name": "latest"}, {"number": micros(latest)}))
    return changes


def totals_hold(
    conn: Connection,
    tables: Mapping[str, Table],
    probabilities: Mapping[Stage, Decimal],
    at: datetime,
) -> bool:
    """Whether the totals are the figures at ``at`` weighted by ``probabilities``: they
    were summed under those, and no opportunity changed after ``at``."""
    meta = _meta_rows(conn, tables)
    summed = meta.get("probabilities")
    if summed is None or summed.text != probabilities_key(probabilities):
        return False
    return _unchanged(meta, at)


def unchanged_since(conn: Connection, tables: Mapping[str, Table], at: datetime) -> bool:
    """Whether no opportunity's row changed after ``at``: the pipeline at ``at`` is the
    pipeline as it stands (false where the view keeps no totals, made by version 5 or
    before, or holds no opportunity)."""
    return "latest" in (meta := _meta_rows(conn, tables)) and _unchanged(meta, at)


def _meta_rows(conn: Connection, tables: Mapping[str, Table]) -> dict[str, Any]:
    meta = tables["totals_meta"]
    return {row.name: row for row in conn.execute(select(meta))}


def _unchanged(meta: Mapping[str, Any], at: datetime) -> bool:
    latest = meta.get("latest")
    return latest is None or latest.number is None or latest.number <= micros(at)
