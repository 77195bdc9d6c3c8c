"""Monthly and quarterly sales reports (SOP 4.2): results, customers, pipeline and
forecast, conformance breaches and appraisal outcomes of a period, built from the views
(as they stand, or as they stood at a past moment) for one reader, as a typed model
(``SalesReport``) that the adapters render as HTML and PDF (ADR 56).

A report is a list of sections (``sections.SECTIONS``), each a function from the views
(``ReportSource``) to its model: adding a section is one function, its model and one
block in the template.
"""

from salesdomain.projections.reports.build import VIEWS, sales_report
from salesdomain.projections.reports.model import ReportKind, SalesReport, Section
from salesdomain.projections.reports.sections import SECTIONS, SectionBuilder
from salesdomain.projections.reports.source import ReportSource, report_period_of

__all__ = [
    "SECTIONS",
    "VIEWS",
    "ReportKind",
    "ReportSource",
    "SalesReport",
    "Section",
    "SectionBuilder",
    "report_period_of",
    "sales_report",
]
