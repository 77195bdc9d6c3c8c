"""Command line of the web API: ``token issue|revoke|list`` and ``serve``.

The integrator registers them in ``adapters.cli``::

    app.add_typer(token_cli, name="token")
    app.command()(serve)
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import typer

from adapters.bootstrap import System, build_system
from adapters.store import BadDatabaseUrl
from adapters.web.tokens import CannotIssue, TokenStore, UnknownToken, employee_actor
from salesdomain.sop import Role

token_cli = typer.Typer(
    help="API tokens: each lets web requests act as one employee under one role.",
    no_args_is_help=True,
    add_completion=False,
)

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="The store (default: $SALESDOMAIN_DATABASE_URL, else sqlite:///salesdomain.db).",
    ),
]


def _system(database_url: str | None) -> System:
    try:
        return build_system(database_url)
    except BadDatabaseUrl as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None


@token_cli.command()
def issue(
    employee: Annotated[UUID, typer.Option("--employee", help="The employee's id.")],
    role: Annotated[Role, typer.Option("--role", help="The role the token acts under.")],
    name: Annotated[
        str, typer.Option(help="Only for the founder of an empty staff register (role hr).")
    ] = "",
    database_url: DatabaseUrl = None,
) -> None:
    """Issue a token; it is printed this once and only its SHA-256 is stored."""
    system = _system(database_url)
    try:
        actor = employee_actor(system.app, employee, role, name)
        issued = TokenStore(system.views.engine).issue(actor)
    except CannotIssue as error:
        typer.echo(f"no token issued: {error}", err=True)
        raise typer.Exit(1) from None
    finally:
        system.close()
    typer.echo(f"token id: {issued.info.token_id}")
    typer.echo(f"acts as:  {actor}")
    typer.echo(f"token:    {issued.secret}")
    typer.echo("Keep the token now: it is not stored and cannot be shown again.")


@token_cli.command()
def revoke(
    token_id: Annotated[str, typer.Argument(help="The token's id (see 'list').")],
    database_url: DatabaseUrl = None,
) -> None:
    """Revoke a token: requests with it are refused from now on."""
    system = _system(database_url)
    try:
        info = TokenStore(system.views.engine).revoke(token_id)
    except UnknownToken as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
    finally:
        system.close()
    typer.echo(f"revoked {info.token_id} ({info.actor}) at {info.revoked_at:%Y-%m-%d %H:%M} UTC")


@token_cli.command("list")
def list_tokens(database_url: DatabaseUrl = None) -> None:
    """List tokens: id, employee, role, issued and revoked times (never the token)."""
    system = _system(database_url)
    try:
        infos = TokenStore(system.views.engine).list()
    finally:
        system.close()
    for info in infos:
        revoked = f"revoked {info.revoked_at:%Y-%m-%d %H:%M}" if info.revoked_at else "active"
        typer.echo(
            f"{info.token_id}  {info.employee_id}  {info.employee_name}  {info.role.value}  "
            f"issued {info.issued_at:%Y-%m-%d %H:%M}  {revoked}"
        )


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    database_url: DatabaseUrl = None,
) -> None:
    """Serve the web API and the dashboard (http://HOST:PORT/dashboard, /docs)."""
    import uvicorn

    from adapters.web.app import create_app
    from adapters.web.breaches import conformance_breaches

    system = _system(database_url)
    try:
        app = create_app(system, open_breaches=conformance_breaches(system))
        uvicorn.run(app, host=host, port=port)
    finally:
        system.close()
