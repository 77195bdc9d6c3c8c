"""The dashboard with a stopped view, in a real browser: the pipeline's panels say which
view stopped, on which event and why; the banner lists it; the other panels draw."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from salesdomain.adapters.web import create_app

from tests.browser_support import ARGS, CHROMIUM, need_browser
from tests.test_dashboard_browser import signed_in
from tests.test_web_outage import stopped_pipeline
from tests.web_support import serving


@pytest.fixture
def served(tmp_path: Any) -> Iterator[tuple[str, str]]:
    """A SQLite store with one opened opportunity, whose pipeline view cannot handle
    it, served by uvicorn; a token of the representative."""
    need_browser()
    with (
        stopped_pipeline(f"sqlite:///{tmp_path}/stopped.db") as (broken, secret),
        serving(create_app(broken)) as port,
    ):
        yield f"http://127.0.0.1:{port}", secret


def test_the_dashboard_names_the_stopped_view_and_draws_the_others(
    served: tuple[str, str],
) -> None:
    base, secret = served
    with need_browser()() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            signed_in(page, base, secret)
            banner = page.locator("#stopped")
            assert banner.is_visible()
            assert banner.get_attribute("data-views") == "pipeline"
            assert "Opportunity.Opened" in banner.inner_text()
            for name in ("funnel", "stage-owner"):
                panel = page.locator(f"[data-chart={name}]")
                assert panel.get_attribute("data-stopped") == "pipeline"
                text = panel.inner_text()
                assert "The pipeline view stopped at log position" in text
                assert "no column for this opportunity's region" in text
            for name in ("revenue", "attainment", "service-breaches"):
                assert page.locator(f"[data-chart={name}]").get_attribute("data-stopped") is None
            assert page.locator("[data-chart=revenue] svg").count() == 1
            assert page.locator("#status").inner_text().startswith("Updated")
        finally:
            browser.close()
