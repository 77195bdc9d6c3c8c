"""The report's charts, drawn by matplotlib as SVG put inline in the HTML (and so in the
PDF WeasyPrint makes of it): axes, labels and the currency on each.  One function per
section kind that has charts (``CHARTS``); a section without one has none."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from salesdomain.projections.reports.model import (
    CustomersSection,
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


CHARTS: Mapping[str, Callable[[Any, SalesReport], list[Chart]]] = {
    "results": results_charts,
    "customers": customers_charts,
    "pipeline": pipeline_charts,
}
"""The charts of each section kind (a kind not named here has none)."""
