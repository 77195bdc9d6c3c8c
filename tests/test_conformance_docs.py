"""The code examples of docs/conformance.md are executed, so they stay true."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import python_blocks

DOC = Path(__file__).parents[1] / "docs" / "conformance.md"


@pytest.mark.parametrize("block", python_blocks(DOC))
def test_conformance_doc_example_runs(block: str, capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(block, str(DOC), "exec"), {})
    assert "2.6.1 feedback from" in capsys.readouterr().out
