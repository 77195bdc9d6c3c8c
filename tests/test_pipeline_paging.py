"""The pipeline read in SQL, a page at a time (issue 16): the same rows and figures as
the straightforward computation the view had before (every row loaded and filtered,
summed and counted in Python, kept here as ``_previous_rows`` and ``_previous_figures``),
on memory, a SQLite file and PostgreSQL; since issue 17 with revised deals and the stale
flag worked out in Python the same way (ADR 47)."""

from __future__ import annotations

import base64
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from freezegun import freeze_time
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.pipeline import (
    Pipeline,
    PipelineFilter,
    PipelineRow,
    forecast_by_month,
    funnel,
    iter_pipeline,
    pipeline_figures,
    pipeline_page,
    win_rate,
)
from salesdomain.projections.pipeline.cursor import InvalidCursor
from salesdomain.projections.pipeline.figures import StageOwnerValue
from salesdomain.projections.runner import ProjectionRunner
from sqlalchemy import Table, inspect, select

from salesdomain.opportunities import commands as oc
from salesdomain.opportunities.stages import Stage
from salesdomain.prospecting import commands as pc
from salesdomain.sop import Role
from salesdomain.values import Money
from tests import builders as b
from tests import people_builders as pb

T0 = "2026-03-02 09:00:00+00:00"
NORTH = "North China Sales"


def _steps(app: Any, steps: list[Any]) -> list[datetime]:
    """Run the steps one day apart; the moment just after each."""
    moments = []
    with freeze_time(T0) as frozen:
        for command, actor in steps:
            app.handle(command, actor)
            moments.append(datetime.now(UTC) + timedelta(hours=1))
            frozen.tick(timedelta(days=1))
    return moments


def _opened(
    reg: Any, opp: Any, value: Money, by: Any = b.ALICE, close: date | None = None
) -> list[Any]:
    changed: dict[str, Any] = {"estimated_value": value}
    if close is not None:
        changed["expected_close"] = close
    deal = b.open_opportunity(b.customer_id(reg), opp).model_copy(update=changed)
    return [*b.qualified_customer(reg, by), (deal, by)]


def _moved(opp: Any, close: date) -> oc.ReviseExpectedClose:
    return oc.ReviseExpectedClose(opportunity_id=opp, expected_close=close, reason="Delayed")


def _merge(duplicate: Any, survivor: Any) -> pc.MergeCustomers:
    ids = {"customer_id": b.customer_id(duplicate), "into_customer_id": b.customer_id(survivor)}
    return pc.MergeCustomers(**ids, reason="Same company")


def _revised(opp: Any, value: Money) -> oc.ReviseEstimatedValue:
    return oc.ReviseEstimatedValue(opportunity_id=opp, estimated_value=value, reason="Scope")


@pytest.fixture
def store(app: Any, views: Any) -> tuple[ProjectionRunner, list[datetime]]:
    """Seven opportunities of two owners in two teams: won, lost, open at several
    stages; in CNY, USD and EUR; two regions and industries; one weighted amount a
    half cent (10.10 x 5%: 0.505, rounded half to even); an expected close revised
    twice, an estimate revised, contacts logged on time and late."""
    regs = [
        b.register(name=f"Customer {n} Ltd", reg=f"REG{n:04d}", **extra)
        for n, extra in enumerate(
            [
                {},
                {},
                {"region": "North China"},
                {"industry": "Textiles"},
                {"region": "North China", "industry": "Textiles"},
                {},
                {},
            ]
        )
    ]
    won, lost, tie, euro, bobs, open_later, late = (uuid4() for _ in range(7))
    steps = [
        pb.enrol("Hanna HR", Role.HR),
        pb.enrol("Alice Rep", Role.SALES_REPRESENTATIVE),
        pb.enrol("Bob Rep", Role.SALES_REPRESENTATIVE, team=NORTH),
        *b.won_deal(won, regs[0]),
        *_opened(regs[1], lost, Money.of("20000", "CNY")),
        (oc.MarkOpportunityLost(opportunity_id=lost, reason="No budget"), b.ALICE),
        *_opened(regs[2], tie, Money.of("10.10", "USD"), b.BOB),
        *_opened(regs[3], euro, Money.of("1234.56", "EUR"), b.BOB),
        (b.log_visit(euro), b.BOB),
        (b.discover(euro), b.BOB),
        *_opened(regs[4], bobs, Money.of("777.77", "CNY"), b.BOB),
        *_opened(regs[5], open_later, Money.of("5000", "CNY"), close=date(2026, 8, 15)),
        *_opened(regs[6], late, Money.of("300", "EUR")),
        (oc.MarkOpportunityLost(opportunity_id=late, reason="Went elsewhere"), b.ALICE),
        (_moved(tie, date(2026, 4, 20)), b.BOB),
        (b.log_visit(bobs, date(2026, 3, 20)), b.BOB),
        (_moved(tie, date(2026, 9, 30)), b.BOB),
        (_revised(bobs, Money.of("900", "CNY")), b.BOB),
        (b.log_visit(open_later, date(2026, 2, 1)), b.ALICE),  # logged late
        (_merge(regs[3], regs[4]), b.MIA),
        (_moved(euro, date(2026, 10, 1)), b.BOB),
    ]
    moments = _steps(app, steps)
    runner = ProjectionRunner(Pipeline(), views, ApplicationLog(app))
    runner.catch_up()
    return runner, moments


def _previous_rows(
    engine: Any, tables: Mapping[str, Table], probabilities: Mapping[Stage, Decimal], at: datetime
) -> list[PipelineRow]:
    """The pipeline as ``pipeline_as_of`` computed it before issue 16: every row of the
    three tables loaded, each opportunity's latest stage and amount found in Python; and
    as since issue 17, its expected close then, last contact then and whether it was
    stale then (ADR 47: open, and past its close or no contact for over 30 days)."""
    opportunities, stages, amounts = (tables["opportunities"], tables["stages"], tables["amounts"])
    closes, contacts, merges = tables["closes"], tables["contacts"], tables["merges"]
    with engine.connect() as conn:
        base = list(conn.execute(select(opportunities).where(opportunities.c.opened_at <= at)))
        stage_rows = conn.execute(
            select(stages).where(stages.c.entered_at <= at).order_by(stages.c.position)
        ).all()
        amount_rows = conn.execute(
            select(amounts).where(amounts.c.at <= at).order_by(amounts.c.position)
        ).all()
        teams = {r.employee_id: r.team for r in conn.execute(select(tables["owners"]))}
        close_rows = conn.execute(select(closes).order_by(closes.c.position)).all()
        contact_rows = conn.execute(select(contacts).where(contacts.c.at <= at)).all()
        merged = {r.customer_id: r for r in conn.execute(select(merges).where(merges.c.at <= at))}
    today = at.astimezone(UTC).date()
    first_close = {}
    for row in reversed(close_rows):
        first_close[row.opportunity_id] = row.previous
    close_at = {r.opportunity_id: r.expected_close for r in close_rows if r.at <= at}
    last_contact: dict[str, date] = {}
    for row in contact_rows:
        known = last_contact.get(row.opportunity_id, row.occurred_on)
        last_contact[row.opportunity_id] = max(known, row.occurred_on)
    history: dict[str, list[tuple[Stage, datetime]]] = defaultdict(list)
    for row in stage_rows:
        history[row.opportunity_id].append((Stage(row.stage), row.entered_at))
    amount_at = {row.opportunity_id: (row.amount, row.currency) for row in amount_rows}
    result = []
    for row in base:
        entries = history[row.opportunity_id]
        stage = entries[-1][0]
        amount, currency = amount_at[row.opportunity_id]
        spent: dict[Stage, timedelta] = defaultdict(timedelta)
        for (entered, since), (_, until) in zip(entries, [*entries[1:], (stage, at)], strict=True):
            if entered.is_open:
                spent[entered] += until - since
        closed_at = None if stage.is_open else entries[-1][1]
        key = row.opportunity_id
        close = close_at.get(key, first_close.get(key, row.expected_close))
        survivor = merged.get(row.customer_id)
        contact = last_contact.get(key)
        quiet = today - (contact or row.opened_at.astimezone(UTC).date()) > timedelta(days=30)
        result.append(
            PipelineRow(
                opportunity_id=row.opportunity_id,
                title=row.title,
                customer_id=row.customer_id if survivor is None else survivor.survivor_id,
                customer_name=row.customer_name if survivor is None else survivor.survivor_name,
                region=row.region,
                industry=row.industry,
                owner_id=row.owner_id,
                owner_name=row.owner_name,
                team=teams.get(row.owner_id),
                stage=stage,
                amount=amount,
                currency=currency,
                weighted_amount=(amount * probabilities[stage]).quantize(Decimal("0.01")),
                expected_close=close,
                opened_at=row.opened_at,
                closed_at=closed_at,
                age=(closed_at or at) - row.opened_at,
                time_in_stage=dict(spent),
                last_contact_on=contact,
                stale=stage.is_open and (close < today or quiet),
            )
        )
    return sorted(result, key=lambda r: (r.opened_at, r.opportunity_id))


def _kept(rows: list[PipelineRow], wanted: PipelineFilter) -> list[PipelineRow]:
    """The web's filter before issue 16 (``PipelineFilters.keep``), in Python."""
    asked = {k: v for k, v in vars(wanted).items() if v is not None}
    return [r for r in rows if all(getattr(r, k) == v for k, v in asked.items())]


def _previous_figures(rows: list[PipelineRow]) -> dict[str, Any]:
    """The web summary's figures as ``/views/pipeline/summary`` added them up before."""
    groups: dict[tuple[Stage, str, str, str], list[PipelineRow]] = defaultdict(list)
    for row in rows:
        groups[(row.stage, row.owner_id, row.owner_name, row.currency)].append(row)
    weighted: dict[str, Decimal] = {}
    for row in rows:
        if row.stage.is_open:
            weighted[row.currency] = weighted.get(row.currency, Decimal(0)) + row.weighted_amount
    return {
        "count": len(rows),
        "open_count": sum(1 for row in rows if row.stage.is_open),
        "win_rate": win_rate(rows),
        "funnel": funnel(rows),
        "value_by_stage_and_owner": sorted(
            (
                StageOwnerValue(
                    stage,
                    owner_id,
                    name,
                    len(members),
                    sum((m.amount for m in members), Decimal(0)),
                    sum((m.weighted_amount for m in members), Decimal(0)),
                    currency,
                )
                for (stage, owner_id, name, currency), members in groups.items()
            ),
            key=lambda v: (v.owner_name, v.stage.value, v.owner_id, v.currency),
        ),
        "forecast": forecast_by_month(rows),
        "open_weighted": dict(sorted(weighted.items())),
    }


def _filters(rows: list[PipelineRow]) -> list[PipelineFilter]:
    every = [PipelineFilter()]
    every += [PipelineFilter(owner_id=o) for o in sorted({r.owner_id for r in rows})]
    every += [PipelineFilter(team=t) for t in (pb.TEAM, NORTH, "Nobody's team")]
    every += [PipelineFilter(stage=s) for s in Stage]
    every += [PipelineFilter(region="North China"), PipelineFilter(industry="Textiles")]
    every += [PipelineFilter(region="North China", industry="Textiles", team=NORTH)]
    every += [PipelineFilter(stale=True), PipelineFilter(stale=False, owner_id=rows[0].owner_id)]
    return every


def _moments(moments: list[datetime]) -> list[datetime]:
    """Before anything, during the history, just after it, and long after."""
    return [
        moments[0] - timedelta(days=1),
        *moments[5::9],
        moments[-1],
        datetime(2099, 1, 1, tzinfo=UTC),
    ]


def test_rows_and_figures_are_those_computed_from_every_row(app, views, store) -> None:
    runner, moments = store
    tables, probabilities = runner.tables(), app.policy.stage_probability
    last = _previous_rows(views, tables, probabilities, moments[-1])
    assert {r.currency for r in last} == {"CNY", "USD", "EUR"}
    assert {r.stage for r in last} >= {Stage.WON, Stage.LOST, Stage.CONTACT}
    assert Decimal("0.50") in {r.weighted_amount for r in last}  # 0.505 to even
    assert len({r.customer_id for r in last}) == len(last) - 1  # one merged into another
    flags = {
        (r.stale, r.stage.is_open)
        for at in moments
        for r in _previous_rows(views, tables, probabilities, at)
    }
    assert flags == {(True, True), (False, True), (False, False)}  # stale, fresh, closed
    for at in _moments(moments):
        everything = _previous_rows(views, tables, probabilities, at)
        for wanted in _filters(last):
            expected = _kept(everything, wanted)
            found = list(iter_pipeline(views, tables, probabilities, at, filters=wanted))
            assert found == expected, (at, wanted)
            figures = pipeline_figures(views, tables, probabilities, at, filters=wanted)
            assert vars(figures) == {"as_of": at, **_previous_figures(expected)}, (at, wanted)


def test_pages_walk_every_row_once_in_order(app, views, store) -> None:
    runner, moments = store
    tables, probabilities = runner.tables(), app.policy.stage_probability
    for at in (moments[-12], moments[-1], datetime(2099, 1, 1, tzinfo=UTC)):
        every = list(iter_pipeline(views, tables, probabilities, at))
        assert len(every) > 3
        for limit in (1, 2, 3, len(every), 1000):
            seen: list[PipelineRow] = []
            page = pipeline_page(views, tables, probabilities, at, limit=limit)
            seen += page.rows
            while page.next_cursor is not None:
                assert len(page.rows) == limit
                page = pipeline_page(
                    views, tables, probabilities, None, limit=limit, cursor=page.next_cursor
                )
                assert page.at == at  # the pages stand where the first one stood
                seen += page.rows
            assert seen == every, limit
        assert [(r.opened_at, r.opportunity_id) for r in every] == sorted(
            (r.opened_at, r.opportunity_id) for r in every
        )
        # iterating reads a page at a time and gives the same rows
        assert list(iter_pipeline(views, tables, probabilities, at, page_size=2)) == every


def _first_cursor(views: Any, tables: Any, probabilities: Any, wanted: PipelineFilter) -> str:
    at = datetime(2099, 1, 1, tzinfo=UTC)
    cursor = pipeline_page(views, tables, probabilities, at, limit=1, filters=wanted).next_cursor
    assert cursor is not None
    return cursor


def test_a_cursor_continues_only_the_list_it_came_from(app, views, store) -> None:
    runner, _ = store
    tables, probabilities = runner.tables(), app.policy.stage_probability
    cursor = _first_cursor(views, tables, probabilities, PipelineFilter())
    other = PipelineFilter(owner_id=str(b.ALICE.employee_id))
    with pytest.raises(InvalidCursor, match="made for other filters"):
        pipeline_page(views, tables, probabilities, None, cursor=cursor, filters=other)
    with pytest.raises(InvalidCursor, match="as of 2099-01-01"):
        pipeline_page(views, tables, probabilities, datetime(2026, 5, 1, tzinfo=UTC), cursor=cursor)
    # altered by hand: another starting row under the same digest
    at, opened, _, digest = json.loads(_unpacked(cursor))
    forged = _packed(json.dumps([at, opened, str(uuid4()), digest]))
    with pytest.raises(InvalidCursor, match="altered"):
        pipeline_page(views, tables, probabilities, None, cursor=forged)
    for garbage in ("", "p1.", "p1.!!!", "p2." + cursor[3:], cursor[:-6], _packed("[1,2,3,4]")):
        with pytest.raises(InvalidCursor, match="not a cursor"):
            pipeline_page(views, tables, probabilities, None, cursor=garbage)
    with pytest.raises(ValueError, match="1 to 1000 rows"):
        pipeline_page(views, tables, probabilities, None, limit=1001)


def _unpacked(cursor: str) -> str:
    packed = cursor.removeprefix("p1.")
    return base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4)).decode()


def _packed(body: str) -> str:
    return "p1." + base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")


def test_figures_of_amounts_too_large_for_sqlite_integers_stay_exact(app, views) -> None:
    """Over 10^12 SQLite's integers could overflow in the SQL sums: the figures are then
    made from the rows, with the same result."""
    big, small = uuid4(), uuid4()
    regs = [b.register(name=f"Big {n} Ltd", reg=f"BIG{n:04d}") for n in range(2)]
    moments = _steps(
        app,
        [
            *_opened(regs[0], big, Money.of("987654321012345.6789", "USD")),
            *_opened(regs[1], small, Money.of("0.30", "USD")),
        ],
    )
    runner = ProjectionRunner(Pipeline(), views, ApplicationLog(app))
    runner.catch_up()
    tables, probabilities = runner.tables(), app.policy.stage_probability
    for at in (moments[-1], datetime(2099, 1, 1, tzinfo=UTC)):
        rows = _previous_rows(views, tables, probabilities, at)
        figures = pipeline_figures(views, tables, probabilities, at)
        assert vars(figures) == {"as_of": at, **_previous_figures(rows)}
        assert figures.open_weighted == {"USD": Decimal("49382716050617.30")}


def test_a_filter_is_a_cursors_part(app, views, store) -> None:
    """A cursor of one filter (team) refused for the same list with one more."""
    runner, _ = store
    tables, probabilities = runner.tables(), app.policy.stage_probability
    team = PipelineFilter(team=pb.TEAM)
    cursor = _first_cursor(views, tables, probabilities, team)
    narrower = replace(team, stage=Stage.WON)
    with pytest.raises(InvalidCursor):
        pipeline_page(views, tables, probabilities, None, cursor=cursor, filters=narrower)
    page = pipeline_page(views, tables, probabilities, None, cursor=cursor, filters=team)
    assert all(r.team == pb.TEAM for r in page.rows)


def test_a_view_made_by_version_1_gains_the_column_and_indexes_and_reads_the_same(
    app, views, store
) -> None:
    """A pipeline view made before ``amount_set_at`` and its indexes existed: its runner
    adds them when it starts; the amounts it has no date for are looked up instead."""
    runner, moments = store
    tables = runner.tables()
    opportunities = tables["opportunities"].name
    with views.begin() as conn:
        conn.exec_driver_sql(
            f"DROP INDEX {opportunities.removesuffix('opportunities')}stages_as_of"
        )
        conn.exec_driver_sql(f"ALTER TABLE {opportunities} DROP COLUMN amount_set_at")
    started = ProjectionRunner(Pipeline(), views, ApplicationLog(app))
    with views.connect() as conn:
        empty = conn.execute(select(tables["opportunities"].c.amount_set_at)).scalars().all()
    assert set(empty) == {None}
    assert "stages_as_of" in " ".join(
        i["name"] for i in inspect(views).get_indexes(tables["stages"].name)
    )
    probabilities = app.policy.stage_probability
    for at in _moments(moments):
        rows = _previous_rows(views, started.tables(), probabilities, at)
        assert list(iter_pipeline(views, tables, probabilities, at)) == rows
        figures = pipeline_figures(views, tables, probabilities, at)
        assert vars(figures) == {"as_of": at, **_previous_figures(rows)}
