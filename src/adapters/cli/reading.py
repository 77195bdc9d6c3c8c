"""Reading figures: the pipeline and the KPI tables.

Every read brings the view it reads up to date first (a one-shot process has no
follower); a view that stopped on an event is an error naming it (exit 10)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal, cast

import typer
from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.cli import client, common, paging, pipeline_tables, remote, vocabulary
from salesdomain.adapters.cli.common import DatabaseUrl, ExitCode, Failure, JsonOutput
from salesdomain.adapters.cli.output import out, print_json, visible
from salesdomain.adapters.cli.tables import (
    kpi_reporting_table,
    kpi_rows_table,
    market_share_table,
)
from salesdomain.projections.kpi import (
    GroupBy,
    KpiInReportingCurrency,
    KpiRow,
    MarketBy,
    MarketShare,
    kpi_in_reporting_currency,
    kpi_table,
    market_share,
)
from salesdomain.projections.kpi.groups import GROUPINGS, grouping
from salesdomain.projections.kpi.periods import PERIOD_LIMIT, count_periods
from salesdomain.projections.pipeline import (
    DEFAULT_LIMIT,
    PipelineFilter,
    PipelinePage,
    PipelineSummary,
    iter_pipeline,
    pipeline_figures,
    pipeline_page,
)
from sqlalchemy import func, select

from salesdomain.bounds import FIRST_DAY, LAST_DAY

StaleOnly = Annotated[
    bool,
    typer.Option(
        "--stale",
        help="Only the deals stale then: open, and past their expected close or without a "
        "contact for the policy's stale_after_days.",
    ),
]


def pipeline(
    ctx: typer.Context,
    as_of: vocabulary.AsOfOrNow = None,
    limit: paging.Limit = DEFAULT_LIMIT,
    cursor: paging.Cursor = None,
    every: paging.Every = False,
    stale: StaleOnly = False,
    wide: paging.Wide = False,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """The pipeline (SOP 4.2.3): the opportunities' stages and amounts a page at a time,
    in the order they were opened, each marked STALE if it was stale then (``--stale``:
    only those), and the funnel of them all."""
    with common.reported(as_json):
        asked = common.when(as_of, "--as-of")
        at = asked or (None if cursor else datetime.now(UTC))
        api = client.connect(ctx, database_url)
        if api is not None:
            page, summary = remote.pipeline(api, at, limit, cursor, every=every, stale=stale)
        else:
            with common.open_system(ctx, database_url) as system:
                common.caught_up(system, "pipeline")
                page, summary = pipeline_rows(system, at, limit, cursor, every=every, stale=stale)
    if as_json:
        print_json(
            {
                "as_of": page.at,
                "opportunities": page.rows,
                "next_cursor": page.next_cursor,
                "summary": summary,
            }
        )
        return
    show_pipeline(f"Pipeline at {page.at:%Y-%m-%d %H:%M} UTC", page, summary, wide=wide)


def pipeline_rows(
    system: System,
    at: datetime | None,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    *,
    every: bool = False,
    stale: bool = False,
) -> tuple[PipelinePage, PipelineSummary]:
    """A page of the opportunities as the pipeline view has them at ``at`` (``every``:
    all of them, read a page at a time; ``stale``: only the deals stale then), and the
    funnel of them all (computed in the database). A bad ``cursor`` is a usage error
    naming ``--cursor``."""
    engine, tables = system.views.view("pipeline")
    policy = system.app.policy
    probabilities = policy.stage_probability
    reading: dict[str, Any] = {
        "filters": PipelineFilter(stale=True if stale else None),
        "stale_after_days": policy.stale_after_days,
    }
    if every:
        paging.every_from_the_start(cursor, "opportunity")
        assert at is not None  # a first page's moment is given or now
        rows = iter_pipeline(engine, tables, probabilities, at, **reading)
        page = PipelinePage(at, list(rows), None)
    else:
        with paging.cursor_checked():
            page = pipeline_page(
                engine, tables, probabilities, at, limit=limit, cursor=cursor, **reading
            )
    figures = pipeline_figures(engine, tables, probabilities, page.at, **reading)
    return page, figures.summary(system.app.policy.currencies)


def show_pipeline(
    title: str, page: PipelinePage, summary: PipelineSummary, *, wide: bool = False
) -> None:
    pipeline_tables.show_pipeline(title, page.rows, page.next_cursor, summary, wide=wide)


Grain = Literal["day", "month", "quarter", "year"]


Since = Annotated[str | None, typer.Option(help="First day (default: first fact).")]
Until = Annotated[str | None, typer.Option(help="Last day (default: last fact).")]
GrainOption = Annotated[Grain, typer.Option(help="Period length.")]
BysOption = Annotated[
    list[str],
    typer.Option(
        "--by",
        help="Dimension to group by; twice for two combined (--by rep --by product), "
        "besides the periods of --grain.",
    ),
]
CurrencyOption = Annotated[
    str | None,
    typer.Option(
        help="Money in this currency (default: the one currency of the figures, or the "
        "reporting currency if they are in several)."
    ),
]


def kpi(
    ctx: typer.Context,
    grain: GrainOption = "quarter",
    by: BysOption = ["rep"],  # noqa: B006 (typer reads the default, never changes it)
    since: Since = None,
    until: Until = None,
    currency: CurrencyOption = None,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """KPI tables (SOP 3.3.1, 4.2.1): results, customers and process figures by period
    and dimension; revenue with its growth on the previous period and on the same period
    a year before, its target and attainment; visits against their target (default:
    every period with facts; in client mode, 1 January to today)."""
    with common.reported(as_json):
        first, then_by = dimensions(by)
        api = client.connect(ctx, database_url)
        if api is not None:
            start, end = common.day(since, "--since"), common.day(until, "--until")
            found = remote.kpi(
                api, grain, first, start, end, common.currency_code(currency), then_by
            )
        else:
            with common.open_system(ctx, database_url) as system:
                common.caught_up(system, "kpi")
                found = kpi_rows(system, grain, first, since, until, currency, then_by)
    if as_json:
        print_json(found)
        return
    show_kpi(found, f"KPIs by {' and '.join(by)}, per {grain}")


def dimensions(by: list[str]) -> tuple[GroupBy, GroupBy | None]:
    """The dimension and the one combined with it that ``--by`` names (one or two)."""
    if not 1 <= len(by) <= 2:
        raise Failure(ExitCode.USAGE, f"--by: one or two dimensions, not {len(by)}")
    for dim in by:
        if dim not in GROUPINGS:
            known = ", ".join(GROUPINGS)
            raise Failure(ExitCode.USAGE, f"--by: '{visible(dim)}' is not one of {known}")
    dims = cast(list[GroupBy], by)
    then_by = dims[1] if len(dims) == 2 else None
    try:
        grouping(dims[0], then_by)
    except ValueError as error:
        raise Failure(ExitCode.USAGE, f"--by: {error}") from None
    return dims[0], then_by


def kpi_rows(
    system: System,
    grain: Grain,
    by: GroupBy,
    since: str | None,
    until: str | None,
    currency: str | None,
    then_by: GroupBy | None = None,
) -> dict[str, Any]:
    """The KPI rows the options ask for (by ``by``, and ``then_by`` combined with it),
    with the period they cover."""
    first, last = _fact_days(system)
    start = common.day(since, "--since") or first
    end = common.day(until, "--until") or last
    rows: list[KpiRow] = []
    converted: list[KpiInReportingCurrency] = []
    currency = common.currency_code(currency)
    if start is not None and end is not None:
        common.period_in_order(start, end)
        if count_periods(start, end, grain) > PERIOD_LIMIT:
            raise Failure(
                ExitCode.INVALID_DATA,
                f"{start}..{end} has more than {PERIOD_LIMIT:,} periods of a {grain}: "
                "give a shorter --since..--until or a longer --grain",
            )
        (engine, tables), currencies = system.views.view("kpi"), system.app.policy.currencies
        asked: dict[str, Any] = {"grain": grain, "by": by, "since": start, "until": end}
        asked["then_by"] = then_by
        several = currencies.reporting_currency
        rows = kpi_table(engine, tables, **asked, currency=currency, several=several)
        converted = kpi_in_reporting_currency(engine, tables, **asked, currencies=currencies)
    return {
        "grain": grain,
        "by": by,
        "then_by": then_by,
        "since": start,
        "until": end,
        "rows": rows,
        "in_reporting_currency": converted,
    }


MarketByOption = Annotated[
    MarketBy, typer.Option(help="The segments market research sized: region, industry, product.")
]


def market_share_command(
    ctx: typer.Context,
    by: MarketByOption = "region",
    since: Since = None,
    until: Until = None,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """Market share (SOP 2.1.1, 4.2.1): our revenue in each region, industry or product
    segment market research sized for a period, against that size, with the research
    note it came from (default: every period sized; in client mode, 1 January to
    today)."""
    with common.reported(as_json):
        start, end = common.day(since, "--since"), common.day(until, "--until")
        if start is not None and end is not None:
            common.period_in_order(start, end)
        api = client.connect(ctx, database_url)
        if api is not None:
            found = remote.market_share(api, by, start, end)
        else:
            with common.open_system(ctx, database_url) as system:
                common.caught_up(system, "kpi")
                first, last = start or FIRST_DAY, end or LAST_DAY
                rows = market_share(*system.views.view("kpi"), by=by, since=first, until=last)
                found = {"by": by, "since": start, "until": end, "rows": rows}
    if as_json:
        print_json(found)
        return
    show_market_share(found["rows"], f"Market share by {by}")


def show_market_share(rows: list[MarketShare], title: str) -> None:
    if not rows:
        out().print("No market size recorded by market research for these periods.")
        return
    out().print(market_share_table(rows, title))


def show_kpi(found: dict[str, Any], title: str) -> None:
    if not found["rows"]:
        out().print("No KPI facts recorded yet.")
        return
    out().print(kpi_rows_table(found["rows"], title))
    if found["in_reporting_currency"]:
        out().print(kpi_reporting_table(found["in_reporting_currency"], title))


def _fact_days(system: System) -> tuple[date | None, date | None]:
    engine, tables = system.views.view("kpi")
    facts = tables["facts"]
    with engine.connect() as conn:
        first, last = conn.execute(select(func.min(facts.c.day), func.max(facts.c.day))).one()
    return first, last
