"""My work (issue 20): what is due from the signed-in person, overdue first, each item
with its SOP step, its record and the form that discharges it; a manager switches to
their team's; a representative never sees another's; on the in-memory store, a SQLite
file and PostgreSQL (the deals of ``test_workspace_board``, and an action item of
Alice's due in three days)."""

from __future__ import annotations

import re

import pytest
from salesdomain.adapters.web import page_work

from tests import builders as b
from tests import people_builders as pb
from tests.test_workspace_board import Deals, deals
from tests.web_support import Web

__all__ = ["deals"]


def _work(web: Web, actor: b.Actor, query: str = "", status: int = 200) -> str:
    web.sign_in(actor)
    answer = web.client.get(f"/my-work{query}", headers=web.reading())
    assert answer.status_code == status, answer.text
    return answer.text


def _items(html: str) -> list[tuple[bool, str]]:
    """Each item: overdue or not, and its deadline in words."""
    return [
        (klass == ' class="overdue"', when)
        for klass, when in re.findall(
            r'<li( class="overdue")?>\s*<p><span class="when">([^<]+)<', html
        )
    ]


def test_overdue_first_then_by_deadline_each_with_its_step_record_and_form(
    deals: Deals,
) -> None:
    html = _work(deals.web, b.ALICE)
    items = _items(html)
    assert items[0] == (True, "Overdue by 9 days")
    assert (False, "Due in 3 days") in items
    flags = [overdue for overdue, _ in items]
    assert flags == sorted(flags, reverse=True)
    stale = html[: html.index("Due in 3 days")]
    assert "SOP 2.1.3 Contact and communication" in stale
    assert f'<a href="/record/opportunities/{deals.stale}">' in stale
    assert (
        f'<a href="/act/ReviseExpectedClose?opportunity_id={deals.stale}">'
        "Revise expected close (SOP 2.1.3)</a>" in stale
    )
    assert f'href="/act/MarkOpportunityLost?opportunity_id={deals.stale}"' in stale
    assert "by the end of " in stale
    assert 'id="team"' not in html  # no team to switch to


def test_a_manager_switches_to_their_teams_work(deals: Deals) -> None:
    own = _work(deals.web, b.MIA)
    assert str(deals.stale) not in own
    assert '<option value="false" selected>Mine</option>' in own
    team = _work(deals.web, b.MIA, "?team=true")
    assert '<option value="true" selected>My team\'s</option>' in team
    assert f'<a href="/record/opportunities/{deals.stale}">' in team
    assert "· Alice Rep" in team
    assert _items(team)[0][0] is True


def test_a_representative_never_sees_anothers_work(deals: Deals) -> None:
    bob = str(b.BOB.employee_id)
    as_mia = _work(deals.web, b.MIA, f"?employee={bob}")
    assert _items(as_mia)  # Bob has work (his team's duties) a manager may see
    forged = _work(deals.web, b.ALICE, f"?employee={bob}")
    assert _items(forged) == []
    assert "Nothing is due from you" in forged
    ignored = _work(deals.web, b.ALICE, f"?owner_id={bob}")  # not a filter of this page
    assert _items(ignored) == _items(_work(deals.web, b.ALICE))


def test_my_work_is_paged_with_the_queues_cursor(
    deals: Deals, monkeypatch: pytest.MonkeyPatch
) -> None:
    every = _items(_work(deals.web, b.ALICE))
    monkeypatch.setattr(page_work, "PAGE_SIZE", 1)
    shown, href = [], "/my-work"
    while href:
        html = _work(deals.web, b.ALICE, href.removeprefix("/my-work"))
        shown += _items(html)
        found = re.search(r'<a href="([^"]+)" rel="next">', html)
        href = found.group(1).replace("&amp;", "&") if found else ""
    assert shown == every
    wrong = _work(deals.web, b.ALICE, "?cursor=not-a-cursor", status=422)
    assert "Cursor: " in wrong


def test_the_home_page_counts_what_is_due_and_links_to_my_work(deals: Deals) -> None:
    deals.web.sign_in(b.ALICE)
    home = deals.web.client.get("/").text
    overdue = sum(1 for overdue, _ in _items(_work(deals.web, b.ALICE)) if overdue)
    assert f"<li><strong>{overdue}</strong> overdue</li>" in home
    assert '<a href="/my-work">Open my work</a>' in home
    assert '<li><a href="/my-work">My work</a></li>' in home


def test_someone_with_nothing_due_is_told_so(deals: Deals) -> None:
    html = _work(deals.web, pb.HANNA)
    assert ("Nothing is due from you" in html) == (_items(html) == [])
