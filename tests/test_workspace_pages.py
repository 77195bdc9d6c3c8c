"""The workspace's pages without a browser (ADR 63): whatever a person sends, an answer
in words and never a 500; the dashboard only for the roles that lead a team; sign-out
only with the page's own secret."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from salesdomain.adapters.bootstrap import System, build_system
from salesdomain.adapters.demo import run_demo
from salesdomain.adapters.demo.setting import QUARTER
from salesdomain.adapters.web import create_app, formats
from salesdomain.adapters.web.breaches import conformance_breaches
from salesdomain.adapters.web.dashboard import dashboard, representatives
from salesdomain.adapters.web.dashboard_model import Table, chosen
from salesdomain.adapters.web.tokens import TokenStore, employee_actor
from salesdomain.projections.access import reader_of
from salesdomain.projections.audit import query_audit

from salesdomain.sop import Role
from tests import builders as b
from tests.test_workspace_browser import quarter_kpis
from tests.web_support import Web, web_with_alice


@pytest.fixture(scope="module")
def web() -> Iterator[Web]:
    with web_with_alice("memory://") as served:
        yield served


@pytest.mark.parametrize(
    ("query", "status", "words"),
    [
        ("period=2026-Q9", 422, "Period: &#39;2026-Q9&#39; is not a quarter"),
        ("period=1066-10", 422, "years 1900 to 2199"),
        ("period=2026-03&rep=nobody&team=No%20such%20team", 200, "Nothing to show."),
        ("period=" + "9" * 101, 422, "period"),
    ],
)
def test_the_dashboard_answers_every_filter_in_words(
    web: Web, query: str, status: int, words: str
) -> None:
    web.sign_in(b.DAN)
    answer = web.client.get(f"/dashboard?{query}")
    assert answer.status_code == status
    assert words in answer.text
    assert "Traceback" not in answer.text


def test_a_table_the_dashboard_does_not_have_is_404(web: Web) -> None:
    web.sign_in(b.DAN)
    assert web.client.get("/dashboard/forecast.csv").status_code == 200
    assert web.client.get("/dashboard/salaries.csv").status_code == 404


def test_a_representative_is_refused_the_dashboard_and_its_tables(web: Web) -> None:
    web.sign_in(b.ALICE)
    page = web.client.get("/dashboard")
    assert page.status_code == 403
    assert 'href="/dashboard"' not in page.text
    assert web.client.get("/dashboard/forecast.csv").status_code == 403


def test_sign_out_needs_the_pages_secret_and_ends_the_session(web: Web) -> None:
    web.sign_in(b.DAN)
    forged = web.client.post("/sign-out", data={"csrf": "guessed"}, follow_redirects=False)
    assert forged.status_code == 403
    page = web.client.get("/")
    (secret,) = re.findall(r'name="csrf" value="([^"]+)"', page.text)
    out = web.client.post("/sign-out", data={"csrf": secret}, follow_redirects=False)
    assert out.status_code == 303
    web.client.cookies.clear()
    again = web.client.get("/dashboard", follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"] == "/sign-in?next=/dashboard"


def test_the_pages_run_no_inline_script(web: Web) -> None:
    """The figures travel as JSON data; the CSP (``script-src 'self'``) runs no inline
    script, so every executable script is a file of this site."""
    web.sign_in(b.DAN)
    for path in ("/", "/dashboard", "/sign-in"):
        html = web.client.get(path).text
        for attributes, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S):
            assert 'type="application/json"' in attributes or (
                'src="/static/' in attributes and not body.strip()
            )
        assert not re.search(r"\son[a-z]+\s*=", html)
        assert 'style="' not in html


# ---- the dashboard's figures as a person reads them, and where each row leads ----------


def test_a_figure_is_shown_as_a_person_reads_it_and_kept_raw_for_the_csv() -> None:
    assert formats.shown(formats.money(Decimal("334800"), "CNY")) == "334,800.00 CNY"
    assert formats.shown(formats.money(Decimal("-1234.5"), "EUR")) == "-1,234.50 EUR"
    assert formats.shown(formats.percent(Decimal("1.0000"))) == "100.0 %"
    assert formats.shown(formats.percent(Decimal("0"))) == "0.0 %"
    assert formats.shown(formats.count(12345)) == "12,345"
    assert formats.shown(formats.days(timedelta(days=282, hours=23))) == "282 days"
    assert formats.shown(formats.days(timedelta(days=1))) == "1 day"
    assert formats.shown(formats.measure("win_rate", Decimal("0.5"), "CNY")) == "50.0 %"
    assert formats.shown(formats.measure("visits", Decimal("1200"), "CNY")) == "1,200"
    assert formats.shown(formats.measure("satisfaction", Decimal("4.25"), None)) == "4.25"
    assert formats.shown(formats.measure("profit", Decimal("5"), "CNY")) == "5.00 CNY"
    assert formats.shown(formats.money(None, "CNY")) == ""
    assert formats.shown("Prospecting") == "Prospecting"
    assert formats.raw(formats.money(Decimal("334800.00"), "CNY")) == "334800.00"
    assert formats.raw(formats.percent(Decimal("1.0000"))) == "1.0000"


@dataclass
class Demo:
    system: System
    client: TestClient
    manager: str


@pytest.fixture(scope="module")
def demo() -> Iterator[Demo]:
    """The demo's quarter (seed 7) served to its sales manager, signed in."""
    system = build_system("memory://")
    try:
        run_demo(system, 7)
        audit = system.views.runner("audit")
        manager = next(
            e.actor_id
            for e in query_audit(audit.engine, audit.tables()["entries"], limit=100_000)
            if e.actor_role == Role.SALES_MANAGER.value
        )
        actor = employee_actor(system.app, UUID(manager), Role.SALES_MANAGER)
        secret = TokenStore(system.store).issue(actor).secret
        app = create_app(system, open_breaches=conformance_breaches(system))
        with TestClient(app) as client:
            signed = client.post("/sign-in", data={"token": secret}, follow_redirects=False)
            assert signed.status_code == 303
            yield Demo(system, client, manager)
    finally:
        system.close()


def _tables(demo: Demo, rep: str | None = None, reviews: bool = False) -> dict[str, Table]:
    """The dashboard's tables for the manager (``reviews``: granted the company-wide
    conformance review too, as a compliance reviewer is)."""
    kpi = demo.system.views.runner("kpi")
    reader = reader_of(kpi.engine, kpi.tables(), demo.manager, Role.SALES_MANAGER)
    if reviews:
        reader = replace(reader, grant=replace(reader.grant, conformance=True))
    choice = chosen(QUARTER.code, None, rep, QUARTER.start)
    breaches = conformance_breaches(demo.system)
    return dashboard(demo.system, reader, choice, datetime.now(UTC), breaches).tables


def _query(href: str | None) -> tuple[str, dict[str, str]]:
    assert href is not None
    parts = urlsplit(href)
    return parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}


def test_every_dashboard_row_links_to_the_records_behind_it(demo: Demo) -> None:
    tables = _tables(demo)
    staff = {name: id for id, name in _reps(demo)}
    for name in ("open-pipeline", "closed-deals"):
        t = tables[name]
        assert t.rows, name
        for row, href in zip(t.rows, t.links, strict=True):
            assert _query(href) == (
                "/list/opportunities",
                {"status": row[0], "owner_id": staff[row[1]]},
            )
    stale = tables["stale-deals"]
    assert stale.rows
    assert all(h is not None and h.startswith("/record/opportunities/") for h in stale.links)
    for name in ("attainment", "revenue"):
        t = tables[name]
        assert t.rows, name
        assert len(t.links) == len(t.rows), name
        for href in t.links:
            path, query = _query(href)
            assert path == "/list/orders"
            since, until = (datetime.fromisoformat(query[k]) for k in ("since", "until"))
            assert since.tzinfo is not None
            assert since < until
    assert {_query(h)[1]["since"] for h in tables["attainment"].links} == {
        "2026-01-01T00:00:00+00:00"
    }
    assert {_query(h)[1]["until"] for h in tables["attainment"].links} == {
        "2026-04-01T00:00:00+00:00"
    }
    assert all(UUID(_query(h)[1]["owner_id"]) for h in tables["attainment"].links)
    forecast = tables["forecast"]
    owners = [_query(h) for h in forecast.links]
    assert {path for path, _ in owners} == {"/list/opportunities"}
    assert len({q["owner_id"] for _, q in owners}) == len({row[0] for row in forecast.rows})
    assert all(
        staff.get(row[0], q["owner_id"]) == q["owner_id"]
        for row, (_, q) in zip(forecast.rows, owners, strict=True)
    )
    reviewed = _tables(demo, reviews=True)
    breaches = reviewed["time-limits"]
    assert breaches.rows
    for href in breaches.links:
        assert href is not None
        assert re.fullmatch(r"/review/story/[a-z-]+/[0-9a-f-]{36}", href), href
    by_rule = reviewed["breaches-by-rule"]
    assert by_rule.rows
    assert [_query(h) for h in by_rule.links] == [
        ("/review/conformance", {"since": "2026-01-01", "until": "2026-03-31"})
    ] * len(by_rule.rows)


def test_a_manager_is_led_to_the_records_not_to_the_reviewers_pages(demo: Demo) -> None:
    """A sales manager (who may not open /review) follows a missed time limit to the
    record's own page, and a rule's row leads nowhere (read here with the whole
    company's deals in reach, so that the quarter's missed limits are listed)."""
    kpi = demo.system.views.runner("kpi")
    reader = reader_of(kpi.engine, kpi.tables(), demo.manager, Role.SALES_MANAGER)
    reader = replace(reader, sales=None)
    assert not reader.grant.conformance
    choice = chosen(QUARTER.code, None, None, QUARTER.start)
    breaches = conformance_breaches(demo.system)
    tables = dashboard(demo.system, reader, choice, datetime.now(UTC), breaches).tables
    missed = tables["time-limits"]
    assert missed.rows
    for href in missed.links:
        assert href is not None
        assert re.fullmatch(r"/record/[a-z-]+/[0-9a-f-]{36}", href), href
    assert set(tables["breaches-by-rule"].links) == {None}


def _reps(demo: Demo) -> list[tuple[str, str]]:
    kpi = demo.system.views.runner("kpi")
    reader = reader_of(kpi.engine, kpi.tables(), demo.manager, Role.SALES_MANAGER)
    return representatives(demo.system, reader, chosen(QUARTER.code, None, None, QUARTER.start))


@pytest.mark.parametrize("by_rep", [False, True])
def test_attainment_holds_the_kpi_tables_figures_read_once_or_twice(
    demo: Demo, by_rep: bool
) -> None:
    """By representative the trend's read serves the attainment too: the same figures."""
    kpi = demo.system.views.runner("kpi")
    reader = reader_of(kpi.engine, kpi.tables(), demo.manager, Role.SALES_MANAGER)
    rep = _reps(demo)[0][0] if by_rep else None
    expected = quarter_kpis(demo.system, reader)
    rows = [
        (r.label, m, str(r.figures()[m]), str(r.target[m]), str(a))
        for r in expected
        if rep in (None, r.group)
        for m, a in sorted(r.attainment.items())
    ]
    assert rows
    assert _tables(demo, rep)["attainment"].rows == rows


def test_the_page_shows_figures_formatted_and_the_csv_keeps_them_raw(demo: Demo) -> None:
    page = demo.client.get(f"/dashboard?period={QUARTER.code}")
    assert page.status_code == 200
    t = _tables(demo)["open-pipeline"]
    for row, shown, href in zip(t.rows, t.shown, t.links, strict=True):
        assert shown[3] == f"{Decimal(row[3]):,.2f} {row[5]}"
        assert f'<a href="{html.escape(href or "")}">{row[0]}</a>' in page.text
        assert f">{shown[3]}</td>" in page.text
    assert re.search(r">\d{1,3}(,\d{3})*\.\d\d CNY</td>", page.text)
    assert re.search(r">\d+\.\d %</td>", page.text)
    exported = demo.client.get(f"/dashboard/open-pipeline.csv?period={QUARTER.code}")
    header, *rows = list(csv.reader(io.StringIO(exported.text)))
    assert header == list(t.columns)
    assert [tuple(r) for r in rows] == t.rows
    assert all(re.fullmatch(r"-?\d+(\.\d+)?", r[3]) for r in rows)
    attainment = demo.client.get(f"/dashboard/attainment.csv?period={QUARTER.code}")
    _, *kpis = list(csv.reader(io.StringIO(attainment.text)))
    assert all(r[4] == "" or re.fullmatch(r"-?\d+\.\d+", r[4]) for r in kpis)
