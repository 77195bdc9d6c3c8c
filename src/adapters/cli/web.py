"""The web API from the command line: ``token issue|rotate|revoke|list`` and ``serve``
(docs/web.md).

The web modules (FastAPI, uvicorn) are imported inside the commands, so that every
other command starts without them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib.util import find_spec
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import typer
from rich.table import Table
from salesdomain.adapters.cli import common, vocabulary
from salesdomain.adapters.cli.actors import employee, parse_role
from salesdomain.adapters.cli.common import DatabaseUrl, ExitCode, Failure, JsonOutput
from salesdomain.adapters.cli.output import out, print_json

if TYPE_CHECKING:
    from salesdomain.adapters.bootstrap import System
    from salesdomain.adapters.web.running import Settings
    from salesdomain.adapters.web.tokens import TokenInfo, TokenStore

TokenId = Annotated[str, typer.Argument(help="The token's id (see 'token list').")]
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
        "expires_at": info.expires_at,
        "read_only": info.read_only,
        "revoked_at": info.revoked_at,
    }


@contextmanager
def _tokens(
    ctx: typer.Context, database_url: str | None, as_json: bool, refused: str
) -> Iterator[tuple[TokenStore, System]]:
    """The token store of the system named by ``database_url``; an unknown token id is
    exit 6, a token that cannot be issued exit 4 (``refused``: why, in words)."""
    from salesdomain.adapters.web.tokens import CannotIssue, TokenStore, UnknownToken

    with common.reported(as_json), common.open_system(ctx, database_url) as system:
        try:
            yield TokenStore(system.store), system
        except UnknownToken as error:
            raise Failure(ExitCode.UNKNOWN_RECORD, str(error)) from None
        except CannotIssue as error:
            raise Failure(ExitCode.NOT_AUTHORISED, f"{refused}: {error}") from None


def _print_issued(issued_info: TokenInfo, secret: str, as_json: bool) -> None:
    if as_json:
        print_json({**_info(issued_info), "token": secret})
        return
    kind = "read-only" if issued_info.read_only else "reads and acts"
    out().print(f"token id: {issued_info.token_id}")
    out().print(f"acts as:  {issued_info.actor} ({kind})")
    out().print(f"expires:  {issued_info.expires_at:%Y-%m-%d %H:%M} UTC")
    out().print(f"token:    {secret}", soft_wrap=True)
    out().print("Keep the token now: it is not stored and cannot be shown again.")


@token_cli.command()
def issue(
    ctx: typer.Context,
    role: Annotated[str, typer.Option("--role", help="The role the token acts under.")],
    who: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="The employee the token acts as, required: their id or exact name.",
            show_default=False,
        ),
    ] = None,
    old_employee: vocabulary.OldEmployee = None,
    name: Annotated[
        str, typer.Option(help="Only for the founder of an empty staff register (role hr).")
    ] = "",
    days: Annotated[int, typer.Option(min=1, max=366, help="How many days the token lives.")] = 90,
    read_only: Annotated[
        bool, typer.Option("--read-only", help="The token reads; it sends no command.")
    ] = False,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """Issue a token; it is printed this once and only its SHA-256 is stored.  It is
    refused once it expires, or once the employee leaves or loses the role."""
    from datetime import timedelta

    from salesdomain.adapters.web.tokens import employee_actor

    with _tokens(ctx, database_url, as_json, "no token issued") as (tokens, system):
        chosen = parse_role(role)
        who = vocabulary.required(who, old_employee, "--as", "--employee")
        try:
            employee_id = UUID(who)
        except ValueError:
            employee_id = employee(system, who).id  # by name: an employee on record
        actor = employee_actor(system.app, employee_id, chosen, name)
        issued = tokens.issue(actor, lifetime=timedelta(days=days), read_only=read_only)
    _print_issued(issued.info, issued.secret, as_json)


@token_cli.command()
def rotate(
    ctx: typer.Context,
    token_id: TokenId,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """Replace a token: a new one for the same employee, role and kind, living as long
    as the old one did, is printed this once; the old one is revoked."""
    with _tokens(ctx, database_url, as_json, "not rotated") as (tokens, system):
        issued = tokens.rotate(token_id, system.app)
    _print_issued(issued.info, issued.secret, as_json)


@token_cli.command()
def revoke(
    ctx: typer.Context,
    token_id: TokenId,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """Revoke a token: requests with it are refused from now on."""
    with _tokens(ctx, database_url, as_json, "not revoked") as (tokens, _):
        info = tokens.revoke(token_id)
    if as_json:
        print_json(_info(info))
        return
    assert info.revoked_at is not None
    out().print(f"revoked {info.token_id} ({info.actor}) at {info.revoked_at:%Y-%m-%d %H:%M} UTC")


@token_cli.command("list")
def list_tokens(
    ctx: typer.Context, database_url: DatabaseUrl = None, as_json: JsonOutput = False
) -> None:
    """List tokens: id, employee, role, kind, issued, expiry and status (never the token)."""
    with _tokens(ctx, database_url, as_json, "not listed") as (tokens, _):
        infos = tokens.list()
    if as_json:
        print_json([_info(info) for info in infos])
        return
    table = Table(title=f"API tokens ({len(infos)})", title_justify="left")
    table.add_column("Token id", no_wrap=True)
    for column in ("Employee", "Role", "Kind", "Issued (UTC)", "Status"):
        table.add_column(column)
    now = datetime.now(UTC)
    for info in infos:
        if info.revoked_at:
            status = f"revoked {info.revoked_at:%Y-%m-%d %H:%M}"
        elif info.expired(now):
            status = f"expired {info.expires_at:%Y-%m-%d %H:%M}"
        else:
            status = f"active until {info.expires_at:%Y-%m-%d %H:%M}"
        table.add_row(
            info.token_id,
            info.employee_name,
            info.role.value,
            "read-only" if info.read_only else "acts",
            f"{info.issued_at:%Y-%m-%d %H:%M}",
            status,
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
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Web worker processes (uvicorn's); with more than one, one follower runs "
            "beside them in this process, not one per worker.",
        ),
    ] = 1,
    follow: Annotated[
        bool | None,
        typer.Option(
            "--follow/--no-follow",
            help="Keep the views up to date in this process (default: on SQLite and in "
            "memory; on PostgreSQL run 'salesdomain views follow' as its own process).",
            show_default=False,
        ),
    ] = None,
    read_wait: Annotated[
        float | None,
        typer.Option(
            min=0,
            max=60,
            help="Seconds a read with X-Salesdomain-After waits for its view "
            "(default: $SALESDOMAIN_READ_WAIT_SECONDS, else 2).",
            show_default=False,
        ),
    ] = None,
    ready_max_lag: Annotated[
        int | None,
        typer.Option(
            min=0,
            help="Positions a view may lag behind the log for /ready to answer 200 "
            "(default: $SALESDOMAIN_READY_MAX_LAG, else 1000).",
            show_default=False,
        ),
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Serve the web API and the dashboard (http://HOST:PORT/dashboard, /docs; /health
    and /ready for supervisors)."""
    with common.reported():
        if find_spec("fastapi") is None or find_spec("uvicorn") is None:
            raise Failure(
                ExitCode.USAGE, "the web API needs the web extra: pip install 'salesdomain[web]'"
            )
        import uvicorn
        from salesdomain.adapters.web.app import create_app
        from salesdomain.adapters.web.body import max_body_bytes as body_limit
        from salesdomain.adapters.web.breaches import conformance_breaches
        from salesdomain.adapters.web.running import Settings, settings_from_environment

        try:
            limit = body_limit(max_body_bytes)
            settings = settings_from_environment()
        except ValueError as error:  # a variable of the environment is not a number
            raise Failure(ExitCode.USAGE, str(error)) from None
        settings = Settings(
            follow=settings.follow if follow is None else follow,
            read_wait_seconds=settings.read_wait_seconds if read_wait is None else read_wait,
            ready_max_lag=settings.ready_max_lag if ready_max_lag is None else ready_max_lag,
        )
        if workers > 1:
            _serve_workers(ctx, database_url, host, port, workers, limit, settings)
            return
        with common.open_system(ctx, database_url) as system:
            common.upgrade_views(system)
            breaches = conformance_breaches(system)
            web = create_app(
                system, open_breaches=breaches, max_body_bytes=limit, settings=settings
            )
            uvicorn.run(web, host=host, port=port)


APP_FACTORY = "salesdomain.adapters.web.app:app_from_environment"


def _serve_workers(
    ctx: typer.Context,
    url: str | None,
    host: str,
    port: int,
    workers: int,
    limit: int,
    settings: Settings,
) -> None:
    """``workers`` uvicorn processes, each building the app from the environment with no
    follower of its own; one follower runs in this process (unless ``--no-follow``, or
    by default on PostgreSQL, where it runs as 'salesdomain views follow')."""
    import uvicorn
    from salesdomain.adapters.following import Follower, embedded_by_default
    from salesdomain.adapters.store import DATABASE_URL_VARIABLE, database_url, parse_database_url
    from salesdomain.adapters.web.body import MAX_BODY_VARIABLE
    from salesdomain.adapters.web.running import (
        FOLLOW_VARIABLE,
        READ_WAIT_VARIABLE,
        READY_MAX_LAG_VARIABLE,
    )

    resolved = database_url(url)
    if parse_database_url(resolved).kind == "memory":
        raise Failure(
            ExitCode.USAGE,
            "--workers: a memory:// store lives in one process; use a SQLite file or "
            "PostgreSQL for several workers",
        )
    with common.open_system(ctx, resolved) as system:  # tables made once, before them
        common.upgrade_views(system)
        follow = settings.follow
        if follow is None:
            follow = embedded_by_default(system.app)
        follower = Follower(system.views, system.app, poll_seconds=0.2) if follow else None
        os.environ.update(
            {
                DATABASE_URL_VARIABLE: resolved,
                MAX_BODY_VARIABLE: str(limit),
                FOLLOW_VARIABLE: "0",
                READ_WAIT_VARIABLE: str(settings.read_wait_seconds),
                READY_MAX_LAG_VARIABLE: str(settings.ready_max_lag),
            }
        )
        if follower is not None:
            follower.start()
        try:
            uvicorn.run(APP_FACTORY, factory=True, host=host, port=port, workers=workers)
        finally:
            if follower is not None:
                follower.stop()
