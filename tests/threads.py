"""Work started in several threads at once, for the tests of concurrent writers and readers."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any


def at_once(work: Callable[..., object], calls: Iterable[tuple[Any, ...]]) -> list[BaseException]:
    """Calls ``work(*args)`` for each of ``calls``, each in its own thread, all released
    together; waits for them all and answers what they raised (nothing: an empty list)."""
    arguments = list(calls)
    released = threading.Barrier(len(arguments))
    raised: list[BaseException] = []

    def run(*args: Any) -> None:
        released.wait()
        try:
            work(*args)
        except BaseException as error:  # surfaced by the caller's assertion
            raised.append(error)

    threads = [threading.Thread(target=run, args=args) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish"
    return raised
