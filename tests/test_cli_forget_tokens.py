"""``salesdomain forget`` (ADR 13) and ``salesdomain token`` (the web API's tokens),
on the three stores: who may do it, what is recorded, what reads as erased, and the
exit code of each refusal (docs/cli.md)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from uuid import uuid4

import pytest
from salesdomain.adapters.web.tokens import TokenStore

from salesdomain.people.values import HiringChannel
from salesdomain.sop import Role
from tests import people_builders as pb
from tests.cli_cases import OpenedCase, behind, open_case
from tests.cli_helpers import Cli, enrol


def _forget_contact(cli: Cli, case: OpenedCase, *more: str):
    return cli(
        "forget",
        "contact",
        case.subject,
        "--customer",
        case.customer,
        "--reason",
        "Asked to be removed",
        "--requested-by",
        "the contact, e-mail of 1 March",
        *more,
    )


# ---- forget contact ----------------------------------------------------------------------------


def test_forgetting_a_contact_person_is_recorded_and_reads_as_erased_everywhere(cli):
    case = open_case(cli)
    done = _forget_contact(cli, case, "--as", "Mia Chen", "--role", "sales_manager", "--json")
    assert done.exit_code == 0, done.output
    forgotten = json.loads(done.stdout)
    assert forgotten["recorded_now"] is True
    (event,) = forgotten["events"]
    assert (event["event_type"], event["sop_step"]) == ("ContactPersonForgotten", "4.1.2")
    first = cli.json("as-of", "record", "customer", case.customer, "--version", "1")
    assert first["contacts"][0]["name"] == "[erased]"  # the key is gone: so is the past
    assert first["contacts"][0]["erased"] is True
    (line,) = cli.json("audit", "--step", "4.1.2", "--record", case.customer)
    assert line["actor_name"] == "Mia Chen"
    assert "Asked to be removed" in line["description"]
    registered = cli.json("audit", "--record", case.customer)[0]
    assert "Zhou Min" not in json.dumps(registered)
    assert "Zhou Min" not in cli.ok("story", case.opportunity).stdout
    table = cli.ok("as-of", "record", "customer", case.customer, "--version", "1").stdout
    assert '"name": "[erased]"' in table  # printed as stored, not read as rich markup
    again = _forget_contact(cli, case, "--as", "Olga Ops")
    assert again.exit_code == 0, again.output
    assert "was already forgotten" in again.stdout
    assert len(cli.json("audit", "--step", "4.1.2", "--record", case.customer)) == 1


def test_forget_contact_refusals_have_their_exit_codes(cli):
    case = open_case(cli)
    not_allowed = _forget_contact(cli, case, "--as", "Alice Wang")
    assert not_allowed.exit_code == 4
    assert "none of these may perform SOP 4.1.2" in not_allowed.stderr
    choose = _forget_contact(cli, case, "--as", "Mia Chen")
    assert choose.exit_code == 2
    assert "may act as sales_manager or sales_operations here; choose one" in choose.stderr
    stranger = cli(
        "forget", "contact", str(uuid4()), "--customer", case.customer,
        "--as", "Olga Ops", "--reason", "x",
    )  # fmt: skip
    assert stranger.exit_code == 5
    assert "only a contact person of the customer can be forgotten" in stranger.stderr
    nobody = cli(
        "forget", "contact", case.subject, "--customer", str(uuid4()),
        "--as", "Olga Ops", "--reason", "x",
    )  # fmt: skip
    assert nobody.exit_code == 6
    no_reason = _forget_contact(cli, case, "--as", "Olga Ops", "--reason", " ")
    assert no_reason.exit_code == 3
    assert "reason" in no_reason.stderr
    # nothing was forgotten: the contact still reads as recorded
    state = cli.json("as-of", "record", "customer", case.customer, "--version", "1")
    assert state["contacts"][0]["name"] == "Zhou Min"


# ---- forget candidate --------------------------------------------------------------------------


def _candidate(cli: Cli) -> str:
    """Hana opens a hiring need, Dan (sales director) agrees, a candidate applies."""
    cli.ok("run", "EnrolEmployee", "--as", "Hana Li", input=enrol("Dan Wu", ["sales_director"]))
    req, cand = uuid4(), uuid4()
    steps = [
        ("Hana Li", pb.open_requisition(req)),
        ("Dan Wu", pb.agree(req)),
        ("Hana Li", pb.channels(req, HiringChannel.JOB_SITE)),
        ("Hana Li", pb.apply(cand, req, name="Nora New")),
    ]
    for who, command in steps:
        data = command.model_dump(mode="json", exclude={"command_id"})
        cli.ok("run", type(command).__name__, "--as", who, input=json.dumps(data))
    return str(cand)


def test_hr_forgets_a_candidate_and_a_sales_manager_may_not(cli):
    candidate = _candidate(cli)
    refused = cli(
        "forget", "candidate", candidate, "--as", "Mia Chen", "--role", "sales_manager",
        "--reason", "Withdrew the application",
    )  # fmt: skip
    assert refused.exit_code == 4, refused.output
    done = cli.ok(
        "forget", "candidate", candidate, "--as", "Hana Li",
        "--reason", "Withdrew the application",
    )  # fmt: skip
    assert f"Forgot candidate {candidate}: the erasure is recorded" in done.stdout
    assert "Hana Li (hr)" in done.stdout
    state = cli.json("as-of", "record", "candidate", candidate, "--version", "1")
    assert "Nora New" not in json.dumps(state)
    assert "nora@example.com" not in json.dumps(state)
    assert (
        cli("forget", "candidate", str(uuid4()), "--as", "Hana Li", "--reason", "x").exit_code == 6
    )


# ---- tokens for the web API --------------------------------------------------------------------


def test_tokens_are_issued_listed_and_revoked_through_salesdomain_token(cli):
    issued = cli.json("token", "issue", "--as", "alice wang", "--role", "sales representative")
    assert (issued["employee_name"], issued["role"]) == ("Alice Wang", "sales_representative")
    assert issued["token"].startswith("sd_")
    with behind(cli) as system:
        holder = TokenStore(system.store).authenticate(issued["token"])
    assert holder is not None
    assert holder.role is Role.SALES_REPRESENTATIVE
    listed = cli.json("token", "list")
    assert [t["token_id"] for t in listed] == [issued["token_id"]]
    assert "token" not in listed[0]  # never shown again
    table = cli.ok("token", "list").stdout
    assert issued["token_id"] in table
    assert "active" in table
    revoked = cli.json("token", "revoke", issued["token_id"])
    assert revoked["revoked_at"] is not None
    assert "revoked 20" in cli.ok("token", "list").stdout
    with behind(cli) as system:
        assert TokenStore(system.store).authenticate(issued["token"]) is None
    text = cli.ok("token", "issue", "--as", "Mia Chen", "--role", "sales_manager").stdout
    assert "acts as:  Mia Chen (sales manager)" in text
    assert "Keep the token now" in text


def test_a_token_is_rotated_read_only_tokens_stay_read_only(cli):
    issued = cli.json(
        "token", "issue", "--as", "Alice Wang", "--role", "sales_representative",
        "--days", "7", "--read-only",
    )  # fmt: skip
    assert issued["read_only"] is True
    lived = datetime.fromisoformat(issued["expires_at"]) - datetime.fromisoformat(
        issued["issued_at"]
    )
    assert lived == timedelta(days=7)
    rotated = cli.json("token", "rotate", issued["token_id"])
    assert rotated["token_id"] != issued["token_id"]
    assert (rotated["employee_name"], rotated["read_only"]) == ("Alice Wang", True)
    with behind(cli) as system:
        tokens = TokenStore(system.store)
        assert tokens.authenticate(issued["token"]) is None  # the old one is revoked
        assert tokens.authenticate(rotated["token"]) is not None
    again = cli("token", "rotate", issued["token_id"])
    assert again.exit_code == 4
    assert "was revoked: issue a new one" in again.stderr
    table = cli.ok("token", "list").stdout
    assert "read-only" in table
    assert "active until" in table


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["issue", "--as", "Alice Wang", "--role", "pilot"], 2, "'pilot' is not a role"),
        (["rotate", "no-such-token"], 6, "no API token with id no-such-token"),
        (["issue", "--as", "Nobody", "--role", "hr"], 4, "nobody called 'Nobody'"),
        (["issue", "--as", "Alice Wang", "--role", "hr"], 4, "does not hold the role hr"),
        (["issue", "--as", "{stranger}", "--role", "hr"], 4, "no token issued: no employee"),
        (["revoke", "no-such-token"], 6, "no API token with id no-such-token"),
    ],
)
def test_token_refusals_have_their_exit_codes(cli, args, code, words):
    result = cli("token", *[a.format(stranger=uuid4()) for a in args])
    assert result.exit_code == code, result.output
    assert words in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_token_lives_at_most_366_days(cli):
    result = cli("token", "issue", "--as", "Alice Wang", "--role", "hr", "--days", "400")
    assert result.exit_code == 2
    assert "366" in result.stderr


def test_the_founder_of_an_empty_store_gets_the_first_token(store_url):
    cli = Cli(store_url)
    founder = str(pb.employee_id("Hana Li"))
    issued = cli.json("token", "issue", "--as", founder, "--role", "hr", "--name", "Hana Li")
    assert (issued["employee_id"], issued["employee_name"]) == (founder, "Hana Li")
    nameless = cli("token", "issue", "--as", founder, "--role", "hr")
    assert nameless.exit_code == 4
    assert "the staff register is not founded yet" in nameless.stderr
    cli.close()
