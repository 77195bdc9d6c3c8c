"""Nothing a user types or the store holds breaks the command line: every refusal is one
of the documented exit codes with one line (never a traceback), and text stored before
the domain refused control characters is printed with them escaped, never raw."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any
from uuid import UUID, uuid4, uuid5

import pytest
from salesdomain.adapters.bootstrap import System, build_system
from salesdomain.projections.audit import AuditTrail
from salesdomain.projections.kpi import Kpi
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.operations import Operations
from salesdomain.projections.read_models import ReadModels
from typer.testing import Result

from salesdomain.opportunities import commands as oc
from salesdomain.prospecting import commands as pc
from salesdomain.sop import Role
from salesdomain.values import Actor, Money
from tests import builders as b
from tests.cli_helpers import NS, Cli, staffed
from tests.test_web_outage import PipelineStoppingOnOpened

SET_TITLE = "\x1b]0;owned\x07"  # OSC 0: sets the terminal's title
CLEAR = "\x1b[2J"  # CSI 2J: clears the screen
RAW = ("\x1b", "\x07", "\x9b", "\u202e")
ALICE = Actor(
    employee_id=uuid5(NS, "Alice Wang"), role=Role.SALES_REPRESENTATIVE, name="Alice Wang"
)


def _writer(cli: Cli) -> tuple[System, bool]:
    """A system on the CLI's store to write with (the CLI's own on memory://)."""
    if cli.shared is not None:
        return cli.shared, False
    return build_system(cli.url), True


def _stored_before_bounds(cli: Cli) -> tuple[UUID, UUID]:
    """A customer and an opportunity whose texts hold escape sequences, recorded as a
    release without bounds did (the commands built unchecked)."""
    system, own = _writer(cli)
    try:
        reg = b.register()
        evil = pc.RegisterProspect.model_construct(
            **{**dict(reg), "company_name": f"Evil{SET_TITLE} Co{CLEAR}"}
        )
        cid = system.app.handle(evil, ALICE).aggregate_id
        for command, _ in b.qualified_customer(reg)[1:]:
            system.app.handle(command.model_copy(update={"customer_id": cid}), ALICE)
        opened = oc.OpenOpportunity.model_construct(
            **{
                **dict(b.open_opportunity(cid, uuid4())),
                "title": f"Deal\x9b2J\u202eton{CLEAR}",
                "estimated_value": Money.of(1000, "CNY"),
                "expected_close": date(2030, 1, 1),
            }
        )
        opp = system.app.handle(opened, ALICE).aggregate_id
    finally:
        if own:
            system.close()
    return cid, opp


def _clean(result: Result) -> None:
    assert "Traceback" not in result.output
    for character in RAW:
        assert character not in result.stdout, (repr(character), result.stdout)
        assert character not in result.stderr, (repr(character), result.stderr)


def test_stored_escape_sequences_are_shown_escaped_everywhere(cli: Cli) -> None:
    cid, opp = _stored_before_bounds(cli)
    visit = json.dumps(b.log_visit(opp, on=date(2026, 12, 1)).model_dump(mode="json"))
    for args, shown in (
        (["pipeline"], "\\x1b[2J"),
        (["audit"], "\\x1b]0;owned\\x07"),
        (["history", str(cid)], "\\x1b]0;owned"),
        (["story", str(opp)], "\\x1b"),
        (["as-of", "record", "customer", str(cid), "--version", "1"], "\\x1b]0;owned\\x07"),
        (["as-of", "record", "opportunity", str(opp), "--version", "1"], "\\x9b2J\\u202e"),
    ):
        result = cli.ok(*args)
        _clean(result)
        assert shown in result.stdout.replace("\n", ""), (args, result.stdout)
        as_json = cli.ok(*args, "--json")
        _clean(as_json)
        json.loads(as_json.stdout)  # the escapes are JSON's own: the data reads back whole
    ran = cli("run", "LogContact", "--as", "Alice Wang", "--case", str(opp), input=visit)
    _clean(ran)
    again = cli(
        "run", "RegisterProspect", "--as", "Alice Wang", input=b.register().model_dump_json()
    )
    assert again.exit_code == 7, again.output  # the evil company, named in the refusal
    _clean(again)


def test_text_with_escape_sequences_is_refused_as_invalid_data(cli: Cli) -> None:
    data = {**b.register().model_dump(mode="json"), "company_name": f"Evil{CLEAR}"}
    result = cli("run", "RegisterProspect", "--as", "Alice Wang", input=json.dumps(data))
    assert result.exit_code == 3, result.output
    assert "company_name" in result.stderr
    _clean(result)
    forget = cli("forget", "candidate", str(uuid4()), "--as", "Hana Li", "--reason", SET_TITLE)
    assert forget.exit_code == 3, forget.output  # pydantic's refusal of an option's value
    assert "ForgetCandidate has invalid data: reason" in forget.stderr
    _clean(forget)


@pytest.mark.parametrize(
    ("args", "data", "code", "words"),
    [
        (["kpi", "--since", "0001-01-01"], None, 2, "--since: '0001-01-01' is not between"),
        (["kpi", "--until", "9999-12-31"], None, 2, "--until: '9999-12-31' is not between"),
        (["kpi", "--since", "2026-03-01", "--until", "2026-02-01"], None, 3, "--until"),
        (
            ["kpi", "--grain", "day", "--since", "1900-01-01", "--until", "2199-12-31"],
            None,
            3,
            "more than 3,660 periods",
        ),
        (["kpi", "--currency", "XYZ"], None, 2, "--currency: 'XYZ' is not an ISO 4217 code"),
        (["pipeline", "--as-of", "9999-12-31T23:59:59-23:00"], None, 2, "--as-of"),
        (["audit", "--step", "2.3\x00"], None, 2, "is not an SOP step"),
        (["audit", "--limit", "100000000000000000000"], None, 2, "--limit"),
        (["as-of", "pipeline", "--as-of", "0001-01-01"], None, 2, "--as-of"),
        (["conformance", "--since", "2026-01-01", "--until", "9999-12-31"], None, 2, "--until"),
        (["run", "RegisterProspect", "--as", "Alice Wang"], "[" * 100_000, 9, "nested"),
        (["run", "RegisterProspect", "--as", "Alice Wang"], "1" * 5000, 9, "cannot be read"),
        (
            ["run", "IssueQuote", "--as", "Alice Wang"],
            {
                "opportunity_id": str(uuid4()),
                "lines": [
                    {
                        "product_code": "X",
                        "description": "X",
                        "quantity": "1",
                        "unit_price": {"amount": "1", "currency": "CNY"},
                        "unit_cost": {"amount": "1", "currency": "CNY"},
                    }
                ],
                "payment_terms": "30 days",
                "delivery_date": "9999-12-31",
                "valid_until": "9999-12-31",
            },
            3,
            "delivery_date",
        ),
    ],
)
def test_out_of_range_input_has_its_exit_code_and_one_line(
    cli: Cli, args: list[str], data: Any, code: int, words: str
) -> None:
    payload = data if data is None or isinstance(data, str) else json.dumps(data)
    result = cli(*args, input=payload)
    assert result.exit_code == code, result.output
    assert words in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.fixture
def broken(store_url: str) -> Iterator[Cli]:
    """The CLI over a system whose pipeline view cannot handle an opened opportunity."""
    runner = Cli(store_url)
    system = build_system(store_url)
    views = [AuditTrail(), PipelineStoppingOnOpened(), Kpi(), Operations()]
    runner.shared = System(
        system.app, ReadModels(system.views.engine, ApplicationLog(system.app), views), system.store
    )
    staffed(runner)
    yield runner
    runner.close()


def test_a_stopped_view_is_exit_10_naming_it_and_the_others_still_answer(broken: Cli) -> None:
    _, opp = _stored_before_bounds(broken)
    for args in (["pipeline"], ["as-of", "pipeline", "--as-of", "2199-12-31"]):
        result = broken(*args)
        if args[0] == "as-of":  # rebuilt aside: says which view stopped, shows the rest
            assert "view pipeline stopped" in result.stderr
            continue
        assert result.exit_code == 10, result.output
        assert "the pipeline view stopped at log position" in result.stderr
        assert "Opportunity.Opened" in result.stderr
        assert "no column for this opportunity's region" in result.stderr
        assert result.stderr.count("\n") == 1
        as_json = broken(*args, "--json")
        assert json.loads(as_json.stderr)["kind"] == "view_stopped"
    assert broken("audit").exit_code == 0
    assert broken("kpi").exit_code == 0
    assert broken("story", str(opp)).exit_code == 0
    assert broken("staff").exit_code == 0


def test_serve_refuses_a_body_limit_that_is_not_a_number(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SALESDOMAIN_MAX_BODY_BYTES", "two megabytes")
    result = cli("serve", "--port", "1")
    assert result.exit_code == 2, result.output
    assert "SALESDOMAIN_MAX_BODY_BYTES must be a number of bytes" in result.stderr
    assert cli("serve", "--max-body-bytes", "0").exit_code == 2
