"""``salesdomain conformance`` on the demo's quarter, on the three stores: the late
complaint answer, the week without a team meeting, the two overrides, decisions under a
policy version not supplied, and every refusal with its exit code (docs/cli.md,
docs/conformance.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from salesdomain.adapters.bootstrap import build_system
from salesdomain.projections.conformance import conformance_report
from salesdomain.projections.conformance.view import NAME

from salesdomain.policy import SalesPolicy
from tests.cli_helpers import Cli
from tests.spec import log_position

QUARTER = ("--since", "2026-01-01", "--until", "2026-03-31")
AS_AT = ("--as-of", "2026-04-07T09:00")


@pytest.fixture
def cli(store_url: str) -> Iterator[Cli]:
    runner = Cli(store_url)
    runner.ok("demo", "--quiet")
    yield runner
    runner.close()


def test_the_quarter_has_one_late_answer_two_overrides_and_steps_per_team(cli):
    review = cli.json("conformance", *QUARTER, *AS_AT)
    missed, breach = review["breaches"]
    assert (missed["rule"], missed["sop_step"], missed["status"], missed["due"]) == (
        "team_meeting_every_period",
        "3.4.2",
        "missed",
        "2026-03-15",
    )
    assert missed["detail"] == "week 2026-W11: no team meeting recorded for team Sales East"
    assert (breach["rule"], breach["sop_step"], breach["status"]) == (
        "feedback_answered_in_time",
        "2.6.1",
        "late",
    )
    assert breach["responsible"]["name"] == "Ada Zhou"
    assert (breach["due"], breach["actual"]) == (
        "2026-03-17T09:00:00Z",
        "2026-03-17T12:00:00Z",
    )
    others = [o for o in review["overrides"] if o["sop_step"] != "3.1.4"]  # not the staff's
    assert [o["approved_by"]["name"] for o in others] == ["Mia Chen", "Bob Liu"]
    assert len(review["overrides"]) - len(others) == 12  # enrolment exceptions, ADR 45
    assert review["policy_mismatches"] == []
    assert review["as_at"] == "2026-04-07T09:00:00Z"
    teams = {t["team"]: t for t in review["teams"]}
    assert (teams["After-sales"]["breaches"], teams["Sales East"]["breaches"]) == (1, 1)
    assert sum(s["count"] for s in review["steps"]) == sum(t["steps_done"] for t in teams.values())
    text = cli.ok("conformance", *QUARTER, *AS_AT).stdout
    for words in (
        "SOP conformance 2026-01-01 to 2026-03-31, as at 2026-04-07 09:00:00 UTC, policy 2026.1",
        "Breaches (2, 0 still open)",
        "team_meeting_every_period",
        "Ada Zhou, After-sales",
        "2026-03-17 09:00 ->",
        "Overrides, approved (14)",
        "0 policy versions not judged.",
        "Steps done in the period",
        "2.6.1 Handle feedback",
        "Per team",
        "Per person",
    ):
        assert words in text


def test_fail_on_breach_exits_12_and_a_clean_period_exits_0(cli):
    failed = cli("conformance", *QUARTER, *AS_AT, "--fail-on-breach")
    assert failed.exit_code == 12
    assert "Breaches (2, 0 still open)" in failed.stdout  # the report is printed first
    assert failed.stderr == "error: 2 breach(es) of the SOP from 2026-01-01 to 2026-03-31\n"
    quiet = cli("conformance", "--since", "2026-01-01", "--until", "2026-01-31", "--fail-on-breach")
    assert quiet.exit_code == 0, quiet.output


def _policy_file(path: Path, version: str) -> Path:
    path.write_text(SalesPolicy(version=version).model_dump_json(), encoding="utf-8")
    return path


def test_decisions_under_a_version_not_supplied_are_listed_not_judged(
    cli, tmp_path, store_url, monkeypatch
):
    if store_url.startswith("memory"):
        pytest.skip("the policy in force is read when a process builds its system")
    monkeypatch.setenv(
        "SALESDOMAIN_POLICY_FILE", str(_policy_file(tmp_path / "new.json", "2027.1"))
    )
    review = cli.json("conformance", *QUARTER, *AS_AT)
    assert review["policy_version"] == "2027.1"
    # the complaint's response time was set under 2026.1: not judged under 2027.1
    assert "feedback_answered_in_time" not in {b["rule"] for b in review["breaches"]}
    assert {m["recorded_version"] for m in review["policy_mismatches"]} == {"2026.1"}
    assert "feedback_answered_in_time" in {m["rule"] for m in review["policy_mismatches"]}
    text = cli.ok("conformance", *QUARTER, *AS_AT).stdout
    assert "warning: not judged: feedback_answered_in_time (SOP 2.6.1)" in text
    assert "1 policy version not judged" in text
    old = _policy_file(tmp_path / "old.json", "2026.1")
    again = cli.json("conformance", *QUARTER, *AS_AT, "--earlier-policy", str(old))
    assert again["policy_versions_supplied"] == ["2026.1", "2027.1"]
    assert again["policy_mismatches"] == []
    # the recurring duties are judged under the policy in force (ADR 49)
    assert [b["responsible"]["name"] for b in again["breaches"]] == ["team Sales East", "Ada Zhou"]


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (
            ["--since", "2026-03-31", "--until", "2026-01-01"],
            3,
            "--until 2026-01-01 is before --since",
        ),
        (["--since", "Q1", "--until", "2026-03-31"], 2, "--since: 'Q1' is not a date"),
        ([*QUARTER, "--as-of", "soon"], 2, "--as-of: 'soon' is not a date"),
        (["--until", "2026-03-31"], 2, "--since is required"),
        ([*QUARTER, "--earlier-policy", "{missing}"], 9, "--earlier-policy: cannot read"),
        ([*QUARTER, "--earlier-policy", "{not_json}"], 9, "is not valid JSON"),
        ([*QUARTER, "--earlier-policy", "{not_policy}"], 3, "is not a valid policy"),
    ],
)
def test_refusals_name_the_option(store_url, tmp_path, args, code, words):
    cli = Cli(store_url)  # an empty store: refused before anything is reviewed
    (tmp_path / "not.json").write_text("{version", encoding="utf-8")
    (tmp_path / "bad.json").write_text('{"version": "x", "service": 5}', encoding="utf-8")
    files = {
        "missing": tmp_path / "nope.json",
        "not_json": tmp_path / "not.json",
        "not_policy": tmp_path / "bad.json",
    }
    result = cli("conformance", *[a.format(**files) for a in args])
    assert result.exit_code == code, result.output
    assert words in result.output
    assert "Traceback" not in result.output
    if code != 2:
        as_json = cli("conformance", *[a.format(**files) for a in args], "--json")
        assert json.loads(as_json.stderr)["exit_code"] == code
    cli.close()


def test_the_report_comes_from_the_conformance_view_caught_up_as_a_replay_gives_it(cli):
    # Given the demo's quarter, When the report is asked as at a moment after the history
    later = ("--as-of", "2027-01-01T00:00")
    review = cli.json("conformance", *QUARTER, *later)
    # Then the view was caught up to the log's head and answers as a full replay would
    system = cli.shared or build_system(cli.url)
    try:
        assert system.views.runner(NAME).position() == log_position(system.app)
        replayed = conformance_report(
            system.app,
            system.app.policy,
            date(2026, 1, 1),
            date(2026, 3, 31),
            datetime(2027, 1, 1, tzinfo=UTC),
        )
    finally:
        if system is not cli.shared:
            system.close()
    assert review == replayed.model_dump(mode="json")


def test_as_at_a_past_moment_the_view_as_it_stood_then_answers_as_a_replay(cli):
    # Given the demo's quarter, When the report is asked as at a moment inside it
    # (before the view's newest event: the view as it stood then, ADR 40)
    moment = datetime(2026, 3, 17, 10, tzinfo=UTC)
    review = cli.json("conformance", *QUARTER, "--as-of", moment.isoformat())
    # Then it is the full replay's: the complaint not yet answered is still open
    system = cli.shared or build_system(cli.url)
    try:
        replayed = conformance_report(
            system.app, system.app.policy, date(2026, 1, 1), date(2026, 3, 31), moment
        )
    finally:
        if system is not cli.shared:
            system.close()
    assert review == replayed.model_dump(mode="json")
    assert "still open" in {b["status"] for b in review["breaches"]}
