"""The dashboard's breaches of SOP time limits, from the conformance review (ADR 15).

The review is kept as a view by the follower (ADR 39): the rules re-run over the raw
event log (not over the other views), their state in the view's tables, so a request is
one query whatever the length of the log.  A moment before the newest event the view
folded (history as it stood then) is answered by the view as it stood then, built aside
from its newest usable checkpoint and the events after it (ADR 40).  The figures are
those of ``salesdomain conformance``.
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.web.context import BreachProvider
from salesdomain.projections.conformance import Breach, time_limit_breaches
from salesdomain.projections.conformance.api import as_at_or_now
from salesdomain.projections.conformance.policies import PolicyBook
from salesdomain.projections.conformance.view import NAME, past, reading


def _moment(value: datetime | date | None) -> datetime | None:
    """Deadlines counted in days are due at the start of that (UTC) day."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.combine(value, time(), tzinfo=UTC)


def as_row(breach: Breach) -> dict[str, Any]:
    who = breach.responsible
    team = f", {who.team}" if who.team else ""
    return {
        "case": breach.record,
        "step": f"{breach.sop_step} {breach.rule_text}",
        "responsible": f"{who.name}{team}",
        "responsible_id": str(who.employee_id) if who.employee_id else None,
        "due": _moment(breach.due),
        "actual": _moment(breach.actual),
        "status": breach.status.value,
        "record_id": str(breach.record_id),
        "case_id": str(breach.case_id) if breach.case_id else None,
        "rule": breach.rule,
    }


def conformance_breaches(system: System) -> BreachProvider:
    """A provider for ``create_app(open_breaches=...)``: the time limits missed as at
    the asked time, late or still open, judged under the system's policy, from the
    conformance view as it stands (``None``: as at now)."""
    runner = system.views.runner(NAME)
    policies = PolicyBook(system.app.policy)

    def provider(as_at: datetime | None) -> Sequence[dict[str, Any]]:
        moment = as_at_or_now(as_at)
        with runner.engine.connect() as conn:
            tables = runner.tables(runner.standing().generation)
            found = reading.time_limit_breaches(
                conn,
                tables,
                policies,
                moment,
                events_of=system.app.events.get,
                as_recorded=as_at is None,
            )
        if found is None and as_at is not None:
            found = _as_it_stood(system, policies, as_at)
        if found is None:
            found = time_limit_breaches(system.app, system.app.policy, moment)
        return [as_row(breach) for breach in found]

    return provider


def _as_it_stood(system: System, policies: PolicyBook, at: datetime) -> list[Breach] | None:
    """From the conformance view as it stood at ``at``, built from a checkpoint."""
    with past.view_as_at(system.views, policies, at) as then:
        if then is None:
            return None
        conn, tables = then
        events_of = past.events_until(system.app.events.get, at)
        return reading.time_limit_breaches(conn, tables, policies, at, events_of=events_of)
