"""Request bodies are limited before they are read (413), and a body that is not JSON is
reported as such (400): the app driven as the server drives it (ASGI messages), and
served by uvicorn on a loopback port."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from freezegun import freeze_time
from salesdomain.adapters.bootstrap import build_system
from salesdomain.adapters.web import create_app
from salesdomain.adapters.web.body import DEFAULT_MAX_BODY_BYTES, MAX_BODY_VARIABLE
from salesdomain.adapters.web.responses import error_response

from tests import builders as b
from tests.web_support import Web, serving, web_with_alice

NOW = "2026-03-02 09:00:00+00:00"
SIXTY_MB = 60 * 1000 * 1000
CHUNK = 64 * 1024


@pytest.fixture(scope="module")
def app() -> Iterator[FastAPI]:
    system = build_system("memory://")
    try:
        yield create_app(system)
    finally:
        system.close()


def _scope(path: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


class SixtyMegabytes:
    """A body of 60 MB handed out in chunks, counting what the server asked for."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.handed = 0

    async def receive(self) -> dict[str, Any]:
        # past the limit, the server must stop asking: one chunk more is a failure
        assert self.handed <= self.limit, f"the server read {self.handed:,} bytes"
        chunk = b" " * min(CHUNK, SIXTY_MB - self.handed)
        self.handed += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": self.handed < SIXTY_MB}


def _call(app: FastAPI, scope: dict[str, Any], receive: Any) -> tuple[int, dict[str, str], Any]:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], headers, json.loads(body)


def test_a_60_mb_body_declared_by_its_length_is_refused_without_reading_it(app: FastAPI) -> None:
    async def never(*_: Any) -> dict[str, Any]:
        raise AssertionError("the body was read")

    scope = _scope("/commands/RegisterProspect", [(b"content-length", str(SIXTY_MB).encode())])
    status, headers, body = _call(app, scope, never)
    assert status == 413
    assert headers["connection"] == "close"
    assert body["kind"] == "body_too_large"
    assert body["limit"] == DEFAULT_MAX_BODY_BYTES == 2 * 1024 * 1024
    assert "60,000,000" in body["message"]


def test_a_60_mb_body_in_chunks_is_refused_once_it_passes_the_limit(app: FastAPI) -> None:
    body = SixtyMegabytes(DEFAULT_MAX_BODY_BYTES)  # no token either: read no further
    status, _, answer = _call(app, _scope("/commands/RegisterProspect", []), body.receive)
    assert (status, answer["kind"]) == (413, "body_too_large")
    assert DEFAULT_MAX_BODY_BYTES < body.handed <= DEFAULT_MAX_BODY_BYTES + CHUNK


def test_the_limit_is_set_by_the_app_or_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with freeze_time(NOW), web_with_alice("memory://") as web:
        command = b.register().model_dump(mode="json")
        headers = web.headers(b.ALICE)
        monkeypatch.setenv(MAX_BODY_VARIABLE, "300")
        small = TestClient(create_app(web.system))
        refused = small.post("/commands/RegisterProspect", json=command, headers=headers)
        assert refused.status_code == 413, refused.json()
        assert refused.json()["limit"] == 300
        large = TestClient(create_app(web.system, max_body_bytes=100_000))
        accepted = large.post("/commands/RegisterProspect", json=command, headers=headers)
        assert accepted.status_code == 200, accepted.json()
        monkeypatch.setenv(MAX_BODY_VARIABLE, "two megabytes")
        with pytest.raises(ValueError, match=MAX_BODY_VARIABLE):
            create_app(web.system)


@pytest.fixture
def web() -> Iterator[Web]:
    with freeze_time(NOW), web_with_alice("memory://") as web:
        yield web


def _post(web: Web, content: bytes, content_type: str = "application/json") -> Any:
    headers = {**web.headers(b.ALICE), "content-type": content_type}
    return web.client.post("/commands/RegisterProspect", content=content, headers=headers)


@freeze_time(NOW)
def test_a_body_that_is_not_json_is_400_malformed_body_saying_where(web: Web) -> None:
    response = _post(web, b'{\n  "company_name": "Acme",\n  "region": "East" "x"\n}')
    assert response.status_code == 400
    body = response.json()
    assert body["kind"] == "malformed_body"
    assert (body["line"], body["column"]) == (3, 20)
    assert "line 3, column 20" in body["message"]
    assert body["details"] == []  # not a field named after the offset, as before


@freeze_time(NOW)
def test_bodies_that_cannot_be_read_as_json_are_400_malformed_body(web: Web) -> None:
    for content, content_type in (
        (b'{"company_name": "\xff\xfe"}', "application/json"),  # not UTF-8
        (b"[" * 100_000 + b"]" * 100_000, "application/json"),  # nested too deep
        (b"company_name=Acme", "application/x-www-form-urlencoded"),
        (b"1" * 5000, "application/json"),  # a number of 5,000 digits
    ):
        response = _post(web, content, content_type)
        assert response.status_code == 400, (content[:20], response.text)
        assert response.json()["kind"] == "malformed_body"
        assert "\n" not in response.json()["message"]


@freeze_time(NOW)
def test_field_names_with_control_characters_are_named_escaped(web: Web) -> None:
    command = {**b.register().model_dump(mode="json"), "\x1b[2J\x07": 1}
    response = _post(web, json.dumps(command).encode())
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["details"]] == ["\\x1b[2J\\x07"]
    assert "\\x1b[2J\\x07: Extra inputs are not permitted" in response.json()["message"]
    command = {**b.register().model_dump(mode="json"), "\ud800": 1}  # not text at all
    response = _post(web, json.dumps(command).encode())
    assert response.status_code == 422


@pytest.fixture(scope="module")
def port(app: FastAPI) -> Iterator[int]:
    with serving(app) as served:
        yield served


def _answer(sock: socket.socket) -> tuple[int, dict[str, Any]]:
    sock.settimeout(10)
    received = b""
    while b"\r\n\r\n" not in received or not received.rstrip().endswith(b"}"):
        chunk = sock.recv(65536)
        if not chunk:
            break
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


def test_uvicorn_answers_413_before_a_60_mb_body_is_sent(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(
            b"POST /commands/RegisterProspect HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nContent-Length: 60000000\r\n\r\n{"
        )
        status, body = _answer(sock)  # the other 59,999,999 bytes are never sent
    assert (status, body["kind"]) == (413, "body_too_large")


def test_uvicorn_answers_413_once_a_chunked_body_passes_the_limit(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(
            b"POST /commands/RegisterProspect HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        sent = 0
        while sent <= DEFAULT_MAX_BODY_BYTES:
            sock.sendall(f"{CHUNK:x}\r\n".encode() + b" " * CHUNK + b"\r\n")
            sent += CHUNK
        status, body = _answer(sock)  # then the client stops, at 2 MiB of 60 MB
    assert (status, body["kind"]) == (413, "body_too_large")


def test_an_error_body_is_sent_even_with_text_that_is_not_utf_8() -> None:
    response = error_response(409, "sop_rule_violation", "stored before the bounds: \ud800")
    assert json.loads(response.body)["message"] == "stored before the bounds: \ud800"
