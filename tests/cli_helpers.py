"""Running ``salesdomain`` through Typer's CliRunner on one store, as people do."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid5

from salesdomain.adapters.bootstrap import System, build_system
from salesdomain.adapters.cli import app
from typer.testing import CliRunner, Result

NS = UUID("0b7f3a52-58c4-4a57-9a3c-000000000017")
HANA = uuid5(NS, "Hana Li")


@dataclass
class Cli:
    """Invokes the CLI on ``url``.  On ``memory://`` every invocation shares one
    system (handed to the commands as the system factory); on files and PostgreSQL
    each builds its own, like separate processes, unless a test set ``shared``."""

    url: str
    shared: System | None = None
    runner: CliRunner = field(default_factory=CliRunner)

    def __call__(self, *args: str, input: str | None = None, db: bool = True) -> Result:
        argv = [*args, "--database-url", self.url] if db else list(args)
        obj = None
        if self.url.startswith("memory") or self.shared is not None:
            if self.shared is None:
                self.shared = build_system(self.url)
            obj = lambda url: self.shared  # noqa: E731
        return self.runner.invoke(app, argv, input=input, obj=obj)

    def run(self, command: str, data: dict[str, Any], *more: str, by: str = "Alice Wang") -> Result:
        """``salesdomain run command --as by`` with ``data`` as the command's JSON."""
        return self("run", command, "--as", by, *more, input=json.dumps(data))

    def ok(self, *args: str, input: str | None = None) -> Result:
        result = self(*args, input=input)
        assert result.exit_code == 0, result.output
        return result

    def json(self, *args: str, input: str | None = None) -> Any:
        return json.loads(self.ok(*args, "--json", input=input).stdout)

    def close(self) -> None:
        if self.shared is not None:
            self.shared.close()


MIA_CHEN = "Mia Chen"
"""The register's first sales manager: approves her own entry, then everyone else's."""


def enrol(
    name: str, roles: list[str], team: str = "Sales East", approver: str | None = MIA_CHEN
) -> str:
    """The command's JSON; ``approver`` (a sales manager) approves the enrolment
    exception, ``None`` for the founder's enrolment, which needs none."""
    command: dict[str, Any] = {
        "employee_id": str(uuid5(NS, name)),
        "name": name,
        "position": roles[0].replace("_", " ").title(),
        "team": team,
        "roles": roles,
        "salary": {"amount": "15000", "currency": "CNY"},
        "start_date": "2024-01-08",
    }
    if approver is not None:
        command["exception"] = {
            "approved_by": str(uuid5(NS, approver)),
            "approver_role": "sales_manager",
            "reason": "Hired before the system existed",
            "onboarded": True,
        }
    return json.dumps(command)


def founded(cli: Cli) -> None:
    """Hana (HR) founds the staff register."""
    cli.ok(
        "run",
        "EnrolEmployee",
        "--as",
        str(HANA),
        "--role",
        "hr",
        input=enrol("Hana Li", ["hr"], "HR", approver=None),
    )


def staffed(cli: Cli) -> None:
    """Hana (HR) founds the staff register, then enrols Mia (who approves her own entry
    as the register's first sales manager), Olga and Alice (whose entries Mia approves)."""
    founded(cli)
    for name, roles in (
        (MIA_CHEN, ["sales_manager", "sales_operations"]),
        ("Olga Ops", ["sales_operations"]),
        ("Alice Wang", ["sales_representative"]),
    ):
        cli.ok("run", "EnrolEmployee", "--as", "Hana Li", input=enrol(name, roles))
