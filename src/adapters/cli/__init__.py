"""The ``salesdomain`` command line (Typer, rich tables, ``--json`` for scripts).

Every command that touches the store takes ``--database-url`` and builds the system
through the composition root (``salesdomain.adapters.bootstrap.build_system``).  Exit codes:
``salesdomain.adapters.cli.common.ExitCode`` (documented in docs/cli.md).

Adding a command: a function, or a Typer sub-app, named in ``COMMANDS`` below; use
``open_system``, ``reported`` and ``print_json`` from ``salesdomain.adapters.cli.common``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer
from salesdomain.adapters.cli import (
    catalogue,
    chain,
    conformance,
    demo,
    forgetting,
    importing,
    keys,
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


COMMANDS: dict[str, Callable[..., None] | typer.Typer] = {
    # the main job
    "demo": demo.demo,
    # doing: any SOP step as a named employee; taking over records (SOP 4.1.2)
    "run": running.run,
    "import": importing.import_app,
    "forget": forgetting.forget_app,
    # reading
    "pipeline": reading.pipeline,
    "kpi": reading.kpi,
    "audit": records.audit,
    "history": records.history,
    "staff": records.staff_list,
    "story": story.story,
    "as-of": past.as_of_app,
    # reviewing: the SOP's rules re-run over the event log
    "conformance": conformance.conformance,
    # keeping: read models and the hash chain
    "views": maintenance.views_app,
    "chain": chain.chain_app,
    "keys": keys.keys_app,
    # the web API: its tokens, and the server with the dashboard
    "token": web.token_cli,
    "serve": web.serve,
    # reference: no store needed
    "commands": running.commands,
    "steps": catalogue.list_steps,
    "rules": catalogue.list_rules,
    "policy": catalogue.policy,
}
"""Every command (a function) and group of commands (a Typer sub-app) by name, in the
order ``salesdomain --help`` lists them."""

for name, command in COMMANDS.items():
    if isinstance(command, typer.Typer):
        app.add_typer(command, name=name)
    else:
        app.command(name)(command)


def main() -> None:
    app()
