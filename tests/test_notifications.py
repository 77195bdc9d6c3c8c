"""Warnings before a limit is missed (SOP 4.2.4, ADR 54): Given a history and a moment /
When a round works out the warnings due and sends them / Then each warning reaches each
recipient the policy names once, by e-mail to a real SMTP server, on memory, a SQLite
file and PostgreSQL; worked out again (a later round, the views rebuilt) nothing is
sent twice."""

from __future__ import annotations

import threading
from dataclasses import fields
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from freezegun import freeze_time
from salesdomain.adapters.mail import Delivered, Sender
from salesdomain.adapters.notifying import warning_round
from salesdomain.projections.conformance.staff import Member
from salesdomain.projections.kpi.figures import KpiRow
from salesdomain.projections.notifications import notifications_page
from salesdomain.projections.notifications.warnings import elapsed_share, kpi_notices

from salesdomain.aftersales.values import Severity
from salesdomain.notifications import Addressee, KpiFloor, NotificationPolicy, WarningKind
from salesdomain.sop import Role
from tests import builders as b
from tests import people_builders as pb
from tests.builders import ALICE, DAN, MIA
from tests.smtp_support import mail_settings, smtp_server
from tests.test_aftersales_rules import ADA, assign, classify, receive, respond

MARCH = datetime(2026, 3, 2, 9, tzinfo=UTC)
"""When the feedback is received (high severity: to be answered within 24 hours)."""
ADDRESSES = {
    ADA.employee_id: "ada@example.com",
    MIA.employee_id: "mia@example.com",
    ALICE.employee_id: "alice@example.com",
}


def staff() -> list:
    """Hanna (HR) founds the register; Dan directs, Mia manages the sales team, Alice sells
    in it, Ada answers complaints, all three under Mia."""
    return [
        pb.enrol(pb.HANNA.name, Role.HR, founder=True),
        pb.enrol(DAN.name, Role.SALES_DIRECTOR, approver=MIA),
        pb.enrol(MIA.name, Role.SALES_MANAGER, DAN.employee_id),
        pb.enrol(ALICE.name, Role.SALES_REPRESENTATIVE, MIA.employee_id),
        pb.enrol(ADA.name, Role.AFTER_SALES, MIA.employee_id, team="After-sales"),
    ]


def complaint(system, at: datetime, company: str) -> UUID:
    """Feedback received ``at``, classified high and assigned to Ada, not answered."""
    case, reg = uuid4(), b.register(company, reg="")
    with freeze_time(at):
        for command, actor in (
            *b.qualified_customer(reg),
            (receive(b.customer_id(reg), case), ALICE),
            (classify(case, severity=Severity.HIGH), ALICE),
            (assign(case), ALICE),
        ):
            system.app.handle(command, actor)
    return case


def founded(system) -> None:
    with freeze_time(MARCH - timedelta(days=30)):
        for command, actor in staff():
            system.app.handle(command, actor)


def rounds(system, port: int, *moments: datetime) -> list:
    sender = Sender(system.store, mail_settings(port, ADDRESSES), now=lambda: moments[0])
    done = []
    for moment in moments:
        sender.now = lambda moment=moment: moment
        done.append(warning_round(system, sender, moment))
    return done


def test_a_deadline_is_warned_before_it_and_once_overdue_each_warning_sent_once(system):
    # Given a complaint Ada must answer by MARCH + 24 hours (the policy warns 24 hours before)
    founded(system)
    complaint(system, MARCH, "Hangzhou Precision Co., Ltd.")
    with smtp_server() as (inbox, port):
        # When rounds run an hour after it came in, again an hour later, and once overdue
        first, again, overdue = rounds(
            system,
            port,
            MARCH + timedelta(hours=1),
            MARCH + timedelta(hours=2),
            MARCH + timedelta(hours=25),
        )
    # Then Ada is warned once before, and she and her manager once it is overdue
    assert len(first.raised) == 1
    assert first.delivered.sent == [str(first.raised[0])]
    assert again.raised == []
    assert again.delivered.sent == []
    assert len(overdue.raised) == 2
    assert len(overdue.delivered.sent) == 2
    assert inbox.to() == ["ada@example.com", "ada@example.com", "mia@example.com"] or (
        inbox.to() == ["ada@example.com", "mia@example.com", "ada@example.com"]
    )
    subjects = [str(m["Subject"]) for m in inbox.messages]
    assert subjects[0] == (
        "[2.6.1] feedback from Hangzhou Precision Co., Ltd.: is due 2026-03-03 09:00 UTC"
    )
    assert all(s.endswith("was due 2026-03-03 09:00 UTC") for s in subjects[1:])
    sent = [str(n) for n in first.raised + overdue.raised]
    assert sorted(inbox.ids()) == sorted(f"<{n}@example.com>" for n in sent)
    assert {m["X-Salesdomain-Warning"] for m in inbox.messages} == {
        "deadline_approaching",
        "deadline_overdue",
    }


def test_the_views_rebuilt_the_warnings_worked_out_again_are_not_sent_again(system):
    # Given a complaint whose warnings were sent
    founded(system)
    complaint(system, MARCH, "Suzhou Gears Ltd.")
    overdue = MARCH + timedelta(hours=30)
    with smtp_server() as (inbox, port):
        rounds(system, port, overdue)
        assert len(inbox.messages) == 2
        # When the views they come from are rebuilt from the log, and a round runs again
        system.views.rebuild(["conformance", "kpi"])
        (again,) = rounds(system, port, overdue + timedelta(hours=1))
    # Then the same warnings are found again, known and not sent
    assert again.raised == []
    assert again.delivered.sent == []
    assert len(inbox.messages) == 2


def test_a_recipient_without_an_address_is_listed_undeliverable_and_a_failed_relay_retried(
    system,
):
    # Given a complaint overdue; Mia has no address, and the relay is down at first
    founded(system)
    complaint(system, MARCH, "Ningbo Tools Ltd.")
    overdue = MARCH + timedelta(hours=30)
    with smtp_server() as (inbox, port):
        down = Sender(
            system.store,
            mail_settings(port + 1 if port < 65535 else port - 1, {ADA.employee_id: "a@x.org"}),
            now=lambda: overdue,
        )
        failed = warning_round(system, down, overdue)
        # Then Ada's warning failed and waits to be retried; Mia's is undeliverable
        assert len(failed.delivered.failed) == 1
        assert len(failed.delivered.undeliverable) == 1
        page = notifications_page(system.store, overdue, recipient=ADA.employee_id)
        (ada,) = page.rows
        assert (ada.status, ada.attempts) == ("pending", 1)
        assert ada.last_error is not None
        assert "Error" in ada.last_error
        mias = notifications_page(system.store, overdue, recipient=MIA.employee_id).rows
        assert [(n.status, n.last_error) for n in mias] == [
            ("undeliverable", "no e-mail address known")
        ]
        # When the relay is up: not before the retry is due, then once
        up = Sender(system.store, mail_settings(port, ADDRESSES), now=lambda: overdue)
        assert up.deliver().sent == []
        up.now = lambda: overdue + timedelta(minutes=5)
        assert up.deliver().sent == [ada.notification_id]
    assert inbox.to() == ["ada@example.com"]


def test_a_warning_no_longer_due_before_it_was_sent_is_withdrawn_not_sent(system):
    # Given a complaint whose approaching warning waits in the outbox (no sender yet)
    founded(system)
    case = complaint(system, MARCH, "Wuxi Pumps Ltd.")
    (waiting,) = warning_round(system, None, MARCH + timedelta(hours=1)).raised
    # When Ada answers it in time, and a round runs with the relay up
    with freeze_time(MARCH + timedelta(hours=3)):
        system.app.handle(respond(case), ADA)
    with smtp_server() as (inbox, port):
        (done,) = rounds(system, port, MARCH + timedelta(hours=4))
    # Then the warning is withdrawn, never sent
    assert done.raised == []
    assert done.delivered.sent == []
    assert inbox.messages == []
    (found,) = notifications_page(system.store, MARCH + timedelta(hours=5)).rows
    assert (found.notification_id, found.status) == (str(waiting), "withdrawn")


def test_a_kpi_behind_its_floor_warns_the_rep_and_the_manager_once_a_month(system):
    # Given Alice's and her team's March revenue targets, and no revenue yet
    founded(system)
    with freeze_time(MARCH):
        for command, actor in (
            (pb.target("2026-03", emp_id=ALICE.employee_id, revenue="50000"), MIA),
            (pb.target("2026-03", team=pb.TEAM, revenue="100000"), DAN),
        ):
            system.app.handle(command, actor)
    # When rounds run in the grace days, then mid-month, then again
    early = warning_round(system, None, datetime(2026, 3, 5, tzinfo=UTC))
    mid = warning_round(system, None, datetime(2026, 3, 16, tzinfo=UTC))
    later = warning_round(system, None, datetime(2026, 3, 20, tzinfo=UTC))
    # Then none in the grace days; mid-month Alice and Mia for Alice's, Mia and Dan for
    # the team's (Mia leads it, Dan is her manager); nothing new later in the month
    assert early.raised == []
    assert later.raised == []
    found = notifications_page(system.store, datetime(2026, 3, 31, tzinfo=UTC)).rows
    assert sorted((n.kind, n.recipient_id, n.subject) for n in found) == sorted(
        [
            ("kpi_below_floor", str(ALICE.employee_id), "[4.2.4] Alice Rep: " + REVENUE_BEHIND),
            ("kpi_below_floor", str(MIA.employee_id), "[4.2.4] Alice Rep: " + REVENUE_BEHIND),
            ("kpi_below_floor", str(MIA.employee_id), f"[4.2.4] {pb.TEAM}: " + REVENUE_BEHIND),
            ("kpi_below_floor", str(DAN.employee_id), f"[4.2.4] {pb.TEAM}: " + REVENUE_BEHIND),
        ]
    )
    assert len(mid.raised) == 4


REVENUE_BEHIND = "revenue at 0.0% of the month's target, 0.0% of the pace (floor 80%) in 2026-03"


def _row(group: str, label: str, **figures: object) -> KpiRow:
    values: dict[str, object] = {f.name: None for f in fields(KpiRow)}
    start = date(2026, 3, 1)
    values.update(period="2026-03", period_start=start, period_end=date(2026, 3, 31))
    values.update(group=group, label=label, growth={}, target={}, attainment={})
    values.update(figures)
    return KpiRow(**values)  # type: ignore[arg-type]


def test_attainment_is_judged_against_the_share_of_the_month_elapsed():
    # Given a rep at 40% of the month's target and one at 45%, and one with satisfaction 3.4
    rep = [uuid4() for _ in range(3)]
    staff = {
        p: Member(p, f"Rep {n}", "East", None, frozenset({Role.SALES_REPRESENTATIVE}))
        for n, p in enumerate(rep)
    }
    policy = NotificationPolicy(
        kpi_floors=(
            KpiFloor(by="rep", measure="revenue", below=Decimal("0.8")),
            KpiFloor(by="rep", measure="satisfaction", below=Decimal("3.5")),
        ),
        recipients={kind: frozenset({Addressee.RESPONSIBLE}) for kind in WarningKind},
    )
    rows = {
        "rep": [
            _row(str(rep[0]), "Rep 0", attainment={"revenue": Decimal("0.40")}),
            _row(str(rep[1]), "Rep 1", attainment={"revenue": Decimal("0.45")}),
            _row(str(rep[2]), "Rep 2", satisfaction=Decimal("3.40")),
        ]
    }
    # When judged on the 16th of March (16/31 of the month elapsed)
    assert elapsed_share(date(2026, 3, 16)) == Decimal(16) / Decimal(31)
    found = kpi_notices(rows, staff, policy, date(2026, 3, 16))
    # Then 0.40 / (16/31) = 77.5% of the pace is behind the 80% floor, 0.45 (87.2%) is not;
    # satisfaction 3.40 is below 3.5
    assert [(n.recipient_id, n.subject) for n in found] == [
        (
            rep[0],
            "[4.2.4] Rep 0: revenue at 40.0% of the month's target, 77.5% of the pace "
            "(floor 80%) in 2026-03",
        ),
        (rep[2], "[4.2.4] Rep 2: average satisfaction 3.40 is below 3.5 in 2026-03"),
    ]
    # and the same judgement again gives the same ids (what the outbox knows them by)
    assert [n.notification_id for n in kpi_notices(rows, staff, policy, date(2026, 3, 16))] == [
        n.notification_id for n in found
    ]


def test_the_policy_refuses_a_floor_twice_and_a_kind_without_recipients():
    with pytest.raises(ValueError, match="each KPI floor"):
        NotificationPolicy(
            kpi_floors=(
                KpiFloor(by="rep", measure="revenue", below=Decimal("0.8")),
                KpiFloor(by="rep", measure="revenue", below=Decimal("0.7")),
            )
        )
    with pytest.raises(ValueError, match="no recipients for warning kind"):
        NotificationPolicy(recipients={WarningKind.DEADLINE_OVERDUE: frozenset()})
    with pytest.raises(ValueError, match="satisfaction floor"):
        NotificationPolicy(kpi_floors=(KpiFloor(by="rep", measure="satisfaction", below=0.5),))


def test_two_senders_at_once_send_each_warning_once(shared_store, system):
    # Given four complaints overdue (eight warnings: Ada and Mia each)
    founded(system)
    for n in range(4):
        complaint(system, MARCH, f"Customer {n} Ltd.")
    overdue = MARCH + timedelta(hours=30)
    warning_round(system, None, overdue)
    with smtp_server() as (inbox, port):
        # When two senders deliver at once
        senders = [
            Sender(system.store, mail_settings(port, ADDRESSES), now=lambda: overdue)
            for _ in range(2)
        ]
        done: list[object] = []

        def deliver(sender: Sender) -> None:
            try:
                done.append(sender.deliver())
            except Exception as error:  # reported below: a thread's error fails the test
                done.append(error)

        threads = [threading.Thread(target=deliver, args=(s,)) for s in senders]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    # Then every warning arrived once, each sent by one of them
    assert all(isinstance(d, Delivered) for d in done), done
    assert sum(len(d.sent) for d in done if isinstance(d, Delivered)) == 8
    assert len(inbox.messages) == 8
    assert len(set(inbox.ids())) == 8
    still = notifications_page(system.store, overdue, status="pending").rows
    assert still == []
