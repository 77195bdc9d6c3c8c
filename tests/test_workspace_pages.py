"""The workspace's pages without a browser (ADR 63): whatever a person sends, an answer
in words and never a 500; the dashboard only for the roles that lead a team; sign-out
only with the page's own secret."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests import builders as b
from tests.web_support import Web, founded, web_on


@pytest.fixture(scope="module")
def web() -> Iterator[Web]:
    with web_on("memory://") as served:
        founded(served, [(b.register(), b.ALICE)])
        yield served


def _signed_in(web: Web, actor: b.Actor) -> None:
    web.client.cookies.clear()
    answer = web.client.post(
        "/sign-in", data={"token": web.token(actor), "next": "/"}, follow_redirects=False
    )
    assert answer.status_code == 303


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
    _signed_in(web, b.DAN)
    answer = web.client.get(f"/dashboard?{query}")
    assert answer.status_code == status
    assert words in answer.text
    assert "Traceback" not in answer.text


def test_a_table_the_dashboard_does_not_have_is_404(web: Web) -> None:
    _signed_in(web, b.DAN)
    assert web.client.get("/dashboard/forecast.csv").status_code == 200
    assert web.client.get("/dashboard/salaries.csv").status_code == 404


def test_a_representative_is_refused_the_dashboard_and_its_tables(web: Web) -> None:
    _signed_in(web, b.ALICE)
    page = web.client.get("/dashboard")
    assert page.status_code == 403
    assert 'href="/dashboard"' not in page.text
    assert web.client.get("/dashboard/forecast.csv").status_code == 403


def test_sign_out_needs_the_pages_secret_and_ends_the_session(web: Web) -> None:
    _signed_in(web, b.DAN)
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
    _signed_in(web, b.DAN)
    for path in ("/", "/dashboard", "/sign-in"):
        html = web.client.get(path).text
        for attributes, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S):
            assert 'type="application/json"' in attributes or (
                'src="/static/' in attributes and not body.strip()
            )
        assert not re.search(r"\son[a-z]+\s*=", html)
        assert 'style="' not in html
