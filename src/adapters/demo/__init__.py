"""The main job: a seeded quarter (2026-Q1) of a small company, run through the SOP.

Everything is deterministic for a given seed: ids, amounts, dates and the simulated
clock (business hours, Monday to Friday), so two runs record the same histories.

* The team (SOP 3.1-3.4): HR enrols the staff; a hiring need is agreed by the sales
  director, two candidates apply, one is hired, onboarded and trained; sales targets
  and KPI schemes are set for the quarter; a weekly team meeting agrees an action item
  and a hand-off to production; sales expenses are approved by the manager.
* The sales cases (SOP 2.1-2.6): six prospects - a straight win, a discount escalated
  to a sales manager whose revised quote wins, a loss to a competitor after
  negotiation, a loss during needs analysis, a deal still open at the quarter's end and
  a disqualified prospect.  The won deals go on: contract drafted, reviewed, approved
  (one by two levels, after a rejection and a revision), signed; the order opened by
  the named policy, coordinated, produced and procured, inspected (a failed lot is
  reworked and passes re-inspection), shipped in two parts, delivered and confirmed;
  after-sales: a complaint answered late, a service visit, a satisfaction survey with
  an improvement action.
* The quarter's end (SOP 3.3): appraisals with actual figures taken from the KPI read
  model, scores, interviews, plans and final scores; a bonus, a recognition and a
  coaching plan; one representative's two monthly appraisals below standard make the
  named policy raise an escalation by itself.
* Attempts the SOP refuses are reported with the rule that refused them.

The package, by concern (names re-exported here, so ``salesdomain.adapters.demo``
imports as before):
``setting`` (dates, currency, team), ``report`` (the report types, history lines, the
pipeline summary), ``company`` (the staff, ids and clock), ``cast`` (the customers and
records), ``deal`` and ``won_deal`` (one case's steps, SOP 2.1-2.5), ``kpi_schemes``,
one ``quarter_*`` module per SOP area (sales 2.1-2.3, orders 2.4-2.5, after-sales 2.6,
people 3.1-3.2, performance 3.3-3.4), ``quarter`` (their order), ``run`` (``run_demo``)
and the readings ``case_reports`` and ``team_report``.
"""

from salesdomain.adapters.demo.case_reports import case_history, case_report
from salesdomain.adapters.demo.kpi_schemes import MONTHLY, QUARTERLY
from salesdomain.adapters.demo.report import (
    AppraisalSummary,
    CaseReport,
    DemoReport,
    EscalationSummary,
    TeamLine,
    pipeline_summary,
)
from salesdomain.adapters.demo.run import kpi_against_targets, run_demo, scale_staff
from salesdomain.adapters.demo.setting import (
    CLOSING,
    CURRENCY,
    MONTHS,
    NORA_STARTS,
    OPENING,
    QUARTER,
    REQUIREMENTS,
    START,
    TEAM,
    Progress,
)
from salesdomain.adapters.demo.team_report import (
    appraisal_summary,
    escalation_summaries,
    team_lines,
)
from salesdomain.projections.history import HistoryLine, history_lines

__all__ = [
    "CLOSING",
    "CURRENCY",
    "MONTHLY",
    "MONTHS",
    "NORA_STARTS",
    "OPENING",
    "QUARTER",
    "QUARTERLY",
    "REQUIREMENTS",
    "START",
    "TEAM",
    "AppraisalSummary",
    "CaseReport",
    "DemoReport",
    "EscalationSummary",
    "HistoryLine",
    "Progress",
    "TeamLine",
    "appraisal_summary",
    "case_history",
    "case_report",
    "escalation_summaries",
    "history_lines",
    "kpi_against_targets",
    "pipeline_summary",
    "run_demo",
    "scale_staff",
    "team_lines",
]
