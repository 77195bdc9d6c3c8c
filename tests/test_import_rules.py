"""SOP 4.1.2 Cleaning: customer lists and historical orders are taken over only when
clean; every duplicate, error and incomplete record is named by line and column, and
nothing is stored until the whole file is clean."""

from __future__ import annotations

from decimal import Decimal

import pytest
from freezegun import freeze_time

from salesdomain.errors import ImportRefused
from salesdomain.imports.historical_order import HistoricalOrder
from salesdomain.narrative import describe
from salesdomain.prospecting.customer import Customer
from salesdomain.prospecting.values import SourceChannel
from tests import builders as b
from tests import import_builders as i

FROZEN = "2026-03-02 09:00:00+00:00"


def refused(spec, command) -> list[str]:
    error = spec.when(command, i.OLGA).then_rejected(ImportRefused, step="4.1.2")
    assert isinstance(error, ImportRefused)
    assert "nothing was imported" in str(error)
    return [str(p) for p in error.lines]


# ---- customers ------------------------------------------------------------------------


@freeze_time(FROZEN)
def test_a_clean_customer_list_is_imported_naming_file_and_line(spec):
    events = spec.when(i.customers(i.ACME, i.BETA), i.OLGA).then(
        "Customer.Imported",
        "CustomerNameClaim.Claimed",
        "Customer.Imported",
        "CustomerNameClaim.Claimed",
    )
    acme, beta = events[0], events[2]
    assert (acme.imported_from, acme.line, beta.line) == ("c.csv", 2, 3)
    assert acme.sop_step == "4.1.2"
    assert acme.actor == i.OLGA
    assert acme.source_channel is SourceChannel.IMPORTED
    assert describe(beta) == ("Customer Beta Foods (North China, Food) imported from c.csv line 3")
    customer = spec.app.load(Customer, Customer.id_for("Beta Foods", "91330100MA27XX0001"))
    assert (customer.region, customer.industry) == ("North China", "Food")


@freeze_time(FROZEN)
def test_duplicates_within_the_file_are_named_by_line(spec):
    problems = refused(
        spec,
        i.customers(
            i.ACME,
            ("ACME Limited", "", "East", "Machinery"),
            i.BETA,
            ("Beta Food Company", "9133 0100 ma27xx0001", "North", "Food"),
        ),
    )
    assert problems == [
        "line 3, company_name: the same company as line 2 (duplicate record)",
        "line 5, registration_number: the same company as line 4 (duplicate record)",
    ]


@freeze_time(FROZEN)
def test_a_company_already_registered_is_a_duplicate(spec):
    problems = refused(
        spec.given((b.register("ACME Company"), b.ALICE)), i.customers(i.BETA, i.ACME)
    )
    assert len(problems) == 1
    assert problems[0].startswith("line 3, company_name: already registered as 'ACME Company'")


@freeze_time(FROZEN)
def test_incomplete_records_and_bad_values_are_all_named_and_nothing_is_stored(spec):
    header = (*i.CUSTOMER_HEADER, "source_channel")
    problems = refused(
        spec,
        i.customers(
            ("Gamma", "", "", "Textiles", ""),
            ("Co., Ltd.", "", "East", "Food", ""),
            ("Delta", "", "East", "Food", "fax"),
            (*i.ACME, "trade show"),
            header=header,
        ),
    )
    assert problems == [
        "line 2, region: is empty; every record needs it (incomplete record)",
        "line 3, company_name: 'Co., Ltd.' is only a legal form or punctuation",
        "line 4, source_channel: 'fax' is not a source channel (trade_show, online_platform, "
        "social_media, referral, industry_report, imported, other)",
    ]


@freeze_time(FROZEN)
def test_a_missing_or_unknown_column_is_named_on_the_header_line(spec):
    problems = refused(
        spec,
        i.customers(("Acme", "East", "x"), header=("company_name", "regoin", "industry")),
    )
    assert problems[0] == "line 1, region: the file has no such column; every record needs it"
    assert problems[1].startswith("line 1, regoin: unknown column (expected: company_name,")


# ---- historical orders ------------------------------------------------------------------


@freeze_time(FROZEN)
def test_orders_are_imported_one_record_per_order_number_with_their_lines(spec):
    spec.given((i.customers(i.ACME, i.BETA), i.OLGA))
    (first, second) = spec.when(
        i.orders(
            i.order_line("SO-1", "ACME Co. Ltd", "RK-3", "2", "10000", "6000"),
            i.order_line("SO-1", "ACME Co. Ltd", "RK-4", "1", "1,500.50", "900"),
            i.order_line("SO-2", "Beta Foods", "RK-3", "3", "9800", "6000", "cny"),
        ),
        i.OLGA,
    ).then("HistoricalOrder.Imported", "HistoricalOrder.Imported")
    assert first.amount.amount == Decimal("21500.50")
    assert first.cost.amount == Decimal("12900")
    assert first.units == Decimal(3)
    assert first.customer_id == Customer.id_for("Acme Co., Ltd.")
    assert first.source_lines.numbers == (2, 3)
    assert second.amount.currency == "CNY"
    assert describe(first) == (
        "Order SO-1 of Acme Co., Ltd., delivered 2025-11-28, 21,500.50 CNY (2 line(s)), "
        "imported from o.csv lines 2, 3"
    )
    assert spec.app.load(HistoricalOrder, HistoricalOrder.id_for("so-1")).imported_from == "o.csv"


@freeze_time(FROZEN)
def test_bad_numbers_dates_and_currencies_are_named_by_line_and_column(spec):
    spec.given((i.customers(i.ACME), i.OLGA))
    problems = refused(
        spec,
        i.orders(
            i.order_line(quantity="two"),
            i.order_line("SO-2", price="0", currency="RMB"),
            i.order_line("SO-3", ordered="2025-02-30", cost="-5"),
            i.order_line("SO-4", ordered="2025-12-01", delivered="2025-11-01"),
        ),
    )
    assert problems == [
        "line 2, quantity: 'two' is not a number (write it like 1234.50)",
        "line 3, unit_price: must be more than zero, not 0",
        "line 3, currency: 'RMB' is not a known currency (an ISO 4217 code: CNY, USD)",
        "line 4, ordered_on: '2025-02-30' is not a date (write it as YYYY-MM-DD)",
        "line 4, unit_cost: cannot be negative (-5)",
        "line 5, delivered_on: 2025-11-01 is before the order date 2025-12-01",
    ]


@freeze_time(FROZEN)
def test_unknown_customers_future_deliveries_and_strangers_as_reps_are_refused(spec):
    spec.given((i.customers(i.ACME), i.OLGA))
    header = (*i.ORDER_HEADER, "sales_rep")
    problems = refused(
        spec,
        i.orders(
            (*i.order_line("SO-1", customer="Nobody Ltd"), ""),
            (*i.order_line("SO-2", delivered="2026-04-01"), ""),
            (*i.order_line("SO-3"), "Somebody"),
            header=header,
        ),
    )
    assert problems == [
        "line 2, customer: no customer 'Nobody Ltd' is registered (import the customer list first)",
        "line 3, delivered_on: 2026-04-01 is in the future; only completed orders are history",
        "line 4, sales_rep: 'Somebody' is not an employee of the company (give the employee's "
        "id or exact name)",
    ]


@freeze_time(FROZEN)
def test_lines_of_one_order_agree_and_name_a_product_once(spec):
    spec.given((i.customers(i.ACME, i.BETA), i.OLGA))
    problems = refused(
        spec,
        i.orders(
            i.order_line("SO-1"),
            i.order_line("SO-1", customer="Beta Foods", product="RK-4"),
            i.order_line("so-1", product="rk-3"),
        ),
    )
    assert problems == [
        "line 3, customer: order SO-1 has 'Acme' on line 2; every line of an order gives the same",
        "line 4, product_code: rk-3 is already on line 2 of order SO-1 (duplicate line)",
    ]


@freeze_time(FROZEN)
def test_an_order_imported_before_is_a_duplicate(spec):
    spec.given((i.customers(i.ACME), i.OLGA), (i.orders(i.order_line("SO-1")), i.OLGA))
    problems = refused(spec, i.orders(i.order_line("SO-2"), i.order_line("so-1"), source="b.csv"))
    assert problems == [
        "line 3, order_number: order so-1 was already imported from o.csv line 2 (duplicate record)"
    ]


@pytest.mark.parametrize("role", ["SALES_REPRESENTATIVE", "LOGISTICS"])
@freeze_time(FROZEN)
def test_only_sales_operations_or_a_sales_manager_import(spec, role):
    from salesdomain.errors import NotAuthorised
    from salesdomain.sop import Role

    actor = b.person("Someone", Role[role])
    spec.when(i.customers(i.ACME), actor).then_rejected(NotAuthorised, step="4.1.2")


# ---- imported history in the KPI tables (by time, customer, product) -----------------------


@freeze_time(FROZEN)
def test_historical_orders_feed_the_kpi_tables_by_time_customer_and_product(spec, views):
    from datetime import date

    from salesdomain.projections.kpi import Kpi, kpi_table
    from salesdomain.projections.log import ApplicationLog
    from salesdomain.projections.runner import ProjectionRunner

    spec.given(
        (i.customers(i.ACME, i.BETA), i.OLGA),
        (
            i.orders(
                i.order_line("SO-1", "Acme", "RK-3", "2", "10000", "6000", delivered="2025-11-28"),
                i.order_line("SO-1", "Acme", "SN-1", "5", "100", "40", delivered="2025-11-28"),
                i.order_line(
                    "SO-2", "Beta Foods", "RK-3", "1", "9000", "5000", delivered="2025-12-05"
                ),
            ),
            i.OLGA,
        ),
    )
    runner = ProjectionRunner(Kpi(), views, ApplicationLog(spec.app))
    runner.catch_up()
    tables = runner.tables()

    def table(by, grain="month"):
        rows = kpi_table(
            views, tables, grain=grain, by=by, since=date(2025, 11, 1), until=date(2025, 12, 31)
        )
        return {(r.period, r.label): (r.revenue, r.profit, r.units) for r in rows}

    assert table("total") == {
        ("2025-11", "Total"): (Decimal("20500"), Decimal("8300"), Decimal("7")),
        ("2025-12", "Total"): (Decimal("9000"), Decimal("4000"), Decimal("1")),
    }
    by_product = table("product", grain="quarter")
    # RK-3: 2 x (10,000 - 6,000) + (9,000 - 5,000) profit; SN-1: 5 units at 100
    assert by_product[("2025-Q4", "Retrofit kit (RK-3)")] == (
        Decimal("29000"),
        Decimal("12000"),
        Decimal("3"),
    )
    assert by_product[("2025-Q4", "Retrofit kit (SN-1)")] == (
        Decimal("500"),
        Decimal("300"),
        Decimal("5"),
    )
    by_industry = table("industry", grain="quarter")
    assert by_industry[("2025-Q4", "Food")][0] == Decimal("9000")
    assert by_industry[("2025-Q4", "Machinery")][0] == Decimal("20500")
    rows = kpi_table(
        views,
        tables,
        grain="quarter",
        by="total",
        since=date(2025, 10, 1),
        until=date(2025, 12, 31),
    )
    assert rows[0].new_customers == Decimal(2)
    assert rows[0].orders_completed == Decimal(2)
