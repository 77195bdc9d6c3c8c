"""The conformance report for people: findings, step counts, teams and persons
(printed by ``salesdomain conformance`` and by the demo)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text
from salesdomain.projections.conformance import ConformanceReport, Summary

from salesdomain.past import moment


def show_report(report: ConformanceReport, console: Console) -> None:
    console.print(
        f"[bold]SOP conformance {report.period_start} to {report.period_end}[/bold], as at "
        f"{moment(report.as_at)}, policy {report.policy_version}: {report.events_reviewed:,} "
        f"events reviewed (to log position {report.last_position:,})",
        markup=True,
    )
    show_findings(report, console)
    console.print(steps_table(report))
    console.print(summary_table("Per team", report.teams, people=False))
    console.print(summary_table("Per person", report.people, people=True))


def show_findings(report: ConformanceReport, console: Console) -> None:
    """Breaches, the rules they broke, overrides, then one warning line per decision not
    judged."""
    console.print(breaches_table(report))
    if report.breaches:
        console.print(rules_table(report))
    console.print(overrides_table(report))
    for mismatch in report.policy_mismatches:
        line = (
            f" not judged: {mismatch.rule} (SOP {mismatch.sop_step}) on record "
            f"{mismatch.record_id} at {moment(mismatch.at)}"
        )
        if mismatch.recorded_version:
            line += (
                f", decided under policy version {mismatch.recorded_version}, which was not "
                f"supplied (supplied: {', '.join(mismatch.supplied_versions)})"
            )
        line += f"; {mismatch.detail}"
        console.print(Text.assemble(("warning:", "yellow"), line), soft_wrap=True)
    versions = {m.recorded_version for m in report.policy_mismatches if m.recorded_version}
    decisions = len(report.policy_mismatches)
    line = f"{_count(len(versions), 'policy version')} not judged"
    console.print(f"{line} ({_count(decisions, 'decision')})." if decisions else f"{line}.")


def breaches_table(report: ConformanceReport) -> Table:
    still_open = len(report.still_open)
    table = Table(
        title=f"Breaches ({len(report.breaches)}, {still_open} still open)", title_justify="left"
    )
    for column in ("Day", "SOP", "Status", "Rule", "Record", "Responsible", "Due -> done"):
        table.add_column(column)
    for b in report.breaches:
        team = f", {b.responsible.team}" if b.responsible.team else ""
        table.add_row(
            str(b.occurred_on),
            b.sop_step,
            b.status.value,
            b.rule,
            b.record,
            f"{b.responsible.name}{team}",
            f"{_when(b.due)} -> {_when(b.actual) or 'not done'}",
        )
    return table


def rules_table(report: ConformanceReport) -> Table:
    """The rules broken in the period, by id (``salesdomain rules`` lists them all)."""
    broken = [r for r in report.by_rule if r.breaches]
    table = Table(
        title=f"Rules broken ({len(broken)} of the {len(report.by_rule)} re-run)",
        title_justify="left",
    )
    for column in ("Rule", "SOP", "Family", "The rule", "Breaches", "Still open"):
        table.add_column(
            column, justify="right" if column in ("Breaches", "Still open") else "left"
        )
    for r in broken:
        table.add_row(
            r.rule, r.sop_step, r.family.value, r.text, str(r.breaches), str(r.still_open)
        )
    return table


def overrides_table(report: ConformanceReport) -> Table:
    table = Table(title=f"Overrides, approved ({len(report.overrides)})", title_justify="left")
    for column in ("When", "SOP", "What", "Record", "Requested by", "Approved by"):
        table.add_column(column)
    for o in report.overrides:
        table.add_row(
            _when(o.at),
            o.sop_step,
            f"{o.kind}: {o.detail}" if o.detail else o.kind,
            o.record,
            o.requested_by.name,
            o.approved_by.name,
        )
    return table


def steps_table(report: ConformanceReport) -> Table:
    table = Table(title="Steps done in the period", title_justify="left")
    table.add_column("SOP step")
    table.add_column("Done", justify="right")
    for s in report.steps:
        table.add_row(f"{s.sop_step} {s.title}", f"{s.count:,}")
    return table


def summary_table(title: str, rows: tuple[Summary, ...], *, people: bool) -> Table:
    table = Table(title=title, title_justify="left")
    columns = ["Team", *(["Person"] if people else []), "Steps", "Breaches", "Still open"]
    for column in (*columns, "Overrides"):
        table.add_column(column, justify="left" if column in ("Team", "Person") else "right")
    for s in rows:
        cells: list[Any] = [s.team, *([s.name] if people else [])]
        cells += [f"{s.steps_done:,}", str(s.breaches), str(s.still_open), str(s.overrides)]
        table.add_row(*cells)
    return table


def _count(n: int, what: str) -> str:
    return f"{n} {what}" if n == 1 else f"{n} {what}s"


def _when(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    return str(value)
