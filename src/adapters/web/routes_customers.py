"""Read: the customer list (SOP 2.1.2, 4.1.2), searched by name, region, industry,
owner and status, a page at a time."""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict
from salesdomain.adapters.web import params
from salesdomain.adapters.web.context import CurrentReader, ReadCtx
from salesdomain.adapters.web.responses import ERROR_RESPONSES
from salesdomain.adapters.web.rows import row_model
from salesdomain.projections.customers import (
    CustomerFilter,
    CustomerRow,
    CustomerStatus,
    customers_page,
)

router = APIRouter(prefix="/views/customers", tags=["views: customers"], responses=ERROR_RESPONSES)


@dataclass(frozen=True)
class CustomerFilters:
    """Which customers: a part of the company name (any case), the region, industry,
    owner and status (each optional)."""

    name: Annotated[str | None, params.name("A part of the company name, in any case")] = None
    region: Annotated[str | None, params.name("The customer's region")] = None
    industry: Annotated[str | None, params.name("The customer's industry")] = None
    owner_id: UUID | None = None
    status: CustomerStatus | None = None

    def chosen(self) -> CustomerFilter:
        owner = None if self.owner_id is None else str(self.owner_id)
        return CustomerFilter(self.name, self.region, self.industry, owner, self.status)


Filters = Annotated[CustomerFilters, Depends()]
if TYPE_CHECKING:
    CustomerRowOut = CustomerRow
else:
    CustomerRowOut = row_model(CustomerRow)


class CustomersOut(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    position: int
    """The log position the view shows (every event up to it is counted)."""
    as_at: datetime
    """When the first page was read (the customers as they are now)."""
    rows: list[CustomerRowOut]
    """In the order of the company names (in any case), then ids."""
    next_cursor: str | None
    """For the next page (``cursor=``); ``null``: this is the last page."""


@router.get("", response_model=CustomersOut)
def customers(
    ctx: ReadCtx, reader: CurrentReader, filters: Filters, page: params.Paging
) -> CustomersOut:
    """The customers the reader may see (a sales representative: those they own), with
    their details, owner, status and last contact; a page at a time, by name (follow
    ``next_cursor`` until it is ``null``)."""
    engine, tables, position = ctx.view("customers")
    found = customers_page(
        engine,
        tables,
        page.at(),
        filters=filters.chosen(),
        reader=reader,
        limit=page.limit,
        cursor=page.cursor,
    )
    return CustomersOut(
        position=position, as_at=found.at, rows=found.rows, next_cursor=found.next_cursor
    )
