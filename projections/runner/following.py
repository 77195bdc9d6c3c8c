"""Catching up with the log's head, and following it until told to stop."""

from __future__ import annotations

import threading
from collections.abc import Callable

from salesdomain.projections.runner.positions import _Positions
from salesdomain.projections.runner.stopped import ProjectionStopped


class _Following(_Positions):
    """Catching up and following the log."""

    def catch_up(
        self, until: int | None = None, batch_size: int = 500, generation: int | None = None
    ) -> int:
        """Process until the log's head (or ``until``) is reached; return the position.
        A view that stopped on an event tries that event alone first, so a view that
        still cannot apply it costs one event per call, not a batch."""
        generation = generation or self.active_generation()
        target = self.log.head() if until is None else until
        size = 1 if self._stopped(generation) else batch_size
        while self.position(generation) < target:
            if not self.run_batch(size, generation) and not self.log.read(
                self.position(generation), 1
            ):
                break
            size = batch_size
        return self.position(generation)

    def follow(
        self,
        stop: threading.Event,
        poll_seconds: float = 0.5,
        on_error: Callable[[ProjectionStopped], None] | None = None,
    ) -> None:
        """Keep catching up until ``stop`` is set (polling; works on every store)."""
        while not stop.is_set():
            try:
                self.catch_up()
            except ProjectionStopped as stopped:
                if on_error is None:
                    raise
                on_error(stopped)
            stop.wait(poll_seconds)
