"""A view stopped on an event: which view, at which event, and why."""

from __future__ import annotations

ERROR_TEXT_LENGTH = 2000
"""Characters of an error's text kept in the status row (and shown)."""


def error_text(error: BaseException | str) -> str:
    """What stopped a view, as one storable text: the error's kind and message, without
    NUL bytes (PostgreSQL's text cannot hold them, and the message may quote the very
    value that stopped the view), at most ``ERROR_TEXT_LENGTH`` characters."""
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    text = text.replace("\x00", "\\x00")
    if len(text) > ERROR_TEXT_LENGTH:
        text = text[: ERROR_TEXT_LENGTH - 1] + "…"
    return text


class ProjectionStopped(RuntimeError):
    """A projection could not handle an event; it stays at the event before it.

    ``error`` is the exception, or the text recorded in the view's status row when the
    stop was read from there (another process, an earlier run)."""

    def __init__(self, name: str, position: int, event: str, error: BaseException | str) -> None:
        self.name = name
        self.position = position
        self.event = event
        self.reason = error_text(error)
        super().__init__(
            f"projection {name} stopped at position {position} ({event}): {self.reason}"
        )
