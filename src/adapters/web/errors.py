"""Domain errors to HTTP statuses, each mapped explicitly.

Every error body is one ``salesdomain.errors.ErrorReport`` (ADR 60): ``kind``,
``message`` (one line naming the field or SOP rule), ``sop_step``, ``rule_id``,
``details`` (every bad field: ``field``, ``problem``) and the facts of its kind:

| status | kind | raised by |
|---|---|---|
| 400 | ``malformed_body`` | a body that is not JSON (``line``, ``column``, ``offset``) |
| 401 | ``unauthenticated`` | no, unknown or revoked API token |
| 403 | ``not_authorised`` | ``NotAuthorised`` (the actor's role may not perform the step) |
| 404 | ``record_not_found`` / ``not_found`` | ``RecordNotFound``; an unknown path |
| 409 | ``sop_rule_violation`` | ``SopRuleViolation`` (``rule_id``, ``sop_step``, ``rule``) |
| 409 | ``already_registered`` | ``AlreadyRegistered`` (2.1.2) |
| 409 | ``record_already_exists`` | ``RecordAlreadyExists`` |
| 409 | ``command_id_reused`` | ``CommandIdReused`` |
| 409 | ``concurrency_conflict`` | ``ConcurrencyConflict`` (send it again) |
| 413 | ``body_too_large`` | a body over the limit (``salesdomain.adapters.web.body``) |
| 422 | ``invalid_command`` | ``InvalidCommand`` and FastAPI's own validation of a command |
| 422 | ``invalid_request`` | a read's bad input (FastAPI, ``InvalidQuery``, ``InvalidCursor``) |
| 503 | ``store_unavailable`` | the database cannot be reached (``adapters/web/outage.py``) |
| 503 | ``view_stopped`` | the view read stopped on an event (``view``, ``event``, ``reason``) |
| 503 | ``view_behind`` | the view did not reach ``X-Salesdomain-After`` in time (``behind``) |
| 503 | ``not_ready`` | ``GET /ready``: the store cannot be reached or a view lags (``views``) |
| 503 | ``not_configured`` | a read the server was not set up to answer |
| 503 | ``master_key_unavailable`` | ``MasterKeyError``: the master key is missing (ADR 33) |
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from salesdomain.adapters.master_keys import MasterKeyError
from salesdomain.adapters.web.responses import error_response, report_response, visible
from salesdomain.adapters.web.sessions import TooManyAttempts
from salesdomain.projections.paging import InvalidCursor
from starlette.exceptions import HTTPException

from salesdomain import errors as domain
from salesdomain.errors import ProblemReport


class Unauthenticated(Exception):
    """No, unknown or revoked API token."""


class CsrfMissing(Exception):
    """A change sent on a session's cookie without the session's CSRF secret."""


class ReadOnly(Exception):
    """A command sent with a read-only credential."""


class NotConfigured(Exception):
    """A read the server was not set up to answer (e.g. conformance checks)."""


@dataclass(eq=False)
class InvalidQuery(Exception):
    """A read's parameter is invalid in a way FastAPI cannot see by its type."""

    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.field}: {self.problem}"


@dataclass(eq=False)
class ViewStopped(Exception):
    """A view stopped on an event it cannot handle; its figures would be stale."""

    view: str
    position: int
    event: str
    reason: str

    def __str__(self) -> str:
        return (
            f"the {self.view} view stopped at log position {self.position} on {self.event} "
            f"and shows old figures: {self.reason}; other views are not affected "
            "(`salesdomain views status`)"
        )


@dataclass(eq=False)
class ViewBehind(Exception):
    """A read asked for a log position its view did not reach in time (ADR 35)."""

    view: str
    position: int
    after: int
    waited_seconds: float

    @property
    def behind(self) -> int:
        return max(self.after - self.position, 0)

    def __str__(self) -> str:
        return (
            f"the {self.view} view is at log position {self.position}, {self.behind} "
            f"behind position {self.after} asked for (X-Salesdomain-After), after waiting "
            f"{self.waited_seconds:g} s: its follower is behind or not running; send the "
            f"request again in a moment (`salesdomain views status`)"
        )


def problems_of(error: RequestValidationError) -> list[ProblemReport]:
    """FastAPI's validation errors as (field, problem); ``body``/``query`` left out of
    the field path, so ``body.lines.0.quantity`` reads ``lines.0.quantity``."""
    problems = []
    for item in error.errors():
        location = [str(p) for p in item.get("loc", ())]
        where = location[0] if location else ""
        path = location[1:] if where in ("body", "query", "path", "header") else location
        field = ".".join(path) or where or "(request)"
        problem = item["msg"].removeprefix("Value error, ")  # the rule's own words
        problems.append(ProblemReport(field=visible(field), problem=visible(problem)))
    return problems


def _malformed(request: Request, error: RequestValidationError) -> JSONResponse | None:
    """A body that is not JSON (400 ``malformed_body``, where it went wrong), or
    ``None``: it was JSON, and what is wrong is its content (422)."""
    for item in error.errors():
        location = tuple(item.get("loc", ()))
        if item.get("type") == "json_invalid" and len(location) == 2:
            offset = int(location[1])
            document = error.body if isinstance(error.body, str) else ""
            line = document.count("\n", 0, offset) + 1
            column = offset - (document.rfind("\n", 0, offset) + 1) + 1
            why = visible(str(item.get("ctx", {}).get("error", "not JSON")))
            return error_response(
                400,
                "malformed_body",
                f"the body is not valid JSON: {why} at line {line}, column {column}",
                line=line,
                column=column,
                offset=offset,
            )
        if location == ("body",) and isinstance(item.get("input"), bytes):
            sent = visible(request.headers.get("content-type", "none"))
            return error_response(
                400,
                "malformed_body",
                f"the body must be JSON, sent as Content-Type: application/json (not {sent})",
            )
    return None


def _request_invalid(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    malformed = _malformed(request, error)
    if malformed is not None:
        return malformed
    problems = problems_of(error)
    what = request.url.path.rsplit("/", 1)[-1] or "request"
    listed = "; ".join(f"{p.field}: {p.problem}" for p in problems)
    return error_response(
        422,
        "invalid_command" if request.url.path.startswith("/commands/") else "invalid_request",
        f"{what} has invalid data: {listed}",
        details=problems,
    )


def _query(error: InvalidQuery) -> dict[str, Any]:
    return {"details": [ProblemReport(field=error.field, problem=error.problem)]}


def _cursor(error: InvalidCursor) -> dict[str, Any]:
    """A cursor no list of this server made for these filters (every paged read)."""
    return {"message": f"cursor: {error}", **_query(InvalidQuery("cursor", str(error)))}


def _none(error: Exception) -> dict[str, Any]:
    return {}


DOMAIN_STATUSES: dict[type[domain.SalesDomainError], int] = {
    domain.InvalidCommand: 422,
    domain.AlreadyRegistered: 409,
    domain.SopRuleViolation: 409,
    domain.NotAuthorised: 403,
    domain.RecordNotFound: 404,
    domain.RecordAlreadyExists: 409,
    domain.CommandIdReused: 409,
    domain.ConcurrencyConflict: 409,
}
"""Each domain error's status (its kind and facts: ``salesdomain.errors.report_of``).
Starlette matches an exception by its own class first, so ``AlreadyRegistered`` is
answered as such, not as its base."""

Details = Callable[[Any], dict[str, Any]]
# The adapter's own errors and the reads' ones: class, status, kind and facts (and the
# message, where the error's own words do not name the field).
MAPPED: Sequence[tuple[type[Exception], int, str, Details]] = (
    (InvalidQuery, 422, "invalid_request", _query),
    (InvalidCursor, 422, "invalid_request", _cursor),
    (ReadOnly, 403, "read_only", _none),
    (CsrfMissing, 403, "csrf_missing", _none),
    (NotConfigured, 503, "not_configured", _none),
    (ViewStopped, 503, "view_stopped", asdict),
    (
        ViewBehind,
        503,
        "view_behind",
        lambda e: {
            "view": e.view,
            "position": e.position,
            "after": e.after,
            "behind": e.behind,
            "retry_after": int(RETRY_AFTER["view_behind"]),
        },
    ),
    (MasterKeyError, 503, "master_key_unavailable", _none),
)


RETRY_AFTER: dict[str, str] = {"view_behind": "1"}
"""The kinds answered with a ``Retry-After`` header (seconds)."""


def _mapped(
    status: int, kind: str, details: Details
) -> Callable[[Request, Exception], JSONResponse]:
    retry = RETRY_AFTER.get(kind)
    headers = None if retry is None else {"Retry-After": retry}

    def handle(request: Request, error: Exception) -> JSONResponse:
        facts = details(error)
        message = facts.pop("message", str(error))
        return error_response(status, kind, message, headers, **facts)

    return handle


def _domain(status: int) -> Callable[[Request, Exception], JSONResponse]:
    def handle(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, domain.SalesDomainError)
        return report_response(status, domain.report_of(error))

    return handle


def _unauthenticated(request: Request, error: Exception) -> JSONResponse:
    return error_response(401, "unauthenticated", str(error), {"WWW-Authenticate": "Bearer"})


def _http(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    if error.status_code == 400:  # FastAPI could not read the body: not UTF-8, too deep, ...
        cause = error.__cause__
        why = f"{type(cause).__name__}: {cause}" if cause is not None else str(error.detail)
        offset = {"offset": cause.start} if isinstance(cause, UnicodeDecodeError) else {}
        return error_response(
            400, "malformed_body", f"the body cannot be read as JSON: {visible(why)}", **offset
        )
    kinds = {404: "not_found", 405: "method_not_allowed"}
    return error_response(
        error.status_code,
        kinds.get(error.status_code, "http_error"),
        f"{request.method} {request.url.path}: {error.detail}",
        dict(error.headers) if error.headers else None,
    )


def _too_many_attempts(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, TooManyAttempts)
    wait = str(max(1, int(error.retry_after.total_seconds())))
    return error_response(429, "too_many_attempts", str(error), {"Retry-After": wait})


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _request_invalid)
    app.add_exception_handler(TooManyAttempts, _too_many_attempts)
    app.add_exception_handler(Unauthenticated, _unauthenticated)
    app.add_exception_handler(HTTPException, _http)
    for domain_error, status in DOMAIN_STATUSES.items():
        app.add_exception_handler(domain_error, _domain(status))
    for error_class, status, kind, details in MAPPED:
        app.add_exception_handler(error_class, _mapped(status, kind, details))
