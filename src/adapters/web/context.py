"""What every request of the web API works with: the system, the tokens, the views."""

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.web.errors import CsrfMissing, ReadOnly, Unauthenticated, ViewStopped
from salesdomain.adapters.web.sessions import COOKIE, CSRF_HEADER, SessionStore, csrf_matches
from salesdomain.adapters.web.tokens import CannotIssue, TokenInfo, TokenStore
from salesdomain.projections.access import reader_of
from sqlalchemy import Engine, Table

from salesdomain.access import Reader
from salesdomain.values import Actor

BreachProvider = Callable[[datetime], Sequence[Mapping[str, Any] | Any]]
"""Open breaches of SOP time limits as at a time: dicts (or objects) with case, step,
responsible, due and actual (``None`` while still open)."""


@dataclass
class WebContext:
    system: System
    tokens: TokenStore
    sessions: SessionStore
    open_breaches: BreachProvider | None = None
    _catching_up: dict[str, threading.Lock] = field(default_factory=dict)
    _locks: threading.Lock = field(default_factory=threading.Lock)

    def view(self, name: str) -> tuple[Engine, dict[str, Table], int]:
        """A view caught up with the log (read-your-writes): its engine, tables and the
        log position it shows.  Only that view is caught up, so a view that stopped on
        an event (``ViewStopped``: which, on what, why) leaves the others serving."""
        views = self.system.views
        with self._locks:
            lock = self._catching_up.setdefault(name, threading.Lock())
        with lock:  # one catch-up of a view at a time; the others then find it done
            views.catch_up(only=[name])
        stopped = views.stopped.get(name)
        if stopped is not None:
            raise ViewStopped(name, stopped.position, stopped.event, stopped.reason)
        runner = views.runner(name)
        return runner.engine, runner.tables(), runner.position()


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


def current_reader(token: CurrentToken, ctx: Ctx) -> Reader:
    """Who reads, with whom the read policy lets them see (from the staff directory of
    the KPI view, caught up first)."""
    engine, tables, _ = ctx.view("kpi")
    return reader_of(engine, tables, token.employee_id, token.role)


CurrentReader = Annotated[Reader, Depends(current_reader)]
