"""The main job: deterministic, covers the promised outcomes, and runs from the CLI."""

from __future__ import annotations

from typer.testing import CliRunner

from adapters.bootstrap import bootstrap
from adapters.cli import app as cli
from adapters.demo import run_demo


def _run(seed: int = 7):
    system = bootstrap("memory://")
    try:
        return run_demo(system, seed)
    finally:
        system.close()


def test_demo_covers_won_lost_escalated_revised_and_refused() -> None:
    report = _run()
    outcomes = [case.outcome for case in report.cases]
    assert sum(o.startswith("won") for o in outcomes) == 2
    assert sum(o.startswith("lost") for o in outcomes) == 2
    assert any(o.startswith("disqualified") for o in outcomes)
    whats = [line.what for case in report.cases for line in case.history]
    assert any("Approval #1 requested" in w for w in whats)
    assert any("Discount approval #1 granted" in w for w in whats)
    assert any("Quote v2 issued" in w and "supersedes v1" in w for w in whats)
    refused = " ".join(why for _, why in report.refused)
    assert "must not be registered twice" in refused
    assert "needs a sales manager's approval" in refused


def test_every_history_line_names_step_actor_and_time_in_order() -> None:
    for case in _run().cases:
        times = [line.at for line in case.history]
        assert times == sorted(times)
        for line in case.history:
            assert line.sop_step.count(".") == 2
            assert line.step_title
            assert line.actor
            assert line.at.tzinfo is not None


def test_same_seed_same_history_other_seed_other_figures() -> None:
    first, second = _run(7), _run(7)
    assert [c.history for c in first.cases] == [c.history for c in second.cases]
    assert [c.history for c in _run(8).cases] != [c.history for c in first.cases]


def test_cli_demo_prints_the_histories(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    assert "2.3.2 Price and quote" in result.output
    assert "Refused by the SOP" in result.output
    assert (tmp_path / "salesdomain-demo.db").exists()


def test_cli_rejects_a_bad_database_url() -> None:
    result = CliRunner().invoke(
        cli, ["history", "00000000-0000-0000-0000-000000000001", "--database-url", "oracle://x"]
    )
    assert result.exit_code == 2
    assert "SALESDOMAIN_DATABASE_URL" in result.output
