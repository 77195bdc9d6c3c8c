"""Benchmark (not a test): rebuild every view from a large log, against the raw read rate.

    .venv/bin/python -m benchmarks.rebuild_views --events 1000000 [--db /tmp/log.db] [--repeat 3]
    .venv/bin/python -m benchmarks.rebuild_views --phase measure --database-url URL
    .venv/bin/python -m benchmarks.rebuild_views --phase measure --db FILE --processes 2

With ``--database-url`` (PostgreSQL, say, with a store ``salesdomain demo --scale N``
generated), only ``measure`` runs, on that store.

1. ``generate`` (skipped when the file already holds enough events): the main job's
   log, ``salesdomain demo --scale N`` (the quarter, then business cases through the
   domain's handlers, saved in large batches) on a fresh SQLite file;
2. ``measure`` (run in a fresh process so its peak memory is its own):
   - raw: read and decode the whole log (eventsourcing alone, through the same log
     reader the views use), with the interpreter's cyclic collector as it is; and
     again collecting once a page, as a rebuild does (ADR 78), for a ratio of like
     with like;
   - rebuild: every view rebuilt from position zero (``ReadModels.rebuild``; with
     ``--processes N``, shared among N processes, ``rebuild_in_processes``, ADR 75);
   both read pages of the same size (the rebuild's default, 5,000; ``--page-size``),
   and with ``--repeat N`` the pair is measured N times in turn;
   prints events/second for both, their ratio (issue 16's goal >= 0.4), the CPU
   seconds of both (every process of the rebuild: ADR 76), each view's
   seconds in its own rows, and the peak resident memory of the process (goal < 500 MB,
   independent of the log's length).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from collections.abc import Iterable
from contextlib import nullcontext
from functools import partial
from pathlib import Path
from typing import Any

from salesdomain.adapters.bootstrap import build_system
from salesdomain.adapters.demo import run_demo
from salesdomain.adapters.rebuilding import rebuild_in_processes
from salesdomain.projections.collection import collected_once_a_page
from salesdomain.projections.runner import REBUILD_PAGE_SIZE, ProjectionRunner


def generate(db: Path, events: int) -> None:
    """The main job's log: the demo's quarter, then ``--scale`` business cases through
    the domain's handlers (``salesdomain.adapters.demo_scale``), on a fresh file."""
    system = build_system(f"sqlite:///{db}")
    have = system.views.log.head()
    if have >= events:
        print(f"{db} already holds {have:,} events", file=sys.stderr)
        system.close()
        return
    system.close()
    db.unlink(missing_ok=True)
    system = build_system(f"sqlite:///{db}")
    started = time.perf_counter()

    def told(what: str, done: int, total: int) -> None:
        print(f"\r{what}: {done:,}/{total:,}", end="", file=sys.stderr)

    report = run_demo(system, 7, scale=events, progress=told)
    print(
        f"\ngenerated {report.events:,} events and {report.commands:,} command records in "
        f"{time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    system.close()


def _timed_views(runners: Iterable[ProjectionRunner]) -> dict[str, float]:
    """Each view's share of a rebuild: the seconds its runner spends on the pages it is
    given (its own row changes and statements; the shared read and decode is not in it),
    filled in as the rebuild goes."""
    spent = dict.fromkeys((runner.projection.name for runner in runners), 0.0)
    for runner in runners:
        process = runner.process

        def timed(*args: Any, _process: Any = process, _name: str = runner.projection.name) -> Any:
            started = time.perf_counter()
            try:
                return _process(*args)
            finally:
                spent[_name] += time.perf_counter() - started

        runner.process = timed  # type: ignore[method-assign]
    return spent


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished child processes (user and system)."""
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _raw_read(log: Any, head: int, page_size: int, *, paused: bool) -> tuple[float, float]:
    """Seconds and CPU seconds to read and decode the whole log a page at a time, with
    the interpreter's cyclic collector as it is (``paused=False``: as eventsourcing
    reads a log), or collecting once a page as a rebuild does (ADR 78)."""
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    with collected_once_a_page() if paused else nullcontext(_no_collection) as after_page:
        position = 0
        while position < head:
            position = log.read(position, page_size)[-1][0]
            after_page()  # the page is no longer held, as in a rebuild
    return time.perf_counter() - started, _cpu_seconds() - cpu_started


def _no_collection() -> None:
    """Nothing to do after a page (the collector runs by allocation counts)."""


def measure(
    url: str, repeat: int = 1, page_size: int = REBUILD_PAGE_SIZE, processes: int = 1
) -> None:
    """Raw read+decode, then the rebuild of every view, ``repeat`` times in turn (so a
    change in the machine's load touches both sides); both read pages of ``page_size``.
    With ``processes`` above 1, the views are shared among that many processes
    (``salesdomain.adapters.rebuilding``), and each view's seconds are those of this
    process's share."""
    system = build_system(url)
    log = system.views.log
    head = log.head()
    print(f"log: {head:,} events in {url}; pages of {page_size:,}")
    ratios = []
    for run in range(1, repeat + 1):
        raw_seconds, raw_cpu = _raw_read(log, head, page_size, paused=False)
        paused_seconds, _ = _raw_read(log, head, page_size, paused=True)
        raw_rate = head / raw_seconds
        spent = _timed_views(system.views.runners.values())
        started, cpu_started = time.perf_counter(), _cpu_seconds()
        rebuilt = rebuild_in_processes(
            system, partial(build_system, url), processes=processes, page_size=page_size
        )
        rebuild_seconds = time.perf_counter() - started
        rebuild_cpu = _cpu_seconds() - cpu_started
        rebuild_rate = head / rebuild_seconds
        ratios.append(rebuild_rate / raw_rate)
        print(f"run {run}")
        print(f"raw read+decode : {raw_rate:12,.0f} events/s ({raw_seconds:.1f} s)")
        print(
            f"rebuild all views: {rebuild_rate:12,.0f} events/s ({rebuild_seconds:.1f} s), "
            f"views: {' | '.join(', '.join(names) for names in rebuilt.shares)}"
        )
        print(f"ratio           : {ratios[-1]:.2f} (issue 16's goal >= 0.4)")
        print(
            f"raw read+decode, collected once a page as the rebuild is (ADR 78): "
            f"{head / paused_seconds:,.0f} events/s ({paused_seconds:.1f} s); ratio to it "
            f"{paused_seconds / rebuild_seconds:.2f}"
        )
        print(
            f"CPU seconds     : raw {raw_cpu:.1f}, rebuild {rebuild_cpu:.1f} (all processes; "
            "steadier than the wall clock on a machine whose speed drifts)"
        )
        for name, seconds in sorted(spent.items(), key=lambda item: -item[1]):
            if seconds:
                print(f"  {name:<14} {seconds:7.1f} s in its own rows")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if processes > 1:
        other_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"peak memory of the other processes: {other_mb:,.0f} MB (the largest)")
    if repeat > 1:
        print(f"ratio range     : {min(ratios):.2f} - {max(ratios):.2f} over {repeat} runs")
    print(f"peak memory     : {peak_mb:,.0f} MB (goal < 500 MB)")
    system.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/salesdomain-benchmark-log.db"))
    parser.add_argument("--phase", choices=("all", "generate", "measure"), default="all")
    parser.add_argument("--repeat", type=int, default=1, help="measure this many times")
    parser.add_argument("--page-size", type=int, default=REBUILD_PAGE_SIZE)
    parser.add_argument("--database-url", help="measure the store at this URL instead")
    parser.add_argument(
        "--processes", type=int, default=1, help="rebuild in this many processes (ADR 75)"
    )
    args = parser.parse_args()
    if args.database_url:
        measure(args.database_url, args.repeat, args.page_size, args.processes)
        return
    if args.phase in ("all", "generate"):
        generate(args.db, args.events)
    if args.phase == "measure":
        measure(f"sqlite:///{args.db}", args.repeat, args.page_size, args.processes)
    elif args.phase == "all":
        subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.rebuild_views",
                "--phase",
                "measure",
                "--db",
                str(args.db),
                "--repeat",
                str(args.repeat),
                "--page-size",
                str(args.page_size),
                "--processes",
                str(args.processes),
            ],
            check=True,
        )


if __name__ == "__main__":
    main()
