"""Which store the demo fills (ADR 57): --database-url, else $SALESDOMAIN_DATABASE_URL,
else salesdomain-demo.db; it recreates only a SQLite file it made and nothing has open,
and refuses (exit 7, nothing deleted) a store holding someone else's events, a file that
is no salesdomain store, and its own store while another program has it open."""

from __future__ import annotations

import gc
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from salesdomain.adapters.bootstrap import bootstrap
from salesdomain.adapters.cli import app as cli
from typer.testing import CliRunner

from tests.cli_helpers import Cli
from tests.cli_helpers import founded as founded_by_hana

runner = CliRunner()


def demo(*args: str) -> tuple[int, str]:
    result = runner.invoke(cli, ["demo", "--quiet", "--json", *args])
    gc.collect()  # connections left in reference cycles in this process: a process exits
    return result.exit_code, result.output


def events_in(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("SELECT count(*) FROM stored_events").fetchone()[0])


def rows_of(path: Path) -> list[tuple[object, ...]]:
    """The stored events, as stored."""
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT * FROM stored_events ORDER BY rowid").fetchall()


def founded(url: str) -> None:
    """A store of someone's own: Hana founded its staff register."""
    own = Cli(url)
    founded_by_hana(own)
    own.close()


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SALESDOMAIN_DATABASE_URL", raising=False)
    return tmp_path


def test_the_demo_fills_the_store_the_variable_names_and_recreates_it_when_run_again(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SALESDOMAIN_DATABASE_URL", "sqlite:///mine.db")
    code, output = demo()
    assert code == 0, output
    assert json.loads(output)["database_url"] == "sqlite:///mine.db"
    assert not (in_tmp / "salesdomain-demo.db").exists()
    first = events_in(in_tmp / "mine.db")
    code, output = demo()
    assert code == 0, output
    assert events_in(in_tmp / "mine.db") == first  # a new quarter, not a second one added


def test_a_store_with_events_the_demo_did_not_write_is_refused_and_kept(in_tmp: Path) -> None:
    founded("sqlite:///sales.db")
    before = rows_of(in_tmp / "sales.db")
    code, output = demo("--database-url", "sqlite:///sales.db")
    assert code == 7
    assert "sqlite:///sales.db already holds 3 stored events that the demo did not write" in output
    assert rows_of(in_tmp / "sales.db") == before
    assert (in_tmp / "sales.db.keys").exists()


def test_a_file_that_is_no_store_is_refused_and_kept(in_tmp: Path) -> None:
    (in_tmp / "notes.db").write_text("my notes", encoding="utf-8")
    code, output = demo("--database-url", "sqlite:///notes.db")
    assert code == 7
    assert "notes.db is not a salesdomain store" in output
    assert (in_tmp / "notes.db").read_text(encoding="utf-8") == "my notes"


def test_the_demos_own_store_is_not_recreated_while_another_program_has_it_open(
    in_tmp: Path,
) -> None:
    code, output = demo()
    assert code == 0, output
    stored = events_in(in_tmp / "salesdomain-demo.db")
    server = sqlite3.connect(in_tmp / "salesdomain-demo.db")  # as a server holds it
    try:
        server.execute("SELECT count(*) FROM stored_events").fetchone()
        code, output = demo()
        assert code == 7
        assert "sqlite:///salesdomain-demo.db is in use by another program" in output
        assert server.execute("SELECT count(*) FROM stored_events").fetchone()[0] == stored
    finally:
        server.close()
    assert (in_tmp / "salesdomain-demo.db.keys").exists()


@pytest.mark.postgres
def test_a_postgres_store_with_events_is_refused_and_kept(
    in_tmp: Path, postgres_schema_url: str
) -> None:
    founded(postgres_schema_url)
    code, output = demo("--database-url", postgres_schema_url)
    assert code == 7
    assert "already holds 3 stored events that the demo did not write" in output
    app = bootstrap(postgres_schema_url)
    try:
        assert app.recorder.max_notification_id() == 3  # the founding's two and its record
    finally:
        app.close()
