"""The workspace's own style sheets parse as written: every block closed where it is
opened (a block left open swallows every rule after it, as a merged stylesheet once
did: the review pages' rules then applied only on wide screens)."""

from __future__ import annotations

from importlib.resources import files

import pytest

STATIC = files("salesdomain.adapters.web") / "static"
SHEETS = sorted(p.name for p in STATIC.iterdir() if p.name.endswith(".css"))


@pytest.mark.parametrize("name", SHEETS)
def test_every_block_is_closed(name: str) -> None:
    text = (STATIC / name).read_text(encoding="utf-8")
    depth = 0
    for number, line in enumerate(text.splitlines(), 1):
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"{name}:{number} closes a block never opened"
    assert depth == 0, f"{name}: {depth} block(s) left open"


def test_there_are_sheets_to_check() -> None:
    assert "workspace.css" in SHEETS
