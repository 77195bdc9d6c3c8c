"""``salesdomain notifications``: the warnings of SOP 4.2.4 (ADR 54).  ``send`` works
out the warnings due now from the views and sends the outbox's pending ones by e-mail,
once (``--once``) or every ``--every`` seconds until Ctrl-C; ``list`` prints the outbox
(an administrator's tool: the web API lists each person their own)."""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer
from pydantic import ValidationError
from salesdomain.adapters.cli import client, common, paging
from salesdomain.adapters.cli.common import DatabaseUrl, ExitCode, Failure, JsonOutput
from salesdomain.adapters.cli.output import err, print_json
from salesdomain.adapters.mail import MAIL_FILE_VARIABLE, MailSettings, Sender
from salesdomain.adapters.notifying import Round, warning_round
from salesdomain.adapters.store import first_line
from salesdomain.projections.notifications import Notification, notifications_page
from salesdomain.projections.notifications.outbox import STATUSES
from salesdomain.projections.paging import DEFAULT_LIMIT, MAX_LIMIT, Page
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from salesdomain import clock
from salesdomain.notifications import WarningKind

notifications_app = typer.Typer(
    help="Warnings before a limit is missed (SOP 4.2.4): send them, list them.",
    no_args_is_help=True,
)


@notifications_app.callback()
def _notifications(ctx: typer.Context) -> None:
    client.administrator_only(ctx, f"notifications {ctx.invoked_subcommand}")


def _settings(mail_file: Path | None) -> MailSettings:
    path = mail_file or os.environ.get(MAIL_FILE_VARIABLE) or None
    if path is None:
        raise Failure(
            ExitCode.USAGE,
            f"no mail settings: give --mail-file or set ${MAIL_FILE_VARIABLE} (or --raise-only)",
        )
    try:
        return MailSettings.from_file(path)
    except OSError as error:
        raise Failure(ExitCode.USAGE, f"mail settings {path}: {error.strerror}") from None
    except ValueError as error:  # JSON or a field refused (pydantic's ValidationError)
        what = _fields(error) if isinstance(error, ValidationError) else str(error)
        raise Failure(ExitCode.USAGE, f"mail settings {path}: {what}") from None


def _fields(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()[:5]
    )


@notifications_app.command()
def send(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="One round, then exit.")] = False,
    every: Annotated[
        float, typer.Option(min=1, max=86400, help="Seconds between two rounds.")
    ] = 60,
    seconds: common.StopAfter = None,
    mail_file: Annotated[
        Path | None,
        typer.Option(
            help=f"The mail settings (JSON; default: ${MAIL_FILE_VARIABLE}).", show_default=False
        ),
    ] = None,
    raise_only: Annotated[
        bool, typer.Option("--raise-only", help="Put the warnings due into the outbox, send none.")
    ] = False,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """Work out the warnings due now (deadlines approaching or overdue, KPIs below their
    floors) from the views, put the new ones into the outbox and send the pending ones
    by e-mail, each once; a round every ``--every`` seconds, or one with ``--once``."""
    with common.reported(as_json):
        settings = None if raise_only else _settings(mail_file)
        with common.open_system(ctx, database_url) as system:
            sender = None if settings is None else Sender(system.store, settings)
            if once:
                _told(warning_round(system, sender, clock.now()), as_json)
                return
            stop = common.stop_after(seconds)
            try:
                while not stop.is_set():
                    try:
                        _told(warning_round(system, sender, clock.now()), as_json)
                    except SQLAlchemyError as error:  # the database went away: next round
                        err().print(f"could not raise or send: {first_line(error)}; trying again")
                    stop.wait(every)
            except KeyboardInterrupt:
                pass


def _told(done: Round, as_json: bool) -> None:
    delivered = done.delivered
    if as_json:
        print_json(
            {
                "raised": [str(n) for n in done.raised],
                "sent": delivered.sent,
                "undeliverable": delivered.undeliverable,
                "failed": delivered.failed,
                "views_stopped": done.stopped,
            }
        )
        return
    err().print(
        f"{time.strftime('%H:%M:%S')} warnings raised {len(done.raised)}, sent "
        f"{len(delivered.sent)}, undeliverable {len(delivered.undeliverable)}, failed "
        f"{len(delivered.failed)}"
        + (f"; views stopped: {', '.join(done.stopped)}" if done.stopped else "")
    )


@notifications_app.command("list")
def list_notifications(
    ctx: typer.Context,
    recipient: Annotated[
        str | None, typer.Option(help="Only those to this employee id.", show_default=False)
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(help=f"Only those {', '.join(STATUSES)}.", show_default=False),
    ] = None,
    kind: Annotated[
        WarningKind | None, typer.Option(help="Only this kind.", show_default=False)
    ] = None,
    limit: paging.Limit = DEFAULT_LIMIT,
    cursor: paging.Cursor = None,
    every: paging.Every = False,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """The warnings in the outbox, in the order raised, with their delivery status."""
    with common.reported(as_json):
        if every:
            paging.every_from_the_start(cursor, "warning")
        if status is not None and status not in STATUSES:
            raise Failure(ExitCode.USAGE, f"--status: one of {', '.join(STATUSES)}")
        who = None
        if recipient is not None:
            try:
                who = UUID(recipient)
            except ValueError:
                raise Failure(ExitCode.USAGE, "--recipient: an employee id (a UUID)") from None
        with common.open_system(ctx, database_url) as system:
            found = _pages(system.store, who, status, kind, limit, cursor, every=every)
    if as_json:
        print_json({"as_at": found.at, "rows": found.rows, "next_cursor": found.next_cursor})
        return
    columns = ("Raised", "Kind", "To", "Subject", "Status", "Sent")
    paging.print_page_table("Warnings", found, columns, _cells, "warnings")


def _cells(row: Notification) -> tuple[str, ...]:
    return (
        f"{row.raised_at:%Y-%m-%d %H:%M}",
        row.kind,
        row.recipient_id,
        row.subject,
        row.status + (f" ({row.last_error})" if row.last_error else ""),
        "" if row.sent_at is None else f"{row.sent_at:%Y-%m-%d %H:%M}",
    )


def _pages(
    store: Engine,
    who: UUID | None,
    status: str | None,
    kind: WarningKind | None,
    limit: int,
    cursor: str | None,
    *,
    every: bool,
) -> Page[Notification]:
    now = clock.now()

    def read(at: datetime | None, page: str | None, limit: int = limit) -> Page[Notification]:
        return notifications_page(
            store, at, recipient=who, status=status, kind=kind, limit=limit, cursor=page
        )

    with paging.cursor_checked():
        if every:
            return paging.every_page(now, lambda at, page: read(at, page, MAX_LIMIT))
        return read(None if cursor else now, cursor)
