"""Lists and record pages without a browser (issue 20, ADR 65): every list searched,
filtered, sorted and paged as ``GET /records/{kind}`` is, as the read policy lets the
reader see it; a record's state, history, past and next steps; every bad address a
page in words (404 or 422 naming the field), never a 500."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

import pytest
from freezegun import freeze_time
from salesdomain.projections.records import LISTS

from tests import builders as b
from tests.test_read_policy import (
    ALICE,
    ALICE_DEAL,
    DAN,
    HANNA,
    PAT,
    WES,
    WES_DEAL,
    _company,
    _deals,
)
from tests.web_support import Web, web_on

EARLY = "2026-03-02T09:00:00+00:00"
LATER = "2026-03-04T09:00:00+00:00"


@pytest.fixture(scope="module")
def company() -> Iterator[Web]:
    """The read policy's company; Alice's deal then analysed two days later."""
    with web_on("memory://") as web:
        with freeze_time(EARLY):
            web.token(HANNA, founder=True)
            for command, actor in [*_company(), *_deals()]:
                web.send(command, actor)
        with freeze_time(LATER):
            web.send(b.discover(ALICE_DEAL), ALICE)
            yield web


def _page(web: Web, actor: b.Actor, path: str) -> tuple[int, str]:
    web.sign_in(actor)
    answer = web.client.get(path, headers=web.reading())
    assert "Traceback" not in answer.text
    return answer.status_code, unescape(answer.text)


def _names(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<td data-label="Name"><a href="[^"]+">([^<]+)</a>', body)


@pytest.mark.parametrize("kind", list(LISTS))
def test_every_list_is_a_page_for_a_director(company: Web, kind: str) -> None:
    status, html = _page(company, DAN, f"/list/{kind}")
    assert status == 200
    assert "<h1>" in html
    assert 'name="search"' in html
    assert '<select id="status" name="status">' in html
    assert '<select id="sort" name="sort">' in html


def test_the_index_names_the_lists_a_role_may_read(company: Web) -> None:
    _, rep = _page(company, ALICE, "/list")
    assert 'href="/list/opportunities"' in rep
    _, nav = _page(company, ALICE, "/")
    assert 'href="/list"' in nav


def test_a_representative_lists_only_their_own_deals(company: Web) -> None:
    _, alice = _page(company, ALICE, "/list/opportunities")
    _, wes = _page(company, WES, "/list/opportunities")
    _, dan = _page(company, DAN, "/list/opportunities")
    assert f"/record/opportunities/{ALICE_DEAL}" in alice
    assert str(WES_DEAL) not in alice
    assert str(WES_DEAL) in wes
    assert str(ALICE_DEAL) not in wes
    assert str(ALICE_DEAL) in dan
    assert str(WES_DEAL) in dan
    assert "Needs analysis" in alice  # the stage in words


def test_search_status_and_order(company: Web) -> None:
    _, found = _page(company, DAN, "/list/customers?search=pump+works&status=qualified")
    assert _names(found) == ["Xi'an Pump Works"]
    _, none = _page(company, DAN, "/list/customers?search=nothing+like+it")
    assert _names(none) == []
    assert "No customers to show with these filters." in none
    _, by_name = _page(company, DAN, "/list/customers?sort=name")
    assert _names(by_name) == sorted(_names(by_name), key=str.casefold)
    _, newest = _page(company, DAN, "/list/customers?sort=newest")
    _, oldest = _page(company, DAN, "/list/customers?sort=oldest")
    assert _names(newest) == list(reversed(_names(oldest)))


def test_a_period_is_given_in_days(company: Web) -> None:
    _, within = _page(company, DAN, "/list/opportunities?since=2026-03-02&until=2026-03-02")
    assert len(_names(within)) == 2
    _, after = _page(company, DAN, "/list/opportunities?since=2026-03-03")
    assert _names(after) == []


def test_pages_follow_the_cursor_and_go_back_to_the_first(company: Web) -> None:
    seen: list[str] = []
    path = "/list/employees?limit=3"
    while True:
        _, html = _page(company, HANNA, path)
        seen += _names(html)
        following = re.search(r'<a href="([^"]+)" rel="next">Next page</a>', html)
        if following is None:
            break
        path = following.group(1)
        assert "cursor=" in path
        assert "limit=3" in path
        assert 'href="/list/employees?limit=3">First page' in html or seen[:3] == _names(html)
    assert len(seen) == len(set(seen)) == 8


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/list/salaries", 404, "known: customers, opportunities"),
        ("/list/customers?status=won", 422, "status"),
        ("/list/customers?since=yesterday", 422, "since"),
        ("/list/customers?owner_id=nobody", 422, "owner_id"),
        ("/list/customers?cursor=abc", 422, "cursor"),
        ("/list/customers?limit=0", 422, "limit"),
        ("/list/customers?search=" + "x" * 300, 422, "search"),
        ("/record/salaries/" + str(ALICE_DEAL), 404, "known:"),
        ("/record/opportunities/not-an-id", 422, "id"),
        (f"/record/opportunities/{ALICE_DEAL}?as_of=last+week", 422, "as_of"),
        (f"/record/opportunities/{ALICE_DEAL}?as_of=0001-01-01T00:00", 422, "as_of"),
    ],
)
def test_a_bad_address_is_a_page_in_words(company: Web, path: str, status: int, words: str) -> None:
    answer, html = _page(company, DAN, path)
    assert answer == status
    assert words in html


def test_a_record_shows_its_state_history_and_steps(company: Web) -> None:
    status, html = _page(company, ALICE, f"/record/opportunities/{ALICE_DEAL}")
    assert status == 200
    assert "Needs analysis" in html
    assert "2.2.1 Discover needs" in html  # a history line
    assert "2 March 2026" in html  # dates in words
    assert f'href="/act/PrioritiseNeeds?opportunity_id={ALICE_DEAL}"' in html
    assert "/act/IssueQuote" not in html  # not before a solution is acknowledged
    assert "/act/ApproveDiscount" not in html


def test_as_of_shows_the_record_as_it_stood(company: Web) -> None:
    status, html = _page(company, ALICE, f"/record/opportunities/{ALICE_DEAL}?as_of=2026-03-03")
    assert status == 200
    assert "As it stood on 3 March 2026" in html
    assert f'href="/record/opportunities/{ALICE_DEAL}">Back to now' in html
    state = html.split('id="state-h"', 1)[1].split("</section>", 1)[0]
    assert "Contact" in state
    assert "Needs analysis" not in state
    assert "/act/" not in html  # no step on the past


def test_a_department_without_the_deal_in_its_reach_gets_a_404(company: Web) -> None:
    status, _ = _page(company, PAT, f"/record/opportunities/{ALICE_DEAL}")
    assert status == 404


def test_another_reps_record_is_not_found(company: Web) -> None:
    status, html = _page(company, ALICE, f"/record/opportunities/{WES_DEAL}")
    assert status == 404
    assert "not one you may read" in html


def test_a_done_notice_is_escaped_and_bounded(company: Web) -> None:
    company.client.cookies.clear()
    _page(company, ALICE, "/")
    raw = company.client.get(
        f"/record/opportunities/{ALICE_DEAL}", params={"done": "<b>x</b>" + "y" * 500}
    ).text
    assert "Recorded: &lt;b&gt;x&lt;/b&gt;" in raw
    assert "y" * 200 not in raw


def test_a_director_is_offered_only_the_steps_the_sop_gives_a_director(company: Web) -> None:
    _, dan = _page(company, DAN, f"/record/opportunities/{ALICE_DEAL}")
    assert "/act/PrioritiseNeeds" not in dan  # 2.2.2 is the sales team's, not a director's
