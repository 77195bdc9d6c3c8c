"""The ``salesdomain`` command line (Typer, rich tables, ``--json`` for scripts).

Every command that touches the store takes ``--database-url`` and builds the system
through the composition root (``salesdomain.adapters.bootstrap.build_system``).  Exit codes:
``salesdomain.adapters.cli.common.ExitCode`` (documented in docs/cli.md).

Adding a command: a function registered below with ``app.command(...)``, or a Typer
sub-app with ``app.add_typer(...)``; use ``open_system``, ``reported`` and
``print_json`` from ``salesdomain.adapters.cli.common``.
"""

from __future__ import annotations

from typing import Annotated

import typer
from salesdomain.adapters.cli import (
    catalogue,
    chain,
    conformance,
    demo,
    forgetting,
    importing,
    maintenance,
    past,
    reading,
    records,
    running,
    story,
    web,
)

import salesdomain

app = typer.Typer(
    help="salesdomain: the sales SOP as executable, auditable software.",
    no_args_is_help=True,
    add_completion=False,
)


def _show_version(asked: bool) -> None:
    if asked:
        typer.echo(f"salesdomain {salesdomain.__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """salesdomain: the sales SOP as executable, auditable software."""


# the main job
app.command("demo")(demo.demo)
# doing: any SOP step as a named employee; taking over records (SOP 4.1.2)
app.command("run")(running.run)
app.add_typer(importing.import_app, name="import")
app.add_typer(forgetting.forget_app, name="forget")
# reading
app.command("pipeline")(reading.pipeline)
app.command("kpi")(reading.kpi)
app.command("audit")(records.audit)
app.command("history")(records.history)
app.command("staff")(records.staff_list)
app.command("story")(story.story)
app.add_typer(past.as_of_app, name="as-of")
# reviewing: the SOP's rules re-run over the event log
app.command("conformance")(conformance.conformance)
# keeping: read models and the hash chain
app.add_typer(maintenance.views_app, name="views")
app.add_typer(chain.chain_app, name="chain")
# the web API: its tokens, and the server with the dashboard
app.add_typer(web.token_cli, name="token")
app.command("serve")(web.serve)
# reference: no store needed
app.command("commands")(running.commands)
app.command("steps")(catalogue.list_steps)
app.command("rules")(catalogue.list_rules)
app.command("policy")(catalogue.policy)


def main() -> None:
    app()
