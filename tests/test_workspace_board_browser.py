"""The pipeline board and my work in a real browser (issue 20, ADR 67): the demo's
quarter served on SQLite and on PostgreSQL (the app of ``test_workspace_browser``), the
system's Chromium through Playwright.  At 1,440 px the board's columns sit side by side
and at 390 px they stack; neither page scrolls sideways.  With
SALESDOMAIN_UPDATE_SCREENSHOT=1 (on SQLite) the screenshots replace
docs/screens/board-*.png and my-work-*.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from salesdomain.sop import Role
from tests.browser_support import assert_accessible
from tests.test_workspace_browser import Served, _shot, _sign_in, browser, served

__all__ = ["browser", "served"]


def _boxes(page: Any) -> list[dict[str, float]]:
    return page.eval_on_selector_all(
        ".board .column",
        "cols => cols.map(c => { const r = c.getBoundingClientRect(); return {x: r.x, y: r.y}; })",
    )


def _fits(page: Any, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_board_and_my_work_fit_a_phone_and_a_desktop(
    served: Served, browser: Any, tmp_path: Path
) -> None:
    wide = browser.new_page(viewport={"width": 1440, "height": 900})
    landed = _sign_in(wide, served.base, served.secrets[Role.SALES_MANAGER], "/board")
    assert landed.status == 200
    boxes = _boxes(wide)
    assert len(boxes) == 6
    assert len({round(box["y"]) for box in boxes}) == 1  # side by side
    assert wide.locator(".card").count() > 0
    assert wide.locator(".card .flag", has_text="STALE").count() > 0
    assert wide.locator("[draggable=true]").count() == 0
    _fits(wide, 1440)
    assert_accessible(wide)
    _shot(wide, "board-1440", served, tmp_path)
    wide.goto(f"{served.base}/my-work?team=true")
    assert wide.locator("h1").inner_text() == "My work"
    _fits(wide, 1440)
    assert_accessible(wide)
    _shot(wide, "my-work-1440", served, tmp_path)
    wide.close()

    phone = browser.new_page(viewport={"width": 390, "height": 844})
    _sign_in(phone, served.base, served.secrets[Role.SALES_MANAGER], "/board")
    boxes = _boxes(phone)
    assert len({round(box["x"]) for box in boxes}) == 1  # stacked
    assert [box["y"] for box in boxes] == sorted(box["y"] for box in boxes)
    _fits(phone, 390)
    _shot(phone, "board-390", served, tmp_path)
    phone.keyboard.press("Tab")
    assert phone.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    phone.goto(f"{served.base}/my-work")
    _fits(phone, 390)
    assert_accessible(phone)
    _shot(phone, "my-work-390", served, tmp_path)
    phone.close()
