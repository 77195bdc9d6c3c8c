"""The process layout of a deployment, started on loopback (ADR 35): ``salesdomain serve
--workers 2`` and one follower (serve's own on a SQLite file; ``salesdomain views
follow`` as a process of its own on PostgreSQL), a command sent and read back, each
read on a connection of its own, as the kernel hands connections to the workers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from salesdomain.adapters.following import AFTER_HEADER, POSITION_HEADER

from tests.web_support import free_port

SALESDOMAIN = str(Path(sys.executable).parent / "salesdomain")


@contextmanager
def _process(*args: str, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``salesdomain args``, interrupted (then killed) when the block ends."""
    with log.open("wb") as out:
        started = subprocess.Popen([SALESDOMAIN, *args], stdout=out, stderr=subprocess.STDOUT)
    try:
        yield started
    finally:
        started.send_signal(signal.SIGINT)
        try:
            started.wait(timeout=20)
        except subprocess.TimeoutExpired:
            started.kill()
            started.wait(timeout=10)


def _call(url: str, token: str = "", body: Any = None, **headers: str) -> tuple[int, Any, Any]:
    request = urllib.request.Request(
        url,
        data=None if body is None else json.dumps(body).encode(),
        headers={
            "Content-Type": "application/json",
            **({"Authorization": f"Bearer {token}"} if token else {}),
            **headers,
        },
        method="GET" if body is None else "POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read()), answer.headers
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read()), refused.headers


def _workers_of(pid: int) -> int:
    """How many worker processes uvicorn spawned under ``pid``."""
    count = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rpartition(")")[2].split()[1])
        if parent == pid and b"spawn_main" in cmdline:
            count += 1
    return count


@pytest.mark.parametrize(
    "store_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_two_workers_and_one_follower_serve_a_client_its_own_write(store_url, tmp_path):
    store = store_url
    hana = uuid4()
    founder = ["--as", str(hana), "--role", "hr", "--name", "Hana Li"]
    issued = subprocess.run(
        [SALESDOMAIN, "token", "issue", *founder, "--database-url", store, "--json"],
        capture_output=True,
        check=True,
        env=os.environ,
    )
    token = json.loads(issued.stdout)["token"]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    serve = ["serve", "--workers", "2", "--port", str(port), "--database-url", store]
    with ExitStack() as stack:
        server = stack.enter_context(_process(*serve, log=tmp_path / "serve.log"))
        if store.startswith("postgresql"):  # the follower: a process of its own
            follow = ["views", "follow", "--database-url", store]
            stack.enter_context(_process(*follow, log=tmp_path / "follow.log"))
        deadline = time.monotonic() + 60
        while True:
            try:
                if _call(f"{base}/health")[0] == 200 and _workers_of(server.pid) == 2:
                    break
            except OSError:
                pass
            logs = (tmp_path / "serve.log").read_text(errors="replace")
            assert time.monotonic() < deadline, f"the server did not start: {logs}"
            assert server.poll() is None, f"the server ended: {logs}"
            time.sleep(0.2)

        enrol = {
            "employee_id": str(hana),
            "name": "Hana Li",
            "team": "HR",
            "position": "HR Officer",
            "roles": ["hr"],
            "salary": {"amount": "15000", "currency": "CNY"},
            "start_date": "2024-01-08",
        }
        status, answer, headers = _call(f"{base}/commands/EnrolEmployee", token, enrol)
        assert status == 200, answer
        position = headers[POSITION_HEADER]
        for _ in range(8):  # each on a new connection: both workers answer some
            status, trail, _ = _call(
                f"{base}/views/audit?aggregate_id={hana}", token, **{AFTER_HEADER: position}
            )
            assert status == 200, trail
            assert trail["position"] >= int(position)
            assert [e["event_type"] for e in trail["entries"]] == ["Enrolled"]
        status, ready, _ = _call(f"{base}/ready")
        assert status == 200, ready
        assert _workers_of(server.pid) == 2
