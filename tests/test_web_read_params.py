"""Every read's parameters are bounded: dates and times within salesdomain.bounds, KPI
tables of at most PERIOD_LIMIT periods, text filters a name long, steps shaped as
steps; outside, 422 ``invalid_request`` naming the parameter (never a 500, never the
wrong parameter).  At the bounds themselves, every read answers on every store."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from freezegun import freeze_time
from salesdomain.projections.kpi.periods import PERIOD_LIMIT

from tests import builders as b
from tests.web_support import Web, web_on, web_with_alice

NOW = "2026-03-02 09:00:00+00:00"
FIRST, LAST = "1900-01-01T00:00:00Z", "2199-12-31T23:59:59.999999Z"


@pytest.fixture
def web(store_url: str) -> Iterator[Web]:
    with freeze_time(NOW), web_with_alice(store_url) as web:
        web.send(b.register(), b.ALICE)
        yield web


def _refused(web: Web, path: str, **params: Any) -> list[str]:
    response = web.get(path, b.ALICE, **params)
    assert response.status_code == 422, (path, params, response.text)
    body = response.json()
    assert body["kind"] == "invalid_request"
    assert "\n" not in body["message"]
    fields: list[str] = [p["field"] for p in body["details"]]
    return fields


@freeze_time(NOW)
def test_dates_and_times_outside_the_bounds_are_refused_naming_the_parameter(web: Web) -> None:
    for path, name in (
        ("/views/kpi", "since"),
        ("/views/kpi", "until"),
        ("/views/audit", "since"),
        ("/views/audit", "until"),
        ("/views/pipeline", "as_of"),
        ("/views/pipeline/summary", "as_of"),
        ("/views/operations/tasks", "as_at"),
        ("/views/operations/inspections", "as_at"),
        ("/views/operations/shipments", "as_at"),
        ("/views/operations/service-cases", "as_at"),
        ("/views/breaches", "as_at"),
    ):
        is_day = path == "/views/kpi"
        for value in (
            ("0001-01-01", "9999-12-01", "1899-12-31", "2200-01-01")
            if is_day
            else ("0001-01-01T00:00:00Z", "9999-12-31T23:59:59-23:00", "2200-01-01T00:00:00Z")
        ):
            assert _refused(web, path, **{name: value}) == [name], (path, value)


@freeze_time(NOW)
def test_kpi_periods_currency_and_order_are_checked(web: Web) -> None:
    days = {"grain": "day", "since": "1900-01-01", "until": "2199-12-31"}
    assert _refused(web, "/views/kpi", **days) == ["until"]
    message = web.get("/views/kpi", b.ALICE, **days).json()["message"]
    assert f"more than {PERIOD_LIMIT:,} periods" in message
    assert _refused(web, "/views/kpi", since="2026-03-01", until="2026-02-01") == ["until"]
    assert _refused(web, "/views/kpi", currency="XYZ") == ["currency"]
    assert _refused(web, "/views/kpi", currency="cny") == ["currency"]
    assert _refused(web, "/views/kpi", grain="week") == ["grain"]
    assert _refused(web, "/views/kpi", by="colour") == ["by"]


@freeze_time(NOW)
def test_filters_ids_steps_and_limits_are_checked(web: Web) -> None:
    assert _refused(web, "/views/pipeline", team="x" * 201) == ["team"]
    assert _refused(web, "/views/pipeline", owner_id="alice") == ["owner_id"]
    assert _refused(web, "/views/pipeline/summary", stage="won-ish") == ["stage"]
    for step in ("2.3\x00", "2.3%", "2.", "x", "1.2.3.4.5"):
        assert _refused(web, "/views/audit", sop_step=step) == ["sop_step"], step
    assert _refused(web, "/views/audit", limit=0) == ["limit"]
    assert _refused(web, "/views/audit", limit=10_001) == ["limit"]
    assert _refused(web, "/views/operations/tasks", owner_id="x") == ["owner_id"]
    assert _refused(web, "/views/operations/service-cases", open_only="perhaps") == ["open_only"]
    assert _refused(web, "/views/customers", name="x" * 201) == ["name"]
    assert _refused(web, "/views/customers", name="") == ["name"]
    assert _refused(web, "/views/customers", owner_id="alice") == ["owner_id"]
    assert _refused(web, "/views/customers", status="lapsed") == ["status"]


@freeze_time(NOW)
def test_every_read_answers_at_the_bounds(web: Web) -> None:
    for path, params in (
        ("/views/kpi", {"grain": "year", "since": "1900-01-01", "until": "2199-12-31"}),
        ("/views/kpi", {"grain": "month", "since": "1900-01-01", "until": "2199-12-31"}),
        ("/views/audit", {"since": FIRST, "until": LAST, "sop_step": "2.1"}),
        ("/views/pipeline", {"as_of": FIRST}),
        ("/views/pipeline/summary", {"as_of": LAST}),
        ("/views/operations/tasks", {"as_at": LAST}),
        ("/views/operations/inspections", {"as_at": FIRST}),
        ("/views/operations/shipments", {"as_at": LAST}),
        ("/views/operations/service-cases", {"as_at": LAST}),
    ):
        response = web.get(path, b.ALICE, **params)
        assert response.status_code == 200, (path, params, response.text)
    monthly = web.get("/views/kpi", b.ALICE, grain="month", since="1900-01-01", until="2199-12-31")
    assert len(monthly.json()["rows"]) == 300 * 12
    trail = web.get("/views/audit", b.ALICE, since=FIRST, until=LAST, sop_step="2.1").json()
    assert trail["entries"]
    assert {e["sop_step"] for e in trail["entries"]} == {"2.1.2"}


def test_the_schema_documents_the_bounds_and_every_error_status() -> None:
    with web_on("memory://") as web:
        schema = web.client.get("/openapi.json").json()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            documented = set(operation["responses"])
            plain = path in ("/dashboard", "/health", "/ready")  # no token, no parameter
            wanted = {"400", "413"} | ({"401", "422", "503"} if not plain else set())
            assert wanted <= documented, (method, path, documented)
    assert "Retry-After" in schema["paths"]["/views/kpi"]["get"]["responses"]["503"]["headers"]
    assert "not_ready" in schema["paths"]["/ready"]["get"]["responses"]["503"]["description"]
    kpi = {p["name"]: p for p in schema["paths"]["/views/kpi"]["get"]["parameters"]}
    assert "from 1900-01-01 to 2199-12-31" in kpi["since"]["description"]
    audit = {p["name"]: p for p in schema["paths"]["/views/audit"]["get"]["parameters"]}
    assert "from 1900-01-01 to 2199-12-31" in audit["since"]["description"]
    assert audit["limit"]["schema"]["maximum"] == 10_000
    row = schema["components"]["schemas"]["PipelineRow"]["properties"]
    assert row["age"]["type"] == "number"
    assert row["time_in_stage"]["additionalProperties"]["type"] == "number"
