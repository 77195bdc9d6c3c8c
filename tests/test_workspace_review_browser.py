"""The compliance reviewer's pages in a real browser (issue 20, ADR 68): the demo's
quarter served by uvicorn on SQLite and on PostgreSQL, the system's Chromium through
Playwright.  A compliance reviewer signs in, searches the audit trail by SOP step, opens
a case's story from a line, then the conformance report from the navigation, whose
figures are the library's.  The pages fit a 390 px phone.  Screenshots are saved in the
test's tmp dir; with SALESDOMAIN_UPDATE_SCREENSHOT=1 (on SQLite) they also replace
docs/screens/review-*.png."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from salesdomain.adapters.bootstrap import build_system
from salesdomain.adapters.demo import run_demo
from salesdomain.adapters.web import create_app
from salesdomain.adapters.web.breaches import conformance_breaches
from salesdomain.projections.conformance import conformance_report

from salesdomain.sop import Role
from tests.browser_support import ARGS, CHROMIUM, assert_accessible, need_browser
from tests.test_workspace_review import SINCE, UNTIL, Demo, with_reviewer
from tests.web_support import SERVED_STORES, served_on, serving

SCREENS = Path(__file__).resolve().parent.parent / "docs" / "screens"


def _serve(url: str, folder: Path) -> Iterator[tuple[Demo, str]]:
    system = build_system(url)
    try:
        run_demo(system, 7)
        demo = Demo(system, with_reviewer(system))
        with serving(create_app(system, open_breaches=conformance_breaches(system))) as port:
            yield demo, f"http://127.0.0.1:{port}"
    finally:
        system.close()


@pytest.fixture(scope="module", params=SERVED_STORES)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    need_browser()
    for demo, base in served_on(request.param, tmp_path_factory.mktemp("review-web"), _serve):
        yield demo, base, request.param


def _fits(page: Any) -> None:
    """No sideways scroll, and accessible (labels, landmarks, axe-core's WCAG 2.1 AA)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{width} px wide: it scrolls sideways"
    assert_accessible(page)


def _shot(page: Any, folder: Path, store: str, name: str) -> None:
    shot = folder / f"{name}.png"
    page.screenshot(path=str(shot), full_page=True)
    if store == "sqlite" and os.environ.get("SALESDOMAIN_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(shot, SCREENS / f"{name}.png")


def test_a_reviewer_searches_the_audit_trail_opens_a_story_and_the_report(
    served: tuple[Demo, str, str], tmp_path: Path
) -> None:
    demo, base, store = served
    expected = conformance_report(demo.system.app, demo.system.app.policy, SINCE, UNTIL)
    negotiated = demo.entries(Role.COMPLIANCE_REVIEWER, sop_step="2.3.3")
    with need_browser()() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(f"{base}/review/audit")
            assert page.url.startswith(f"{base}/sign-in?next=")
            page.fill("#token", demo.secret(Role.COMPLIANCE_REVIEWER))
            with page.expect_navigation():
                page.click("form.stack button[type=submit]")
            assert page.url == f"{base}/review/audit"

            page.select_option("#step", "2.3.3")
            with page.expect_navigation():
                page.click("form.review-filters button[type=submit]")
            rows = page.locator("#table-audit tbody tr[data-position]")
            shown = [int(p) for p in rows.evaluate_all("rs => rs.map(r => r.dataset.position)")]
            assert shown == [e.position for e in negotiated][: len(shown)]
            assert shown
            assert all("2.3.3" in t for t in rows.all_inner_texts())
            _fits(page)
            _shot(page, tmp_path, store, "review-audit-1440")
            page.set_viewport_size({"width": 390, "height": 900})
            _fits(page)
            _shot(page, tmp_path, store, "review-audit-390")
            page.set_viewport_size({"width": 1440, "height": 1000})

            first = negotiated[0]
            with page.expect_navigation():
                page.locator(f"tr[data-position='{first.position}'] a.story").click()
            assert "/review/story/" in page.url
            steps = page.locator("#story li.story-step")
            assert steps.count() > 1
            assert page.locator(f"#story li[data-position='{first.position}']").count() == 1
            _fits(page)

            with page.expect_navigation():
                page.click("nav[aria-label=Main] a[href='/review']")
            with page.expect_navigation():
                page.click("a[href='/review/conformance']")
            page.fill("#since", SINCE.isoformat())
            page.fill("#until", UNTIL.isoformat())
            with page.expect_navigation():
                page.click("form.filters button[type=submit]")
            total = page.locator("#breaches-total").inner_text()
            assert int(total) == len(expected.breaches) > 0
            breached = page.locator("#table-rules tr.breached")
            assert breached.count() == sum(1 for r in expected.by_rule if r.breaches)
            _fits(page)
            _shot(page, tmp_path, store, "review-conformance-1440")
            story = page.locator("#table-breaches a[href^='/review/story/']").first
            with page.expect_navigation():
                story.click()
            assert page.locator("#story li.breached, .flags-apart li").count() >= 1
            _fits(page)
            _shot(page, tmp_path, store, "review-story-1440")

            page.goto(f"{base}/review/chain")
            with page.expect_navigation():
                page.click("form[action='/review/chain/verify'] button")
            assert "History intact" in page.locator("#chain-verdict").inner_text()
            _fits(page)
            _shot(page, tmp_path, store, "review-chain-1440")
        finally:
            browser.close()
