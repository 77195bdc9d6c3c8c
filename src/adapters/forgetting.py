"""Forgetting a data subject on request: record it, then destroy the key (ADR 13).

Order, and what a crash at each point leaves:
1. the key row is marked "being forgotten" with the record that owns the subject;
   (crash: nothing is recorded; ``complete_pending_erasures`` unmarks it)
2. the owning record records the erasure (``ForgetContactPerson`` /
   ``ForgetCandidate``): the audit trail has it, the record and the views show the
   person as erased from now on;
   (crash: the stored values can still be opened with the key; the next
   ``complete_pending_erasures``, run by every ``bootstrap``, destroys the key)
3. the key is overwritten and the row kept as a tombstone, while the master key is
   rotated (``salesdomain.adapters.key_rotation``, ADR 33): every other key is wrapped
   again under a new master key and the old one destroyed, so a copy of the key table
   taken before (a backup) opens nothing.
The other order could destroy data without any record of it; this one can only
leave an erasure recorded but unfinished, which is completed on the next start or
by calling ``forget_data_subject`` again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from salesdomain.adapters.key_rotation import Rotation, rotate_master_key
from salesdomain.adapters.personal_data import PersonalDataVault, vault_of

from salesdomain.application import SalesApplication
from salesdomain.command_record import CommandResult
from salesdomain.commands import Command
from salesdomain.errors import RecordNotFound
from salesdomain.people.candidate import Candidate
from salesdomain.people.commands import ForgetCandidate
from salesdomain.prospecting.commands import ForgetContactPerson
from salesdomain.prospecting.customer import Customer
from salesdomain.values import Actor

if TYPE_CHECKING:  # the composition root imports this module
    from salesdomain.adapters.bootstrap import System


@dataclass(frozen=True)
class Forgotten:
    """The outcome: the subject, the record that owns it, the recorded erasure
    (``None`` when it had already been recorded and only the key was left to go) and
    the rotation of the master key that destroyed the key."""

    subject_id: UUID
    record_id: UUID
    result: CommandResult | None
    rotation: Rotation


def forget_data_subject(
    target: SalesApplication | System,
    subject_id: UUID,
    reason: str,
    actor: Actor,
    *,
    requested_by: str = "the data subject",
    customer_id: UUID | None = None,
) -> Forgotten:
    """Forget a contact person of ``customer_id`` (acting as sales manager or sales
    operations) or, without ``customer_id``, the candidate ``subject_id`` (acting as
    HR).  ``target`` is the application or the ``System``; with a ``System`` the views
    are brought up to date.  Domain errors (not authorised, not a contact of the
    customer, ...) are raised and nothing is changed."""
    app = target if isinstance(target, SalesApplication) else target.app
    vault = vault_of(app)
    record_id = customer_id or subject_id
    # built from plain data so that a bad reason is an InvalidCommand naming the field
    command: Command = (
        ForgetContactPerson.build(
            {
                "customer_id": customer_id,
                "subject_id": subject_id,
                "reason": reason,
                "requested_by": requested_by,
            }
        )
        if customer_id is not None
        else ForgetCandidate.build(
            {"candidate_id": subject_id, "reason": reason, "requested_by": requested_by}
        )
    )
    already = _forgotten_in_record(app, record_id, subject_id)
    result = None
    if not already:
        vault.store.mark_forgetting(subject_id, record_id)
        try:
            result = app.handle(command, actor)
        except BaseException:
            vault.store.unmark_forgetting(subject_id)
            raise
    rotation = rotate_master_key(vault, forget={subject_id}, snapshots_of=app)
    if not isinstance(target, SalesApplication) and result is not None and result.positions:
        target.views.catch_up(max(result.positions))
    return Forgotten(subject_id, record_id, result, rotation)


def complete_pending_erasures(app: SalesApplication, vault: PersonalDataVault) -> int:
    """Finish erasures a crash cut short: destroy the key where the erasure was
    recorded (one rotation of the master key for all), else unmark the subject.
    Returns how many keys were destroyed."""
    recorded = set()
    for subject_id, record_id in vault.store.pending():
        if _forgotten_in_record(app, record_id, subject_id):
            recorded.add(subject_id)
        else:
            vault.store.unmark_forgetting(subject_id)
    if recorded:
        rotate_master_key(vault, forget=recorded, snapshots_of=app)
    return len(recorded)


def _forgotten_in_record(app: SalesApplication, record_id: UUID, subject_id: UUID) -> bool:
    """Whether the owning record already recorded the subject's erasure."""
    try:
        record: object = app.repository.get(record_id)
    except AggregateNotFoundError:
        return False
    if isinstance(record, Candidate):
        return bool(record.forgotten)
    if isinstance(record, Customer):
        return any(p.subject_id == subject_id and p.erased for p in record.contacts)
    raise RecordNotFound("customer or candidate", record_id)
