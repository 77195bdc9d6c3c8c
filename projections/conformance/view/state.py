"""One page's share of the review's state: read from the view's tables for the records
the page touches (and the staff register), folded over, and written back as the rows
that changed (ADR 39).

The review's rules only ever look at the record an event is about (its memo and its
deadlines, keyed by the record first), at the staff register and at counters; so a
page needs those rows only, and the follower's memory is bounded by a page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from salesdomain.projections.changes import Add, Insert, RowChange, Update, Upsert
from salesdomain.projections.conformance.codec import dumps, loads
from salesdomain.projections.conformance.policies import PolicyBook
from salesdomain.projections.conformance.review import Entry, Review, fold
from salesdomain.projections.conformance.tracked import FOREVER
from salesdomain.projections.conformance.view import duties
from salesdomain.projections.conformance.view.rows import (
    deadline_from,
    deadline_row,
    member_from,
    member_text,
)
from salesdomain.projections.rows import batches
from sqlalchemy import Table, select
from sqlalchemy.engine import Connection

from salesdomain.personal import erase, subjects_in
from salesdomain.policy import SalesPolicy

EMPTY_MEMO = dumps({})


class Deadlines(dict[tuple[Any, ...], Any]):
    """The review's deadlines, remembering the keys a rule took out (``pop``): one put
    back later comes after the others, as in the review's own dictionary."""

    def __init__(self) -> None:
        super().__init__()
        self.popped: set[tuple[Any, ...]] = set()

    def pop(self, key: tuple[Any, ...], *default: Any) -> Any:
        self.popped.add(key)
        return super().pop(key, *default)


@dataclass
class PageState:
    review: Review
    memos: dict[UUID, str]
    deadlines: dict[str, tuple[int, str]]
    """Each loaded deadline's key (as text): its order and its row's body."""
    members: dict[UUID, str]
    meta: dict[str, Any]
    tracked: Deadlines
    """The review's deadlines (``review.deadlines``), with the keys taken out."""
    key_texts: dict[tuple[Any, ...], str]
    """Each loaded deadline's key as stored (not written out again for every page)."""
    newest: datetime | None = None
    personal: set[UUID] = field(default_factory=set)
    """The records whose events carried personal values (erased here)."""

    @property
    def policies(self) -> tuple[str, ...] | None:
        found = self.meta.get("policies")
        return None if found is None else tuple(found)

    @classmethod
    def load(
        cls,
        conn: Connection,
        tables: dict[str, Table],
        ids: set[UUID],
        policy: SalesPolicy,
        earlier: tuple[SalesPolicy, ...],
    ) -> PageState:
        meta = {name: loads(value) for name, value in conn.execute(select(tables["meta"]))}
        members = {UUID(i): text for i, text in conn.execute(select(tables["staff"]))}
        tracked = Deadlines()
        book = duties.load_spans(conn, tables)
        review = Review(PolicyBook(policy, earlier), FOREVER, deadlines=tracked, duties=book)
        review.staff.members = {i: member_from(text) for i, text in members.items()}
        review.staff.founding_command, review.staff.founder = meta.get("founding", (None, None))
        review.last_command = meta.get("last_command")
        review.command_steps = list(meta.get("command_steps", ()))
        memos: dict[UUID, str] = {}
        loaded: dict[str, tuple[int, str]] = {}
        records, deadlines = tables["records"], tables["deadlines"]
        for chunk in batches(sorted(str(i) for i in ids)):
            for record_id, memo in conn.execute(
                select(records.c.record_id, records.c.memo).where(records.c.record_id.in_(chunk))
            ):
                memos[UUID(record_id)] = memo
            for key, seq, body in conn.execute(
                select(deadlines.c.key, deadlines.c.seq, deadlines.c.body)
                .where(deadlines.c.record_id.in_(chunk), deadlines.c.status != "dropped")
                .order_by(deadlines.c.seq)
            ):
                loaded[key] = (seq, body)
        review.records = {i: loads(text) for i, text in memos.items()}
        key_texts = {}
        for key_text, (_, body) in sorted(loaded.items(), key=lambda item: item[1][0]):
            key = loads(key_text)
            key_texts[key] = key_text
            review.expect(key, deadline_from(body))
        tracked.popped.clear()
        return cls(review, memos, loaded, members, meta, tracked, key_texts)

    def fold(self, entry: Entry) -> None:
        """Fold one event, its personal values erased first (ADR 13): the view never
        holds them; a reader puts the record's words back from the log (``reading``)."""
        position, event = entry
        if event is not None and subjects_in(event):
            event = erase(event)
            self.personal.add(event.originator_id)
        fold(self.review, (position, event))
        if event is not None and (self.newest is None or event.timestamp > self.newest):
            self.newest = event.timestamp

    def changes(self) -> list[RowChange]:
        """The rows the page changed, new or rewritten, with the counters."""
        review, meta = self.review, self.meta
        seq = int(meta.get("seq", 0))
        changes: list[RowChange] = []
        for record_id, memo in review.records.items():
            text = dumps(memo)
            if record_id in self.personal:
                values = {"memo": text, "personal": True}
                changes.append(Upsert("records", {"record_id": str(record_id)}, values))
            elif text != self.memos.get(record_id, EMPTY_MEMO):
                changes.append(Upsert("records", {"record_id": str(record_id)}, {"memo": text}))
        popped = self.tracked.popped
        for key, deadline in review.deadlines.items():
            key_text = self.key_text(key)
            old = self.deadlines.get(key_text)
            if old is None or key in popped:
                seq += 1
                order = seq
            else:
                order = old[0]
            row = deadline_row(deadline)
            if old is None or (order, row["body"]) != old:
                values = {"record_id": str(key[0]), "seq": order, **row}
                changes.append(Upsert("deadlines", {"key": key_text}, values))
        for key in popped:
            key_text = self.key_text(key)
            if key not in review.deadlines and key_text in self.deadlines:
                changes.append(Update("deadlines", {"key": key_text}, {"status": "dropped"}))
        for employee_id, member in review.staff.members.items():
            text = member_text(member)
            if text != self.members.get(employee_id):
                changes.append(Upsert("staff", {"employee_id": str(employee_id)}, {"member": text}))
        for kind, found in (
            ("breach", review.breaches),
            ("override", review.overrides),
            ("mismatch", review.mismatches),
        ):
            for finding in found:
                seq += 1
                day = getattr(finding, "occurred_on", None) or finding.at.date()  # type: ignore[union-attr]
                body = finding.model_dump_json()
                changes.append(
                    Insert("findings", {"seq": seq, "kind": kind, "day": day, "body": body})
                )
        counted: list[RowChange] = []
        ordered: list[RowChange] = []
        for (day, person, step), count in review.steps.items():
            seq += 1
            row = {"day": day, "person": person.model_dump_json(), "step": step}
            counted.append(Add("steps", row, {"count": count}))
            ordered.append(Update("steps", row, {"latest": seq}))
        changes += counted + ordered  # the page's counts in one statement, then its order
        changes += duties.changes(review.duties)
        counters = {
            "seq": seq,
            "policies": list(review.policies.versions),
            "founding": (review.staff.founding_command, review.staff.founder),
            "last_command": review.last_command,
            "command_steps": review.command_steps,
            "events": int(meta.get("events", 0)) + review.events,
            "position": review.position or meta.get("position", 0),
            "versions": _added(meta.get("versions", {}), review.versions),
            "newest": _latest(meta.get("newest"), self.newest),
        }
        for name, value in counters.items():
            if value != meta.get(name):
                changes.append(Upsert("meta", {"name": name}, {"value": dumps(value)}))
        return changes

    def key_text(self, key: tuple[Any, ...]) -> str:
        found = self.key_texts.get(key)
        return dumps(key) if found is None else found


def _added(total: dict[str, int], more: dict[str, int]) -> dict[str, int]:
    found = dict(total)
    for version, count in more.items():
        found[version] = found.get(version, 0) + count
    return dict(sorted(found.items()))


def _latest(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return max(known) if known else None
