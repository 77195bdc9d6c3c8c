"""The ``salesdomain`` command line's Typer application: every command (``app``).

Every command that touches the store takes ``--database-url`` and builds the system
through the composition root (``salesdomain.adapters.bootstrap.build_system``).  Exit codes:
``salesdomain.adapters.cli.common.ExitCode`` (documented in docs/cli.md).

Adding a command: a function, or a Typer sub-app, named in ``COMMANDS`` below; use
``open_system``, ``reported`` and ``print_json`` from ``salesdomain.adapters.cli.common``.
With ``--api URL`` (client mode) only the commands in ``client.THROUGH_THE_API`` (which
ask ``salesdomain.adapters.cli.client.connect`` for the web API) and ``client.NO_STORE``
run (``client.administrator_only`` refuses the others).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer
from salesdomain.adapters.cli import (
    analyses,
    catalogue,
    chain,
    client,
    conformance,
    customers,
    demo,
    due,
    forecast,
    forgetting,
    importing,
    keys,
    maintenance,
    notifications,
    operations,
    past,
    prices,
    reading,
    record_lists,
    records,
    remote,
    reports,
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
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    api: Annotated[
        str | None,
        typer.Option(
            "--api",
            envvar="SALESDOMAIN_API_URL",
            help="Client mode: go through the web API at this URL, as the token's employee "
            "(run, pipeline, kpi, market-share, audit, story, operations, customers, prices, due, "
            "views status, whoami; the others are administrator-only).",
            show_default=False,
        ),
    ] = None,
    token_file: Annotated[
        str | None,
        typer.Option(
            "--token-file",
            help="Client mode: the file holding the API token (default: $SALESDOMAIN_TOKEN); "
            "never the token itself, which ps and the shell's history would show.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """salesdomain: the sales SOP as executable, auditable software."""
    if not api:
        if token_file is not None:
            raise typer.BadParameter(
                "is for client mode: give --api URL too", param_hint="--token-file"
            )
        return
    ctx.meta[client.CLIENT_MODE] = client.ClientMode(api, token_file)
    client.administrator_only(ctx, ctx.invoked_subcommand)


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
    "market-share": reading.market_share_command,
    "audit": records.audit,
    "history": records.history,
    "list": record_lists.list_records,
    "show": record_lists.show,
    "staff": records.staff_list,
    "story": story.story,
    "operations": operations.operations_app,
    "customers": customers.customers,
    "prices": prices.prices,
    "due": due.due,
    "customer-analysis": analyses.customers_analysis,
    "losses": analyses.losses,
    "forecast": forecast.forecast,
    "as-of": past.as_of_app,
    "report": reports.report,
    # reviewing: the SOP's rules re-run over the event log
    "conformance": conformance.conformance,
    # warning: deadlines approaching or missed, KPIs below their floors (SOP 4.2.4)
    "notifications": notifications.notifications_app,
    # keeping: read models and the hash chain
    "views": maintenance.views_app,
    "chain": chain.chain_app,
    "keys": keys.keys_app,
    # the web API: its tokens, the server with the dashboard, and who a token acts as
    "token": web.token_cli,
    "serve": web.serve,
    "whoami": remote.whoami,
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
