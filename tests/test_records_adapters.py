"""The lists of ADR 66 on the command line and the web: ``list contracts``,
``candidates``, ``appraisals`` and ``employees --role``; ``GET /records/{kind}`` with
``role=``, a role no one can hold refused naming it; on every store."""

from __future__ import annotations

import pytest

from tests import test_read_policy
from tests.cli_helpers import Cli
from tests.test_read_policy import ALICE, DAN, HANNA
from tests.web_support import Web

company = test_read_policy.company
"""The read policy's company (``test_read_policy``)."""


def test_employees_are_listed_by_role_on_the_web(company: Web) -> None:
    reps = company.get("/records/employees", HANNA, role="sales_representative")
    assert reps.status_code == 200, reps.json()
    assert {row["name"] for row in reps.json()["rows"]} == {"Alice Rep", "Bob Rep", "Wes Rep"}
    wrong = company.get("/records/employees", HANNA, role="pilot")
    assert wrong.status_code == 422
    assert [p["field"] for p in wrong.json()["details"]] == ["role"]
    not_people = company.get("/records/contracts", DAN, role="hr")
    assert not_people.status_code == 422


@pytest.mark.parametrize(
    ("kind", "who"), [("contracts", DAN), ("candidates", HANNA), ("appraisals", ALICE)]
)
def test_the_new_lists_answer_on_the_web(company: Web, kind: str, who: object) -> None:
    answer = company.get(f"/records/{kind}", who, sort="name")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["rows"] == []
    assert answer.json()["next_cursor"] is None


def test_the_new_lists_answer_on_the_command_line(cli: Cli) -> None:
    for kind in ("contracts", "candidates", "appraisals", "contract", "appraisal"):
        found = cli.json("list", kind)
        assert found["rows"] == [], kind
    table = cli.ok("list", "contracts").stdout
    assert "Value" in table
    everyone = {row["id"] for row in cli.json("list", "employees")["rows"]}
    hr = {row["id"] for row in cli.json("list", "employees", "--role", "hr")["rows"]}
    assert hr <= everyone
    assert cli.json("list", "employees", "--role", "logistics")["rows"] == []
    wrong = cli("list", "employees", "--role", "pilot")
    assert wrong.exit_code == 2
    assert "--role" in wrong.output
