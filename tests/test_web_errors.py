"""Every refusal of the web API has its status and a body naming the field or SOP rule;
nothing is stored by a refused command (real app, real stores)."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID, uuid4

import pytest
from freezegun import freeze_time
from salesdomain.adapters.bootstrap import build_system
from salesdomain.adapters.web.errors import DOMAIN_STATUSES

from salesdomain.commands import build_command
from salesdomain.errors import InvalidCommand, report_of
from salesdomain.rules import rule_named
from salesdomain.sop import Role
from tests import builders as b
from tests import people_builders as pb
from tests.conftest import FREEZEGUN_TRANSCODINGS
from tests.spec import log_position
from tests.web_support import Web, founded, web_on

NOW = "2026-03-02 09:00:00+00:00"


@pytest.fixture
def web(store_url: str) -> Iterator[Web]:
    with freeze_time(NOW), web_on(store_url) as web:
        founded(web, [(b.register(), b.ALICE), (b.confirm(uuid4()), b.PAT)])
        yield web


def _refused(web: Web, response: object, status: int, kind: str) -> dict[str, object]:
    """The response is a refusal of ``status``/``kind`` with a one-line message."""
    assert response.status_code == status, response.json()  # type: ignore[attr-defined]
    body: dict[str, object] = response.json()  # type: ignore[attr-defined]
    assert body["kind"] == kind
    assert isinstance(body["message"], str)
    assert body["message"]
    assert "\n" not in body["message"]
    assert {"sop_step", "rule_id", "details"} <= set(body)  # one shape (ADR 60)
    assert isinstance(body["details"], list)
    return body


def _fields(body: dict[str, object]) -> list[str]:
    details = body["details"]
    assert isinstance(details, list)
    return [problem["field"] for problem in details]


def _opened(web: Web) -> tuple[UUID, UUID]:
    reg, opp = b.register(), uuid4()
    cid = b.customer_id(reg)
    for command, actor in [*b.qualified_customer(reg), (b.open_opportunity(cid, opp), b.ALICE)]:
        web.send(command, actor)
    return cid, opp


@freeze_time(NOW)
def test_no_unknown_or_revoked_token_is_401(web: Web) -> None:
    command = b.register().model_dump(mode="json")
    path = "/commands/RegisterProspect"
    body = _refused(web, web.client.post(path, json=command), 401, "unauthenticated")
    assert "Authorization: Bearer" in str(body["message"])
    unknown = {"Authorization": "Bearer sd_not-a-token"}
    response = web.client.post(path, json=command, headers=unknown)
    assert response.headers["WWW-Authenticate"] == "Bearer"
    _refused(web, response, 401, "unauthenticated")
    headers = web.headers(b.ALICE)
    (info,) = [t for t in web.tokens.list() if t.employee_id == b.ALICE.employee_id]
    web.tokens.revoke(info.token_id)
    body = _refused(
        web, web.client.post(path, json=command, headers=headers), 401, "unauthenticated"
    )
    assert "revoked" in str(body["message"])
    _refused(web, web.client.get("/views/pipeline", headers=headers), 401, "unauthenticated")


@freeze_time(NOW)
def test_a_role_that_may_not_perform_the_step_is_403(web: Web) -> None:
    before = log_position(web.system.app)
    response = web.post(pb.enrol("Nora New", Role.SALES_REPRESENTATIVE)[0], b.ALICE)
    body = _refused(web, response, 403, "not_authorised")
    assert body["sop_step"] == "3.1.4"
    assert "Alice Rep" in str(body["message"])
    assert log_position(web.system.app) == before


@freeze_time(NOW)
def test_a_broken_sop_rule_is_409_naming_the_step_and_rule(web: Web) -> None:
    _, opp = _opened(web)
    before = log_position(web.system.app)
    body = _refused(web, web.post(b.quote(opp), b.ALICE), 409, "sop_rule_violation")
    assert str(body["sop_step"]) in str(body["message"])
    assert str(body["rule"]) in str(body["message"])
    assert body["rule_id"] == "quote_for_acknowledged_solution"
    assert rule_named(str(body["rule_id"])).text == body["rule"]
    assert log_position(web.system.app) == before


@freeze_time(NOW)
def test_the_same_company_twice_is_409_already_registered(web: Web) -> None:
    cid, _ = _opened(web)
    again = b.register()  # the same company, a new command id
    body = _refused(web, web.post(again, b.ALICE), 409, "already_registered")
    assert (body["sop_step"], body["existing_id"]) == ("2.1.2", str(cid))
    assert body["rule_id"] == "company_registered_once"
    assert "must not be registered twice" in str(body["message"])


@freeze_time(NOW)
def test_a_new_record_under_a_taken_id_is_409(web: Web) -> None:
    cid, opp = _opened(web)
    body = _refused(
        web, web.post(b.open_opportunity(cid, opp), b.ALICE), 409, "record_already_exists"
    )
    assert body["record_id"] == str(opp)


@freeze_time(NOW)
def test_a_command_id_reused_for_other_content_is_409(web: Web) -> None:
    _, opp = _opened(web)
    first = b.log_visit(opp)
    web.send(first, b.ALICE)
    other = b.log_visit(opp).model_copy(update={"command_id": first.command_id})
    other = other.model_copy(update={"contact": other.contact.model_copy(update={"notes": "x"})})
    body = _refused(web, web.post(other, b.ALICE), 409, "command_id_reused")
    assert body["command_id"] == str(first.command_id)


@freeze_time(NOW)
def test_a_command_about_an_unknown_record_is_404(web: Web) -> None:
    missing = UUID(int=1)
    body = _refused(web, web.post(b.log_visit(missing), b.ALICE), 404, "record_not_found")
    assert body["record_id"] == str(missing)
    assert str(missing) in str(body["message"])


@freeze_time(NOW)
def test_invalid_data_is_422_naming_every_bad_field(web: Web) -> None:
    _, opp = _opened(web)
    body = b.quote(opp).model_dump(mode="json")
    body["lines"][0]["quantity"] = "-3"
    body["delivery_date"] = "someday"
    response = web.client.post("/commands/IssueQuote", json=body, headers=web.headers(b.ALICE))
    refused = _refused(web, response, 422, "invalid_command")
    assert {"lines.0.quantity", "delivery_date"} <= set(_fields(refused))
    assert "lines.0.quantity" in str(refused["message"])


@freeze_time(NOW)
def test_a_bad_read_parameter_is_422_and_an_unknown_path_404(web: Web) -> None:
    response = web.get("/views/audit", b.ALICE, aggregate_id="not-an-id", since="2026-03-01")
    body = _refused(web, response, 422, "invalid_request")
    assert set(_fields(body)) == {"aggregate_id", "since"}
    response = web.get("/views/kpi", b.ALICE, since="2026-03-01", until="2026-02-01")
    assert _fields(_refused(web, response, 422, "invalid_request")) == ["until"]
    _refused(web, web.get("/commands/NoSuchCommand", b.ALICE), 404, "not_found")


@freeze_time(NOW)
@pytest.mark.parametrize(
    "path",
    [
        "/records/customers",
        "/views/pipeline",
        "/views/customers",
        "/views/prices",
        "/views/due",
        "/views/notifications",
        "/views/operations/tasks",
    ],
)
def test_a_bad_cursor_is_422_naming_cursor_on_every_paged_read(web: Web, path: str) -> None:
    """One entry of the errors mapping answers every list's ``InvalidCursor``."""
    body = _refused(web, web.get(path, b.DAN, cursor="x1.not-a-cursor"), 422, "invalid_request")
    assert _fields(body) == ["cursor"]
    assert str(body["message"]).startswith("cursor: ")


@freeze_time(NOW)
def test_breaches_without_conformance_checks_are_503(web: Web) -> None:
    body = _refused(web, web.get("/views/breaches", b.ALICE), 503, "not_configured")
    assert "not configured" in str(body["message"])


def test_a_rival_writer_winning_every_attempt_is_409_concurrency_conflict(store_url: str) -> None:
    """Another process moves the record on after the web app decided and before it
    saves; with one attempt allowed the command gives up."""
    if store_url.startswith("memory"):
        pytest.skip("an in-memory store is not shared between two systems")
    with freeze_time(NOW), web_on(store_url) as web:
        founded(web, [(b.register(), b.ALICE), (b.confirm(uuid4()), b.PAT)])
        _, opp = _opened(web)
        app = web.system.app
        save = app.save

        def rival_first(*args: object, **kwargs: object) -> object:
            rival = build_system(store_url, extra_transcodings=FREEZEGUN_TRANSCODINGS)
            try:
                rival.app.handle(b.log_visit(opp), b.ALICE)
            finally:
                rival.close()
            before.append(log_position(app))
            return save(*args, **kwargs)

        before: list[int] = []
        app.save = rival_first  # type: ignore[method-assign]
        app.MAX_ATTEMPTS = 1  # type: ignore[misc]
        body = _refused(web, web.post(b.log_visit(opp), b.ALICE), 409, "concurrency_conflict")
        assert body["record_id"] == str(opp)
        assert "send it again" in str(body["message"])
        assert log_position(app) == before[0]


def test_the_domains_invalid_command_is_answered_like_fastapis_validation() -> None:
    """FastAPI validates command bodies itself; a domain ``InvalidCommand`` (as from
    ``handle_data``) gets the same status, kind and field names."""
    body = {"company_name": "", "unknown": 1}
    with pytest.raises(InvalidCommand) as caught:
        build_command("RegisterProspect", body)
    status = DOMAIN_STATUSES[InvalidCommand]
    report = report_of(caught.value)
    with web_on("memory://") as web:
        web.token(pb.HANNA, founder=True)
        response = web.client.post(
            "/commands/RegisterProspect", json=body, headers=web.headers(pb.HANNA)
        )
    assert (status, report.kind) == (response.status_code, response.json()["kind"])
    assert sorted(p.field for p in report.details) == sorted(_fields(response.json()))
    assert "RegisterProspect has invalid data: " in str(caught.value)
    assert response.json()["message"].startswith("RegisterProspect has invalid data: ")


def test_the_openapi_document_declares_the_one_error_shape() -> None:
    """Every error status of a command and a read is declared as ``ErrorReport``
    (ADR 60), its five fields required."""
    with web_on("memory://") as web:
        document = web.client.get("/openapi.json").json()
    schema = document["components"]["schemas"]["ErrorReport"]
    assert {"kind", "message", "sop_step", "rule_id", "details"} <= set(schema["required"])
    for path in ("/commands/RegisterProspect", "/views/pipeline"):
        (operation,) = document["paths"][path].values()
        for status, answer in operation["responses"].items():
            if status.startswith(("4", "5")):
                declared = answer["content"]["application/json"]["schema"]
                assert declared == {"$ref": "#/components/schemas/ErrorReport"}, (path, status)
