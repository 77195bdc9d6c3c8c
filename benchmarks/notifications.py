"""Benchmark (not a test): a round of the warnings (SOP 4.2.4, ADR 54) on a store with
many open deadlines.

    .venv/bin/python -m benchmarks.notifications [--complaints 2000] [--url URL]

Generates (once per store) a staff register and N complaints, each received, classified
high and assigned to one of ten after-sales employees, none answered; then, as at a
moment when all are overdue: the first round's raising (the conformance and KPI views
caught up first, timed apart), a second raising (nothing new: the cost of a quiet round),
and the delivery of the 2N warnings (the assignee and her manager) to a local SMTP
server (aiosmtpd), in messages per second; and the peak resident memory.
"""

from __future__ import annotations

import argparse
import resource
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid5

from aiosmtpd.controller import Controller
from salesdomain.adapters.bootstrap import build_system
from salesdomain.adapters.mail import MailSettings, Sender
from salesdomain.adapters.notifying import WATCHED
from salesdomain.projections.notifications import raise_warnings
from salesdomain.projections.notifications.outbox import outbox
from sqlalchemy import delete

from salesdomain import clock
from salesdomain.aftersales import commands as ac
from salesdomain.aftersales import values as av
from salesdomain.people import commands as hc
from salesdomain.people import values as hv
from salesdomain.prospecting import commands as pc
from salesdomain.prospecting.customer import Customer
from salesdomain.prospecting.values import ContactPerson, SourceChannel
from salesdomain.sop import Role
from salesdomain.values import Actor, Money

START = datetime(2026, 3, 2, 9, tzinfo=UTC)
ID = UUID("8a7e1f0c-62d4-4d55-9a3b-4e6f7469636e")
SERVICE_STAFF = 10


def _actor(name: str, role: Role) -> Actor:
    return Actor(employee_id=uuid5(ID, name), name=name, role=role)


HANNA = _actor("Hanna HR", Role.HR)
MIA = _actor("Mia Manager", Role.SALES_MANAGER)
ALICE = _actor("Alice Rep", Role.SALES_REPRESENTATIVE)
SERVICE = [_actor(f"Service {n}", Role.AFTER_SALES) for n in range(SERVICE_STAFF)]


def _enrol(who: Actor, manager: Actor | None, founder: bool = False) -> hc.EnrolEmployee:
    return hc.EnrolEmployee(
        employee_id=who.employee_id,
        name=who.name,
        position=who.role.label.title(),
        team="Service" if who.role is Role.AFTER_SALES else "Sales",
        manager_id=None if manager is None else manager.employee_id,
        roles=(who.role,),
        salary=Money(amount=Decimal(10000), currency="CNY"),
        start_date=date(2024, 1, 8),
        exception=None
        if founder
        else hv.EnrolmentException(
            approved_by=MIA.employee_id,
            approver_role=MIA.role,
            reason="Hired before the system existed",
            onboarded=True,
        ),
    )


def generate(url: str, complaints: int) -> None:
    system = build_system(url, verify_actors=False)
    if system.views.log.head() > 0:
        system.close()
        return
    with clock.simulated(clock.SimulatedClock(START)):
        steps = [(_enrol(HANNA, None, founder=True), HANNA), (_enrol(MIA, None), HANNA)]
        steps += [(_enrol(ALICE, MIA), HANNA)] + [(_enrol(s, MIA), HANNA) for s in SERVICE]
        for command, actor in steps:
            system.app.handle(command, actor)
        for n in range(complaints):
            reg = pc.RegisterProspect(
                company_name=f"Customer {n} Co., Ltd.",
                registration_number=f"9133{n:014d}",
                region="East China",
                industry="Machinery",
                source_channel=SourceChannel.TRADE_SHOW,
                contacts=(ContactPerson(name="Chen Wei", title="Purchasing Manager"),),
            )
            case = uuid5(ID, f"case {n}")
            cid = Customer.id_for(reg.company_name, reg.registration_number)
            for command, actor in (
                (reg, ALICE),
                (
                    ac.ReceiveFeedback(
                        service_case_id=case,
                        customer_id=cid,
                        channel=av.FeedbackChannel.PHONE,
                        description="Spindle overheats",
                    ),
                    ALICE,
                ),
                (
                    ac.ClassifyFeedback(
                        service_case_id=case,
                        kind=av.FeedbackKind.COMPLAINT,
                        severity=av.Severity.HIGH,
                    ),
                    ALICE,
                ),
                (
                    ac.AssignServiceCase(service_case_id=case, assignee=SERVICE[n % SERVICE_STAFF]),
                    ALICE,
                ),
            ):
                system.app.handle(command, actor)
    system.close()


class _Count:
    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.received += 1
        return "250 OK"


def measure(url: str, port: int) -> None:
    system = build_system(url)
    with system.store.begin() as conn:  # this benchmark's own store: every run from empty
        conn.execute(delete(outbox))
    now = START + timedelta(days=2)
    started = time.perf_counter()
    system.views.catch_up(only=WATCHED)
    caught = time.perf_counter() - started
    started = time.perf_counter()
    raised = raise_warnings(system.views, system.store, system.app.policy, now)
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = raise_warnings(system.views, system.store, system.app.policy, now)
    quiet = time.perf_counter() - started
    counter = _Count()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    addresses = {p.employee_id: f"{p.name.replace(' ', '.')}@example.com" for p in [MIA, *SERVICE]}
    settings = MailSettings(port=port, sender="sop@example.com", addresses=addresses)
    started = time.perf_counter()
    delivered = Sender(system.store, settings, now=lambda: now).deliver()
    sending = time.perf_counter() - started
    controller.stop()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    head = system.views.log.head()
    print(f"store: {url} ({head:,} log positions)")
    print(f"views caught up     : {caught:.1f} s")
    print(f"first round, raised : {len(raised):,} warnings in {first:.2f} s")
    print(f"quiet round         : {len(again)} new in {quiet:.2f} s")
    print(
        f"sent                : {len(delivered.sent):,} in {sending:.1f} s, "
        f"{len(delivered.sent) / sending:,.0f} messages/s (server got {counter.received:,})"
    )
    print(f"peak memory         : {peak_mb:,.0f} MB")
    system.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=2000)
    parser.add_argument("--url", default="sqlite:////tmp/salesdomain-notifications.db")
    parser.add_argument("--port", type=int, default=8025)
    args = parser.parse_args()
    generate(args.url, args.complaints)
    measure(args.url, args.port)


if __name__ == "__main__":
    main()
