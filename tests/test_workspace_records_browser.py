"""Lists and record pages in a real browser (issue 20, ADR 65): the demo's quarter served
by uvicorn on SQLite and on PostgreSQL, the system's Chromium through Playwright.

A sales manager searches the opportunities list, opens a deal, moves the as-of time
back to the hour it was opened and sees it in the contact stage; the pages fit a 390 px
phone.  With SALESDOMAIN_UPDATE_SCREENSHOT=1 (on SQLite) the screenshots replace
docs/screens/list-*.png and record-*.png."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from salesdomain.projections.records import RecordFilter, records_page

from salesdomain.sop import Role
from tests import test_workspace_browser
from tests.browser_support import assert_accessible
from tests.test_workspace_browser import Served, _no_sideways_scroll, _reader, _shot, _sign_in

served = test_workspace_browser.served
"""The demo's quarter served on SQLite and PostgreSQL, a manager's and a rep's tokens."""
browser = test_workspace_browser.browser


def _a_deal_past_contact(s: Served) -> Any:
    """A deal the manager reads that has moved on from the contact stage."""
    runner = s.system.views.runner("pipeline")
    for stage in ("negotiation", "quoted", "solution_presented", "won"):
        found = records_page(
            runner.engine,
            runner.tables(),
            "opportunities",
            datetime.now(UTC),
            filters=RecordFilter(status=stage),
            reader=_reader(s),
        )
        if found.rows:
            return found.rows[0]
    raise AssertionError("the demo has no deal past contact the manager reads")


def test_a_manager_finds_a_deal_and_sees_it_as_it_stood(
    served: Served, browser: Any, tmp_path: Path
) -> None:
    deal = _a_deal_past_contact(served)
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    _sign_in(page, served.base, served.secrets[Role.SALES_MANAGER], "/list/opportunities")
    page.fill("#search", deal.name)
    with page.expect_navigation():
        page.click("form.list-filters button[type=submit]")
    assert "search=" in page.url
    links = page.locator("table.records tbody a", has_text=deal.name)
    assert links.count() >= 1
    assert_accessible(page)
    _shot(page, "list-1440", served, tmp_path)
    with page.expect_navigation():
        links.first.click()
    assert f"/record/opportunities/{deal.id}" in page.url
    state = page.locator("section[aria-labelledby=state-h]")
    assert deal.status.replace("_", " ") in state.inner_text().casefold()
    assert page.locator("table.history tbody tr").count() > 3
    assert_accessible(page)
    _shot(page, "record-1440", served, tmp_path)
    opened = deal.at.astimezone(UTC) + timedelta(minutes=1)
    page.fill("#as_of", opened.strftime("%Y-%m-%dT%H:%M"))
    with page.expect_navigation():
        page.click("form.as-of button[type=submit]")
    banner = page.locator(".as-of-banner")
    assert "As it stood on" in banner.inner_text()
    then = state.inner_text()
    assert "Contact" in then
    assert deal.status.replace("_", " ") not in then.casefold()
    assert page.locator("table.history tbody tr").count() <= 2
    assert page.locator(".next-steps a").count() == 0
    assert_accessible(page)
    with page.expect_navigation():
        banner.locator("a").click()
    assert "as_of" not in page.url
    page.close()


def test_the_list_and_record_fit_a_phone(served: Served, browser: Any, tmp_path: Path) -> None:
    deal = _a_deal_past_contact(served)
    page = browser.new_page(viewport={"width": 390, "height": 844})
    _sign_in(page, served.base, served.secrets[Role.SALES_MANAGER], "/list/opportunities")
    _no_sideways_scroll(page)
    _shot(page, "list-390", served, tmp_path)
    page.goto(f"{served.base}/record/opportunities/{deal.id}")
    _no_sideways_scroll(page)
    _shot(page, "record-390", served, tmp_path)
    page.close()
