"""What the pipeline view keeps of an opportunity for its figures (version 4, ADR 55):
how far along the funnel it has got (``FUNNEL`` and the index there of a stage,
``RANK``) and its amount as a whole number of its smallest unit (``units``)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from salesdomain.bounds import AMOUNT_PLACES
from salesdomain.opportunities.stages import Stage

FUNNEL = (
    Stage.CONTACT,
    Stage.NEEDS_ANALYSIS,
    Stage.SOLUTION_DESIGN,
    Stage.SOLUTION_PRESENTED,
    Stage.QUOTED,
    Stage.NEGOTIATION,
    Stage.WON,
)
"""The stages an opportunity passes on its way to being won, in order (lost is none)."""

RANK = {stage: index for index, stage in enumerate(FUNNEL)}

_INT64 = 2**63


def units(amount: Decimal) -> int | None:
    """``amount`` in units of its last stored decimal place (10^-``AMOUNT_PLACES``),
    rounded as the view stores it (half away from zero); ``None`` where a 64-bit
    integer would not hold it (amounts of about 9.2 * 10^14 or more): those are read
    from the amount itself."""
    whole = int(amount.scaleb(AMOUNT_PLACES).quantize(Decimal(1), ROUND_HALF_UP))
    return whole if -_INT64 < whole < _INT64 else None
