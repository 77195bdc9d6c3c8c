"""The application's event store, saving new data subjects' keys with the events (ADR 19).

Sealing the first personal value of a data subject needs a key for that subject.  It
is made while the events are encoded and inserted into ``data_subject_keys`` by the
recorder in the events' own transaction: one commit, not two, and a key is never
stored without the events that use it, nor events without their key.

Keys are made without asking the store first.  If the subject already has a key (made
by another process, or before this process's cache forgot it), the recorder refuses
the whole write with ``SubjectKeysExisted``; the stored keys are learnt and the events
are encoded again under them.  A forgotten subject's tombstone is learnt the same way,
and encoding again then refuses the personal value (``SubjectForgotten``).  New keys
are stored wrapped under the master key in use (ADR 33); one retired by another
process meanwhile makes the database refuse them (``MasterKeyRetired``), and the
events are encoded again under the master key in use now.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import (
    AggregateRecorder,
    EventStore,
    IntegrityError,
    Mapper,
    Recording,
)
from salesdomain.adapters.key_store import MasterKeyRetired, SubjectKeysExisted
from salesdomain.adapters.personal_data import KeysOfSave, PersonalDataVault

from salesdomain.application import EventStoreFactory


class KeyWritingEventStore(EventStore[UUID]):
    ATTEMPTS = 3

    def __init__(
        self, mapper: Mapper[UUID], recorder: AggregateRecorder, vault: PersonalDataVault
    ) -> None:
        super().__init__(mapper, recorder)
        self.vault = vault

    def put(
        self, domain_events: Sequence[DomainEventProtocol[UUID]], **kwargs: Any
    ) -> list[Recording[UUID]]:
        keys = KeysOfSave()
        for _attempt in range(self.ATTEMPTS):
            # ``keys.new`` and ``keys.wrapped`` are filled while ``EventStore.put`` encodes
            # the events, before it hands ``keys.wrapped`` on to the recorder's
            # ``insert_events`` with the stored events.
            with self.vault.keys_with_events(keys):
                try:
                    recordings = super().put(domain_events, new_keys=keys.wrapped, **kwargs)
                except SubjectKeysExisted as existed:
                    keys.stored.update(self.vault.learn(existed.keys))
                    continue
                except MasterKeyRetired:  # another process rotated the master key
                    self.vault.wrapping.refresh()
                    continue
            self.vault.keys_stored(keys.new)
            return recordings
        # Keys keep appearing under this writer: treated as any concurrent write (the
        # application decides again on fresh state, a bounded number of times).
        raise IntegrityError("data subjects' keys kept changing while these events were saved")


def event_store_for(vault: PersonalDataVault) -> EventStoreFactory:
    """What ``SalesApplication(event_store=...)`` takes: the key-writing store where the
    recorder writes keys with the events, else eventsourcing's own."""

    def build(mapper: Mapper[UUID], recorder: AggregateRecorder) -> EventStore[UUID]:
        if getattr(recorder, "writes_new_keys", False):
            return KeyWritingEventStore(mapper, recorder, vault)
        return EventStore(mapper, recorder)

    return build
