"""Benchmarks (not tests): ``.venv/bin/python -m benchmarks.NAME``."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from salesdomain.adapters.master_keys import MASTER_KEY_FILE_VARIABLE, MASTER_KEY_VARIABLE


def master_key_for_fresh_schemas() -> None:
    """The benchmarks' fresh PostgreSQL schemas need a master key kept outside the
    database (ADR 33): unless one is configured, a file in a temporary directory."""
    if not (os.environ.get(MASTER_KEY_FILE_VARIABLE) or os.environ.get(MASTER_KEY_VARIABLE)):
        keys = Path(tempfile.mkdtemp(prefix="salesdomain-bench-keys-")) / "master.keys"
        os.environ[MASTER_KEY_FILE_VARIABLE] = str(keys)


def median_ms(work: Callable[[], Any], repeat: int) -> float:
    """The median milliseconds of ``repeat`` runs of ``work``, after one run to warm up."""
    work()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def free_port() -> int:
    """A TCP port free on the loopback now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def started(server: subprocess.Popen[bytes], port: int, seconds: float) -> subprocess.Popen[bytes]:
    """``server`` once it answers ``/openapi.json`` on ``port`` (killed, and the run
    ended, if it does not within ``seconds``)."""
    import httpx  # the dev extra's; only the benchmarks that start a server need it

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=5).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")
