"""Client mode's lean path (issue 16, ADR 55): ``salesdomain --api URL pipeline ...``
answered without the domain, SQLAlchemy or eventsourcing, printing what the full
command line prints, as processes of their own (the console script, and the Typer
application run directly) against the company of test_cli_client served over HTTP."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from salesdomain.adapters.cli import lean
from salesdomain.projections.paging import DEFAULT_LIMIT, MAX_LIMIT
from salesdomain.projections.pipeline import PipelineRow

from tests.test_cli_client import Served, _serve
from tests.web_support import SERVED_STORES, served_on

SALESDOMAIN = str(Path(sys.executable).with_name("salesdomain"))
FULL = [sys.executable, "-c", "from salesdomain.adapters import cli; cli.app()"]
WATCHED = ("salesdomain.projections", "sqlalchemy", "eventsourcing", "salesdomain.opportunities")
WATCHING = (
    "import sys; sys.argv = ['salesdomain', *sys.argv[1:]]\n"
    "from salesdomain.adapters.cli import main\n"
    "try:\n    main()\nfinally:\n    "
    f"print(sorted({{w for w in {WATCHED!r} for m in sys.modules "
    "if m == w or m.startswith(w + '.')}), file=sys.stderr)\n"
)
"""The console script's ``main``, then which of ``WATCHED`` it imported (on stderr)."""
LATER = "2099-01-01T00:00:00+00:00"


@pytest.fixture(scope="module", params=SERVED_STORES)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """test_cli_client's company, served over HTTP."""
    yield from served_on(request.param, tmp_path_factory.mktemp("lean"), _serve)


def _run(
    command: list[str], served: Served, who: str, *args: str
) -> subprocess.CompletedProcess[str]:
    client = ["--api", served.url, "--token-file", str(served.files[who])]
    return subprocess.run(
        [*command, *client, *args], capture_output=True, text=True, check=False, timeout=120
    )


@pytest.mark.parametrize(
    "args",
    [
        ("pipeline", "--as-of", LATER),
        ("pipeline", "--as-of", LATER, "--json"),
        ("pipeline", "--as-of=2026-03-01", "--limit", "1"),
        ("pipeline", "--as-of", LATER, "--limit=1", "--json"),
        ("pipeline", "--stale", "--as-of", LATER, "--json"),
        ("pipeline", "--as-of", "2026-01-01T08:00"),  # before any deal
    ],
)
def test_the_lean_path_prints_what_the_full_command_line_prints(
    served: Served, args: tuple[str, ...]
) -> None:
    for who in ("dan", "alice"):
        lean_run = _run([SALESDOMAIN], served, who, *args)
        full_run = _run(FULL, served, who, *args)
        assert lean_run.returncode == full_run.returncode == 0, lean_run.stderr + full_run.stderr
        assert lean_run.stdout == full_run.stdout
        assert lean_run.stdout.strip()


def test_a_page_after_a_cursor_is_the_same_on_both_paths(served: Served) -> None:
    first = json.loads(
        _run([SALESDOMAIN], served, "dan", "pipeline", "--limit", "1", "--json").stdout
    )
    assert first["next_cursor"] is not None
    more = ("pipeline", "--cursor", first["next_cursor"])
    for args in (more, (*more, "--json")):
        lean_run, full_run = (
            _run([SALESDOMAIN], served, "dan", *args),
            _run(FULL, served, "dan", *args),
        )
        assert lean_run.stdout == full_run.stdout
        assert lean_run.returncode == 0


def test_the_lean_path_imports_neither_the_domain_nor_the_database(served: Served) -> None:
    watched = [sys.executable, "-c", WATCHING]
    answered = _run(watched, served, "dan", "pipeline", "--as-of", LATER, "--json")
    assert answered.returncode == 0, answered.stderr
    assert json.loads(answered.stdout)["summary"]["open_count"] >= 1
    assert answered.stderr.strip() == "[]"
    # a command it does not serve goes to the full command line, which imports them
    full = _run(watched, served, "dan", "kpi", "--grain", "year", "--json")
    assert full.returncode == 0, full.stderr
    assert "sqlalchemy" in full.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["pipeline"],  # no --api: direct mode
        ["--api", "http://127.0.0.1:9", "pipeline", "--all"],
        ["--api", "http://127.0.0.1:9", "pipeline", "--help"],
        ["--api", "http://127.0.0.1:9", "pipeline", "--limit", "0"],
        ["--api", "http://127.0.0.1:9", "pipeline", "--limit", "5", "--limit", "6"],
        ["--api", "http://127.0.0.1:9", "pipeline", "--as-of", "yesterday"],
        ["--api", "http://127.0.0.1:9", "pipeline", "--database-url", "sqlite:///x.db"],
        ["--api", "http://user@127.0.0.1:9", "pipeline"],
        ["--api", "http://127.0.0.1:9", "kpi"],
        ["--version"],
    ],
)
def test_what_the_lean_path_does_not_serve_is_left_to_the_full_command_line(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SALESDOMAIN_TOKEN", "sd_test")
    monkeypatch.delenv("SALESDOMAIN_API_URL", raising=False)
    assert lean.answered(argv) is False
    assert capsys.readouterr() == ("", "")


def test_a_refusal_or_an_unreachable_api_is_left_to_the_full_command_line(
    served: Served, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    wrong = tmp_path / "wrong.token"
    wrong.write_text("sd_not_a_token\n", encoding="utf-8")
    for argv in (
        ["--api", served.url, "--token-file", str(wrong), "pipeline"],
        ["--api", "http://127.0.0.1:9", "--token-file", str(wrong), "pipeline"],
        ["--api", served.url, "--token-file", str(tmp_path / "missing"), "pipeline"],
    ):
        assert lean.answered(argv) is False
    assert capsys.readouterr() == ("", "")
    refused = _run([SALESDOMAIN], served, "dan", "pipeline", "--cursor", "p1.bad")
    assert (refused.returncode, refused.stderr.startswith("error: ")) == (3, True)
    assert "cursor" in refused.stderr


def test_the_lean_rows_and_limits_are_the_views() -> None:
    assert {f.name for f in fields(lean._Row)} == {f.name for f in fields(PipelineRow)}
    assert (lean.DEFAULT_LIMIT, lean.MAX_LIMIT) == (DEFAULT_LIMIT, MAX_LIMIT)
