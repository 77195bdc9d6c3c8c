"""Views in a database of their own (issue 16): reads scale apart from writes.

The events (and what is kept beside them and never rebuilt: the hash chain, API tokens,
sessions) stay in the store; the views go to ``views_url`` or
``$SALESDOMAIN_VIEWS_DATABASE_URL``, which may be dropped and is rebuilt from the events."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from uuid import uuid4

import pytest
from freezegun import freeze_time
from salesdomain.adapters.bootstrap import VIEWS_URL_VARIABLE, System, build_system
from salesdomain.adapters.key_store.sql import sql_engine
from salesdomain.adapters.store import BadDatabaseUrl, parse_database_url
from salesdomain.adapters.views import view_engine
from salesdomain.adapters.web.tokens import TokenStore
from salesdomain.projections.integrity import ChainKeeper
from salesdomain.projections.pipeline import pipeline_as_of
from sqlalchemy import Engine, inspect

from salesdomain import clock
from tests import builders as b
from tests.conftest import FREEZEGUN_TRANSCODINGS

NOW = "2026-03-02 09:00:00+00:00"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def events_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/events.db"
    else:
        yield request.getfixturevalue("postgres_schema_url")


def _system(events_url: str, views_url: str) -> System:
    return build_system(
        events_url,
        views_url=views_url,
        extra_transcodings=FREEZEGUN_TRANSCODINGS,
        verify_actors=False,
    )


def _tables(engine: Engine, prefix: str) -> list[str]:
    return sorted(t for t in inspect(engine).get_table_names() if t.startswith(prefix))


def _deal(system: System) -> None:
    opp_id = uuid4()
    for command, actor in b.won_deal(opp_id):
        system.app.handle(command, actor)


def test_views_live_in_their_own_database_and_the_chain_and_tokens_beside_the_events(
    events_url: str, tmp_path: Path
) -> None:
    views_url = f"sqlite:///{tmp_path}/views.db"
    with freeze_time(NOW), closing(_system(events_url, views_url)) as system:
        # Given a deal, the chain kept and a token issued
        _deal(system)
        system.views.catch_up()
        ChainKeeper(system.store, system.app).catch_up()
        TokenStore(system.store).issue(b.ALICE)
        # Then the views are in the views database, and only there
        runner = system.views.runner("pipeline")
        rows = pipeline_as_of(
            runner.engine, runner.tables(), system.app.policy.stage_probability, clock.now()
        )
        assert [r.stage.value for r in rows] == ["won"]
        assert system.views.engine is not system.store
        views = view_engine(parse_database_url(views_url))
        assert _tables(views, "pipeline_g")
        assert _tables(system.store, "pipeline_g") == []
        # And what is not rebuilt from events stays with the events
        assert "api_tokens" in inspect(system.store).get_table_names()
        assert "api_tokens" not in inspect(views).get_table_names()
        views.dispose()


def test_a_dropped_views_database_is_rebuilt_from_the_events_and_tokens_survive(
    events_url: str, tmp_path: Path
) -> None:
    # Given views in their own file, and a token
    views_file = tmp_path / "views.db"
    with freeze_time(NOW), closing(_system(events_url, f"sqlite:///{views_file}")) as system:
        _deal(system)
        system.views.catch_up()
        secret = TokenStore(system.store).issue(b.ALICE).secret
    # When the views database is lost
    views_file.unlink()
    # Then the next system rebuilds the views from the events, and the token still holds
    with freeze_time(NOW), closing(_system(events_url, f"sqlite:///{views_file}")) as again:
        again.views.catch_up()
        assert {s.name: s.position for s in again.views.status()}["pipeline"] > 0
        assert TokenStore(again.store).authenticate(secret) is not None


def test_the_views_url_comes_from_the_environment_for_the_cli_too(tmp_path: Path) -> None:
    events, views = f"sqlite:///{tmp_path}/events.db", f"sqlite:///{tmp_path}/views.db"
    with (
        freeze_time(NOW),
        closing(
            build_system(events, extra_transcodings=FREEZEGUN_TRANSCODINGS, verify_actors=False)
        ) as system,
    ):
        _deal(system)
    env = {**os.environ, VIEWS_URL_VARIABLE: views}
    answer = subprocess.run(
        [str(Path(sys.executable).with_name("salesdomain")), "views", "status", "--json"],
        capture_output=True,
        text=True,
        env={**env, "SALESDOMAIN_DATABASE_URL": events},
        check=False,
    )
    assert answer.returncode == 0, answer.stderr
    assert {v["name"]: v["head"] for v in json.loads(answer.stdout)}["pipeline"] > 0
    engine = view_engine(parse_database_url(views))
    assert _tables(engine, "pipeline_g")
    engine.dispose()


@pytest.mark.parametrize(
    ("views_url", "problem"),
    [("memory://", "views are kept in a database"), ("mysql://x/y", "use sqlite:///file.db")],
)
def test_a_views_url_that_cannot_hold_views_is_refused_naming_its_variable(
    tmp_path: Path, views_url: str, problem: str
) -> None:
    with pytest.raises(BadDatabaseUrl, match=f"{VIEWS_URL_VARIABLE} '{views_url}': {problem}"):
        build_system(f"sqlite:///{tmp_path}/events.db", views_url=views_url)


@pytest.mark.postgres
def test_views_on_postgresql_are_read_without_jit_compilation(postgres_schema_url: str) -> None:
    """ADR 73: every connection to the views turns PostgreSQL's JIT off (a short read
    spent three times its own time compiling), and still reads its own schema."""
    config = parse_database_url(postgres_schema_url)
    engine = view_engine(config)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW jit").scalar_one() == "off"
            assert conn.exec_driver_sql("SHOW search_path").scalar_one() == config.schema
    finally:
        engine.dispose()


def _sync(engine: Engine) -> object:
    """How a connection of the engine commits: SQLite's ``synchronous``, PostgreSQL's
    ``synchronous_commit``."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        return conn.exec_driver_sql(
            "PRAGMA synchronous" if sqlite else "SHOW synchronous_commit"
        ).scalar()


def test_views_commit_without_waiting_for_the_disk_and_the_store_waits(events_url: str) -> None:
    # Given the views beside the events
    with freeze_time(NOW), closing(_system(events_url, events_url)) as system:
        _deal(system)
        system.views.catch_up()
        # Then the views' commits wait for no disk sync (ADR 76), the store's do
        views = _sync(system.views.engine)
        store = _sync(system.store)
        if system.store.dialect.name == "sqlite":
            assert (views, store) == (1, 2)  # NORMAL in WAL mode, FULL
        else:
            assert (views, store) == ("off", "on")


def test_a_views_file_not_in_wal_mode_keeps_sqlites_full_sync(tmp_path: Path) -> None:
    # Given a SQLite file in rollback-journal mode, where NORMAL could corrupt it on a power cut
    path = tmp_path / "views.db"
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    # Then its views engine keeps the full sync
    engine = view_engine(parse_database_url(f"sqlite:///{path}"))
    assert _sync(engine) == 2
    engine.dispose()


def _secure_delete(engine: Engine) -> int:
    """SQLite's ``secure_delete`` on a connection of the engine: 0 off, 1 on, 2 fast."""
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("PRAGMA secure_delete").scalar_one())


def test_a_page_the_views_free_on_sqlite_is_not_written_again_as_zeros(tmp_path: Path) -> None:
    """ADR 80: the views hold no personal data (ADR 33), so what they delete is zeroed
    only where SQLite writes the page anyway (FAST), not page by page on disk as SQLite
    builds with secure delete on do; the key store's connections overwrite it all."""
    config = parse_database_url(f"sqlite:///{tmp_path}/sales.db")
    views, keys = view_engine(config), sql_engine(config)
    try:
        assert (_secure_delete(views), _secure_delete(keys)) == (2, 1)
    finally:
        views.dispose()
        keys.dispose()
