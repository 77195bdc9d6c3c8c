"""The stages of an opportunity, each tied to the SOP step that reaches it."""

from __future__ import annotations

from enum import Enum

from salesdomain.values import stored_enum


@stored_enum
class Stage(Enum):
    CONTACT = "contact"  # 2.1.3
    NEEDS_ANALYSIS = "needs_analysis"  # 2.2.1, 2.2.2
    SOLUTION_DESIGN = "solution_design"  # 2.2.3
    SOLUTION_PRESENTED = "solution_presented"  # 2.3.1
    QUOTED = "quoted"  # 2.3.2
    NEGOTIATION = "negotiation"  # 2.3.3
    WON = "won"
    LOST = "lost"

    @property
    def is_open(self) -> bool:
        return self not in (Stage.WON, Stage.LOST)

    @property
    def sop_step(self) -> str:
        return _STEP[self]


_STEP = {
    Stage.CONTACT: "2.1.3",
    Stage.NEEDS_ANALYSIS: "2.2.2",
    Stage.SOLUTION_DESIGN: "2.2.3",
    Stage.SOLUTION_PRESENTED: "2.3.1",
    Stage.QUOTED: "2.3.2",
    Stage.NEGOTIATION: "2.3.3",
    Stage.WON: "2.3.3",
    Stage.LOST: "2.3.3",
}
