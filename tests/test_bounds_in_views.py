"""Whatever the domain accepts, every view can hold (issue: views cannot be poisoned).

The property: the demo's quarter (every SOP area, every view) is run with every name
and every free text of every command filled to its bound with characters drawn by
hypothesis (multibyte text, emoji, quotes, tabs and line breaks where allowed), and a
deal is quoted at the largest amount; all views then apply the whole log, on the
in-memory store, a SQLite file and PostgreSQL, and none stops."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import psycopg
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from salesdomain.adapters.bootstrap import build_system
from salesdomain.adapters.demo.company import _Company
from salesdomain.adapters.demo.quarter import _Quarter
from sqlalchemy import func, select

from salesdomain import bounds, clock
from salesdomain.aftersales.commands import StartSatisfactionSurvey
from salesdomain.aftersales.satisfaction_survey import SatisfactionSurvey
from salesdomain.commands import Command
from salesdomain.opportunities.commands import IssueQuote, OpenOpportunity
from salesdomain.prospecting.commands import RegisterProspect
from salesdomain.prospecting.customer import Customer
from salesdomain.prospecting.values import normalised_name
from salesdomain.values import Money
from tests.builders import ALICE, PAT, lines, register, won_deal

_FILLERS = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cc", "Cs", "Zl", "Zp"),
        blacklist_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\x85",
    ),
    min_size=8,
    max_size=40,
).filter(lambda s: s.strip() == s and s.strip() != "")


def _filled(value: str, limit: int, filler: str, *, lines: bool) -> str:
    if lines:
        filler = filler + "\n\t" + filler
    tail = (filler * (limit // len(filler) + 1))[: limit - len(value) - 1]
    return (value + " " + tail).rstrip()[:limit] if tail else value


def _fill(data: Any, schema: dict[str, Any], defs: dict[str, Any], filler: str) -> Any:
    if "$ref" in schema:
        return _fill(data, defs[schema["$ref"].rsplit("/", 1)[-1]], defs, filler)
    for branch in schema.get("anyOf", []):
        if data is not None and branch.get("type") != "null":
            return _fill(data, branch, defs, filler)
    pattern = schema.get("pattern")
    if data and isinstance(data, str) and pattern in (bounds.TEXT_PATTERN, bounds.LINE_PATTERN):
        lines = pattern == bounds.TEXT_PATTERN
        return _filled(data, schema["maxLength"], filler, lines=lines)
    if isinstance(data, list):
        return [_fill(item, schema.get("items", {}), defs, filler) for item in data]
    if isinstance(data, dict):
        fields = schema.get("properties", {})
        return {k: _fill(v, fields.get(k, {}), defs, filler) for k, v in data.items()}
    return data


def _renamed(data: Any, ids: dict[str, str]) -> Any:
    if isinstance(data, str):
        return ids.get(data, data)
    if isinstance(data, list):
        return [_renamed(item, ids) for item in data]
    if isinstance(data, dict):
        return {k: _renamed(v, ids) for k, v in data.items()}
    return data


def at_the_bounds(command: Command, filler: str, ids: dict[str, str] | None = None) -> Command:
    """``command`` with every name and free text filled up to its bound; ``ids`` maps
    the ids of records named by their text (customers) to the ids of the filled ones."""
    ids = {} if ids is None else ids
    schema = type(command).model_json_schema()
    data = _renamed(command.model_dump(mode="json"), ids)
    filled = type(command).model_validate(_fill(data, schema, schema.get("$defs", {}), filler))
    if isinstance(command, RegisterProspect) and isinstance(filled, RegisterProspect):
        # the same company under another spelling stays the same company when filled
        same = ids.setdefault(f"name:{normalised_name(command.company_name)}", filled.company_name)
        filled = filled.model_copy(update={"company_name": same})
        original = Customer.id_for(command.company_name, command.registration_number)
        ids[str(original)] = str(Customer.id_for(filled.company_name, filled.registration_number))
    if isinstance(command, StartSatisfactionSurvey) and isinstance(filled, StartSatisfactionSurvey):
        original = SatisfactionSurvey.id_for(command.customer_id, command.period)
        ids[str(original)] = str(SatisfactionSurvey.id_for(filled.customer_id, filled.period))
    return filled


@contextmanager
def _fresh(store_url: str) -> Iterator[str]:
    """A store of its own for one example (hypothesis runs several in one test)."""
    if store_url.startswith("sqlite:///"):
        yield store_url.replace("events.db", f"events-{uuid4().hex}.db")
    elif store_url.startswith("postgresql"):
        schema = f"t_{uuid4().hex[:16]}"
        yield f"{store_url.split('?')[0]}?schema={schema}"
        with psycopg.connect(store_url.split("?")[0], autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    else:
        yield store_url


def _the_largest_deal(company: _Company) -> None:
    """A deal quoted and won at amounts just below the bound, by the demo's people."""
    people = {ALICE: company.alice, PAT: company.pat}
    reg = register("Largest Deal Co., Ltd.", "91330100MA27XX9999")
    opp = uuid4()
    largest = bounds.AMOUNT_LIMIT - Decimal("0.0001")
    steps = won_deal(opp, reg)
    for command, actor in steps:
        if isinstance(command, OpenOpportunity):
            command = command.model_copy(update={"estimated_value": Money.of(largest, "CNY")})
        if isinstance(command, IssueQuote):
            # a product the demo's catalogue does not list: an ad-hoc line, its cost typed in
            top = tuple(
                line.model_copy(update={"product_code": "XL-1"})
                for line in lines(price="9999999999999.9999", cost="5999999999999", qty="99.9999")
            )
            command = command.model_copy(
                update={
                    "lines": top,
                    "delivery_date": company.today + timedelta(days=60),
                    "valid_until": company.today + timedelta(days=30),
                }
            )
        company.app.handle(command, people[actor])


def _run_at_the_bounds(store_url: str, filler: str) -> None:
    with _fresh(store_url) as url:
        _run_on(url, filler)


def _run_on(store_url: str, filler: str) -> None:
    system = build_system(store_url)
    try:
        handle: Callable[..., Any] = system.app.handle
        ids: dict[str, str] = {}

        def filled(command: Command, actor: Any, **kw: Any) -> Any:
            return handle(at_the_bounds(command, filler, ids), actor, **kw)

        system.app.handle = filled  # type: ignore[method-assign]
        company = _Company(system, seed=7)
        with clock.simulated(company.clock):
            _Quarter(company).run()
            system.app.handle = handle  # type: ignore[method-assign]
            _the_largest_deal(company)
        system.views.catch_up()
        assert system.views.stopped == {}, system.views.stopped
        assert all(s.status == "active" for s in system.views.status())
        runner = system.views.runner("pipeline")
        deals = runner.tables()["opportunities"]
        with runner.engine.connect() as conn:
            longest = conn.execute(select(func.max(func.length(deals.c.customer_name)))).scalar()
        assert longest == bounds.NAME_LENGTH
    finally:
        system.close()


@settings(
    max_examples=2,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failure names its filler
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(filler=_FILLERS)
def test_every_view_applies_a_quarter_of_commands_filled_to_their_bounds(
    store_url: str, filler: str
) -> None:
    _run_at_the_bounds(store_url, filler)
