"""``salesdomain customers`` (docs/cli.md): the customer list printed directly, every
customer (the administrator), and in client mode the customers the web API lets the
token's employee read (ADR 30), by the same code; searched by name, region, industry,
owner and status, a page at a time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from salesdomain.adapters.cli import app
from typer.testing import CliRunner, Result

from salesdomain.prospecting import commands as pc
from tests import builders as b
from tests.builders import ALICE, BOB
from tests.test_cli_client import Served, served_to_alice_after
from tests.web_support import SERVED_STORES, served_on

T0 = "2026-03-02 09:00:00+00:00"
ACME = b.register("ACME Machinery Ltd", "", region="North China")
APEX = b.register("Apex Tools Co.", "", industry="Tools")
ZENITH = b.register("Zenith Textiles Co.", "")


def _serve(url: str, folder: Path) -> Iterator[Served]:
    steps = [
        *b.qualified_customer(ACME),
        (APEX, ALICE),
        (ZENITH, BOB),
        (pc.DeactivateCustomer(customer_id=b.customer_id(ZENITH), reason="Closed"), BOB),
    ]
    yield from served_to_alice_after(url, folder, steps, T0)


@pytest.fixture(scope="module", params=SERVED_STORES)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    yield from served_on(request.param, tmp_path_factory.mktemp("customers"), _serve)


def _direct(served: Served, *args: str) -> Result:
    argv = ["customers", *args, "--database-url", served.database_url]
    return CliRunner().invoke(app, argv)


def _names(result: Result) -> list[str]:
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert set(found) == {"as_at", "position", "rows", "next_cursor"}
    return [row["company_name"] for row in found["rows"]]


def test_directly_every_customer_by_name_with_its_status(served: Served) -> None:
    result = _direct(served, "--json")
    assert _names(result) == ["ACME Machinery Ltd", "Apex Tools Co.", "Zenith Textiles Co."]
    statuses = [row["status"] for row in json.loads(result.stdout)["rows"]]
    assert statuses == ["qualified", "prospect", "inactive"]
    table = _direct(served, "--name", "textiles")
    assert table.exit_code == 0, table.output
    assert "Zenith Textiles Co." in table.stdout
    assert "inactive" in table.stdout


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["--name", "CO."], ["Apex Tools Co.", "Zenith Textiles Co."]),
        (["--region", "North China"], ["ACME Machinery Ltd"]),
        (["--industry", "Tools"], ["Apex Tools Co."]),
        (["--owner", str(BOB.employee_id)], ["Zenith Textiles Co."]),
        (["--status", "prospect"], ["Apex Tools Co."]),
    ],
)
def test_the_filters_choose_the_customers(served: Served, args: list[str], names: list[str]):
    assert _names(_direct(served, *args, "--json")) == names


def test_in_client_mode_a_representative_lists_the_customers_they_own(served: Served) -> None:
    assert _names(served.cli("alice", "customers", "--json")) == [
        "ACME Machinery Ltd",
        "Apex Tools Co.",
    ]
    assert _names(served.cli("alice", "customers", "--all", "--json")) == [
        "ACME Machinery Ltd",
        "Apex Tools Co.",
    ]
    assert _names(served.cli("alice", "customers", "--status", "inactive", "--json")) == []


@pytest.mark.parametrize("mode", ["direct", "client"])
def test_a_page_at_a_time_following_the_cursor(served: Served, mode: str) -> None:
    def run(*args: str) -> Result:
        if mode == "direct":
            return _direct(served, *args)
        return served.cli("alice", "customers", *args)

    seen: list[str] = []
    found = json.loads(run("--limit", "1", "--json").stdout)
    while True:
        seen += [row["company_name"] for row in found["rows"]]
        if found["next_cursor"] is None:
            break
        found = json.loads(run("--limit", "1", "--cursor", found["next_cursor"], "--json").stdout)
    assert seen == _names(run("--json"))
    first = json.loads(run("--limit", "1", "--json").stdout)
    refused = run("--limit", "1", "--cursor", first["next_cursor"], "--status", "prospect")
    assert refused.exit_code == {"direct": 2, "client": 3}[mode]  # usage; the API's 422
    assert "cursor" in refused.output
