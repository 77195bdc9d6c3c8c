"""SOP conformance: a reviewer's replay of the raw event log (SOP 1, 4.2.4).

Time limits, authority and segregation of duties are re-run over the decoded history
as a fold (``review.fold``), without trusting the read models or the checks the write
side made; see ``docs/conformance.md`` and ADR 15.

    from salesdomain.projections.conformance import conformance_report, open_breaches
    report = conformance_report(app, policy, date(2026, 1, 1), date(2026, 3, 31))
    print(report.model_dump_json(indent=2))
"""

from salesdomain.projections.conformance.api import (
    RULES,
    conformance_report,
    open_breaches,
    read_log,
    review_history,
    time_limit_breaches,
)
from salesdomain.projections.conformance.findings import (
    Breach,
    Family,
    Override,
    PolicyMismatch,
    Status,
)
from salesdomain.projections.conformance.report import (
    ConformanceReport,
    RuleCount,
    StepCount,
    Summary,
)

__all__ = [
    "RULES",
    "Breach",
    "ConformanceReport",
    "Family",
    "Override",
    "PolicyMismatch",
    "RuleCount",
    "Status",
    "StepCount",
    "Summary",
    "conformance_report",
    "open_breaches",
    "read_log",
    "review_history",
    "time_limit_breaches",
]
