"""The library's clock: system time, or a simulated one for demos and replays.

Event timestamps and the "today" that rules such as quote validity use both come from
``now()``.  By default that is the system's UTC time (which freezegun controls in
tests); ``simulated(clock)`` sets another clock for the current context only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta


def system_now() -> datetime:
    return datetime.now(UTC)


_clock: ContextVar[Callable[[], datetime]] = ContextVar("salesdomain_clock", default=system_now)


def now() -> datetime:
    """The current time, timezone-aware."""
    return _clock.get()()


class SimulatedClock:
    """A clock that stands still until moved; it never goes backwards."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("a simulated clock starts at a timezone-aware time")
        self._now = start

    def __call__(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("time does not go backwards")
        self._now += delta
        return self._now


@contextmanager
def simulated(clock: Callable[[], datetime]) -> Iterator[None]:
    token = _clock.set(clock)
    try:
        yield
    finally:
        _clock.reset(token)
