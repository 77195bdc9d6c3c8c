"""Benchmark (not a test): rebuild every view from a large log, against the raw read rate.

    .venv/bin/python -m benchmarks.rebuild_views --events 1000000 [--db /tmp/log.db] [--repeat 3]

1. ``generate`` (skipped when the file already holds enough events): writes a log of
   realistic opportunity histories on the SQLite default, through the domain model
   (aggregates deciding and recording events) saved in large batches;
2. ``measure`` (run in a fresh process so its peak memory is its own):
   - raw: read and decode the whole log (eventsourcing alone, through the same log
     reader the views use);
   - rebuild: every view rebuilt from position zero (``ReadModels.rebuild``);
   both read pages of the same size (the rebuild's default, 5,000; ``--page-size``),
   and with ``--repeat N`` the pair is measured N times in turn;
   prints events/second for both, their ratio (goal >= 0.25) and the peak resident
   memory of the process (goal < 500 MB, independent of the log's length).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from uuid import NAMESPACE_URL, uuid5

from adapters.bootstrap import bootstrap, build_system
from projections.runner import REBUILD_PAGE_SIZE
from salesdomain import clock
from salesdomain.aggregate import Evidence
from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.opportunities.values import (
    Contact,
    ContactChannel,
    Presentation,
    QuoteLine,
    QuoteTerms,
)
from salesdomain.prospecting.customer import Customer
from salesdomain.prospecting.values import Assessment, ContactPersons, Level, SourceChannel
from salesdomain.sop import Role
from salesdomain.values import Actor, Money
from tests import builders as b

NS = uuid5(NAMESPACE_URL, "salesdomain:benchmark")
REP = Actor(employee_id=uuid5(NS, "rep"), role=Role.SALES_REPRESENTATIVE, name="Bench Rep")
PRODUCTION = Actor(employee_id=uuid5(NS, "production"), role=Role.PRODUCTION, name="Bench Prod")


def _evidence(actor: Actor, n: int) -> Evidence:
    return Evidence(actor, uuid5(NS, f"command {n}"), "Benchmark")


def _deal(index: int, contacts: int, today: date) -> list[object]:
    """A customer and an opportunity taken to won or lost: about ``contacts`` + 15 events."""
    n = index * 1000
    customer = Customer.register(
        _evidence(REP, n),
        company_name=f"Benchmark Company {index}",
        registration_number=f"BM{index:09d}",
        region=("East", "North", "South")[index % 3],
        industry=("Machinery", "Textiles", "Food")[index % 3],
        source_channel=SourceChannel.TRADE_SHOW,
        contacts=ContactPersons(),
    )
    customer.assess(
        _evidence(REP, n + 1),
        Assessment(
            need_intent=Level.HIGH, purchasing_power=Level.HIGH, decision_process="GM signs"
        ),
    )
    customer.qualify(_evidence(REP, n + 2), "Budget approved")
    opp = Opportunity.open(
        _evidence(REP, n + 3),
        opportunity_id=uuid5(NS, f"opportunity {index}"),
        customer=customer,
        title=f"Deal {index}",
        estimated_value=Money.of(100_000, "CNY"),
        expected_close=today + timedelta(days=60),
    )
    for k in range(contacts):
        opp.log_contact(
            _evidence(REP, n + 10 + k),
            Contact(
                channel=ContactChannel.VISIT if k % 3 == 0 else ContactChannel.PHONE,
                occurred_on=today,
                participants=("Bench Rep", "Buyer"),
                notes=f"Follow-up {k}",
            ),
        )
    steps = b.through_acknowledged(opp.id, customer.id, REP)
    for offset, (command, actor) in enumerate(steps[2:], start=500):
        evidence = _evidence(PRODUCTION if actor is b.PAT else REP, n + offset)
        if command.__class__.__name__ == "DiscoverNeeds":
            opp.discover_needs(evidence, command.discovery)
        elif command.__class__.__name__ == "PrioritiseNeeds":
            opp.prioritise_needs(evidence, command.prioritisation)
        elif command.__class__.__name__ == "DesignSolution":
            opp.design_solution(evidence, command.solution)
        elif command.__class__.__name__ == "ConfirmFeasibility":
            opp.confirm_feasibility(evidence, feasible=True, remarks="ok")
        elif command.__class__.__name__ == "PresentSolution":
            opp.present_solution(evidence, Presentation(presented_on=today, formats=("demo",)))
        elif command.__class__.__name__ == "AcknowledgeSolution":
            opp.acknowledge_solution(evidence, acknowledged_by="GM", comments="")
    terms = QuoteTerms(
        lines=(
            QuoteLine(
                product_code="RK-3",
                product_name="Kit",
                specification="RK-3",
                quantity=Decimal(10),
                unit_price=Money.of(10_000, "CNY"),
                unit_cost=Money.of(6_000, "CNY"),
            ),
        ),
        payment_terms="30/70",
        delivery_date=today + timedelta(days=60),
        valid_until=today + timedelta(days=30),
    )
    from salesdomain.policy import SalesPolicy

    opp.issue_quote(
        _evidence(REP, n + 900), terms, pricing_basis="", policy=SalesPolicy(), today=today
    )
    if index % 3:
        opp.accept_quote(_evidence(REP, n + 901), quote_version=1, accepted_by="GM", today=today)
    else:
        opp.mark_lost(_evidence(REP, n + 901), reason="Price", competitor="Rival")
    return [customer, opp]


def generate(db: Path, events: int) -> None:
    app = bootstrap(f"sqlite:///{db}")
    have = app.recorder.max_notification_id() or 0
    base = have  # deals already there are kept; new ones get new names
    index = 0
    simulated = clock.SimulatedClock(datetime(2026, 1, 5, 9, tzinfo=UTC))
    started = time.perf_counter()
    with clock.simulated(simulated):
        while have < events:
            batch = []
            for _ in range(50):
                batch.extend(_deal(base + index, contacts=20, today=simulated().date()))
                index += 1
                simulated.advance(timedelta(minutes=7))
            recordings = app.save(*batch)
            have = recordings[-1].notification.id
            print(f"\rgenerated {have:,} events", end="", file=sys.stderr)
    print(f"\rgenerated {have:,} events in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    app.close()


def measure(db: Path, repeat: int = 1, page_size: int = REBUILD_PAGE_SIZE) -> None:
    """Raw read+decode, then the rebuild of every view, ``repeat`` times in turn (so a
    change in the machine's load touches both sides); both read pages of ``page_size``."""
    system = build_system(f"sqlite:///{db}")
    log = system.views.log
    head = log.head()
    print(f"log: {head:,} events in {db}; pages of {page_size:,}")
    ratios = []
    for run in range(1, repeat + 1):
        started = time.perf_counter()
        position = 0
        while position < head:
            page = log.read(position, page_size)
            position = page[-1][0]
        raw_seconds = time.perf_counter() - started
        raw_rate = head / raw_seconds
        started = time.perf_counter()
        system.views.rebuild(page_size=page_size)
        rebuild_seconds = time.perf_counter() - started
        rebuild_rate = head / rebuild_seconds
        ratios.append(rebuild_rate / raw_rate)
        print(f"run {run}")
        print(f"raw read+decode : {raw_rate:12,.0f} events/s ({raw_seconds:.1f} s)")
        print(
            f"rebuild all views: {rebuild_rate:12,.0f} events/s ({rebuild_seconds:.1f} s), "
            f"views: {', '.join(system.views.runners)}"
        )
        print(f"ratio           : {ratios[-1]:.2f} (goal >= 0.25)")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if repeat > 1:
        print(f"ratio range     : {min(ratios):.2f} - {max(ratios):.2f} over {repeat} runs")
    print(f"peak memory     : {peak_mb:,.0f} MB (goal < 500 MB)")
    system.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/salesdomain-benchmark-log.db"))
    parser.add_argument("--phase", choices=("all", "generate", "measure"), default="all")
    parser.add_argument("--repeat", type=int, default=1, help="measure this many times")
    parser.add_argument("--page-size", type=int, default=REBUILD_PAGE_SIZE)
    args = parser.parse_args()
    if args.phase in ("all", "generate"):
        generate(args.db, args.events)
    if args.phase == "measure":
        measure(args.db, args.repeat, args.page_size)
    elif args.phase == "all":
        subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.rebuild_views",
                "--phase",
                "measure",
                "--db",
                str(args.db),
                "--repeat",
                str(args.repeat),
                "--page-size",
                str(args.page_size),
            ],
            check=True,
        )


if __name__ == "__main__":
    main()
