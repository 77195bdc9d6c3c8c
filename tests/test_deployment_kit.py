"""The deployment kit (docs/deployment.md) cannot run here (no container runtime, no
systemd), so it is kept simple and checked by parsing: every command it starts is a
real `salesdomain` command line, every variable it sets is one the code reads, and the
layout is the documented one (PostgreSQL, web workers without a follower of their own,
one follower, the master key on a volume both share). The same process layout is
started on loopback by the tests of `serve --workers`."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer.main
import yaml
from salesdomain.adapters.bootstrap import POLICY_FILE_VARIABLE, VIEWS_URL_VARIABLE
from salesdomain.adapters.cli import app as cli_app
from salesdomain.adapters.mail import MAIL_FILE_VARIABLE
from salesdomain.adapters.master_keys import MASTER_KEY_FILE_VARIABLE
from salesdomain.adapters.store import DATABASE_URL_VARIABLE

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
READ_BY_THE_CODE = {
    DATABASE_URL_VARIABLE,
    MASTER_KEY_FILE_VARIABLE,
    VIEWS_URL_VARIABLE,
    POLICY_FILE_VARIABLE,
    MAIL_FILE_VARIABLE,
}


def _parses(args: list[str]) -> Any:
    """The context of the command ``salesdomain ARGS`` names, as the CLI parses it
    (nothing runs): an unknown command or option, or a bad value, raises a usage error."""
    command: Any = typer.main.get_command(cli_app)
    ctx, name, rest = None, "salesdomain", list(args)
    while hasattr(command, "get_command"):  # a group: the next word names a command
        ctx = command.context_class(command, info_name=name, parent=ctx)
        name, *rest = rest
        found = command.get_command(ctx, name)
        assert found is not None, f"salesdomain has no command {name!r}"
        command = found
    return command.make_context(name, rest, parent=ctx)


def _compose() -> dict[str, Any]:
    found = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(found, dict)
    return found


def test_the_compose_file_runs_postgresql_web_workers_and_one_follower() -> None:
    services = _compose()["services"]
    assert set(services) == {"postgres", "web", "follower"}
    web, follower = services["web"], services["follower"]
    web_args = _parses(web["command"])
    assert web_args.info_name == "serve"
    assert web_args.params["workers"] > 1
    assert web_args.params["follow"] is False
    assert _parses(follower["command"]).command.name == "follow"
    for service in (web, follower):
        assert set(service["environment"]) <= READ_BY_THE_CODE
        assert service["environment"][DATABASE_URL_VARIABLE].startswith("postgresql://")
        assert "keys:/var/lib/salesdomain/keys" in service["volumes"]
        key_file = service["environment"][MASTER_KEY_FILE_VARIABLE]
        assert key_file.startswith("/var/lib/salesdomain/keys/")
    assert "postgres" in web["depends_on"]
    assert "/ready" in " ".join(web["healthcheck"]["test"])


def test_the_image_installs_the_package_with_its_extras_and_runs_as_nobody_special() -> None:
    lines = [
        line.strip()
        for line in (DEPLOY / "Dockerfile").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    instructions = {line.split()[0] for line in lines}
    assert {"FROM", "COPY", "RUN", "USER", "ENTRYPOINT", "CMD"} <= instructions
    assert any('pip install ".[web,postgres]"' in line for line in lines)
    (user,) = [line.split()[1] for line in lines if line.startswith("USER")]
    assert user != "root"
    (cmd,) = [line for line in lines if line.startswith("CMD")]
    assert _parses(yaml.safe_load(cmd.removeprefix("CMD"))).info_name == "serve"
    for copied in [line.split()[1:-1] for line in lines if line.startswith("COPY")]:
        for name in copied:
            assert (DEPLOY.parent / name).exists(), f"COPY {name}: no such file"


STARTS = {
    "salesdomain-web.service": "serve",
    "salesdomain-follower.service": "follow",
    "salesdomain-notifications.service": "send",
}


@pytest.mark.parametrize("unit", sorted(STARTS))
def test_each_systemd_unit_starts_a_real_command_with_the_documented_settings(unit: str) -> None:
    parsed = configparser.ConfigParser(interpolation=None, strict=False)
    parsed.read(DEPLOY / "systemd" / unit, encoding="utf-8")
    service = parsed["Service"]
    program, *args = shlex.split(service["ExecStart"])
    assert program == "/opt/salesdomain/venv/bin/salesdomain"
    ctx = _parses(args)
    assert ctx.info_name == STARTS[unit]
    assert service["User"] == "salesdomain"
    assert service["NoNewPrivileges"] == "yes"
    assert service["EnvironmentFile"] == "/etc/salesdomain/salesdomain.env"
    assert parsed["Install"]["WantedBy"] == "multi-user.target"


def test_the_environment_file_sets_only_what_the_code_reads() -> None:
    text = (DEPLOY / "systemd" / "salesdomain.env.example").read_text(encoding="utf-8")
    names = {
        line.lstrip("# ").split("=", 1)[0]
        for line in text.splitlines()
        if "=" in line and line.lstrip("# ").split("=", 1)[0].isupper()
    }
    assert names == READ_BY_THE_CODE
