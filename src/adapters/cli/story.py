"""``salesdomain story``: a business case's story, from the customer's screening to
after-sales, and (``--verified``) checked against the event log itself."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated
from uuid import UUID

import typer
from rich.table import Table
from salesdomain.adapters.cli import client, common, remote
from salesdomain.adapters.cli.common import DatabaseUrl, ExitCode, Failure, JsonOutput
from salesdomain.adapters.cli.output import out, print_json
from salesdomain.projections.story import CaseStory, StoryEntry, case_story, verified_case_story

from salesdomain.sop import Role


def story(
    ctx: typer.Context,
    case_id: Annotated[
        UUID, typer.Argument(help="The business case: its opportunity's id (or correlation id).")
    ],
    verified: Annotated[
        bool,
        typer.Option(
            "--verified", help="Also read the event log itself and check the story against it."
        ),
    ] = False,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """A business case's story: who did which SOP step to which record, in order (in
    client mode, the entries the token's employee may read)."""
    difference = None
    with common.reported(as_json):
        api = client.connect(ctx, database_url)
        if api is not None:
            if verified:
                raise Failure(
                    ExitCode.USAGE,
                    "--verified reads the event log itself: an administrator's check, run on "
                    f"the server; client mode (--api {api.url}) reads the story the web API "
                    "serves",
                )
            told = remote.story(api, case_id)
        else:
            with common.open_system(ctx, database_url) as system:
                told = case_story(system.app, system.views, case_id)
                if verified:
                    from_log = verified_case_story(system.app, case_id, until=told.position)
                    difference = first_difference(told, from_log)
        if as_json:
            payload = {**asdict(told), "verified": None if not verified else difference is None}
            print_json(payload)
        else:
            out().print(story_table(told))
        if difference is not None:
            raise Failure(ExitCode.INTEGRITY, f"the story differs from the event log: {difference}")
    if verified and not as_json:
        out().print(
            f"Verified against the event log: {len(told.entries)} entries up to log position "
            f"{told.position:,}."
        )


WHAT_HAPPENED_WIDTH = 36
"""The story's "What happened" is never narrower than this (the step and the actor wrap
first): it is what the story is read for."""


def story_table(told: CaseStory) -> Table:
    customer = f", customer {told.customer_id}" if told.customer_id else ""
    table = Table(
        title=f"Business case {told.case_id}{customer}: {len(told.entries)} entries "
        f"(to log position {told.position:,})",
        title_justify="left",
    )
    for column in ("Pos", "Time (UTC)", "Part", "SOP step", "Actor", "Record"):
        table.add_column(
            column,
            justify="right" if column == "Pos" else "left",
            no_wrap=column in ("Pos", "Time (UTC)", "Record"),
        )
    longest = max((len(e.description) for e in told.entries), default=0)
    table.add_column("What happened", min_width=min(longest, WHAT_HAPPENED_WIDTH))
    for e in told.entries:
        table.add_row(
            str(e.position),
            f"{e.recorded_at:%Y-%m-%d %H:%M}",
            e.part,
            f"{e.sop_step} {e.step_title}",
            f"{e.actor_name or e.actor_id[:8]} ({Role(e.actor_role).label})",
            f"{e.aggregate_type} {e.aggregate_id[:8]} v{e.version}",
            e.description,
        )
    return table


def first_difference(view: CaseStory, log: CaseStory) -> str | None:
    """Where the story from the audit view first differs from the log's, in words
    (``None`` if they agree)."""
    for seen, recorded in zip(view.entries, log.entries, strict=False):
        if seen != recorded:
            if seen.position != recorded.position:
                return f"the audit view has {_named(seen)} where the log has {_named(recorded)}"
            fields = [k for k, v in asdict(seen).items() if asdict(recorded)[k] != v]
            return (
                f"entry at log position {recorded.position:,} ({_named(recorded)}) "
                f"differs in {', '.join(fields)}"
            )
    if len(view.entries) > len(log.entries):
        extra = view.entries[len(log.entries)]
        return f"the audit view has {_named(extra)}, which is not in the log"
    if len(log.entries) > len(view.entries):
        missing = log.entries[len(view.entries)]
        return f"the audit view lacks {_named(missing)}"
    if view.customer_id != log.customer_id:
        return f"the customer differs: view {view.customer_id}, log {log.customer_id}"
    return None


def _named(entry: StoryEntry) -> str:
    return (
        f"position {entry.position:,}: {entry.aggregate_type} {entry.aggregate_id[:8]} "
        f"v{entry.version} {entry.event_type}"
    )
