"""The customers view (issue 17): one row per customer with its details, owner and the
status the SOP's events give it, searched by name, region, industry, owner and status,
a page at a time, as the reader may see it; on memory, a SQLite file and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
from freezegun import freeze_time
from salesdomain.projections.customers import (
    CustomerFilter,
    Customers,
    CustomerStatus,
    customers_page,
    iter_customers,
)
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.paging import InvalidCursor
from salesdomain.projections.runner import ProjectionRunner

from salesdomain.access import Reader
from salesdomain.prospecting import commands as pc
from salesdomain.sop import Role
from tests import builders as b

T0 = "2026-03-02 09:00:00+00:00"
AT = datetime(2026, 3, 2, 10, tzinfo=UTC)
"""The moment the first pages are read."""
PROSPECT = b.register("Prospect Co., Ltd.", "", region="North China")
QUALIFIED = b.register("Qualified 100% Co.", "", industry="Textiles")
DISQUALIFIED = b.register("Disqualified Co.", "")
BOUGHT = b.register("Bought Co.", "")
INACTIVE = b.register("Inactive Co.", "")


def _view(app: Any, views: Any) -> ProjectionRunner:
    runner = ProjectionRunner(Customers(), views, ApplicationLog(app))
    runner.catch_up()
    return runner


def _every_kind(app: Any) -> None:
    """One customer of each status; Bob owns the inactive one, Alice the others."""
    cid = b.customer_id
    steps = [
        (PROSPECT, b.ALICE),
        *b.qualified_customer(QUALIFIED),
        *b.qualified_customer(DISQUALIFIED),
        (pc.DisqualifyProspect(customer_id=cid(DISQUALIFIED), reason="No budget"), b.ALICE),
        *b.won_deal(uuid4(), BOUGHT),
        *b.qualified_customer(INACTIVE, by=b.BOB),
        (pc.DeactivateCustomer(customer_id=cid(INACTIVE), reason="Plant closed"), b.BOB),
    ]
    with freeze_time(T0):
        for command, actor in steps:
            app.handle(command, actor)


def _names(page: Any) -> list[str]:
    return [row.company_name for row in page.rows]


def test_each_customer_has_the_status_its_events_give_it(app, views):
    _every_kind(app)
    rows = {row.company_name: row for row in iter_customers(*_engine_tables(_view(app, views)))}
    assert {name: row.status for name, row in rows.items()} == {
        "Prospect Co., Ltd.": CustomerStatus.PROSPECT,
        "Qualified 100% Co.": CustomerStatus.QUALIFIED,
        "Disqualified Co.": CustomerStatus.DISQUALIFIED,
        "Bought Co.": CustomerStatus.CUSTOMER,
        "Inactive Co.": CustomerStatus.INACTIVE,
    }
    inactive = rows["Inactive Co."]
    assert (inactive.owner_id, inactive.owner_name) == (str(b.BOB.employee_id), "Bob Rep")
    assert rows["Bought Co."].last_contact_on == b.TODAY
    assert rows["Prospect Co., Ltd."].last_contact_on is None
    assert rows["Prospect Co., Ltd."].registered_at.isoformat() == "2026-03-02T09:00:00+00:00"


def _engine_tables(runner: ProjectionRunner) -> tuple[Any, Any]:
    return runner.engine, runner.tables()


@pytest.mark.parametrize(
    ("filters", "found"),
    [
        pytest.param({"name": "CO."}, 5, id="name-any-case"),
        pytest.param({"name": "100%"}, 1, id="name-with-a-wildcard-character"),
        pytest.param({"name": "1_0"}, 0, id="underscore-is-no-wildcard"),
        pytest.param({"region": "North China"}, 1, id="region"),
        pytest.param({"industry": "Textiles"}, 1, id="industry"),
        pytest.param({"owner_id": str(b.BOB.employee_id)}, 1, id="owner"),
        pytest.param({"status": CustomerStatus.CUSTOMER}, 1, id="status"),
        pytest.param({"name": "co", "status": CustomerStatus.INACTIVE}, 1, id="name-and-status"),
    ],
)
def test_customers_are_found_by_name_region_industry_owner_and_status(app, views, filters, found):
    _every_kind(app)
    with freeze_time(T0):
        page = customers_page(
            *_engine_tables(_view(app, views)),
            AT,
            filters=CustomerFilter(**filters),
        )
    assert len(page.rows) == found, _names(page)


def test_the_list_follows_a_correction_and_reactivation(app, views):
    _every_kind(app)
    cid = b.customer_id(INACTIVE)
    with freeze_time(T0):
        app.handle(
            pc.CorrectCustomerDetails(
                customer_id=cid, company_name="Renamed Ltd", region="West", reason="Renamed"
            ),
            b.BOB,
        )
        app.handle(pc.ReactivateCustomer(customer_id=cid, reason="Reopened"), b.BOB)
    runner = _view(app, views)
    with freeze_time(T0):
        page = customers_page(*_engine_tables(runner), AT, filters=CustomerFilter("renamed"))
    [row] = page.rows
    assert (row.company_name, row.region, row.status) == (
        "Renamed Ltd",
        "West",
        CustomerStatus.QUALIFIED,
    )


def test_pages_follow_the_names_and_a_cursor_continues_only_its_own_list(app, views):
    _every_kind(app)
    engine, tables = _engine_tables(_view(app, views))
    seen, cursor, at = [], None, AT
    while True:
        page = customers_page(engine, tables, None if cursor else at, limit=2, cursor=cursor)
        assert page.at == at
        seen += _names(page)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == sorted(seen, key=str.casefold)
    assert len(seen) == 5
    first = customers_page(engine, tables, at, limit=1)
    with pytest.raises(InvalidCursor):
        customers_page(
            engine,
            tables,
            None,
            filters=CustomerFilter(region="West"),
            cursor=first.next_cursor,
        )


def test_a_representative_reads_only_the_customers_they_own(app, views):
    _every_kind(app)
    engine, tables = _engine_tables(_view(app, views))
    bob = Reader.of(b.BOB.employee_id, Role.SALES_REPRESENTATIVE, [])
    page = customers_page(engine, tables, AT, reader=bob)
    assert _names(page) == ["Inactive Co."]
    director = Reader.of(b.DAN.employee_id, Role.SALES_DIRECTOR, [])
    assert len(customers_page(engine, tables, AT, reader=director).rows) == 5


def test_a_view_rebuilt_from_the_start_holds_the_same_rows(app, views):
    _every_kind(app)
    runner = _view(app, views)
    before = list(iter_customers(*_engine_tables(runner), page_size=2))
    runner.rebuild()
    assert list(iter_customers(*_engine_tables(runner))) == before


def test_a_later_contact_logged_first_is_still_the_last(app, views):
    opp = uuid4()
    steps = [
        *b.qualified_customer(BOUGHT),
        (b.open_opportunity(b.customer_id(BOUGHT), opp), b.ALICE),
        (b.log_visit(opp, b.TODAY), b.ALICE),
        (b.log_visit(opp, b.TODAY - timedelta(days=3)), b.ALICE),
    ]
    with freeze_time(T0):
        for command, actor in steps:
            app.handle(command, actor)
    [row] = iter_customers(*_engine_tables(_view(app, views)))
    assert row.last_contact_on == b.TODAY


def test_a_merged_record_links_to_its_survivor_which_counts_both(app, views):
    """ADR 47: the duplicate stays, status ``merged`` with its survivor's id and name now;
    the survivor is a customer when the duplicate bought, its last contact is the later
    of both (contacts the duplicate's deal logs after the merge too)."""
    survivor, duplicate = b.register("Survivor Co.", "REG-S1"), b.register("Survivor Works", "")
    kept, gone, deal, still_open = (
        b.customer_id(survivor),
        b.customer_id(duplicate),
        uuid4(),
        uuid4(),
    )
    merge = pc.MergeCustomers(customer_id=gone, into_customer_id=kept, reason="Same company")
    rename = pc.CorrectCustomerDetails(customer_id=kept, company_name="Survivor Group", reason="x")
    with freeze_time(T0) as frozen:
        for command, actor in [
            (survivor, b.ALICE),
            *b.won_deal(deal, duplicate),
            (b.open_opportunity(gone, still_open), b.ALICE),
            (merge, b.MIA),
            (rename, b.ALICE),
        ]:
            app.handle(command, actor)
        frozen.tick(timedelta(days=3))
        app.handle(b.log_visit(still_open, b.TODAY + timedelta(days=3)), b.ALICE)
    runner = _view(app, views)
    rows = {row.customer_id: row for row in iter_customers(*_engine_tables(runner))}
    assert (rows[str(gone)].status, rows[str(gone)].merged_into) == (
        CustomerStatus.MERGED,
        str(kept),
    )
    assert rows[str(gone)].merged_into_name == "Survivor Group"
    assert rows[str(gone)].company_name == "Survivor Works"  # its history as it was
    assert (rows[str(kept)].status, rows[str(kept)].merged_records) == (CustomerStatus.CUSTOMER, 1)
    assert rows[str(kept)].last_contact_on == b.TODAY + timedelta(days=3)  # the duplicate's
    assert rows[str(kept)].merged_into is None
    merged_only = CustomerFilter(status=CustomerStatus.MERGED)
    assert [
        r.customer_id for r in iter_customers(*_engine_tables(runner), filters=merged_only)
    ] == [str(gone)]
    # and a later contact of the survivor's own is its last contact (ADR 72: the two
    # are looked up apart)
    own_deal = uuid4()
    with freeze_time(b.TODAY + timedelta(days=5)):
        for command in (b.assess(kept), b.qualify(kept), b.open_opportunity(kept, own_deal)):
            app.handle(command, b.ALICE)
        app.handle(b.log_visit(own_deal, b.TODAY + timedelta(days=5)), b.ALICE)
    runner.catch_up()
    rows = {row.customer_id: row for row in iter_customers(*_engine_tables(runner))}
    assert rows[str(kept)].last_contact_on == b.TODAY + timedelta(days=5)
