"""The report as a document: HTML from one Jinja2 template per report (monthly,
quarterly) filled from the model, charts inline; PDF from the same HTML (WeasyPrint)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Literal

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from salesdomain.adapters.reports.charts import CHARTS, Chart
from salesdomain.projections.reports import SalesReport

Format = Literal["html", "pdf"]

MEDIA_TYPES: dict[str, str] = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}

DASH = "\u2013"  # an en dash
"""What an empty figure shows (no denominator, no figure in the period, a rate missing)."""


def money(value: Decimal | None) -> str:
    """An amount to the cent with thousands separated: 1,234,567.00."""
    return DASH if value is None else f"{value:,.2f}"


def count(value: Decimal | int | None) -> str:
    """A count or quantity as it is, thousands separated: 1,234 (or 12.5)."""
    if value is None:
        return DASH
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,}"


def rate(value: Decimal | None) -> str:
    """A rate as a percentage to one place: 0.4320 -> 43.2%."""
    return DASH if value is None else f"{value * 100:.1f}%"


def growth(value: Decimal | None) -> str:
    return DASH if value is None else f"{value * 100:+.1f}%"


def moment(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def words(value: str | None) -> str:
    return DASH if value is None else value.replace("_", " ")


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("salesdomain.adapters.reports", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        money=money, count=count, rate=rate, growth=growth, moment=moment, words=words
    )
    return environment


def charts_of(report: SalesReport) -> list[list[Chart]]:
    """Each section's charts, in the order of the sections."""
    return [
        CHARTS[section.kind](section, report) if section.kind in CHARTS else []
        for section in report.sections
    ]


def render_html(report: SalesReport) -> str:
    """The report as one HTML document (charts inline as SVG)."""
    template = _environment().get_template(f"{report.kind}.html")
    return template.render(report=report, charts=charts_of(report), sections=report.sections)


def render_pdf(report: SalesReport) -> bytes:
    """The report as PDF: the same HTML, laid out on A4 pages by WeasyPrint."""
    from weasyprint import HTML

    pdf = HTML(string=render_html(report)).write_pdf()
    assert pdf is not None  # no target given: the document's bytes
    return bytes(pdf)


def render(report: SalesReport, format: Format) -> bytes:
    """The document in ``format`` (html or pdf), as bytes."""
    if format == "pdf":
        return render_pdf(report)
    return render_html(report).encode("utf-8")
