"""Read: competitor prices against our list prices (SOP 2.1.1, 2.3.2), by product, a page
at a time."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict
from salesdomain.adapters.web import params
from salesdomain.adapters.web.context import CurrentReader, ReadCtx
from salesdomain.adapters.web.responses import ERROR_RESPONSES
from salesdomain.adapters.web.rows import row_model
from salesdomain.projections.prices import PriceComparison, prices_page

router = APIRouter(prefix="/views/prices", tags=["views: prices"], responses=ERROR_RESPONSES)

if TYPE_CHECKING:
    PriceComparisonOut = PriceComparison
else:
    PriceComparisonOut = row_model(PriceComparison)


class PricesOut(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    position: int
    """The log position the view shows (every event up to it is counted)."""
    as_at: datetime
    """When the first page was read."""
    rows: list[PriceComparisonOut]
    """By product code (in any case), the day observed, then the order recorded."""
    next_cursor: str | None
    """For the next page (``cursor=``); ``null``: this is the last page."""


@router.get("", response_model=PricesOut)
def prices(
    ctx: ReadCtx,
    reader: CurrentReader,
    page: params.Paging,
    product: Annotated[str | None, params.name("A product code, in any case")] = None,
) -> PricesOut:
    """Each competitor price market research recorded, beside our list price of the same
    product in the same currency on the day it was observed, and the difference; for
    readers of sales records (the others read no rows).  A page at a time (follow
    ``next_cursor`` until it is ``null``)."""
    engine, tables, position = ctx.view("prices")
    found = prices_page(
        engine,
        tables,
        page.at(),
        product=product,
        reader=reader,
        limit=page.limit,
        cursor=page.cursor,
    )
    return PricesOut(
        position=position, as_at=found.at, rows=found.rows, next_cursor=found.next_cursor
    )
