"""The report's charts, drawn by matplotlib as SVG put inline in the HTML (and so in the
PDF WeasyPrint makes of it): axes, labels and the currency on each.  One function per
section kind that has charts (``CHARTS``); a section without one has none."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator
from salesdomain.projections.reports.model import (
    CustomerAnalysisSection,
    CustomersSection,
    ForecastSection,
    LossesSection,
    MarketShareSection,
    PipelineSection,
    ResultsSection,
    SalesReport,
)

Chart = tuple[str, str]
"""A chart's caption and its SVG."""

_BLUE = "#1f5f99"
_SIZE = 8
"""Points of every text in a chart (set on each artist: matplotlib's rcParams are global
state, and a server renders reports in several threads)."""


def _thousands(value: float, _: object) -> str:
    return f"{value:,.0f}"


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _figure(height: float = 2.4) -> Figure:
    return Figure(figsize=(4.2, height), dpi=100)


def _bars(
    caption: str,
    labels: Sequence[str],
    values: Sequence[Decimal | None],
    value_label: str,
    *,
    horizontal: bool,
) -> Chart:
    """A bar chart (horizontal: one bar per label, top to bottom in their order)."""
    figure = _figure(max(1.8, 0.25 * len(labels) + 0.8) if horizontal else 2.4)
    axes = figure.add_subplot()
    numbers = [float(v or 0) for v in values]
    counts = all(number.is_integer() for number in numbers)
    if horizontal:
        axes.barh(list(labels)[::-1], numbers[::-1], color=_BLUE)
        axes.set_xlabel(value_label, fontsize=_SIZE)
        axes.xaxis.set_major_formatter(FuncFormatter(_thousands))
        axes.grid(axis="x", color="#e3e7eb", linewidth=0.6)
    else:
        axes.bar(list(labels), numbers, color=_BLUE, width=0.55)
        axes.set_ylabel(value_label, fontsize=_SIZE)
        axes.yaxis.set_major_formatter(FuncFormatter(_thousands))
        axes.grid(axis="y", color="#e3e7eb", linewidth=0.6)
    (axes.xaxis if horizontal else axes.yaxis).set_major_locator(MaxNLocator(5, integer=counts))
    axes.tick_params(labelsize=_SIZE)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_axisbelow(True)
    return caption, _svg(figure)


def results_charts(section: ResultsSection, report: SalesReport) -> list[Chart]:
    revenue = f"revenue ({section.reporting_currency})"
    in_currency = f"in {section.reporting_currency}"
    charts = []
    if report.kind == "quarterly":
        months = section.months
        charts.append(
            _bars(
                f"Revenue by month, {in_currency}",
                [m.period for m in months],
                [m.revenue_in_reporting_currency for m in months],
                revenue,
                horizontal=False,
            )
        )
    reps = [r for r in section.by_rep if r.revenue_in_reporting_currency is not None]
    if reps:
        names, amounts = [r.name for r in reps], [r.revenue_in_reporting_currency for r in reps]
        caption = f"Revenue by representative, {in_currency}"
        charts.append(_bars(caption, names, amounts, revenue, horizontal=True))
    return charts


def customers_charts(section: CustomersSection, report: SalesReport) -> list[Chart]:
    shares = [s for s in section.by_industry if s.revenue_in_reporting_currency]
    if not shares:
        return []
    currency = report.reporting_currency
    labels, amounts = [s.label for s in shares], [s.revenue_in_reporting_currency for s in shares]
    caption = f"Revenue by customer industry, in {currency}"
    return [_bars(caption, labels, amounts, f"revenue ({currency})", horizontal=True)]


def pipeline_charts(section: PipelineSection, report: SalesReport) -> list[Chart]:
    stages = [line.stage.replace("_", " ") for line in section.funnel]
    reached = [Decimal(line.reached) for line in section.funnel]
    caption = "Funnel: opportunities that reached each stage"
    charts = [_bars(caption, stages, reached, "opportunities", horizontal=True)]
    for currency in sorted({line.currency for line in section.forecast}):
        lines = [line for line in section.forecast if line.currency == currency]
        months, amounts = [line.month for line in lines], [line.weighted_amount for line in lines]
        caption = f"Stage-weighted forecast by expected close month, in {currency}"
        unit = f"weighted amount ({currency})"
        charts.append(_bars(caption, months, amounts, unit, horizontal=False))
    return charts


def _axes_of(figure: Figure) -> Any:
    axes = figure.add_subplot()
    axes.tick_params(labelsize=_SIZE)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_axisbelow(True)
    return axes


def forecast_charts(section: ForecastSection, report: SalesReport) -> list[Chart]:
    """Won, commit and best case stacked per representative, the target marked."""
    lines = [line for line in section.lines if line.best_case_forecast or line.revenue_target]
    if not lines:
        return []
    figure = _figure(max(1.8, 0.3 * len(lines) + 0.9))
    axes = _axes_of(figure)
    names = [line.group for line in lines][::-1]
    left = [0.0] * len(lines)
    parts = (("won", "won_amount", _BLUE), ("commit", "commit", "#5b8fc7"))
    for label, name, colour in (*parts, ("best case", "best_case", "#b5cde6")):
        widths = [float(getattr(line, name)) for line in lines][::-1]
        axes.barh(names, widths, left=left, color=colour, label=label, height=0.55)
        left = [a + b for a, b in zip(left, widths, strict=True)]
    targets = [float(line.revenue_target or 0) for line in lines][::-1]
    axes.scatter(targets, names, marker="|", s=220, color="#a33", label="target", zorder=3)
    axes.set_xlabel(f"amount ({section.currency})", fontsize=_SIZE)
    axes.xaxis.set_major_formatter(FuncFormatter(_thousands))
    axes.xaxis.set_major_locator(MaxNLocator(4))
    axes.grid(axis="x", color="#e3e7eb", linewidth=0.6)
    axes.legend(
        fontsize=_SIZE - 1, frameon=False, ncols=4, loc="lower center", bbox_to_anchor=(0.5, 1.0)
    )
    caption = f"Forecast by category against the target, in {section.currency}"
    return [(caption, _svg(figure))]


def customer_analysis_charts(section: CustomerAnalysisSection, report: SalesReport) -> list[Chart]:
    """The ranking as a Pareto chart: revenue per customer, cumulative share."""
    charts = []
    for ranking in section.rankings:
        if not ranking.rows:
            continue
        figure = _figure()
        axes = _axes_of(figure)
        ranks = [str(row.rank) for row in ranking.rows]
        axes.bar(ranks, [float(row.revenue) for row in ranking.rows], color=_BLUE, width=0.55)
        axes.set_xlabel("rank (the table names each customer)", fontsize=_SIZE)
        axes.set_ylabel(f"revenue ({ranking.currency})", fontsize=_SIZE)
        axes.yaxis.set_major_formatter(FuncFormatter(_thousands))
        share = axes.twinx()
        cumulative = [float(row.cumulative_share or 0) * 100 for row in ranking.rows]
        share.plot(ranks, cumulative, color="#a33", marker="o", markersize=3, linewidth=1)
        share.set_ylim(0, 105)
        share.set_ylabel("cumulative share (%)", fontsize=_SIZE)
        share.tick_params(labelsize=_SIZE)
        share.spines[["top"]].set_visible(False)
        caption = f"Top customers by revenue and their cumulative share, {ranking.currency}"
        charts.append((caption, _svg(figure)))
    return charts


def losses_charts(section: LossesSection, report: SalesReport) -> list[Chart]:
    if not section.by_reason:
        return []
    labels = [_short(g.name) for g in section.by_reason]
    lost = [Decimal(g.count) for g in section.by_reason]
    return [_bars("Deals lost by reason", labels, lost, "deals lost", horizontal=True)]


def market_share_charts(section: MarketShareSection, report: SalesReport) -> list[Chart]:
    lines = [line for line in section.lines if line.market_share is not None]
    if not lines:
        return []
    labels = [_short(f"{line.segment} ({line.dimension}, {line.period})") for line in lines]
    shares = [(line.market_share or Decimal(0)) * 100 for line in lines]
    return [_bars("Market share by segment", labels, shares, "share (%)", horizontal=True)]


def _short(label: str, most: int = 34) -> str:
    return label if len(label) <= most else label[: most - 1] + "\u2026"


CHARTS: Mapping[str, Callable[[Any, SalesReport], list[Chart]]] = {
    "results": results_charts,
    "customers": customers_charts,
    "pipeline": pipeline_charts,
    "forecast": forecast_charts,
    "customer_analysis": customer_analysis_charts,
    "losses": losses_charts,
    "market_share": market_share_charts,
}
"""The charts of each section kind (a kind not named here has none)."""
