"""The pipeline as the command line prints it: its rows, its funnel and the open
pipeline in the reporting currency. Only rich is imported: the full command line prints
the view's rows with these, and so does the lean path of client mode (``lean``), from
the web API's answer (ADR 55); the protocols name what each printed thing must have."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from rich.console import Group
from rich.table import Table
from rich.text import Text
from salesdomain.adapters.cli.console import out


class Named(Protocol):
    @property
    def value(self) -> str: ...


class Row(Protocol):
    @property
    def opportunity_id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def customer_name(self) -> str: ...
    @property
    def owner_name(self) -> str: ...
    @property
    def stage(self) -> Named: ...
    @property
    def amount(self) -> Decimal: ...
    @property
    def currency(self) -> str: ...
    @property
    def weighted_amount(self) -> Decimal: ...
    @property
    def expected_close(self) -> date: ...
    @property
    def last_contact_on(self) -> date | None: ...
    @property
    def stale(self) -> bool: ...


class Rate(Protocol):
    @property
    def currency(self) -> str: ...
    @property
    def rate(self) -> Decimal: ...
    @property
    def effective_from(self) -> date: ...
    @property
    def source(self) -> str: ...


class Converted(Protocol):
    @property
    def currency(self) -> str: ...
    @property
    def amount(self) -> Decimal | None: ...
    @property
    def rates(self) -> Sequence[Rate]: ...
    @property
    def missing(self) -> Sequence[str]: ...


class Line(Protocol):
    @property
    def stage(self) -> str: ...
    @property
    def reached(self) -> int: ...
    @property
    def stage_conversion(self) -> Decimal | None: ...


class Summary(Protocol):
    @property
    def as_of(self) -> datetime: ...
    @property
    def funnel(self) -> Sequence[Line]: ...
    @property
    def win_rate(self) -> Decimal | None: ...
    @property
    def open_count(self) -> int: ...
    @property
    def open_weighted(self) -> Mapping[str, Decimal]: ...
    @property
    def in_reporting_currency(self) -> Converted | None: ...


SHORT_ID = 8
"""Characters of an id a table shows without ``--wide``."""


def show_pipeline(
    title: str,
    rows: Sequence[Row],
    next_cursor: str | None,
    summary: Summary,
    *,
    wide: bool = False,
) -> None:
    """A page of the pipeline, how to ask for the next, and the funnel of them all; each
    deal's id in ``SHORT_ID`` characters, whole with ``wide``."""
    table = Table(title=title, title_justify="left")
    table.add_column("Id", no_wrap=True)
    columns = ("Opportunity", "Customer", "Owner", "Stage", "Amount", "Weighted", "Close by")
    for column in (*columns, "Last contact", ""):
        table.add_column(column, justify="right" if column in ("Amount", "Weighted") else "left")
    for row in rows:
        table.add_row(
            row.opportunity_id if wide else row.opportunity_id[:SHORT_ID],
            row.title,
            row.customer_name,
            row.owner_name,
            row.stage.value.replace("_", " "),
            f"{row.amount:,.2f} {row.currency}",
            f"{row.weighted_amount:,.2f}",
            str(row.expected_close),
            "" if row.last_contact_on is None else str(row.last_contact_on),
            "STALE" if row.stale else "",
        )
    out().print(table)
    show_more("opportunities", next_cursor)
    out().print(funnel_table(summary))


def show_more(what: str, cursor: str | None) -> None:
    """Say how to ask for the next page, if there is one."""
    if cursor is not None:
        out().print(f"More {what}: add --cursor {cursor}", soft_wrap=True)


def funnel_table(pipeline: Summary) -> Group:
    table = Table(
        title=f"Pipeline funnel at {pipeline.as_of:%Y-%m-%d} (read model)", title_justify="left"
    )
    table.add_column("Stage")
    table.add_column("Reached", justify="right")
    table.add_column("Stage conversion", justify="right")
    for line in pipeline.funnel:
        table.add_row(
            line.stage.replace("_", " "), f"{line.reached:,}", share(line.stage_conversion)
        )
    rate = "n/a" if pipeline.win_rate is None else share(pipeline.win_rate)
    weighted = ", ".join(f"{amount:,.2f} {code}" for code, amount in pipeline.open_weighted.items())
    summary = Text(
        f"Win rate {rate}; {pipeline.open_count:,} open opportunity(ies), weighted "
        f"{weighted or 'nothing'}{in_reporting_currency(pipeline.in_reporting_currency)}."
    )
    return Group(table, summary)


def in_reporting_currency(converted: Converted | None) -> str:
    """``; in total 1,234.00 CNY (USD at 7.1 from 2026-01-01, PBOC)``: a view's money
    added up in the reporting currency, with the rates used or those missing (ADR 48);
    nothing when nothing was converted."""
    if converted is None or (converted.amount is not None and not converted.rates):
        return ""  # nothing converted: the figures are in the reporting currency
    if converted.amount is None:
        missing = ", ".join(converted.missing)
        return f"; no total in {converted.currency}: no exchange rate for {missing}"
    rates = "; ".join(
        f"{r.currency} at {r.rate} from {r.effective_from}, {r.source}" for r in converted.rates
    )
    return f"; in total {converted.amount:,.2f} {converted.currency}" + (
        f" ({rates})" if rates else ""
    )


def share(value: Decimal | None) -> str:
    return "" if value is None else f"{value * 100:.0f}%"
