"""The read models (ADR 9): their status, following the log, rebuilding them."""

from __future__ import annotations

import time
from collections.abc import Sequence
from functools import partial
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from salesdomain.adapters.bootstrap import build_system
from salesdomain.adapters.cli import client, common, progress, remote
from salesdomain.adapters.cli.common import DatabaseUrl, ExitCode, Failure, JsonOutput
from salesdomain.adapters.cli.output import err, out, print_json
from salesdomain.adapters.following import POLL_SECONDS, Follower
from salesdomain.adapters.rebuilding import (
    MOST_PROCESSES,
    MOST_PROCESSES_ASKED,
    SHARED_FROM,
    rebuild_in_processes,
)
from salesdomain.adapters.store import first_line
from salesdomain.projections.runner import ProjectionStatus, RebuildInProgress

views_app = typer.Typer(
    help="The read models: status, follow the log, rebuild.", no_args_is_help=True
)


@views_app.callback()
def _views(ctx: typer.Context) -> None:
    client.administrator_only(ctx, f"views {ctx.invoked_subcommand}")


@views_app.command()
def status(
    ctx: typer.Context, database_url: DatabaseUrl = None, as_json: JsonOutput = False
) -> None:
    """Position, lag and last error of every view (exit 10 if one has stopped; in client
    mode, the server's views)."""
    with common.reported(as_json):
        api = client.connect(ctx, database_url)
        if api is not None:
            statuses: Sequence[ProjectionStatus] = remote.views_status(api)
        else:
            with common.open_system(ctx, database_url) as system:
                statuses = system.views.status()
        show_status(statuses, as_json)
        stopped = [s for s in statuses if s.stopped]
        outdated = [s.name for s in statuses if s.outdated and not s.stopped]
        if outdated:
            err().print(
                f"built by an older release: {', '.join(outdated)}; the follower (views "
                "follow) and serve rebuild them at start, or run 'salesdomain views rebuild'"
            )
        if stopped:
            raise Failure(
                ExitCode.VIEW_STOPPED,
                "view(s) stopped on an event: "
                + ", ".join(f"{s.name} at {s.error_position} ({s.error_event})" for s in stopped)
                + "; fix the cause, then run 'salesdomain views rebuild'"
                + (" on the server (an administrator's tool)" if api is not None else ""),
            )


def show_status(statuses: Sequence[ProjectionStatus], as_json: bool) -> None:
    if as_json:
        print_json(
            [
                {**s.__dict__, "lag": s.lag, "stopped": s.stopped, "outdated": s.outdated}
                for s in statuses
            ]
        )
        return
    table = Table(title="Views", title_justify="left")
    for column in ("View", "Generation", "Status", "Position", "Head", "Lag", "Error"):
        table.add_column(column)
    for s in statuses:
        error = f"at {s.error_position} ({s.error_event}): {s.error}" if s.error else ""
        table.add_row(
            s.name,
            str(s.generation),
            "stopped" if s.stopped else ("outdated" if s.outdated else s.status),
            f"{s.position:,}",
            f"{s.head:,}",
            f"{s.lag:,}",
            error,
        )
    out().print(table)


@views_app.command()
def follow(
    ctx: typer.Context,
    poll: Annotated[
        float,
        typer.Option(
            min=0.05,
            help="Seconds between two looks at the log (on PostgreSQL a NOTIFY of new "
            "events wakes the follower at once; this is the fallback).",
        ),
    ] = POLL_SECONDS,
    seconds: common.StopAfter = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Keep every view following the log until Ctrl-C: the follower the web servers
    read from (ADR 35).  A database that cannot be reached is reported, then tried
    again; the follower goes on."""
    with common.reported(), common.open_system(ctx, database_url) as system:
        stop = common.stop_after(seconds)
        common.upgrade_views(system)
        told: dict[str, str] = {}
        last: dict[str, int] = {s.name: s.position for s in system.views.status()}

        def report(reached: dict[str, int]) -> None:
            nonlocal told
            for name, stopped in system.views.stopped.items():
                if told.get(name) != str(stopped):  # each stop once, not every round
                    err().print(
                        f"[yellow]view {name} stopped:[/yellow] {escape(str(stopped))}",
                        markup=True,
                    )
            told = {name: str(stopped) for name, stopped in system.views.stopped.items()}
            moved = {n: p for n, p in reached.items() if p != last.get(n)}
            last.update(reached)
            if moved:
                err().print(
                    f"{time.strftime('%H:%M:%S')} "
                    + ", ".join(f"{n} at {p:,}" for n, p in moved.items())
                )

        def failed(error: Exception) -> None:
            first = first_line(error)
            err().print(
                f"[yellow]could not follow the log:[/yellow] {escape(first)}; trying again",
                markup=True,
            )

        follower = Follower(
            system.views, system.app, poll_seconds=poll, on_round=report, on_error=failed
        )
        how = "woken by the store's NOTIFY" if follower.listens else f"every {poll:g} s"
        err().print(f"Following the log ({how}); Ctrl-C stops.")
        try:
            follower.run(stop)
        except KeyboardInterrupt:
            err().print("Stopped.")


@views_app.command()
def rebuild(
    ctx: typer.Context,
    view: Annotated[
        list[str] | None, typer.Option("--view", help="A view to rebuild (default: all).")
    ] = None,
    processes: Annotated[
        int | None,
        typer.Option(
            "--processes",
            min=1,
            max=MOST_PROCESSES_ASKED,
            help="Share the views among this many processes (default: one per core, "
            f"at most {MOST_PROCESSES}; one for a log under {SHARED_FROM:,} positions).",
        ),
    ] = None,
    show_progress: progress.ProgressOption = False,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """Rebuild views from position zero; the old copies serve until the switch.
    The views are shared among processes, one per core: each reads the log and
    rebuilds its share (a short log or a store in memory: one process).  One rebuild of a view at a
    time per store: a second one is refused (exit 7).  Progress is shown on a
    terminal (or with --progress)."""
    with common.reported(as_json), common.open_system(ctx, database_url) as system:
        unknown = [v for v in view or [] if v not in system.views.runners]
        if unknown:
            raise Failure(
                ExitCode.USAGE,
                f"--view: no view is called {', '.join(unknown)} "
                f"(views: {', '.join(system.views.runners)})",
            )
        # another process opens the system as this one did: from the URL and the
        # environment (not a factory a caller put in ctx.obj, as tests do)
        reopen = None if callable(ctx.obj) else partial(build_system, database_url)
        started = time.perf_counter()
        try:
            asked = {"asked": show_progress, "quiet": as_json}
            with progress.reported("Rebuilding the views", **asked) as report:
                done = rebuild_in_processes(
                    system, reopen, view or None, processes=processes, progress=report
                )
        except RebuildInProgress as busy:
            raise Failure(ExitCode.CONFLICT, str(busy)) from None
        seconds = time.perf_counter() - started
        positions = {s.name: s.position for s in system.views.status()}
        rebuilt = {
            name: {"generation": generation, "position": positions[name]}
            for name, generation in done.generations.items()
        }
        stopped = {n: str(s) for n, s in system.views.stopped.items()}
        if as_json:
            print_json(
                {
                    "rebuilt": rebuilt,
                    "seconds": round(seconds, 3),
                    "stopped": stopped,
                    "processes": done.shares,
                }
            )
        else:
            for name, built in rebuilt.items():
                out().print(
                    f"{name}: generation {built['generation']} built to position "
                    f"{built['position']:,}"
                )
            shared = f" in {len(done.shares)} processes" if len(done.shares) > 1 else ""
            out().print(f"in {seconds:.1f} s{shared}")
        if stopped:
            raise Failure(ExitCode.VIEW_STOPPED, "; ".join(stopped.values()))
