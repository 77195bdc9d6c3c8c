"""Client mode's HTTP client (docs/cli.md, "Client mode"): the web API reached with the
standard library (``urllib.request``: no runtime dependency), a bearer token that never
appears on the command line, a timeout, no redirect followed; every answer that is not a
success becomes a ``Failure`` with the command line's exit code and one line."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.client import HTTPException
from pathlib import Path
from typing import Any

import typer
from salesdomain.adapters.cli.common import ExitCode, Failure, report_failure
from salesdomain.adapters.cli.output import visible
from salesdomain.adapters.following import AFTER_HEADER

import salesdomain
from salesdomain.errors import ErrorReport, ProblemReport

CLIENT_MODE = "salesdomain.client_mode"
"""The key of the root's ``--api`` and ``--token-file`` in ``ctx.meta``."""
TOKEN_VARIABLE = "SALESDOMAIN_TOKEN"
TIMEOUT_VARIABLE = "SALESDOMAIN_API_TIMEOUT"
TIMEOUT = 60.0

THROUGH_THE_API = frozenset(
    {
        "run",
        "pipeline",
        "kpi",
        "market-share",
        "audit",
        "story",
        "operations",
        "customers",
        "prices",
        "due",
        "list",
        "show",
        "views status",
        "whoami",
    }
)
"""The commands that client mode sends through the web API: a group's by its name when
it sends every command of the group (``"operations"``), else each as ``"views status"``."""
NO_STORE = frozenset({"commands", "steps", "rules", "policy"})
"""The commands that need no store, in both modes; in client mode every other command
is refused as administrator-only (docs/cli.md, "Client mode")."""

REFUSALS: dict[str, ExitCode] = {
    "unauthenticated": ExitCode.NOT_AUTHORISED,
    "read_only": ExitCode.NOT_AUTHORISED,
    "not_authorised": ExitCode.NOT_AUTHORISED,
    "record_not_found": ExitCode.UNKNOWN_RECORD,
    "sop_rule_violation": ExitCode.SOP_RULE,
    "already_registered": ExitCode.CONFLICT,
    "record_already_exists": ExitCode.CONFLICT,
    "command_id_reused": ExitCode.CONFLICT,
    "concurrency_conflict": ExitCode.CONFLICT,
    "invalid_command": ExitCode.INVALID_DATA,
    "invalid_request": ExitCode.INVALID_DATA,
    "malformed_body": ExitCode.INVALID_DATA,
    "body_too_large": ExitCode.INVALID_DATA,
    "view_stopped": ExitCode.VIEW_STOPPED,
    "store_unavailable": ExitCode.STORE_UNAVAILABLE,
}
"""Each refusal of the web API (its ``kind``, docs/web.md) to an exit code; any other
answer (an unknown path, a server error, a page that is not the API's) is exit 11."""


@dataclass(frozen=True)
class ClientMode:
    """``--api URL`` (or ``$SALESDOMAIN_API_URL``) and ``--token-file``, as given."""

    url: str
    token_file: str | None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the API never redirects: a 3xx is an answer that is not the API's


_OPENER = urllib.request.build_opener(_NoRedirect)


@dataclass(frozen=True)
class Api:
    """The web API at ``url``, as the holder of ``token`` (read from ``token_from``)."""

    url: str
    token: str
    token_from: str
    timeout: float = TIMEOUT
    written: list[int] = field(default_factory=list)
    """The log positions this client's commands recorded: its reads wait for the views
    to show them (``X-Salesdomain-After``, ADR 35)."""

    def get(self, path: str, **params: object) -> Any:
        query = urllib.parse.urlencode({k: str(v) for k, v in params.items() if v is not None})
        request = urllib.request.Request(f"{self.url}{path}?{query}".rstrip("?"))
        if self.written:
            request.add_header(AFTER_HEADER, str(max(self.written)))
        return self._send(request)

    def post(self, path: str, body: object, *, unsure: str = "") -> Any:
        """``unsure``: said when the answer is lost (whether it was done is unknown)."""
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        answer = self._send(request, unsure)
        if isinstance(answer, dict) and answer.get("positions"):
            self.written.append(max(int(p) for p in answer["positions"]))
        return answer

    def _send(self, request: urllib.request.Request, unsure: str = "") -> Any:
        request.add_header("Accept", "application/json")
        request.add_header("User-Agent", f"salesdomain/{salesdomain.__version__} (command line)")
        request.add_unredirected_header("Authorization", f"Bearer {self.token}")
        what = f"{request.get_method()} {request.selector.partition('?')[0]}"
        try:
            with _OPENER.open(request, timeout=self.timeout) as answer:
                return _body(answer.read(), f"{self.url} answered {what} with")
        except urllib.error.HTTPError as refused:
            raise self._refusal(refused, what, unsure) from None
        except (OSError, HTTPException, UnicodeError) as error:  # URLError is an OSError
            raise Failure(
                ExitCode.STORE_UNAVAILABLE,
                f"the web API at {self.url} cannot be reached: {_why(error, self.timeout)}"
                + unsure,
                kind="api_unreachable",
            ) from None

    def _refusal(self, refused: urllib.error.HTTPError, what: str, unsure: str) -> Failure:
        try:
            body = _body(refused.read(), "")
        except (Failure, OSError, HTTPException):
            body = None
        found = body if isinstance(body, dict) else {}
        kind = str(found.get("kind", ""))
        message = _line(found.get("message", "")) or f"HTTP {refused.code} {kind}"
        code = REFUSALS.get(kind)
        if code is None:  # not a refusal of the web API's: an unknown path, a failure
            hint = ": is --api the address of `salesdomain serve`?" if refused.code < 500 else ""
            return Failure(
                ExitCode.STORE_UNAVAILABLE,
                f"{self.url} answered {what} with HTTP {refused.code} "
                f"({kind or _line(refused.reason)}){hint}{unsure}",
                kind="api_unusable",
            )
        problems = found.get("details")
        details = [
            ProblemReport(field=_line(p.get("field")), problem=_line(p.get("problem")))
            for p in (problems if isinstance(problems, list) else ())
            if isinstance(p, dict)
        ]
        if len(details) > 1:  # one line each, as direct mode prints them
            message = f"{what.rsplit('/', 1)[-1]} has {len(details)} invalid fields:"
        if kind == "unauthenticated":
            message = (
                f"the web API at {self.url} refused the token from {self.token_from}: {message} "
                "(a token acts until it is revoked or expires, or its employee leaves or loses "
                "its role: ask an administrator for a new one)"
            )
        rule_id, sop_step = found.get("rule_id"), found.get("sop_step")
        return Failure(
            code,
            message + (unsure if code is ExitCode.STORE_UNAVAILABLE else ""),
            details,
            kind=kind,
            rule_id=str(rule_id) if rule_id is not None else None,
            sop_step=str(sop_step) if sop_step is not None else None,
        )


def _body(raw: bytes, answered: str) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, nested too deeply
        raise Failure(
            ExitCode.STORE_UNAVAILABLE,
            f"{answered} what is not the web API's JSON: is --api the address of "
            "`salesdomain serve`?",
            kind="api_unusable",
        ) from None


def _line(text: object) -> str:
    return " ".join(str(text).split())


def _why(error: BaseException, timeout: float) -> str:
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(reason, TimeoutError):
        return f"no answer within {timeout:g} s (${TIMEOUT_VARIABLE})"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return _line(reason) or type(reason).__name__


def administrator_only(ctx: typer.Context, command: str | None) -> None:
    """In client mode, refuse ``command`` (``"views rebuild"``) before it reads its
    options (so a plain line, even with ``--json``) unless it is one the web API serves;
    a group with such a command is judged when its command is known."""
    mode = ctx.meta.get(CLIENT_MODE)
    if not isinstance(mode, ClientMode) or command is None:
        return
    if command in THROUGH_THE_API | NO_STORE or any(
        served.startswith(f"{command} ") for served in THROUGH_THE_API
    ):
        return
    message = (
        f"`salesdomain {command}` is administrator-only: an administrator runs it on the "
        f"server, where it reaches the database directly; client mode (--api {mode.url}) "
        f"goes through the web API, which serves {', '.join(sorted(THROUGH_THE_API))}"
    )
    report_failure(ExitCode.USAGE, ErrorReport(kind="usage", message=message), as_json=False)


def connect(ctx: typer.Context, database_url: str | None) -> Api | None:
    """The web API the command goes through in client mode (``None``: direct mode)."""
    mode = ctx.meta.get(CLIENT_MODE)
    if not isinstance(mode, ClientMode):
        return None
    if database_url is not None:
        raise Failure(
            ExitCode.USAGE,
            f"--database-url reaches the database; client mode (--api {mode.url}) goes "
            "through the web API: give one of them",
        )
    token, token_from = _token(mode.token_file)
    return Api(_base(mode.url), token, token_from, _timeout())


def _base(url: str) -> str:
    try:
        parts = urllib.parse.urlsplit(url)
        port_ok = parts.port is None or parts.port > 0  # a port that is not a number raises
        host = (parts.hostname or "").encode("idna")  # so does a label empty or too long
    except ValueError:  # also an unclosed [IPv6 address]; UnicodeError is a ValueError
        parts, port_ok, host = urllib.parse.urlsplit(""), False, b""
    if not (
        port_ok
        and host
        and parts.scheme in ("http", "https")
        and parts.username is None
        and not parts.query
        and not parts.fragment
    ):
        raise Failure(
            ExitCode.USAGE,
            f"--api: '{visible(url)}' is not the address of the web API "
            "(http[s]://HOST[:PORT][/PATH], without user, query or fragment)",
        )
    return url.rstrip("/")


def _token(token_file: str | None) -> tuple[str, str]:
    """The token, and where it came from; never from the command line itself, where
    ``ps`` and the shell's history would show it."""
    if token_file is not None:
        source, code = f"--token-file {token_file}", ExitCode.BAD_FILE
        try:
            text = Path(token_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise Failure(code, f"--token-file: cannot read {token_file}: {error}") from None
    else:
        source, code = f"${TOKEN_VARIABLE}", ExitCode.USAGE
        text = os.environ.get(TOKEN_VARIABLE, "")
        if not text.strip():
            raise Failure(
                code,
                f"client mode needs a token: --token-file FILE or ${TOKEN_VARIABLE} "
                "(`salesdomain token issue` makes one)",
            )
    token = text.strip()
    if not token or not token.isascii() or not token.isprintable() or " " in token:
        raise Failure(code, f"{source} holds no token: it should be one line, sd_...")
    return token, source


def _timeout() -> float:
    text = os.environ.get(TIMEOUT_VARIABLE) or str(TIMEOUT)
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 3600:
        raise Failure(
            ExitCode.USAGE,
            f"${TIMEOUT_VARIABLE}: '{visible(text)}' is not a number of seconds up to 3600",
        )
    return seconds
