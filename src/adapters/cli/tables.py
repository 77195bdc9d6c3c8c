"""Rich tables shared by several commands."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from rich.table import Table
from salesdomain.adapters.cli.figures import Figures
from salesdomain.adapters.cli.pipeline_tables import funnel_table as funnel_table
from salesdomain.adapters.cli.pipeline_tables import in_reporting_currency as in_reporting_currency
from salesdomain.adapters.cli.pipeline_tables import share as share
from salesdomain.projections.history import HistoryLine
from salesdomain.projections.kpi import KpiInReportingCurrency, KpiRow, MarketShare


def history_table(title: str, lines: Sequence[HistoryLine]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("Time (UTC)", no_wrap=True)
    table.add_column("SOP step")
    table.add_column("Actor")
    table.add_column("What happened")
    for line in lines:
        table.add_row(
            line.at.strftime("%Y-%m-%d %H:%M"),
            f"{line.sop_step} {line.step_title}",
            line.actor,
            line.what,
        )
    return table


def figure(value: Decimal | None, money: bool = False) -> str:
    if value is None:
        return ""
    if money:
        return f"{value:,.2f}"
    if value == value.to_integral_value():
        return f"{value:,.0f}"
    return f"{value.normalize():,f}"


def kpi_rows_table(rows: Sequence[KpiRow], title: str) -> Figures:
    """Results against targets: revenue with its growth (against the previous period and
    the same period a year before), target and attainment, profit and units, then
    customers and process figures; by two dimensions (no targets) the results and the
    customers served.  Every number whole (``Figures``)."""
    currency = next((r.currency for r in rows if r.currency), "")
    title = f"{title} ({currency})" if currency else title
    if any(row.second_label is not None for row in rows):
        return _pairs_table(title, rows)
    table = Figures(title, KPI_COLUMNS, labels=2)
    for row in rows:
        table.add_row(
            row.period,
            row.label,
            figure(row.revenue, money=True),
            share(row.growth.get("revenue")),
            share(row.growth_yoy.get("revenue")),
            _target(row),
            share(row.attainment.get("revenue")),
            figure(row.profit, money=True),
            figure(row.units),
            figure(row.new_customers),
            figure(row.visits),
            figure(row.target.get("visits")),
            share(row.win_rate),
        )
    return table


def _target(row: KpiRow) -> str:
    """The revenue target, with its currency when it is not the table's: a target is
    never converted (docs/kpi.md)."""
    shown = figure(row.target.get("revenue"), money=True)
    unit = row.target_currency.get("revenue")
    return f"{shown} {unit}" if shown and unit and unit != row.currency else shown


KPI_COLUMNS = (
    "Period",
    "Group",
    "Revenue",
    "Growth",
    "YoY",
    "Target",
    "Att.",
    "Profit",
    "Units",
    "New cust.",
    "Visits",
    "Visits target",
    "Win rate",
)


def _columns(table: Table, columns: Sequence[str], *, left: int) -> None:
    """``columns`` added to ``table``: the first ``left`` of them (labels) to the left, the
    figures to the right."""
    for index, column in enumerate(columns):
        table.add_column(column, justify="left" if index < left else "right")


def _pairs_table(title: str, rows: Sequence[KpiRow]) -> Figures:
    columns = ("Period", "Group", "And", "Revenue", "Growth", "YoY", "Profit", "Units", "Cust.")
    table = Figures(title, columns, labels=3)
    for row in rows:
        table.add_row(
            row.period,
            row.label,
            row.second_label or "",
            figure(row.revenue, money=True),
            share(row.growth.get("revenue")),
            share(row.growth_yoy.get("revenue")),
            figure(row.profit, money=True),
            figure(row.units),
            figure(row.customers_served),
        )
    return table


def kpi_reporting_table(rows: Sequence[KpiInReportingCurrency], title: str) -> Figures:
    """The money of every currency in the reporting currency, each day's sums at that
    day's rate (ADR 48), with the rates used or the days a rate is missing."""
    currency = rows[0].currency
    columns = ("Period", "Group", "Rates", "Revenue", "Profit", "Bookings", "Cancelled")
    table = Figures(
        f"{title}, every currency in {currency} at each day's rate", (*columns, "Expenses"), 3
    )
    for row in rows:
        if row.missing:
            rates = "no rate for " + ", ".join(row.missing)
        else:
            rates = "; ".join(f"{r.currency} {r.rate} from {r.effective_from}" for r in row.rates)
        table.add_row(
            row.period,
            row.label if row.second_label is None else f"{row.label} / {row.second_label}",
            rates,
            *(
                figure(value, money=True)
                for value in (
                    row.revenue,
                    row.profit,
                    row.bookings,
                    row.cancelled,
                    row.sales_expense,
                )
            ),
        )
    return table


def market_share_table(rows: Sequence[MarketShare], title: str) -> Table:
    """Our revenue in each segment and period against the market's size as research
    recorded it, with the note it came from."""
    table = Table(title=title, title_justify="left")
    _columns(table, ("Period", "Segment", "Revenue", "Market size", "Share"), left=2)
    table.add_column("Research note")
    for row in rows:
        table.add_row(
            row.period,
            row.segment,
            f"{figure(row.revenue, money=True)} {row.currency}",
            f"{figure(row.market_size, money=True)} {row.currency}",
            "" if row.market_share is None else f"{row.market_share * 100:.2f}%",
            f"{row.note_subject} ({row.note_id[:8]}, {row.recorded_at:%Y-%m-%d})",
        )
    return table
