"""Commands through the web API (real app, real stores): a whole business case, prospect
to completed order, each step a POST of the command's own JSON; the answer names the
events and their log positions, and the views show them at once."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID, uuid4

import pytest
from freezegun import freeze_time

from salesdomain.commands import COMMANDS
from salesdomain.opportunities import commands as oc
from tests import builders as b
from tests import order_builders as ob
from tests import people_builders as pb
from tests.web_support import Web, founded, web_on

NOW = "2026-03-02 09:00:00+00:00"


def _case(opp_id: UUID, contract_id: UUID) -> list[tuple[object, object]]:
    order_id = ob.order_of(contract_id)
    return [
        *ob.entered_order(opp_id, contract_id),
        (ob.task(order_id), b.ALICE),
        (ob.complete_task(order_id), ob.PAT),
        (ob.plan(order_id), ob.PAT),
        *ob.shipped(order_id),
        (ob.confirm(order_id), ob.LOU),
    ]


@freeze_time(NOW)
def test_a_business_case_from_prospect_to_completed_order(store_url: str) -> None:
    opp_id, contract_id = uuid4(), uuid4()
    steps = _case(opp_id, contract_id)
    with web_on(store_url) as web:
        founded(web, steps)
        last = 0
        for command, actor in steps:
            answer = web.send(command, actor)  # type: ignore[arg-type]
            assert answer["command"] == type(command).__name__
            assert answer["command_id"] == str(command.command_id)  # type: ignore[attr-defined]
            assert answer["replayed"] is False
            assert answer["events"], answer
            positions = [event["position"] for event in answer["events"]]
            assert positions == answer["positions"]
            assert positions == sorted(positions)
            assert positions[0] > last
            last = positions[-1]
        kinds = {e["event_type"] for e in answer["events"]}
        assert "Completed" in kinds  # the receipt completed the order (2.5.4)
        trail = web.get("/views/audit", b.MIA, correlation_id=str(opp_id)).json()
        assert trail["position"] >= last  # read-your-writes: the views caught up first
        steps_seen = {entry["sop_step"] for entry in trail["entries"]}
        assert {"2.1.3", "2.3.2", "2.4.1", "2.4.2", "2.4.3", "2.5.1", "2.5.4"} <= steps_seen
        (row,) = web.get("/views/pipeline", b.MIA).json()["rows"]
        assert (row["opportunity_id"], row["stage"], row["amount"]) == (
            str(opp_id),
            "won",
            "100000.00",
        )


def test_a_quote_names_the_discount_approval_it_relies_on(store_url: str) -> None:
    reg, opp = b.register(), uuid4()
    approve = oc.ApproveDiscount(opportunity_id=opp, comments="Strategic account")
    steps = [
        *b.qualified_customer(reg),
        *b.through_acknowledged(opp, b.customer_id(reg)),
        (b.quote(opp), b.ALICE),
        (b.request_discount(opp, "880"), b.ALICE),
        (approve, b.MIA),
    ]
    with freeze_time(NOW) as frozen, web_on(store_url) as web:
        founded(web, steps)
        for command, actor in steps:
            web.send(command, actor)
        frozen.move_to("2026-03-03 09:00:00+00:00")  # the next day, no validity date
        quote = b.quote(opp, "880", valid_days=None)
        assert web.post(quote, b.ALICE).status_code == 409  # no approval named
        issued = web.post(quote, b.ALICE, approval_id=1)
        assert issued.status_code == 200, issued.json()
        again = web.post(b.quote(opp, "880", valid_days=None), b.ALICE, approval_id=1)
        assert again.status_code == 409
        assert "discount approval #1 was used by quote version 2" in again.json()["message"]


@freeze_time(NOW)
def test_the_same_command_again_is_replayed_and_records_nothing(store_url: str) -> None:
    reg = b.register()
    with web_on(store_url) as web:
        founded(web, [(reg, b.ALICE)])
        first = web.send(reg, b.ALICE)
        again = web.send(reg, b.ALICE)
        assert again["replayed"] is True
        assert again["positions"] == first["positions"] != []  # the first send's
        assert again["events"][0]["position"] == first["events"][0]["position"]
        assert [e["aggregate_id"] for e in again["events"]] == [
            e["aggregate_id"] for e in first["events"]
        ]
        entries = web.get("/views/audit", b.ALICE, sop_step="2.1.2").json()["entries"]
        assert [e["position"] for e in entries] == first["positions"]


@pytest.fixture(scope="module")
def bare_web() -> Iterator[Web]:
    with web_on("memory://") as web:
        web.token(pb.HANNA, founder=True)
        yield web


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_its_route_and_refuses_unknown_fields(bare_web: Web, name: str) -> None:
    """Each command's route is wired to its own model: an unknown field and every
    required field are named (422), before anything is handled."""
    model = COMMANDS[name]
    required = {n for n, f in model.model_fields.items() if f.is_required()}
    response = bare_web.client.post(
        f"/commands/{name}", json={"not_a_field": 1}, headers=bare_web.headers(pb.HANNA)
    )
    assert response.status_code == 422
    body = response.json()
    assert body["kind"] == "invalid_command"
    assert {p["field"] for p in body["details"]} == required | {"not_a_field"}
    assert name in body["message"]
    assert "not_a_field" in body["message"]
