"""``salesdomain kpi --by A --by B`` and ``salesdomain market-share`` (docs/cli.md), and
their web routes (``/views/kpi?then_by=``, ``/views/kpi/market-share``): printed
directly (the administrator) and in client mode through the web API, where a
representative reads their own figures (ADR 30); figures worked out by hand.

History: Alice sells Hangzhou (East China) 20 RK-3 at 1,200 on 2 March 2025 and 100 RK-3
at 1,000 on 2 March 2026; Bob sells Xi'an (North China) 20 RK-3 at 1,200 on 15 April
2026.  Market research sizes East China in 2026 at 1,000,000 CNY."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from salesdomain.adapters.cli import app
from typer.testing import CliRunner, Result

from salesdomain.people.values import Period
from salesdomain.prospecting import commands as pc
from salesdomain.prospecting.values import Findings, MarketDimension, MarketSize, ResearchSubject
from tests import builders as b
from tests.builders import ALICE, BOB, MARK
from tests.test_cli_client import Served, served_to_alice
from tests.test_kpi_view import BOBS, FIRST, HANGZHOU, XIAN, sale
from tests.web_support import SERVED_STORES, founded, served_on, web_on

NOTE = pc.RecordMarketResearch(
    subject_kind=ResearchSubject.MARKET,
    subject="East China machinery",
    findings=Findings(demand_trends="Retrofits up"),
)
SIZED = pc.RecordMarketSize(
    note_id=NOTE.note_id,
    market_size=MarketSize(
        dimension=MarketDimension.REGION,
        segment="East China",
        period=Period.parse("2026"),
        size=b.money("1000000"),
    ),
)


def _serve(url: str, folder: Path) -> Iterator[Served]:
    hangzhou, xian = b.customer_id(HANGZHOU), b.customer_id(XIAN)
    first = sale(hangzhou, date(2025, 3, 2), ALICE, BOBS)[0]
    second = sale(hangzhou, date(2026, 3, 2), ALICE, FIRST)[0]
    bobs = sale(xian, date(2026, 4, 15), BOB, BOBS)[0]
    with web_on(url) as web:
        handle = web.system.app.handle  # a year passes: no token lasts that long
        with freeze_time("2025-03-02 09:00:00+00:00") as frozen:
            founded(web, [*first, *second, *bobs, (NOTE, MARK), (HANGZHOU, ALICE)])
            for command, actor in [*b.qualified_customer(HANGZHOU), *first]:
                handle(command, actor)
            frozen.move_to("2026-03-02 09:00:00+00:00")
            for command, actor in second:
                handle(command, actor)
            frozen.move_to("2026-04-15 09:00:00+00:00")
            for command, actor in [*b.qualified_customer(XIAN, BOB), *bobs]:
                handle(command, actor)
            handle(NOTE, MARK)
            web.send(SIZED, MARK)
        yield from served_to_alice(web, url, folder)


@pytest.fixture(scope="module", params=SERVED_STORES)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    yield from served_on(request.param, tmp_path_factory.mktemp("analyses"), _serve)


def _direct(served: Served, *args: str) -> Result:
    return CliRunner().invoke(app, [*args, "--database-url", served.database_url])


def _json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


YEAR = ("--grain", "year", "--since", "2026-01-01", "--until", "2026-12-31")


def _pairs(found: Any) -> dict[tuple[str, str], tuple[str, str | None]]:
    return {
        (row["label"], row["second_label"]): (row["revenue"], row["growth_yoy"]["revenue"])
        for row in found["rows"]
    }


def test_directly_results_by_representative_and_product(served: Served) -> None:
    found = _json(_direct(served, "kpi", "--by", "rep", "--by", "product", *YEAR, "--json"))
    assert (found["by"], found["then_by"]) == ("rep", "product")
    # Alice: 100,000 in 2026 against 24,000 in 2025; Bob: 24,000 against nothing
    assert _pairs(found) == {
        ("Alice Rep", "Retrofit kit (RK-3)"): ("100000.00", "3.1667"),
        ("Bob Rep", "Retrofit kit (RK-3)"): ("24000.00", None),
    }
    table = _direct(served, "kpi", "--by", "region", "--by", "customer", *YEAR)
    assert table.exit_code == 0, table.output
    assert "Hangzhou Precision" in table.stdout
    assert "North China" in table.stdout


@pytest.mark.parametrize(
    ("by", "message"),
    [
        (("rep", "rep"), "two different dimensions"),
        (("total", "rep"), "neither of them total"),
        (("rep", "product", "team"), "one or two dimensions"),
        (("planet",), "is not one of"),
    ],
)
def test_dimensions_out_of_bounds_are_refused(served: Served, by: tuple[str, ...], message) -> None:
    options = [part for dim in by for part in ("--by", dim)]
    result = _direct(served, "kpi", *options, *YEAR)
    assert result.exit_code != 0
    assert message in result.output


def test_directly_the_market_share_with_its_research_note(served: Served) -> None:
    found = _json(_direct(served, "market-share", "--by", "region", "--json"))
    (row,) = found["rows"]
    # Alice's 100,000 in East China in 2026 against 1,000,000
    assert (row["period"], row["segment"], row["revenue"], row["market_share"]) == (
        "2026",
        "East China",
        "100000.00",
        "0.1000",
    )
    assert (row["market_size"], row["currency"]) == ("1000000.00", "CNY")
    assert (row["note_id"], row["note_subject"]) == (str(NOTE.note_id), "East China machinery")
    table = _direct(served, "market-share", "--by", "region")
    assert "10.00%" in table.stdout
    assert "East China machinery" in table.stdout
    none = _json(_direct(served, "market-share", "--by", "product", "--json"))
    assert none["rows"] == []


def test_in_client_mode_a_representative_reads_their_own(served: Served) -> None:
    found = served.json("alice", "kpi", "--by", "rep", "--by", "product", *YEAR)
    assert _pairs(found) == {("Alice Rep", "Retrofit kit (RK-3)"): ("100000.00", "3.1667")}
    share = served.json("alice", "market-share", "--by", "region", "--since", "2026-01-01")
    assert [row["market_share"] for row in share["rows"]] == ["0.1000"]
    answer = served.web_get(
        "alice", "/views/kpi", by="rep", then_by="product", grain="year", since="2026-01-01"
    )
    assert _pairs(answer) == _pairs(found)
    headers = {"Authorization": f"Bearer {served.secrets['alice']}"}
    refused = served.web.client.get(
        "/views/kpi", params={"by": "total", "then_by": "rep"}, headers=headers
    )
    assert refused.status_code == 422
    assert "then_by" in json.dumps(refused.json())
    unknown = served.web.client.get(
        "/views/kpi/market-share", params={"by": "planet"}, headers=headers
    )
    assert unknown.status_code == 422
