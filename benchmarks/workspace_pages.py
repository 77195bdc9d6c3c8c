"""Benchmark (not a test): every page of the workspace (issue 20) on a big store, as
a sales manager, a representative and a compliance reviewer feel them.

    .venv/bin/python -m benchmarks.workspace_pages --db /tmp/dash200k.db
        [--database-url URL] [--repeat 20] [--only TEXT] [--as ROLE ...] [--at MOMENT]

The store as ``benchmarks.web_at_scale`` makes and serves it (``--db`` a SQLite file,
``--database-url`` any store; ``salesdomain demo --scale`` once if it holds no events;
``salesdomain serve``).  For each role (``--as``, repeatable; default the three above)
a person holding it gets a token (``salesdomain token issue --read-only``) and signs in
through the sign-in form as a browser does; then each page is asked for ``--repeat``
times, one after another: the home page, the board, my work, the list index and the
first page of every list the role reads, the record page and the story of the first
opportunity, customer and order those lists show, an SOP form, the dashboard and the
review pages.  Printed: the median, p95 and slowest time per page (ms), the answer's
size and status.  ``--only TEXT``: only the pages whose address contains it.
``--at MOMENT``: the server (and the tokens) run on a clock that starts then
(``benchmarks.at_moment``): after a generated store's last event, as a live store's
server reads.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from datetime import datetime
from pathlib import Path

import httpx

from benchmarks import free_port
from benchmarks.web_at_scale import _serve, _store, _token

ROLES = ("sales_manager", "sales_representative", "compliance_reviewer")
"""Who signs in by default: who leads a team, who sells, who reviews."""
INSTEAD = {"compliance_reviewer": "sales_director"}
"""A role that also reviews the SOP company-wide, for a store where nobody holds the
one asked for (the demo's company has no compliance reviewer)."""
RECORDS = ("opportunities", "customers", "orders")
"""The lists whose first record's page (and story) is timed."""
FORMS = ("LogContact", "OpenOpportunity")
"""SOP forms timed (a form for a role that may not use it is timed too: its 403)."""
FIXED = ("/", "/board", "/my-work", "/list")
REVIEW = ("/dashboard", "/review/audit", "/review/conformance", "/review/chain")
BY_ROLE = {
    "sales_manager": ("/dashboard",),
    "sales_director": REVIEW,
    "compliance_reviewer": REVIEW,
}
"""Pages only some roles open (the others' 403 is not worth timing)."""
LIST_LINK = re.compile(r'href="(/list/[a-z-]+)"')
RECORD_LINK = re.compile(r'href="(/record/([a-z-]+)/[0-9a-f-]{36})"')

Row = tuple[str, str, list[float], int, int]
"""Role, page, timings (ms), answer size, status."""


def _time(http: httpx.Client, path: str, repeat: int) -> tuple[list[float], int, int, str]:
    timings, answer = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        answer = http.get(path)
        timings.append((time.perf_counter() - began) * 1000)
    assert answer is not None
    return timings, len(answer.content), answer.status_code, answer.text


def _sign_in(http: httpx.Client, token: str) -> None:
    signed = http.post("/sign-in", data={"token": token}, headers={"Sec-Fetch-Site": "same-origin"})
    if signed.status_code != 303:
        raise SystemExit(f"sign-in refused ({signed.status_code}): {signed.text[:200]}")


def measure(base: str, role: str, token: str, repeat: int, only: str) -> list[Row]:
    """Every page ``role`` opens, each ``repeat`` times, in the order a person goes."""
    rows: list[Row] = []
    with httpx.Client(base_url=base, timeout=900) as http:
        _sign_in(http, token)

        def timed(path: str) -> str:
            if only not in path:
                _, _, _, text = _time(http, path, 1)  # still read: its links lead on
                return text
            timings, size, status, text = _time(http, path, repeat)
            rows.append((role, path, timings, size, status))
            return text

        lists: list[str] = []
        for path in FIXED + BY_ROLE.get(role, ()):
            text = timed(path)
            if path == "/list":
                lists = list(dict.fromkeys(LIST_LINK.findall(text)))
        records: dict[str, str] = {}
        for path in lists:
            for link, kind in RECORD_LINK.findall(timed(path)):
                records.setdefault(kind, link)
        for kind in RECORDS:
            if kind in records:
                timed(records[kind])
        if role in ("compliance_reviewer", "sales_director"):
            for kind in RECORDS:
                if kind in records:
                    timed(records[kind].replace("/record/", "/review/story/", 1))
        for command in FORMS:
            timed(f"/act/{command}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--db", type=Path, help="a SQLite store file")
    where.add_argument("--database-url", help="a store URL (sqlite:///... or postgresql://...)")
    parser.add_argument("--events", type=int, default=200_000, help="if the store has none")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--only", default="", help="only the pages whose address contains this")
    parser.add_argument("--as", dest="roles", action="append", choices=None, metavar="ROLE")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache/salesdomain-bench")
    parser.add_argument(
        "--at",
        type=datetime.fromisoformat,
        default=None,
        help="the server's clock starts at this moment (benchmarks.at_moment)",
    )
    args = parser.parse_args()
    if args.repeat < 2:
        parser.error("--repeat: at least 2 (a p95 needs them)")
    url = f"sqlite:///{args.db.resolve()}" if args.db else args.database_url
    url = _store(url, args.events, args.cache)
    tokens = {}
    for asked in args.roles or ROLES:
        role = asked
        try:
            tokens[role] = _token(url, role, args.at)
        except SystemExit:
            if (role := INSTEAD.get(asked, "")) == "":
                raise
            print(f"nobody holds the role {asked}: reviewing as {role}", flush=True)
            tokens[role] = _token(url, role, args.at)
    port = free_port()
    began = time.monotonic()
    server = _serve(url, port, args.at)
    print(f"server ready in {time.monotonic() - began:,.1f} s on {url}", flush=True)
    rows: list[Row] = []
    try:
        for role, token in tokens.items():
            rows += measure(f"http://127.0.0.1:{port}", role, token, args.repeat, args.only)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        f"\n{'role':<21} {'page':<60} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'bytes':>9} status"
    )
    for role, path, timings, size, status in rows:
        p95 = statistics.quantiles(timings, n=100, method="inclusive")[94]
        slow = "  > 200 ms" if p95 > 200 else ""
        print(
            f"{role:<21} {path[:60]:<60} {statistics.median(timings):>8.1f} {p95:>8.1f} "
            f"{max(timings):>8.1f} {size:>9,} {status}{slow}"
        )


if __name__ == "__main__":
    main()
