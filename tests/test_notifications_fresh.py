"""A fresh store needs no separate step for the warnings' outbox (ADR 54): the web
app's start-up and every ``salesdomain notifications`` command make it, on SQLite and
on PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from salesdomain.adapters.bootstrap import build_system
from salesdomain.adapters.cli import app
from salesdomain.adapters.store import parse_database_url
from salesdomain.adapters.views import view_engine
from salesdomain.adapters.web.app import app_from_environment
from sqlalchemy import inspect
from typer.testing import CliRunner

from tests.conftest import postgres_schema
from tests.web_support import SERVED_STORES

OUTBOX = "notification_outbox"


@pytest.fixture(params=SERVED_STORES)
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a store nothing has been written to."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/fresh.db"
    else:
        with postgres_schema() as url:
            yield url


def _has_outbox(url: str) -> bool:
    engine = view_engine(parse_database_url(url))
    try:
        return inspect(engine).has_table(OUTBOX)
    finally:
        engine.dispose()


def test_the_notifications_commands_work_on_a_fresh_store(fresh: str) -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["notifications", "list", "--json", "--database-url", fresh])
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.stdout)["rows"] == []
    assert _has_outbox(fresh)
    raised = runner.invoke(
        app, ["notifications", "send", "--once", "--raise-only", "--json", "--database-url", fresh]
    )
    assert raised.exit_code == 0, raised.output


def test_the_web_app_starts_on_a_fresh_store_with_its_outbox(
    fresh: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SALESDOMAIN_DATABASE_URL", fresh)
    monkeypatch.setenv("SALESDOMAIN_FOLLOW", "0")
    assert not _has_outbox(fresh)
    web = app_from_environment()
    assert web.title
    assert _has_outbox(fresh)
    build_system(fresh).close()  # a second start finds it there and keeps it
    assert _has_outbox(fresh)
