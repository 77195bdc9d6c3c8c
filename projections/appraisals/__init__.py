"""Appraisal outcomes (SOP 3.3.3, 3.3.4): each appraisal's employee, period, final score,
rating band, incentives and coaching, as the events recorded them.

Tables: ``appraisals`` (the current row per appraisal) and ``incentives`` (one row per
incentive decided).  Reads: ``appraisal_outcomes`` (the appraisals of a span of days,
under the read policy's ``appraisals`` reach).
"""

from salesdomain.projections.appraisals.projection import Appraisals
from salesdomain.projections.appraisals.queries import (
    AppraisalOutcome,
    IncentiveOutcome,
    appraisal_outcomes,
)

__all__ = ["AppraisalOutcome", "Appraisals", "IncentiveOutcome", "appraisal_outcomes"]
