"""The pipeline's figures computed in the database (``pipeline_figures``): the funnel,
the win rate, the value by stage and owner and the forecast by expected close month,
each as docs/kpi.md defines it, by ``GROUP BY`` over the opportunities as they stood
at a moment (``as_of_select``), never by building every row.

An opportunity whose stage (amount) has not changed since the moment read gives its
furthest funnel stage (its amount in units of the last decimal place) from its row, as
the view keeps them (version 4, ADR 55), so the figures over every opportunity as they
stand now are one aggregate over the ``opportunities`` table; the others' are looked up
in their stage history (parsed from their amount).

Money stays exact and per currency: amounts are summed as 64-bit integers, whole units
of their last decimal place (SQLite's ``NUMERIC`` is a double), and each weighted amount
is rounded to cents per opportunity, half to even as ``Decimal.quantize`` rounds it,
before the sums. Where the integers could overflow (on SQLite amounts of 10^12 or more
and negative ones, on PostgreSQL a product past 2^63; a sum past 2^63 on SQLite), the
figures are made from the rows instead (``figures_of``), a page at a time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from salesdomain.projections.access import sales_readable
from salesdomain.projections.pipeline.funnel import FUNNEL, FunnelStep
from salesdomain.projections.pipeline.projection import Pipeline
from salesdomain.projections.pipeline.queries import (
    ANY,
    KEPT,
    PipelineFilter,
    PipelineRow,
    as_of_select,
    iter_pipeline,
    rate,
    win_rate,
)
from salesdomain.projections.pipeline.summary import FunnelLine, PipelineSummary, open_weighted_in
from salesdomain.projections.pipeline.totals import totals_hold
from salesdomain.projections.projection import built_by
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    Table,
    case,
    cast,
    func,
    literal,
    null,
    select,
    text,
    union_all,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from salesdomain.access import Reader
from salesdomain.bounds import AMOUNT_PLACES
from salesdomain.currencies import CurrencyPolicy
from salesdomain.opportunities.stages import Stage
from salesdomain.policy import STALE_AFTER_DAYS

_FACTS = ("opportunity_id", "owner_id", "owner_name", "expected_close", *KEPT)
"""What the figures need of an opportunity besides its stage and amount."""


@dataclass(frozen=True)
class StageOwnerValue:
    stage: Stage
    """The pipeline stage."""
    owner_id: str
    """The sales representative who owns the deals."""
    owner_name: str
    """The representative's name."""
    count: int
    """Deals in this stage owned by the representative."""
    amount: Decimal
    """Their estimated value."""
    weighted_amount: Decimal
    """Their value weighted by the stage's probability."""
    currency: str
    """The currency of the amounts."""


@dataclass(frozen=True)
class PipelineFigures:
    as_of: datetime
    count: int
    open_count: int
    win_rate: Decimal | None
    """Of the opportunities closed up to ``as_of``."""
    funnel: list[FunnelStep]
    value_by_stage_and_owner: list[StageOwnerValue]
    """By owner name, then stage, owner and currency."""
    forecast: dict[tuple[str, str], Decimal]
    """The open opportunities' weighted amounts by (expected close month, currency)."""
    open_weighted: dict[str, Decimal]
    """The open opportunities' weighted amounts, one total per currency."""

    def summary(self, currencies: CurrencyPolicy | None = None) -> PipelineSummary:
        """The few lines the command line and the demo's report print; the open weighted
        amount in the reporting currency too, given ``currencies``."""
        return PipelineSummary(
            as_of=self.as_of,
            funnel=[FunnelLine(s.stage.value, s.reached, s.stage_conversion) for s in self.funnel],
            win_rate=self.win_rate,
            open_count=self.open_count,
            open_weighted=self.open_weighted,
            in_reporting_currency=open_weighted_in(currencies, self.open_weighted, self.as_of),
        )


def pipeline_figures(
    engine: Engine,
    tables: Mapping[str, Table],
    probabilities: Mapping[Stage, Decimal],
    at: datetime,
    *,
    filters: PipelineFilter = ANY,
    reader: Reader | None = None,
    stale_after_days: int = STALE_AFTER_DAYS,
) -> PipelineFigures:
    """The figures of the opportunities opened by ``at`` that pass ``filters`` and the
    read policy, as they stood at ``at``: the same as ``figures_of`` of those rows
    (``stale_after_days``: the policy's, for the filter ``stale``)."""
    with engine.connect() as conn:
        kept = _from_totals(conn, tables, probabilities, at, filters, reader)
        if kept is not None:
            return kept
        if conn.dialect.name == "postgresql":
            # its planner costs each look-up as if made for every row and would compile
            # the statement first (JIT), which takes longer than running it
            conn.execute(text("SET LOCAL jit = off"))
        try:
            chosen = as_of_select(
                tables,
                at,
                filters=filters,
                reader=reader,
                facts=_FACTS,
                stale_after_days=stale_after_days,
            )
            found = _in_sql(conn, tables, probabilities, at, chosen)
        except DBAPIError as error:  # a number past 2^63 (SQLite: in a sum)
            if not any(word in str(error.orig) for word in ("overflow", "out of range")):
                raise
            found = None
    if found is not None:
        return found
    rows = iter_pipeline(
        engine,
        tables,
        probabilities,
        at,
        filters=filters,
        reader=reader,
        stale_after_days=stale_after_days,
    )
    return figures_of(rows, at)


_BY_OWNER = PipelineFilter(owner_id="", team="")
"""The filters the totals can answer (by owner or team alone): the rest need the rows."""


def _from_totals(
    conn: Connection,
    tables: Mapping[str, Table],
    probabilities: Mapping[Stage, Decimal],
    at: datetime,
    filters: PipelineFilter,
    reader: Reader | None,
) -> PipelineFigures | None:
    """The figures from the view's totals (version 6, ADR 72), where they hold for
    ``at``, ``probabilities`` and ``filters``; else ``None`` (read the opportunities)."""
    if built_by(tables, Pipeline) < 6 or replace(filters, owner_id="", team="") != _BY_OWNER:
        return None
    if not totals_hold(conn, tables, probabilities, at):
        return None
    stage_totals, month_totals = tables["stage_totals"], tables["month_totals"]
    groups: dict[tuple[str, str, str, str], list[Any]] = defaultdict(
        lambda: [0, Decimal(0), Decimal(0)]
    )
    reached: dict[int, int] = defaultdict(int)
    for row in conn.execute(_owned(stage_totals, tables, filters, reader)):
        group = groups[(row.stage, row.owner_id, row.owner_name, row.currency)]
        group[0] += row.opportunities
        group[1] += row.amount
        group[2] += row.weighted
        reached[row.furthest] += row.opportunities
    values = [
        StageOwnerValue(
            Stage(stage),
            owner_id,
            name,
            count,
            _amount(amount.scaleb(AMOUNT_PLACES)),
            weighted.quantize(_CENT),
            currency,
        )
        for (stage, owner_id, name, currency), (count, amount, weighted) in groups.items()
    ]
    forecast: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in conn.execute(_owned(month_totals, tables, filters, reader)):
        forecast[(row.month, row.currency)] += row.weighted.quantize(_CENT)
    return _figures(at, values, dict(forecast), reached, _won_rate(values))


_CENT = Decimal("0.01")


def _owned(
    table: Table, tables: Mapping[str, Table], filters: PipelineFilter, reader: Reader | None
) -> Select[Any]:
    """The rows of a totals table where some opportunity counts, of the owners
    ``filters`` and the read policy let through."""
    owner = table.c.owner_id
    chosen = select(table).where(table.c.opportunities > 0, sales_readable(owner, reader))
    if filters.owner_id is not None:
        chosen = chosen.where(owner == filters.owner_id)
    if filters.team is not None:
        owners = tables["owners"]
        chosen = chosen.where(
            owner.in_(select(owners.c.employee_id).where(owners.c.team == filters.team))
        )
    return chosen


def figures_of(rows: Iterable[PipelineRow], at: datetime) -> PipelineFigures:
    """The figures of ``rows`` (the pipeline as it stood at ``at``), from the rows
    themselves; one pass, keeping per opportunity only the stages it reached."""
    groups: dict[tuple[Stage, str, str, str], list[Decimal]] = defaultdict(
        lambda: [Decimal(0), Decimal(0), Decimal(0)]
    )
    forecast: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    furthest: dict[int, int] = defaultdict(int)
    closed: list[PipelineRow] = []
    for row in rows:
        group = groups[(row.stage, row.owner_id, row.owner_name, row.currency)]
        group[0] += 1
        group[1] += row.amount
        group[2] += row.weighted_amount
        if row.stage.is_open:
            forecast[(row.expected_close.strftime("%Y-%m"), row.currency)] += row.weighted_amount
        else:
            closed.append(row)
        reached = [FUNNEL.index(s) for s in {row.stage, *row.time_in_stage} if s in FUNNEL]
        furthest[max(reached, default=-1)] += 1
    values = [
        StageOwnerValue(stage, owner_id, name, int(count), amount, weighted, currency)
        for (stage, owner_id, name, currency), (count, amount, weighted) in groups.items()
    ]
    return _figures(at, values, dict(forecast), furthest, win_rate(closed))


def _figures(
    at: datetime,
    values: list[StageOwnerValue],
    forecast: dict[tuple[str, str], Decimal],
    furthest: Mapping[int, int],
    closed_rate: Decimal | None,
) -> PipelineFigures:
    open_weighted: dict[str, Decimal] = defaultdict(Decimal)
    for value in values:
        if value.stage.is_open:
            open_weighted[value.currency] += value.weighted_amount
    return PipelineFigures(
        as_of=at,
        count=sum(v.count for v in values),
        open_count=sum(v.count for v in values if v.stage.is_open),
        win_rate=closed_rate,
        funnel=_steps(furthest),
        value_by_stage_and_owner=sorted(
            values, key=lambda v: (v.owner_name, v.stage.value, v.owner_id, v.currency)
        ),
        forecast=dict(sorted(forecast.items())),
        open_weighted=dict(sorted(open_weighted.items())),
    )


def _won_rate(values: Sequence[StageOwnerValue]) -> Decimal | None:
    """Won / (won + lost) of the opportunities ``values`` count (``None``: none closed),
    as ``win_rate`` of their rows."""
    won = sum(v.count for v in values if v.stage is Stage.WON)
    lost = sum(v.count for v in values if v.stage is Stage.LOST)
    return rate(won, won + lost) if won + lost else None


def _steps(furthest: Mapping[int, int]) -> list[FunnelStep]:
    """The funnel from how many opportunities got furthest to each stage (its index in
    ``FUNNEL``): reaching a later stage counts as passing the earlier ones."""
    steps = []
    previous: int | None = None
    for index, stage in enumerate(FUNNEL):
        count = sum(n for reached, n in furthest.items() if reached >= index)
        steps.append(FunnelStep(stage, count, rate(count, previous) if previous else None))
        previous = count
    return steps


def _in_sql(
    conn: Connection,
    tables: Mapping[str, Table],
    probabilities: Mapping[Stage, Decimal],
    at: datetime,
    chosen_rows: Select[Any],
) -> PipelineFigures | None:
    """The figures by ``GROUP BY``, in one statement over the opportunities as they
    stood (``chosen_rows``, computed once); ``None`` where SQLite's integers would not
    hold an amount (``figures_of`` then)."""
    opened = (  # each opportunity's stage and amount looked up once
        chosen_rows.cte("opened").prefix_with("MATERIALIZED")
    )
    stages = tables["stages"]
    ranks = {stage.value: index for index, stage in enumerate(FUNNEL)}
    furthest_entered = (
        select(func.max(case(ranks, value=stages.c.stage, else_=-1)))
        .where(stages.c.opportunity_id == opened.c.opportunity_id, stages.c.entered_at <= at)
        .scalar_subquery()
    )
    won = ranks[Stage.WON.value]  # won: the furthest there is, no look-up
    furthest = case(
        (opened.c.stage == Stage.WON.value, won),
        (opened.c.furthest_kept.is_not(None), opened.c.furthest_kept),  # kept on the row
        else_=furthest_entered,
    )
    money = _Money(
        conn.dialect.name, opened.c.amount, opened.c.stage, probabilities, opened.c.units_kept
    )
    chosen = (
        select(
            opened,
            furthest.label("furthest"),
            money.units.label("units"),
            money.weight.label("weight"),
            money.unsafe.label("unsafe"),
        )
        .cte("chosen")
        .prefix_with("MATERIALIZED")
    )
    c = chosen.c
    cents = money.cents(c.units, c.weight)
    nothing, no_day, no_number = (cast(null(), t) for t in (String, Date, Integer))
    by_value = select(
        literal("value").label("kind"),
        c.stage,
        c.owner_id,
        c.owner_name,
        c.currency,
        no_day.label("expected_close"),
        no_number.label("furthest"),
        func.count().label("opportunities"),
        func.sum(c.units).label("units"),
        func.sum(cents).label("cents"),
        func.sum(c.unsafe).label("unsafe"),
    ).group_by(c.stage, c.owner_id, c.owner_name, c.currency)
    by_day = (
        select(
            *(literal("forecast"), nothing, nothing, nothing, c.currency, c.expected_close),
            *(no_number, func.count(), no_number, func.sum(cents), no_number),
        )
        .where(c.stage.in_([s.value for s in Stage if s.is_open]))
        .group_by(c.expected_close, c.currency)
    )
    by_reach = select(
        *(literal("funnel"), nothing, nothing, nothing, nothing, no_day, c.furthest),
        *(func.count(), no_number, no_number, no_number),
    ).group_by(c.furthest)
    values: list[StageOwnerValue] = []
    forecast: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    reached: dict[int, int] = {}
    for row in conn.execute(union_all(by_value, by_day, by_reach)):
        if row.unsafe:
            return None
        weighted = Decimal(int(row.cents or 0)).scaleb(-2)
        if row.kind == "value":
            values.append(
                StageOwnerValue(
                    Stage(row.stage),
                    row.owner_id,
                    row.owner_name,
                    int(row.opportunities),
                    _amount(row.units),
                    weighted,
                    row.currency,
                )
            )
        elif row.kind == "forecast":
            forecast[(row.expected_close.strftime("%Y-%m"), row.currency)] += weighted
        elif row.furthest is not None:
            reached[int(row.furthest)] = int(row.opportunities)
    return _figures(at, values, dict(forecast), reached, _won_rate(values))


def _amount(units: Any) -> Decimal:
    """A sum of amounts in units of their last place, as the view shows an amount: at
    least 2 decimal places, trailing zeros beyond them dropped."""
    exact = Decimal(int(units)).scaleb(-AMOUNT_PLACES)
    trimmed = exact.normalize()
    exponent = trimmed.as_tuple().exponent
    if isinstance(exponent, int) and -exponent >= 2:
        return trimmed
    return exact.quantize(Decimal("0.01"))


class _Money:
    """SQL for an opportunity's amount in units of its last decimal place (``units``:
    those kept on its row, ``kept``, else parsed from ``amount``), its stage's
    probability in units of ``1 / 10^places`` (``weight``), 1 where SQLite's integers
    could not hold them (``unsafe``, else 0; ``units`` is then 0), and from those (as
    columns) the weighted amount in cents, rounded half to even (``cents``)."""

    def __init__(
        self,
        dialect: str,
        amount: ColumnElement[Any],
        stage: ColumnElement[Any],
        probabilities: Mapping[Stage, Decimal],
        kept: ColumnElement[Any],
    ) -> None:
        exact = {s: p.normalize() for s, p in probabilities.items()}
        places = max(max(-int(p.as_tuple().exponent), 0) for p in exact.values())
        scaled = {s.value: int(p.scaleb(places)) for s, p in exact.items()}
        self.weight: ColumnElement[Any] = case(scaled, value=stage, else_=0)
        self.step = 10 ** (AMOUNT_PLACES + places - 2)  # units x weight per cent
        if dialect == "sqlite":
            # the text SQLite keeps: digits, a point and AMOUNT_PLACES decimals
            digits = 18 - len(str(max(max(scaled.values()), 1)))
            self.unsafe: ColumnElement[Any] = case(
                (kept.is_not(None), case(((kept >= 0) & (kept < 10**digits), 0), else_=1)),
                (
                    (func.typeof(amount) == "text")
                    & (func.substr(amount, -AMOUNT_PLACES - 1, 1) == ".")
                    & (func.length(amount) <= digits + 1)
                    & (func.substr(amount, 1, 1) != "-"),
                    0,
                ),
                else_=1,
            )
            whole = func.coalesce(kept, cast(func.replace(amount, ".", ""), Integer))
            self.units: ColumnElement[Any] = case((self.unsafe == 0, whole), else_=0)
        else:  # past 2^63 PostgreSQL says "bigint out of range"
            parsed = cast(amount * 10**AMOUNT_PLACES, BigInteger)
            self.units = case((kept.is_not(None), kept), else_=parsed)
            self.unsafe = literal(0)

    def cents(self, units: ColumnElement[Any], weight: ColumnElement[Any]) -> ColumnElement[Any]:
        """The weighted amount in cents, of the columns ``units`` and ``weight``."""
        product, step = units * weight, self.step
        quotient = product // literal(step)  # whole numbers: rounded towards zero
        twice = func.abs(product - quotient * step) * 2
        up = case(
            (twice > step, 1),
            ((twice == step) & (func.abs(quotient % 2) == 1), 1),
            else_=0,
        )
        return quotient + up * case((product < 0, -1), else_=1)
