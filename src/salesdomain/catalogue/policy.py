"""Policy data of the product catalogue (SOP 2.3.2, 4.1.1): who keeps it, and who may
quote a line for a product that is not in it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from salesdomain.sop import Role


def _default_maintainers() -> frozenset[Role]:
    return frozenset({Role.SALES_MANAGER})


def _default_ad_hoc_quoters() -> frozenset[Role]:
    return frozenset({Role.SALES_REPRESENTATIVE, Role.SALES_SUPERVISOR, Role.SALES_MANAGER})


class CataloguePolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    maintainers: frozenset[Role] = Field(default_factory=_default_maintainers)
    """The roles that list products, set their list prices and standard costs and
    withdraw them.  Listing and withdrawing are steps of 4.1.1, prices and costs of
    2.3.2: a role named here keeps the catalogue where the step is open to it."""
    ad_hoc_quoters: frozenset[Role] = Field(default_factory=_default_ad_hoc_quoters)
    """The roles that may quote an ad-hoc line: a product that is not in the catalogue,
    its name and unit cost typed in (flagged on the quote).  Empty: every quoted line is
    a catalogue product."""
