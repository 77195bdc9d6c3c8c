"""One POST route per domain command: ``/commands/{CommandName}``, its body the command's
own pydantic model (so OpenAPI shows its exact schema), its answer the events recorded.

No ``from __future__ import annotations`` here: each route's body annotation is a
command class chosen at run time, which FastAPI must see as a class, not a string.
"""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Response
from pydantic import BaseModel
from salesdomain.adapters.following import POSITION_HEADER
from salesdomain.adapters.web.context import Ctx, CurrentActor
from salesdomain.adapters.web.responses import ERROR_RESPONSES

import salesdomain.application  # noqa: F401  (imports every area, filling COMMANDS)
from salesdomain.command_record import CommandResult, Origin
from salesdomain.commands import COMMANDS, Command
from salesdomain.sop import step


class RecordedEventOut(BaseModel):
    aggregate_type: str
    aggregate_id: UUID
    version: int
    event_type: str
    sop_step: str
    position: int | None
    """The event's place in the log (a replayed result: the first send's; ``None`` only
    where the store cannot say)."""


class CommandOutcome(BaseModel):
    """What a handled command recorded.  ``replayed``: the command id was handled before
    with the same content; this is the first result, and nothing more was recorded."""

    command_id: UUID
    command: str
    replayed: bool
    events: list[RecordedEventOut]
    positions: list[int]

    @classmethod
    def of(cls, result: CommandResult) -> "CommandOutcome":
        positions: list[int | None] = [*result.positions] or [None] * len(result.events)
        return cls(
            command_id=result.command_id,
            command=result.command,
            replayed=result.replayed,
            events=[
                RecordedEventOut(**event.model_dump(), position=position)
                for event, position in zip(result.events, positions, strict=True)
            ],
            positions=list(result.positions),
        )


WEB = Origin(channel="web")
"""Where a command sent to the web API comes from (its actor is the token's)."""


def _endpoint(model: type[Command]) -> Callable[..., CommandOutcome]:
    def endpoint(
        command: model,  # type: ignore[valid-type]
        actor: CurrentActor,
        ctx: Ctx,
        response: Response,
    ) -> CommandOutcome:
        outcome = CommandOutcome.of(ctx.system.app.handle(command, actor, origin=WEB))
        if outcome.positions:  # a read sent with it as X-Salesdomain-After shows this
            response.headers[POSITION_HEADER] = str(max(outcome.positions))
        if ctx.follower is not None:
            ctx.follower.wake()
        return outcome

    endpoint.__name__ = f"handle_{model.__name__}"
    return endpoint


def _area(model: type[Command]) -> str:
    """``salesdomain.opportunities.commands`` -> ``opportunities``."""
    parts = model.__module__.split(".")
    return parts[1] if len(parts) > 2 else "commands"


def command_router() -> APIRouter:
    router = APIRouter(prefix="/commands")
    responses: dict[int | str, dict[str, Any]] = dict(ERROR_RESPONSES)
    responses[200] = {
        "headers": {
            POSITION_HEADER: {
                "description": "The last log position the command recorded (absent if it "
                "recorded nothing): send it as `X-Salesdomain-After` with a read that must "
                "show the command's effect",
                "schema": {"type": "integer"},
            }
        }
    }
    for name, model in sorted(COMMANDS.items()):
        sop_step = step(model.SOP_STEP)
        router.add_api_route(
            f"/{name}",
            _endpoint(model),
            methods=["POST"],
            response_model=CommandOutcome,
            name=name,
            operation_id=name,
            summary=f"{sop_step.code} {sop_step.title}: {name}",
            description=(model.__doc__ or "").strip()
            + f"\n\nSOP step {sop_step.code}; roles: "
            + ", ".join(sorted(r.value for r in sop_step.roles)),
            tags=[f"commands: {_area(model)}"],
            responses=responses,
        )
    return router
