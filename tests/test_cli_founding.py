"""The very first enrolment from the command line (issue 19): the founder may be named by
the name in the command while the staff register is empty, and `--as` naming nobody on
an empty store says how the register is founded (ADR 8)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.cli_helpers import Cli, enrol


@pytest.fixture
def empty(store_url: str) -> Iterator[Cli]:
    runner = Cli(store_url)
    yield runner
    runner.close()


def founder() -> str:
    entry = json.loads(enrol("Hana Li", ["hr"], "HR", approver=None))
    del entry["employee_id"]  # a new id is made for her
    return json.dumps(entry)


def test_on_an_empty_store_the_founder_is_named_by_her_name(empty: Cli) -> None:
    empty.ok("run", "EnrolEmployee", "--as", "Hana Li", "--role", "hr", input=founder())
    (hana,) = empty.json("staff")
    assert hana["name"] == "Hana Li"
    again = empty("run", "EnrolEmployee", "--as", "Hana Li", "--role", "hr", input=founder())
    assert again.exit_code != 0  # the register is founded: by name is no founding any more


def test_on_an_empty_store_naming_nobody_says_how_the_register_is_founded(empty: Cli) -> None:
    refused = empty("run", "EnrolEmployee", "--as", "Hana Li", input=founder())
    assert refused.exit_code == 4
    assert "the staff register is empty" in refused.stderr
    assert 'salesdomain run EnrolEmployee --as "<your name>" --role hr' in refused.stderr
    assert empty.json("staff") == []
