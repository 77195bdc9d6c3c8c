"""The conformance review kept as a view by the follower (ADR 39): ``ConformanceView``
writes it, ``reading`` answers from it."""

from salesdomain.projections.conformance.view import reading
from salesdomain.projections.conformance.view.projection import NAME, ConformanceView
from salesdomain.projections.conformance.view.reading import conformance_report, time_limit_breaches

__all__ = ["NAME", "ConformanceView", "conformance_report", "reading", "time_limit_breaches"]
