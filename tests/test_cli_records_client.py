"""``salesdomain list`` and ``show`` in client mode (issue 19, ADR 59): through the web
API's ``GET /records/{kind}`` and ``GET /records/{kind}/{id}``, served by uvicorn over
the demo's store on a SQLite file and on PostgreSQL.  What they print (tables and
``--json``) is what direct mode prints, of the records the token's employee may read;
an unknown kind, a record not found and a bad cursor are refused alike.  Every list is
checked, whichever kinds ``LISTS`` holds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from salesdomain.adapters.bootstrap import build_system
from salesdomain.adapters.cli import app
from salesdomain.adapters.demo import run_demo
from salesdomain.adapters.web import create_app
from salesdomain.adapters.web.tokens import TokenStore
from salesdomain.projections.records import LISTS
from typer.testing import CliRunner, Result

from salesdomain.sop import Role
from salesdomain.values import Actor
from tests.web_support import SERVED_STORES, served_on, serving

READERS = {"dan": ("Dan Wu", Role.SALES_DIRECTOR), "hana": ("Hana Li", Role.HR)}
READERS["alice"] = ("Alice Wang", Role.SALES_REPRESENTATIVE)
"""Who reads: the sales director reads every sales and operations record, HR every
employee, a representative their own."""
WIDE = {"COLUMNS": "250"}


@dataclass
class Served:
    """The demo's store served at ``url``, with a token file per reader."""

    url: str
    database_url: str
    files: dict[str, Path]
    ids: dict[str, str]

    def cli(self, who: str, *args: str) -> Result:
        argv = ["--api", self.url, "--token-file", str(self.files[who]), *args]
        return CliRunner().invoke(app, argv, env=WIDE)

    def direct(self, *args: str) -> Result:
        return CliRunner().invoke(app, [*args, "--database-url", self.database_url], env=WIDE)


def _json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _serve(url: str, folder: Path) -> Iterator[Served]:
    system = build_system(url)
    try:
        run_demo(system, 7)
        served = Served("", url, {}, {})
        staff = _json(served.direct("list", "employees", "--limit", "1000", "--json"))
        served.ids = {row["name"]: row["id"] for row in staff["rows"]}
        tokens = TokenStore(system.store)
        for who, (name, role) in READERS.items():
            actor = Actor(employee_id=served.ids[name], role=role, name=name)
            served.files[who] = folder / f"{who}.token"
            served.files[who].write_text(tokens.issue(actor).secret, encoding="utf-8")
        with serving(create_app(system)) as port:
            served.url = f"http://127.0.0.1:{port}"
            yield served
    finally:
        system.close()


@pytest.fixture(scope="module", params=SERVED_STORES)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    yield from served_on(request.param, tmp_path_factory.mktemp("records"), _serve)


def _reader_of_all(kind: str) -> str:
    """Who may read every record of the list: HR the people records, the sales director
    the others."""
    return "hana" if kind in ("employees", "candidates", "appraisals") else "dan"


def _without_moment(found: dict[str, Any]) -> dict[str, Any]:
    """A page as printed, without what differs between two reads (when, and where the
    view stood)."""
    return {key: value for key, value in found.items() if key not in ("as_at", "position")}


@pytest.mark.parametrize("kind", list(LISTS))
def test_a_list_in_client_mode_is_direct_mode_s_of_what_the_reader_may_read(
    served: Served, kind: str
) -> None:
    who = _reader_of_all(kind)
    client = _json(served.cli(who, "list", kind, "--limit", "1000", "--json"))
    direct = _json(served.direct("list", kind, "--limit", "1000", "--json"))
    assert set(client) == {"as_at", "position", "rows", "next_cursor"}
    if kind in ("customers", "opportunities", "orders", "service-cases", "employees"):
        assert client["rows"], f"the demo has {kind}"
    assert _without_moment(client) == _without_moment(direct)
    table = served.cli(who, "list", kind, "--limit", "1000", "--wide")
    assert table.exit_code == 0, table.output
    for row in client["rows"][:3]:
        assert row["id"] in table.stdout


def test_a_representative_lists_her_own_and_the_filters_reach_the_api(served: Served) -> None:
    alice = served.ids["Alice Wang"]
    everyone = _json(served.direct("list", "opportunities", "--limit", "1000", "--json"))
    hers = _json(served.cli("alice", "list", "opportunities", "--limit", "1000", "--json"))
    assert hers["rows"]
    assert {row["owner_id"] for row in hers["rows"]} == {alice}
    assert len(hers["rows"]) < len(everyone["rows"])
    asked = ("--owner", alice, "--sort", "name", "--status", "won", "--json")
    client = _json(served.cli("dan", "list", "opportunities", *asked))
    direct = _json(served.direct("list", "opportunities", *asked))
    assert client["rows"]
    assert _without_moment(client) == _without_moment(direct)
    searched = _json(served.cli("dan", "list", "customers", "--search", "ningbo", "--json"))
    assert (
        searched["rows"]
        == _json(served.direct("list", "customers", "--search", "ningbo", "--json"))["rows"]
    )


def test_the_text_of_a_page_is_direct_mode_s(served: Served) -> None:
    def body(result: Result) -> list[str]:
        assert result.exit_code == 0, result.output
        return result.stdout.splitlines()[1:]  # the title says when the page was read

    asked = ("list", "orders", "--limit", "2")
    assert body(served.cli("dan", *asked)) == body(served.direct(*asked))


@pytest.mark.parametrize("kind", ["customers", "orders", "employees"])
def test_client_mode_pages_through_a_list_by_its_cursor(served: Served, kind: str) -> None:
    who = _reader_of_all(kind)
    seen: list[str] = []
    found = _json(served.cli(who, "list", kind, "--limit", "1", "--json"))
    while True:
        seen += [row["id"] for row in found["rows"]]
        if found["next_cursor"] is None:
            break
        more = ("--limit", "1", "--cursor", found["next_cursor"], "--json")
        found = _json(served.cli(who, "list", kind, *more))
    whole = _json(served.cli(who, "list", kind, "--limit", "1000", "--json"))
    assert seen == [row["id"] for row in whole["rows"]]
    assert len(seen) > 1
    printed = served.cli(who, "list", kind, "--limit", "1").stdout
    assert "add --cursor" in printed


def _refused_alike(client: Result, direct: Result, code: int, *words: str) -> None:
    assert client.exit_code == direct.exit_code == code, (client.output, direct.output)
    assert client.stderr == direct.stderr
    assert client.stderr.startswith("error: ")
    for word in words:
        assert word in client.stderr


def test_unknown_kinds_records_and_bad_cursors_are_refused_as_in_direct_mode(
    served: Served,
) -> None:
    for args, code, words in [
        (("list", "invoices"), 2, ("KIND:", "'invoices'")),
        (("show", "invoice", str(uuid4())), 2, ("KIND:", "'invoice'")),
        (("show", "order", str(uuid4())), 6, ("no Order with id",)),
        (("list", "orders", "--cursor", "r1.garbage"), 2, ("--cursor",)),
        (("list", "orders", "--status", "won"), 2, ("--status",)),
        (("list", "customers", "--customer", str(uuid4())), 2, ("--customer",)),
        (("list", "employees", "--sort", "newest"), 2, ("employees have no time",)),
    ]:
        _refused_alike(served.cli("dan", *args), served.direct(*args), code, *words)
    first = _json(served.cli("dan", "list", "orders", "--limit", "1", "--json"))
    other = ("list", "orders", "--limit", "1", "--cursor", first["next_cursor"], "--sort", "name")
    _refused_alike(served.cli("dan", *other), served.direct(*other), 2, "--cursor")
    as_json = served.cli("dan", "list", "invoices", "--json")
    assert json.loads(as_json.stderr)["exit_code"] == 2


@pytest.mark.parametrize("kind", list(LISTS))
def test_show_in_client_mode_is_direct_mode_s(served: Served, kind: str) -> None:
    who = _reader_of_all(kind)
    rows = _json(served.cli(who, "list", kind, "--limit", "1", "--json"))["rows"]
    if not rows:
        pytest.skip(f"the demo has no {kind}")
    record = rows[0]["id"]
    client = _json(served.cli(who, "show", kind, record, "--json"))
    direct = _json(served.direct("show", kind, record, "--json"))
    if client["state"] is not None:  # what a reader may see of a confidential record
        assert client == direct
    assert client["history"]
    text = served.cli(who, "show", kind, record)
    assert text.exit_code == 0, text.output
    if client["state"] is not None:
        assert text.stdout == served.direct("show", kind, record).stdout
    moment = client["history"][0]["at"]
    then = _json(served.cli(who, "show", kind, record, "--as-of", moment, "--json"))
    assert then == _json(served.direct("show", kind, record, "--as-of", moment, "--json"))


def test_a_record_the_reader_may_not_read_is_not_found(served: Served) -> None:
    bobs = _json(served.direct("list", "customers", "--owner", served.ids["Bob Liu"], "--json"))[
        "rows"
    ]
    assert bobs
    refused = served.cli("alice", "show", "customer", bobs[0]["id"])
    assert refused.exit_code == 6, refused.output
    assert "no Customer with id" in refused.stderr
