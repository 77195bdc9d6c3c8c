"""What every browser test shares: the system's Chromium through Playwright, skipped
without it unless ``SALESDOMAIN_REQUIRE_BROWSER=1`` (as ``.ci/run`` sets, where a missing
browser fails), and an accessibility check of a page with axe-core (vendored in
``tests/vendor``, see its ``VENDORED.md``)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
"""The rules axe runs: WCAG 2.1 levels A and AA (labels, names, contrast, keyboard) and
Deque's best practices (landmarks, one main heading)."""


def need_browser() -> Any:
    """Playwright's ``sync_playwright``, or skip (fail when the browser is required)."""
    reason = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason, sync_playwright = "the playwright package is not installed", None
    if reason is None and not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        reason = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if reason:
        if os.environ.get("SALESDOMAIN_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return sync_playwright


_need_browser = need_browser  # the name the first browser tests imported


def axe_violations(page: Any) -> list[str]:
    """The accessibility rules the page in ``page`` breaks, one line each (rule id, its
    impact, how many places, the first place's selector): ``[]`` when none.  The page's
    Content-Security-Policy does not stop this: the script is evaluated through the
    DevTools protocol, which the policy does not govern (an added ``<script>`` it would)."""
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    found = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r =>
            r.violations.map(v => [v.id, v.impact || '', v.nodes.length,
                                   (v.nodes[0] && v.nodes[0].target.join(' ')) || '']))""",
        AXE_TAGS,
    )
    return [
        f"{rule} ({impact}): {count} place(s), first {where}"
        for rule, impact, count, where in found
    ]


def assert_accessible(page: Any) -> None:
    """Every field has a label, the main landmarks are there, one main heading, and axe
    finds no WCAG 2.1 A/AA or best-practice violation."""
    unlabelled = page.evaluate(
        """[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
           .filter(e => !e.labels.length && !e.getAttribute('aria-label')).map(e => e.id)"""
    )
    assert unlabelled == []
    snapshot = page.locator("body").aria_snapshot()
    assert "- main" in snapshot
    assert "- navigation" in snapshot
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []


@contextmanager
def chromium() -> Iterator[Any]:
    """The system's Chromium, launched until the block ends (or skip, as ``need_browser``)."""
    with need_browser()() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def browser() -> Iterator[Any]:
    """The system's Chromium, launched for one test (import it into a test module)."""
    with chromium() as launched:
        yield launched
