"""Every field a command carries is bounded, and what is out of bounds is refused by
name with nothing stored (issue: nothing a user sends can break the system).

The cases the fuzzers found are replayed here: NUL bytes and terminal escapes in
text, names past their length, amounts of 10^16, 1e26, 1e999999, unknown currencies,
negative values and prices, dates in year 9999 and year 1, duplicate topics."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
from freezegun import freeze_time

import tests.import_builders as i
from salesdomain import bounds
from salesdomain.commands import COMMANDS, Command
from salesdomain.errors import ImportRefused, InvalidCommand
from salesdomain.people.values import OnboardingTopic
from salesdomain.prospecting import commands as pc
from salesdomain.values import Money
from tests.builders import (
    ALICE,
    MARK,
    TODAY,
    customer_id,
    log_visit,
    open_opportunity,
    qualified_customer,
    quote,
    register,
)
from tests.people_builders import onboard

NOW = "2026-03-02 09:00:00+00:00"  # builders.TODAY, 09:00 UTC


# ---- the schema: every field has a bound -------------------------------------------------


def _unbounded(
    schema: dict[str, Any], defs: dict[str, Any], path: str, seen: set[str]
) -> list[str]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return []
        return _unbounded(defs[name], defs, path, seen | {name})
    found: list[str] = []
    branches = schema.get("anyOf", []) + schema.get("oneOf", []) + schema.get("allOf", [])
    numbers = [b for b in branches if b.get("type") in ("number", "integer")]
    for branch in branches:
        if branch.get("type") == "string" and numbers and "format" not in branch:
            continue  # a Decimal also read from text: bounded by its number branch
        found += _unbounded(branch, defs, path, seen)
    kind = schema.get("type")
    if kind == "string" and "enum" not in schema and "const" not in schema:
        if schema.get("format") not in ("uuid", "date", "date-time") and "maxLength" not in schema:
            found.append(f"{path}: text without maxLength")
    elif kind in ("number", "integer"):
        if "maximum" not in schema and "exclusiveMaximum" not in schema:
            found.append(f"{path}: number without maximum")
    elif kind == "array":
        if "maxItems" not in schema:
            found.append(f"{path}: list without maxItems")
        found += _unbounded(schema.get("items", {}), defs, f"{path}[]", seen)
    elif kind == "object":
        for name, field in schema.get("properties", {}).items():
            found += _unbounded(field, defs, f"{path}.{name}", seen)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            if "maxProperties" not in schema:
                found.append(f"{path}: mapping without maxProperties")
            found += _unbounded(extra, defs, f"{path}{{}}", seen)
    return found


def test_every_text_number_and_list_of_every_command_has_a_bound_in_its_schema() -> None:
    unbounded = []
    for name, command in sorted(COMMANDS.items()):
        schema = command.model_json_schema()
        unbounded += _unbounded(schema, schema.get("$defs", {}), name, set())
    assert unbounded == []


def test_free_text_and_names_publish_their_bounds_and_characters() -> None:
    schema = pc.RegisterProspect.model_json_schema()["properties"]
    assert schema["industry"]["maxLength"] == bounds.NAME_LENGTH
    assert schema["registration_number"]["maxLength"] == bounds.NAME_LENGTH
    assert "pattern" in schema["company_name"]
    reason = pc.QualifyProspect.model_json_schema()["properties"]["reason"]
    assert reason["maxLength"] == bounds.TEXT_LENGTH


# ---- refused by name, from plain data as the adapters send it ----------------------------


def _data(command: Command) -> dict[str, Any]:
    return command.model_dump(mode="json", exclude={"command_id"})


def _set(data: dict[str, Any], path: str, value: object) -> dict[str, Any]:
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return data


_OPP, _CID = uuid4(), uuid4()
_TOO_LONG_NAME = "名" * (bounds.NAME_LENGTH + 1)

CASES = [
    # text: length, NUL, terminal escapes, line breaks in a name, lone surrogates
    (register(), "industry", "x" * (bounds.NAME_LENGTH + 1), "industry"),
    (register(), "company_name", _TOO_LONG_NAME, "company_name"),
    (register(), "company_name", "Acme\x00 Co.", "company_name"),
    (register(), "region", "\x1b]0;owned\x07East", "region"),
    (register(), "region", "East\x1b[2J", "region"),
    (register(), "region", "East\nChina", "region"),
    (register(), "region", "East \u202eanihC", "region"),
    (register(), "region", "East \ud800", "region"),
    (log_visit(_OPP), "contact.notes", "n" * (bounds.TEXT_LENGTH + 1), "contact.notes"),
    (log_visit(_OPP), "contact.notes", "x" * 10_000_000, "contact.notes"),
    (log_visit(_OPP), "contact.notes", "a bell\x07", "contact.notes"),
    # money: size, places, currency, sign
    (open_opportunity(_CID, _OPP), "estimated_value.amount", "1e16", "estimated_value.amount"),
    (open_opportunity(_CID, _OPP), "estimated_value.amount", "1e26", "estimated_value.amount"),
    (
        open_opportunity(_CID, _OPP),
        "estimated_value.amount",
        "1e999999",
        "estimated_value.amount",
    ),
    (open_opportunity(_CID, _OPP), "estimated_value.amount", "0.00001", "estimated_value.amount"),
    (open_opportunity(_CID, _OPP), "estimated_value.amount", "-1", "estimated_value"),
    (open_opportunity(_CID, _OPP), "estimated_value.currency", "XYZ", "estimated_value.currency"),
    (open_opportunity(_CID, _OPP), "estimated_value.currency", "XTS", "estimated_value.currency"),
    # dates, quantities, totals
    (open_opportunity(_CID, _OPP), "expected_close", "9999-12-31", "expected_close"),
    (quote(_OPP), "delivery_date", "9999-12-31", "delivery_date"),
    (quote(_OPP), "lines.0.unit_cost.amount", "1e30", "lines.0.unit_cost.amount"),
    (quote(_OPP), "lines.0.quantity", "1e999999", "lines.0.quantity"),
    (
        onboard(uuid4()),
        "topics",
        [t.value for t in (*OnboardingTopic, OnboardingTopic.PRODUCTS)],
        "topics",
    ),
]


@pytest.mark.parametrize(("command", "path", "value", "field"), CASES)
def test_out_of_bounds_data_is_refused_naming_the_field(
    command: Command, path: str, value: object, field: str
) -> None:
    data = _set(_data(command), path, value)
    with pytest.raises(InvalidCommand) as refused:
        type(command).build(data)
    assert any(name.startswith(field) for name in refused.value.fields), refused.value


def test_line_breaks_and_tabs_are_kept_in_free_text() -> None:
    data = _set(_data(log_visit(_OPP)), "contact.notes", "Line one\r\n\tLine two")
    assert type(log_visit(_OPP)).build(data).contact.notes == "Line one\r\n\tLine two"  # type: ignore[attr-defined]


def test_amounts_at_the_bounds_are_accepted() -> None:
    largest = Money.of("999999999999999.9999", "CNY")
    assert str(largest) == "1,000,000,000,000,000.00 CNY"
    assert largest.times(1).amount == largest.amount


# ---- through the application: refused with nothing stored, on every store ----------------


@freeze_time(NOW)
def test_a_quote_whose_total_passes_the_bound_is_invalid_and_stores_nothing(spec) -> None:
    reg = register()
    cid = customer_id(reg)
    opp = uuid4()
    spec.given(*qualified_customer(reg), (open_opportunity(cid, opp), ALICE))
    data = _data(quote(opp))
    data["lines"] = [
        {**data["lines"][0], "product_code": f"P-{n}", "quantity": "900000000"} for n in range(2)
    ]
    data["lines"][0]["unit_price"]["amount"] = "999999"
    with pytest.raises(InvalidCommand) as refused:
        spec.app.handle_data("IssueQuote", data, ALICE)
    assert "lines" in refused.value.fields


@freeze_time(NOW)
def test_a_new_opportunity_is_not_expected_to_close_in_the_past(spec) -> None:
    reg = register()
    cid = customer_id(reg)
    late = open_opportunity(cid, uuid4()).model_copy(
        update={"expected_close": TODAY - timedelta(days=1)}
    )
    spec.given(*qualified_customer(reg)).when(late, ALICE).then_refused(
        "opportunity_closes_today_or_later"
    )


@freeze_time(NOW)
def test_a_competitor_price_below_zero_is_refused(spec) -> None:
    data = {
        "subject_kind": "market",
        "subject": "East China CNC",
        "competitor_prices": [
            {
                "competitor": "Rival",
                "product_code": "RK-3",
                "price": {"amount": "-5", "currency": "CNY"},
                "observed_on": str(TODAY),
            }
        ],
    }
    with pytest.raises(InvalidCommand) as refused:
        spec.app.handle_data("RecordMarketResearch", data, MARK)
    assert refused.value.fields == ("competitor_prices.0.price",)


@freeze_time(NOW)
def test_imported_dates_and_amounts_outside_the_bounds_are_named_by_line(spec) -> None:
    spec.given((i.customers(i.ACME), i.OLGA))
    error = spec.when(
        i.orders(
            i.order_line(ordered="0001-01-01", delivered="0001-01-02"),
            i.order_line("SO-2", price="10000000000000000"),
            i.order_line("SO-3", quantity="2000000000"),
        ),
        i.OLGA,
    ).then_rejected(ImportRefused, step="4.1.2")
    assert [str(p) for p in error.lines] == [  # type: ignore[attr-defined]
        "line 2, ordered_on: 0001-01-01 is not between 1900-01-01 and 2199-12-31",
        "line 2, delivered_on: 0001-01-02 is not between 1900-01-01 and 2199-12-31",
        "line 3, unit_price: must be less than 1,000,000,000,000,000 (10000000000000000)",
        "line 4, quantity: must be less than 1,000,000,000 (2000000000)",
    ]


def test_postgresql_is_reached_through_psycopgs_c_implementation() -> None:
    """The pure-Python implementation could hang a large write in pipeline mode while
    holding the events table's lock; the project installs the C one (psycopg[binary])."""
    import psycopg

    assert psycopg.pq.__impl__ in ("binary", "c")


def test_a_refusal_is_told_in_the_rules_own_words() -> None:
    data = _set(_data(register()), "region", "East\x1b[2J")
    with pytest.raises(InvalidCommand) as refused:
        pc.RegisterProspect.build(data)
    assert str(refused.value) == (
        "RegisterProspect has invalid data: "
        "region: must not contain a control character (U+001B at character 5)"
    )
