"""Read: a period's forecast by category against the target (SOP 4.2.3), as it stands
or stood at a moment, and how good it was: the period replayed from its start and each
week's start against what was won (ADR 52); what the reader's sales reach covers."""

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import TypeAdapter
from salesdomain.adapters.web.context import CurrentReader, ReadCtx
from salesdomain.adapters.web.errors import InvalidQuery
from salesdomain.adapters.web.responses import ERROR_RESPONSES
from salesdomain.projections.forecast import (
    ForecastAccuracy,
    ForecastTable,
    forecast_accuracy,
    forecast_table,
)

from salesdomain import clock

router = APIRouter(prefix="/views/forecast", tags=["views: forecast"], responses=ERROR_RESPONSES)

Period = Annotated[
    str,
    Query(max_length=7, description="A month (2027-03), a quarter (2027-Q1) or a year (2027)"),
]
By = Annotated[Literal["rep", "team", "company"], Query(description="The groups")]
Converted = Annotated[
    bool, Query(description="In the policy's reporting currency (ADR 48), not per currency")
]


_TABLE = TypeAdapter(ForecastTable)
_ACCURACY = TypeAdapter(ForecastAccuracy)
"""Amounts as decimal strings, never floats; times and days in ISO 8601."""


def _read(ctx: ReadCtx, converted: bool) -> tuple[Any, Any, int, Any]:
    engine, tables, position = ctx.view("forecast")
    return engine, tables, position, ctx.system.app.policy.currencies if converted else None


@router.get("")
def forecast(
    ctx: ReadCtx,
    reader: CurrentReader,
    period: Period,
    by: By = "rep",
    as_of: Annotated[datetime | None, Query(description="As it stood then")] = None,
    reporting_currency: Converted = False,
) -> dict[str, Any]:
    """The period's forecast per group: won so far and the open deals expected to close
    in it by category, against the revenue target (docs/kpi.md)."""
    engine, tables, position, currencies = _read(ctx, reporting_currency)
    at = as_of or clock.now()
    if at.tzinfo is None:
        raise InvalidQuery("as_of", "give a time zone (Z or +08:00)")
    try:
        found = forecast_table(
            engine, tables, period, at, by=by, reader=reader, currencies=currencies
        )
    except ValueError as error:
        raise InvalidQuery("period", str(error)) from None
    return {"position": position, **_TABLE.dump_python(found, mode="json")}


@router.get("/accuracy")
def accuracy(
    ctx: ReadCtx,
    reader: CurrentReader,
    period: Period,
    by: By = "rep",
    reporting_currency: Converted = False,
) -> dict[str, Any]:
    """How good the period's forecast was: per group, the forecast at its start and at
    each week's start against what was won, with the deals that slipped and were lost."""
    engine, tables, position, currencies = _read(ctx, reporting_currency)
    try:
        found = forecast_accuracy(
            engine, tables, period, clock.now(), by=by, reader=reader, currencies=currencies
        )
    except ValueError as error:
        raise InvalidQuery("period", str(error)) from None
    return {"position": position, **_ACCURACY.dump_python(found, mode="json")}
