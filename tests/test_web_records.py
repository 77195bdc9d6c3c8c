"""Records found and shown on the web (issue 19, ADR 59): ``/records/{kind}`` paged by
cursor as the reader may see it, ``/records/{kind}/{id}`` with its history; an unknown
kind or record is a 404 naming it, a bad cursor or an offset a 422; on every store."""

from __future__ import annotations

import pytest

from tests import test_read_policy
from tests.test_read_policy import ALICE, ALICE_DEAL, DAN, HANNA, WES, WES_DEAL
from tests.web_support import Web

company = test_read_policy.company
"""The read policy's company (``test_read_policy``): Alice and Wes each with a deal."""


def test_a_list_is_paged_by_cursor_without_a_row_twice_or_missed(company: Web) -> None:
    first = company.get("/records/employees", HANNA, limit=3)
    assert first.status_code == 200, first.json()
    rows = first.json()["rows"]
    cursor = first.json()["next_cursor"]
    while cursor is not None:
        answer = company.get("/records/employees", HANNA, limit=3, cursor=cursor)
        assert answer.status_code == 200, answer.json()
        rows += answer.json()["rows"]
        cursor = answer.json()["next_cursor"]
    names = [row["name"] for row in rows]
    assert len(names) == len(set(names)) == 8
    assert names == sorted(names, key=str.casefold)
    assert all(len(row["id"]) == 36 for row in rows)


@pytest.mark.parametrize(
    ("who", "deals"),
    [(ALICE, {ALICE_DEAL}), (WES, {WES_DEAL}), (DAN, {ALICE_DEAL, WES_DEAL}), (HANNA, set())],
    ids=lambda value: getattr(value, "name", None),
)
def test_each_reader_lists_the_records_the_policy_lets_them_see(
    company: Web, who: object, deals: set[object]
) -> None:
    answer = company.get("/records/opportunities", who)
    assert answer.status_code == 200, answer.json()
    assert {row["id"] for row in answer.json()["rows"]} == {str(deal) for deal in deals}


def test_a_search_and_a_status_filter(company: Web) -> None:
    found = company.get("/records/customers", DAN, search="pump works", status="qualified")
    assert [row["name"] for row in found.json()["rows"]] == ["Xi'an Pump Works"]
    wrong = company.get("/records/customers", DAN, status="won")
    assert wrong.status_code == 422
    assert [p["field"] for p in wrong.json()["details"]] == ["status"]


def test_a_record_is_shown_with_its_history_to_those_who_may_read_it(company: Web) -> None:
    mine = company.get(f"/records/opportunity/{ALICE_DEAL}", ALICE)
    assert mine.status_code == 200, mine.json()
    body = mine.json()
    assert (body["kind"], body["id"]) == ("Opportunity", str(ALICE_DEAL))
    assert body["state"]["title"]
    assert len(body["history"]) == body["version"]
    then = company.get(
        f"/records/opportunities/{ALICE_DEAL}", ALICE, as_of="2026-03-02T08:00:00+00:00"
    )
    assert then.status_code == 404, then.json()
    not_theirs = company.get(f"/records/opportunities/{WES_DEAL}", ALICE)
    assert not_theirs.status_code == 404
    assert not_theirs.json()["kind"] == "record_not_found"


def test_pay_in_an_employee_record_is_withheld_from_who_may_not_see_it(company: Web) -> None:
    alice = ALICE.employee_id
    hr = company.get(f"/records/employee/{alice}", HANNA).json()
    assert hr["state"] is not None
    own = company.get(f"/records/employee/{alice}", ALICE).json()
    assert own["state"] is not None
    manager = company.get(f"/records/employee/{alice}", DAN).json()  # she reports to him
    assert manager["state"] is None, manager
    assert "pay figures" in manager["withheld"]
    assert len(manager["history"]) == len(own["history"])
    assert company.get(f"/records/employee/{alice}", WES).status_code == 404


def test_an_unknown_kind_a_bad_cursor_or_an_offset_are_refused_naming_them(company: Web) -> None:
    unknown = company.get("/records/invoices", DAN)
    assert unknown.status_code == 404
    assert "'invoices'" in unknown.json()["message"]
    bad = company.get("/records/customers", DAN, cursor="r1.garbage")
    assert bad.status_code == 422
    assert [p["field"] for p in bad.json()["details"]] == ["cursor"]
    for path in ("/records/customers", "/views/customers", "/views/pipeline"):
        offset = company.get(path, DAN, offset=10)
        assert offset.status_code == 422, path
        assert [p["field"] for p in offset.json()["details"]] == ["offset"]
