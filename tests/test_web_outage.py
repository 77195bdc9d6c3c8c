"""When the database cannot be reached the API answers 503 ``store_unavailable`` with
``Retry-After``, and a command sent again afterwards is recorded once; a view that
stopped on an event answers 503 ``view_stopped`` for its own reads only.

The outages are real: PostgreSQL behind a TCP proxy on a loopback port that is then
cut (open connections dropped, new ones closed at once), and a SQLite file whose
write lock another connection holds."""

from __future__ import annotations

import contextlib
import socket
import sqlite3
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

import pytest
from freezegun import freeze_time
from salesdomain.adapters.bootstrap import System, build_system
from salesdomain.adapters.web.outage import RETRY_AFTER_SECONDS
from salesdomain.projections.audit import AuditTrail
from salesdomain.projections.kpi import Kpi
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.operations import Operations
from salesdomain.projections.pipeline import Pipeline
from salesdomain.projections.projection import event_name
from salesdomain.projections.read_models import ReadModels

from tests import builders as b
from tests.conftest import FREEZEGUN_TRANSCODINGS
from tests.spec import log_position
from tests.web_support import Web, founded, web_on

NOW = "2026-03-02 09:00:00+00:00"


class Proxy:
    """A TCP proxy on a free loopback port to the database server: ``cut()`` makes the
    server unreachable, ``mend()`` reachable again."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.up = True
        self.lock = threading.Lock()
        self.open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            if not self.up:
                client.close()
                continue
            server = socket.create_connection(self.target)
            with self.lock:
                self.open += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        _drop(source, sink)

    def cut(self) -> None:
        self.up = False
        with self.lock:
            _drop(*self.open)
            self.open.clear()

    def mend(self) -> None:
        self.up = True

    def close(self) -> None:
        self.cut()
        self.listener.close()


def _drop(*sockets: socket.socket) -> None:
    for each in sockets:
        with contextlib.suppress(OSError):  # already gone
            each.shutdown(socket.SHUT_RDWR)


def _unavailable(response: Any) -> None:
    assert response.status_code == 503, response.text
    assert response.json()["kind"] == "store_unavailable"
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "same command_id" in response.json()["message"]


@pytest.fixture
def proxied(postgres_schema_url: str) -> Iterator[tuple[Web, Proxy]]:
    parts = urlsplit(postgres_schema_url)
    proxy = Proxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    netloc = f"{parts.username or 'postgres'}@127.0.0.1:{proxy.port}"
    url = urlunsplit(parts._replace(netloc=netloc))
    try:
        with freeze_time(NOW), web_on(url) as web:
            yield web, proxy
    finally:
        proxy.close()


@pytest.mark.postgres
@freeze_time(NOW)
def test_postgresql_out_of_reach_is_503_and_a_command_sent_again_is_recorded_once(
    proxied: tuple[Web, Proxy],
) -> None:
    web, proxy = proxied
    founded(web, [(b.register(), b.ALICE)])
    sent = b.register()
    web.send(sent, b.ALICE)
    other = b.register("Ningbo Harbour Logistics", reg="91330200MA2AAAAA9X")
    proxy.cut()
    _unavailable(web.post(sent, b.ALICE))  # sent again: it may not have arrived
    _unavailable(web.post(other, b.ALICE))
    _unavailable(web.get("/views/pipeline", b.ALICE))
    _unavailable(web.get("/me", b.ALICE))
    ready = web.client.get("/ready")  # a load balancer's probe: not ready, saying why
    assert ready.status_code == 503
    assert ready.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert (ready.json()["kind"], ready.json()["views"]) == ("not_ready", [])
    assert "cannot be reached" in ready.json()["message"]
    assert web.client.get("/health").status_code == 200  # the process still answers
    proxy.mend()
    before = log_position(web.system.app)
    first = web.send(other, b.ALICE)
    assert not first["replayed"]
    after = log_position(web.system.app)
    assert after > before
    assert web.send(other, b.ALICE)["replayed"]
    assert web.send(sent, b.ALICE)["replayed"]
    assert log_position(web.system.app) == after
    customer = str(b.customer_id(other))
    trail = web.get("/views/audit", b.ALICE, aggregate_id=customer).json()
    assert [e["event_type"] for e in trail["entries"]] == ["Registered"]


@freeze_time(NOW)
def test_a_sqlite_file_locked_by_another_writer_is_503_then_recorded_once(
    tmp_path: Any,
) -> None:
    path = tmp_path / "locked.db"
    with web_on(f"sqlite:///{path}") as web:
        founded(web, [(b.register(), b.ALICE)])
        command = b.register()
        web.token(b.ALICE)  # issued before: issuing writes too
        rival = sqlite3.connect(path, isolation_level=None)
        rival.execute("BEGIN EXCLUSIVE")  # another process writing, for longer than we wait
        try:
            before = log_position(web.system.app)
            _unavailable(web.post(command, b.ALICE))  # after SQLite's 10 s lock timeout
        finally:
            rival.execute("ROLLBACK")
            rival.close()
        assert log_position(web.system.app) == before
        assert not web.send(command, b.ALICE)["replayed"]
        after = log_position(web.system.app)
        assert web.send(command, b.ALICE)["replayed"]
        assert log_position(web.system.app) == after > before


class PipelineStoppingOnOpened(Pipeline):
    """The pipeline view, unable to handle an opened opportunity (as a view might be
    after a release that broke it, or on data stored before its bounds)."""

    def changes(self, event: Any, position: int) -> list[Any]:
        if event_name(event) == "Opportunity.Opened":
            raise ValueError("no column for this opportunity's region")
        return super().changes(event, position)


def _broken(url: str) -> System:
    """The system on ``url`` with the pipeline view ``PipelineStoppingOnOpened``."""
    system = build_system(url, extra_transcodings=FREEZEGUN_TRANSCODINGS)
    views = [AuditTrail(), PipelineStoppingOnOpened(), Kpi(), Operations()]
    models = ReadModels(system.views.engine, ApplicationLog(system.app), views)
    return System(system.app, models, system.store)


@pytest.fixture
def broken_pipeline(store_url: str) -> Iterator[Web]:
    broken = _broken(store_url)
    web = Web(broken)
    try:
        with freeze_time(NOW), web.client:
            yield web
    finally:
        broken.close()


def open_one_opportunity(web: Web) -> None:
    """At ``NOW``, through ``web``: the staff register founded for Alice, a customer she
    qualified and one opportunity opened for it."""
    with freeze_time(NOW):
        founded(web, [(b.register(), b.ALICE)])
        reg = b.register()
        for command, actor in b.qualified_customer(reg):
            web.send(command, actor)
        web.send(b.open_opportunity(b.customer_id(reg), uuid4()), b.ALICE)


@contextlib.contextmanager
def stopped_pipeline(url: str) -> Iterator[tuple[System, str]]:
    """A store with one opened opportunity, whose pipeline view cannot handle it; a
    token of the representative, issued now (not on the frozen day: it expires)."""
    broken = _broken(url)
    web = Web(broken)
    try:
        open_one_opportunity(web)
        yield broken, web.tokens.issue(b.ALICE).secret
    finally:
        broken.close()


@freeze_time(NOW)
def test_a_stopped_view_is_503_naming_it_and_the_other_views_still_answer(
    broken_pipeline: Web,
) -> None:
    web = broken_pipeline
    founded(web, [(b.register(), b.ALICE)])
    reg, opp = b.register(), uuid4()
    for command, actor in b.qualified_customer(reg):
        web.send(command, actor)
    (opened,) = web.send(b.open_opportunity(b.customer_id(reg), opp), b.ALICE)["positions"]
    for path in ("/views/pipeline", "/views/pipeline/summary"):
        response = web.get(path, b.ALICE)
        assert response.status_code == 503, response.text
        body = response.json()
        assert body["kind"] == "view_stopped"
        assert (body["view"], body["event"]) == ("pipeline", "Opportunity.Opened")
        assert "no column for this opportunity's region" in body["reason"]
        assert body["position"] == opened
        assert "the pipeline view stopped" in body["message"]
        assert "Opportunity.Opened" in body["message"]
    audit = web.get("/views/audit", b.ALICE, aggregate_id=str(opp))
    assert audit.status_code == 200
    assert audit.json()["position"] == log_position(web.system.app)
    assert [e["event_type"] for e in audit.json()["entries"]] == ["Opened"]
    for path in ("/views/kpi", "/views/operations/tasks"):
        assert web.get(path, b.ALICE).status_code == 200, path
    (stopped,) = [v for v in web.get("/views/status", b.ALICE).json()["views"] if v["error"]]
    assert (stopped["name"], stopped["error_event"]) == ("pipeline", "Opportunity.Opened")
