"""The web API from the command line: ``token issue|revoke|list`` and ``serve``
(docs/web.md).

The web modules (FastAPI, uvicorn) are imported inside the commands, so that every
other command starts without them."""

from __future__ import annotations

from importlib.util import find_spec
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import typer
from rich.table import Table
from salesdomain.adapters.cli import common
from salesdomain.adapters.cli.actors import employee, parse_role
from salesdomain.adapters.cli.common import DatabaseUrl, ExitCode, Failure, JsonOutput
from salesdomain.adapters.cli.output import out, print_json

if TYPE_CHECKING:
    from salesdomain.adapters.web.tokens import TokenInfo

token_cli = typer.Typer(
    help="API tokens: each lets web requests act as one employee under one role.",
    no_args_is_help=True,
)


def _info(info: TokenInfo) -> dict[str, object]:
    return {
        "token_id": info.token_id,
        "employee_id": info.employee_id,
        "employee_name": info.employee_name,
        "role": info.role,
        "issued_at": info.issued_at,
        "revoked_at": info.revoked_at,
    }


@token_cli.command()
def issue(
    ctx: typer.Context,
    who: Annotated[str, typer.Option("--employee", help="The employee: their id or exact name.")],
    role: Annotated[str, typer.Option("--role", help="The role the token acts under.")],
    name: Annotated[
        str, typer.Option(help="Only for the founder of an empty staff register (role hr).")
    ] = "",
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """Issue a token; it is printed this once and only its SHA-256 is stored."""
    from salesdomain.adapters.web.tokens import CannotIssue, TokenStore, employee_actor

    with common.reported(as_json), common.open_system(ctx, database_url) as system:
        chosen = parse_role(role)
        try:
            employee_id = UUID(who)
        except ValueError:
            employee_id = employee(system, who).id  # by name: an employee on record
        try:
            actor = employee_actor(system.app, employee_id, chosen, name)
        except CannotIssue as error:
            raise Failure(ExitCode.NOT_AUTHORISED, f"no token issued: {error}") from None
        issued = TokenStore(system.views.engine).issue(actor)
    if as_json:
        print_json({**_info(issued.info), "token": issued.secret})
        return
    out().print(f"token id: {issued.info.token_id}")
    out().print(f"acts as:  {actor}")
    out().print(f"token:    {issued.secret}", soft_wrap=True)
    out().print("Keep the token now: it is not stored and cannot be shown again.")


@token_cli.command()
def revoke(
    ctx: typer.Context,
    token_id: Annotated[str, typer.Argument(help="The token's id (see 'token list').")],
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """Revoke a token: requests with it are refused from now on."""
    from salesdomain.adapters.web.tokens import TokenStore, UnknownToken

    with common.reported(as_json), common.open_system(ctx, database_url) as system:
        try:
            info = TokenStore(system.views.engine).revoke(token_id)
        except UnknownToken as error:
            raise Failure(ExitCode.UNKNOWN_RECORD, str(error)) from None
    if as_json:
        print_json(_info(info))
        return
    assert info.revoked_at is not None
    out().print(f"revoked {info.token_id} ({info.actor}) at {info.revoked_at:%Y-%m-%d %H:%M} UTC")


@token_cli.command("list")
def list_tokens(
    ctx: typer.Context, database_url: DatabaseUrl = None, as_json: JsonOutput = False
) -> None:
    """List tokens: id, employee, role, issued and revoked times (never the token)."""
    from salesdomain.adapters.web.tokens import TokenStore

    with common.reported(as_json), common.open_system(ctx, database_url) as system:
        infos = TokenStore(system.views.engine).list()
    if as_json:
        print_json([_info(info) for info in infos])
        return
    table = Table(title=f"API tokens ({len(infos)})", title_justify="left")
    for column in ("Token id", "Employee id", "Name", "Role", "Issued (UTC)", "Status"):
        table.add_column(column)
    for info in infos:
        table.add_row(
            info.token_id,
            str(info.employee_id),
            info.employee_name,
            info.role.value,
            f"{info.issued_at:%Y-%m-%d %H:%M}",
            f"revoked {info.revoked_at:%Y-%m-%d %H:%M}" if info.revoked_at else "active",
        )
    out().print(table)


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    max_body_bytes: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Refuse request bodies over this many bytes, unread (413) "
            "(default: $SALESDOMAIN_MAX_BODY_BYTES, else 2 MiB).",
            show_default=False,
        ),
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Serve the web API and the dashboard (http://HOST:PORT/dashboard, /docs)."""
    with common.reported():
        if find_spec("fastapi") is None or find_spec("uvicorn") is None:
            raise Failure(
                ExitCode.USAGE, "the web API needs the web extra: pip install 'salesdomain[web]'"
            )
        import uvicorn
        from salesdomain.adapters.web.app import create_app
        from salesdomain.adapters.web.body import max_body_bytes as body_limit
        from salesdomain.adapters.web.breaches import conformance_breaches

        try:
            limit = body_limit(max_body_bytes)
        except ValueError as error:  # $SALESDOMAIN_MAX_BODY_BYTES is not a number
            raise Failure(ExitCode.USAGE, str(error)) from None
        with common.open_system(ctx, database_url) as system:
            breaches = conformance_breaches(system)
            web = create_app(system, open_breaches=breaches, max_body_bytes=limit)
            uvicorn.run(web, host=host, port=port)
