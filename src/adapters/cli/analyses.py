"""``salesdomain customer-analysis`` and ``salesdomain losses``: the customer and loss
analyses of SOP 4.2.1 (docs/kpi.md, "Customers" and "Losses") for a period, now or as
the views stood at a past moment (``--as-of``).  Administrator-only (direct); the web
API serves them per reader (ADR 30)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Annotated, Any

import typer
from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.cli import common
from salesdomain.adapters.cli.analysis_tables import show_customers, show_losses
from salesdomain.adapters.cli.common import DatabaseUrl, ExitCode, Failure, JsonOutput
from salesdomain.adapters.cli.output import print_json
from salesdomain.adapters.cli.past import past
from salesdomain.projections.customers import (
    RANKING_LIMIT,
    RankedBy,
    customer_analysis,
    customer_ranking,
    loss_analysis,
)
from salesdomain.projections.prices.summary import pricing_by_competitor

Since = Annotated[str | None, typer.Option(help="First day (default: 1 January of --until).")]
Until = Annotated[str | None, typer.Option(help="Last day (default: today, UTC).")]
AsOf = Annotated[
    str | None,
    typer.Option("--as-of", help="As the views stood at this moment (default: now)."),
]
Limit = Annotated[int, typer.Option(help=f"Rows listed (1 to {RANKING_LIMIT}).")]


def period(since: str | None, until: str | None) -> tuple[date, date]:
    """The days asked (``--since``, ``--until``), or 1 January to today."""
    last = common.day(until, "--until") or datetime.now(UTC).date()
    first = common.day(since, "--since") or date(last.year, 1, 1)
    common.period_in_order(first, last)
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
        common.currency_code(currency)
        shown = _limit(limit)
        with _read(ctx, database_url, as_of, "customers") as (system, moment, position):
            policy = system.app.policy
            asked: dict[str, Any] = {"since": first, "until": last, "policy": policy.customers}
            engine, tables = system.views.view("customers")
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
                *system.views.view("customers"), since=first, until=last, limit=shown
            )
            pricing = pricing_by_competitor(*system.views.view("prices"), since=first, until=last)
    if as_json:
        print_json({"as_of": moment, "position": position, "losses": lost, "pricing": pricing})
        return
    show_losses(lost, pricing, moment)
