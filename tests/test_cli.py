"""The command line on the three stores: commands run as named employees, imports,
views, the hash chain, and one exit code per kind of error (docs/cli.md)."""

from __future__ import annotations

import json
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy import text

from salesdomain.prospecting.customer import Customer
from tests.cli_cases import open_case
from tests.cli_helpers import Cli, enrol

EXAMPLES = Path(__file__).parents[1] / "docs" / "examples"
PROSPECT = {
    "company_name": "Ningbo Harbour Logistics Ltd.",
    "region": "East China",
    "industry": "Logistics",
    "source_channel": "trade_show",
}


def test_staff_lists_the_employees_with_their_roles(cli):
    staff = {m["name"]: m for m in cli.json("staff")}
    assert set(staff) == {"Hana Li", "Olga Ops", "Alice Wang", "Mia Chen"}
    assert staff["Mia Chen"]["roles"] == ["sales_manager", "sales_operations"]
    assert staff["Hana Li"]["team"] == "HR"


def test_run_records_a_command_and_prints_its_events_and_positions(cli):
    done = cli.json("run", "RegisterProspect", "--as", "alice wang", input=json.dumps(PROSPECT))
    assert done["command"] == "RegisterProspect"
    assert [e["event_type"] for e in done["events"]] == ["Registered", "Claimed"]
    first = done["events"][0]
    assert first["sop_step"] == "2.1.2"
    assert first["aggregate_id"] == str(Customer.id_for(PROSPECT["company_name"]))
    assert first["position"] > 0
    assert first["description"].startswith("Prospect Ningbo Harbour Logistics Ltd. (East China")
    table = cli.ok(
        "run",
        "AssessProspect",
        "--as",
        "Alice Wang",
        "--role",
        "sales_representative",
        input=json.dumps(
            {
                "customer_id": first["aggregate_id"],
                "assessment": {
                    "need_intent": "high",
                    "purchasing_power": "medium",
                    "decision_process": "GM signs",
                },
            }
        ),
    ).stdout
    assert "AssessProspect recorded" in table
    assert "2.1.2 Prospect screening" in table


def test_run_reads_the_command_from_a_file(cli, tmp_path):
    path = tmp_path / "prospect.json"
    path.write_text(json.dumps(PROSPECT), encoding="utf-8")
    done = cli.json("run", "RegisterProspect", "--as", "Alice Wang", "--file", str(path))
    assert len(done["events"]) == 2


def _error(result) -> dict:
    return json.loads(result.stderr)


@pytest.mark.parametrize(
    ("args", "data", "code", "words"),
    [
        (["run", "IssueQoute", "--as", "Alice Wang"], PROSPECT, 2, "did you mean IssueQuote"),
        (
            ["run", "RegisterProspect", "--as", "Alice Wang", "--role", "pilot"],
            PROSPECT,
            2,
            "'pilot' is not a role",
        ),
        (
            ["import", "customers", "-f", str(EXAMPLES / "customers.csv"), "--as", "Mia Chen"],
            PROSPECT,
            2,
            "may act as sales_manager or sales_operations",
        ),
        (["run", "RegisterProspect", "--as", "Alice Wang"], "{not json", 9, "is not valid JSON"),
        (["run", "RegisterProspect", "--as", "Alice Wang"], [1], 9, "must be a JSON object"),
        (
            ["run", "RegisterProspect", "--as", "Alice Wang"],
            {**PROSPECT, "region": " "},
            3,
            "region",
        ),
        (["run", "RegisterProspect", "--as", "Nobody Here"], PROSPECT, 4, "nobody called"),
        (
            ["run", "RegisterProspect", "--as", "Alice Wang", "--role", "hr"],
            PROSPECT,
            4,
            "does not hold the role hr",
        ),
        (
            ["run", "EnrolEmployee", "--as", "Olga Ops"],
            json.loads(enrol("Someone New", ["sales_representative"])),
            4,
            "none of these may perform SOP 3.1.4",
        ),
        (
            ["run", "QualifyProspect", "--as", "Alice Wang"],
            {"customer_id": str(Customer.id_for("Nobody Co")), "reason": "x"},
            6,
            "no customer",
        ),
    ],
)
def test_each_kind_of_error_has_its_exit_code_and_one_line(cli, args, data, code, words):
    payload = data if isinstance(data, str) else json.dumps(data)
    result = cli(*args, input=payload)
    assert result.exit_code == code, result.output
    assert words in result.stderr
    assert "Traceback" not in result.output
    assert result.stderr.count("\n") == 1 or code == 3
    as_json = cli(*args, "--json", input=payload)
    assert as_json.exit_code == code
    assert _error(as_json)["exit_code"] == code


def test_sop_rules_and_conflicts_have_their_own_exit_codes(cli):
    registered = cli.json(
        "run", "RegisterProspect", "--as", "Alice Wang", input=json.dumps(PROSPECT)
    )
    customer = registered["events"][0]["aggregate_id"]
    early = cli.run("QualifyProspect", {"customer_id": customer, "reason": "Looks good"})
    assert early.exit_code == 5
    assert "SOP 2.1.2 Prospect screening: a prospect is qualified only after" in early.stderr
    assert "\n  rule: prospect_qualified_after_assessment\n" in early.stderr
    qualify = {"customer_id": customer, "reason": "Looks good"}
    as_json = cli.run("QualifyProspect", qualify, "--json")
    refusal = json.loads(as_json.stderr)
    assert (refusal["exit_code"], refusal["rule_id"]) == (5, "prospect_qualified_after_assessment")
    assert refusal["message"].startswith("SOP 2.1.2 Prospect screening: a prospect is qualified")
    again = cli.run("RegisterProspect", {**PROSPECT, "company_name": "NINGBO HARBOUR LOGISTICS"})
    assert again.exit_code == 7
    assert "must not be registered twice" in again.stderr
    assert "rule: company_registered_once" in again.stderr
    command_id = str(uuid4())
    first = {**PROSPECT, "company_name": "Other Co", "command_id": command_id}
    sent = cli.json("run", "RegisterProspect", "--as", "Alice Wang", input=json.dumps(first))
    replay = cli.json("run", "RegisterProspect", "--as", "Alice Wang", input=json.dumps(first))
    assert replay["replayed"] is True
    assert replay["events"] == sent["events"]  # with the first send's positions
    assert all(event["position"] for event in replay["events"])
    reused = cli.run("RegisterProspect", {**first, "region": "North"})
    assert reused.exit_code == 7
    assert "was already used for a different command" in reused.stderr


# ---- import (SOP 4.1.2) ----------------------------------------------------------------


def test_import_customers_and_orders_feeds_the_kpis_and_marks_the_audit_trail(cli):
    done = cli.ok("import", "customers", "-f", str(EXAMPLES / "customers.csv"), "--as", "Olga Ops")
    assert (
        "Imported 4 customer(s) from customers.csv (values separated by commas) as Olga Ops "
        "(sales operations)"
    ) in done.stdout
    orders = cli.json("import", "orders", "-f", str(EXAMPLES / "orders.csv"), "--as", "Olga Ops")
    assert orders["imported"] == 3
    audit = cli.json("audit", "--step", "4.1.2", "--actor", "Olga Ops")
    descriptions = [e["description"] for e in audit if e["event_type"] == "Imported"]
    assert descriptions[0] == (
        "Customer Hefei Precision Tools Co., Ltd. (East China, Machinery) imported "
        "from customers.csv line 2"
    )
    assert descriptions[-1].endswith("imported from orders.csv line 5")
    kpi = cli.json("kpi", "--grain", "year", "--by", "product")
    revenue = {row["label"]: row["revenue"] for row in kpi["rows"]}
    # 12 x 10,800 + 30 x 10,400 RK-3; 40 x 350 SN-1; 8 x 22,000 CM-2
    assert revenue == {
        "Retrofit kit (RK-3)": "441600.00",
        "Sensor node (SN-1)": "14000.00",
        "Control module (CM-2)": "176000.00",
    }
    by_rep = {
        row["label"]: row["orders_completed"] for row in cli.json("kpi", "--grain", "year")["rows"]
    }
    assert by_rep == {"Alice Wang": "2", "(unassigned)": "1"}


def test_an_import_with_problems_is_refused_whole_naming_every_line(cli):
    cli.ok("import", "customers", "-f", str(EXAMPLES / "customers.csv"), "--as", "Olga Ops")
    result = cli(
        "import",
        "customers",
        str(EXAMPLES / "customers-with-problems.csv"),
        "--as",
        "Mia Chen",
        "--role",
        "sales_operations",
    )
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert lines[0] == (
        "error: SOP 4.1.2 Cleaning: nothing was imported from customers-with-problems.csv; "
        "3 problem(s) to correct first:"
    )
    assert lines[1:] == [
        "  line 3, company_name: the same company as line 2 (duplicate record)",
        "  line 4, region: is empty; every record needs it (incomplete record)",
        "  line 5, source_channel: 'fax' is not a source channel (trade_show, online_platform, "
        "social_media, referral, industry_report, imported, other)",
    ]
    again = cli(
        "import", "customers", "-f", str(EXAMPLES / "customers.csv"), "--as", "Olga Ops", "--json"
    )
    assert again.exit_code == 3
    assert len(_error(again)["details"]) == 4
    assert (
        "Shaoxing Bright Textiles"
        not in cli.ok("audit", "--step", "4.1.2").stdout.split("line 3")[-1]
    )


def test_unreadable_csv_files_exit_9(cli, tmp_path):
    missing = cli("import", "customers", "-f", str(tmp_path / "nope.csv"), "--as", "Olga Ops")
    assert missing.exit_code == 9
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("company_name,region,industry\nAcme,East,Food,extra\n", encoding="utf-8")
    result = cli("import", "customers", "-f", str(ragged), "--as", "Olga Ops")
    assert result.exit_code == 9
    assert "line 2: more values than the header has columns" in result.stderr
    latin = tmp_path / "latin.csv"
    latin.write_bytes("company_name,region,industry\nCaf\xe9,East,Food\n".encode("latin-1"))
    assert cli("import", "customers", "-f", str(latin), "--as", "Olga Ops").exit_code == 9
    empty = tmp_path / "empty.csv"
    empty.write_text("company_name,region,industry\n", encoding="utf-8")
    assert "no records" in cli("import", "customers", "-f", str(empty), "--as", "Olga Ops").stderr


# ---- reading -------------------------------------------------------------------------------


def test_pipeline_audit_filters_and_history(cli):
    opened = open_case(cli)
    customer = opened.customer
    pipeline = cli.json("pipeline")
    (row,) = pipeline["opportunities"]
    assert (row["title"], row["stage"], row["owner_name"]) == (
        "Harbour cranes",
        "contact",
        "Alice Wang",
    )
    assert pipeline["summary"]["open_count"] == 1
    assert "Pipeline funnel" in cli.ok("pipeline").stdout
    mine = cli.json("audit", "--actor", "Alice Wang")
    assert [e["command"] for e in mine] == [
        "RegisterProspect",
        "RegisterProspect",
        "AssessProspect",
        "QualifyProspect",
        "OpenOpportunity",
    ]
    case = cli.json("audit", "--case", opened.opportunity)
    assert [e["event_type"] for e in case] == ["Opened"]
    assert cli.json("audit", "--step", "2.1", "--record", customer)[-1]["event_type"] == "Qualified"
    assert cli.json("audit", "--since", "2199-12-31") == []
    assert cli("audit", "--since", "yesterday").exit_code == 2
    history = cli.json("history", customer)
    assert [h["sop_step"] for h in history] == ["2.1.2", "2.1.2", "2.1.2"]
    unknown = cli("history", str(uuid4()))
    assert unknown.exit_code == 6


# ---- views and the hash chain ----------------------------------------------------------------


def test_views_follow_the_log_until_stopped_then_status_and_rebuild(cli):
    followed = cli.ok("views", "follow", "--poll", "0.1", "--seconds", "0.5")
    assert "Following the log" in followed.stderr
    assert "audit at" in followed.stderr  # the staff's enrolments reached the views
    status = {s["name"]: s for s in cli.json("views", "status")}
    assert set(status) >= {"audit", "pipeline", "kpi", "operations", "customers", "prices"}
    assert all(s["lag"] == 0 and s["error"] is None for s in status.values())
    rebuilt = cli.json("views", "rebuild", "--view", "audit")
    assert rebuilt["rebuilt"] == {
        "audit": {"generation": 2, "position": status["audit"]["position"]}
    }
    assert {s["name"]: s["generation"] for s in cli.json("views", "status")}["audit"] == 2
    bad = cli("views", "rebuild", "--view", "nothing")
    assert bad.exit_code == 2
    assert "no view is called nothing" in bad.stderr


def test_chain_digest_and_verify_and_tampering_exits_8(cli, tmp_path, store_url):
    digest_file = tmp_path / "digest.json"
    head = json.loads(cli.ok("chain", "digest", "--out", str(digest_file), "--json").stdout)
    assert head["position"] > 0
    assert json.loads(digest_file.read_text())["link"] == head["link"]
    assert "History intact" in cli.ok("chain", "verify", "--digest", str(digest_file)).stdout
    broken = tmp_path / "broken.json"
    broken.write_text("{}", encoding="utf-8")
    assert cli("chain", "verify", "--digest", str(broken)).exit_code == 9
    if store_url.startswith("memory"):
        return  # no SQL rows to tamper with
    from salesdomain.adapters.bootstrap import build_system

    system = build_system(store_url)
    table = system.app.recorder.events_table_name
    column = "notification_id" if store_url.startswith("postgres") else "rowid"
    with system.views.engine.begin() as conn:
        conn.execute(text(f"UPDATE {table} SET originator_version = 99 WHERE {column} = 2"))
    system.close()
    result = cli("chain", "verify", "--digest", str(digest_file))
    assert result.exit_code == 8
    assert "history check failed at position 2" in result.stderr


def test_commands_steps_and_bad_database_urls():
    plain = Cli("memory://")
    listed = json.loads(plain("commands", "--json", db=False).stdout)
    assert {"command": "IssueQuote", "sop_step": "2.3.2"}.items() <= next(
        c for c in listed if c["command"] == "IssueQuote"
    ).items()
    assert "ImportOrders" in plain("commands", db=False).stdout
    schema = json.loads(plain("commands", "ImportCustomers", "--json", db=False).stdout)
    assert "lines" in schema["properties"]
    quote = json.loads(plain("commands", "IssueQuote", "--json", db=False).stdout)
    assert {"approval_id", "valid_until"} <= set(quote["properties"])
    assert set(quote["required"]) == {"opportunity_id", "lines", "payment_terms", "delivery_date"}
    steps = json.loads(plain("steps", "--json", db=False).stdout)
    assert any(s["code"] == "4.1.2" for s in steps)
    unreachable = Cli("postgresql://postgres@127.0.0.1:1/test")("staff")
    assert unreachable.exit_code == 11
    assert unreachable.stderr.startswith("error: the database cannot be reached or used")
    for command in (["staff"], ["audit"], ["views", "status"], ["chain", "verify"], ["kpi"]):
        result = Cli("oracle://x")(*command)
        assert result.exit_code == 2, command
        assert "SALESDOMAIN_DATABASE_URL" in result.stderr


def test_version_is_the_packages_one_number() -> None:
    from importlib.metadata import version

    from salesdomain.adapters.cli import app
    from typer.testing import CliRunner

    import salesdomain

    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"salesdomain {salesdomain.__version__}"
    assert version("salesdomain") == salesdomain.__version__  # pyproject reads it


def test_a_revised_close_shows_and_a_deal_read_later_is_marked_stale(cli):
    # Given an opportunity whose expected close was moved
    opened = open_case(cli)
    moved = {
        "opportunity_id": opened.opportunity,
        "expected_close": "2031-01-31",
        "reason": "The port authority delayed its budget",
    }
    cli.ok("run", "ReviseExpectedClose", "--as", "Alice Wang", input=json.dumps(moved))
    # When the pipeline is read now, then long after the new close
    (row,) = cli.json("pipeline")["opportunities"]
    later = ("pipeline", "--as-of", "2031-02-01T00:00:00+00:00", "--stale")
    stale = cli.json(*later)
    # Then it shows the revised close, is not stale now and is stale by then (time alone)
    assert (row["expected_close"], row["stale"], row["last_contact_on"]) == (
        "2031-01-31",
        False,
        None,
    )
    assert cli.json("pipeline", "--stale")["opportunities"] == []
    assert [(r["title"], r["stale"]) for r in stale["opportunities"]] == [("Harbour cranes", True)]
    assert stale["summary"]["open_count"] == 1
    assert "STALE" in cli.ok(*later).stdout
    assert "STALE" not in cli.ok("pipeline").stdout


def test_a_merged_customer_is_listed_as_merged_into_its_survivor(cli):
    # Given a customer registered twice, once under its trading name
    opened = open_case(cli)
    twice = {**PROSPECT, "company_name": "NHL Harbour Services", "contacts": []}
    duplicate = cli.json("run", "RegisterProspect", "--as", "Alice Wang", input=json.dumps(twice))
    gone = duplicate["events"][0]["aggregate_id"]
    # When the sales manager merges it into the first record
    merge = {"customer_id": gone, "into_customer_id": opened.customer, "reason": "Same company"}
    refused = cli("run", "MergeCustomers", "--as", "Alice Wang", input=json.dumps(merge))
    merged = cli.json("run", "MergeCustomers", "--as", "Mia Chen", input=json.dumps(merge))
    # Then both records say so, the list links the duplicate to its survivor, and the
    # duplicate takes no new opportunity
    assert refused.exit_code != 0
    assert [e["event_type"] for e in merged["events"]] == ["MergedInto", "Absorbed"]
    rows = {r["customer_id"]: r for r in cli.json("customers")["rows"]}
    assert (rows[gone]["status"], rows[gone]["merged_into"]) == ("merged", opened.customer)
    assert rows[opened.customer]["merged_records"] == 1
    table = cli.ok("customers").stdout
    assert "merged into Ningbo Harbour" in table
    assert "(+1 merged)" in table
    deal = {
        "customer_id": gone,
        "title": "Tugboat sensors",
        "expected_close": "2030-06-30",
        "estimated_value": {"amount": "1000", "currency": "CNY"},
    }
    again = cli("run", "OpenOpportunity", "--as", "Alice Wang", "--json", input=json.dumps(deal))
    assert _error(again)["rule_id"] == "opportunity_for_surviving_customer"


def test_the_pipeline_is_read_a_page_at_a_time_with_the_funnel_of_them_all(cli):
    # Given three opportunities
    opened = open_case(cli)
    for title in ("Dock cranes", "Gantry cranes"):
        data = {
            "customer_id": opened.customer,
            "title": title,
            "expected_close": "2030-06-30",
            "estimated_value": {"amount": "100000", "currency": "CNY"},
        }
        cli.ok("run", "OpenOpportunity", "--as", "Alice Wang", input=json.dumps(data))
    # When they are read two at a time
    first = cli.json("pipeline", "--limit", "2")
    second = cli.json("pipeline", "--cursor", first["next_cursor"])
    every = cli.json("pipeline", "--all")
    # Then the pages hold them all once, in the order they were opened, each page with
    # the moment of the first and the funnel of all three
    titles = [row["title"] for row in first["opportunities"] + second["opportunities"]]
    assert titles == ["Harbour cranes", "Dock cranes", "Gantry cranes"]
    assert titles == [row["title"] for row in every["opportunities"]]
    assert second["next_cursor"] is None
    assert every["next_cursor"] is None
    assert first["as_of"] == second["as_of"]
    assert first["summary"]["open_count"] == second["summary"]["open_count"] == 3
    assert "More opportunities: add --cursor" in cli.ok("pipeline", "--limit", "1").stdout
    # And a cursor that is none, or --all after a cursor, is refused naming the option
    assert "--cursor" in _error(cli("pipeline", "--cursor", "p1.bad", "--json"))["message"]
    assert (
        "--all"
        in _error(cli("pipeline", "--all", "--cursor", first["next_cursor"], "--json"))["message"]
    )
    assert cli("pipeline", "--limit", "0").exit_code == 2
