"""The command line's KPI table and pipeline with money in several currencies (ADR 48):
every currency's money added up in the reporting currency of the policy in force, each
day's sums at that day's rate, in the tables and in ``--json``; a missing rate is named."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from salesdomain.adapters.bootstrap import POLICY_FILE_VARIABLE

from tests.cli_helpers import Cli, staffed

EXAMPLES = Path(__file__).parent.parent / "docs" / "examples"
USD_ORDER = (
    'SO-2025-0190,"Hefei Precision Tools Co., Ltd.",91340100MA27XX1234,2025-09-01,'
    "2025-10-20,CM-2,Control module,Model CM-2,10,2000,1200,USD,Alice Wang\n"
)


def _policy(tmp_path: Path, rates: list[dict[str, str]]) -> Path:
    path = tmp_path / "policy.json"
    body = {"version": "2026.8", "currencies": {"exchange_rates": rates}}
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def _priced_in_two(store_url: str, tmp_path: Path) -> Cli:
    """The example customers and orders, and one order of 20,000 USD delivered on
    2025-10-20 (the policy is the environment's)."""
    cli = Cli(store_url)
    staffed(cli)
    orders = tmp_path / "orders.csv"
    orders.write_text((EXAMPLES / "orders.csv").read_text(encoding="utf-8") + USD_ORDER, "utf-8")
    cli.ok("import", "customers", str(EXAMPLES / "customers.csv"), "--as", "Olga Ops")
    cli.ok("import", "orders", str(orders), "--as", "Olga Ops")
    return cli


@pytest.fixture
def priced(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[Cli]:
    """``_priced_in_two`` under a policy whose USD rate is 7.1 from ``request.param``
    (none before)."""
    usd_from = request.param
    rates = [{"currency": "USD", "rate": "7.1", "effective_from": usd_from, "source": "PBOC"}]
    monkeypatch.setenv(POLICY_FILE_VARIABLE, str(_policy(tmp_path, rates)))
    cli = _priced_in_two(store_url, tmp_path)
    yield cli
    cli.close()


@pytest.mark.parametrize("priced", ["2025-10-01"], indirect=True)
def test_kpi_money_in_several_currencies_is_added_up_in_the_reporting_currency(priced):
    kpi = priced.json("kpi", "--grain", "year", "--by", "total")

    [row] = kpi["rows"]  # several currencies, none asked for: the reporting currency's
    assert (row["currency"], row["revenue"]) == ("CNY", "631600.00")
    [total] = kpi["in_reporting_currency"]
    assert (total["currency"], total["missing"]) == ("CNY", [])
    assert total["revenue"] == "773600.00"  # 631,600 CNY + 20,000 USD x 7.1
    assert [(r["currency"], r["rate"], r["source"]) for r in total["rates"]] == [
        ("USD", "7.1", "PBOC")
    ]
    usd = priced.json("kpi", "--grain", "year", "--by", "total", "--currency", "USD")
    assert usd["rows"][0]["revenue"] == "20000.00"
    assert usd["in_reporting_currency"] == kpi["in_reporting_currency"]

    table = priced.ok("kpi", "--grain", "year", "--by", "total").stdout
    assert "every currency in CNY at each day's rate" in table
    assert "773,600.00" in table
    assert "USD 7.1 from 2025-10-01" in table


@pytest.mark.parametrize("priced", ["2025-11-01"], indirect=True)
def test_a_day_without_a_rate_is_named_instead_of_a_total(priced):
    [total] = priced.json("kpi", "--grain", "year", "--by", "total")["in_reporting_currency"]

    assert (total["revenue"], total["missing"]) == (None, ["USD on 2025-10-20"])
    assert "no rate for USD on 2025-10-20" in priced.ok("kpi", "--grain", "year").stdout
