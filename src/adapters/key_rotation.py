"""Rotating the master key (ADR 33): every forget does it, and ``salesdomain keys rotate``.

Steps, and what a crash after each leaves:
1. a new master key is kept in the ring (the key file, written and synced);
   (crash: an unused key in the file; nothing else changed)
2. the database records it as the master key in use: new keys are wrapped under it;
   (crash: two master keys in use; the next start or rotation finishes from 3)
3. in one transaction: the forgotten subjects' keys are destroyed, every other key is
   wrapped again under the new master key, the old master keys are retired (a writer
   still wrapping under one is refused by the database and wraps again);
   (crash before commit: as after 2; after: the retired keys are still in the ring,
   destroyed by the next start or rotation)
   then, given the application, its snapshots are checked against their events and
   signed again under the new master key (``salesdomain.adapters.snapshots``);
   (crash: some snapshots still signed under the old key; the next start signs them)
4. the retired master keys are destroyed in the ring (the key file overwritten);
5. their rows are dropped.
A copy of the database taken before step 3 holds the old wrapped keys, which open
nothing once step 4 is done.  With ``$SALESDOMAIN_MASTER_KEY`` (a key the library cannot
change) only step 3 is taken, without a new master key.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from uuid import UUID

from salesdomain.adapters.personal_data import PersonalDataVault
from salesdomain.adapters.snapshots import check_and_report

from salesdomain.application import SalesApplication


@dataclass(frozen=True)
class Rotation:
    """The master key in use after a rotation, those destroyed, how many subjects' keys
    were wrapped again; ``rotated`` is False when the master key cannot be changed
    (``$SALESDOMAIN_MASTER_KEY``): then only the forgotten subjects' keys went."""

    master_key_id: str
    retired: tuple[str, ...]
    rewrapped: int
    rotated: bool


def rotate_master_key(
    vault: PersonalDataVault,
    forget: Collection[UUID] = (),
    *,
    snapshots_of: SalesApplication | None = None,
) -> Rotation:
    """Rotate the master key, destroying the keys of the subjects in ``forget``; the
    snapshots of ``snapshots_of`` are signed again under the new key (without it they
    are refused when loaded, the records loaded from their events, until the next start
    signs them again)."""
    wrapping, store = vault.wrapping, vault.store
    with wrapping.ring.locked(), store.rotation_lock():
        _finish(vault)
        rotated = wrapping.ring.rotatable
        if rotated:
            store.add_master_key(wrapping.ring.add())
        wrapping.refresh()
        retired, rewrapped = store.rewrap(wrapping.rewrap, forget)
        if snapshots_of is not None:
            _sign_snapshots_again(snapshots_of)
        _destroy(vault, retired)
    vault.forgot(forget)
    return Rotation(wrapping.current, tuple(retired), rewrapped, rotated)


def complete_interrupted_rotation(vault: PersonalDataVault) -> bool:
    """Finish a rotation a crash cut short (and wrap keys a release before 0.2.0 stored
    in the clear); whether there was one.  ``bootstrap`` runs it."""
    if not vault.store.needs_rewrap():
        return False
    with vault.wrapping.ring.locked(), vault.store.rotation_lock():
        _finish(vault)
    return True


def _sign_snapshots_again(app: SalesApplication) -> None:
    """The snapshots checked and signed under the new master key; a failure here must
    not keep the old master key alive: the snapshots are then refused by loads (the
    records replayed from their events) until the next start signs them."""
    try:
        check_and_report(app, "rotating the master key")
    except Exception:
        logging.getLogger("salesdomain").warning(
            "snapshots were not signed again under the new master key: records load "
            "from their events until the next start signs them",
            exc_info=True,
        )


def _finish(vault: PersonalDataVault) -> None:
    store = vault.store
    retired = store.retired_master_keys()
    if store.needs_rewrap():
        vault.wrapping.refresh()
        more, _rewrapped = store.rewrap(vault.wrapping.rewrap, ())
        retired += more
    _destroy(vault, retired)


def _destroy(vault: PersonalDataVault, retired: list[str]) -> None:
    if retired:
        vault.wrapping.ring.remove(retired)
        vault.store.drop_retired(retired)
