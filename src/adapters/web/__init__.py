"""The web API (FastAPI): every command as a POST route, every view as a GET route,
API tokens per employee and role, and a dashboard for managers."""

from salesdomain.adapters.web.app import create_app

__all__ = ["create_app"]
