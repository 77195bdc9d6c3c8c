"""The KPI table summed in the database (ADR 37) gives, row for row and digit for digit,
what tallying every fact in Python gave (``tests/kpi_reference.py``, the previous
implementation): on a generated store with several reps, teams (and changes of team),
customers, regions, products, currencies, amended contracts, cancelled orders, events
of version 1 that name only their record, scores without an owner and expenses, for
every grain and grouping, with and without a reader; and on a store built by
commands."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, localcontext
from typing import Any
from uuid import uuid4

import pytest
from freezegun import freeze_time
from hypothesis import given
from hypothesis import strategies as st
from salesdomain.projections.changes import Add
from salesdomain.projections.kpi import (
    Kpi,
    groups,
    kpi_for_employee,
    kpi_table,
    representatives_with_figures,
)
from salesdomain.projections.kpi.rollup import LIMB_COLUMNS, LIMBS, from_limbs, limbs, summed
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.runner import ProjectionRunner
from sqlalchemy import Table, insert

from salesdomain.access import Reader, StaffMember
from salesdomain.people import commands as hc
from salesdomain.sop import Role
from tests import builders as b
from tests import order_builders as ob
from tests.kpi_reference import kpi_for_employee_in_python, kpi_table_in_python
from tests.people_builders import HANNA
from tests.test_kpi_view import (
    ALICE,
    BOB,
    FIRST,
    HANGZHOU,
    MIA,
    ListLog,
    _history,
    amended,
    run,
    signed,
    won,
)

GRAINS = ("day", "month", "quarter", "year")
GROUPINGS = groups.GROUPINGS
REPS = [f"00000000-0000-0000-0000-00000000000{n}" for n in range(7)]
CUSTOMERS = [f"c0000000-0000-0000-0000-00000000000{n}" for n in range(9)]
PRODUCTS = ("RK-3", "SN-1", "GX-9")
FIRST_DAY = date(2025, 11, 1)
CHANGES_OF_TEAM = (
    (REPS[0], date(2026, 4, 12)),
    (REPS[1], date(2026, 7, 1)),
    (REPS[1], date(2026, 7, 1)),
    (REPS[2], date(2025, 12, 15)),
    (REPS[3], date(2026, 1, 1)),
)


def _day(rng: random.Random) -> date:
    return FIRST_DAY + timedelta(days=rng.randrange(460))


def _money(rng: random.Random) -> Decimal:
    return Decimal(rng.randrange(1, 10_000_000)) / 100


class _Store:
    """Rows written straight into the KPI view's tables."""

    def __init__(self, tables: dict[str, Table]) -> None:
        self.tables = tables
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in tables}
        self.position = 0
        self.sums: dict[tuple[str, tuple[tuple[str, Any], ...]], dict[str, int]] = {}

    def add(self, table: str, **row: Any) -> None:
        self.rows[table].append(row)

    def record(
        self,
        record_id: str,
        kind: str,
        customer: str | None,
        owner: str | None,
        name: str | None = None,
        revision: int | None = None,
    ) -> None:
        values = {"customer_id": customer, "owner_id": owner, "owner_name": name}
        self.add("records", record_id=record_id, kind=kind, revision=revision, **values)

    def facts(self, day: date, *facts: tuple[str, Decimal | int, dict[str, Any]]) -> None:
        """The facts of one event (one position, numbered in order)."""
        self.position += 1
        moment = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
        for seq, (measure, value, extra) in enumerate(facts):
            row = {"currency": None, "rep_id": None, "customer_id": None, "product_code": None}
            row |= {"record_id": None, "revision": None, "amends": None, **extra}
            fact = {"position": self.position, "seq": seq, "occurred_at": moment, "day": day}
            fact |= {"measure": measure, "value": Decimal(value), **row}
            self.add("facts", **fact)
            for change in summed(fact):  # what the projection adds as it records the fact
                assert isinstance(change, Add)
                key = (change.table, tuple(change.key.items()))
                total = self.sums.setdefault(key, dict.fromkeys(change.amounts, 0))
                for column, amount in change.amounts.items():
                    total[column] += amount

    def write(self, engine: Any) -> None:
        for (table, key), total in self.sums.items():
            self.add(table, **dict(key), **total)
        with engine.begin() as conn:
            for name, rows in self.rows.items():
                if rows:
                    conn.execute(insert(self.tables[name]), rows)


def _generate(store: _Store, seed: int) -> None:
    rng = random.Random(seed)
    teams = ("East", "North", "south")
    for n, rep in enumerate(REPS[:5]):  # REPS[5]: no employee record; REPS[6]: no team history
        store.add("employees", employee_id=rep, name=f"Rep {n}", team=teams[n % 3], active=True)
        store.add(
            "team_history",
            position=n,
            employee_id=rep,
            team=teams[n % 3],
            effective_on=date(2026, 1, 1),
        )
    store.add("employees", employee_id=REPS[6], name="Rep 6", team="East", active=True)
    store.add("people", employee_id=REPS[5], name="Rep Five")
    # changes of team, two on one day (the later one counts), one before the first entry
    for position, (rep, day) in enumerate(CHANGES_OF_TEAM, start=10):
        team = ("North", "East", "SOUTH", "North", "East")[position - 10]
        store.add("team_history", position=position, employee_id=rep, team=team, effective_on=day)
    regions = ("East China", "North China", "South China")
    for n, customer in enumerate(CUSTOMERS[:8]):  # CUSTOMERS[8]: no customer record
        store.add(
            "customers",
            customer_id=customer,
            name=f"Customer {n}",
            region=regions[n % 3],
            industry=("Machinery", "Textiles")[n % 2],
            registered_at=datetime(2025, 1, 1, tzinfo=UTC),
        )
    for code in PRODUCTS[:2]:  # GX-9: no product record
        specification = "standard" if code == "GX-9" else "compact"
        store.add(
            "products", product_code=code, name=f"Product {code}", specification=specification
        )
    for period, rep, team in (("2026-04", REPS[0], None), ("2026-Q2", None, "east")):
        target_id = str(uuid4())
        store.add(
            "targets",
            target_id=target_id,
            subject_kind="employee" if rep else "team",
            employee_id=rep,
            team=team,
            period=period,
        )
        store.add(
            "target_figures",
            target_id=target_id,
            measure="revenue",
            value=Decimal(50_000),
            currency="CNY",
        )
        store.add(
            "target_figures", target_id=target_id, measure="visits", value=Decimal(3), currency=None
        )
    for _ in range(120):  # completed orders, some in USD, some without lines
        order, rep, customer = str(uuid4()), rng.choice(REPS), rng.choice([*CUSTOMERS, None])
        revision = rng.choice((1, 1, 2))
        currency = rng.choice(("CNY", "CNY", "CNY", "USD"))
        store.record(order, "order", customer, rep, revision=revision)
        amount, cost, units = Decimal(0), Decimal(0), Decimal(0)
        if rng.random() < 0.9:
            for code in rng.sample(PRODUCTS, rng.randrange(1, 3)):
                for rev in {1, revision}:
                    quantity = Decimal(rng.randrange(1, 40)) / rng.choice((1, 4))
                    price, unit_cost = _money(rng) / 100, _money(rng) / 200
                    store.add(
                        "order_lines",
                        order_id=order,
                        revision=rev,
                        product_code=code,
                        quantity=quantity,
                        unit_price=price,
                        unit_cost=unit_cost,
                        currency=currency,
                    )
                    if rev == revision:
                        amount += quantity * price
                        cost += quantity * unit_cost
                        units += quantity
        else:
            amount, cost, units = _money(rng), _money(rng) / 2, Decimal(rng.randrange(1, 9))
        whose = {"rep_id": rep, "customer_id": customer, "record_id": order}
        money = {**whose, "currency": currency}
        store.facts(
            _day(rng),
            ("revenue", amount, money),
            ("profit", amount - cost, money),
            ("units", units, whose),
            ("orders_completed", 1, whose),
        )
        if rng.random() < 0.1:  # a cancelled order (of another)
            store.facts(_day(rng), ("cancelled", _money(rng), money))
    for _ in range(40):  # contracts, some amended once or twice
        contract, rep, customer = str(uuid4()), rng.choice(REPS), rng.choice(CUSTOMERS)
        day, currency = _day(rng), rng.choice(("CNY", "USD"))
        for revision in range(1, rng.choice((2, 2, 3, 4))):
            lines = [
                (
                    "bookings",
                    _money(rng),
                    {
                        "product_code": code,
                        "revision": revision,
                        "amends": revision - 1 if revision > 1 else None,
                        "rep_id": rep,
                        "customer_id": customer,
                        "record_id": contract,
                        "currency": currency,
                    },
                )
                for code in rng.sample(PRODUCTS, rng.randrange(1, 4))
            ]
            store.facts(day, *lines)
            day += timedelta(days=rng.randrange(1, 90))
    for n in range(300):  # visits, won, lost, answers and scores; some of version 1
        opportunity, rep, customer = str(uuid4()), rng.choice(REPS), rng.choice(CUSTOMERS)
        store.record(opportunity, "opportunity", customer, rep, name=f"Owner {rep[-1]}")
        old = n % 4 == 0
        whose = {"record_id": opportunity} | (
            {} if old else {"rep_id": rep, "customer_id": customer}
        )
        measure = rng.choice(("visits", "visits", "won", "lost", "service_responses"))
        if measure == "service_responses":
            on_time = {**whose, "rep_id": rep} if n % 8 else whose
            store.facts(_day(rng), (measure, 1, on_time), ("service_on_time", n % 2, on_time))
        else:
            store.facts(_day(rng), (measure, 1, whose))
        if n % 5 == 0:  # a survey answer: its customer only (version 1: its survey only)
            survey = str(uuid4())
            store.record(survey, "survey", customer, None)
            named = {"record_id": survey} | ({} if old else {"customer_id": customer})
            store.facts(_day(rng), ("satisfaction", rng.randrange(1, 6), named))
    expenses = [(rng.choice(REPS), _day(rng)) for _ in range(60)]
    for rep, day in CHANGES_OF_TEAM:  # a visit and an expense on the day a team changes
        store.facts(day, ("visits", 1, {"rep_id": rep, "customer_id": CUSTOMERS[0]}))
        expenses.append((rep, day))
    for n, (rep, day) in enumerate(expenses):  # approved, recorded, rejected; two currencies
        store.add(
            "expenses",
            expense_id=str(uuid4()),
            employee_id=rep,
            incurred_on=day,
            amount=_money(rng) / 10,
            currency=("CNY", "USD")[n % 5 == 0],
            status=("approved", "approved", "recorded", "rejected")[n % 4 if n < 60 else 0],
        )


def _same(found: Any, expected: Any) -> None:
    assert repr(found) == repr(expected)


@pytest.fixture
def generated(app: Any, views: Any) -> ProjectionRunner:
    # (``app`` creates the store's schema the views live in)
    runner = ProjectionRunner(Kpi(), views, ListLog([]))
    runner.catch_up()
    store = _Store(runner.tables())
    _generate(store, seed=16)
    store.write(views)
    return runner


def _span(grain: str, first_day: date) -> dict[str, date]:
    """A year, or by day some weeks from ``first_day``."""
    if grain == "day":
        return {"since": first_day, "until": date(2026, 5, 10)}
    return {"since": date(2026, 1, 1), "until": date(2026, 12, 31)}


@pytest.mark.parametrize("grain", GRAINS)
def test_every_grouping_gives_what_tallying_every_fact_gave(generated, grain):
    engine, tables = generated.engine, generated.tables()
    span = _span(grain, date(2026, 3, 25))
    for by in GROUPINGS:
        with pytest.raises(ValueError, match="several currencies"):
            kpi_table(engine, tables, grain=grain, by=by, **span)
        for currency in ("CNY", "USD"):
            args: dict[str, Any] = {"grain": grain, "by": by, "currency": currency, **span}
            rows = kpi_table(engine, tables, **args)
            assert rows, (by, currency)
            _same(rows, kpi_table_in_python(engine, tables, **args))


@pytest.mark.parametrize("grain", GRAINS)
def test_every_two_dimensions_give_what_tallying_every_fact_gave(generated, grain):
    engine, tables = generated.engine, generated.tables()
    span = _span(grain, date(2026, 4, 25))
    pairs = [(a, b) for a in GROUPINGS for b in GROUPINGS if "total" not in (a, b) and a < b]
    for by, then_by in pairs:
        args: dict[str, Any] = {"grain": grain, "by": by, "then_by": then_by, **span}
        rows = kpi_table(engine, tables, **args, currency="USD")
        assert rows, (by, then_by)
        assert all(row.second_label for row in rows), (by, then_by)
        _same(rows, kpi_table_in_python(engine, tables, **args, currency="USD"))


def _manager() -> Reader:
    """A manager who reaches the first three reps and the teams East and North."""
    staff = [StaffMember(rep, "East", None, True) for rep in REPS]
    return replace(
        Reader.of(REPS[0], Role.SALES_MANAGER, staff),
        sales=frozenset(REPS[:3]),
        teams=frozenset({"east", "North"}),
    )


@pytest.mark.parametrize(("by", "then_by"), [("rep", "product"), ("team", "region")])
def test_a_reader_sees_their_own_pairs(generated, by, then_by):
    engine, tables = generated.engine, generated.tables()
    reader = _manager()
    args: dict[str, Any] = {"grain": "quarter", "by": by, "then_by": then_by, "reader": reader}
    args |= {"since": date(2026, 1, 1), "until": date(2026, 12, 31), "currency": "CNY"}
    rows = kpi_table(engine, tables, **args)
    assert rows
    _same(rows, kpi_table_in_python(engine, tables, **args))
    everyone = kpi_table(engine, tables, **(args | {"reader": None}))
    assert len(rows) < len(everyone)


@pytest.mark.parametrize("by", ["rep", "team", "total"])
def test_a_reader_sees_the_same_figures_as_before(generated, by):
    engine, tables = generated.engine, generated.tables()
    reader = _manager()
    args: dict[str, Any] = {"grain": "quarter", "by": by, "currency": "CNY", "reader": reader}
    args |= {"since": date(2026, 1, 1), "until": date(2026, 12, 31)}
    rows = kpi_table(engine, tables, **args)
    assert rows
    _same(rows, kpi_table_in_python(engine, tables, **args))


def test_an_employees_figures_are_the_same_as_before(generated):
    engine, tables = generated.engine, generated.tables()
    for rep in REPS:
        for start, end in (
            (date(2026, 4, 1), date(2026, 6, 30)),
            (date(2026, 1, 1), date(2026, 12, 31)),
        ):
            figures = kpi_for_employee(engine, tables, rep, start, end, currency="CNY")
            _same(
                figures, kpi_for_employee_in_python(engine, tables, rep, start, end, currency="CNY")
            )


def test_a_store_built_by_commands_gives_the_same_rows(app, views):
    _history(app)
    opp, contract = uuid4(), uuid4()
    with freeze_time("2026-04-12 09:00:00+00:00") as frozen:
        app.handle(
            hc.ChangeTeam(
                employee_id=BOB.employee_id, team="North China Sales", effective=date(2026, 4, 12)
            ),
            HANNA,
        )
        run(app, won(opp, b.customer_id(HANGZHOU), date(2026, 4, 12), ALICE, FIRST))
        run(app, signed(opp, contract, date(2026, 4, 12), ALICE))
        run(app, [(ob.cancel(ob.order_of(contract)), MIA)])
        frozen.move_to("2026-05-07 09:00:00+00:00")
        run(app, amended(contract, date(2026, 5, 7)))
    runner = ProjectionRunner(Kpi(), views, ApplicationLog(app))
    runner.catch_up()
    engine, tables = runner.engine, runner.tables()
    for grain in GRAINS:
        for by in GROUPINGS:
            args: dict[str, Any] = {"grain": grain, "by": by}
            args |= {"since": date(2026, 3, 1), "until": date(2026, 5, 31)}
            rows = kpi_table(engine, tables, **args)
            _same(rows, kpi_table_in_python(engine, tables, **args))
    totals = kpi_table(
        engine, tables, grain="month", by="total", since=date(2026, 4, 1), until=date(2026, 5, 31)
    )
    assert [row.cancelled for row in totals] == [Decimal("100000.00"), Decimal("0.00")]
    assert totals[1].bookings == Decimal("20000.00")


def test_a_figure_sqlite_cannot_sum_exactly_is_refused_not_rounded(app, views):
    runner = ProjectionRunner(Kpi(), views, ListLog([]))
    runner.catch_up()
    store = _Store(runner.tables())
    huge = Decimal(10) ** 20 + Decimal("0.01")  # a view keeps numbers below 10^30
    store.facts(date(2026, 3, 2), ("bookings", huge, {"currency": "CNY"}))
    store.write(views)
    args: dict[str, Any] = {"grain": "month", "by": "total"}
    args |= {"since": date(2026, 3, 1), "until": date(2026, 3, 31)}
    if views.dialect.name == "sqlite":
        with pytest.raises(OverflowError, match="18 integer digits"):
            kpi_table(views, runner.tables(), **args)
    else:
        [march] = kpi_table(views, runner.tables(), **args)
        assert march.bookings == huge


_FIGURES = st.decimals(
    min_value=Decimal("-999999999999999999999999999999.99999999"),
    max_value=Decimal("999999999999999999999999999999.99999999"),
    allow_nan=False,
    allow_infinity=False,
    places=8,
)


@given(st.lists(_FIGURES, max_size=40))
def test_the_sums_parts_put_back_together_give_the_exact_sum(values):
    # Given figures of any size and sign a fact may hold (below 10^30, 8 places)
    parts = [0] * LIMBS
    for value in values:
        # When each is cut into parts and the parts are added up, as the database does
        for n, part in enumerate(limbs(value)):
            parts[n] += part
    # Then the parts give back the exact sum, and each stays a 64-bit integer
    with localcontext(prec=80):  # the default 28 digits would round the expected sum
        assert from_limbs(parts) == sum(values, Decimal(0))
    assert all(abs(part) < 2**63 for part in parts)


def test_a_fact_is_summed_as_the_facts_table_rounds_it():
    (by_day, by_month) = summed(
        {"rep_id": REPS[0], "day": date(2026, 3, 9), "measure": "revenue", "currency": "CNY"}
        | {"value": Decimal("0.123456785")}  # a ninth place: rounded half away from zero
    )
    assert from_limbs([by_day.amounts[p] for p in LIMB_COLUMNS]) == Decimal("0.12345679")
    assert by_month.key == {
        "day": date(2026, 3, 1),
        "rep_id": REPS[0],
        "measure": "revenue",
        "currency": "CNY",
    }
    assert summed({"rep_id": None, "day": date(2026, 3, 9), "value": Decimal(1)}) == []


@pytest.mark.parametrize("reader", [None, "manager"])
@pytest.mark.parametrize(
    ("since", "until"),
    [(date(2026, 1, 1), date(2026, 12, 31)), (date(2026, 4, 1), date(2026, 6, 30))],
)
def test_the_representatives_with_figures_are_those_the_kpi_table_has_rows_for(
    generated, reader, since, until
):
    # Given facts of several reps, some of version 1 (named by their record alone)
    engine, tables = generated.engine, generated.tables()
    who = _manager() if reader else None
    # When a filter asks whom to offer, Then it names the reps the table by rep shows
    rows = kpi_table(
        engine, tables, grain="month", by="rep", since=since, until=until, currency="CNY",
        reader=who,
    )  # fmt: skip
    expected = sorted({(r.group, r.label) for r in rows if r.group}, key=lambda r: (r[1], r[0]))
    found = representatives_with_figures(engine, tables, since=since, until=until, reader=who)
    assert found == expected
    assert found
    assert who is None or {rep for rep, _ in found} <= who.sales


@pytest.mark.parametrize("by", ["rep", "team", "total"])
def test_without_the_customer_counts_every_other_figure_is_the_same(generated, by):
    # Given a year of facts
    engine, tables = generated.engine, generated.tables()
    args: dict[str, Any] = {"grain": "quarter", "by": by, "currency": "CNY"}
    args |= {"since": date(2026, 1, 1), "until": date(2026, 12, 31)}
    # When the table is read without the customer counts
    counted = kpi_table(engine, tables, **args)
    uncounted = kpi_table(engine, tables, **args, customers=False)
    # Then those counts (and their growth and attainment) are None, not 0, and nothing else moves
    counts = ("customers_served", "new_customers", "repeat_customers")
    assert any(row.customers_served for row in counted)
    for row in uncounted:
        assert all(getattr(row, name) is None for name in counts)
        assert all(row.growth[name] is None for name in counts)
        assert row.attainment.get("new_customers") is None

    def others(row: Any) -> Any:
        blanked = dict.fromkeys(counts)
        return replace(
            row,
            **blanked,
            growth=row.growth | blanked,
            growth_yoy=row.growth_yoy | blanked,
            attainment={m: a for m, a in row.attainment.items() if m != "new_customers"},
        )

    assert [others(row) for row in uncounted] == [others(row) for row in counted]


@pytest.mark.parametrize(
    ("grain", "since", "until"),
    [
        ("quarter", date(2026, 4, 1), date(2026, 6, 30)),
        ("month", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
@pytest.mark.parametrize("by", ["rep", "team", "total"])
def test_without_growth_every_other_figure_is_the_same(generated, by, grain, since, until):
    # Given a year of facts (the second quarter's customers had their first orders before it)
    engine, tables = generated.engine, generated.tables()
    args: dict[str, Any] = {"grain": grain, "by": by, "currency": "CNY"}
    args |= {"since": since, "until": until}
    # When the table is read without growth (the year before it not read)
    grown = kpi_table(engine, tables, **args)
    flat = kpi_table(engine, tables, **args, growth=False)
    # Then growth is None throughout and every figure, customer counts included, is the same
    assert any(v is not None for row in grown for v in row.growth.values())
    assert any(row.repeat_customers for row in grown)
    for row in flat:
        assert set(row.growth.values()) == {None}
        assert set(row.growth_yoy.values()) == {None}

    def without_growth(row: Any) -> Any:
        return replace(row, growth=dict.fromkeys(row.growth), growth_yoy=dict.fromkeys(row.growth))

    assert flat == [without_growth(row) for row in grown]
