"""The pipeline board (issue 20, ADR 67) without a browser: the real app over the
in-memory store, a SQLite file and PostgreSQL; columns by stage in the SOP's order with
counts and value per currency, won and lost apart, cards with the pipeline's stale flag
and the next SOP step's form, filters by team, representative and period, and what the
read policy lets each reader see."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID, uuid4

import pytest
from freezegun import freeze_time
from salesdomain.adapters.web import page_board
from salesdomain.projections.kpi.periods import report_period

from salesdomain import clock
from salesdomain.opportunities import commands as oc
from salesdomain.sop import Role
from salesdomain.values import Money
from tests import builders as b
from tests import people_builders as pb
from tests.conftest import STORES, store_url_on
from tests.test_performance_rules import meeting
from tests.web_support import Web, web_on

CARL = b.person("Carl Rep", Role.SALES_REPRESENTATIVE)
NORTH = "North China Sales"


@dataclass
class Deals:
    web: Web
    today: date
    stale: UUID
    """Alice's, in CNY, past its expected close."""
    fresh: UUID
    """Alice's, in USD, closing in 60 days, visited today."""
    bobs: UUID
    """Bob's, in CNY, in needs analysis, closing in 200 days."""
    lost: UUID
    """Alice's, lost."""
    carls: UUID
    """Carl's (another team), in CNY."""


def _deal(web: Web, rep: b.Actor, name: str, value: str, currency: str, closes: date) -> UUID:
    reg = b.register(name=name, reg=f"9133{uuid4().hex[:14].upper()}")
    for command, actor in b.qualified_customer(reg, by=rep):
        web.send(command, actor)
    opp = uuid4()
    opened = oc.OpenOpportunity(
        opportunity_id=opp,
        customer_id=b.customer_id(reg),
        title=f"Deal of {name}",
        estimated_value=Money.of(value, currency),
        expected_close=closes,
    )
    web.send(opened, rep)
    return opp


@pytest.fixture(scope="module", params=STORES)
def deals(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deals]:
    with store_url_on(request.param, tmp_path_factory, "board") as url, web_on(url) as web:
        yield _given(web)


def _given(web: Web) -> Deals:
    today = clock.now().date()
    with freeze_time(today - timedelta(days=100)):
        web.token(pb.HANNA, founder=True)
        mia = pb.employee_id(b.MIA.name)
        for command, actor in [
            pb.enrol(pb.HANNA.name, Role.HR, founder=True),
            *pb.staff("Mia Manager", "Alice Rep", "Bob Rep"),
            pb.enrol(CARL.name, Role.SALES_REPRESENTATIVE, mia, team=NORTH, approver=b.DAN),
        ]:
            web.send(command, actor)
        closes = today - timedelta(days=10)
        stale = _deal(web, b.ALICE, "Hangzhou Precision", "500000", "CNY", closes)
    web.secrets.clear()  # issued in the past: expired by now
    fresh = _deal(web, b.ALICE, "Ningbo Motors", "120000", "USD", today + timedelta(days=60))
    web.send(b.log_visit(fresh, on=today), b.ALICE)
    bobs = _deal(web, b.BOB, "Suzhou Gears", "80000", "CNY", today + timedelta(days=200))
    web.send(b.log_visit(bobs, on=today), b.BOB)
    web.send(b.discover(bobs), b.BOB)
    lost = _deal(web, b.ALICE, "Wuxi Valves", "30000", "CNY", today + timedelta(days=30))
    web.send(oc.MarkOpportunityLost(opportunity_id=lost, reason="Budget cut"), b.ALICE)
    carls = _deal(web, CARL, "Harbin Tools", "1000", "CNY", today + timedelta(days=30))
    web.send(meeting(held_on=today, due=today + timedelta(days=3)), b.MIA)  # Alice's item
    return Deals(web, today, stale, fresh, bobs, lost, carls)


def _board(web: Web, actor: b.Actor, query: str = "") -> str:
    web.sign_in(actor)
    answer = web.client.get(f"/board{query}", headers=web.reading())
    assert answer.status_code == 200, answer.text
    return answer.text


OPEN = [
    "contact",
    "needs_analysis",
    "solution_design",
    "solution_presented",
    "quoted",
    "negotiation",
]


def _columns(html: str) -> list[str]:
    return re.findall(r'<section class="column" data-stage="([a-z_]+)"', html)


def _cards(html: str) -> list[str]:
    return re.findall(r'<li class="card[^"]*" data-id="([0-9a-f-]+)"', html)


def _column(html: str, stage: str) -> str:
    start = html.index(f'<section class="column" data-stage="{stage}"')
    return html[start : html.index("</section>", start)]


def test_open_stages_are_columns_in_the_sops_order_won_and_lost_apart(deals: Deals) -> None:
    html = _board(deals.web, b.MIA)
    assert _columns(html) == OPEN
    contact = _column(html, "contact")
    assert "3 deals" in contact
    assert re.findall(r'class="num total">([^<]+)<', contact) == [
        "501,000.00 CNY",
        "120,000.00 USD",
    ]
    assert "1 deal" in _column(html, "needs_analysis")
    assert (
        '<li data-stage="lost"><a href="/list/opportunities?status=lost">Lost: 1 deal</a>' in html
    )
    assert '<span class="num">30,000.00 CNY</span>' in html
    assert str(deals.lost) not in html  # a closed deal is no card
    assert "Won: 0 deals" in html
    assert "draggable" not in html


def test_a_card_shows_its_deal_the_stale_flag_first_and_its_next_sop_step(deals: Deals) -> None:
    contact = _column(_board(deals.web, b.MIA), "contact")
    assert _cards(contact) == [str(deals.stale), str(deals.fresh), str(deals.carls)]
    stale = contact[: contact.index(str(deals.fresh))]
    assert '<span class="flag">STALE</span>' in stale
    assert f'href="/record/opportunities/{deals.stale}"' in stale
    assert (
        f'<a href="/act/DiscoverNeeds?opportunity_id={deals.stale}">'
        "Next: Discover needs (SOP 2.2.1)</a>" in stale
    )
    for shown in ("Hangzhou Precision", "500,000.00 CNY", "Alice Rep", "100 days"):
        assert shown in stale
    assert (deals.today - timedelta(days=10)).isoformat() in stale
    fresh = contact[contact.index(str(deals.fresh)) : contact.index(str(deals.carls))]
    assert "STALE" not in fresh
    assert "120,000.00 USD" in fresh
    needs = _column(_board(deals.web, b.BOB), "needs_analysis")
    assert f'href="/act/DesignSolution?opportunity_id={deals.bobs}"' in needs


def test_the_filters_narrow_by_team_representative_and_period(deals: Deals) -> None:
    web = deals.web
    assert _cards(_board(web, b.MIA, f"?team={NORTH.replace(' ', '+')}")) == [str(deals.carls)]
    assert _cards(_board(web, b.MIA, f"?rep={b.BOB.employee_id}")) == [str(deals.bobs)]
    month = (deals.today + timedelta(days=60)).strftime("%Y-%m")
    html = _board(web, b.MIA, f"?period={month}")
    assert _cards(html) == [str(deals.fresh)]
    assert f'<option value="{month}" selected>' in html
    quarter = report_period(deals.today + timedelta(days=200), "quarter").label
    assert _cards(_board(web, b.MIA, f"?period={quarter}&team=")) == [str(deals.bobs)]


def test_a_representative_sees_their_own_deals_and_a_forged_owner_shows_nothing(
    deals: Deals,
) -> None:
    html = _board(deals.web, b.ALICE)
    assert set(_cards(html)) == {str(deals.stale), str(deals.fresh)}
    assert 'id="rep"' not in html
    assert 'id="team"' not in html
    forged = _board(deals.web, b.ALICE, f"?rep={b.BOB.employee_id}")
    assert _cards(forged) == []
    assert "Suzhou Gears" not in forged


def test_the_board_is_not_for_a_role_that_does_not_sell(deals: Deals) -> None:
    web = deals.web
    web.sign_in(pb.HANNA)
    answer = web.client.get("/board")
    assert answer.status_code == 403
    assert 'href="/board"' not in answer.text
    assert 'href="/board"' not in web.client.get("/").text
    web.sign_in(b.ALICE)
    assert 'href="/board"' in web.client.get("/").text


def test_a_column_shows_its_first_cards_and_links_to_all(
    deals: Deals, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(page_board, "CARDS_PER_STAGE", 1)
    contact = _column(_board(deals.web, b.MIA, f"?rep={b.ALICE.employee_id}"), "contact")
    assert _cards(contact) == [str(deals.stale)]
    href = f"/list/opportunities?status=contact&amp;owner_id={b.ALICE.employee_id}"
    assert f'<a href="{href}">See all 2</a>' in contact


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("?period=2026-Q9", "is not a quarter"),
        ("?period=" + "9" * 101, "period"),
    ],
)
def test_a_wrong_filter_is_answered_in_words(deals: Deals, query: str, words: str) -> None:
    deals.web.sign_in(b.MIA)
    answer = deals.web.client.get(f"/board{query}")
    assert answer.status_code == 422
    assert words in answer.text
    assert "Traceback" not in answer.text
