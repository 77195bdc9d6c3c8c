"""The workspace's pages (issue 20, ADR 63): server-rendered with Jinja2 templates, a
person signed in with a browser session (ADR 31), forms posted to this origin only.

A page finds its person from the session cookie, asking the staff register as every
request does (``tokens.holder``); without one it sends them to sign in.  Sign-in and
sign-out are plain HTML forms: sign-in is taken only from this origin (its ``Origin``
header) and sign-out carries the session's CSRF secret in a hidden field."""

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape
from salesdomain.adapters.web.context import Ctx, WebContext
from salesdomain.adapters.web.errors import problems_of
from salesdomain.adapters.web.sessions import (
    COOKIE,
    Session,
    SignInRefused,
    TooManyAttempts,
    csrf_matches,
    set_cookie,
)
from salesdomain.adapters.web.tokens import CannotIssue

from salesdomain.sop import Role

TEMPLATES = Jinja2Templates(
    env=Environment(
        loader=PackageLoader("salesdomain.adapters.web", "templates"),
        autoescape=select_autoescape(default=True),
    )
)
FORM_LIMIT = 4096
"""The most a sign-in or sign-out form may send (bytes)."""

DASHBOARD_ROLES = frozenset(
    {
        Role.SALES_SUPERVISOR,
        Role.SALES_MANAGER,
        Role.SALES_DIRECTOR,
        Role.GENERAL_MANAGER,
        Role.SALES_OPERATIONS,
        Role.COMPLIANCE_REVIEWER,
    }
)
"""Who opens the manager's dashboard: those who lead or watch a team's selling; each
still sees only what the read policy lets them (ADR 30, ADR 63)."""


class PageRoute(APIRoute):
    """A page's route (FastAPI's custom route class): a value in its address the page
    cannot take is answered with a page naming the field and what is wrong (422), not
    with the API's JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handle(request)
            except RequestValidationError as error:
                return _invalid(request, error)

        return page_handler


def _invalid(request: Request, error: RequestValidationError) -> HTMLResponse:
    cookie = request.cookies.get(COOKIE)
    ctx: WebContext = request.app.state.context
    session = ctx.sessions.find(cookie) if cookie is not None else None
    problems = [(p.field, p.problem) for p in problems_of(error)]
    return page(
        request, "invalid.html", session, 422, title="This page cannot take that", problems=problems
    )


router = APIRouter(include_in_schema=False, route_class=PageRoute)


class SignInNeeded(Exception):
    """No live session: the page sends the person to sign in, then back."""

    def __init__(self, back_to: str) -> None:
        super().__init__(back_to)
        self.back_to = back_to


def signed_in_session(request: Request, ctx: Ctx) -> Session:
    """The session this browser is signed in with, its employee still holding its role."""
    cookie = request.cookies.get(COOKIE)
    session = ctx.sessions.find(cookie) if cookie is not None else None
    if session is not None:
        try:
            ctx.tokens.holder(session.token, ctx.system.app)
            return session
        except CannotIssue:
            pass
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    raise SignInNeeded(back)


PageSession = Annotated[Session, Depends(signed_in_session)]


@dataclass(frozen=True)
class NavEntry:
    """One place in the workspace's navigation: shown only to ``roles`` (everyone
    signed in when ``None``).  A page module adds its entry to ``NAV``."""

    href: str
    label: str
    roles: frozenset[Role] | None = None
    order: int = 50
    """Where it stands: lower first, then in the order added."""


NAV: list[NavEntry] = [
    NavEntry("/dashboard", "Dashboard", DASHBOARD_ROLES),
    NavEntry("/docs", "API documentation", order=90),
]
"""The workspace's navigation (shown by ``order``, then as added): the places people
work first, the API's documentation last."""


def nav_for(session: Session | None) -> list[tuple[str, str]]:
    """The navigation ``session``'s role may use (only what needs no role when signed out)."""
    role = session.token.role if session is not None else None
    return [
        (entry.href, entry.label)
        for entry in sorted(NAV, key=lambda entry: entry.order)
        if entry.roles is None or (role is not None and role in entry.roles)
    ]


def page(
    request: Request, name: str, session: Session | None, status: int = 200, **values: object
) -> HTMLResponse:
    """``name`` rendered in the layout, with the navigation ``session``'s role may use."""
    nav = nav_for(session)
    values = {"session": session, "nav": nav, "path": request.url.path, **values}
    return TEMPLATES.TemplateResponse(request, name, values, status_code=status)


def forbidden(request: Request, session: Session, what: str) -> HTMLResponse:
    return page(request, "forbidden.html", session, 403, title="Not for your role", what=what)


async def _form(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > FORM_LIMIT:
        return {}
    parsed = parse_qs(body.decode("utf-8", "replace"), max_num_fields=10)
    return {key: values[0] for key, values in parsed.items()}


def same_origin(request: Request) -> bool:
    """A form posted from this origin: browsers say where a request comes from in
    ``Sec-Fetch-Site``, older ones in ``Origin`` (``null`` under this site's
    ``Referrer-Policy: no-referrer``, and then ``Sec-Fetch-Site`` decides)."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("origin")
    ours = f"{request.url.scheme}://{request.url.netloc}"
    return origin in (None, "null", ours)


def _local(target: str | None) -> str:
    """Only a path of this site to go back to (never another site's address)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request, next: str = "/") -> HTMLResponse:
    return page(request, "sign_in.html", None, title="Sign in", next=_local(next[:500]))


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in(request: Request, ctx: Ctx) -> Response:
    form = await _form(request)
    back = _local(form.get("next"))
    if not same_origin(request):
        return page(
            request,
            "sign_in.html",
            None,
            403,
            title="Sign in",
            next=back,
            error="Sign in from this site's own sign-in page.",
        )
    token = form.get("token", "").strip()
    if not token or len(token) > 200:
        return page(
            request,
            "sign_in.html",
            None,
            422,
            title="Sign in",
            next=back,
            error="API token: paste the token you were given (sd_…).",
        )
    client = request.client.host if request.client is not None else "unknown"
    try:
        session, secret = ctx.sessions.sign_in(token, client)
        ctx.tokens.holder(session.token, ctx.system.app)
    except (SignInRefused, TooManyAttempts, CannotIssue) as refused:
        error = (
            str(refused).capitalize()
            if isinstance(refused, TooManyAttempts)
            else (f"API token: {refused}.")
        )
        status = 429 if isinstance(refused, TooManyAttempts) else 401
        return page(request, "sign_in.html", None, status, title="Sign in", next=back, error=error)
    answer = RedirectResponse(back, status_code=303)
    set_cookie(answer, secret, request)
    return answer


@router.post("/sign-out")
async def sign_out(request: Request, ctx: Ctx, session: PageSession) -> Response:
    form = await _form(request)
    if not csrf_matches(session, form.get("csrf")):
        return forbidden(request, session, "Signing out needs the page's own form.")
    cookie = request.cookies.get(COOKIE)
    if cookie is not None:
        ctx.sessions.sign_out(cookie)
    answer = RedirectResponse("/sign-in", status_code=303)
    answer.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return answer


HOME: list[Callable[[WebContext, Session], dict[str, object]]] = []
"""What page modules add to the home page: each gives values ``home.html`` shows."""


@router.get("/", response_class=HTMLResponse)
def home(request: Request, ctx: Ctx, session: PageSession) -> HTMLResponse:
    values: dict[str, object] = {"title": "Workspace"}
    for part in HOME:
        values |= part(ctx, session)
    return page(request, "home.html", session, 200, **values)


def sign_in_needed(request: Request, needed: Exception) -> Response:
    """The handler of ``SignInNeeded``: to the sign-in page, and back afterwards."""
    assert isinstance(needed, SignInNeeded)
    return RedirectResponse(f"/sign-in?next={quote(needed.back_to, safe='/')}", status_code=303)
