"""Benchmark (not a test): encoding events, eventsourcing's transcoder against ours.

    .venv/bin/python -m benchmarks.encoding [--deals 100] [--repeat 5]

Handles the command benchmark's mix of SOP commands (``command_throughput``) on a
fresh SQLite file, reads every stored event back, and encodes all of them with
eventsourcing's ``JSONTranscoder`` and with ``EventJSONTranscoder`` (same
transcodings, no personal values sealed), checking that both write the same bytes.
Prints the best of ``--repeat`` rounds, in microseconds per event (ADR 21).
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import JSONTranscoder

from benchmarks.command_throughput import DomainCommands, deal_commands, fresh_store
from salesdomain import clock
from salesdomain.transcodings import EventJSONTranscoder, plain_transcoder


def stored_states(deals: int) -> list[dict[str, Any]]:
    """The state of every event the command mix stores, as the mapper encodes it."""
    with fresh_store("sqlite:///bench.db") as url:
        domain = DomainCommands(url)
        try:
            with clock.simulated(clock.SimulatedClock(datetime(2026, 3, 2, 9, tzinfo=UTC))):
                domain.run([step for i in range(deals) for step in deal_commands(i)])
            app = domain.app
            notifications = app.recorder.select_notifications(start=1, limit=10_000_000)
            events = [app.mapper.to_domain_event(n) for n in notifications]
        finally:
            domain.app.close()
    states = []
    for event in events:
        state = dict(vars(event))
        del state["originator_id"], state["originator_version"]
        states.append(state)
    return states


def best_seconds(encode: Any, states: list[dict[str, Any]], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        for state in states:
            encode(state)
        best = min(best, time.process_time() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    states = stored_states(args.deals)
    theirs, ours = plain_transcoder(JSONTranscoder), plain_transcoder(EventJSONTranscoder)
    differing = sum(1 for state in states if theirs.encode(state) != ours.encode(state))
    print(f"{len(states)} events; written differently: {differing}")
    for name, encoder in (("eventsourcing", theirs), ("EventJSONTranscoder", ours)):
        seconds = best_seconds(encoder.encode, states, args.repeat)
        print(f"{name:<20} {seconds / len(states) * 1e6:6.1f} us per event")


if __name__ == "__main__":
    main()
