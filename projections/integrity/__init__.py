"""A hash chain over the stored event log, exportable digests, and verification.

Every stored notification (domain events and command records alike) gets a link::

    link(0) = "0" * 64                                  (genesis)
    link(n) = sha256(bytes.fromhex(link(previous)) + canonical(n)).hexdigest()

where ``previous`` is the position before ``n`` in the stored log and ``canonical(n)``
is the UTF-8 JSON object, keys sorted, no spaces (``separators=(",", ":")``), ASCII::

    {"aggregate": str(originator_id), "position": n, "state_sha256": <hex of sha256 of
     the stored state bytes>, "topic": topic, "version": originator_version}

The stored state bytes carry the event's facts and its metadata (timestamp, SOP
evidence), exactly as the recorder holds them, so nothing is decoded.  See
docs/adr/0010-hash-chain.md.

* ``ChainKeeper`` appends links to ``event_chain(position, link)``, advancing its
  ``projection_state`` row by compare-and-set, so several keepers never link twice;
* ``ChainKeeper.digest()`` is the chain's head as a ``Digest`` to export and keep
  outside the system;
* ``verify()`` recomputes the chain from the event store and reports the first
  position where the store differs from the stored chain or from a given digest.
"""

from salesdomain.projections.integrity.chain import (
    CHAIN,
    GENESIS,
    NAME,
    NotificationReader,
    StoredNotification,
    canonical,
    event_chain,
    link_of,
    next_link,
)
from salesdomain.projections.integrity.digest import ALGORITHM, Digest
from salesdomain.projections.integrity.keeper import GENERATION, ChainKeeper
from salesdomain.projections.integrity.verification import (
    CHAIN_TAMPERED,
    DIGEST_DIFFERS,
    EVENT_CHANGED,
    EVENT_INSERTED,
    EVENT_MISSING,
    EVENT_UNREADABLE,
    ORDER_DIFFERS,
    STORE_SHORTER,
    STORED_FORM,
    VerificationReport,
    verify,
)

__all__ = [
    "ALGORITHM",
    "CHAIN",
    "CHAIN_TAMPERED",
    "DIGEST_DIFFERS",
    "EVENT_CHANGED",
    "EVENT_INSERTED",
    "EVENT_MISSING",
    "EVENT_UNREADABLE",
    "GENERATION",
    "GENESIS",
    "NAME",
    "ORDER_DIFFERS",
    "STORED_FORM",
    "STORE_SHORTER",
    "ChainKeeper",
    "Digest",
    "NotificationReader",
    "StoredNotification",
    "VerificationReport",
    "canonical",
    "event_chain",
    "link_of",
    "next_link",
    "verify",
]
