"""Benchmark helper (not a test): the command line as it runs at another moment.

    .venv/bin/python -m benchmarks.at_moment 2029-01-01T00:00:00+00:00 serve --port 8000 ...

Runs ``salesdomain`` with the given arguments under a clock that starts at the moment
given and moves on in step with the system's (``salesdomain.clock.simulated``): the
process's "now", its sessions and its token lifetimes all follow it.  The demo's
generator stamps events up to two years ahead, so a server started on its store today
reads "now" inside the store's history, where the pipeline's totals and the forecast's
deals as they stand do not answer (ADR 72); started at a moment after the last event it
reads as a live store's server does, whose events are never stamped after now.  One
process only: ``serve --workers N`` starts processes of its own, on the system clock.
"""

from __future__ import annotations

import sys
from datetime import datetime

from salesdomain.adapters.cli import main as salesdomain

from salesdomain.clock import simulated, system_now


def run(at: datetime, args: list[str]) -> None:
    if at.tzinfo is None:
        raise SystemExit(f"the moment {at.isoformat()} needs its time zone, e.g. +00:00")
    offset = at - system_now()
    sys.argv = ["salesdomain", *args]
    with simulated(lambda: system_now() + offset):
        salesdomain()


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    run(datetime.fromisoformat(sys.argv[1]), sys.argv[2:])
