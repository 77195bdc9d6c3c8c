"""Views kept up to date by a follower, not by requests (ADR 35): a read shows its view
as it stands, and waits, bounded, only for the position its client asks for; the
follower wakes on PostgreSQL's NOTIFY and polls SQLite; /health and /ready."""

from __future__ import annotations

import threading
import time

import pytest
from salesdomain.adapters.following import AFTER_HEADER, POSITION_HEADER, Follower
from salesdomain.adapters.web.running import Settings

from salesdomain.sop import Role
from tests import people_builders as pb
from tests.conftest import make_system
from tests.web_support import web_on

AWAY = Settings(follow=False, read_wait_seconds=0.2, ready_max_lag=0)
"""A server whose follower runs elsewhere (here: the test, by hand)."""


def _enrolled(web) -> int:  # type: ignore[no-untyped-def]
    web.token(pb.HANNA, founder=True)
    sent = web.post(*pb.enrol(pb.HANNA.name, Role.HR, founder=True))
    assert sent.status_code == 200, sent.json()
    position = int(sent.headers[POSITION_HEADER])
    assert position == max(sent.json()["positions"])
    return position


def test_a_read_shows_its_view_as_it_stands_and_waits_for_the_position_asked(store_url):
    with web_on(store_url, settings=AWAY) as web:
        position = _enrolled(web)
        as_it_stands = web.client.get("/views/audit", headers=web.headers(pb.HANNA))
        assert as_it_stands.status_code == 200
        assert as_it_stands.json()["position"] < position  # no request caught it up

        behind = web.get("/views/audit", pb.HANNA)  # with X-Salesdomain-After
        assert behind.status_code == 503
        assert behind.headers["Retry-After"] == "1"
        body = behind.json()
        assert body["kind"] == "view_behind"
        assert body["after"] == position
        assert body["behind"] == position - body["position"] > 0
        assert body["view"] in body["message"]
        assert "behind position" in body["message"]

        web.system.views.catch_up()  # what the follower elsewhere does
        mine = web.get("/views/audit", pb.HANNA)
        assert mine.status_code == 200, mine.json()
        assert mine.json()["position"] >= position
        assert any(e["event_type"] == "Enrolled" for e in mine.json()["entries"])

        past = web.client.get(
            "/views/audit", headers={**web.headers(pb.HANNA), AFTER_HEADER: str(position + 99)}
        )
        assert past.status_code == 422
        assert past.json()["kind"] == "invalid_request"
        bad = web.client.get("/views/audit", headers={**web.headers(pb.HANNA), AFTER_HEADER: "x"})
        assert bad.status_code == 422


def test_the_follower_in_the_server_shows_a_client_its_own_write(store_url):
    with web_on(store_url, settings=Settings(follow=True)) as web:
        position = _enrolled(web)
        mine = web.get("/views/pipeline", pb.HANNA)
        assert mine.status_code == 200, mine.json()
        assert mine.json()["position"] >= position
        context = web.client.app.state.context  # type: ignore[attr-defined]
        web.get("/views/pipeline", pb.HANNA)
        cached = [k for k in context._readers if k[0] == pb.HANNA.employee_id]
        assert len(cached) == 1  # the reader resolved once at this position


@pytest.mark.parametrize(
    "store_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_follower_takes_up_events_another_process_records(store_url):
    """On PostgreSQL the store's NOTIFY wakes it (its poll is a minute here); SQLite is
    polled."""
    system = make_system(store_url)
    listens = store_url.startswith("postgresql")
    follower = Follower(system.views, system.app, poll_seconds=60 if listens else 0.05)
    assert follower.listens is listens
    rounds = threading.Event()
    follower.on_round = lambda reached: rounds.set()
    follower.start()
    try:
        assert rounds.wait(10)
        time.sleep(0.5)  # the follower waits again (on PostgreSQL, LISTENing)
        result = system.app.handle(*pb.enrol(pb.HANNA.name, Role.HR, founder=True))
        target = max(result.positions)
        started = time.monotonic()
        while system.views.runner("audit").position() < target:
            assert time.monotonic() - started < 10, "the follower did not wake"
            time.sleep(0.02)
    finally:
        follower.stop()
        system.close()


def test_health_and_ready(store_url):
    with web_on(store_url, settings=AWAY) as web:
        health = web.client.get("/health")
        assert (health.status_code, health.json()) == (200, {"status": "ok"})
        ready = web.client.get("/ready")
        assert ready.status_code == 200, ready.json()
        assert ready.json()["ready"] is True
        assert {v["name"] for v in ready.json()["views"]} >= {"audit", "kpi", "pipeline"}

        _enrolled(web)  # the views lag: more than max_lag (0 here) behind
        lagging = web.client.get("/ready")
        assert lagging.status_code == 503
        assert lagging.headers["Retry-After"]
        body = lagging.json()
        assert body["kind"] == "not_ready"
        assert body["max_lag"] == 0
        assert all(v["lag"] > 0 for v in body["views"])
        assert "audit" in body["message"]

        web.system.views.catch_up()
        assert web.client.get("/ready").status_code == 200
