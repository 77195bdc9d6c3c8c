"""The latest event timestamp up to a log position, noted as the log is read in order:
what a checkpoint needs to know which moments it may serve (``checkpoints``)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from salesdomain.projections.runner.generations import EventLog

KEPT_ENDS = 256
"""Page ends remembered (the oldest are forgotten first): memory stays bounded."""


class StampedLog:
    """``log``, noting for the end of every page read the latest timestamp of an event
    up to it, as long as the pages read cover the log without a gap from ``known``
    (a position and the latest timestamp up to it)."""

    def __init__(self, log: EventLog, known: tuple[int, datetime | None] = (0, None)) -> None:
        self.log = log
        self._lock = threading.Lock()
        self._last = known[0]
        self._ends: dict[int, datetime | None] = {known[0]: known[1]}

    def restart(self, known: tuple[int, datetime | None]) -> None:
        """Know the timestamps from ``known`` on (a checkpoint taken earlier) instead."""
        with self._lock:
            self._last = known[0]
            self._ends = {known[0]: known[1]}

    def head(self) -> int:
        return self.log.head()

    def read(self, after: int, limit: int) -> Sequence[tuple[int, Any]]:
        page = self.log.read(after, limit)
        if page:
            self._note(after, page)
        return page

    def _note(self, after: int, page: Sequence[tuple[int, Any]]) -> None:
        with self._lock:
            end = page[-1][0]
            if not after <= self._last < end:
                return  # a gap, or nothing new
            stamp = self._ends[self._last]
            for position, event in page:
                later = event is not None and (stamp is None or event.timestamp > stamp)
                if position > self._last and later:
                    stamp = event.timestamp
            self._last, self._ends[end] = end, stamp
            while len(self._ends) > KEPT_ENDS:
                del self._ends[min(self._ends)]

    def fill(self, position: int, most: int, page_size: int = 1000) -> None:
        """Read the log on from the last noted end up to ``position`` (after a restart,
        the views stand past the checkpoint the stamps are known to), unless that is
        more than ``most`` positions: then the stamps stay unknown."""
        while self._last < position <= self._last + most:
            if not self.read(self._last, page_size):
                return

    def stamp(self, position: int) -> tuple[bool, datetime | None]:
        """Whether it is known, and the latest timestamp of an event up to ``position``
        or, if that page end was not noted, up to the next noted end after it (later
        or equal, so a checkpoint given it serves no moment it should not)."""
        with self._lock:
            ends = [end for end in self._ends if end >= position]
            if not ends:
                return False, None
            return True, self._ends[min(ends)]
