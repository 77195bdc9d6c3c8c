"""One line per import event, in the SOP's words: what was taken over, from where."""

from __future__ import annotations

from salesdomain.narrative import Describer, money

DESCRIPTIONS: dict[str, Describer] = {
    "Customer.Imported": lambda e: (
        f"Customer {e.company_name} ({e.region}, {e.industry}) imported from "
        f"{e.imported_from} line {e.line}"
    ),
    "HistoricalOrder.Imported": lambda e: (
        f"Order {e.order_number} of {e.customer_name}, delivered {e.delivered_on}, "
        f"{money(e.amount)} ({len(e.lines.lines)} line(s)), imported from {e.imported_from} "
        f"line{'s' if len(e.source_lines.numbers) > 1 else ''} "
        + ", ".join(str(n) for n in e.source_lines.numbers)
    ),
}
