"""docs/web.md's Python example is executed, so it stays true."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

DOC = Path(__file__).parents[1] / "docs" / "web.md"


def test_web_doc_example_runs(doc_example: Callable[[Path], list[str]]) -> None:
    lines = doc_example(DOC)
    assert lines[0] == "['StaffRegister.Founded 3.1.4', 'Employee.Enrolled 3.1.4']"
    assert lines[1] == "422 invalid_command ['position', 'roles', 'salary', 'start_date', 'team']"
    assert lines[2] == "True Hana Li"  # the read waited for its own write
