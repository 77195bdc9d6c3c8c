"""Browser sessions (ADR 31): sign in once with an API token, then an HttpOnly,
SameSite=Strict cookie; CSRF on changes, idle and absolute expiry, sign-out, and a
limit on failed sign-ins; on every store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun import freeze_time
from salesdomain.adapters.web.sessions import ABSOLUTE, ATTEMPTS, COOKIE, IDLE, web_sessions
from sqlalchemy import func, select

from tests import builders as b
from tests.web_support import Web, web_with_alice

NOW = datetime.fromisoformat("2026-03-02 09:00:00+00:00")


@pytest.fixture
def web(store_url: str) -> Iterator[Web]:
    with freeze_time(NOW), web_with_alice(store_url) as served:
        yield served


def _sign_in(web: Web) -> str:
    answer = web.client.post("/session", json={"token": web.token(b.ALICE)})
    assert answer.status_code == 200, answer.json()
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert answer.json()["name"] == "Alice Rep"
    csrf: str = answer.json()["csrf_token"]
    return csrf


def test_a_person_signs_in_once_and_the_cookie_carries_the_session(web: Web) -> None:
    with freeze_time(NOW):
        csrf = _sign_in(web)
        me = web.client.get("/me")  # no Authorization header: the cookie
        assert me.status_code == 200
        assert me.json()["name"] == "Alice Rep"
        assert web.client.get("/session").json()["csrf_token"] == csrf
        assert web.token(b.ALICE) not in str(web.client.cookies.jar)  # not the token itself


def test_a_change_on_a_session_needs_its_csrf_secret(web: Web) -> None:
    with freeze_time(NOW):
        csrf = _sign_in(web)
        command = b.register("Ningbo Gears Ltd.", "91330200MA2XXX0002").model_dump(mode="json")
        refused = web.client.post("/commands/RegisterProspect", json=command)
        assert refused.status_code == 403
        assert refused.json()["kind"] == "csrf_missing"
        forged = web.client.post(
            "/commands/RegisterProspect", json=command, headers={"X-CSRF-Token": "guess"}
        )
        assert forged.status_code == 403
        done = web.client.post(
            "/commands/RegisterProspect", json=command, headers={"X-CSRF-Token": csrf}
        )
        assert done.status_code == 200, done.json()


def test_signing_out_ends_the_session(web: Web) -> None:
    with freeze_time(NOW):
        csrf = _sign_in(web)
        assert web.client.delete("/session").status_code == 403  # sign-out needs CSRF too
        assert web.client.delete("/session", headers={"X-CSRF-Token": csrf}).status_code == 204
        assert web.client.get("/me").status_code == 401


def test_a_session_ends_when_idle_and_after_its_absolute_lifetime(web: Web) -> None:
    with freeze_time(NOW) as clock:
        _sign_in(web)
        clock.tick(IDLE - timedelta(seconds=1))
        assert web.client.get("/me").status_code == 200
        clock.tick(IDLE)
        idle = web.client.get("/me")
        assert idle.status_code == 401
        assert "sign in again" in idle.json()["message"]
    with freeze_time(NOW) as clock:
        _sign_in(web)
        while True:  # kept busy, it still ends 12 hours after sign-in
            clock.tick(IDLE / 2)
            answer = web.client.get("/me")
            if datetime.now(UTC) < NOW + ABSOLUTE:
                assert answer.status_code == 200
                continue
            assert answer.status_code == 401  # the browser drops the cookie then, too
            break


def test_sessions_that_can_never_serve_again_are_deleted_at_the_next_sign_in(web: Web) -> None:
    # Given a session kept in use past its absolute lifetime, one signed out, one left idle
    store = web.client.app.state.context.sessions
    with freeze_time(NOW) as clock:
        _sign_in(web)
        in_use = web.client.cookies[COOKIE]
        _sign_in(web)  # then left idle
        web.client.delete("/session", headers={"X-CSRF-Token": _sign_in(web)})
        web.client.cookies.clear()
        web.client.cookies.set(COOKIE, in_use)
        step, elapsed = IDLE - timedelta(seconds=1), timedelta(0)
        while elapsed < ABSOLUTE - IDLE:
            clock.tick(step)
            elapsed += step
            assert web.client.get("/me").status_code == 200
        clock.tick(IDLE)
        assert _session_rows(store) == 3
        # When someone signs in
        _sign_in(web)
    # Then only the new session's row is left
    assert _session_rows(store) == 1


def _session_rows(store: Any) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(web_sessions)).scalar_one())


def test_a_session_ends_with_its_token(web: Web) -> None:
    with freeze_time(NOW):
        _sign_in(web)
        (info,) = [t for t in web.tokens.list() if t.employee_id == b.ALICE.employee_id]
        web.tokens.revoke(info.token_id)
        assert web.client.get("/me").status_code == 401


def test_failed_sign_ins_are_limited(web: Web) -> None:
    with freeze_time(NOW) as clock:
        for _ in range(ATTEMPTS):
            assert web.client.post("/session", json={"token": "sd_wrong"}).status_code == 401
        blocked = web.client.post("/session", json={"token": web.token(b.ALICE)})
        assert blocked.status_code == 429
        assert blocked.json()["kind"] == "too_many_attempts"
        assert int(blocked.headers["retry-after"]) > 0
        clock.tick(timedelta(minutes=16))
        assert web.client.post("/session", json={"token": web.token(b.ALICE)}).status_code == 200


def test_no_secret_in_an_address() -> None:
    from importlib.resources import files

    script = (files("salesdomain.adapters.web") / "static" / "workspace.js").read_text()
    assert "token=" not in script
    assert "sessionStorage" not in script
    assert "localStorage" not in script
