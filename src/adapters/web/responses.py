"""What an error answer looks like: its body, and its documentation in OpenAPI.

Every error body is ``salesdomain.errors.ErrorReport`` (ADR 60): ``kind``, one line
``message``, ``sop_step`` and ``rule_id`` (``null`` when none), ``details`` (every bad
field, ``[]`` when none) and the facts of its kind; the kinds and what raises them are in
``salesdomain.adapters.web.errors``.  The command line's ``--json`` prints the same.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi.responses import JSONResponse

from salesdomain.errors import ErrorReport


class ErrorJSON(JSONResponse):
    """JSON that can always be sent: a lone surrogate a client put in a field name (not
    text, so not UTF-8) is sent escaped, as ``\\udc80``, instead of failing."""

    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except UnicodeEncodeError:
            return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode()


def error_response(
    status: int, kind: str, message: str, headers: dict[str, str] | None = None, /, **facts: Any
) -> JSONResponse:
    """The answer ``status`` with an ``ErrorReport`` of ``kind`` (``facts``: its
    ``sop_step``, ``rule_id``, ``details`` and the facts of its kind)."""
    return report_response(status, ErrorReport(kind=kind, message=message, **facts), headers)


def report_response(
    status: int, report: ErrorReport, headers: dict[str, str] | None = None
) -> JSONResponse:
    return ErrorJSON(report.model_dump(mode="json"), status_code=status, headers=headers)


def visible(text: str) -> str:
    """``text`` on one line: control characters (line breaks, escapes) shown as
    ``\\n``, ``\\x1b``, so a field name a client sent cannot break the message."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


ErrorOut = ErrorReport
"""The body of every error response (declared for each error status in OpenAPI)."""


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"description": what, "model": ErrorOut}
    for status, what in (
        (400, "`malformed_body`: the body is not JSON (`line`, `column`, `offset`)"),
        (401, "No, unknown, revoked or expired API token, or a session that ended"),
        (
            403,
            "The actor's role may not perform this SOP step; `read_only` token; "
            "`csrf_missing` on a session",
        ),
        (404, "The record does not exist"),
        (
            409,
            "An SOP rule (`sop_rule_violation`, `already_registered`: `rule_id`, `sop_step`, "
            "`rule`), a taken id, a reused command id or a conflict",
        ),
        (413, "`body_too_large`: the body is over the server's limit (`limit`, bytes)"),
        (422, "Invalid data; every bad field is named in `details` (`field`, `problem`)"),
        (
            503,
            "`store_unavailable`: the database cannot be reached, send it again after "
            "`Retry-After` seconds (same `command_id`: recorded once); `view_stopped`: the "
            "view read stopped on an event (`view`, `event`, `reason`); `view_behind`: the "
            "view did not reach `X-Salesdomain-After` in time (`view`, `position`, `after`, "
            "`behind`; send again after `Retry-After`); `not_configured`",
        ),
    )
}
ERROR_RESPONSES[503]["headers"] = {
    "Retry-After": {
        "description": "Seconds to wait before sending again "
        "(with `store_unavailable` and `view_behind`)",
        "schema": {"type": "integer"},
    }
}
