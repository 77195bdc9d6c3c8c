"""A business case opened through the command line, and the store's own system for
looking behind the CLI (tampering with a view, reading what was stored)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from salesdomain.adapters.bootstrap import System, build_system

from tests.cli_helpers import Cli

PROSPECT = {
    "company_name": "Ningbo Harbour Logistics Ltd.",
    "region": "East China",
    "industry": "Logistics",
    "source_channel": "trade_show",
    "contacts": [{"name": "Zhou Min", "title": "Purchasing lead", "email": "zhou@nhl.example"}],
}


@dataclass(frozen=True)
class OpenedCase:
    customer: str
    opportunity: str
    subject: str
    """The contact person's subject id."""
    entries: list[dict[str, Any]]
    """The audit trail after the case was opened (JSON)."""

    def entry(self, event_type: str) -> dict[str, Any]:
        return next(e for e in self.entries if e["event_type"] == event_type)


def open_case(cli: Cli) -> OpenedCase:
    """Alice registers, assesses and qualifies a prospect, then opens an opportunity."""
    registered = cli.json(
        "run", "RegisterProspect", "--as", "Alice Wang", input=json.dumps(PROSPECT)
    )
    customer = registered["events"][0]["aggregate_id"]
    assessment = {"need_intent": "high", "purchasing_power": "high", "decision_process": "GM"}
    for name, data in (
        ("AssessProspect", {"customer_id": customer, "assessment": assessment}),
        ("QualifyProspect", {"customer_id": customer, "reason": "Budget approved"}),
    ):
        cli.ok("run", name, "--as", "Alice Wang", input=json.dumps(data))
    opened = cli.json(
        "run",
        "OpenOpportunity",
        "--as",
        "Alice Wang",
        input=json.dumps(
            {
                "customer_id": customer,
                "title": "Harbour cranes",
                "expected_close": "2030-06-30",
                "estimated_value": {"amount": "250000", "currency": "CNY"},
            }
        ),
    )
    state = cli.json("as-of", "record", "customer", customer, "--version", "1")
    (contact,) = state["contacts"]
    return OpenedCase(
        customer=customer,
        opportunity=opened["events"][0]["aggregate_id"],
        subject=contact["subject_id"],
        entries=cli.json("audit"),
    )


@contextmanager
def behind(cli: Cli) -> Iterator[System]:
    """The system the CLI works on: the shared one on ``memory://``, else its own."""
    if cli.shared is not None:
        yield cli.shared
        return
    system = build_system(cli.url)
    try:
        yield system
    finally:
        system.close()
