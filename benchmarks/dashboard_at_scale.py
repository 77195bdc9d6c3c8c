"""Benchmark (not a test): the manager's dashboard and each of its CSVs on a big store.

    .venv/bin/python -m benchmarks.dashboard_at_scale --url sqlite:////tmp/dash200k.db
        [--events 200000] [--repeat 5] [--as ROLE] [--period 2026-Q2]

The store as ``benchmarks.web_at_scale`` makes and serves it (``salesdomain demo --scale``
once if it holds no events; ``salesdomain serve``); a person of role ``--as`` (default
sales_manager) signs in through the sign-in form as a browser does, then ``/dashboard``
and every ``/dashboard/{table}.csv`` are asked for ``--repeat`` times each, one after
another. Printed: the median and the slowest time per request (ms) and the answer's size.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import httpx

from benchmarks import free_port
from benchmarks.web_at_scale import _serve, _store, _token

TABLES = (
    "open-pipeline",
    "closed-deals",
    "stale-deals",
    "forecast",
    "attainment",
    "revenue",
    "breaches-by-rule",
    "time-limits",
)
"""The dashboard's tables (``dashboard.READ_BY``), each a CSV of its own."""


def measure(base: str, token: str, repeat: int, period: str) -> list[tuple[str, list[float], int]]:
    rows = []
    query = {"period": period} if period else {}
    with httpx.Client(base_url=base, timeout=900) as http:
        signed = http.post(
            "/sign-in", data={"token": token}, headers={"Sec-Fetch-Site": "same-origin"}
        )
        if signed.status_code != 303:
            raise SystemExit(f"sign-in refused ({signed.status_code}): {signed.text[:200]}")
        for path in ["/dashboard", *(f"/dashboard/{t}.csv" for t in TABLES)]:
            timings, size = [], 0
            for _ in range(repeat):
                began = time.perf_counter()
                answer = http.get(path, params=query)
                timings.append((time.perf_counter() - began) * 1000)
                if answer.status_code != 200:
                    raise SystemExit(f"{path}: {answer.status_code} {answer.text[:200]}")
                size = len(answer.content)
            rows.append((path, timings, size))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a store URL (default: a cached SQLite file)")
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--as", dest="role", default="sales_manager")
    parser.add_argument("--period", default="", help="a month or quarter (default: this one)")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache/salesdomain-bench")
    args = parser.parse_args()
    url = _store(args.url, args.events, args.cache)
    token = _token(url, args.role)
    port = free_port()
    server = _serve(url, port)
    try:
        rows = measure(f"http://127.0.0.1:{port}", token, args.repeat, args.period)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"\n{'request':<34} {'median ms':>10} {'max ms':>9} {'bytes':>10}")
    for path, timings, size in rows:
        print(f"{path:<34} {statistics.median(timings):>10.0f} {max(timings):>9.0f} {size:>10,}")


if __name__ == "__main__":
    main()
