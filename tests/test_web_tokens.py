"""API tokens: issued to an employee for a role they hold, shown once, stored only as
SHA-256, revoked from the command line; and OpenAPI describes every command."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import httpx
import pytest
from freezegun import freeze_time
from salesdomain.adapters.bootstrap import build_system
from salesdomain.adapters.cli import app as cli
from salesdomain.adapters.web.tokens import (
    ADDED_COLUMNS,
    DEFAULT_LIFETIME,
    CannotIssue,
    TokenStore,
    api_tokens,
    employee_actor,
)
from sqlalchemy import Column, MetaData, Table, select
from typer.testing import CliRunner

from salesdomain.commands import COMMANDS
from salesdomain.sop import Role
from tests import builders as b
from tests import people_builders as pb
from tests.web_support import founded, free_port, web_on

NOW = "2026-03-02 09:00:00+00:00"


@freeze_time(NOW)
def test_the_raw_token_is_never_stored_only_its_sha256(store_url: str) -> None:
    with web_on(store_url) as web:
        founded(web, [(b.register(), b.ALICE)])
        secret = web.token(b.ALICE)
        with web.system.store.connect() as conn:
            rows = [tuple(str(v) for v in row) for row in conn.execute(select(api_tokens))]
        stored = [value for row in rows for value in row]
        assert hashlib.sha256(secret.encode()).hexdigest() in stored
        assert not any(secret in value for value in stored)
        assert secret.startswith("sd_")
        assert len(secret) > 40
        me = web.get("/me", b.ALICE).json()
        assert (me["employee_id"], me["role"], me["name"]) == (
            str(b.ALICE.employee_id),
            "sales_representative",
            "Alice Rep",
        )
    if store_url.startswith("sqlite"):
        database = Path(store_url.removeprefix("sqlite:///")).read_bytes()
        assert secret.encode() not in database


@freeze_time(NOW)
def test_tokens_only_for_active_employees_holding_the_role(store_url: str) -> None:
    with web_on(store_url) as web:
        app = web.system.app
        with pytest.raises(CannotIssue, match="not founded yet"):
            employee_actor(app, b.ALICE.employee_id, Role.SALES_REPRESENTATIVE)
        founded(web, [(b.register(), b.ALICE)])
        with pytest.raises(CannotIssue, match="does not hold the role sales_manager"):
            employee_actor(app, b.ALICE.employee_id, Role.SALES_MANAGER)
        with pytest.raises(CannotIssue, match="no employee"):
            employee_actor(app, uuid4(), Role.HR, "Someone")


@freeze_time(NOW)
def test_issue_list_and_revoke_from_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/cli.db"
    with web_on(url) as web:
        founded(web, [(b.register(), b.ALICE)])
    runner = CliRunner()
    issued = runner.invoke(
        cli,
        [
            "token",
            "issue",
            "--as",
            str(b.ALICE.employee_id),
            "--role",
            "sales_representative",
            "--database-url",
            url,
        ],
    )
    assert issued.exit_code == 0, issued.output
    lines = dict(line.split(":", 1) for line in issued.output.splitlines() if ":" in line)
    token_id, secret = lines["token id"].strip(), lines["token"].strip()
    assert "Alice Rep (sales representative)" in lines["acts as"]
    listed = runner.invoke(cli, ["token", "list", "--database-url", url])
    assert token_id in listed.output
    assert "active" in listed.output
    assert secret not in listed.output
    system = build_system(url)
    try:
        assert TokenStore(system.store).authenticate(secret) is not None
        revoked = runner.invoke(cli, ["token", "revoke", token_id, "--database-url", url])
        assert revoked.exit_code == 0, revoked.output
        assert TokenStore(system.store).authenticate(secret) is None
    finally:
        system.close()
    assert "revoked" in runner.invoke(cli, ["token", "list", "--database-url", url]).output
    refused = runner.invoke(
        cli,
        ["token", "issue", "--as", str(uuid4()), "--role", "hr", "--database-url", url],
    )
    assert refused.exit_code == 4
    assert "no token issued: no employee" in refused.output
    unknown = runner.invoke(cli, ["token", "revoke", "no-such-id", "--database-url", url])
    assert unknown.exit_code == 6


def test_openapi_lists_every_command_with_its_own_schema() -> None:
    with web_on("memory://") as web:
        spec = web.client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for name, model in COMMANDS.items():
        operation = spec["paths"][f"/commands/{name}"]["post"]
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        schema = schemas[ref.rsplit("/", 1)[-1]]
        assert set(schema["properties"]) == set(model.model_fields), name
        assert set(schema.get("required", ())) == {
            n for n, f in model.model_fields.items() if f.is_required()
        }
        assert schema.get("additionalProperties") is False, name
        assert operation["summary"].startswith(model.SOP_STEP + " ")
        assert {"200", "401", "403", "404", "409", "422"} <= set(operation["responses"])
        assert operation["security"] == [{"HTTPBearer": []}]
    assert len([p for p in spec["paths"] if p.startswith("/commands/")]) == len(COMMANDS)
    for path in ("/views/pipeline", "/views/pipeline/summary", "/views/kpi", "/views/audit"):
        assert "200" in spec["paths"][path]["get"]["responses"]
    assert "PipelineRow" in schemas
    assert "KpiRow" in schemas
    assert "AuditEntry" in schemas


def test_the_founder_gets_the_first_token_and_enrols_themselves() -> None:
    with freeze_time(NOW), web_on("memory://") as web:
        web.token(pb.HANNA, founder=True)
        answer = web.send(*pb.enrol(pb.HANNA.name, Role.HR, founder=True))
        assert answer["events"][0]["sop_step"] == "3.1.4"


def test_serve_answers_on_the_given_port(tmp_path: Path) -> None:
    """``salesdomain serve`` starts uvicorn on the store and port given."""
    port = free_port()
    url = f"sqlite:///{tmp_path}/serve.db"
    script = "from salesdomain.adapters.cli import main; main()"
    server = subprocess.Popen(
        [sys.executable, "-c", script, "serve", "--port", str(port), "--database-url", url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        answer = None
        for _ in range(150):
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/sign-in", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert answer is not None, "the server did not start"
        assert answer.status_code == 200
        assert "/static/workspace.css" in answer.text
        assert httpx.get(f"http://127.0.0.1:{port}/static/workspace.css").status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/me").json()["kind"] == "unauthenticated"
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert Path(f"{tmp_path}/serve.db").exists()


def test_a_token_table_of_an_earlier_release_gains_expiry_and_kind(store_url: str) -> None:
    """Tokens stored before they expired or could be read-only: the columns are added
    on start, and the old tokens live the default lifetime from their issue."""
    system = build_system(store_url)  # the store and its schema, no tokens table yet
    engine = system.store
    old = MetaData()
    earlier = [c for c in api_tokens.columns if c.name not in ADDED_COLUMNS]
    table = Table(
        "api_tokens",
        old,
        *(Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable) for c in earlier),
    )
    old.create_all(engine)
    issued = datetime(2026, 3, 1, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            table.insert().values(
                token_id="t1",
                token_hash=hashlib.sha256(b"sd_old").hexdigest(),
                employee_id=str(b.ALICE.employee_id),
                employee_name="Alice Rep",
                role="sales_representative",
                issued_at=issued,
            )
        )
    with freeze_time(issued + timedelta(days=1)):
        found = TokenStore(engine).authenticate("sd_old")
    assert found is not None
    assert (found.expires_at, found.read_only) == (issued + DEFAULT_LIFETIME, False)
    with freeze_time(issued + DEFAULT_LIFETIME):
        assert TokenStore(engine).authenticate("sd_old") is None
    system.close()
