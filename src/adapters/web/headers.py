"""Security headers on every answer, pages and API alike: a pure ASGI middleware.

* ``Content-Security-Policy``: scripts, styles, images and requests from this origin
  only, no inline script anywhere, no plugins, never framed; the interactive API
  documentation (``/docs``) also loads Swagger UI's script and style from its CDN.
* ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer`` (no address,
  and so nothing of a query, leaves in a ``Referer``), ``X-Frame-Options: DENY`` for
  browsers that predate ``frame-ancestors``.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SWAGGER_CDN = "https://cdn.jsdelivr.net"
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
DOCS_POLICY = (
    f"default-src 'none'; script-src 'self' {SWAGGER_CDN}; style-src 'self' {SWAGGER_CDN}; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
DOCS_PATH = "/docs"


def headers_for(path: str) -> dict[str, str]:
    """The security headers of an answer to ``path``."""
    return {
        "Content-Security-Policy": DOCS_POLICY if path == DOCS_PATH else POLICY,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
    }


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = headers_for(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in wanted.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
