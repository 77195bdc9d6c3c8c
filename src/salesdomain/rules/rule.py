"""One named rule of the SOP: its id, the step it belongs to and its text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from salesdomain.sop import SopStep, step

GENERAL_PRINCIPLES = "1"
"""The SOP's chapter of general principles: its rules hold at every step."""

_ID = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")


@dataclass(frozen=True)
class SopRule:
    """A rule of the SOP, named.

    ``id`` is stable (refusals, conformance reports, clients and tests name the rule by
    it); ``sop_step`` is the step the rule belongs to, or the section or chapter heading
    when the rule holds at every step under it; ``text`` is the rule in the SOP's words,
    as a sales manager reads it in a refusal or a report.
    """

    id: str
    sop_step: str
    text: str

    def __post_init__(self) -> None:
        if not _ID.fullmatch(self.id):
            raise ValueError(f"rule id {self.id!r} is not snake_case")
        step(self.sop_step)  # UnknownSopStep if the SOP has no such step
        if not self.text or self.text != self.text.strip():
            raise ValueError(f"rule {self.id} needs its text, without surrounding spaces")

    @property
    def step(self) -> SopStep:
        return step(self.sop_step)

    def holds_at(self, code: str) -> bool:
        """Whether the rule holds at step ``code``: its own step or one under it; a rule
        of the general principles (SOP 1) shapes the whole system and holds at every step."""
        if self.sop_step == GENERAL_PRINCIPLES:
            return True
        return code == self.sop_step or code.startswith(self.sop_step + ".")

    def __str__(self) -> str:
        return f"{self.id} (SOP {self.sop_step}): {self.text}"
