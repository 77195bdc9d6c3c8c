"""``salesdomain prices`` (docs/cli.md): competitor prices against our list prices,
printed directly (the administrator) and in client mode through the web API (ADR 30), by
the same code; for one product or all, a page at a time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from salesdomain.adapters.cli import app
from typer.testing import CliRunner, Result

from salesdomain.prospecting import commands as pc
from salesdomain.prospecting.values import CompetitorPrice, ResearchSubject
from tests import builders as b
from tests.builders import MARK, MIA, TODAY
from tests.test_cli_client import Served, served_to_alice_after
from tests.web_support import SERVED_STORES, served_on

T0 = "2026-03-02 09:00:00+00:00"


def _seen(competitor: str, code: str, amount: str) -> CompetitorPrice:
    return CompetitorPrice(
        competitor=competitor, product_code=code, price=b.money(amount), observed_on=TODAY
    )


STEPS = [
    (
        b.list_product(),
        MIA,
    ),
    (
        pc.RecordMarketResearch(
            subject_kind=ResearchSubject.PRODUCT,
            subject="Retrofit kits",
            competitor_prices=(
                _seen("Acme", "RK-3", "920"),
                _seen("Delta", "RK-3", "1050"),
                _seen("Acme", "ZZ-9", "10"),
            ),
        ),
        MARK,
    ),
]


def _serve(url: str, folder: Path) -> Iterator[Served]:
    yield from served_to_alice_after(url, folder, STEPS, T0)


@pytest.fixture(scope="module", params=SERVED_STORES)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    yield from served_on(request.param, tmp_path_factory.mktemp("prices"), _serve)


def _direct(served: Served, *args: str) -> Result:
    return CliRunner().invoke(app, ["prices", *args, "--database-url", served.database_url])


def _rows(result: Result) -> list[tuple[str, str, str | None, str | None]]:
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    return [
        (
            row["product_code"],
            row["competitor"],
            None if row["list_price"] is None else row["list_price"]["amount"],
            row["difference"],
        )
        for row in found["rows"]
    ]


EVERY = [
    ("RK-3", "Acme", "1000.00", "-0.0800"),
    ("RK-3", "Delta", "1000.00", "0.0500"),
    ("ZZ-9", "Acme", None, None),
]


def test_directly_every_competitor_price_beside_ours(served: Served) -> None:
    assert _rows(_direct(served, "--json")) == EVERY
    assert _rows(_direct(served, "--all", "--limit", "1", "--json")) == EVERY
    assert _rows(_direct(served, "--product", "zz-9", "--json")) == EVERY[2:]
    table = _direct(served, "--product", "RK-3")
    assert table.exit_code == 0, table.output
    assert "RK-3 Retrofit kit" in table.stdout
    assert "-8.0%" in table.stdout


def test_in_client_mode_a_representative_reads_them_through_the_api(served: Served) -> None:
    assert _rows(served.cli("alice", "prices", "--json")) == EVERY
    assert _rows(served.cli("alice", "prices", "--all", "--json")) == EVERY
    first = json.loads(served.cli("alice", "prices", "--limit", "2", "--json").stdout)
    rest = served.cli("alice", "prices", "--limit", "2", "--cursor", first["next_cursor"], "--json")
    assert _rows(rest) == EVERY[2:]
