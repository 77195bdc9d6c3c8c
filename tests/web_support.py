"""The web API as the tests drive it: the real app over a real store, one token per
person, commands sent as the JSON a client would send."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from salesdomain.adapters.bootstrap import System, build_system
from salesdomain.adapters.following import AFTER_HEADER, POSITION_HEADER
from salesdomain.adapters.web import create_app
from salesdomain.adapters.web.context import BreachProvider
from salesdomain.adapters.web.running import Settings
from salesdomain.adapters.web.tokens import TokenStore, employee_actor

from salesdomain.commands import Command
from salesdomain.sop import Role
from salesdomain.values import Actor
from tests import people_builders as pb
from tests.builders import ALICE, DAN, register
from tests.conftest import FREEZEGUN_TRANSCODINGS, postgres_schema
from tests.spec import Step


class Web:
    """A client of the app with a token per actor (issued as ``token issue`` does).

    The app runs its follower in-process (on every store, as ``serve --follow``), and
    the client reads its own writes as a real one would: each read says the last log
    position its commands recorded (``X-Salesdomain-After``, from the commands'
    ``X-Salesdomain-Position``), and waits for the views to reach it."""

    def __init__(
        self,
        system: System,
        open_breaches: BreachProvider | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.system = system
        self.tokens = TokenStore(system.store)
        app = create_app(
            system, open_breaches=open_breaches, settings=settings or Settings(follow=True)
        )
        self.client = TestClient(app)
        self.secrets: dict[Actor, str] = {}
        self.after: int | None = None
        """The last log position this client's commands recorded."""

    def token(self, actor: Actor, founder: bool = False) -> str:
        if actor not in self.secrets:
            name = actor.name if founder else ""
            checked = employee_actor(self.system.app, actor.employee_id, actor.role, name)
            self.secrets[actor] = self.tokens.issue(checked).secret
        return self.secrets[actor]

    def headers(self, actor: Actor) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(actor)}"}

    def post(self, command: Command, actor: Actor, **overrides: Any) -> Any:
        body = {**command.model_dump(mode="json"), **overrides}
        response = self.client.post(
            f"/commands/{type(command).__name__}", json=body, headers=self.headers(actor)
        )
        self.wrote(response)
        return response

    def wrote(self, response: Any) -> None:
        """Remember the log position a command's answer says it recorded."""
        position = response.headers.get(POSITION_HEADER)
        if position is not None:
            self.after = max(self.after or 0, int(position))

    def reading(self) -> dict[str, str]:
        """The header a read sends to show this client's own writes."""
        return {} if self.after is None else {AFTER_HEADER: str(self.after)}

    def send(self, command: Command, actor: Actor) -> dict[str, Any]:
        response = self.post(command, actor)
        assert response.status_code == 200, response.json()
        answer: dict[str, Any] = response.json()
        return answer

    def sign_in(self, actor: Actor) -> None:
        """Sign ``actor`` in to the workspace through its form (see ``sign_in``)."""
        sign_in(self.client, self.token(actor))

    def get(self, path: str, actor: Actor, **params: Any) -> Any:
        return self.client.get(
            path, params=params, headers={**self.headers(actor), **self.reading()}
        )


def sign_in(client: TestClient, secret: str) -> None:
    """Sign in to the workspace through its form with the token ``secret``, in place of
    any earlier session (its cookie cleared first); the form answers 303."""
    client.cookies.clear()
    answer = client.post("/sign-in", data={"token": secret, "next": "/"}, follow_redirects=False)
    assert answer.status_code == 303


def staff_for(steps: Iterable[Step]) -> list[Step]:
    """HR founds the register, then enrols everyone acting in ``steps`` with the roles
    they act under (ids from their names, as in ``tests.builders.person``): Dan Director
    first, approving his own entry as the register's first sales director, then everyone
    else under exceptions he approves."""
    roles: dict[str, list[Role]] = {DAN.name: [Role.SALES_DIRECTOR]}
    for _, actor in steps:
        held = roles.setdefault(actor.name, [])
        if actor.role not in held:
            held.append(actor.role)
    enrolments = [pb.enrol(pb.HANNA.name, Role.HR, founder=True)]
    for name, held in roles.items():
        if name != pb.HANNA.name:
            enrolments.append(pb.enrol(name, held[0], roles=tuple(held[1:]), approver=DAN))
    return enrolments


@contextmanager
def web_on(
    url: str, open_breaches: BreachProvider | None = None, settings: Settings | None = None
) -> Iterator[Web]:
    system = build_system(url, extra_transcodings=FREEZEGUN_TRANSCODINGS)
    web = Web(system, open_breaches, settings)
    try:
        with web.client:
            yield web
    finally:
        system.close()


def founded(web: Web, steps: Iterable[Step]) -> None:
    """Found the staff register through the API (the founder's token first) and enrol
    everyone acting in ``steps``."""
    web.token(pb.HANNA, founder=True)
    for command, actor in staff_for(steps):
        web.send(command, actor)


@contextmanager
def web_with_alice(url: str) -> Iterator[Web]:
    """``web_on(url)`` with the staff register founded and Alice Rep enrolled, as a
    sales representative, ready to send her commands."""
    with web_on(url) as web:
        founded(web, [(register(), ALICE)])
        yield web


@contextmanager
def served_staff(url: str, steps: Iterable[Step]) -> Iterator[tuple[System, str, Web]]:
    """The system on ``url``, its staff register founded for everyone acting in ``steps``
    through a client that does not follow, served by uvicorn (following) on a free
    loopback port until the block ends: the system, its address and that client."""
    system = build_system(url)
    try:
        staff = Web(system, settings=Settings(follow=False))
        founded(staff, steps)
        with serving(create_app(system, settings=Settings(follow=True))) as port:
            yield system, f"http://127.0.0.1:{port}", staff
    finally:
        system.close()


def free_port() -> int:
    """A loopback port nothing listens on (for now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(app: FastAPI) -> Iterator[int]:
    """``app`` served by uvicorn in a thread on a free loopback port, until the block ends;
    the port."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.started, "uvicorn did not start"
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=30)


ServedT = TypeVar("ServedT")
SERVED_STORES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
"""The stores a served API runs on: a module fixture's ``params``."""


def served_on(
    store: str, folder: Path, serve: Callable[[str, Path], Iterator[ServedT]]
) -> Iterator[ServedT]:
    """What ``serve(url, folder)`` yields, over a SQLite file in ``folder`` or a fresh
    PostgreSQL schema (``store``: one of ``SERVED_STORES``)."""
    if store == "sqlite":
        yield from serve(f"sqlite:///{folder}/events.db", folder)
    else:
        with postgres_schema() as url:
            yield from serve(url, folder)
