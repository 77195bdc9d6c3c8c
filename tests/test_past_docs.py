"""The code example of docs/past-on-demand.md is executed, so it stays true."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).parents[1] / "docs" / "past-on-demand.md"


def test_the_past_on_demand_example_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (block,) = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    monkeypatch.chdir(tmp_path)
    exec(compile(block, str(DOC), "exec"), {})
    out = capsys.readouterr().out.splitlines()
    assert re.match(r"log position \d+: [1-9]\d* opportunities, \d+ open tasks", out[0])
    assert len(out) == 7
    assert all(" UTC  2." in line for line in out[1:])
