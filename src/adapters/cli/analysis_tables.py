"""The customer and loss analyses as tables and lines for people (``analyses``, the
demo's report)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

from rich.table import Table
from salesdomain.adapters.cli.output import out
from salesdomain.projections.customers import CustomerAnalysis, CustomerRanking, LossAnalysis
from salesdomain.projections.prices.summary import CompetitorPricing

T = TypeVar("T")


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
