"""One URL configures where events are stored (salesdomain.adapters.store and
salesdomain.adapters.bootstrap)."""

from __future__ import annotations

import pytest
from eventsourcing.sqlite import SQLiteApplicationRecorder
from salesdomain.adapters.bootstrap import bootstrap
from salesdomain.adapters.store import (
    DATABASE_URL_VARIABLE,
    BadDatabaseUrl,
    parse_database_url,
)


def test_a_sqlite_url_names_a_file():
    config = parse_database_url("sqlite:///salesdomain.db")
    assert config.kind == "sqlite"
    assert config.env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"
    assert config.env["SQLITE_DBNAME"] == "salesdomain.db"


def test_a_sqlite_url_with_an_absolute_path():
    assert parse_database_url("sqlite:////var/lib/sales/events.db").env["SQLITE_DBNAME"] == (
        "/var/lib/sales/events.db"
    )


def test_the_memory_url():
    config = parse_database_url("memory://")
    assert config.kind == "memory"
    assert config.env["PERSISTENCE_MODULE"] == "eventsourcing.popo"


def test_a_postgresql_url_with_credentials_port_and_schema():
    config = parse_database_url("postgresql://sales:p%40ss@db.example.com:6543/crm?schema=sop")
    assert config.kind == "postgres"
    assert config.schema == "sop"
    assert {
        k: config.env[k]
        for k in (
            "PERSISTENCE_MODULE",
            "POSTGRES_DBNAME",
            "POSTGRES_HOST",
            "POSTGRES_PORT",
            "POSTGRES_USER",
            "POSTGRES_PASSWORD",
            "POSTGRES_SCHEMA",
        )
    } == {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": "crm",
        "POSTGRES_HOST": "db.example.com",
        "POSTGRES_PORT": "6543",
        "POSTGRES_USER": "sales",
        "POSTGRES_PASSWORD": "p@ss",
        "POSTGRES_SCHEMA": "sop",
    }
    assert "password=p@ss" in config.postgres_dsn()


@pytest.mark.parametrize(
    "url", ["postgres://postgres@127.0.0.1/test", "postgresql+psycopg://postgres@127.0.0.1/test"]
)
def test_a_postgresql_url_without_port_or_schema(url):
    config = parse_database_url(url)
    assert config.kind == "postgres"
    assert (config.env["POSTGRES_PORT"], config.env["POSTGRES_DBNAME"]) == ("5432", "test")
    assert config.schema == ""
    assert "POSTGRES_SCHEMA" not in config.env


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("mysql://root@localhost/sales", "use sqlite"),
        ("salesdomain.db", "use sqlite"),
        ("", "use sqlite"),
        ("sqlite://", "names a file"),
        ("sqlite:///", "names a file"),
        ("sqlite:///:memory:", "use memory://"),
        ("sqlite:///file:events?mode=memory&cache=shared", "use memory://"),
        ("postgresql://postgres@127.0.0.1:5432/", "names its database"),
        ("postgresql://postgres@127.0.0.1", "names its database"),
    ],
)
def test_a_bad_url_is_refused_saying_why(url, problem):
    with pytest.raises(BadDatabaseUrl, match=problem) as caught:
        parse_database_url(url)
    assert DATABASE_URL_VARIABLE in str(caught.value)


def _sqlite_file(app) -> str:
    return app.env.get("SQLITE_DBNAME")


def test_bootstrap_without_a_url_uses_the_environment_variable(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(DATABASE_URL_VARIABLE, f"sqlite:///{tmp_path}/from-env.db")
    app = bootstrap()
    try:
        assert _sqlite_file(app) == f"{tmp_path}/from-env.db"
        assert isinstance(app.recorder, SQLiteApplicationRecorder)
    finally:
        app.close()
    assert (tmp_path / "from-env.db").exists()
    assert not (tmp_path / "salesdomain.db").exists()


def test_bootstrap_without_a_url_or_variable_uses_salesdomain_db_in_the_working_directory(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(DATABASE_URL_VARIABLE, raising=False)
    app = bootstrap()
    try:
        assert _sqlite_file(app) == "salesdomain.db"
    finally:
        app.close()
    assert (tmp_path / "salesdomain.db").exists()


def test_an_explicit_url_wins_over_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv(DATABASE_URL_VARIABLE, f"sqlite:///{tmp_path}/from-env.db")
    app = bootstrap("memory://")
    try:
        assert type(app.recorder).__module__ == "eventsourcing.popo"
    finally:
        app.close()
    assert not (tmp_path / "from-env.db").exists()
