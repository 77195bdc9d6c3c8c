"""A sales team works one deal through the workspace in a real browser (issue 20), on
SQLite and on PostgreSQL, the system's Chromium through Playwright.

A representative signs in, registers a prospect through its form and takes it, by the
next-step buttons of each record page, through assessment, qualification, an opened
opportunity and needs discovery.  Colleagues' steps in between (design, feasibility,
the presentation) go through the library, as those people would record them.  She
issues a quote, then a second at a discount beyond her authority: the SOP's rule refuses
it, in words, and nothing is stored.  She asks for approval; her manager finds it on the
record, approves it through the form, and the revised quote is issued under it.  The
deal is on the manager's board and the dashboard's open pipeline grows by its value.  A
colleague whose role the step is not for sees no button and is refused a forged form.
With SALESDOMAIN_UPDATE_SCREENSHOT=1 (on SQLite) the screenshots replace
docs/screens/scenario-*.png."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from salesdomain.adapters.bootstrap import System

from salesdomain.opportunities.opportunity import Opportunity
from tests import builders as b
from tests.browser_support import assert_accessible, browser, need_browser
from tests.test_workspace_browser import _shot
from tests.web_support import SERVED_STORES, Web, served_on, served_staff

TODAY = datetime.now(UTC).date()
__all__ = ["browser"]  # the fixture


@dataclass
class Served:
    system: System
    base: str
    store: str
    staff: Web


def _serve(url: str, folder: Path) -> Iterator[tuple[System, str, Web]]:
    steps = [(b.register(), b.ALICE), (b.register(), b.MIA), (b.register(), b.PAT)]
    with served_staff(url, steps) as running:
        yield running


@pytest.fixture(scope="module", params=SERVED_STORES)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    need_browser()
    for system, base, staff in served_on(
        request.param, tmp_path_factory.mktemp("scenario"), _serve
    ):
        yield Served(system, base, request.param, staff)


def _person(browser: Any, served: Served, actor: b.Actor, path: str) -> Any:
    """A browser of ``actor``'s own, signed in through the form on the way to ``path``."""
    page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    page.goto(f"{served.base}{path}")
    assert page.url.startswith(f"{served.base}/sign-in?next=")
    page.fill("#token", served.staff.token(actor))
    with page.expect_navigation():
        page.click("form.stack button[type=submit]")
    return page


def _send(page: Any) -> Any:
    """Send the SOP form on the page; the answer of the page one lands on."""
    with page.expect_navigation() as landed:
        page.click("form.command-form button[type=submit]")
    return landed.value


def _step(page: Any, command: str) -> None:
    """Follow the record page's next-step button of ``command`` to its form."""
    with page.expect_navigation():
        page.click(f"a[href^='/act/{command}?']")
    assert page.url.split("?")[0].endswith(f"/act/{command}")


def _recorded(page: Any, kind: str) -> UUID:
    """The record page a sent form lands on: its id, after the notice of what was recorded."""
    match = re.search(rf"/record/{kind}/([0-9a-f-]{{36}})", page.url)
    assert match, (page.url, page.locator("[role=alert], .field-error").all_inner_texts())
    assert "Recorded" in page.inner_text(".notice")
    return UUID(match.group(1))


def _quote_lines(page: Any, price: str) -> None:
    page.fill("#f-lines-0-product_code", "RK-3")
    page.fill("#f-lines-0-product_name", "Retrofit kit")
    page.fill("#f-lines-0-specification", "Model RK-3, 380V")
    page.fill("#f-lines-0-quantity", "100")
    page.fill("#f-lines-0-unit_price-amount", price)
    page.select_option("#f-lines-0-unit_price-currency", "CNY")
    page.fill("#f-lines-0-unit_cost-amount", "600")
    page.select_option("#f-lines-0-unit_cost-currency", "CNY")
    page.fill("#f-payment_terms", "30% advance, 70% on delivery")
    page.fill("#f-delivery_date", (TODAY + timedelta(days=60)).isoformat())
    page.fill("#f-valid_until", (TODAY + timedelta(days=30)).isoformat())


def _open_pipeline(page: Any, served: Served) -> list[list[str]]:
    page.goto(f"{served.base}/dashboard")
    page.wait_for_selector("body[data-ready=true]")
    return page.eval_on_selector_all(
        "#table-open-pipeline tbody tr:not(:has(td.empty))",
        "rows => rows.map(r => [...r.cells].map(c => c.textContent.trim()))",
    )


def _stored(served: Served, opp: UUID) -> Opportunity:
    found = served.system.app.repository.get(opp)
    assert isinstance(found, Opportunity)
    return found


def test_a_deal_worked_by_a_representative_and_her_manager(
    served: Served, browser: Any, tmp_path: Path
) -> None:
    manager = _person(browser, served, b.MIA, "/dashboard")
    before = _open_pipeline(manager, served)

    rep = _person(browser, served, b.ALICE, "/act/RegisterProspect")
    rep.fill("#f-company_name", "Suzhou Valves Co., Ltd.")
    rep.fill("#f-region", "East China")
    rep.fill("#f-industry", "Valves")
    rep.select_option("#f-source_channel", "referral")
    rep.fill("#f-contacts-0-name", "Zhao Min")
    assert _send(rep).status == 200
    customer = _recorded(rep, "customers")

    _step(rep, "AssessProspect")
    assert rep.input_value("#f-customer_id") == str(customer)
    rep.select_option("#f-assessment-need_intent", "high")
    rep.select_option("#f-assessment-purchasing_power", "high")
    rep.fill("#f-assessment-decision_process", "The plant manager proposes, the GM signs")
    _send(rep)
    _recorded(rep, "customers")
    _step(rep, "QualifyProspect")
    rep.fill("#f-reason", "Clear need and budget this year")
    _send(rep)
    _recorded(rep, "customers")
    _step(rep, "OpenOpportunity")
    rep.fill("#f-title", "Valve line retrofit")
    rep.fill("#f-estimated_value-amount", "100000")
    rep.select_option("#f-estimated_value-currency", "CNY")
    rep.fill("#f-expected_close", (TODAY + timedelta(days=90)).isoformat())
    _send(rep)
    opp = _recorded(rep, "opportunities")
    assert "Valve line retrofit" in rep.inner_text("h1")

    served.staff.send(b.log_visit(opp, on=TODAY), b.ALICE)
    rep.reload()  # the page, read again, offers the step after the visit
    _step(rep, "DiscoverNeeds")
    rep.fill("#f-discovery-needs-0-code", "N1")
    rep.fill("#f-discovery-needs-0-description", "Cut unplanned downtime")
    rep.fill("#f-discovery-needs-1-code", "N2")
    rep.fill("#f-discovery-needs-1-description", "Remote monitoring")
    rep.fill("#f-discovery-organisation", "Operations runs the plant")
    rep.fill("#f-discovery-decision_mechanism", "Investment committee; the GM signs")
    rep.fill("#f-discovery-stakeholders-0-name", "Plant manager")
    rep.select_option("#f-discovery-stakeholders-0-influence", "influences")
    rep.fill("#f-discovery-stakeholders-1-name", "Zhao Min")
    rep.select_option("#f-discovery-stakeholders-1-influence", "decides")
    _send(rep)
    _recorded(rep, "opportunities")
    for command, actor in [
        (b.prioritise(opp), b.ALICE),
        (b.design(opp), b.ALICE),
        (b.confirm(opp), b.PAT),
        (b.present(opp, on=TODAY), b.ALICE),
        (b.acknowledge(opp), b.ALICE),
    ]:
        served.staff.send(command, actor)

    rep.reload()
    _step(rep, "IssueQuote")
    _quote_lines(rep, "1000")
    _send(rep)
    _recorded(rep, "opportunities")
    _step(rep, "IssueQuote")
    _quote_lines(rep, "880")  # 12 % off: beyond her 10 %
    refused = _send(rep)
    assert refused.status == 409
    problem = rep.inner_text("#refusal")
    assert "quote_within_authority_or_approved" in problem
    assert "2.3.3" in problem
    assert "Nothing was recorded" in problem
    assert_accessible(rep)
    _shot(rep, "scenario-refused-1440", served, tmp_path)
    assert len(_stored(served, opp).quotes) == 1

    rep.goto(f"{served.base}/record/opportunities/{opp}")
    _step(rep, "RequestDiscountApproval")
    _quote_lines(rep, "880")
    rep.fill("#f-justification", "Strategic account; a competitor is 15 % lower")
    _send(rep)
    _recorded(rep, "opportunities")
    assert rep.locator("a[href^='/act/ApproveDiscount?']").count() == 0  # not her own

    manager.goto(f"{served.base}/record/opportunities/{opp}")
    _step(manager, "ApproveDiscount")
    manager.fill("#f-comments", "Approved for the multi-plant roll-out")
    _send(manager)
    _recorded(manager, "opportunities")

    rep.goto(f"{served.base}/record/opportunities/{opp}")
    _step(rep, "IssueQuote")
    _quote_lines(rep, "880")
    rep.fill("#f-approval_id", "1")
    _send(rep)
    _recorded(rep, "opportunities")
    assert len(_stored(served, opp).quotes) == 2
    _shot(rep, "scenario-record-1440", served, tmp_path)

    manager.goto(f"{served.base}/board")
    card = manager.locator(".card", has_text="Valve line retrofit")
    assert card.count() == 1
    assert "88,000" in card.inner_text() or "88000" in card.inner_text()
    _shot(manager, "scenario-board-1440", served, tmp_path)
    after = _open_pipeline(manager, served)
    assert after != before
    assert any("Alice Rep" in " ".join(row) for row in after)

    production = _person(browser, served, b.PAT, f"/record/opportunities/{opp}")
    assert production.locator("a[href^='/act/IssueQuote']").count() == 0
    forged = production.request.post(
        f"{served.base}/act/ApproveDiscount",
        form={"opportunity_id": str(opp), "comments": "forged"},
    )
    assert forged.status == 403
    assert len(_stored(served, opp).quotes) == 2
