"""What every command shares: the store option, output as tables or JSON, and the one
explicit mapping from each kind of error to its exit code and one-line message."""

from __future__ import annotations

import getpass
import json
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from decimal import DecimalException
from enum import IntEnum
from typing import Annotated, NoReturn

import typer
from pydantic import ValidationError
from rich.markup import escape
from salesdomain.adapters.bootstrap import System, build_system
from salesdomain.adapters.cli.output import err as err
from salesdomain.adapters.cli.output import out as out
from salesdomain.adapters.cli.output import plain as plain
from salesdomain.adapters.cli.output import print_json as print_json
from salesdomain.adapters.cli.output import visible as visible
from salesdomain.adapters.master_keys import MasterKeyError
from salesdomain.adapters.store import STORE_UNREACHABLE, BadDatabaseUrl
from salesdomain.projections.runner import ProjectionStopped

from salesdomain import errors as domain
from salesdomain.bounds import FIRST_DAY, LAST_DAY, is_currency
from salesdomain.command_record import Origin
from salesdomain.commands import problems_of
from salesdomain.errors import ErrorReport, ProblemReport


class ExitCode(IntEnum):
    """What the exit status of ``salesdomain`` means (documented in docs/cli.md)."""

    OK = 0
    USAGE = 2  # bad option or argument, bad database or API URL or master key, unknown
    # command or role; in client mode (--api): an administrator-only command, --as, --role,
    # --case
    INVALID_DATA = 3  # InvalidCommand / ImportRefused: every bad field or line named
    NOT_AUTHORISED = 4  # NotAuthorised; --as is no (active) employee or lacks the role;
    # client mode: the token refused (401) or may not do it (403: not_authorised, read_only)
    SOP_RULE = 5  # SopRuleViolation: the SOP step and rule
    UNKNOWN_RECORD = 6  # RecordNotFound
    CONFLICT = 7  # ConcurrencyConflict, RecordAlreadyExists, CommandIdReused, AlreadyRegistered
    INTEGRITY = 8  # the hash chain does not match the store or the digest
    BAD_FILE = 9  # an input file that cannot be read as JSON / CSV
    VIEW_STOPPED = 10  # a read model stopped on an event it cannot handle
    STORE_UNAVAILABLE = 11  # the database (client mode: the web API) cannot be reached or used
    BREACHES_FOUND = 12  # conformance --fail-on-breach: the review found breaches


DOMAIN_EXIT_CODES: dict[type[domain.SalesDomainError], ExitCode] = {
    domain.InvalidCommand: ExitCode.INVALID_DATA,
    domain.NotAuthorised: ExitCode.NOT_AUTHORISED,
    domain.SopRuleViolation: ExitCode.SOP_RULE,
    domain.AlreadyRegistered: ExitCode.CONFLICT,
    domain.RecordNotFound: ExitCode.UNKNOWN_RECORD,
    domain.RecordAlreadyExists: ExitCode.CONFLICT,
    domain.ConcurrencyConflict: ExitCode.CONFLICT,
    domain.CommandIdReused: ExitCode.CONFLICT,
}


def exit_code_for(error: domain.SalesDomainError) -> ExitCode:
    """The most specific mapping along the error's class hierarchy."""
    for kind in type(error).__mro__:
        if kind in DOMAIN_EXIT_CODES:
            return DOMAIN_EXIT_CODES[kind]
    raise TypeError(f"no exit code is defined for {type(error).__name__}")


class Failure(Exception):
    """A refusal the command line reports itself (usage, files, integrity, ...), or one
    the web API answered in client mode: ``kind`` names it in ``--json`` (a web API's
    refusal by the web API's kind; by default the exit code's name in lower case),
    ``rule_id`` the SOP rule broken, ``details`` the bad fields."""

    def __init__(
        self,
        code: ExitCode,
        message: str,
        details: Sequence[ProblemReport] = (),
        *,
        kind: str | None = None,
        rule_id: str | None = None,
        sop_step: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.report = ErrorReport(
            kind=kind or code.name.lower(),
            message=message,
            sop_step=sop_step,
            rule_id=rule_id,
            details=list(details),
        )


def report_failure(code: ExitCode, report: ErrorReport, as_json: bool) -> NoReturn:
    """The refusal on stderr, then exit with ``code``.  With ``--json`` one line, the web
    API's error body (``ErrorReport``, ADR 60) with the ``exit_code``; else its message,
    the broken SOP rule's id (``salesdomain rules``) and each bad field on a line of its
    own (one the message names already left out)."""
    if as_json:
        payload = {**report.model_dump(mode="json"), "exit_code": int(code)}
        print(json.dumps(payload, sort_keys=True, ensure_ascii=False), file=sys.stderr)
    else:
        console = err()
        console.print(f"[red]error:[/red] {escape(report.message)}", markup=True, soft_wrap=True)
        if report.rule_id is not None:
            console.print(f"  rule: {report.rule_id}", markup=False, soft_wrap=True)
        for problem in report.details:  # one only when the message does not say it
            if len(report.details) > 1 or problem.problem not in report.message:
                console.print(f"  {problem}", markup=False, soft_wrap=True)
    raise typer.Exit(int(code))


def _invalid(error: domain.InvalidCommand) -> ErrorReport:
    """An invalid command or import: one line, then (when there are several) every bad
    field or line on its own."""
    many = len(error.problems) > 1
    return domain.report_of(error, _headline(error) if many else None)


@contextmanager
def reported(as_json: bool = False) -> Iterator[None]:
    """Turn each known kind of error into its exit code and its ``ErrorReport``."""
    try:
        yield
    except Failure as failure:
        report_failure(failure.code, failure.report, as_json)
    except domain.InvalidCommand as error:
        report_failure(exit_code_for(error), _invalid(error), as_json)
    except domain.SalesDomainError as error:
        report_failure(exit_code_for(error), domain.report_of(error), as_json)
    except ValidationError as error:  # a value built from options: every bad field named
        invalid = domain.InvalidCommand(error.title, problems_of(error))
        report_failure(ExitCode.INVALID_DATA, _invalid(invalid), as_json)
    except (OverflowError, DecimalException) as error:  # a number or a date out of range
        message = f"a number or date is out of range: {error}"
        report_failure(
            ExitCode.INVALID_DATA, ErrorReport(kind="invalid_command", message=message), as_json
        )
    except ProjectionStopped as stopped:
        facts = {"view": stopped.name, "position": stopped.position, "event": stopped.event}
        report = ErrorReport(kind="view_stopped", message=stopped_message(stopped), **facts)
        report_failure(ExitCode.VIEW_STOPPED, report, as_json)
    except BadDatabaseUrl as error:
        report_failure(
            ExitCode.USAGE, ErrorReport(kind="bad_database_url", message=str(error)), as_json
        )
    except MasterKeyError as error:
        report = ErrorReport(kind="master_key_unavailable", message=str(error))
        report_failure(ExitCode.USAGE, report, as_json)
    except STORE_UNREACHABLE as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        message = f"the database cannot be reached or used: {first}"
        report_failure(
            ExitCode.STORE_UNAVAILABLE,
            ErrorReport(kind="store_unavailable", message=message),
            as_json,
        )


def stopped_message(stopped: ProjectionStopped) -> str:
    return (
        f"the {stopped.name} view stopped at log position {stopped.position} on "
        f"{stopped.event}: {stopped.reason}; its figures would be out of date "
        f"(`salesdomain views status`; `views rebuild --view {stopped.name}` once fixed)"
    )


def caught_up(system: System, *names: str) -> None:
    """The views ``names`` brought up to the head of the log (a one-shot process has no
    follower); ``ProjectionStopped`` (exit 10) if one of them stopped on an event.
    The other views are not touched, so a stopped one stops only its own reads."""
    system.views.catch_up(only=names)
    for name in names:
        stopped = system.views.stopped.get(name)
        if stopped is not None:
            raise stopped


def _headline(error: domain.InvalidCommand) -> str:
    if isinstance(error, domain.ImportRefused):
        return (
            f"SOP 4.1.2 Cleaning: nothing was imported from {error.source}; "
            f"{len(error.problems)} problem(s) to correct first:"
        )
    return f"{error.command} has {len(error.problems)} invalid fields:"


DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="Where events are stored "
        "(default: $SALESDOMAIN_DATABASE_URL, else sqlite:///salesdomain.db).",
        show_default=False,
    ),
]
JsonOutput = Annotated[bool, typer.Option("--json", help="Print stable JSON for scripts.")]

SystemFactory = Callable[[str | None], System]


@contextmanager
def open_system(ctx: typer.Context, url: str | None) -> Iterator[System]:
    """The system on ``url``, built by the composition root (or the factory a caller
    put in ``ctx.obj``, as tests do to share one in-memory store between commands)."""
    factory: SystemFactory = ctx.obj if callable(ctx.obj) else build_system
    system = factory(url)
    try:
        yield system
    finally:
        if factory is build_system:
            system.close()


FIRST_MOMENT = datetime.combine(FIRST_DAY, time(), UTC)
LAST_MOMENT = datetime.combine(LAST_DAY, time.max, UTC)


def when(text: str | None, option: str) -> datetime | None:
    """A date or date and time given on the command line (UTC unless it says), between
    ``salesdomain.bounds.FIRST_DAY`` and ``LAST_DAY``."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Failure(
            ExitCode.USAGE,
            f"{option}: '{visible(text)}' is not a date or time (YYYY-MM-DD[THH:MM])",
        ) from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if not FIRST_MOMENT <= moment <= LAST_MOMENT:
        raise Failure(
            ExitCode.USAGE, f"{option}: '{text}' is not between {FIRST_DAY} and {LAST_DAY}"
        )
    return moment


def day(text: str | None, option: str) -> date | None:
    """The day of a date given on the command line (``when``)."""
    moment = when(text, option)
    return moment.date() if moment else None


def period_in_order(since: date, until: date) -> None:
    """A period whose ``--until`` is before its ``--since`` is refused (exit 3)."""
    if until < since:
        raise Failure(ExitCode.INVALID_DATA, f"--until {until} is before --since {since}")


def currency_code(code: str | None) -> str | None:
    """``--currency``: an ISO 4217 code, when one is given."""
    if code is not None and not is_currency(code):
        raise Failure(ExitCode.USAGE, f"--currency: '{visible(code)}' is not an ISO 4217 code")
    return code


StopAfter = Annotated[
    float | None, typer.Option(min=0, help="Stop after this long (default: at Ctrl-C).")
]


def stop_after(seconds: float | None) -> threading.Event:
    """The event that stops a command running until Ctrl-C: set once ``seconds``
    (``--seconds``) have passed, never without them."""
    stop = threading.Event()
    if seconds is not None:
        timer = threading.Timer(seconds, stop.set)
        timer.daemon = True
        timer.start()
    return stop


def upgrade_views(system: System) -> None:
    """Rebuild the views an older release built, before serving or following them: reads
    need the new shape."""
    upgraded = system.views.upgrade()
    if upgraded:
        err().print(f"Rebuilt the views an older release built: {', '.join(upgraded)}")


def cli_origin() -> Origin:
    """Where a command sent from this command line comes from: the command line, and the
    operating-system user who ran it (the CLI reaches the database directly, as an
    administrator's tool: docs/cli.md)."""
    try:
        found = getpass.getuser()  # $LOGNAME, $USER, ... first: any text at all
    except (KeyError, OSError):  # no name for this uid (a bare container)
        return Origin(channel="cli")
    shown = "".join(c if c.isprintable() else "?" for c in found)[:64]
    return Origin(channel="cli", os_user=shown or None)
