"""Security headers on every page and API answer, and pages without inline script."""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib.resources import files

import pytest
from salesdomain.adapters.web.headers import DOCS_POLICY, POLICY

from tests import builders as b
from tests.web_support import Web, web_with_alice

STATIC = files("salesdomain.adapters.web") / "static"


@pytest.fixture(scope="module")
def web() -> Iterator[Web]:
    with web_with_alice("memory://") as served:
        yield served


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/dashboard", 200),
        ("GET", "/static/workspace.js", 200),
        ("GET", "/openapi.json", 200),
        ("GET", "/views/pipeline", 401),  # no token
        ("GET", "/no/such/page", 404),
        ("POST", "/commands/RegisterProspect", 401),
    ],
)
def test_every_answer_carries_the_security_headers(
    web: Web, method: str, path: str, status: int
) -> None:
    answer = web.client.request(method, path, json={} if method == "POST" else None)
    assert answer.status_code == status
    assert answer.headers["content-security-policy"] == POLICY
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert answer.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in POLICY
    assert "'unsafe-inline'" not in POLICY


def test_an_answer_with_a_token_and_a_refused_body_carry_them_too(web: Web) -> None:
    assert web.get("/me", b.ALICE).headers["content-security-policy"] == POLICY
    huge = web.client.post(
        "/commands/RegisterProspect",
        content=b"x" * (3 * 1024 * 1024),
        headers={"Content-Type": "application/json"},
    )
    assert huge.status_code == 413
    assert huge.headers["x-content-type-options"] == "nosniff"


def test_the_api_documentation_loads_swagger_from_its_cdn_without_inline_script(
    web: Web,
) -> None:
    answer = web.client.get("/docs")
    assert answer.status_code == 200
    assert answer.headers["content-security-policy"] == DOCS_POLICY
    assert "'unsafe-inline'" not in DOCS_POLICY
    assert "/static/docs.js" in answer.text


@pytest.mark.parametrize("page", ["docs.html"])
def test_pages_have_no_inline_script(page: str) -> None:
    html = (STATIC / page).read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts
    assert all('src="' in attributes and not body.strip() for attributes, body in scripts)
    assert not re.search(r"\son[a-z]+\s*=", html)  # no onclick= and the like
    assert "javascript:" not in html
