"""The README's code examples are executed, so they stay true."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import python_blocks

README = Path(__file__).parents[1] / "README.md"


@pytest.mark.parametrize("block", python_blocks(README))
def test_readme_example_runs(
    block: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(block, str(README), "exec"), namespace)
    out = capsys.readouterr().out
    if "result.events[0].event_type" in block:
        assert "Registered 2.1.2" in out
        assert "prospect_qualified_after_assessment\nSOP 2.1.2 Prospect screening: a " in out
    if "forget_data_subject" in block:
        assert "[erased]\nTrue\n" in out
    if "conformance_report" in block:
        assert "2.6.1 late" in out
    for name in ("app", "system"):
        close = getattr(namespace.get(name), "close", None)
        if close:
            close()
