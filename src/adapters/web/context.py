"""What every request of the web API works with: the system, the tokens, the views."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from math import ceil
from time import sleep
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Header, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.following import AFTER_HEADER, Follower
from salesdomain.adapters.web.errors import (
    CsrfMissing,
    InvalidQuery,
    ReadOnly,
    Unauthenticated,
    ViewBehind,
    ViewStopped,
)
from salesdomain.adapters.web.sessions import COOKIE, CSRF_HEADER, SessionStore, csrf_matches
from salesdomain.adapters.web.tokens import CannotIssue, TokenInfo, TokenStore
from salesdomain.projections.access import reader_of
from salesdomain.projections.runner import ProjectionRunner, Standing
from sqlalchemy import Engine, Table

from salesdomain.access import Reader
from salesdomain.sop import Role
from salesdomain.values import Actor

BreachProvider = Callable[[datetime], Sequence[Mapping[str, Any] | Any]]
"""Open breaches of SOP time limits as at a time: dicts (or objects) with case, step,
responsible, due and actual (``None`` while still open)."""


READ_WAIT_SECONDS = 2.0
"""How long a read waits for its view to reach the position it asks for."""

WAIT_STEP_SECONDS = 0.02

READERS_CACHED = 1024


@dataclass
class WebContext:
    system: System
    tokens: TokenStore
    sessions: SessionStore
    open_breaches: BreachProvider | None = None
    follower: Follower | None = None
    """The follower running in this process, if one does (it wakes on each command)."""
    read_wait_seconds: float = READ_WAIT_SECONDS
    ready_max_lag: int = 1000
    after: int | None = None
    """The log position this request's reads must show (``X-Salesdomain-After``)."""
    _readers: dict[tuple[Any, ...], Reader] = field(default_factory=dict)

    def reading_after(self, after: int | None) -> "WebContext":
        """This context for a request whose reads must show log position ``after``."""
        return self if after is None else replace(self, after=after)

    def view(self, name: str) -> tuple[Engine, dict[str, Table], int]:
        """A view as it stands: its engine, tables and the log position it shows.  No
        request catches a view up (a follower does, ADR 35); with ``after`` the read
        waits, at most ``read_wait_seconds``, for the view to reach it (``ViewBehind``
        if it does not).  A view that stopped on an event answers ``ViewStopped`` (which,
        on what, why); the others go on serving."""
        runner, standing = self._standing(name)
        return runner.engine, runner.tables(standing.generation), standing.position

    def _standing(self, name: str) -> tuple[ProjectionRunner, Standing]:
        runner = self.system.views.runner(name)
        standing = runner.standing()
        if self.after is not None and standing.position < self.after and not standing.stopped:
            standing = self._wait(runner, standing, self.after)
        if standing.stopped is not None:
            stopped = standing.stopped
            raise ViewStopped(name, stopped.position, stopped.event, stopped.reason)
        return runner, standing

    def _wait(self, runner: ProjectionRunner, standing: Standing, after: int) -> Standing:
        head = self.system.views.log.head()
        if after > head:
            raise InvalidQuery(AFTER_HEADER, f"position {after} is past the log's head ({head})")
        if self.follower is not None:
            self.follower.wake()
        # counted in steps, not by the clock: a test's frozen clock does not stop them
        for _ in range(max(1, ceil(self.read_wait_seconds / WAIT_STEP_SECONDS))):
            if self.follower is not None:
                self.follower.wait_moved(WAIT_STEP_SECONDS)
            else:
                sleep(WAIT_STEP_SECONDS)
            standing = runner.standing()
            if standing.position >= after or standing.stopped is not None:
                return standing
        raise ViewBehind(runner.projection.name, standing.position, after, self.read_wait_seconds)

    def reader(self, employee_id: UUID, role: Role) -> Reader:
        """Who reads, with whom the read policy lets them see, from the staff directory
        of the KPI view as it stands (as of ``after``, if the request asks); resolved
        once per view position."""
        runner, standing = self._standing("kpi")
        key = (employee_id, role, standing.generation, standing.position)
        found = self._readers.get(key)
        if found is None:
            if len(self._readers) >= READERS_CACHED:
                self._readers.clear()
            found = reader_of(runner.engine, runner.tables(standing.generation), employee_id, role)
            self._readers[key] = found
        return found


def context(request: Request) -> WebContext:
    found = request.app.state.context
    assert isinstance(found, WebContext)
    return found


bearer = HTTPBearer(
    auto_error=False,
    description="An API token issued with `salesdomain token issue`: "
    "`Authorization: Bearer sd_...`",
)


Ctx = Annotated[WebContext, Depends(context)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def current_token(request: Request, credentials: Credentials, ctx: Ctx) -> TokenInfo:
    """The token the request came with (``Authorization: Bearer``, or the session its
    cookie names), if it is valid and its employee may still act under its role (asked
    of the staff register on every request).  A request that changes something on a
    session's cookie must echo the session's CSRF secret (ADR 31)."""
    if credentials is not None:
        info = ctx.tokens.authenticate(credentials.credentials)
    elif (cookie := request.cookies.get(COOKIE)) is not None:
        session = ctx.sessions.find(cookie)
        if session is None:
            raise Unauthenticated("the session ended or expired: sign in again")
        if request.method not in SAFE_METHODS and not csrf_matches(
            session, request.headers.get(CSRF_HEADER)
        ):
            raise CsrfMissing(f"a change from a session needs its {CSRF_HEADER} header")
        info = session.token
    else:
        raise Unauthenticated(
            "no API token: send 'Authorization: Bearer <token>', or sign in (POST /session)"
        )
    if info is None:
        raise Unauthenticated("the API token is unknown, was revoked or has expired")
    try:
        ctx.tokens.holder(info, ctx.system.app)
    except CannotIssue as gone:
        raise Unauthenticated(f"the API token no longer acts: {gone}") from None
    return info


CurrentToken = Annotated[TokenInfo, Depends(current_token)]


def current_actor(token: CurrentToken) -> Actor:
    """The employee, and the role, the request acts as (the token's); a read-only
    token acts as nobody."""
    if token.read_only:
        raise ReadOnly(f"token {token.token_id} is read-only: it reads, it sends no command")
    return token.actor


CurrentActor = Annotated[Actor, Depends(current_actor)]


def reading_context(
    ctx: Ctx,
    after: Annotated[
        int | None,
        Header(
            alias=AFTER_HEADER,
            ge=0,
            description="A log position the answer must show (e.g. the last of the "
            "`positions` of one's own command): the read waits for its view to reach it, "
            "at most a couple of seconds, else answers 503 `view_behind` with Retry-After.",
        ),
    ] = None,
) -> WebContext:
    """The context of a read: reads as the views stand, or as of ``after``."""
    return ctx.reading_after(after)


ReadCtx = Annotated[WebContext, Depends(reading_context)]


def current_reader(token: CurrentToken, ctx: ReadCtx) -> Reader:
    """Who reads, with whom the read policy lets them see (from the staff directory of
    the KPI view as it stands, or as of ``X-Salesdomain-After``)."""
    return ctx.reader(token.employee_id, token.role)


CurrentReader = Annotated[Reader, Depends(current_reader)]
