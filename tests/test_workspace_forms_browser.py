"""An SOP form in a real browser (issue 20, ADR 64), on SQLite and on PostgreSQL: a
representative signs in, registers a prospect through its form (a line added by the
"add a line" button), then qualifies it before it was assessed and reads the SOP rule
that refuses it, in words, with nothing stored.  The form fits a 390 px phone.
Skips without Chromium unless SALESDOMAIN_REQUIRE_BROWSER=1; with
SALESDOMAIN_UPDATE_SCREENSHOT=1 (on SQLite) the screenshots replace
docs/screens/act-form-{390,1440}.png and act-refused-1440.png."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from salesdomain.adapters.bootstrap import System

from salesdomain.prospecting.customer import Customer
from tests import builders as b
from tests.browser_support import assert_accessible, need_browser
from tests.test_workspace_browser import _shot
from tests.test_workspace_browser import browser as browser  # the fixture, one per test
from tests.web_support import SERVED_STORES, served_on, served_staff


@dataclass
class Served:
    system: System
    base: str
    store: str
    secret: str


def _serve(url: str, folder: Path) -> Iterator[tuple[System, str, str]]:
    with served_staff(url, [(b.register(), b.ALICE)]) as (system, base, staff):
        yield system, base, staff.token(b.ALICE)


@pytest.fixture(scope="module", params=SERVED_STORES)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    need_browser()
    for system, base, secret in served_on(request.param, tmp_path_factory.mktemp("forms"), _serve):
        yield Served(system, base, request.param, secret)


def test_a_representative_registers_a_prospect_and_reads_a_refusal(
    served: Served, browser: Any, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(f"{served.base}/act/RegisterProspect")
    page.fill("#token", served.secret)
    with page.expect_navigation():
        page.click("form.stack button[type=submit]")
    assert page.inner_text("h1") == "2.1.2 Prospect screening: Register prospect"
    assert_accessible(page)
    rows = "fieldset[data-rows=contacts] > fieldset.row"
    assert page.locator(rows).count() == 3
    page.click("fieldset[data-rows=contacts] [data-add-row]")
    assert page.locator(rows).count() == 4
    page.fill("#f-company_name", "Suzhou Valves Co., Ltd.")
    page.fill("#f-region", "East China")
    page.fill("#f-industry", "Valves")
    page.select_option("#f-source_channel", "referral")
    page.fill("#f-contacts-0-name", "Zhao Min")
    page.fill("#f-contacts-3-name", "Qian Lei")  # the row the button added
    page.fill("#f-contacts-3-title", "Plant manager")
    _shot(page, "act-form-1440", served, tmp_path)
    with page.expect_navigation():
        page.click("form.command-form button[type=submit]")
    landed = urlsplit(page.url)
    customer = Customer.id_for("Suzhou Valves Co., Ltd.", "")
    assert landed.path == f"/record/customers/{customer}"
    assert "2.1.2 Prospect screening" in parse_qs(landed.query)["done"][0]
    recorded = served.system.app.repository.get(customer)
    assert [c.name for c in recorded.contacts] == ["Zhao Min", "Qian Lei"]

    head = served.system.views.log.head()
    page.goto(f"{served.base}/act/QualifyProspect?customer_id={customer}")
    assert page.locator(f".acts-on a[href='/record/customers/{customer}']").count() == 1
    page.fill("#f-reason", "They asked for a quote")
    with page.expect_navigation() as refused:
        page.click("form.command-form button[type=submit]")
    assert refused.value.status == 409
    alert = page.inner_text("#refusal")
    assert "Refused at SOP 2.1.2 Prospect screening" in alert
    assert "prospect_qualified_after_assessment" in alert
    assert "Nothing was recorded" in alert
    assert page.input_value("#f-reason") == "They asked for a quote"
    assert served.system.views.log.head() == head
    _shot(page, "act-refused-1440", served, tmp_path)
    page.close()


def test_a_form_fits_a_phone(served: Served, browser: Any, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{served.base}/act/IssueQuote")
    page.fill("#token", served.secret)
    with page.expect_navigation():
        page.click("form.stack button[type=submit]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    _shot(page, "act-form-390", served, tmp_path)
    page.close()
