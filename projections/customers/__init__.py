"""The customers (SOP 2.1.2, 4.1.2): one row per company registered or imported, with
its details, owner and status, searched by name, region, industry, owner and status.

Tables: ``customers`` (the current row per customer) and ``contacts`` (one row per
contact logged, for the last contact).  Reads: ``customers_page`` (a page and the cursor
of the next) and ``iter_customers`` (every row, a page at a time).

The customer and loss analyses of SOP 4.2.1 (ADR 51) read the facts ``facts`` keeps
(completed orders, survey answers, deals and losses): ``customer_analysis``,
``customer_ranking`` and ``loss_analysis``.
"""

from salesdomain.projections.customers.analysis import (
    CustomerAnalysis,
    Share,
    SurveyResults,
    customer_analysis,
)
from salesdomain.projections.customers.losses import (
    LossAnalysis,
    LossGroup,
    PriceGap,
    loss_analysis,
)
from salesdomain.projections.customers.projection import Customers
from salesdomain.projections.customers.queries import (
    ANY,
    CustomerFilter,
    CustomerRow,
    CustomerStatus,
    customers_page,
    iter_customers,
)
from salesdomain.projections.customers.ranking import (
    RANKING_LIMIT,
    CustomerRanking,
    RankedBy,
    RankedCustomer,
    customer_ranking,
)

__all__ = [
    "ANY",
    "RANKING_LIMIT",
    "CustomerAnalysis",
    "CustomerFilter",
    "CustomerRanking",
    "CustomerRow",
    "CustomerStatus",
    "Customers",
    "LossAnalysis",
    "LossGroup",
    "PriceGap",
    "RankedBy",
    "RankedCustomer",
    "Share",
    "SurveyResults",
    "customer_analysis",
    "customer_ranking",
    "customers_page",
    "iter_customers",
    "loss_analysis",
]
