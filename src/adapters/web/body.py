"""Request bodies limited before they are read (ADR 24): a pure ASGI middleware.

A body whose ``Content-Length`` is over the limit is refused before the app runs, so
not one byte of it is read; a body sent in chunks is counted as it arrives and
refused as soon as it passes the limit.  Either way the answer is ``413
body_too_large`` and the connection is closed (the rest of the body is never read).
Authentication comes later (FastAPI reads a body before it resolves the token), so
this is what bounds what anyone, with a token or not, can make the server read.
"""

from __future__ import annotations

import contextlib
import os

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from salesdomain.errors import ErrorReport

DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_BODY_VARIABLE = "SALESDOMAIN_MAX_BODY_BYTES"


def max_body_bytes(configured: int | None = None) -> int:
    """The limit: ``configured``, else ``$SALESDOMAIN_MAX_BODY_BYTES``, else 2 MiB."""
    if configured is None:
        text = os.environ.get(MAX_BODY_VARIABLE, "").strip()
        if not text:
            return DEFAULT_MAX_BODY_BYTES
        try:
            configured = int(text.replace("_", ""))
        except ValueError:
            raise ValueError(
                f"{MAX_BODY_VARIABLE} must be a number of bytes, not {text!r}"
            ) from None
    if configured < 1:
        raise ValueError(f"the request body limit must be at least 1 byte, not {configured}")
    return configured


class BodyTooLarge(Exception):
    """Raised to the app by ``receive`` once a body passes the limit."""


class BodyLimit:
    """Answer ``413 body_too_large`` to any request body over ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(send, f"Content-Length {declared:,}")
            return
        counted = 0
        over = started = False

        async def limited() -> Message:
            nonlocal counted, over
            if over:
                raise BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                counted += len(message.get("body", b""))
                if counted > self.max_bytes:
                    over = True
                    raise BodyTooLarge
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if over and not started:
                return  # the app's answer to a cut-short body: replaced by the 413 below
            started = started or message["type"] == "http.response.start"
            await send(message)

        with contextlib.suppress(BodyTooLarge):  # FastAPI catches it, answering 400: replaced
            await self.app(scope, limited, guarded)
        if over and not started:
            await self._refuse(send, f"more than {self.max_bytes:,} bytes sent")

    async def _refuse(self, send: Send, what: str) -> None:
        body = (
            ErrorReport(
                kind="body_too_large",
                message=f"the request body is too large ({what}): "
                f"at most {self.max_bytes:,} bytes are accepted",
                limit=self.max_bytes,
            )
            .model_dump_json()
            .encode()
        )
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    """The declared length (``None``: not declared, or not a number, which the server
    in front, e.g. uvicorn, refuses itself)."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            if not (text.isascii() and text.isdigit()):
                return None
            return int(text) if len(text) <= 18 else 10**18  # no 4,300-digit number parsed
    return None
