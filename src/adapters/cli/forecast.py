"""``salesdomain forecast``: a period's forecast by category against the target (SOP
4.2.3), as it stands or stood at ``--as-of``, or with ``--accuracy`` the period replayed
from its start and each week's start against what was won, with the deals that slipped
(ADR 52).  Per representative, team or the company; per currency, or in the policy's
reporting currency (``--reporting-currency``).  Direct mode (the administrator)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import typer
from rich.console import Console
from rich.table import Table
from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.cli import common, vocabulary
from salesdomain.adapters.cli.common import DatabaseUrl, ExitCode, Failure, JsonOutput
from salesdomain.adapters.cli.output import out, print_json
from salesdomain.projections.forecast import (
    ForecastAccuracy,
    ForecastTable,
    forecast_accuracy,
    forecast_table,
)

By = Literal["rep", "team", "company"]


def forecast(
    ctx: typer.Context,
    period: Annotated[str, typer.Argument(help="A month (2027-03), quarter (2027-Q1) or year.")],
    by: Annotated[By, typer.Option(help="Per representative, team or the company.")] = "rep",
    as_of: vocabulary.AsOfOrNow = None,
    accuracy: Annotated[
        bool, typer.Option("--accuracy", help="The period replayed from its start and weeks.")
    ] = False,
    reporting_currency: Annotated[
        bool, typer.Option("--reporting-currency", help="Converted as the policy says (ADR 48).")
    ] = False,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """The forecast of a period (SOP 4.2.3): won so far and the open deals expected to
    close in it by category (commit, best case, pipeline, omitted) against the revenue
    target; with --accuracy, how good it was (docs/kpi.md)."""
    with common.reported(as_json):
        at = common.when(as_of, "--as-of") or datetime.now(UTC)
        with common.open_system(ctx, database_url) as system:
            common.caught_up(system, "forecast")
            found = read_forecast(system, period, at, by, accuracy, reporting_currency)
    if as_json:
        print_json(found)
    elif isinstance(found, ForecastAccuracy):
        show_accuracy(found)
    else:
        show_forecast(found)


def read_forecast(
    system: System, period: str, at: datetime, by: By, accuracy: bool, converted: bool
) -> ForecastTable | ForecastAccuracy:
    currencies = system.app.policy.currencies if converted else None
    read = forecast_accuracy if accuracy else forecast_table
    try:
        return read(*system.views.view("forecast"), period, at, by=by, currencies=currencies)
    except ValueError as bad:
        raise Failure(ExitCode.USAGE, f"period: {bad}") from None


def _money(value: Any) -> str:
    return "" if value is None else f"{value:,.2f}"


def _ratio(value: Any) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


GROUP_HEADINGS = {"rep": "Representative", "team": "Team", "company": "Company"}


def _table(title: str, *columns: str, left: int = 2) -> Table:
    """A table whose first ``left`` columns are labels and the rest figures (right-aligned)."""
    table = Table(title=title, title_justify="left")
    for index, column in enumerate(columns):
        table.add_column(column, justify="left" if index < left else "right")
    return table


def show_forecast(found: ForecastTable, console: Console | None = None) -> None:
    shown = console or out()
    title = f"Forecast {found.period} by {found.by}, as of {found.as_of:%Y-%m-%d %H:%M} UTC"
    group = GROUP_HEADINGS.get(found.by, found.by)
    headings = ("Won", "Commit", "Best case", "Pipeline", "Omitted", "Forecast", "Target")
    table = _table(title, group, "Cur", *headings, "To target")
    for line in found.lines:
        amounts = (line.won_amount, line.commit, line.best_case, line.pipeline, line.omitted)
        row = [line.group, line.currency, *(_money(v) for v in amounts)]
        row += [_money(line.category_forecast), _money(line.revenue_target)]
        table.add_row(*row, _ratio(line.forecast_to_target))
    shown.print(table if found.lines else f"No forecast for {found.period}.")
    if found.missing_rates:
        shown.print("No exchange rate: " + ", ".join(found.missing_rates))


def show_accuracy(found: ForecastAccuracy, console: Console | None = None) -> None:
    shown = console or out()
    state = "" if found.complete else " (in progress)"
    title = f"Forecast accuracy {found.period} by {found.by}{state}"
    group = GROUP_HEADINGS.get(found.by, found.by)
    figures = ("Forecast at start", "Best case", "Won", "Accuracy", "Slipped", "Slipped amount")
    table = _table(title, group, "Cur", *figures, "Lost", "Lost amount")
    for line in found.lines:
        table.add_row(
            line.group,
            line.currency,
            _money(line.forecast_at_start),
            _money(line.best_case_at_start),
            _money(line.won_amount),
            _ratio(line.forecast_accuracy),
            str(line.slipped),
            _money(line.slipped_amount),
            str(line.lost_deals),
            _money(line.lost_amount),
        )
    shown.print(table if found.lines else f"No forecast for {found.period}.")
    if found.slipped_deals:
        columns = ("Deal", "Owner", "Category", "Close at start", "Close now", "Amount")
        moved = _table("Slipped out of the period", *columns, left=5)
        for deal in found.slipped_deals:
            moved.add_row(
                deal.title,
                deal.owner,
                deal.category_at_start.label,
                str(deal.close_at_start),
                str(deal.close_now),
                f"{_money(deal.amount_at_start)} {deal.currency}",
            )
        shown.print(moved)
