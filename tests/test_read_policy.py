"""Who may see what (ADR 30): the read policy per role and view, through the web API,
which answers what the library's queries answer for the same reader; on every store.

The company: Hanna (HR), Dan (sales director), Mia (sales manager, team East) with
Alice and Bob (representatives, East) reporting to her, Wes (representative, West)
reporting to Dan, Pat (production), Cleo (compliance reviewer).  Alice and Wes each
register a customer and open a deal."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from freezegun import freeze_time

from salesdomain.access import READ_POLICY, Reader, StaffMember
from salesdomain.people import commands as hc
from salesdomain.people.values import LeavingReason
from salesdomain.sop import Role
from salesdomain.values import Actor
from tests import builders as b
from tests import order_builders as ob
from tests import people_builders as pb
from tests.web_support import Web, founded, web_on

NOW = "2026-03-02 09:00:00+00:00"
HANNA = pb.HANNA
DAN = b.DAN
MIA = b.MIA
ALICE = b.ALICE
BOB = b.BOB
WES = b.person("Wes Rep", Role.SALES_REPRESENTATIVE)
PAT = b.PAT
CLEO = b.person("Cleo Compliance", Role.COMPLIANCE_REVIEWER)
ALICE_DEAL = UUID("00000000-0000-4000-8000-00000000a11c")
WES_DEAL = UUID("00000000-0000-4000-8000-0000000000e5")
WES_CUSTOMER = b.register("Xi'an Pump Works", "91610100MA6UXX0001", region="West China")


def _company() -> list[tuple[Any, Actor]]:
    mia, dan = MIA.employee_id, DAN.employee_id
    return [
        pb.enrol(HANNA.name, Role.HR, team="HR", founder=True),
        pb.enrol(DAN.name, Role.SALES_DIRECTOR, team="Sales", approver=DAN),
        pb.enrol(MIA.name, Role.SALES_MANAGER, dan, team="East"),
        pb.enrol(ALICE.name, Role.SALES_REPRESENTATIVE, mia, team="East", salary="13000"),
        pb.enrol(BOB.name, Role.SALES_REPRESENTATIVE, mia, team="East"),
        pb.enrol(WES.name, Role.SALES_REPRESENTATIVE, dan, team="West"),
        pb.enrol(PAT.name, Role.PRODUCTION, team="Plant"),
        pb.enrol(CLEO.name, Role.COMPLIANCE_REVIEWER, team="Compliance"),
    ]


def _deals() -> list[tuple[Any, Actor]]:
    alice_customer = b.customer_id(b.register())
    return [
        *b.qualified_customer(b.register(), by=ALICE),
        (b.open_opportunity(alice_customer, ALICE_DEAL), ALICE),
        (b.log_visit(ALICE_DEAL), ALICE),
        *b.qualified_customer(WES_CUSTOMER, by=WES),
        (b.open_opportunity(b.customer_id(WES_CUSTOMER), WES_DEAL), WES),
        (b.log_visit(WES_DEAL), WES),
    ]


def alice_raise() -> hc.ChangePay:
    """Alice's pay raised to 14,000 CNY (sent by Dan, the sales director)."""
    return hc.ChangePay(
        employee_id=ALICE.employee_id,
        salary=b.money("14000"),
        effective=b.TODAY,
        reason="Annual review",
    )


@pytest.fixture
def company(store_url: str) -> Iterator[Web]:
    with freeze_time(NOW), web_on(store_url) as web:
        web.token(HANNA, founder=True)
        for command, actor in [*_company(), *_deals()]:
            web.send(command, actor)
        yield web


def _deals_seen(web: Web, actor: Actor) -> set[str]:
    answer = web.get("/views/pipeline", actor)
    assert answer.status_code == 200, answer.json()
    return {row["opportunity_id"] for row in answer.json()["rows"]}


@pytest.mark.parametrize(
    ("who", "deals"),
    [
        (ALICE, {ALICE_DEAL}),
        (BOB, set()),
        (WES, {WES_DEAL}),
        (MIA, {ALICE_DEAL}),
        (DAN, {ALICE_DEAL, WES_DEAL}),
        (CLEO, {ALICE_DEAL, WES_DEAL}),
        (HANNA, set()),
        (PAT, set()),
    ],
    ids=lambda value: getattr(value, "name", None),
)
def test_each_role_sees_the_deals_its_reach_covers(
    company: Web, who: Actor, deals: set[UUID]
) -> None:
    with freeze_time(NOW):
        assert _deals_seen(company, who) == {str(deal) for deal in deals}


def _lines(web: Web, actor: Actor, **params: str) -> list[dict[str, Any]]:
    answer = web.get("/views/audit", actor, **params)
    assert answer.status_code == 200, answer.json()
    entries: list[dict[str, Any]] = answer.json()["entries"]
    return entries


def _alice_pay_change(web: Web, actor: Actor) -> list[str]:
    lines = _lines(web, actor, aggregate_id=str(ALICE.employee_id))
    return [e["description"] for e in lines if e["event_type"] == "PayChanged"]


def test_pay_is_shown_to_hr_the_reviewer_the_approver_and_the_employee_only(
    company: Web,
) -> None:
    with freeze_time(NOW):
        company.send(alice_raise(), DAN)
        for reader in (HANNA, CLEO, ALICE, DAN):
            (line,) = _alice_pay_change(company, reader)
            assert "14,000.00 CNY" in line, reader.name
        (hidden,) = _alice_pay_change(company, MIA)  # her manager sees the record, not the pay
        assert "14,000" not in hidden
        assert "pay figures, which are confidential" in hidden
        assert _alice_pay_change(company, BOB) == []  # a colleague sees nothing of it
        assert _alice_pay_change(company, WES) == []


def test_the_audit_trail_holds_only_records_the_reader_may_see(company: Web) -> None:
    with freeze_time(NOW):
        alice = _lines(company, ALICE)
        assert {e["aggregate_id"] for e in alice if e["aggregate_type"] == "Opportunity"} == {
            str(ALICE_DEAL)
        }
        assert {e["aggregate_type"] for e in _lines(company, HANNA)} <= {
            "StaffRegister",
            "Employee",
        }
        everything = _lines(company, CLEO, limit="10000")
        assert len(everything) > len(_lines(company, DAN, limit="10000")) > len(alice)
        assert _lines(company, PAT, aggregate_id=str(ALICE_DEAL)) == []


def test_kpis_by_rep_are_the_reader_s_own_or_their_team_s(company: Web) -> None:
    with freeze_time(NOW):
        for actor, reps in ((ALICE, {ALICE}), (MIA, {ALICE}), (WES, {WES}), (DAN, {ALICE, WES})):
            rows = company.get("/views/kpi", actor, by="rep", grain="quarter").json()["rows"]
            assert {row["group"] for row in rows} == {str(rep.employee_id) for rep in reps}
        teams = company.get("/views/kpi", ALICE, by="team", grain="quarter").json()["rows"]
        assert {row["group"] for row in teams} <= {"East"}


def test_someone_who_left_reads_nothing(company: Web) -> None:
    with freeze_time(NOW):
        company.token(WES)  # issued while he works here
        leaving = hc.RecordLeaving(
            employee_id=WES.employee_id, reason=LeavingReason.RESIGNED, last_day=b.TODAY
        )
        company.send(leaving, HANNA)
        for path in ("/views/pipeline", "/views/audit", "/views/kpi", "/me"):
            answer = company.get(path, WES)
            assert answer.status_code == 401, path
            assert "has left the company" in answer.json()["message"]


def test_a_token_is_refused_once_its_role_is_revoked(company: Web) -> None:
    with freeze_time(NOW):
        company.token(MIA)
        company.send(hc.GrantRole(employee_id=MIA.employee_id, role=Role.SALES_SUPERVISOR), HANNA)
        company.send(hc.RevokeRole(employee_id=MIA.employee_id, role=Role.SALES_MANAGER), HANNA)
        answer = company.get("/views/pipeline", MIA)
        assert answer.status_code == 401
        assert "does not hold the role sales_manager" in answer.json()["message"]


def test_a_token_expires(company: Web) -> None:
    with freeze_time(NOW):
        secret = company.tokens.issue(ALICE, lifetime=timedelta(days=1)).secret
        mine = {"Authorization": f"Bearer {secret}"}
        assert company.client.get("/me", headers=mine).status_code == 200
    with freeze_time("2026-03-03 09:00:01+00:00"):
        answer = company.client.get("/me", headers=mine)
        assert answer.status_code == 401
        assert "expired" in answer.json()["message"]


def test_a_read_only_token_reads_and_sends_no_command(company: Web) -> None:
    with freeze_time(NOW):
        secret = company.tokens.issue(ALICE, read_only=True).secret
        mine = {"Authorization": f"Bearer {secret}"}
        assert company.client.get("/views/pipeline", headers=mine).status_code == 200
        command = b.log_visit(ALICE_DEAL).model_dump(mode="json")
        answer = company.client.post("/commands/LogContact", json=command, headers=mine)
        assert answer.status_code == 403
        assert answer.json()["kind"] == "read_only"


def test_the_reviewer_reads_everything_and_performs_no_step(company: Web) -> None:
    with freeze_time(NOW):
        answer = company.post(b.log_visit(ALICE_DEAL), CLEO)
        assert answer.status_code == 403
        assert answer.json()["kind"] == "not_authorised"


def test_every_role_has_a_read_grant() -> None:
    assert set(READ_POLICY) == set(Role)


def test_reach_is_resolved_from_the_directory() -> None:
    staff = [
        StaffMember("dan", "Sales", None, True),
        StaffMember("mia", "East", "dan", True),
        StaffMember("alice", "East", "mia", True),
        StaffMember("eve", "East", None, True),  # in Mia's team, reporting to nobody
        StaffMember("wes", "West", "dan", True),
    ]
    mia = Reader.of("mia", Role.SALES_MANAGER, staff)
    assert mia.sales == {"mia", "alice", "eve"}
    assert mia.appraisals == {"mia", "alice"}  # her reports' appraisals, not her team's
    assert mia.pay == {"mia"}
    dan = Reader.of("dan", Role.SALES_DIRECTOR, staff)
    assert dan.sales is None  # every deal
    assert dan.appraisals == {"dan", "mia", "alice", "wes"}
    assert Reader.of("alice", Role.SALES_REPRESENTATIVE, staff).sales == {"alice"}
    assert Reader.of("hanna", Role.HR, staff).sales == frozenset()


@freeze_time(NOW)
def test_departments_read_the_orders_they_work_on_representatives_their_own(
    store_url: str,
) -> None:
    """Operations views: production reads the orders it holds a task on, procurement
    without a task none, the owning representative theirs, another representative none."""
    opportunity, contract = uuid4(), uuid4()
    steps = ob.entered_order(opportunity, contract)
    order = ob.order_of(contract)
    with web_on(store_url) as web:
        founded(web, [*steps, (b.register(), PAT), (b.register(), b.QUINN), (b.register(), BOB)])
        for command, actor in steps:
            web.send(command, actor)
        web.send(ob.task(order), ALICE)  # to Pat, production
        for who, sees in (
            (PAT, {str(order)}),
            (b.QUINN, set()),
            (ALICE, {str(order)}),
            (BOB, set()),
        ):
            answer = web.get("/views/operations/tasks", who)
            assert answer.status_code == 200, answer.json()
            assert {row["order_id"] for row in answer.json()["rows"]} == sees, who.name
