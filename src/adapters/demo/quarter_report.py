"""The quarter's sales report as PDF (SOP 4.2, ADR 56), written beside the demo's
database (a SQLite file; another store: the working directory), as the whole company
sees it.  Without the ``reports`` extra the demo says so and goes on."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from salesdomain.adapters.demo.setting import QUARTER
from salesdomain.adapters.reports import missing_extra
from salesdomain.adapters.store import parse_database_url
from salesdomain.projections.reports import sales_report

if TYPE_CHECKING:
    from salesdomain.adapters.bootstrap import System


def report_path(database_url: str) -> Path:
    """Where the quarter's report goes: beside a SQLite file, else in the working
    directory (``salesdomain-demo-2026-Q1.pdf`` for ``salesdomain-demo.db``)."""
    config = parse_database_url(database_url)
    name = f"salesdomain-demo-{QUARTER.code}.pdf"
    if config.kind == "sqlite":
        database = Path(config.env["SQLITE_DBNAME"])
        return database.with_name(f"{database.stem}-{QUARTER.code}.pdf")
    return Path(name)


def write_quarter_report(system: System, database_url: str) -> str:
    """Write the quarter's report as PDF; what was done, in one line (the path written,
    or why not)."""
    missing = missing_extra()
    if missing is not None:
        return f"The quarter's report as PDF was not written: {missing}"
    from salesdomain.adapters.reports.render import render_pdf

    system.views.catch_up()
    found = sales_report(system.app, system.views, "quarterly", QUARTER.code)
    path = report_path(database_url)
    path.write_bytes(render_pdf(found))
    return f"The quarter's sales report (SOP 4.2) as PDF: {path}"
