"""``salesdomain forget``: forget a data subject on request (ADR 13,
docs/personal-data.md): the erasure is recorded, then the subject's key destroyed."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import typer
from salesdomain.adapters.cli import common
from salesdomain.adapters.cli.actors import resolve_actor
from salesdomain.adapters.cli.common import DatabaseUrl, JsonOutput
from salesdomain.adapters.cli.output import out, print_json
from salesdomain.adapters.cli.running import As, RoleOption, recorded_lines
from salesdomain.adapters.forgetting import forget_data_subject

from salesdomain.commands import Command
from salesdomain.people.commands import ForgetCandidate
from salesdomain.prospecting.commands import ForgetContactPerson

forget_app = typer.Typer(
    help="Forget a contact person or a candidate on their request (personal data, ADR 13).",
    no_args_is_help=True,
)

Reason = Annotated[
    str,
    typer.Option(help="Why (stays readable: do not repeat the person's details)."),
]
RequestedBy = Annotated[
    str,
    typer.Option(
        "--requested-by", help="Who asked (stays readable: do not repeat the person's details)."
    ),
]


@forget_app.command()
def contact(
    ctx: typer.Context,
    subject_id: Annotated[UUID, typer.Argument(help="The contact person's subject id.")],
    customer: Annotated[
        UUID, typer.Option("--customer", help="The customer the contact person belongs to.")
    ],
    who: As,
    reason: Reason,
    role: RoleOption = None,
    requested_by: RequestedBy = "the data subject",
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """Forget a customer's contact person (SOP 4.1.2; a sales manager or sales operations)."""
    _forget(
        ctx,
        ForgetContactPerson,
        subject_id,
        customer,
        who,
        role,
        reason,
        requested_by,
        database_url,
        as_json,
    )


@forget_app.command()
def candidate(
    ctx: typer.Context,
    candidate_id: Annotated[UUID, typer.Argument(help="The candidate's id.")],
    who: As,
    reason: Reason,
    role: RoleOption = None,
    requested_by: RequestedBy = "the data subject",
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """Forget a candidate: name, contact, CV summary, interview notes (SOP 3.1.3; HR)."""
    _forget(
        ctx,
        ForgetCandidate,
        candidate_id,
        None,
        who,
        role,
        reason,
        requested_by,
        database_url,
        as_json,
    )


def _forget(
    ctx: typer.Context,
    kind: type[Command],
    subject_id: UUID,
    customer_id: UUID | None,
    who: str,
    role: str | None,
    reason: str,
    requested_by: str,
    database_url: str | None,
    as_json: bool,
) -> None:
    with common.reported(as_json), common.open_system(ctx, database_url) as system:
        actor = resolve_actor(system, who, role, kind.SOP_STEP)
        done = forget_data_subject(
            system,
            subject_id,
            reason,
            actor,
            requested_by=requested_by,
            customer_id=customer_id,
        )
        events = recorded_lines(system.app, done.result) if done.result else []
    if as_json:
        print_json(
            {
                "subject_id": done.subject_id,
                "record_id": done.record_id,
                "recorded_now": done.result is not None,
                "events": events,
            }
        )
        return
    whom = "contact person" if customer_id else "candidate"
    if events:
        where = ", ".join(f"position {e['position']:,}" for e in events if e["position"])
        out().print(
            f"Forgot {whom} {subject_id}: the erasure is recorded ({where}, SOP {kind.SOP_STEP}, "
            f"by {actor}) and the key is destroyed."
        )
        for line in events:
            out().print(f"  {line['description']}")
    else:
        out().print(
            f"The {whom} {subject_id} was already forgotten (the erasure was recorded "
            "before); the key is destroyed."
        )
