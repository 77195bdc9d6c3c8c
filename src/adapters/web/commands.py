"""One POST route per domain command: ``/commands/{CommandName}``, its body the command's
own pydantic model (so OpenAPI shows its exact schema), its answer the events recorded.

No ``from __future__ import annotations`` here: each route's body annotation is a
command class chosen at run time, which FastAPI must see as a class, not a string.
"""

from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Response
from pydantic import BaseModel, ConfigDict
from salesdomain.adapters.following import POSITION_HEADER
from salesdomain.adapters.web.context import Ctx, CurrentActor
from salesdomain.adapters.web.responses import ERROR_RESPONSES

import salesdomain.application  # noqa: F401  (imports every area, filling COMMANDS)
from salesdomain.command_record import CommandResult, Origin
from salesdomain.commands import COMMANDS, Command, command_examples
from salesdomain.sop import step


class RecordedEventOut(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    aggregate_type: str
    """The kind of record changed (Opportunity, Contract, Order, ...)."""
    aggregate_id: UUID
    """The id of the record changed."""
    version: int
    """The record's version after the event."""
    event_type: str
    """What was recorded, by its event name."""
    sop_step: str
    """The SOP step code the event records."""
    position: int | None
    """The event's place in the log (a replayed result: the first send's; ``None`` only
    where the store cannot say)."""


class CommandOutcome(BaseModel):
    """What a handled command recorded.  ``replayed``: the command id was handled before
    with the same content; this is the first result, and nothing more was recorded."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    command_id: UUID
    """The command's id: send it again to make a retry harmless."""
    command: str
    """The command's name."""
    replayed: bool
    """True: this command id was handled before with this content; nothing more was recorded."""
    events: list[RecordedEventOut]
    """The events recorded."""
    positions: list[int]
    """The log positions of the events recorded."""

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
    example = command_examples()[model.__name__]
    summary = f"{model.__name__} in the demo's quarter"
    body = Body(openapi_examples={"demo": {"summary": summary, "value": example}})

    def endpoint(
        command: Annotated[model, body],  # type: ignore[valid-type]
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
