"""The web API's app factory: routes per concern, errors mapped, the workspace's pages.

Route modules have no ``from __future__ import annotations``: FastAPI reads parameter
types when the app is built, and must find the real classes (not names to look up
later, which freezegun would have swapped for its fakes in tests).
"""

from importlib.resources import files
from uuid import UUID

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict
from salesdomain.adapters.bootstrap import System, build_system
from salesdomain.adapters.following import Follower, embedded_by_default
from salesdomain.adapters.web import errors, outage
from salesdomain.adapters.web.body import BodyLimit
from salesdomain.adapters.web.body import max_body_bytes as max_body_bytes_of
from salesdomain.adapters.web.breaches import conformance_breaches
from salesdomain.adapters.web.commands import command_router
from salesdomain.adapters.web.context import BreachProvider, CurrentToken, WebContext
from salesdomain.adapters.web.headers import DOCS_PATH, SecurityHeaders
from salesdomain.adapters.web.page_board import router as board_router
from salesdomain.adapters.web.page_forms import router as forms_router
from salesdomain.adapters.web.page_records import router as records_pages_router
from salesdomain.adapters.web.page_review import router as review_router
from salesdomain.adapters.web.page_work import router as work_router
from salesdomain.adapters.web.pages import SignInNeeded, sign_in_needed
from salesdomain.adapters.web.pages import router as pages_router
from salesdomain.adapters.web.responses import ERROR_RESPONSES
from salesdomain.adapters.web.routes_analyses import router as analyses_router
from salesdomain.adapters.web.routes_customers import router as customers_router
from salesdomain.adapters.web.routes_dashboard import router as dashboard_router
from salesdomain.adapters.web.routes_due import router as due_router
from salesdomain.adapters.web.routes_forecast import router as forecast_router
from salesdomain.adapters.web.routes_notifications import router as notifications_router
from salesdomain.adapters.web.routes_operations import router as operations_router
from salesdomain.adapters.web.routes_pipeline import router as pipeline_router
from salesdomain.adapters.web.routes_prices import router as prices_router
from salesdomain.adapters.web.routes_records import router as records_router
from salesdomain.adapters.web.routes_reports import router as reports_router
from salesdomain.adapters.web.routes_sales_reports import router as sales_reports_router
from salesdomain.adapters.web.routes_session import router as session_router
from salesdomain.adapters.web.running import Settings, follower_running, settings_from_environment
from salesdomain.adapters.web.running import router as health_router
from salesdomain.adapters.web.sessions import SessionStore
from salesdomain.adapters.web.tokens import TokenStore

import salesdomain
from salesdomain.sop import Role

STATIC = files("salesdomain.adapters.web") / "static"


class MeOut(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    employee_id: UUID
    """The employee the token acts as."""
    name: str
    """The employee's name."""
    role: Role
    """The role the token acts under."""
    token_id: str
    """The token's id (not its secret)."""


def create_app(
    system: System,
    *,
    open_breaches: BreachProvider | None = None,
    tokens: TokenStore | None = None,
    max_body_bytes: int | None = None,
    settings: Settings | None = None,
) -> FastAPI:
    """The web API over ``system``.  ``open_breaches(as_at)`` answers the open breaches
    of SOP time limits (without it, ``/views/breaches`` answers 503); ``tokens`` is
    by default a store in the views' database; a request body over ``max_body_bytes``
    (default: ``$SALESDOMAIN_MAX_BODY_BYTES``, else 2 MiB) is refused unread (413).

    ``settings`` (default: from the environment, ``running.settings_from_environment``)
    say whether a follower runs in this process while the app serves (by default on
    SQLite and in memory, not on PostgreSQL: ADR 35), how long a read waits for the
    position it asks for and what lag ``/ready`` tolerates."""
    limit = max_body_bytes_of(max_body_bytes)
    chosen = settings or settings_from_environment()
    follow = chosen.follow if chosen.follow is not None else embedded_by_default(system.app)
    follower = Follower(system.views, system.app) if follow else None
    app = FastAPI(
        lifespan=follower_running,
        title="salesdomain",
        summary="The sales SOP as executable, auditable software: commands and views.",
        version=salesdomain.__version__,
        docs_url=None,  # served below: Swagger UI without inline script (headers.py)
        redoc_url=None,
    )
    token_store = tokens or TokenStore(system.store)
    sessions = SessionStore(system.store, token_store)
    app.state.context = WebContext(
        system,
        token_store,
        sessions,
        open_breaches,
        follower=follower,
        read_wait_seconds=chosen.read_wait_seconds,
        ready_max_lag=chosen.ready_max_lag,
    )
    errors.install(app)
    app.add_exception_handler(SignInNeeded, sign_in_needed)
    outage.install(app)
    app.add_middleware(BodyLimit, max_bytes=limit)
    app.add_middleware(SecurityHeaders)
    app.include_router(health_router)
    app.include_router(session_router)
    app.include_router(command_router())
    app.include_router(pipeline_router)
    app.include_router(reports_router)
    app.include_router(operations_router)
    app.include_router(customers_router)
    app.include_router(analyses_router)
    app.include_router(prices_router)
    app.include_router(notifications_router)
    app.include_router(forecast_router)
    app.include_router(sales_reports_router)
    app.include_router(due_router)
    app.include_router(pages_router)
    app.include_router(board_router)
    app.include_router(work_router)
    app.include_router(forms_router)
    app.include_router(dashboard_router)
    app.include_router(records_router)
    app.include_router(records_pages_router)
    app.include_router(review_router)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    @app.get("/me", response_model=MeOut, tags=["auth"], responses=ERROR_RESPONSES)
    def me(token: CurrentToken) -> MeOut:
        """Who the token acts as."""
        return MeOut(
            employee_id=token.employee_id,
            name=token.employee_name,
            role=token.role,
            token_id=token.token_id,
        )

    @app.get(DOCS_PATH, response_class=HTMLResponse, include_in_schema=False)
    def docs() -> HTMLResponse:
        """Every route and schema, interactively (Swagger UI over ``/openapi.json``)."""
        return HTMLResponse((STATIC / "docs.html").read_text(encoding="utf-8"))

    return app


def app_from_environment() -> FastAPI:
    """The app on the store named by ``$SALESDOMAIN_DATABASE_URL``, for
    ``uvicorn --factory salesdomain.adapters.web.app:app_from_environment`` (several
    workers, say: ``salesdomain serve --workers N`` sets ``$SALESDOMAIN_FOLLOW=0`` for
    them and runs one follower of its own)."""
    system = build_system()
    return create_app(system, open_breaches=conformance_breaches(system))
