"""SOP 4.1.2 from the command line (issue 19): the separator a file uses is found and
said, and one pass names every problem, those inside the file and those against the
store together; nothing is stored while there is one."""

from __future__ import annotations

import json
from pathlib import Path

EXAMPLES = Path(__file__).parents[1] / "docs" / "examples"


def _semicolons(source: Path, target: Path) -> Path:
    """``source`` saved as a spreadsheet with a decimal comma saves it: semicolons."""
    text = source.read_text(encoding="utf-8").replace("Co., Ltd.", "Co. Ltd.")
    target.write_text(text.replace('"', "").replace(",", ";"), encoding="utf-8")
    return target


def test_a_semicolon_file_is_read_and_its_separator_said(cli, tmp_path):
    customers = _semicolons(EXAMPLES / "customers.csv", tmp_path / "customers.csv")
    done = cli.ok("import", "customers", str(customers), "--as", "Olga Ops")
    assert "Imported 4 customer(s) from customers.csv (values separated by semicolons)" in (
        done.stdout
    )
    tabs = tmp_path / "more.csv"
    tabs.write_text("company_name\tregion\tindustry\nAcme Tools\tEast\tMachinery\n", "utf-8")
    as_json = cli.json("import", "customers", str(tabs), "--as", "Olga Ops")
    assert (as_json["delimiter"], as_json["imported"]) == ("\t", 1)


def test_problems_in_the_file_and_against_the_store_are_named_in_one_pass(cli, tmp_path):
    cli.ok("import", "customers", str(EXAMPLES / "customers.csv"), "--as", "Olga Ops")
    before = len(cli.json("audit", "--step", "4.1.2"))
    customers = tmp_path / "again.csv"
    customers.write_text(
        "company_name,region,industry,source_channel\n"
        "Shaoxing Bright Textiles Co. Ltd.,East China,Textiles,fax\n"  # bad cell + stored
        "Ningbo Harbour,,Logistics,referral\n",  # incomplete
        encoding="utf-8",
    )
    refused = cli("import", "customers", str(customers), "--as", "Olga Ops", "--json")
    assert refused.exit_code == 3
    error = json.loads(refused.stderr)
    assert (error["kind"], error["sop_step"]) == ("invalid_command", "4.1.2")
    found = {(p["line"], p["field"]) for p in error["details"]}
    assert found == {(2, "source_channel"), (2, "company_name"), (3, "region")}
    orders = tmp_path / "orders.csv"
    header = (EXAMPLES / "orders.csv").read_text(encoding="utf-8").splitlines()[0]
    orders.write_text(
        header + "\n"
        "SO-1,Nobody Ltd,,2025-03-03,2025-04-18,RK-3,Retrofit kit,Model RK-3,-2,10800,6700,"
        "CNY,Nobody Else\n",
        encoding="utf-8",
    )
    refused = cli("import", "orders", str(orders), "--as", "Olga Ops")
    assert refused.exit_code == 3
    lines = refused.stderr.splitlines()
    assert any(line.startswith("  line 2, quantity: ") for line in lines), lines
    assert "  line 2, customer: no customer 'Nobody Ltd' is registered" in "\n".join(lines)
    assert any(line.startswith("  line 2, sales_rep: ") for line in lines), lines
    assert len(cli.json("audit", "--step", "4.1.2")) == before  # nothing stored
