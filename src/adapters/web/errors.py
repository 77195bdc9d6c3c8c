"""Domain errors to HTTP statuses, each mapped explicitly.

Every error body is ``{"error": kind, "message": one line naming the field or SOP rule,
...details}``:

| status | kind | raised by |
|---|---|---|
| 401 | ``unauthenticated`` | no, unknown or revoked API token |
| 403 | ``not_authorised`` | ``NotAuthorised`` (the actor's role may not perform the step) |
| 404 | ``record_not_found`` / ``not_found`` | ``RecordNotFound``; an unknown path |
| 409 | ``sop_rule_violation`` | ``SopRuleViolation`` |
| 409 | ``already_registered`` | ``AlreadyRegistered`` (2.1.2) |
| 409 | ``record_already_exists`` | ``RecordAlreadyExists`` |
| 409 | ``command_id_reused`` | ``CommandIdReused`` |
| 409 | ``concurrency_conflict`` | ``ConcurrencyConflict`` (send it again) |
| 422 | ``invalid_command`` | ``InvalidCommand`` and FastAPI's own validation of a command |
| 422 | ``invalid_request`` | a read's bad parameter (FastAPI's validation, ``InvalidQuery``) |
| 503 | ``not_configured`` / ``view_stopped`` | a view that is not configured or stopped |
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException

from salesdomain.errors import (
    AlreadyRegistered,
    CommandIdReused,
    ConcurrencyConflict,
    InvalidCommand,
    NotAuthorised,
    RecordAlreadyExists,
    RecordNotFound,
    SopRuleViolation,
)


def error_response(
    status: int, kind: str, message: str, headers: dict[str, str] | None = None, /, **details: Any
) -> JSONResponse:
    return JSONResponse(
        {"error": kind, "message": message, **details}, status_code=status, headers=headers
    )


class Unauthenticated(Exception):
    """No, unknown or revoked API token."""


class NotConfigured(Exception):
    """A read the server was not set up to answer (e.g. conformance checks)."""


class InvalidQuery(Exception):
    """A read's parameter is invalid in a way FastAPI cannot see by its type."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


class ViewStopped(Exception):
    """A view stopped on an event it cannot handle; its figures would be stale."""


def _problems(error: RequestValidationError) -> list[dict[str, str]]:
    """FastAPI's validation errors as (field, problem); ``body``/``query`` left out of
    the field path, so ``body.lines.0.quantity`` reads ``lines.0.quantity``."""
    problems = []
    for item in error.errors():
        location = [str(p) for p in item.get("loc", ())]
        where = location[0] if location else ""
        path = location[1:] if where in ("body", "query", "path", "header") else location
        problems.append({"field": ".".join(path) or where or "(request)", "problem": item["msg"]})
    return problems


def _request_invalid(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = _problems(error)
    what = request.url.path.rsplit("/", 1)[-1] or "request"
    listed = "; ".join(f"{p['field']}: {p['problem']}" for p in problems)
    return error_response(
        422,
        "invalid_command" if request.url.path.startswith("/commands/") else "invalid_request",
        f"{what} has invalid data: {listed}",
        fields=[p["field"] for p in problems],
        problems=problems,
    )


def _invalid(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, InvalidCommand)
    problems = [{"field": p.field, "problem": p.problem} for p in error.problems]
    return error_response(
        422, "invalid_command", str(error), fields=list(error.fields), problems=problems
    )


def _query_invalid(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, InvalidQuery)
    return error_response(
        422,
        "invalid_request",
        f"{request.url.path} has an invalid parameter: {error}",
        fields=[error.field],
        problems=[{"field": error.field, "problem": error.problem}],
    )


def _sop(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, SopRuleViolation)
    details = {"sop_step": error.sop_step, "rule": error.rule}
    if isinstance(error, AlreadyRegistered):
        return error_response(
            409, "already_registered", str(error), existing_id=str(error.existing_id), **details
        )
    return error_response(409, "sop_rule_violation", str(error), **details)


def _not_authorised(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, NotAuthorised)
    return error_response(403, "not_authorised", str(error), sop_step=error.sop_step)


def _not_found(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RecordNotFound)
    return error_response(
        404, "record_not_found", str(error), record_type=error.kind, record_id=str(error.record_id)
    )


def _exists(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RecordAlreadyExists)
    return error_response(
        409,
        "record_already_exists",
        str(error),
        record_type=error.kind,
        record_id=str(error.record_id),
    )


def _reused(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, CommandIdReused)
    return error_response(409, "command_id_reused", str(error), command_id=str(error.command_id))


def _conflict(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ConcurrencyConflict)
    return error_response(409, "concurrency_conflict", str(error), record_id=str(error.record_id))


def _unauthenticated(request: Request, error: Exception) -> JSONResponse:
    return error_response(401, "unauthenticated", str(error), {"WWW-Authenticate": "Bearer"})


def _not_configured(request: Request, error: Exception) -> JSONResponse:
    return error_response(503, "not_configured", str(error))


def _stopped(request: Request, error: Exception) -> JSONResponse:
    return error_response(503, "view_stopped", str(error))


def _http(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    kinds = {404: "not_found", 405: "method_not_allowed"}
    return error_response(
        error.status_code,
        kinds.get(error.status_code, "http_error"),
        f"{request.method} {request.url.path}: {error.detail}",
        dict(error.headers) if error.headers else None,
    )


HANDLERS: Sequence[tuple[type[Exception], Callable[[Request, Exception], JSONResponse]]] = (
    (RequestValidationError, _request_invalid),
    (InvalidCommand, _invalid),
    (InvalidQuery, _query_invalid),
    (SopRuleViolation, _sop),
    (NotAuthorised, _not_authorised),
    (RecordNotFound, _not_found),
    (RecordAlreadyExists, _exists),
    (CommandIdReused, _reused),
    (ConcurrencyConflict, _conflict),
    (Unauthenticated, _unauthenticated),
    (NotConfigured, _not_configured),
    (ViewStopped, _stopped),
    (HTTPException, _http),
)


def install(app: FastAPI) -> None:
    for kind, handler in HANDLERS:
        app.add_exception_handler(kind, handler)


class ErrorOut(BaseModel):
    """The body of every error response (details vary by kind)."""

    model_config = ConfigDict(extra="allow")
    error: str
    message: str


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"description": what, "model": ErrorOut}
    for status, what in (
        (401, "No, unknown or revoked API token"),
        (403, "The actor's role may not perform this SOP step"),
        (404, "The record does not exist"),
        (409, "An SOP rule, a taken id, a reused command id or a conflict"),
        (422, "Invalid data; every bad field is named"),
    )
}
