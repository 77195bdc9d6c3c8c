"""The compliance reviewer's pages without a browser (issue 20, ADR 68), on the demo's
quarter in a SQLite file and on PostgreSQL: the audit trail's filters, pages and CSV are
the library's ``query_audit`` under the reader's read policy; a case's story is
``case_story``'s; the conformance report's numbers are the library's replay's; the chain's
digest is the keeper's; a role without the right gets 403 and no link."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from salesdomain.adapters.bootstrap import System, build_system
from salesdomain.adapters.demo import run_demo
from salesdomain.adapters.web import create_app
from salesdomain.adapters.web.breaches import conformance_breaches
from salesdomain.adapters.web.review_model import PAGE
from salesdomain.adapters.web.running import Settings
from salesdomain.adapters.web.tokens import TokenStore, employee_actor
from salesdomain.projections.access import reader_of
from salesdomain.projections.audit import AuditEntry, query_audit
from salesdomain.projections.conformance import conformance_report
from salesdomain.projections.integrity import ChainKeeper
from salesdomain.projections.story import case_story

from salesdomain.access import Reader
from salesdomain.people import commands as hc
from salesdomain.people.values import EnrolmentException
from salesdomain.sop import Role
from salesdomain.values import Actor, Money
from tests.web_support import SERVED_STORES, served_on, sign_in

REVIEWER = "Rita Review"
SINCE, UNTIL = date(2026, 1, 1), date(2026, 4, 30)


@dataclass
class Demo:
    system: System
    actors: dict[Role, Actor]

    def entries(self, role: Role | None = None, **filters: Any) -> list[AuditEntry]:
        """The audit trail as the library gives it (to ``role``'s reader, if given)."""
        audit = self.system.views.runner("audit")
        reader = None if role is None else self.reader(role)
        return list(
            query_audit(
                audit.engine,
                audit.tables()["entries"],
                limit=None,
                reader=reader,
                log=self.system.views.log,
                **filters,
            )
        )

    def reader(self, role: Role) -> Reader:
        kpi = self.system.views.runner("kpi")
        return reader_of(kpi.engine, kpi.tables(), self.actors[role].employee_id, role)

    def secret(self, role: Role) -> str:
        return TokenStore(self.system.store).issue(self.actors[role]).secret


def with_reviewer(system: System) -> dict[Role, Actor]:
    """The demo's actors by role (the first of each), and a compliance reviewer HR
    enrols afterwards, under the sales director's exception."""
    audit = system.views.runner("audit")
    actors: dict[Role, Actor] = {}
    for entry in query_audit(audit.engine, audit.tables()["entries"], limit=None):
        role = Role(entry.actor_role)
        if role not in actors:
            actors[role] = Actor(employee_id=UUID(entry.actor_id), role=role, name=entry.actor_name)
    director = actors[Role.SALES_DIRECTOR]
    reviewer_id = UUID("0000c0de-0000-4000-8000-000000000068")
    system.app.handle(
        hc.EnrolEmployee(
            employee_id=reviewer_id,
            name=REVIEWER,
            position="Compliance reviewer",
            team="Compliance",
            manager_id=None,
            roles=(Role.COMPLIANCE_REVIEWER,),
            salary=Money.of(15_000, "CNY"),
            start_date=date(2026, 1, 5),
            exception=EnrolmentException(
                approved_by=director.employee_id,
                approver_role=Role.SALES_DIRECTOR,
                reason="Joined to review the quarter",
                onboarded=True,
            ),
        ),
        actors[Role.HR],
    )
    system.views.catch_up()
    actors[Role.COMPLIANCE_REVIEWER] = employee_actor(
        system.app, reviewer_id, Role.COMPLIANCE_REVIEWER
    )
    return actors


def _demo_on(url: str, folder: Path) -> Iterator[Demo]:
    system = build_system(url)
    try:
        run_demo(system, 7)
        yield Demo(system, with_reviewer(system))
    finally:
        system.close()


@pytest.fixture(scope="module", params=SERVED_STORES)
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    yield from served_on(request.param, tmp_path_factory.mktemp("review"), _demo_on)


@pytest.fixture(scope="module")
def client(demo: Demo) -> Iterator[TestClient]:
    app = create_app(
        demo.system,
        open_breaches=conformance_breaches(demo.system),
        settings=Settings(follow=False),
    )
    with TestClient(app) as served:
        yield served


def _as(client: TestClient, demo: Demo, role: Role) -> TestClient:
    sign_in(client, demo.secret(role))
    return client


def _positions(html: str) -> list[int]:
    return [int(p) for p in re.findall(r'<tr data-position="(\d+)"', html)]


def test_the_review_pages_are_for_the_roles_that_review_the_sop(
    client: TestClient, demo: Demo
) -> None:
    reviewer = _as(client, demo, Role.COMPLIANCE_REVIEWER)
    home = reviewer.get("/")
    assert 'href="/review"' in home.text
    for path in ("/review", "/review/audit", "/review/conformance", "/review/chain"):
        assert reviewer.get(path).status_code == 200, path
    other = demo.entries(Role.SALES_REPRESENTATIVE)[0].aggregate_id
    for role in (Role.SALES_REPRESENTATIVE, Role.SALES_MANAGER, Role.HR):
        person = _as(client, demo, role)
        assert 'href="/review"' not in person.get("/").text
        for path in (
            "/review",
            f"/review/audit?record={other}",
            "/review/audit.csv",
            f"/review/story/opportunities/{other}",
            "/review/conformance",
            "/review/chain",
        ):
            answer = person.get(path)
            assert answer.status_code == 403, (role, path)
            assert "Not for your role" in answer.text
            assert other not in answer.text
        forged = person.post("/review/chain/verify", data={"csrf": "x"})
        assert forged.status_code == 403


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ("", {}),
        ("step=2.3", {"sop_step": "2.3"}),
        ("kind=Opportunity&text=DISCOUNT", {"aggregate_type": "Opportunity", "text": "discount"}),
        ("since=2026-02-01&until=2026-02-28", {"period": (date(2026, 2, 1), date(2026, 2, 28))}),
    ],
)
def test_the_audit_trail_pages_through_the_librarys_lines(
    client: TestClient, demo: Demo, query: str, filters: dict[str, Any]
) -> None:
    period = filters.pop("period", None)
    if period is not None:
        filters["since"] = datetime.combine(period[0], datetime.min.time(), UTC)
        filters["until"] = datetime.combine(date(2026, 3, 1), datetime.min.time(), UTC)
    expected = [e.position for e in demo.entries(Role.COMPLIANCE_REVIEWER, **filters)]
    reviewer = _as(client, demo, Role.COMPLIANCE_REVIEWER)
    shown: list[int] = []
    path: str | None = f"/review/audit?{query}"
    while path is not None:
        answer = reviewer.get(path.replace("&amp;", "&"))
        assert answer.status_code == 200
        page = _positions(answer.text)
        assert len(page) <= PAGE
        shown += page
        following = re.search(r'rel="next" href="([^"]+)"', answer.text)
        path = following.group(1) if following else None
    assert shown == expected
    assert expected, "the demo has lines for every search here"
    export = reviewer.get(f"/review/audit.csv?{query}")
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.text)))
    assert rows[0][:3] == ["position", "time (UTC)", "SOP step"]
    assert [int(r[0]) for r in rows[1:]] == expected


def test_each_line_says_who_did_which_step_to_which_record_and_why(
    client: TestClient, demo: Demo
) -> None:
    reviewer = _as(client, demo, Role.COMPLIANCE_REVIEWER)
    qualified = demo.entries(sop_step="2.1.2", text="qualified")[0]
    answer = reviewer.get(f"/review/audit?record={qualified.aggregate_id}&step=2.1.2")
    row = re.search(rf'<tr data-position="{qualified.position}">(.*?)</tr>', answer.text, re.S)
    assert row is not None
    cells = row.group(1)
    assert "2.1.2" in cells
    assert "Prospect screening" in cells
    assert qualified.actor_name in cells
    assert f'href="/record/customers/{qualified.aggregate_id}"' in cells
    assert f'href="/review/story/customers/{qualified.aggregate_id}"' in cells
    why = re.findall(r"<td data-label=\"Why\">([^<]*)</td>", cells)[-1]  # the reason recorded
    assert why
    assert why in qualified.description


def test_the_directors_audit_trail_is_what_his_read_policy_reads(
    client: TestClient, demo: Demo
) -> None:
    """The sales director reviews the SOP but reads people records of his team only:
    the page shows the library's lines for his reader, not the reviewer's."""
    director = _as(client, demo, Role.SALES_DIRECTOR)
    expected = [e.position for e in demo.entries(Role.SALES_DIRECTOR, sop_step="3")]
    everyone = [e.position for e in demo.entries(Role.COMPLIANCE_REVIEWER, sop_step="3")]
    assert set(expected) < set(everyone)
    csv_rows = list(csv.reader(io.StringIO(director.get("/review/audit.csv?step=3").text)))
    assert [int(r[0]) for r in csv_rows[1:]] == expected


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("record=not-an-id", "Record: &#39;not-an-id&#39; is not an id"),
        ("kind=Salary", "Kind of record: no kind of record is called &#39;Salary&#39;"),
        ("step=2.x", "SOP step: &#39;2.x&#39; is not a step or section"),
        ("since=2026-13-01", "From: &#39;2026-13-01&#39; is not a day"),
        ("since=2026-03-01&until=2026-02-01", "To: 2026-02-01 is before From (2026-03-01)"),
        ("cursor=ra1.made-by-hand", "Page: not a cursor of this list"),
        ("text=" + "x" * 300, "text"),
    ],
)
def test_a_bad_filter_is_answered_in_words(
    client: TestClient, demo: Demo, query: str, words: str
) -> None:
    answer = _as(client, demo, Role.COMPLIANCE_REVIEWER).get(f"/review/audit?{query}")
    assert answer.status_code == 422
    assert words in answer.text
    assert "Traceback" not in answer.text


def test_a_cursor_is_taken_back_only_for_its_own_search(client: TestClient, demo: Demo) -> None:
    reviewer = _as(client, demo, Role.COMPLIANCE_REVIEWER)
    first = reviewer.get("/review/audit")
    following = re.search(r'rel="next" href="/review/audit\?cursor=([^"&]+)"', first.text)
    assert following is not None
    answer = reviewer.get(f"/review/audit?step=2.3&cursor={following.group(1)}")
    assert answer.status_code == 422
    assert "made for other filters" in answer.text


def test_a_cases_story_is_the_librarys_with_its_breaches_flagged(
    client: TestClient, demo: Demo
) -> None:
    reviewer = _as(client, demo, Role.COMPLIANCE_REVIEWER)
    system = demo.system
    report = conformance_report(system.app, system.app.policy, SINCE, date.today())
    flagged = next(b for b in report.breaches if b.case_id is not None and b.position)
    told = case_story(system.app, system.views, flagged.case_id, catch_up=False)
    record = next(e for e in told.entries if e.aggregate_id == str(flagged.record_id))
    kind = record.aggregate_type
    answer = reviewer.get(f"/review/story/{kind}/{record.aggregate_id}")
    assert answer.status_code == 200
    shown = re.findall(r'<li class="story-step[^"]*" data-position="(\d+)"', answer.text)
    assert [int(p) for p in shown] == [e.position for e in told.entries]
    step = re.search(
        rf'<li class="story-step breached[^"]*" data-position="{flagged.position}">(.*?)</li>',
        answer.text,
        re.S,
    )
    assert step is not None, "the breach is flagged on the line of its evidence"
    assert flagged.rule in step.group(1)
    unknown = reviewer.get("/review/story/opportunities/00000000-0000-4000-8000-000000000000")
    assert unknown.status_code == 404
    wrong_kind = reviewer.get(f"/review/story/orders/{record.aggregate_id}")
    assert wrong_kind.status_code == 404 or kind == "Order"


def test_the_conformance_report_is_the_librarys(client: TestClient, demo: Demo) -> None:
    system = demo.system
    expected = conformance_report(system.app, system.app.policy, SINCE, UNTIL)
    reviewer = _as(client, demo, Role.COMPLIANCE_REVIEWER)
    answer = reviewer.get(f"/review/conformance?since={SINCE}&until={UNTIL}")
    assert answer.status_code == 200
    html = answer.text
    total = re.search(r'id="breaches-total">(\d+)<', html)
    assert total is not None
    assert int(total.group(1)) == len(expected.breaches)
    assert expected.breaches, "the demo's quarter has breaches"
    for counted in expected.by_rule:
        row = re.search(rf'<tr data-rule="{counted.rule}"[^>]*>(.*?)</tr>', html, re.S)
        assert row is not None, counted.rule
        numbers = re.findall(r'<td class="num">(\d+)</td>', row.group(1))
        assert [int(n) for n in numbers] == [counted.breaches, counted.still_open]
    for breach in expected.breaches:
        if breach.position is not None:  # a step recorded: its case's story
            assert re.search(rf'href="/review/story/[a-z-]+/{breach.record_id}"', html)
        assert breach.record in html
    bad = reviewer.get("/review/conformance?since=2026-05-01&until=2026-04-01")
    assert bad.status_code == 422
    assert "To: 2026-04-01 is before From (2026-05-01)" in bad.text


def test_the_chain_page_shows_the_keepers_digest_and_records_a_verification(
    client: TestClient, demo: Demo
) -> None:
    reviewer = _as(client, demo, Role.COMPLIANCE_REVIEWER)
    page = reviewer.get("/review/chain")
    assert "Not verified yet." in page.text or "Verified" in page.text
    (secret,) = set(re.findall(r'name="csrf" value="([^"]+)"', page.text))
    refused = reviewer.post("/review/chain/verify", data={"csrf": "guessed"})
    assert refused.status_code == 403
    done = reviewer.post("/review/chain/verify", data={"csrf": secret}, follow_redirects=False)
    assert done.status_code == 303
    shown = reviewer.get("/review/chain").text
    digest = ChainKeeper(demo.system.store, demo.system.app).digest()
    assert digest.position == demo.system.app.recorder.max_notification_id()
    assert f'id="chain-link">{digest.link}<' in shown
    assert f'id="chain-position">{digest.position}<' in shown
    assert "History intact" in shown
    assert f"by {REVIEWER} (compliance reviewer), on the web" in shown


def test_the_review_pages_run_no_inline_script_or_style(client: TestClient, demo: Demo) -> None:
    """As every page of the workspace (ADR 63): the CSP runs no inline script."""
    reviewer = _as(client, demo, Role.COMPLIANCE_REVIEWER)
    record = demo.entries(Role.COMPLIANCE_REVIEWER, aggregate_type="Opportunity")[0]
    for path in (
        "/review",
        "/review/audit",
        f"/review/story/opportunities/{record.aggregate_id}",
        f"/review/conformance?since={SINCE}&until={UNTIL}",
        "/review/chain",
    ):
        html = reviewer.get(path).text
        assert not re.search(r"<script\b", html), path
        assert not re.search(r"\son[a-z]+\s*=", html), path
        assert 'style="' not in html, path
        for field in re.findall(r'<(?:input|select)\b[^>]*\bid="([^"]+)"', html):
            assert f'<label for="{field}"' in html, (path, field)
