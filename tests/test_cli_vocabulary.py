"""One name per idea on the command line (issue 19, ADR 58): no command shows an old
spelling in its help, and every old spelling still works, for one release, on a command
that had it."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import typer
from rich.console import Console
from salesdomain.adapters.cli import app, console, progress
from salesdomain.adapters.cli.figures import Figures
from salesdomain.adapters.cli.vocabulary import NEW_NAMES, OLD_SPELLINGS
from typer.testing import CliRunner

from tests.cli_helpers import Cli, staffed

EXAMPLES = Path(__file__).parent.parent / "docs" / "examples"
JUDGED = ("--as-of", "2026-04-07")


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    """Every command under ``command`` (the Click tree Typer builds), by its full name."""
    subs = getattr(command, "commands", None)
    if subs is None:
        yield " ".join(path), command
        return
    for name, sub in subs.items():
        yield from _commands(sub, (*path, name))


def test_no_command_shows_an_old_spelling_and_each_old_one_is_hidden():
    seen_old: set[str] = set()
    for name, command in _commands(typer.main.get_command(app)):
        for param in command.params:
            names = set(getattr(param, "opts", [])) | set(getattr(param, "secondary_opts", []))
            old = names & set(OLD_SPELLINGS)
            if getattr(param, "hidden", False):
                seen_old |= old
                continue
            assert not old, f"{name} shows {old}: say {[OLD_SPELLINGS[o] for o in old]}"
            if "--file" in names:  # an input file is -f/--file everywhere
                assert "-f" in names, name
            assert param.param_type_name == "option" or param.name != "file", name
    assert seen_old == set(OLD_SPELLINGS)  # each still read somewhere
    assert {"--as-of", "--since", "--until", "--as", "--file"} == NEW_NAMES


def test_the_help_shows_no_type_after_a_flag_and_no_old_spelling():
    runner = CliRunner()
    for argv in (
        ["--help"],
        ["kpi", "--help"],
        ["conformance", "--help"],
        ["token", "issue", "--help"],
    ):
        shown = runner.invoke(app, argv, env={"COLUMNS": "100"}).stdout
        assert "<bool>" not in shown, argv
        assert not any(f"{old} " in shown for old in ("--as-at", "--from", "--employee")), argv
    imports = runner.invoke(app, ["import", "customers", "--help"], env={"COLUMNS": "100"})
    assert "--file" in imports.stdout
    assert "-f" in imports.stdout


@pytest.fixture(scope="module")
def cli() -> Iterator[Cli]:
    runner = Cli("memory://")
    runner.ok("demo", "--quiet")
    yield runner
    runner.close()


def _same(cli: Cli, new: list[str], old: list[str]) -> None:
    """The old spelling gives what the new one does; both at once is a usage error."""
    assert cli.json(*old) == cli.json(*new)
    both = cli(*new, *old[-2:])
    assert both.exit_code == 2, both.output
    assert "are the same option" in both.stderr


@pytest.mark.parametrize(
    ("new", "old"),
    [
        (
            ["as-of", "pipeline", "--as-of", "2026-02-16"],
            ["as-of", "pipeline", "--at", "2026-02-16"],
        ),
        (
            ["operations", "tasks", "--as-of", "2026-03-01"],
            ["operations", "tasks", "--as-at", "2026-03-01"],
        ),
        (
            ["conformance", *JUDGED, "--until", "2026-03-31", "--since", "2026-01-01"],
            ["conformance", *JUDGED, "--until", "2026-03-31", "--from", "2026-01-01"],
        ),
        (
            ["conformance", *JUDGED, "--since", "2026-01-01", "--until", "2026-03-31"],
            ["conformance", *JUDGED, "--since", "2026-01-01", "--to", "2026-03-31"],
        ),
        (
            [
                "conformance",
                "--since",
                "2026-01-01",
                "--until",
                "2026-03-31",
                "--as-of",
                "2026-04-07",
            ],
            [
                "conformance",
                "--since",
                "2026-01-01",
                "--until",
                "2026-03-31",
                "--as-at",
                "2026-04-07",
            ],
        ),
    ],
)
def test_an_old_moment_or_period_spelling_reads_as_the_new_one(cli, new, old):
    _same(cli, new, old)


def test_token_issue_takes_employee_as_it_did_and_as_now(cli):
    for who in ("--as", "--employee"):
        issued = cli.json("token", "issue", who, "Mia Chen", "--role", "sales_manager")
        assert issued["employee_name"] == "Mia Chen"
    nobody = cli("token", "issue", "--role", "sales_manager")
    assert nobody.exit_code == 2
    assert "--as is required" in nobody.stderr


def test_import_takes_its_file_by_option_and_as_it_did_by_position(tmp_path):
    cli = Cli("memory://")
    staffed(cli)
    lines = (EXAMPLES / "customers.csv").read_text(encoding="utf-8").splitlines()
    header, first, second = lines[0], lines[1], lines[2]
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    one.write_text(f"{header}\n{first}\n", encoding="utf-8")
    two.write_text(f"{header}\n{second}\n", encoding="utf-8")
    by_option = cli.json("import", "customers", "-f", str(one), "--as", "Olga Ops")
    by_position = cli.json("import", "customers", str(two), "--as", "Olga Ops")
    assert by_option["imported"] == by_position["imported"] == 1
    both = cli("import", "customers", str(one), "--file", str(two), "--as", "Olga Ops")
    assert both.exit_code == 2
    assert "same option" in both.stderr
    neither = cli("import", "customers", "--as", "Olga Ops", "--json")
    assert neither.exit_code == 2
    assert json.loads(neither.stderr)["message"] == "--file is required"
    cli.close()


# ---- output: the width asked, numbers whole -------------------------------------------


def test_piped_output_takes_columns_else_150(monkeypatch):
    monkeypatch.setenv("COLUMNS", "93")
    assert console.width(io.StringIO()) == 93
    monkeypatch.delenv("COLUMNS")
    assert console.width(io.StringIO()) == console.PIPED_WIDTH == 150


@pytest.mark.parametrize("columns", [80, 100, 120])
def test_a_wide_table_of_figures_is_split_never_cut(columns):
    big = "1,512,345,678.90"
    table = Figures("Wide", ("Period", "Group", *(f"Figure {n}" for n in range(9))), labels=2)
    table.add_row("2026-Q1", "Alice Wang, Sales East", *([big] * 9))
    shown = io.StringIO()
    Console(file=shown, width=columns).print(table)
    lines = shown.getvalue().splitlines()
    assert shown.getvalue().count(big) == 9
    assert max(len(line) for line in lines) <= columns
    assert len(table.parts(columns)) > 1


@pytest.mark.parametrize("columns", ["80", "120"])
def test_the_kpi_table_shows_every_number_whole(cli, columns):
    rows = cli.json("kpi")["rows"]
    shown = CliRunner().invoke(app, ["kpi"], env={"COLUMNS": columns}, obj=lambda url: cli.shared)
    assert shown.exit_code == 0, shown.output
    assert "…" not in shown.stdout
    for row in rows:
        assert f"{Decimal(row['revenue']):,.2f}" in shown.stdout
        assert max(len(line) for line in shown.stdout.splitlines()) <= int(columns)


# ---- figures that say what they are ------------------------------------------------------


def test_a_team_without_a_target_of_its_own_shows_its_members_summed(cli):
    by_rep = cli.json("kpi", "--since", "2026-01-01", "--until", "2026-03-31")["rows"]
    by_team = cli.json("kpi", "--by", "team", "--since", "2026-01-01", "--until", "2026-03-31")
    east = next(row for row in by_team["rows"] if row["label"] == "Sales East")
    members = [Decimal(r["target"]["revenue"]) for r in by_rep if "revenue" in r["target"]]
    assert Decimal(east["target"]["revenue"]) == sum(members) == Decimal("1600000")
    assert east["target_currency"]["revenue"] == "CNY"
    assert east["attainment"]["revenue"] is not None


def test_a_target_in_another_currency_is_labelled_with_its_own(cli):
    found = cli.json("kpi", "--currency", "USD")
    alice = next(row for row in found["rows"] if row["label"] == "Alice Wang")
    assert alice["currency"] == "USD"
    assert alice["target_currency"]["revenue"] == "CNY"
    assert alice["attainment"]["revenue"] is None  # not compared across currencies
    shown = cli.ok("kpi", "--currency", "USD").stdout
    assert "400,000.00 CNY" in shown


# ---- progress of long work ---------------------------------------------------------------


@pytest.fixture
def bars(monkeypatch) -> list[tuple[str, list[tuple[int, int]]]]:
    """Every progress bar the command line asks for, with what it was told."""
    shown: list[tuple[str, list[tuple[int, int]]]] = []

    @contextmanager
    def recorded(what: str) -> Iterator[Callable[[int, int], None]]:
        told: list[tuple[int, int]] = []
        shown.append((what, told))
        yield lambda position, head: told.append((position, head))

    monkeypatch.setattr(progress, "bar", recorded)
    return shown


def test_a_rebuild_tells_its_progress_when_asked_and_never_with_json(cli, bars):
    cli.ok("views", "rebuild", "--view", "pipeline", "--json", "--progress")
    assert bars == []
    cli.ok("views", "rebuild", "--view", "pipeline")  # standard error is no terminal here
    assert bars == []
    cli.ok("views", "rebuild", "--view", "pipeline", "--progress")
    ((what, told),) = bars
    assert what == "Rebuilding the views"
    assert told
    assert told[-1][0] == told[-1][1]  # to the head of the log


def test_a_verification_of_the_history_tells_its_progress_when_asked(cli, bars):
    cli.ok("chain", "verify", "--json", "--progress")
    assert bars == []
    cli.ok("chain", "verify", "--progress")
    ((what, told),) = bars
    assert what == "Verifying the history"
    assert told
    assert told[-1][0] == told[-1][1]  # to the head of the log


def test_an_import_brings_the_views_up_to_date_with_progress(tmp_path, bars):
    cli = Cli("memory://")
    staffed(cli)
    lines = (EXAMPLES / "customers.csv").read_text(encoding="utf-8")
    (tmp_path / "customers.csv").write_text(lines, encoding="utf-8")
    cli.ok(
        "import",
        "customers",
        "-f",
        str(tmp_path / "customers.csv"),
        "--as",
        "Olga Ops",
        "--progress",
    )
    ((storing, _), (what, told)) = bars
    assert storing == "Checking and storing 4 lines"  # one command: a bar without steps
    assert what == "Bringing the views up to date"
    assert told[-1][0] == told[-1][1]
    assert all(status.lag == 0 for status in cli.shared.views.status())
    cli.close()
