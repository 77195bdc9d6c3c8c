"""The ``salesdomain`` command line (Typer, rich tables, ``--json`` for scripts).

Every command that touches the store takes ``--database-url`` and builds the system
through the composition root (``adapters.bootstrap.build_system``).  Exit codes:
``adapters.cli.common.ExitCode`` (documented in docs/cli.md).

Adding a command: a function registered below with ``app.command(...)``, or a Typer
sub-app with ``app.add_typer(...)``; use ``open_system``, ``reported`` and
``print_json`` from ``adapters.cli.common``.
"""

from __future__ import annotations

import typer

from adapters.cli import (
    catalogue,
    chain,
    demo,
    importing,
    maintenance,
    reading,
    records,
    running,
)

app = typer.Typer(
    help="salesdomain: the sales SOP as executable, auditable software.",
    no_args_is_help=True,
    add_completion=False,
)

# the main job
app.command("demo")(demo.demo)
# doing: any SOP step as a named employee; taking over records (SOP 4.1.2)
app.command("run")(running.run)
app.add_typer(importing.import_app, name="import")
# reading
app.command("pipeline")(reading.pipeline)
app.command("kpi")(reading.kpi)
app.command("audit")(records.audit)
app.command("history")(records.history)
app.command("staff")(records.staff_list)
# keeping: read models and the hash chain
app.add_typer(maintenance.views_app, name="views")
app.add_typer(chain.chain_app, name="chain")
# reference: no store needed
app.command("commands")(running.commands)
app.command("steps")(catalogue.list_steps)
app.command("policy")(catalogue.policy)


def main() -> None:
    app()
