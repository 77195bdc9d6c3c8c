"""The code example of docs/work-queue.md is executed, so it stays true."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import python_blocks

DOC = Path(__file__).parents[1] / "docs" / "work-queue.md"


@pytest.mark.parametrize("block", python_blocks(DOC))
def test_work_queue_doc_example_runs(block: str, capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(block, str(DOC), "exec"), {})
    printed = capsys.readouterr().out
    assert "2.3.3 contact the customer" in printed
    assert "LogContact" in printed
