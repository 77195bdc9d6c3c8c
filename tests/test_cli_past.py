"""The past on demand from the command line, on the three stores: a business case's
story (checked against the log), a record as of a moment or a version, and the views
as of a moment (docs/cli.md, docs/past-on-demand.md)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy import update

from tests.cli_cases import OpenedCase, behind, open_case
from tests.cli_helpers import Cli

EXAMPLES = Path(__file__).parents[1] / "docs" / "examples"


@pytest.fixture
def case(cli: Cli) -> OpenedCase:
    return open_case(cli)


# ---- story -------------------------------------------------------------------------------------


def test_the_story_runs_from_the_customers_screening_to_the_opened_case(cli, case):
    told = cli.json("story", case.opportunity)
    assert told["case_id"] == case.opportunity
    assert told["customer_id"] == case.customer
    assert told["verified"] is None
    assert [(e["part"], e["event_type"]) for e in told["entries"]] == [
        ("customer", "Registered"),
        ("customer", "Claimed"),
        ("customer", "Assessed"),
        ("customer", "Qualified"),
        ("case", "Opened"),
    ]
    assert told["position"] >= case.entry("Opened")["position"]  # the log head it read to
    table = cli.ok("story", case.opportunity).stdout
    assert f"Business case {case.opportunity}, customer {case.customer}: 5 entries" in table
    assert "2.1.2 Prospect screening" in table
    assert "Alice Wang" in table


def test_verified_the_story_agrees_with_the_log_until_the_view_is_changed(cli, case):
    verified = cli.ok("story", case.opportunity, "--verified")
    assert "Verified against the event log: 5 entries up to log position" in verified.stdout
    assert cli.json("story", case.opportunity, "--verified")["verified"] is True
    opened = case.entry("Opened")
    with behind(cli) as system:
        entries = system.views.runner("audit").tables()["entries"]
        with system.views.engine.begin() as conn:
            conn.execute(
                update(entries)
                .where(entries.c.position == opened["position"])
                .values(description="Opportunity quietly closed")
            )
    result = cli("story", case.opportunity, "--verified")
    assert result.exit_code == 8
    assert result.stderr == (
        f"error: the story differs from the event log: entry at log position "
        f"{opened['position']} (position {opened['position']}: Opportunity "
        f"{case.opportunity[:8]} v1 Opened) differs in description\n"
    )
    as_json = cli("story", case.opportunity, "--verified", "--json")
    assert as_json.exit_code == 8
    assert json.loads(as_json.stdout)["verified"] is False
    assert json.loads(as_json.stderr)["exit_code"] == 8
    assert cli("story", case.opportunity).exit_code == 0  # without --verified: no check


def test_an_unknown_case_has_no_story(cli):
    unknown = str(uuid4())
    result = cli("story", unknown)
    assert result.exit_code == 6
    assert result.stderr.startswith(f"error: no business case with id {unknown}")
    assert cli("story", "not-an-id").exit_code == 2


# ---- a record as of a moment or a version ------------------------------------------------------


def test_a_record_as_of_a_version_and_as_of_a_moment(cli, case):
    first = cli.json("as-of", "record", "customer", case.customer, "--version", "1")
    assert (first["kind"], first["version"], first["qualified"]) == ("Customer", 1, None)
    assert first["assessment"] is None
    assert first["contacts"][0]["name"] == "Zhou Min"
    assessed = case.entry("Assessed")
    at = assessed["recorded_at"]
    then = cli.json("as-of", "record", "Customer", case.customer, "--as-of", at)
    assert then["version"] == assessed["version"]
    assert then["assessment"]["need_intent"] == "high"
    assert then["qualified"] is None  # not yet decided
    naive = datetime.fromisoformat(at).replace(tzinfo=None).isoformat()  # read as UTC
    assert cli.json("as-of", "record", "customer", case.customer, "--as-of", naive) == then
    now = cli.json("as-of", "record", "customer", case.customer, "--as-of", "2199-12-31")
    assert now["qualified"] is True
    table = cli.ok("as-of", "record", "opportunity", case.opportunity, "--version", "1").stdout
    assert f"Opportunity {case.opportunity} at version 1: version 1" in table
    assert "Harbour cranes" in table
    assert '{"amount": "250000", "currency": "CNY"}' in table


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["pumpkin", "{customer}", "--version", "1"], 2, "no kind of record called 'pumpkin'"),
        (["customer", "{customer}"], 2, "give either --as-of or --version"),
        (["customer", "{customer}", "--as-of", "2026-01-01", "--version", "1"], 2, "either"),
        (
            ["customer", "{customer}", "--as-of", "last week"],
            2,
            "--as-of: 'last week' is not a date",
        ),
        (["customer", "{customer}", "--version", "0"], 2, "greater than or equal to 1"),
        (["customer", "{customer}", "--version", "99"], 6, "has no version 99: versions run"),
        (["customer", "{customer}", "--as-of", "2000-01-01"], 6, "it was first recorded on"),
        (["customer", "{unknown}", "--version", "1"], 6, "no customer with id"),
    ],
)
def test_record_as_of_refusals(cli, case, args, code, words):
    filled = [a.format(customer=case.customer, unknown=uuid4()) for a in args]
    result = cli("as-of", "record", *filled)
    assert result.exit_code == code, result.output
    assert words in result.output
    assert "Traceback" not in result.output


# ---- the views as of a moment ------------------------------------------------------------------


def test_pipeline_and_audit_as_of_a_moment_before_the_opportunity(cli, case):
    qualified = case.entry("Qualified")
    before = cli.json("as-of", "pipeline", "--as-of", qualified["recorded_at"])
    assert before["opportunities"] == []
    opened = case.entry("Opened")["position"]
    assert qualified["position"] <= before["position"] < opened  # and its command record
    later = cli.json("as-of", "pipeline", "--as-of", "2199-12-31")
    (row,) = later["opportunities"]
    assert (row["title"], row["stage"]) == ("Harbour cranes", "contact")
    assert later["summary"]["open_count"] == 1
    table = cli.ok("as-of", "pipeline", "--as-of", qualified["recorded_at"]).stdout
    assert f"(log position {before['position']})" in table
    trail = cli.json("as-of", "audit", "--as-of", qualified["recorded_at"], "--actor", "Alice Wang")
    assert trail["position"] == before["position"]
    assert [e["event_type"] for e in trail["entries"]] == [
        "Registered",
        "Claimed",
        "Assessed",
        "Qualified",
    ]
    stepped = cli.json("as-of", "audit", "--as-of", "2199-12-31", "--step", "2.1.2", "--limit", "2")
    assert len(stepped["entries"]) == 2
    assert "Audit trail as of" in cli.ok("as-of", "audit", "--as-of", "2199-12-31").stdout
    assert cli("as-of", "audit", "--as-of", "tomorrow").exit_code == 2
    assert cli("as-of", "pipeline").exit_code == 2  # --as-of is required


def test_kpi_as_of_a_moment_before_and_after_orders_were_imported(cli):
    cli.ok("import", "customers", str(EXAMPLES / "customers.csv"), "--as", "Olga Ops")
    cut = cli.json("audit")[-1]["recorded_at"]
    cli.ok("import", "orders", str(EXAMPLES / "orders.csv"), "--as", "Olga Ops")
    before = cli.json("as-of", "kpi", "--as-of", cut, "--grain", "year", "--by", "product")
    assert before["rows"] == []
    after = cli.json("as-of", "kpi", "--as-of", "2199-12-31", "--grain", "year", "--by", "product")
    assert {row["label"]: row["revenue"] for row in after["rows"]} == {
        "Retrofit kit (RK-3)": "441600.00",
        "Sensor node (SN-1)": "14000.00",
        "Control module (CM-2)": "176000.00",
    }
    assert after["position"] > before["position"]
    table = cli.ok("as-of", "kpi", "--as-of", "2199-12-31", "--grain", "year").stdout
    assert "KPIs by rep, per year, as of 2199-12-31 00:00:00 UTC" in table
