"""Where an appraisal's actual figures are checked against: the KPI view (SOP 3.3.3).

The domain reads no view; the application is given a ``KpiFigures`` (the system built
by ``salesdomain.adapters.bootstrap.build_system`` gives one over its KPI view, caught
up to the log's head), and ``RecordActuals`` refuses a stated KPI figure that is not
the view's (ADR 45).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Protocol
from uuid import UUID

from salesdomain.people.values import Period
from salesdomain.performance.values import Indicator


class KpiFigures(Protocol):
    """The KPI view's figures for an employee and a period."""

    def figures(
        self, employee_id: UUID, period: Period, indicators: Iterable[Indicator]
    ) -> Mapping[Indicator, Decimal | None]:
        """Each indicator's figure for ``employee_id`` in ``period`` as the KPI view has
        it with everything recorded so far; ``None`` where the view has no figure in the
        period (a win rate with nothing closed), which an appraisal records as 0."""
        ...


def as_recorded(view_figure: Decimal | None) -> Decimal:
    """The actual figure an appraisal records for the view's figure: 0 where the view
    has none in the period."""
    return Decimal(0) if view_figure is None else view_figure
