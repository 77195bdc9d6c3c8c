"""The KPI table's money in the reporting currency (ADR 48): on the generated store of
``test_kpi_grouped`` (CNY and USD facts and expenses), every grouping's money equals
the day-by-day figures of ``kpi_table`` in each currency, each day's USD at the rate in
force on that day; a day without a rate leaves the figure out and names the day; a
corrected rate changes the figures when read, without a rebuild."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from salesdomain.projections.kpi import kpi_in_reporting_currency, kpi_table
from salesdomain.projections.kpi.groups import OF_CUSTOMER, OF_PRODUCT

from salesdomain.currencies import CurrencyPolicy, ExchangeRate
from tests.test_kpi_grouped import GROUPINGS, generated  # noqa: F401  (a fixture)

MONEY = ("revenue", "profit", "bookings", "cancelled", "sales_expense")
SPAN = {"since": date(2026, 4, 1), "until": date(2026, 9, 30)}


def _rate(rate: str, since: date) -> ExchangeRate:
    return ExchangeRate(
        currency="USD", rate=Decimal(rate), effective_from=since, source="PBOC central parity"
    )


RATES = CurrencyPolicy(
    exchange_rates=(
        _rate("7.1", date(2025, 1, 1)),
        _rate("7.3", date(2026, 5, 15)),  # changes within a month and a quarter
        _rate("6.9", date(2026, 9, 3)),
    )
)


def by_day_in_cny(engine: Any, tables: Any, by: str, rates: CurrencyPolicy) -> dict[Any, Any]:
    """Per (month, group) and measure: the sum of each day's CNY figure and USD figure
    at that day's rate, from ``kpi_table`` by day (figures to cents), and the days."""
    found: dict[Any, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    days: dict[Any, int] = defaultdict(int)
    for currency in ("CNY", "USD"):
        for row in kpi_table(engine, tables, grain="day", by=by, currency=currency, **SPAN):
            key = (row.period_start.strftime("%Y-%m"), row.group)
            days[key] += 1
            rate = Decimal(1) if currency == "CNY" else rates.rate_on("USD", row.period_start).rate
            for measure in MONEY:
                value = getattr(row, measure)
                if value is not None:
                    found[key][measure] += value * rate
    return {key: (found[key], days[key]) for key in found}


@pytest.mark.parametrize("by", GROUPINGS)
def test_every_currency_is_converted_at_the_rate_of_each_day(generated, by):  # noqa: F811
    engine, tables = generated.engine, generated.tables()
    rows = kpi_in_reporting_currency(engine, tables, grain="month", by=by, currencies=RATES, **SPAN)
    expected = by_day_in_cny(engine, tables, by, RATES)
    assert rows
    assert {(r.period, r.group) for r in rows} >= {
        k for k, (f, _) in expected.items() if any(f.values())
    }
    for row in rows:
        assert (row.currency, row.missing) == ("CNY", ())
        figures, days = expected.get((row.period, row.group), ({}, 0))
        for measure in MONEY:
            value = getattr(row, measure)
            if value is None:  # not told by this grouping, as in KpiRow
                assert by in OF_PRODUCT | OF_CUSTOMER, measure
                continue
            # kpi_table's day figures are to cents: half a cent a day and currency, times the rate
            assert abs(value - figures.get(measure, Decimal(0))) <= Decimal("0.04") * 2 * days
    may = [r for r in rows if r.period == "2026-05" and r.revenue]
    assert {(x.currency, x.rate) for r in may for x in r.rates} == {
        ("USD", Decimal("7.1")),
        ("USD", Decimal("7.3")),
    }


def test_a_day_without_a_rate_leaves_the_figure_out_and_names_the_day(generated):  # noqa: F811
    engine, tables = generated.engine, generated.tables()
    late = CurrencyPolicy(exchange_rates=(_rate("7.2", date(2026, 6, 1)),))

    rows = kpi_in_reporting_currency(
        engine, tables, grain="quarter", by="total", currencies=late, **SPAN
    )
    second, third = rows
    assert (second.period, second.revenue) == ("2026-Q2", None)
    assert second.missing
    assert all(m.startswith("USD on 2026-0") for m in second.missing)
    assert max(second.missing) < "USD on 2026-06-01"
    assert third.missing == ()
    assert third.revenue is not None


def test_a_corrected_rate_changes_the_figures_when_read(generated):  # noqa: F811
    engine, tables = generated.engine, generated.tables()
    args: dict[str, Any] = {"grain": "year", "by": "total", **SPAN}
    before = kpi_in_reporting_currency(engine, tables, currencies=RATES, **args)
    corrected = CurrencyPolicy(exchange_rates=(_rate("8", date(2025, 1, 1)),))
    after = kpi_in_reporting_currency(engine, tables, currencies=corrected, **args)
    [usd] = kpi_table(engine, tables, currency="USD", **args)
    [cny] = kpi_table(engine, tables, currency="CNY", **args)

    assert before[0].revenue != after[0].revenue
    assert abs(after[0].revenue - (cny.revenue + usd.revenue * 8)) <= Decimal("0.01")


@pytest.mark.parametrize(("by", "then_by"), [("rep", "product"), ("region", "team")])
def test_two_dimensions_are_converted_as_the_table_by_them_in_each_currency(
    generated,  # noqa: F811
    by,
    then_by,
):
    engine, tables = generated.engine, generated.tables()
    args: dict[str, Any] = {"grain": "quarter", "by": by, "then_by": then_by, **SPAN}
    rows = kpi_in_reporting_currency(engine, tables, currencies=corrected_to(8), **args)
    assert rows
    assert all(row.second_label is not None for row in rows)
    tables_in = {
        currency: {
            (r.period, r.group, r.second_group): r
            for r in kpi_table(engine, tables, currency=currency, **args)
        }
        for currency in ("CNY", "USD")
    }
    for row in rows:
        key = (row.period, row.group, row.second_group)
        cny, usd = tables_in["CNY"].get(key), tables_in["USD"].get(key)
        expected = (cny.revenue if cny else 0) + (usd.revenue * 8 if usd else 0)
        # each table's figure is to cents: half a cent each, the USD one times the rate
        assert abs(row.revenue - expected) <= Decimal("0.005") * 9, key


def corrected_to(rate: int) -> CurrencyPolicy:
    return CurrencyPolicy(exchange_rates=(_rate(str(rate), date(2025, 1, 1)),))
