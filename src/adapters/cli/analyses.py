"""``salesdomain customer-analysis`` and ``salesdomain losses``: the customer and loss
analyses of SOP 4.2.1 (docs/kpi.md, "Customers" and "Losses") for a period, now or as
the views stood at a past moment (``--as-of``).  Administrator-only (direct); the web
API serves them per reader (ADR 30)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar

import typer
from rich.table import Table
from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.cli import common
from salesdomain.adapters.cli.common import DatabaseUrl, ExitCode, Failure, JsonOutput
from salesdomain.adapters.cli.output import out, print_json, visible
from salesdomain.adapters.cli.past import past
from salesdomain.projections.customers import (
    RANKING_LIMIT,
    CustomerAnalysis,
    CustomerRanking,
    LossAnalysis,
    RankedBy,
    customer_analysis,
    customer_ranking,
    loss_analysis,
)
from salesdomain.projections.prices.summary import CompetitorPricing, pricing_by_competitor

from salesdomain.bounds import is_currency

T = TypeVar("T")

Since = Annotated[str | None, typer.Option(help="First day (default: 1 January of --until).")]
Until = Annotated[str | None, typer.Option(help="Last day (default: today, UTC).")]
AsOf = Annotated[
    str | None,
    typer.Option("--as-of", help="As the views stood at this moment (default: now)."),
]
Limit = Annotated[int, typer.Option(help=f"Rows listed (1 to {RANKING_LIMIT}).")]


def period(since: str | None, until: str | None) -> tuple[date, date]:
    """The days asked (``--since``, ``--until``), or 1 January to today."""
    end = common.when(until, "--until")
    last = end.date() if end else datetime.now(UTC).date()
    start = common.when(since, "--since")
    first = start.date() if start else date(last.year, 1, 1)
    if last < first:
        raise Failure(ExitCode.INVALID_DATA, f"--until {last} is before --since {first}")
    return first, last


def _limit(limit: int) -> int:
    if not 1 <= limit <= RANKING_LIMIT:
        raise Failure(ExitCode.USAGE, f"--limit: 1 to {RANKING_LIMIT}, not {limit}")
    return limit


@contextmanager
def _read(
    ctx: typer.Context, database_url: str | None, as_of: str | None, *views: str
) -> Iterator[tuple[System, datetime | None, int | None]]:
    """The system with ``views`` up to date, or as they stood at ``--as-of`` (then the
    moment and the last log position they include)."""
    moment = common.when(as_of, "--as-of")
    with common.open_system(ctx, database_url) as system:
        if moment is None:
            common.caught_up(system, *views)
            yield system, None, None
            return
        with past(system, moment, *views) as (then, position):
            yield then, moment, position


def _tables(system: System, view: str) -> tuple[Any, Any]:
    runner = system.views.runner(view)
    return runner.engine, runner.tables()


def customers_analysis(
    ctx: typer.Context,
    since: Since = None,
    until: Until = None,
    currency: Annotated[
        str | None, typer.Option(help="The ranking's currency (default: the reporting one).")
    ] = None,
    by: Annotated[RankedBy, typer.Option(help="Rank by revenue or profit.")] = "revenue",
    limit: Limit = 20,
    as_of: AsOf = None,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """The customers of a period (SOP 4.2.1): how many, new and existing, by industry
    and region, active / dormant / lost, satisfaction and NPS, repeat purchases, and
    the ranking by revenue or profit with cumulative share and ABC class."""
    with common.reported(as_json):
        first, last = period(since, until)
        if currency is not None and not is_currency(currency):
            raise Failure(
                ExitCode.USAGE, f"--currency: '{visible(currency)}' is not an ISO 4217 code"
            )
        shown = _limit(limit)
        with _read(ctx, database_url, as_of, "customers") as (system, moment, position):
            policy = system.app.policy
            asked: dict[str, Any] = {"since": first, "until": last, "policy": policy.customers}
            engine, tables = _tables(system, "customers")
            analysis = customer_analysis(engine, tables, **asked)
            code = currency or policy.currencies.reporting_currency
            ranking = customer_ranking(engine, tables, **asked, currency=code, by=by, limit=shown)
    if as_json:
        print_json(
            {"as_of": moment, "position": position, "analysis": analysis, "ranking": ranking}
        )
        return
    show_customers(analysis, ranking, moment)


def losses(
    ctx: typer.Context,
    since: Since = None,
    until: Until = None,
    limit: Annotated[int, typer.Option(help="Reasons listed (1 to 1000).")] = 20,
    as_of: AsOf = None,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """The deals lost in a period (SOP 2.3.3, 4.2.1): by reason, stage reached and
    competitor, the price gap to the competitor's price where recorded, and the
    competitor prices market research observed against ours (the prices view)."""
    with common.reported(as_json):
        first, last = period(since, until)
        shown = _limit(limit)
        views = ("customers", "prices")
        with _read(ctx, database_url, as_of, *views) as (system, moment, position):
            lost = loss_analysis(
                *_tables(system, "customers"), since=first, until=last, limit=shown
            )
            pricing = pricing_by_competitor(*_tables(system, "prices"), since=first, until=last)
    if as_json:
        print_json({"as_of": moment, "position": position, "losses": lost, "pricing": pricing})
        return
    show_losses(lost, pricing, moment)


def _percent(value: Decimal | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def _table(
    title: str, columns: tuple[str, ...], rows: list[T], cells: Callable[[T], tuple[str, ...]]
) -> Table:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*cells(row))
    return table


def _when(moment: datetime | None) -> str:
    return "" if moment is None else f", as of {moment:%Y-%m-%d %H:%M} UTC"


def show_customers(
    analysis: CustomerAnalysis, ranking: CustomerRanking, moment: datetime | None = None
) -> None:
    a = analysis
    console = out()
    console.print(f"Customers {a.since} to {a.until}{_when(moment)}", style="bold")
    if not a.complete:
        outdated = "the customers view is outdated: `salesdomain views rebuild --view customers`"
        console.print(f"[yellow]{outdated}[/]")
    for line in customer_lines(a):
        console.print(line, markup=True, soft_wrap=True)
    for title, shares in (("By industry", a.by_industry), ("By region", a.by_region)):
        console.print(
            _table(
                title,
                ("", "Customers", "Share"),
                shares,
                lambda x: (x.name, str(x.customers), _percent(x.share)),
            )
        )
    r = ranking
    classes = ", ".join(f"{k} {n}" for k, n in r.classes.items())
    title = f"Customers by {r.by} in {r.currency}: {r.ranked} ranked ({classes})"
    console.print(
        _table(
            f"{title}, total {r.total}",
            (
                "#",
                "Customer",
                "Revenue",
                "Profit",
                "Share",
                "Cumulative",
                "ABC",
                "Last order",
                "Days",
                "Last contact",
                "Activity",
            ),
            r.rows,
            lambda x: (
                str(x.rank),
                x.company_name,
                f"{x.revenue.amount:,.2f}",
                f"{x.profit.amount:,.2f}",
                _percent(x.share),
                _percent(x.cumulative_share),
                x.abc_class,
                str(x.last_order_on or ""),
                "" if x.days_since_last_order is None else str(x.days_since_last_order),
                str(x.last_contact_on or ""),
                x.activity,
            ),
        )
    )


def show_losses(
    lost: LossAnalysis, pricing: list[CompetitorPricing], moment: datetime | None = None
) -> None:
    console = out()
    console.print(
        f"Deals lost {lost.since} to {lost.until}{_when(moment)}: {lost.lost}", style="bold"
    )
    groups = (
        ("Why", lost.by_reason),
        ("At which stage", lost.by_stage),
        ("To whom", lost.by_competitor),
    )
    for title, found in groups:
        console.print(
            _table(
                title,
                ("", "Lost", "Share"),
                found,
                lambda g: (g.name or "(none named)", str(g.lost), _percent(g.share)),
            )
        )
    if lost.other_reasons:
        console.print(f"... and {lost.other_reasons} lost for other reasons")
    console.print(
        _table(
            "Price gap: their price against our last quote",
            ("Competitor", "Lost", "With both prices", "Average gap"),
            lost.price_gaps,
            lambda g: (g.competitor, str(g.lost), str(g.priced), _percent(g.average_gap)),
        )
    )
    console.print(
        _table(
            "Competitor prices observed against our list prices",
            ("Competitor", "Observed", "Compared", "Below ours", "Average difference"),
            pricing,
            lambda p: (
                p.competitor,
                str(p.observed),
                str(p.comparable),
                str(p.below_ours),
                _percent(p.average_difference),
            ),
        )
    )


def short_section(
    analysis: CustomerAnalysis,
    ranking: CustomerRanking,
    lost: LossAnalysis,
    pricing: list[CompetitorPricing],
) -> list[str]:
    """A few lines of the analyses, for the demo's report."""
    a = analysis
    top = ", ".join(
        f"{r.company_name} {r.revenue.amount:,.0f} ({r.abc_class}, {_percent(r.cumulative_share)})"
        for r in ranking.rows
    )
    gaps = "; ".join(
        f"{g.competitor}: {_percent(g.average_gap)} over {g.priced} of {g.lost}"
        for g in lost.price_gaps
    )
    observed = "; ".join(
        f"{p.competitor} {_percent(p.average_difference)} against our list price" for p in pricing
    )
    reasons = "; ".join(f"{g.name} ({g.lost})" for g in lost.by_reason)
    return [
        f"[bold]Customers {a.since} to {a.until}[/bold] (SOP 4.2.1)",
        *customer_lines(a),
        f"Top customers by revenue ({ranking.currency}; A {ranking.classes['A']}, "
        f"B {ranking.classes['B']}, C {ranking.classes['C']}): {top or 'none'}",
        f"Deals lost: {lost.lost}: {reasons or 'none'}; price gap to the winner: "
        f"{gaps or 'none recorded'}",
        f"Competitor prices observed: {observed or 'none'}",
    ]


def customer_lines(a: CustomerAnalysis) -> list[str]:
    """The analysis's figures in three lines."""
    s = a.surveys
    return [
        f"{a.customers} customers on record, {a.customers_served} bought ({a.new_customers} "
        f"new, {a.existing_customers} existing: new {_percent(a.new_share)}); repeat "
        f"purchase rate {_percent(a.repeat_purchase_rate)}",
        f"On {a.until}: {a.active_customers} active, {a.dormant_customers} dormant, "
        f"{a.lost_customers} lost, {a.never_ordered} never ordered",
        f"Satisfaction {s.average_satisfaction or '-'} / 5, NPS "
        f"{s.nps if s.nps is not None else '-'} ({s.promoters} promoters, {s.passives} "
        f"passives, {s.detractors} detractors of {s.answers} survey answers)",
    ]
