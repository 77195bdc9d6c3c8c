"""The pipeline as it stood at a time, filtered and paged in SQL (``pipeline_page``,
``iter_pipeline``, ``pipeline_as_of``), and what its rows add up to: ``win_rate`` and
``forecast_by_month`` (defined in docs/kpi.md).

An opportunity's stage and amount at ``at`` are its latest ``stages`` and ``amounts``
rows (by log position) dated up to ``at``, found in SQL: the ``opportunities`` row's
own when they have not changed since ``at``, else through the view's indexes. Rows
come in a stable order, ``(opened_at, opportunity_id)``, a page at a time; only a
page's opportunities have their stage history read (for the time in each stage).

The expected close at ``at`` is found the same way (``closes``); whether a deal is
stale at ``at`` is worked out when it is read, from the dates stored (ADR 47): an open
deal is stale once its expected close has passed, or when no contact or visit known at
``at`` happened in the last ``stale_after_days`` days (counted from its opening day
when none is known): time alone makes a deal stale, and a stored flag would go out of
date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from salesdomain.projections.access import sales_readable
from salesdomain.projections.paging import DEFAULT_LIMIT, MAX_LIMIT, check_limit
from salesdomain.projections.pipeline import cursor as cursors
from salesdomain.projections.pipeline.cursor import Cursor, InvalidCursor
from salesdomain.projections.pipeline.projection import Pipeline
from salesdomain.projections.pipeline.totals import unchanged_since
from salesdomain.projections.projection import built_by
from salesdomain.projections.rows import batches
from sqlalchemy import ColumnElement, Select, Table, and_, case, false, func, null, or_, select
from sqlalchemy.engine import Connection, Engine

from salesdomain.access import Reader
from salesdomain.opportunities.stages import Stage
from salesdomain.policy import STALE_AFTER_DAYS


@dataclass(frozen=True)
class PipelineRow:
    opportunity_id: str
    """The opportunity's id."""
    title: str
    """The opportunity's title."""
    customer_id: str
    """The customer's record, or the one it was merged into by the moment read."""
    customer_name: str
    """The customer's company name."""
    region: str
    """The customer's region."""
    industry: str
    """The customer's industry."""
    owner_id: str
    """The sales representative who owns the deal."""
    owner_name: str
    """The representative's name."""
    team: str | None
    """The owner's team."""
    stage: Stage
    """The stage the deal has reached in the sales process."""
    amount: Decimal
    """The deal's value: the latest quote's, else its estimated value."""
    currency: str
    """The currency of the amounts."""
    weighted_amount: Decimal
    """The value weighted by the stage's probability (docs/kpi.md)."""
    expected_close: date
    """As it stood at the moment read (revisions later are not yet made)."""
    opened_at: datetime
    """When the opportunity was opened."""
    closed_at: datetime | None
    """When it was won or lost (``None`` while open)."""
    age: timedelta
    time_in_stage: Mapping[Stage, timedelta]
    """Seconds spent in each stage."""
    last_contact_on: date | None
    """The latest day a contact or visit logged by the moment read happened on."""
    stale: bool
    """Open at the moment read and past its expected close, or without a contact or
    visit for more than the policy's ``stale_after_days`` (ADR 47)."""


@dataclass(frozen=True)
class PipelineFilter:
    """Which opportunities (each ``None``: any): owner, the owner's current team, the
    stage as it stood at ``at``, the customer's region and industry, whether the
    deal was stale at ``at`` (``True``: only stale deals; ``False``: only the others),
    and its expected close at ``at`` from ``closes_from`` to ``closes_until`` (both
    days included: the board's period)."""

    owner_id: str | None = None
    team: str | None = None
    stage: Stage | None = None
    region: str | None = None
    industry: str | None = None
    stale: bool | None = None
    closes_from: date | None = None
    closes_until: date | None = None

    def described(self) -> dict[str, str | None]:
        """The filters as texts (what a cursor is bound to); the expected close's
        bounds only when given (a cursor made before they existed stays valid)."""
        stage = None if self.stage is None else self.stage.value
        stale = None if self.stale is None else str(self.stale).lower()
        described = {f.name: getattr(self, f.name) for f in fields(self)}
        for bound in ("closes_from", "closes_until"):
            day = described.pop(bound)
            if day is not None:
                described[bound] = day.isoformat()
        return {**described, "stage": stage, "stale": stale}


ANY = PipelineFilter()


@dataclass(frozen=True)
class PipelinePage:
    at: datetime
    rows: list[PipelineRow]
    next_cursor: str | None
    """Give it back for the next page; ``None``: this was the last page."""


_AS_STORED = (
    "opportunity_id",
    "title",
    "region",
    "industry",
    "owner_id",
    "owner_name",
    "opened_at",
)
"""The facts of a ``PipelineRow`` the ``opportunities`` table holds as they are."""

_AT_THE_MOMENT = ("customer_id", "customer_name", "expected_close", "last_contact_on", "stale")
"""The facts of a ``PipelineRow`` worked out for the moment read."""

KEPT = ("furthest_kept", "units_kept")
"""What a view of version 4 keeps on an opportunity's row for the figures (ADR 55),
asked as ``facts``: the furthest funnel stage reached (its index in ``FUNNEL``) and the
amount in ten-thousandths, each as it stood at the moment read if the row's has not
changed since (the stage, the amount), else ``None`` (then looked up)."""


def as_of_select(
    tables: Mapping[str, Table],
    at: datetime,
    *,
    filters: PipelineFilter = ANY,
    reader: Reader | None = None,
    facts: Sequence[str] = (*_AS_STORED, *_AT_THE_MOMENT, "team", "stage_entered_at"),
    stale_after_days: int = STALE_AFTER_DAYS,
) -> Select[Any]:
    """The opportunities opened by ``at`` that pass ``filters`` and the read policy,
    one row each: the ``facts`` asked for (default: the stored facts, ``_AS_STORED``,
    those of ``_AT_THE_MOMENT``, ``team`` and ``stage_entered_at`` at ``at``), and as
    they stood at ``at``: ``stage``, ``amount``, ``currency``.

    The latest stage (amount) row of an opportunity is the one its row's stage (amount)
    was set by, dated ``stage_entered_at`` (``amount_set_at``): when that is not after
    ``at``, it is also the latest up to ``at`` and the row's own values are taken;
    otherwise the latest row dated up to ``at`` is looked up (``_latest``)."""
    opportunities, owners = tables["opportunities"], tables["owners"]
    o = opportunities.c
    stages, amounts, key = tables["stages"], tables["amounts"], o.opportunity_id
    stage_then, amount_then = o.stage_entered_at <= at, o.amount_set_at <= at
    stage = _then(stage_then, o.stage, _latest(stages, "entered_at", at, key, "stage"))
    entered = _then(
        stage_then, o.stage_entered_at, _latest(stages, "entered_at", at, key, "entered_at")
    )
    amount = _then(amount_then, o.amount, _latest(amounts, "at", at, key, "amount"))
    currency = _then(amount_then, o.currency, _latest(amounts, "at", at, key, "currency"))
    close = _close_then(tables, at)
    last_contact = _last_contact(tables["contacts"], at, key)
    stale = _stale(tables, at, stage, close, last_contact, stale_after_days)
    customer_id, customer_name = _customer_then(tables, at)
    kept = built_by(tables, Pipeline) >= 4  # older views have them empty
    moment = {
        "customer_id": customer_id,
        "customer_name": customer_name,
        "expected_close": close,
        "last_contact_on": last_contact,
        "stale": stale,
        "furthest_kept": case((stage_then, o.furthest), else_=null()) if kept else null(),
        "units_kept": case((amount_then, o.amount_units), else_=null()) if kept else null(),
    }
    chosen = (
        select(
            *(o[name] for name in facts if name in _AS_STORED),
            *(moment[name].label(name) for name in facts if name in moment),
            *([owners.c.team] if "team" in facts else []),
            *([entered.label("stage_entered_at")] if "stage_entered_at" in facts else []),
            stage.label("stage"),
            amount.label("amount"),
            currency.label("currency"),
        )
        .select_from(
            opportunities.outerjoin(owners, owners.c.employee_id == o.owner_id)
            if "team" in facts or filters.team is not None
            else opportunities
        )
        .where(o.opened_at <= at)  # its first stage and amount are dated when opened
    )
    chosen = chosen.where(sales_readable(o.owner_id, reader))
    for name, value in (
        ("owner_id", filters.owner_id),
        ("region", filters.region),
        ("industry", filters.industry),
    ):
        if value is not None:
            chosen = chosen.where(o[name] == value)
    if filters.team is not None:
        chosen = chosen.where(owners.c.team == filters.team)
    if filters.stage is not None:
        chosen = chosen.where(stage == filters.stage.value)
    if filters.stale is not None:
        chosen = chosen.where(stale if filters.stale else ~stale)
    if filters.closes_from is not None:
        chosen = chosen.where(close >= filters.closes_from)
    if filters.closes_until is not None:
        chosen = chosen.where(close <= filters.closes_until)
    return chosen


def _customer_then(
    tables: Mapping[str, Table], at: datetime
) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """The opportunity's customer id and name at ``at``: those of the record its
    customer was merged into by then (ADR 47), else its own."""
    o, merges = tables["opportunities"].c, tables["merges"]

    def survivor(name: str) -> ColumnElement[Any]:
        return (
            select(merges.c[name])
            .where(merges.c.customer_id == o.customer_id, merges.c.at <= at)
            .scalar_subquery()
        )

    return (
        func.coalesce(survivor("survivor_id"), o.customer_id),
        func.coalesce(survivor("survivor_name"), o.customer_name),
    )


def _close_then(tables: Mapping[str, Table], at: datetime) -> ColumnElement[Any]:
    """The expected close at ``at``: the row's own when not revised since, else the
    latest revision up to ``at``, else the day the first revision replaced."""
    o, closes = tables["opportunities"].c, tables["closes"]
    revised = o.expected_close_revised_at
    first = (
        select(closes.c.previous)
        .where(closes.c.opportunity_id == o.opportunity_id)
        .order_by(closes.c.position)
        .limit(1)
        .scalar_subquery()
    )
    looked_up = _latest(closes, "at", at, o.opportunity_id, "expected_close")
    unrevised = or_(revised.is_(None), revised <= at)
    return case((unrevised, o.expected_close), else_=func.coalesce(looked_up, first))


def _last_contact(
    contacts: Table, at: datetime, opportunity: ColumnElement[Any]
) -> ColumnElement[Any]:
    """The latest day a contact or visit logged by ``at`` happened on (``None``: none)."""
    c = contacts.c
    return (
        select(c.occurred_on)
        .where(c.opportunity_id == opportunity, c.at <= at)
        .order_by(c.occurred_on.desc())
        .limit(1)
        .scalar_subquery()
    )


def _stale(
    tables: Mapping[str, Table],
    at: datetime,
    stage: ColumnElement[Any],
    close: ColumnElement[Any],
    last_contact: ColumnElement[Any],
    days: int,
) -> ColumnElement[bool]:
    """Whether the deal is stale at ``at`` (ADR 47): open then, and past its expected
    close or quiet, its last contact (else its opening day) more than ``days`` days
    before the day of ``at`` (UTC days, as the KPI figures count them). A view made by
    an earlier version has not the contacts logged before it: only a passed close."""
    today = _utc_day(at)
    quiet_since = today - timedelta(days=days)
    opened = tables["opportunities"].c.opened_at
    quiet: ColumnElement[bool] = (
        case(
            (last_contact.is_(None), opened < datetime.combine(quiet_since, time(), UTC)),
            else_=last_contact < quiet_since,
        )
        if built_by(tables, Pipeline) >= 3  # the version that keeps the contacts
        else false()
    )
    open_then = stage.in_([s.value for s in Stage if s.is_open])
    return and_(open_then, or_(close < today, quiet))


def _then(
    unchanged: ColumnElement[Any], stored: ColumnElement[Any], looked_up: ColumnElement[Any]
) -> ColumnElement[Any]:
    """``stored`` where it has not changed since ``at``, else ``looked_up``."""
    return case((unchanged, stored), else_=looked_up)


def _latest(
    table: Table, dated: str, at: datetime, opportunity: ColumnElement[Any], name: str
) -> ColumnElement[Any]:
    """A column of the opportunity's latest row of ``table`` dated up to ``at`` (by log
    position; the index by opportunity and position finds it)."""
    return (
        select(table.c[name])
        .where(table.c.opportunity_id == opportunity, table.c[dated] <= at)
        .order_by(table.c.position.desc())
        .limit(1)
        .scalar_subquery()
    )


def pipeline_page(
    engine: Engine,
    tables: Mapping[str, Table],
    probabilities: Mapping[Stage, Decimal],
    at: datetime | None,
    *,
    filters: PipelineFilter = ANY,
    reader: Reader | None = None,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    stale_after_days: int = STALE_AFTER_DAYS,
) -> PipelinePage:
    """One page of the pipeline as it stood at ``at`` (see ``iter_pipeline`` for the
    rows): at most ``limit`` rows (1 to ``MAX_LIMIT``) in the order ``(opened_at,
    opportunity_id)``, after the row ``cursor`` points at (``None``: from the first).
    A cursor carries its moment: ``at`` may then be ``None`` (or must be the same).
    Raises ``InvalidCursor`` for a cursor made for other filters, altered or not one.
    ``stale_after_days``: the policy's (a deal without a contact that long is stale)."""
    check_limit(limit)
    described = filters.described()
    after = None if cursor is None else cursors.decode(cursor, described)
    if after is not None:
        if at is not None and at != after.at:
            raise InvalidCursor(
                f"made for the pipeline as of {after.at.isoformat()}, not "
                f"{at.isoformat()} (leave as_of out, or page again from the first page)"
            )
        at = after.at
    if at is None:
        raise ValueError("a first page needs the moment it stands at")
    with engine.connect() as conn:
        read = _Read(tables, probabilities, at, filters, reader, stale_after_days)
        rows = read.page(conn, limit + 1, after)
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1] if more else None
    following = (
        None
        if last is None
        else cursors.encode(Cursor(at, last.opened_at, last.opportunity_id), described)
    )
    return PipelinePage(at, rows, following)


def iter_pipeline(
    engine: Engine,
    tables: Mapping[str, Table],
    probabilities: Mapping[Stage, Decimal],
    at: datetime,
    *,
    filters: PipelineFilter = ANY,
    reader: Reader | None = None,
    page_size: int = MAX_LIMIT,
    stale_after_days: int = STALE_AFTER_DAYS,
) -> Iterator[PipelineRow]:
    """Every opportunity opened by ``at`` that passes ``filters`` and the read policy
    (``reader``: only what they may see; ``None``: all), as it stood then: stage,
    amount, weighted amount (stage probability from policy), age and time spent in each
    stage; the owner's team is their current one (``None`` if the owner is not on
    record); whether it was stale then (``stale_after_days``: the policy's). In the
    order ``(opened_at, opportunity_id)``, read ``page_size`` at a time (memory bounded
    by a page, whatever the history's length)."""
    read = _Read(tables, probabilities, at, filters, reader, stale_after_days)
    after: Cursor | None = None
    while True:
        with engine.connect() as conn:
            rows = read.page(conn, page_size, after)
        yield from rows
        if len(rows) < page_size:
            return
        after = Cursor(at, rows[-1].opened_at, rows[-1].opportunity_id)


def pipeline_as_of(
    engine: Engine,
    tables: Mapping[str, Table],
    probabilities: Mapping[Stage, Decimal],
    at: datetime,
    *,
    filters: PipelineFilter = ANY,
    reader: Reader | None = None,
    stale_after_days: int = STALE_AFTER_DAYS,
) -> list[PipelineRow]:
    """``iter_pipeline`` as a list: for callers that need every row at once (the
    pure figures below, small stores); a list of a long history is large, page it."""
    return list(
        iter_pipeline(
            engine,
            tables,
            probabilities,
            at,
            filters=filters,
            reader=reader,
            stale_after_days=stale_after_days,
        )
    )


@dataclass(frozen=True)
class _Read:
    """What every page of one read of the pipeline shares."""

    tables: Mapping[str, Table]
    probabilities: Mapping[Stage, Decimal]
    at: datetime
    filters: PipelineFilter
    reader: Reader | None
    stale_after_days: int

    def page(self, conn: Connection, limit: int, after: Cursor | None) -> list[PipelineRow]:
        tables, at = self.tables, self.at
        o = tables["opportunities"].c
        chosen = as_of_select(
            tables,
            at,
            filters=self.filters,
            reader=self.reader,
            stale_after_days=self.stale_after_days,
        )
        if self.filters.stale or (self.filters.stage is not None and self.filters.stage.is_open):
            chosen = open_now(conn, tables, at, chosen)
        if after is not None:
            chosen = chosen.where(
                o.opened_at >= after.opened_at,
                or_(
                    o.opened_at > after.opened_at,
                    and_(o.opened_at == after.opened_at, o.opportunity_id > after.opportunity_id),
                ),
            )
        found = conn.execute(chosen.order_by(o.opened_at, o.opportunity_id).limit(limit)).all()
        history = stage_histories(conn, tables["stages"], at, [row.opportunity_id for row in found])
        return [
            pipeline_row(row, history[row.opportunity_id], self.probabilities, at) for row in found
        ]


def open_now(
    conn: Connection, tables: Mapping[str, Table], at: datetime, chosen: Select[Any]
) -> Select[Any]:
    """``chosen`` (of opportunities open at ``at``) narrowed to the opportunities open
    now where no opportunity changed after ``at`` (the pipeline as it stands, ADR 72):
    those are the same, and the index of their stage finds them, where their stage at
    ``at`` must otherwise be looked at one by one in every opportunity ever opened."""
    if built_by(tables, Pipeline) < 6 or not unchanged_since(conn, tables, at):
        return chosen  # an older view's totals_meta says nothing of its earlier events
    return chosen.where(tables["opportunities"].c.stage.in_(OPEN_STAGES))


OPEN_STAGES = tuple(stage.value for stage in Stage if stage.is_open)


def stage_histories(
    conn: Connection, stages: Table, at: datetime, opportunity_ids: list[str]
) -> dict[str, list[tuple[Stage, datetime]]]:
    """The stages each of the opportunities entered by ``at``, in log order (shared by
    the pipeline's queries and the board, which read the opportunities' rows first)."""
    history: dict[str, list[tuple[Stage, datetime]]] = defaultdict(list)
    for some in batches(opportunity_ids):
        entered = conn.execute(
            select(stages.c.opportunity_id, stages.c.stage, stages.c.entered_at)
            .where(stages.c.opportunity_id.in_(some), stages.c.entered_at <= at)
            .order_by(stages.c.position)
        )
        for row in entered:
            history[row.opportunity_id].append((Stage(row.stage), row.entered_at))
    return history


def pipeline_row(
    row: Any,
    entries: list[tuple[Stage, datetime]],
    probabilities: Mapping[Stage, Decimal],
    at: datetime,
) -> PipelineRow:
    """A pipeline row from an opportunity's stored row and the stages it entered
    (``stage_histories``), its time in each open stage counted up to ``at``."""
    stage = Stage(row.stage)
    amount = Decimal(row.amount)
    spent: dict[Stage, timedelta] = defaultdict(timedelta)
    for (entered, since), (_, until) in zip(entries, [*entries[1:], (stage, at)], strict=True):
        if entered.is_open:
            spent[entered] += until - since
    closed_at = None if stage.is_open else row.stage_entered_at
    return PipelineRow(
        **{name: getattr(row, name) for name in _AS_STORED},
        customer_id=row.customer_id,
        customer_name=row.customer_name,
        expected_close=row.expected_close,
        last_contact_on=row.last_contact_on,
        stale=bool(row.stale),
        team=row.team,
        stage=stage,
        amount=amount,
        currency=row.currency,
        weighted_amount=(amount * probabilities[stage]).quantize(Decimal("0.01")),
        closed_at=closed_at,
        age=(closed_at or at) - row.opened_at,
        time_in_stage=dict(spent),
    )


def win_rate(
    rows: Sequence[PipelineRow], *, since: date | None = None, until: date | None = None
) -> Decimal | None:
    """The win rate (docs/kpi.md): won / (won + lost) of the given opportunities closed
    from ``since`` to ``until`` (UTC days, both included; ``None``: no bound), the same
    figure as the KPI table's ``win_rate`` for that period; ``None`` if none closed."""
    closed = [
        row.stage
        for row in rows
        if row.closed_at is not None
        and (since is None or _utc_day(row.closed_at) >= since)
        and (until is None or _utc_day(row.closed_at) <= until)
    ]
    won = closed.count(Stage.WON)
    if not closed:
        return None
    return rate(won, len(closed))


def rate(part: int, whole: int) -> Decimal:
    """``part / whole`` as a rate of 4 decimal places (``whole`` > 0)."""
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))


def _utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def forecast_by_month(rows: Sequence[PipelineRow]) -> dict[tuple[str, str], Decimal]:
    """Weighted amount of open opportunities by expected close month and currency."""
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in rows:
        if row.stage.is_open:
            totals[(row.expected_close.strftime("%Y-%m"), row.currency)] += row.weighted_amount
    return dict(sorted(totals.items()))
