"""Whatever a person or a forged link sends to a workspace page, an answer in words:
never a 500, never a traceback, never their text run as markup, and a value a page
cannot take is said in words (a page; a CSV export: plain text), not in the API's JSON
(issue 20, ADR 63).

Every page route the app has (the routes left out of the API's schema, but the static
files and the API's own documentation) is asked with each hostile value in each of its
path and query parameters, by a representative and by a manager, so a page added later
is covered without a line here."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from urllib.parse import quote

import pytest
import salesdomain.adapters.web as web_package
from fastapi import APIRouter
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from tests import builders as b
from tests.web_support import Web, web_with_alice

HOSTILE = [
    "",
    " ",
    "x" * 5000,
    "\x00",
    "%00",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "-1",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "2026-02-30",
    "0001-01-01T00:00:00+00:00",
    "9999-12-31T23:59:59+14:00",
    "😀" * 300,
    "00000000-0000-0000-0000-000000000000",
    "null",
]
SKIPPED = ("/static", "/docs", "/openapi", "/sign-in", "/sign-out")
"""Not pages of the workspace: files, the API's documentation, and sign-in and sign-out
(their forms are tested in ``test_workspace_pages``)."""


@pytest.fixture(scope="module")
def web() -> Iterator[Web]:
    with web_with_alice("memory://") as served:
        yield served


def _pages() -> list[APIRoute]:
    """The page routes of every module of the web adapter (its ``router``), so a page
    module added later is found here."""
    found: list[APIRoute] = []
    for module in pkgutil.iter_modules(web_package.__path__):
        router = getattr(
            importlib.import_module(f"{web_package.__name__}.{module.name}"), "router", None
        )
        if isinstance(router, APIRouter):
            found += [
                route
                for route in router.routes
                if isinstance(route, APIRoute)
                and not route.include_in_schema
                and "GET" in route.methods
                and not route.path.startswith(SKIPPED)
            ]
    return found


def _params(dependant: Dependant) -> tuple[list[str], list[str]]:
    """The path and query parameters a route reads, its dependencies' included."""
    path = [p.name for p in dependant.path_params]
    query = [p.alias for p in dependant.query_params]
    for inner in dependant.dependencies:
        more_path, more_query = _params(inner)
        path += more_path
        query += more_query
    return path, query


def _address(route: APIRoute, chosen: str | None, value: str) -> tuple[str, dict[str, str]]:
    path_names, query_names = _params(route.dependant)
    path = route.path
    for name in path_names:
        filler = value if name == chosen else "00000000-0000-0000-0000-000000000001"
        path = path.replace("{" + name + "}", quote(filler, safe="") or "-")
    query = {name: value for name in query_names if name == chosen}
    return path, query


def _cases(web: Web) -> list[tuple[APIRoute, str | None]]:
    cases: list[tuple[APIRoute, str | None]] = []
    for route in _pages():
        path_names, query_names = _params(route.dependant)
        names = path_names + query_names
        cases += [(route, name) for name in names] or [(route, None)]
    return cases


@pytest.mark.parametrize("actor", [b.ALICE, b.DAN], ids=["representative", "director"])
def test_no_page_breaks_on_any_value(web: Web, actor: b.Actor) -> None:
    web.sign_in(actor)
    cases = _cases(web)
    assert len({route.path for route, _ in cases}) >= 3  # the workspace's pages are found
    broken = []
    for route, name in cases:
        for value in HOSTILE if name is not None else [""]:
            path, query = _address(route, name, value)
            answer = web.client.get(path, params=query, follow_redirects=False)
            text = answer.text
            markup = answer.headers.get("content-type", "").startswith("text/html")
            if (
                answer.status_code >= 500
                or "Traceback" in text
                or (markup and "<script>alert(1)</script>" in text)
            ):
                broken.append(f"{route.path} {name}={value[:30]!r}: {answer.status_code}")
            elif answer.status_code == 422 and "json" in answer.headers.get("content-type", ""):
                broken.append(f"{route.path} {name}={value[:30]!r}: 422 in the API's JSON")
    assert broken == []
