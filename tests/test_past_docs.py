"""The code example of docs/past-on-demand.md is executed, so it stays true."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

DOC = Path(__file__).parents[1] / "docs" / "past-on-demand.md"


def test_the_past_on_demand_example_runs(doc_example: Callable[[Path], list[str]]) -> None:
    out = doc_example(DOC)
    assert re.match(r"log position \d+: [1-9]\d* opportunities, \d+ open tasks", out[0])
    assert len(out) == 7
    assert all(" UTC  2." in line for line in out[1:])
