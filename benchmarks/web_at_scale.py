"""Benchmark (not a test): the web API's reads on a year of history, as users feel them.

    .venv/bin/python -m benchmarks.web_at_scale [--events 1000000] [--repeat 20]
        [--url URL] [--cache DIR] [--as ROLE] [--only TEXT] [--cli N]

The store is the demo's company with ``--events`` more events of genuine business cases
(``salesdomain demo --scale``), generated once and kept: a SQLite file under ``--cache``
(default ``~/.cache/salesdomain-bench``), or the database ``--url`` names (generated only
if it holds no events). Everything then goes through the command line a company would
use: ``salesdomain staff`` to find a person of role ``--as`` (default sales_director),
``salesdomain token issue --read-only`` for them, ``salesdomain serve`` on a free
loopback port. Each of the dashboard's and the lists' requests is sent ``--repeat``
times, one after another; printed: p50, p95 and max per request (ms), answer size, and
the server's resident memory (RSS) at the end, with its children. ``--only TEXT``:
only the requests whose path or parameter names contain it (e.g. ``--only pipeline``,
``--only as_of``). ``--cli N``: then the command line's reads in client mode
(``salesdomain --api URL --token-file FILE ...``), each run N times as a process of its
own, start to exit, as a user feels them: the pipeline by the console script (the lean
path, ADR 55) and by the full Typer application for comparison, and ``whoami`` (the full
command line's floor).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import httpx

from benchmarks import free_port, started

REQUESTS: list[tuple[str, dict[str, str]]] = [
    ("/me", {}),
    ("/views/status", {}),
    ("/views/pipeline/summary", {}),
    ("/views/pipeline", {}),
    ("/views/pipeline", {"limit": "1000"}),
    ("/views/pipeline", {"stage": "won"}),
    ("/views/pipeline/summary", {"as_of": "2026-06-30T00:00:00+00:00"}),
    ("/views/pipeline", {"as_of": "2026-06-30T00:00:00+00:00"}),
    ("/views/pipeline/summary", {"as_of": "2099-01-01T00:00:00+00:00"}),
    ("/views/kpi", {"grain": "month", "by": "total"}),
    ("/views/kpi", {"grain": "month", "by": "rep"}),
    ("/views/kpi", {"grain": "month", "by": "rep", "then_by": "product"}),
    ("/views/kpi", {"grain": "quarter", "by": "region", "then_by": "customer"}),
    ("/views/kpi/market-share", {"by": "region"}),
    ("/views/breaches", {}),
    ("/views/operations/service-cases", {"breached_only": "true"}),
    ("/views/operations/tasks", {}),
    ("/views/operations/inspections", {}),
    ("/views/operations/shipments", {}),
    ("/views/audit", {"limit": "100"}),
    ("/views/customers", {}),
    ("/views/customers", {"name": "machinery", "status": "customer"}),
    ("/views/customers", {"name": "no such company"}),  # every name read
]
"""What the dashboard asks for on opening, and the lists a manager reads."""

SALESDOMAIN = str(Path(sys.executable).with_name("salesdomain"))
FULL = [sys.executable, "-c", "from salesdomain.adapters import cli; cli.app()"]
"""The full command line (the Typer application), without the console script's lean path."""
CLI_READS: list[tuple[str, list[str], list[str]]] = [
    ("pipeline (lean path)", [SALESDOMAIN], ["pipeline", "--as-of", "2099-01-01"]),
    ("pipeline --json (lean path)", [SALESDOMAIN], ["pipeline", "--json"]),
    ("pipeline (full command line)", FULL, ["pipeline", "--as-of", "2099-01-01"]),
    ("whoami (full command line)", [SALESDOMAIN], ["whoami"]),
]
"""Client mode's reads: a label, the program and its arguments after ``--api``."""


def _command(at: datetime | None) -> list[str]:
    """``salesdomain``, or run at the moment ``at`` (``benchmarks.at_moment``)."""
    if at is None:
        return [SALESDOMAIN]
    return [sys.executable, "-m", "benchmarks.at_moment", at.isoformat()]


def _cli(url: str, *args: str, at: datetime | None = None) -> str:
    done = subprocess.run(
        [*_command(at), *args, "--database-url", url], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"salesdomain {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def _store(url: str | None, events: int, cache: Path) -> str:
    """The store's URL, generating its history if it has none yet."""
    if url is None:
        cache.mkdir(parents=True, exist_ok=True)
        path = cache / f"year-{events}.db"
        url = f"sqlite:///{path}"
        if path.exists():
            return url
    elif _has_events(url):
        return url
    print(f"generating {events:,} events into {url} (once; this takes a while)", flush=True)
    started = time.monotonic()
    _cli(url, "demo", "--scale", str(events), "--quiet")
    print(f"generated in {time.monotonic() - started:,.0f} s", flush=True)
    return url


def _has_events(url: str) -> bool:
    return any(view["head"] > 0 for view in json.loads(_cli(url, "views", "status", "--json")))


def _token(url: str, role: str, at: datetime | None = None) -> str:
    staff = json.loads(_cli(url, "staff", "--json"))
    person = next((p for p in staff if p["active"] and role in p["roles"]), None)
    if person is None:
        raise SystemExit(f"nobody in the store holds the role {role}")
    issued = json.loads(
        _cli(
            url,
            *("token", "issue", "--employee", person["employee_id"], "--role", role),
            *("--days", "1", "--read-only", "--json"),
            at=at,
        )
    )
    return str(issued["token"])


def _serve(url: str, port: int, at: datetime | None = None) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [*_command(at), "serve", "--port", str(port), "--database-url", url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return started(server, port, 1800)  # a first start may rebuild the views


def _rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += next(int(line.split()[1]) for line in status.splitlines() if line[:6] == "VmRSS:")
        pending.extend(int(child) for child in children)
    return total / 1024


def measure(
    base: str, token: str, repeat: int, only: str = ""
) -> list[tuple[str, list[float], int, int]]:
    rows = []
    with httpx.Client(
        base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=900
    ) as http:
        for path, query in [(p, q) for p, q in REQUESTS if only in f"{p}?{'&'.join(q)}"]:
            timings, size, status = [], 0, 0
            for _ in range(repeat):
                started = time.perf_counter()
                answer = http.get(path, params=query)
                timings.append((time.perf_counter() - started) * 1000)
                size, status = len(answer.content), answer.status_code
            label = path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
            rows.append((label, timings, size, status))
    return rows


def measure_cli(base: str, token: str, repeat: int) -> list[tuple[str, list[float], int, int]]:
    """Each of ``CLI_READS`` run ``repeat`` times through the API at ``base``."""
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        token_file = Path(folder) / "token"
        token_file.write_text(token + "\n", encoding="utf-8")
        os.chmod(token_file, 0o600)
        for label, program, args in CLI_READS:
            timings, size, status = [], 0, 0
            for _ in range(repeat):
                started = time.perf_counter()
                done = subprocess.run(
                    [*program, "--api", base, "--token-file", str(token_file), *args],
                    capture_output=True,
                    check=False,
                )
                timings.append((time.perf_counter() - started) * 1000)
                size, status = len(done.stdout), done.returncode
            rows.append((f"salesdomain {label}", timings, size, status))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--url", help="a store URL (default: a cached SQLite file)")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache/salesdomain-bench")
    parser.add_argument("--as", dest="role", default="sales_director")
    parser.add_argument(
        "--only", default="", help="only the requests whose path or parameters name this"
    )
    parser.add_argument(
        "--cli", type=int, default=0, help="run each command line read this many times"
    )
    args = parser.parse_args()
    url = _store(args.url, args.events, args.cache)
    token = _token(url, args.role)
    port = free_port()
    started = time.monotonic()
    server = _serve(url, port)
    print(f"server ready in {time.monotonic() - started:,.1f} s on {url}", flush=True)
    try:
        rows = measure(f"http://127.0.0.1:{port}", token, args.repeat, args.only)
        if args.cli:
            rows += measure_cli(f"http://127.0.0.1:{port}", token, args.cli)
        rss = _rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"\n{'request':<52} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9} {'bytes':>11} status")
    for label, timings, size, status in rows:
        p95 = statistics.quantiles(timings, n=100, method="inclusive")[94]
        print(
            f"{label:<52} {statistics.median(timings):>9.1f} {p95:>9.1f} "
            f"{max(timings):>9.1f} {size:>11,} {status}"
        )
    print(f"\nserver RSS at the end: {rss:,.0f} MB (pid {server.pid} and its children)")


if __name__ == "__main__":
    main()
