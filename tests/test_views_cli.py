"""``salesdomain views`` when a view stopped or a rebuild runs elsewhere (issue 13)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from uuid import uuid4

import psycopg
import pytest
from freezegun import freeze_time

from tests import builders as b
from tests.cli_helpers import Cli
from tests.conftest import make_app


@pytest.mark.postgres
def test_a_view_made_by_an_older_release_stops_alone_and_a_rebuild_makes_it_new(
    postgres_schema_url,
):
    # Given views whose KPI table has the narrow column of an older release
    cli = Cli(postgres_schema_url)
    app = make_app(postgres_schema_url)
    try:
        cli.ok("views", "status")
        schema = postgres_schema_url.rsplit("schema=", 1)[1]
        with psycopg.connect(postgres_schema_url.split("?")[0], autocommit=True) as conn:
            conn.execute(
                f'ALTER TABLE "{schema}".kpi_g1_customers ALTER COLUMN region TYPE varchar(100)'
            )
        # ... and a customer in a region of 150 characters, as the domain now allows
        with freeze_time("2026-03-02 09:00:00+00:00"):
            app.handle(b.register(reg=uuid4().hex[:12], region="東" * 150), b.ALICE)

        # When the views follow the log
        followed = cli("views", "follow", "--poll", "0.1", "--seconds", "0.3")

        # Then the KPI view stops alone, and every later status (another process) says
        # which view, at which event and why
        assert followed.exit_code == 0, followed.output
        assert followed.stderr.count("view kpi stopped") == 1
        status = cli("views", "status", "--json")
        assert status.exit_code == 10
        views = {s["name"]: s for s in json.loads(status.stdout)}
        assert views["kpi"]["stopped"] is True
        assert views["kpi"]["error_event"] == "Customer.Registered"
        assert "value too long" in views["kpi"]["error"]
        assert all(s["lag"] == 0 and not s["stopped"] for n, s in views.items() if n != "kpi")
        table = cli("views", "status")
        assert "stopped" in table.stdout
        assert f"kpi at {views['kpi']['error_position']} (Customer.Registered)" in table.stderr

        # When the views are rebuilt
        rebuilt = cli("views", "rebuild", "--json")

        # Then the KPI view's new generation has the new columns and serves again
        assert rebuilt.exit_code == 0, rebuilt.output
        assert json.loads(rebuilt.stdout)["rebuilt"]["kpi"]["generation"] == 2
        after = {s["name"]: s for s in cli.json("views", "status")}
        assert after["kpi"]["stopped"] is False
        assert after["kpi"]["lag"] == 0
    finally:
        app.close()
        cli.close()


def test_a_rebuild_while_another_process_rebuilds_is_refused_with_exit_7(shared_store, app):
    # Given another process running a rebuild of the audit trail (it holds its lock)
    cli = Cli(shared_store)
    cli.ok("views", "status")
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER.format(url=shared_store)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "holding"

        # When a rebuild is asked for
        refused = cli("views", "rebuild")

        # Then it is refused at once, in a sentence, with exit 7 (conflict)
        assert refused.exit_code == 7, refused.output
        assert "another rebuild of the view audit is running" in refused.stderr
        assert "cannot be reached" not in refused.stderr
    finally:
        holder.kill()  # killed: its lock goes with it
        holder.wait(timeout=30)

    # And once that process is gone, a rebuild runs
    assert cli.json("views", "rebuild")["rebuilt"]["audit"]["generation"] == 2
    cli.close()


def test_views_rebuild_shares_the_views_among_processes(shared_store):
    cli = Cli(shared_store)
    try:
        cli.ok("views", "status")
        rebuilt = cli.json("views", "rebuild", "--processes", "2")
        assert len(rebuilt["processes"]) == 2
        assert sorted(n for names in rebuilt["processes"] for n in names) == sorted(
            rebuilt["rebuilt"]
        )
        assert {done["generation"] for done in rebuilt["rebuilt"].values()} == {2}
        assert "in 2 processes" in cli.ok("views", "rebuild", "--processes", "2").stdout
        for wrong in ("0", "17", "two"):
            refused = cli("views", "rebuild", "--processes", wrong)
            assert refused.exit_code == 2, refused.output
            assert "--processes" in refused.stderr
        assert {s["generation"] for s in cli.json("views", "status")} == {3}
    finally:
        cli.close()


_HOLDER = textwrap.dedent(
    """
    import sys
    from salesdomain.adapters.store import parse_database_url
    from salesdomain.adapters.views import view_engine
    from salesdomain.projections.runner import rebuild_lock

    engine = view_engine(parse_database_url({url!r}))
    with rebuild_lock(engine, ["audit"]):
        print("holding", flush=True)
        sys.stdin.readline()
    """
)


@pytest.mark.parametrize(
    "store_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_views_follow_says_what_wakes_it(store_url):
    cli = Cli(store_url)
    try:
        followed = cli("views", "follow", "--poll", "0.1", "--seconds", "0.3")
        assert followed.exit_code == 0, followed.output
        woken = "the store's NOTIFY" if store_url.startswith("postgresql") else "every 0.1 s"
        assert woken in followed.stderr
    finally:
        cli.close()


def test_serve_refuses_several_workers_on_a_memory_store_and_bad_settings(monkeypatch):
    cli = Cli("memory://")
    try:
        refused = cli("serve", "--workers", "2")
        assert refused.exit_code == 2, refused.output
        assert "memory://" in refused.stderr
        monkeypatch.setenv("SALESDOMAIN_READ_WAIT_SECONDS", "soon")
        unreadable = cli("serve")
        assert unreadable.exit_code == 2, unreadable.output
        assert "SALESDOMAIN_READ_WAIT_SECONDS" in unreadable.stderr
    finally:
        cli.close()
