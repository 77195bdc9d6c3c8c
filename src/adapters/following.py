"""Views kept up to date by a follower, not by the requests that read them (ADR 35).

A ``Follower`` catches every view up with the log, then waits: on PostgreSQL until the
store's NOTIFY says events were recorded (a LISTEN on the channel eventsourcing's
recorder notifies on every insert), else for ``poll_seconds``; a process that records
events itself may ``wake`` it at once.  ``salesdomain views follow`` runs one in the
foreground; ``salesdomain serve`` runs one in a thread (``start``) unless a follower
runs elsewhere.  Reads do not catch up: they wait, bounded, for the position they
need (``wait_for``).  An error of the database does not end the follower: it is
reported (``on_error``) and the follower tries again at its next round.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy.pool import StaticPool

if TYPE_CHECKING:
    from salesdomain.projections.read_models import ReadModels

    from salesdomain.application import SalesApplication

log = logging.getLogger("salesdomain.adapters.following")

AFTER_HEADER = "X-Salesdomain-After"
"""The web request header naming the log position a read must show (its client's own
last write, say): the read waits, bounded, until its view reaches it."""

POSITION_HEADER = "X-Salesdomain-Position"
"""The web response header of a command: the last log position it recorded."""

POLL_SECONDS = 0.5
"""How long a follower waits between two looks at the log when nothing wakes it."""

LISTEN_SECONDS = 1.0
"""How often the listening thread looks whether it should stop."""


def _logged(error: Exception) -> None:
    log.warning("the follower could not catch the views up: %s", error, exc_info=error)


class Follower:
    """Catches ``views`` up with the log of ``app``, round after round, until stopped.

    ``on_round(reached)`` is told the position each view reached after every round;
    ``on_error(error)`` any error a round met (default: logged)."""

    def __init__(
        self,
        views: ReadModels,
        app: SalesApplication,
        *,
        poll_seconds: float = POLL_SECONDS,
        on_round: Callable[[dict[str, int]], None] | None = None,
        on_error: Callable[[Exception], None] = _logged,
    ) -> None:
        self.views = views
        self.app = app
        self.poll_seconds = poll_seconds
        self.on_round = on_round
        self.on_error = on_error
        self.listens = _channel(app) is not None
        self.inline = isinstance(views.engine.pool, StaticPool)
        """The views are in one in-memory connection (a ``memory://`` store), which
        two threads cannot share: rounds run in the thread that wakes or waits."""
        self._inline = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._moved = threading.Condition()
        self._threads: list[threading.Thread] = []

    def wake(self) -> None:
        """Look at the log now (events were just recorded)."""
        if self.inline:
            with self._inline:
                self.round()
            return
        self._wake.set()

    def wait_moved(self, timeout: float) -> None:
        """Wait until the follower ends a round, or ``timeout`` seconds pass."""
        if self.inline:
            self.wake()
            return
        with self._moved:
            self._moved.wait(timeout)

    def run(self, stop: threading.Event | None = None) -> None:
        """Follow in this thread until ``stop`` (or ``self.stop()``) is set."""
        stop = stop or self._stop
        with self._listening(stop):
            while not stop.is_set() and not self._stop.is_set():
                self._wake.clear()
                self.round()
                self._wake.wait(self.poll_seconds)

    def round(self) -> dict[str, int]:
        """Catch every view up once; tell who waits for it.  ``{}`` if it failed."""
        reached: dict[str, int] = {}
        try:
            reached = self.views.catch_up()
        except Exception as error:  # the database, or a bug: the follower goes on
            if not self._stop.is_set():  # not the store closed under a follower told to stop
                self.on_error(error)
        with self._moved:
            self._moved.notify_all()
        if reached and self.on_round is not None:
            self.on_round(reached)
        return reached

    def start(self) -> Follower:
        """Follow in a daemon thread until ``stop`` (inline: no thread)."""
        self._stop.clear()
        if self.inline:
            return self
        thread = threading.Thread(target=self.run, name="salesdomain-follower", daemon=True)
        self._threads.append(thread)
        thread.start()
        return self

    def stop(self, timeout: float = 10) -> None:
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout)

    @contextmanager
    def _listening(self, stop: threading.Event) -> Iterator[None]:
        """On PostgreSQL, a thread LISTENing on the store's channel wakes the follower."""
        channel = _channel(self.app)
        if channel is None:
            yield
            return
        done = threading.Event()
        listener = threading.Thread(
            target=self._listen,
            args=(channel, lambda: done.is_set() or stop.is_set()),
            name="salesdomain-listener",
            daemon=True,
        )
        listener.start()
        try:
            yield
        finally:
            done.set()
            listener.join(LISTEN_SECONDS * 5)

    def _listen(self, channel: tuple[Any, str], stopped: Callable[[], bool]) -> None:
        from psycopg.sql import SQL, Identifier

        datastore, name = channel
        while not stopped():
            try:
                with datastore.get_connection() as conn:
                    conn.execute(SQL("LISTEN {0}").format(Identifier(name)))
                    self._wake.set()  # what was recorded before the LISTEN counts too
                    while not stopped():
                        for _ in conn.notifies(timeout=LISTEN_SECONDS, stop_after=1):
                            self._wake.set()
            except Exception as error:  # the database went away: listen again later
                self.on_error(error)
                time.sleep(min(self.poll_seconds * 4, 5.0))


def embedded_by_default(app: SalesApplication) -> bool:
    """Whether a server runs a follower of its own unless told: yes on SQLite and in
    memory (polling; a memory store has no other process), no on PostgreSQL (its
    follower runs as a process of its own, ``salesdomain views follow``)."""
    return _channel(app) is None


def _channel(app: SalesApplication) -> tuple[Any, str] | None:
    """The datastore and channel the PostgreSQL recorder NOTIFYs on (None elsewhere)."""
    try:
        from eventsourcing.postgres import PostgresApplicationRecorder
    except ImportError:  # the postgres extra is not installed: no PostgreSQL store
        return None
    recorder = app.recorder
    if not isinstance(recorder, PostgresApplicationRecorder):
        return None
    return recorder.datastore, recorder.channel_name
