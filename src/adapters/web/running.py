"""How the web API runs (ADR 35): the follower it may run in a thread, how long a read
waits for its own write, and the probes a supervisor or load balancer asks
(``/health``: the process answers; ``/ready``: the store answers and every view is
close enough to the log's head).

What ``salesdomain serve`` is told on its command line reaches every worker process
through the environment (``SALESDOMAIN_FOLLOW``, ``SALESDOMAIN_READ_WAIT_SECONDS``,
``SALESDOMAIN_READY_MAX_LAG``), read by ``settings_from_environment``.
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, FastAPI
from pydantic import BaseModel, ConfigDict
from salesdomain.adapters.store import STORE_UNREACHABLE, first_line
from salesdomain.adapters.web.context import READ_WAIT_SECONDS, Ctx
from salesdomain.adapters.web.outage import RETRY_AFTER_SECONDS
from salesdomain.adapters.web.responses import ERROR_RESPONSES, ErrorOut, error_response

FOLLOW_VARIABLE = "SALESDOMAIN_FOLLOW"
READ_WAIT_VARIABLE = "SALESDOMAIN_READ_WAIT_SECONDS"
READY_MAX_LAG_VARIABLE = "SALESDOMAIN_READY_MAX_LAG"

READY_MAX_LAG = 1000
"""How many positions a view may be behind the log's head for ``/ready`` to say ready."""


@dataclass(frozen=True)
class Settings:
    """``follow``: run a follower in this process (``None``: on SQLite and in memory,
    where nothing wakes a follower elsewhere; off on PostgreSQL, whose follower runs as
    its own process); ``read_wait_seconds``: how long a read waits for the position it
    asks for; ``ready_max_lag``: the lag ``/ready`` tolerates."""

    follow: bool | None = None
    read_wait_seconds: float = READ_WAIT_SECONDS
    ready_max_lag: int = READY_MAX_LAG


def settings_from_environment() -> Settings:
    """The settings named by the environment (each unset one: its default)."""
    env = os.environ
    follow = env.get(FOLLOW_VARIABLE, "").strip().lower()
    if follow not in ("", "0", "1", "true", "false", "yes", "no", "on", "off"):
        raise ValueError(f"{FOLLOW_VARIABLE} must be 1 or 0, not {follow!r}")
    return Settings(
        follow=None if not follow else follow in ("1", "true", "yes", "on"),
        read_wait_seconds=_number(READ_WAIT_VARIABLE, float, READ_WAIT_SECONDS),
        ready_max_lag=_number(READY_MAX_LAG_VARIABLE, int, READY_MAX_LAG),
    )


def _number(variable: str, kind: type[float] | type[int], default: float) -> Any:
    text = os.environ.get(variable, "").strip()
    if not text:
        return default
    try:
        value = kind(text)
    except ValueError:
        raise ValueError(f"{variable} must be a number, not {text!r}") from None
    if value < 0:
        raise ValueError(f"{variable} must not be negative, not {text!r}")
    return value


@asynccontextmanager
async def follower_running(app: FastAPI) -> AsyncIterator[None]:
    """The app's lifespan: its follower, if it has one, runs while the app serves."""
    follower = app.state.context.follower
    if follower is not None:
        follower.start()
    try:
        yield
    finally:
        if follower is not None:
            follower.stop()


router = APIRouter(
    tags=["health"],
    responses={k: v for k, v in ERROR_RESPONSES.items() if k in (400, 413)},
)


class HealthOut(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    status: str
    """Always "ok" while the process answers."""


class ViewLag(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    name: str
    """The view's name."""
    position: int
    """The last log position the view has taken in."""
    lag: int
    """How many log positions the view is behind the head."""
    stopped: bool
    """Whether the view stopped on an event."""


class ReadyOut(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    ready: bool
    """Whether the store answers and every view is close to the log's head."""
    head: int
    """The log's last position."""
    max_lag: int
    """The largest lag tolerated, in positions."""
    views: list[ViewLag]
    """Each view's position and lag."""


@router.get("/health", response_model=HealthOut)
def health() -> HealthOut:
    """The process is up and answers (no token; nothing else is asked)."""
    return HealthOut(status="ok")


@router.get(
    "/ready",
    response_model=ReadyOut,
    responses={
        503: {
            "description": "`not_ready`: the store cannot be reached (`views` empty), or a "
            "view is more than `max_lag` positions behind the log's head (each view's "
            "`lag` and whether it `stopped`)",
            "model": ErrorOut,
        }
    },
)
def ready(ctx: Ctx) -> Any:
    """Ready to serve (no token): the store answers and every view is within
    ``max_lag`` positions of the log's head (``$SALESDOMAIN_READY_MAX_LAG``, default
    1000); else 503 ``not_ready`` with each view's lag."""
    limit = ctx.ready_max_lag
    try:
        statuses = ctx.system.views.status()
    except STORE_UNREACHABLE as error:
        first = first_line(error)
        return error_response(
            503,
            "not_ready",
            f"the store cannot be reached: {first}",
            {"Retry-After": str(RETRY_AFTER_SECONDS)},
            max_lag=limit,
            views=[],
        )
    views = [
        ViewLag(name=s.name, position=s.position, lag=s.lag, stopped=s.stopped) for s in statuses
    ]
    head = max((s.head for s in statuses), default=0)
    behind = [v for v in views if v.lag > limit]
    if behind:
        return error_response(
            503,
            "not_ready",
            "view(s) more than "
            f"{limit} positions behind the log's head ({head}): "
            + ", ".join(f"{v.name} {v.lag}" + (" (stopped)" if v.stopped else "") for v in behind),
            {"Retry-After": str(RETRY_AFTER_SECONDS)},
            head=head,
            max_lag=limit,
            views=[v.model_dump() for v in views],
        )
    return ReadyOut(ready=True, head=head, max_lag=limit, views=views)
