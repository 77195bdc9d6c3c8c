"""The web API (FastAPI): every command as a POST route, every view as a GET route,
API tokens per employee and role, and a dashboard for managers.

FastAPI and uvicorn are the ``web`` extra (``pip install 'salesdomain[web]'``):
``create_app`` is imported from ``salesdomain.adapters.web.app`` when first asked for,
so that the token store (``tokens``) works without them."""

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from salesdomain.adapters.web.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
