"""``salesdomain list`` and ``show`` (issue 19, ADR 59), and the ids of ``run``: full in
JSON and with ``--wide``, 8 characters in tables; on every store."""

from __future__ import annotations

import json
from uuid import uuid4

from tests.cli_helpers import Cli
from tests.test_cli import PROSPECT


def test_run_json_names_the_record_and_list_and_show_find_it(cli: Cli) -> None:
    done = cli.json("run", "RegisterProspect", "--as", "Alice Wang", input=json.dumps(PROSPECT))
    record = done["aggregate_id"]
    assert len(record) == 36
    table = cli.ok(
        "run",
        "RegisterProspect",
        "--as",
        "Alice Wang",
        "--wide",
        input=json.dumps(
            {**PROSPECT, "company_name": "Another Co.", "registration_number": "91310000MA1K000002"}
        ),
    ).stdout
    assert "Customer " in table
    found = cli.json("list", "customers", "--search", PROSPECT["company_name"][:6].upper())
    assert [row["id"] for row in found["rows"]] == [record]
    assert found["next_cursor"] is None
    printed = cli.ok("list", "customer", "--limit", "1").stdout
    assert "add --cursor" in printed
    wide = cli.ok("list", "customers", "--wide", "--search", record[:8]).stdout
    assert record in wide
    shown = cli.json("show", "customer", record)
    assert shown["kind"] == "Customer"
    assert shown["history"][0]["sop_step"] == "2.1.2"
    assert record[:8] in cli.ok("show", "customers", record).stdout


def test_unknown_kinds_records_and_cursors_are_named(cli: Cli) -> None:
    unknown = cli("list", "invoices")
    assert unknown.exit_code == 2
    assert "'invoices'" in unknown.output
    missing = cli("show", "order", str(uuid4()))
    assert missing.exit_code == 6
    assert "no Order with id" in missing.output
    bad = cli("list", "orders", "--cursor", "r1.garbage")
    assert bad.exit_code == 2
    assert "--cursor" in bad.output
    status = cli("list", "orders", "--status", "won")
    assert status.exit_code == 2
    assert "--status" in status.output
