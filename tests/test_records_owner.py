"""A record handed to another owner (ADR 66): the audit view's ``records`` follows the
event that names the new owner (``new_owner_id``), so ``show`` and the audit trail
answer the new owner and no longer the first; on memory, a SQLite file and PostgreSQL.

No SOP step hands a customer or a deal over yet (ADR 30); the event here stands for the
one that will, declared as such an event must be: an event of the record's own kind
naming ``new_owner_id``."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from freezegun import freeze_time
from salesdomain.adapters.bootstrap import System
from salesdomain.projections.audit import AuditTrail, query_audit
from salesdomain.projections.changes import Update
from salesdomain.projections.records import show_record

from salesdomain.access import Reader, StaffMember, owner_handed_to
from salesdomain.errors import RecordNotFound
from salesdomain.opportunities.opportunity import Opportunity
from tests import builders as b


class TakenOver(Opportunity.Event):
    """Stands for a takeover step: the deal handed to ``new_owner_id``."""

    __qualname__ = "Opportunity.TakenOver"
    SOP_STEP = "2.1.3"
    new_owner_id: UUID


def _reader(actor: b.Actor) -> Reader:
    staff = [StaffMember(str(actor.employee_id), "East", None, True)]
    return Reader.of(actor.employee_id, actor.role, staff)


def _show(system: System, deal: UUID, reader: Reader) -> object:
    runner = system.views.runner("audit")
    system.views.catch_up(only=["audit"])
    return show_record(
        system.app, runner.engine, runner.tables(), "opportunity", deal, reader=reader
    )


def _hand_over(system: System, deal: UUID, to: b.Actor) -> None:
    opportunity = system.app.repository.get(deal)
    opportunity.trigger_event(
        TakenOver,
        sop_step="2.1.3",
        actor=b.MIA,
        command="TakeOverDeal",
        command_id=uuid4(),
        correlation_id=opportunity.case_id,
        causation_id=None,
        new_owner_id=to.employee_id,
    )
    system.app.save(opportunity)


def test_only_an_event_naming_a_new_owner_hands_a_record_over() -> None:
    event = TakenOver(
        originator_id=uuid4(),
        originator_version=9,
        timestamp=datetime(2026, 3, 2, 9, tzinfo=UTC),
        sop_step="2.1.3",
        actor=b.MIA,
        command="TakeOverDeal",
        command_id=uuid4(),
        correlation_id=uuid4(),
        causation_id=None,
        new_owner_id=b.BOB.employee_id,
    )
    assert owner_handed_to(event) == str(b.BOB.employee_id)
    records = [c for c in AuditTrail().changes(event, 5) if c.table == "records"]
    assert records == [
        Update(
            "records",
            {"aggregate_id": str(event.originator_id)},
            {"owner_id": str(b.BOB.employee_id)},
        )
    ]


def test_after_a_takeover_the_new_owner_sees_the_record_and_the_first_does_not(
    system: System,
) -> None:
    deal = uuid4()
    with freeze_time("2026-03-02 09:00:00+00:00"):
        for command, actor in b.won_deal(deal):
            system.app.handle(command, actor)
        alice, bob = _reader(b.ALICE), _reader(b.BOB)
        assert _show(system, deal, alice)
        with pytest.raises(RecordNotFound):
            _show(system, deal, bob)
        _hand_over(system, deal, b.BOB)
        shown = _show(system, deal, bob)
    assert shown.owner_id == str(b.BOB.employee_id)  # type: ignore[attr-defined]
    with pytest.raises(RecordNotFound):
        _show(system, deal, alice)
    runner = system.views.runner("audit")
    lines = query_audit(runner.engine, runner.tables()["entries"], aggregate_id=deal, reader=bob)
    assert len(lines) == shown.version  # type: ignore[attr-defined]
