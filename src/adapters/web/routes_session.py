"""Signing in and out of a browser session (ADR 31)."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from salesdomain.adapters.web.context import Ctx, CurrentToken
from salesdomain.adapters.web.errors import Unauthenticated
from salesdomain.adapters.web.responses import ERROR_RESPONSES, ErrorOut
from salesdomain.adapters.web.sessions import COOKIE, Session, SignInRefused, set_cookie
from salesdomain.adapters.web.tokens import CannotIssue

from salesdomain.sop import Role

router = APIRouter(prefix="/session", tags=["auth"], responses=ERROR_RESPONSES)


class SignIn(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    token: Annotated[str, Field(min_length=1, max_length=200, description="Your API token")]


class SessionOut(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    employee_id: UUID
    """The signed-in employee."""
    name: str
    """The employee's name."""
    role: Role
    """The role the session acts under."""
    read_only: bool
    """Whether the session may only read."""
    csrf_token: str
    """Send it back in ``X-CSRF-Token`` with every request that changes something."""


SIGN_IN_LIMITED: dict[int | str, dict[str, Any]] = {
    429: {
        "description": "`too_many_attempts`: too many failed sign-ins from this address",
        "model": ErrorOut,
        "headers": {
            "Retry-After": {
                "description": "Seconds until sign-ins from here are taken again",
                "schema": {"type": "integer"},
            }
        },
    }
}


@router.post("", response_model=SessionOut, responses=SIGN_IN_LIMITED)
def sign_in(body: SignIn, request: Request, response: Response, ctx: Ctx) -> SessionOut:
    """Sign in with your API token once: the answer sets an HttpOnly, SameSite=Strict
    session cookie (idle 30 minutes, at most 12 hours) and gives the CSRF secret."""
    client = request.client.host if request.client is not None else "unknown"
    try:
        session, secret = ctx.sessions.sign_in(body.token, client)
        ctx.tokens.holder(session.token, ctx.system.app)
    except SignInRefused as refused:
        raise Unauthenticated(str(refused)) from None
    except CannotIssue as gone:
        ctx.sessions.sign_out(secret)
        raise Unauthenticated(f"the API token no longer acts: {gone}") from None
    set_cookie(response, secret, request)
    return _out(session)


@router.get("", response_model=SessionOut)
def this_session(request: Request, ctx: Ctx) -> SessionOut:
    """Who this browser's session acts as, with its CSRF secret (a page reloaded
    needs it again; other sites can neither send the cookie nor read the answer)."""
    cookie = request.cookies.get(COOKIE)
    session = ctx.sessions.find(cookie) if cookie is not None else None
    if session is None:
        raise Unauthenticated("no session: sign in (POST /session)")
    return _out(session)


def _out(session: Session) -> SessionOut:
    token = session.token
    return SessionOut(
        employee_id=token.employee_id,
        name=token.employee_name,
        role=token.role,
        read_only=token.read_only,
        csrf_token=session.csrf,
    )


@router.delete("", status_code=204)
def sign_out(request: Request, response: Response, ctx: Ctx, _: CurrentToken) -> None:
    """End this browser's session (the request must carry ``X-CSRF-Token``)."""
    cookie = request.cookies.get(COOKIE)
    if cookie is not None:
        ctx.sessions.sign_out(cookie)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
