"""docs/web.md's Python example is executed, so it stays true."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).parents[1] / "docs" / "web.md"


def test_web_doc_example_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (block,) = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    monkeypatch.chdir(tmp_path)
    exec(compile(block, str(DOC), "exec"), {})
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "['StaffRegister.Founded 3.1.4', 'Employee.Enrolled 3.1.4']"
    assert lines[1] == "422 invalid_command ['position', 'roles', 'salary', 'start_date', 'team']"
    assert lines[2].endswith(" Hana Li")
