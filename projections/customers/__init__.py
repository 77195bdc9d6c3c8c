"""The customers (SOP 2.1.2, 4.1.2): one row per company registered or imported, with
its details, owner and status, searched by name, region, industry, owner and status.

Tables: ``customers`` (the current row per customer) and ``contacts`` (one row per
contact logged, for the last contact).  Reads: ``customers_page`` (a page and the cursor
of the next) and ``iter_customers`` (every row, a page at a time).
"""

from salesdomain.projections.customers.projection import Customers
from salesdomain.projections.customers.queries import (
    ANY,
    CustomerFilter,
    CustomerRow,
    CustomerStatus,
    customers_page,
    iter_customers,
)

__all__ = [
    "ANY",
    "CustomerFilter",
    "CustomerRow",
    "CustomerStatus",
    "Customers",
    "customers_page",
    "iter_customers",
]
