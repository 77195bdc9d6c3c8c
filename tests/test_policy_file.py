"""Policy data lives in one place, loads from a file, and decisions record its version."""

from __future__ import annotations

import json
from pathlib import Path

from freezegun import freeze_time
from salesdomain.adapters.bootstrap import POLICY_FILE_VARIABLE, bootstrap
from salesdomain.adapters.cli import app as cli
from typer.testing import CliRunner

from salesdomain.aftersales.values import Severity
from salesdomain.policy import SalesPolicy


def _write(tmp_path: Path, **changes: object) -> Path:
    data = json.loads(SalesPolicy().model_dump_json())
    data.update(changes)
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_the_policy_file_named_in_the_environment_is_used(tmp_path, monkeypatch):
    service = json.loads(SalesPolicy().service.model_dump_json())
    service["response_hours"]["critical"] = 2
    path = _write(tmp_path, version="2026.7", service=service)
    monkeypatch.setenv(POLICY_FILE_VARIABLE, str(path))
    app = bootstrap("memory://", verify_actors=False)
    assert app.policy.version == "2026.7"
    assert app.policy.service.response_hours[Severity.CRITICAL] == 2
    app.close()


@freeze_time("2026-03-02 09:00:00+00:00")
def test_a_decision_records_the_policy_version_it_used(tmp_path, monkeypatch):
    from uuid import uuid4

    from tests import builders as b
    from tests.conftest import FREEZEGUN_TRANSCODINGS
    from tests.spec import events_after

    monkeypatch.setenv(POLICY_FILE_VARIABLE, str(_write(tmp_path, version="2026.9")))
    app = bootstrap("memory://", verify_actors=False, extra_transcodings=FREEZEGUN_TRANSCODINGS)
    opp = uuid4()
    reg = b.register()
    for command, actor in [
        *b.qualified_customer(reg),
        *b.through_acknowledged(opp, b.customer_id(reg)),
        (b.quote(opp), b.ALICE),
        (b.request_discount(opp), b.ALICE),
    ]:
        app.handle(command, actor)
    requested = events_after(app, 0)[-1]
    assert type(requested).__qualname__ == "Opportunity.DiscountApprovalRequested"
    assert requested.policy_version == "2026.9"
    app.close()


def test_cli_prints_the_policy_and_refuses_a_bad_file_naming_the_field(tmp_path):
    ok = CliRunner().invoke(cli, ["policy"])
    assert ok.exit_code == 0
    assert json.loads(ok.output)["version"] == SalesPolicy().version
    bad = _write(tmp_path, quote_validity_days=0)
    refused = CliRunner().invoke(cli, ["policy", "--file", str(bad)])
    assert refused.exit_code == 2
    assert "quote_validity_days" in refused.output


def test_the_documented_example_is_the_default_policy():
    """docs/policy.example.json loads, and holds every figure as the defaults have it."""
    example = Path(__file__).parent.parent / "docs" / "policy.example.json"
    assert SalesPolicy.from_file(example) == SalesPolicy()
