"""Cyclic garbage collection once a page, while a long pass over the log runs (ADR 78).

Reading and decoding a page of the log makes hundreds of thousands of small objects
(events, their values, dictionaries, row changes). Reference counting frees them when
the page is done. CPython's cyclic collector, though, runs by allocation counts: every
few thousand new objects it looks at the young ones, and now and then at every object
the process holds (the modules, the pydantic schemas, SQLAlchemy's caches, the page).
In a rebuild of every view at 105,442 events that cost a quarter of the CPU, and a
half of reading and decoding alone.

``collected_once_a_page()`` is used around such a pass (a rebuild, a catch-up in one
pass, views as of a moment):

- what the process holds when the pass starts is frozen (``gc.freeze``): the
  collector does not look at it again until the pass ends (``gc.unfreeze``). Of it,
  only a cycle that was already garbage waits for the end of the pass to be freed;
- the automatic collection is paused (``gc.disable``);
- the function it gives, called after each page, runs a full collection of what is
  not frozen: the cycles a page left are freed before the next page, so memory stays
  bounded by a page as before.

Passes may run in several threads at once (a server's): the first to start pauses,
the last to end restores the collector as it found it. A process that had frozen
objects itself (a server forked after ``gc.freeze``) keeps them frozen: the pass then
freezes nothing and unfreezes nothing. A process that had the collector disabled
keeps it disabled.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_passes = 0
_restore: tuple[bool, bool] = (True, False)  # (was enabled, froze it ourselves)


@contextmanager
def collected_once_a_page() -> Iterator[Callable[[], None]]:
    """Pause the automatic cyclic collection for a pass over the log; yields the
    function to call after each page (a full collection of what is not frozen)."""
    global _passes, _restore
    with _lock:
        _passes += 1
        if _passes == 1:
            froze = gc.get_freeze_count() == 0
            _restore = (gc.isenabled(), froze)
            if froze:
                gc.freeze()
            gc.disable()
    try:
        yield _after_page
    finally:
        with _lock:
            _passes -= 1
            if _passes == 0:
                enabled, froze = _restore
                if froze:
                    gc.unfreeze()
                if enabled:
                    gc.enable()


def _after_page() -> None:
    gc.collect()
