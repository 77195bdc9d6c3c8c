"""The dashboard's breaches of SOP time limits, from the conformance review (ADR 15).

The review replays the raw event log (it does not trust the views); the provider keeps
one review up to date with the log (``TrackedReview``), so a request reads only what
was logged since the one before.  The figures are those of ``salesdomain conformance``.
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.web.context import BreachProvider
from salesdomain.projections.conformance import Breach
from salesdomain.projections.conformance.tracked import TrackedReview


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
    the asked time, late or still open, judged under the system's policy."""

    tracked = TrackedReview(system.app, system.app.policy)

    def provider(as_at: datetime | None) -> Sequence[dict[str, Any]]:
        return [as_row(breach) for breach in tracked.time_limit_breaches(as_at)]

    return provider
