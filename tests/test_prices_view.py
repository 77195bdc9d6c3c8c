"""The prices view (issue 17): each competitor price market research recorded (SOP
2.1.1) beside our list price of the same product, in the same currency, in force on the
day it was observed (2.3.2), a page at a time, for readers of sales records; on memory,
a SQLite file and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from freezegun import freeze_time
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.paging import InvalidCursor
from salesdomain.projections.prices import Prices, prices_page
from salesdomain.projections.runner import ProjectionRunner

from salesdomain.access import READ_POLICY, Reach, Reader
from salesdomain.catalogue import commands as cc
from salesdomain.prospecting import commands as pc
from salesdomain.prospecting.values import CompetitorPrice, ResearchSubject
from salesdomain.sop import Role
from salesdomain.values import Money
from tests import builders as b

AT = datetime(2026, 3, 10, 10, tzinfo=UTC)
DAY_1, DAY_2, DAY_3 = b.TODAY, b.TODAY + timedelta(days=1), b.TODAY + timedelta(days=2)
NOTE = uuid4()


def _at(day: Any) -> Any:
    return freeze_time(f"{day} 09:00:00+00:00")


def seen(competitor: str, code: str, amount: str, day: Any, currency: str = "CNY") -> Any:
    return CompetitorPrice(
        competitor=competitor,
        product_code=code,
        price=Money.of(amount, currency),
        observed_on=day,
    )


def _history(app: Any) -> None:
    """RK-3 listed on day 1 at 1,000 CNY, 1,100 CNY from day 3; competitor prices of
    RK-3 before (day 1, recorded first), on day 2 and day 3, one in USD, and of a
    product the company does not list."""
    with _at(DAY_1):
        app.handle(
            pc.RecordMarketResearch(
                note_id=NOTE,
                subject_kind=ResearchSubject.PRODUCT,
                subject="Retrofit kits",
                competitor_prices=(
                    seen("Acme", "rk-3", "900", DAY_1),
                    seen("Acme", "ZZ-9", "5", DAY_1),
                ),
            ),
            b.MARK,
        )
        app.handle(
            b.list_product(),
            b.MIA,
        )
        app.handle(
            cc.SetListPrice(
                product_code="RK-3", price=b.money("1100"), effective_from=DAY_3, reason="Steel"
            ),
            b.MIA,
        )
    for day, competitor, amount, currency in (
        (DAY_2, "Delta", "950", "CNY"),
        (DAY_3, "Delta", "1045", "CNY"),
        (DAY_3, "Eagle", "140", "USD"),
    ):
        with _at(day):
            price = seen(competitor, "RK-3", amount, day, currency)
            app.handle(pc.AddCompetitorPrice(note_id=NOTE, price=price), b.MARK)


def _view(app: Any, views: Any) -> ProjectionRunner:
    runner = ProjectionRunner(Prices(), views, ApplicationLog(app))
    runner.catch_up()
    return runner


def _rows(page: Any) -> list[tuple[Any, ...]]:
    return [
        (
            row.product_code,
            row.competitor,
            str(row.observed_on),
            str(row.competitor_price),
            None if row.list_price is None else str(row.list_price),
            row.difference,
        )
        for row in page.rows
    ]


def test_each_competitor_price_is_beside_our_list_price_on_its_day(app, views):
    _history(app)
    runner = _view(app, views)
    page = prices_page(runner.engine, runner.tables(), AT)
    assert _rows(page) == [
        ("rk-3", "Acme", "2026-03-02", "900.00 CNY", "1,000.00 CNY", Decimal("-0.1")),
        ("RK-3", "Delta", "2026-03-03", "950.00 CNY", "1,000.00 CNY", Decimal("-0.05")),
        ("RK-3", "Delta", "2026-03-04", "1,045.00 CNY", "1,100.00 CNY", Decimal("-0.05")),
        ("RK-3", "Eagle", "2026-03-04", "140.00 USD", None, None),
        ("ZZ-9", "Acme", "2026-03-02", "5.00 CNY", None, None),
    ]
    assert page.rows[0].product_name == "Retrofit kit"
    assert page.rows[-1].product_name is None
    assert {row.note_id for row in page.rows} == {str(NOTE)}


def test_the_prices_of_one_product_a_page_at_a_time(app, views):
    _history(app)
    engine, tables = (runner := _view(app, views)).engine, runner.tables()
    first = prices_page(engine, tables, AT, product="Rk-3", limit=3)
    assert [row.competitor for row in first.rows] == ["Acme", "Delta", "Delta"]
    rest = prices_page(engine, tables, None, product="Rk-3", limit=3, cursor=first.next_cursor)
    assert ([row.competitor for row in rest.rows], rest.next_cursor) == (["Eagle"], None)
    with pytest.raises(InvalidCursor):
        prices_page(engine, tables, None, product="ZZ-9", cursor=first.next_cursor)


def test_readers_without_sales_records_read_no_prices(app, views):
    _history(app)
    engine, tables = (runner := _view(app, views)).engine, runner.tables()
    rep = Reader.of(b.ALICE.employee_id, Role.SALES_REPRESENTATIVE, [])
    assert len(prices_page(engine, tables, AT, reader=rep).rows) == 5
    hr = Reader.of(b.ALICE.employee_id, Role.HR, [])
    assert prices_page(engine, tables, AT, reader=hr).rows == []


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_every_role_reads_the_prices_its_sales_grant_allows(app, views, role):
    """Market prices are not anyone's record: a role that reads any sales records reads
    them all; one whose grant reads no sales records reads none."""
    _history(app)
    engine, tables = (runner := _view(app, views)).engine, runner.tables()
    reader = Reader.of(b.ALICE.employee_id, role, [])
    rows = prices_page(engine, tables, AT, reader=reader).rows
    assert len(rows) == (0 if READ_POLICY[role].sales is Reach.NOBODY else 5)


def test_a_withdrawn_product_keeps_its_prices_in_the_view(app, views):
    _history(app)
    with _at(DAY_3):
        app.handle(cc.WithdrawProduct(product_code="RK-3", reason="Replaced"), b.MIA)
    runner = _view(app, views)
    found = prices_page(runner.engine, runner.tables(), AT, product="RK-3")
    assert found.rows[1].list_price == b.money("1000")
