"""A database that cannot be reached answers ``503 store_unavailable`` (ADR 24).

Only the errors of a connection that failed or timed out are mapped, each named in
``salesdomain.adapters.store.STORE_UNREACHABLE`` (the CLI's list too).  Anything else
stays a bug and a 500.  The answer says when
to send again (``Retry-After``); a command sent again with the same ``command_id`` is
recorded at most once (the command record, ADR 3), so retrying is always safe.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from salesdomain.adapters.store import STORE_UNREACHABLE, first_line
from salesdomain.adapters.web.responses import error_response

RETRY_AFTER_SECONDS = 5

log = logging.getLogger("salesdomain.adapters.web")


def _store_unavailable(request: Request, error: Exception) -> JSONResponse:
    first = first_line(error)
    log.warning("%s %s: the store is unavailable: %s", request.method, request.url.path, first)
    return error_response(
        503,
        "store_unavailable",
        "the database cannot be reached right now: send the request again in a while "
        "(a command sent again with the same command_id is recorded at most once)",
        {"Retry-After": str(RETRY_AFTER_SECONDS)},
        retry_after=RETRY_AFTER_SECONDS,
    )


def install(app: FastAPI) -> None:
    for error_class in STORE_UNREACHABLE:
        app.add_exception_handler(error_class, _store_unavailable)
