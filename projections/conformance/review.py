"""The review: a fold over the decoded event log, ``fold(review, (position, event))``.

The state is owned by the fold (each review builds its own), so ``fold`` updates it in
place and returns it, which keeps replaying long logs cheap.  Rule families register
handlers per event type with ``@on(EventType, ...)``; every handler sees the staff
register as it stood *before* the event.  Deadlines (time limits) stay open in the state
and become breaches in ``finish`` once the review's ``as_at`` is known to have passed them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar, overload
from uuid import UUID

from salesdomain.projections.conformance.duty_book import DutyBook
from salesdomain.projections.conformance.findings import (
    Breach,
    Override,
    Person,
    PolicyMismatch,
    Rule,
    Status,
)
from salesdomain.projections.conformance.policies import PolicyBook
from salesdomain.projections.conformance.staff import Staff
from salesdomain.projections.dispatch import ByEventClass

from salesdomain.people.staff_register import StaffRegister
from salesdomain.policy import SalesPolicy

Entry = tuple[int, Any]
"""A log position and its decoded event (``None`` for a command record)."""
StepKey = tuple[date, Person, str]
"""A day, the person who did a step that day, and the step's SOP code."""
Handler = Callable[["Review", Any], None]

HANDLERS = ByEventClass[Handler]()
"""The rules' handlers by event class (``salesdomain.projections.dispatch``)."""
EVERY_EVENT: list[Handler] = []
FINISHERS: list[Callable[[Review], list[Breach]]] = []
"""Rules judged once the review's moment is known, from what the fold remembered
(the recurring duties, ``recurring``)."""


E1 = TypeVar("E1")
E2 = TypeVar("E2")
E3 = TypeVar("E3")
E4 = TypeVar("E4")


@overload
def on(
    first: type[E1], /
) -> Callable[[Callable[[Review, E1], None]], Callable[[Review, E1], None]]: ...


@overload
def on(
    first: type[E1], second: type[E2], /
) -> Callable[[Callable[[Review, E1 | E2], None]], Callable[[Review, E1 | E2], None]]: ...


@overload
def on(
    first: type[E1], second: type[E2], third: type[E3], /
) -> Callable[[Callable[[Review, E1 | E2 | E3], None]], Callable[[Review, E1 | E2 | E3], None]]: ...


@overload
def on(
    first: type[E1], second: type[E2], third: type[E3], fourth: type[E4], /
) -> Callable[
    [Callable[[Review, E1 | E2 | E3 | E4], None]],
    Callable[[Review, E1 | E2 | E3 | E4], None],
]: ...


@overload
def on(*event_types: type) -> Callable[[Handler], Handler]: ...


def on(*event_types: type) -> Callable[[Handler], Handler]:
    """Register a rule handler for events of exactly these types (one to four; the
    handler takes their union)."""

    def register(handler: Handler) -> Handler:
        return HANDLERS.add(event_types, handler)

    return register


def on_finish(
    finisher: Callable[[Review], list[Breach]],
) -> Callable[[Review], list[Breach]]:
    FINISHERS.append(finisher)
    return finisher


def on_every_event(handler: Handler) -> Handler:
    EVERY_EVENT.append(handler)
    return handler


_BREACH_FACTS = ("case_id", "record_id", "record", "due", "position", "policy_version")


@dataclass
class Deadline:
    """A step that must be done by ``due`` (a day or a moment)."""

    rule: Rule
    case_id: UUID | None
    record_id: UUID
    record: str
    due: datetime | date
    responsible: Person
    policy_version: str | None = None
    done_at: datetime | date | None = None
    done_by: Person | None = None
    position: int | None = None
    withdrawn: bool = False

    def breach_facts(self) -> dict[str, Any]:
        """What a breach of the deadline names of it as it is: the business case, the
        record, when it was due, the log position of the step (once done) and the
        policy version."""
        return {name: getattr(self, name) for name in _BREACH_FACTS}

    def passed(self, moment: datetime | date) -> bool:
        """Whether ``moment`` is after the deadline (a day's deadline lasts the whole day)."""
        if isinstance(self.due, datetime):
            if not isinstance(moment, datetime):
                moment = datetime.combine(moment, datetime.min.time(), UTC)
            return moment > self.due
        return _day(moment) > self.due


def _day(moment: datetime | date) -> date:
    """The UTC calendar day of ``moment``."""
    return moment.astimezone(UTC).date() if isinstance(moment, datetime) else moment


@dataclass
class Review:
    policies: PolicyBook
    as_at: datetime
    staff: Staff = field(default_factory=Staff)
    steps: dict[StepKey, int] = field(default_factory=dict)
    """How many steps each person did each day, by SOP step (the basis of the report's
    counts): bounded by days x people x steps, not by the length of the log.  A key
    moves to the end each time it counts, so the order is that of each one's latest."""
    _people: dict[tuple[Any, ...], Person] = field(default_factory=dict)
    breaches: list[Breach] = field(default_factory=list)
    overrides: list[Override] = field(default_factory=list)
    mismatches: list[PolicyMismatch] = field(default_factory=list)
    deadlines: dict[tuple[Any, ...], Deadline] = field(default_factory=dict)
    records: dict[UUID, dict[str, Any]] = field(default_factory=dict)
    duties: DutyBook = field(default_factory=DutyBook)
    """When each team and person existed and the days each recurring duty was done."""
    keys_by_record: dict[UUID, dict[tuple[Any, ...], None]] = field(default_factory=dict)
    """The keys of the deadlines expected of each record (a key starts with its record)."""
    versions: dict[str, int] = field(default_factory=dict)
    """How many recorded decisions name each policy version."""
    position: int = 0
    events: int = 0
    last_command: UUID | None = None
    command_steps: list[StepKey] = field(default_factory=list)
    """The steps counted for the command being folded (the founding command's steps
    are moved to the founder once the register knows them)."""

    def count_step(self, key: StepKey, by: int = 1) -> None:
        total = self.steps.pop(key, 0) + by
        if total:
            self.steps[key] = total

    # ---- used by the rules --------------------------------------------------------------

    def person_of(self, event: Any) -> Person:
        """The event's actor as a person, with the team the register gives them now."""
        actor = event.actor
        member = self.staff.get(actor.employee_id)
        key = (actor.employee_id, actor.role, actor.name, member.team if member else None)
        found = self._people.get(key)
        if found is None:
            found = self._people[key] = self.staff.actor(actor)
        return found

    def memo(self, record_id: UUID) -> dict[str, Any]:
        """What the rules remember about one record (a contract, an order, ...)."""
        return self.records.setdefault(record_id, {})

    def label(self, record_id: UUID, default: str = "") -> str:
        return str(self.records.get(record_id, {}).get("label", default or str(record_id)[:8]))

    def policy(self, version: str | None, rule: Rule, event: Any) -> SalesPolicy | None:
        """The policy ``version`` names; ``None`` (and the decision listed as not judged)
        if the reviewer did not supply it."""
        found = self.policies.under(version)
        if found is None:
            assert version is not None
            supplied = ", ".join(self.policies.versions)
            self._not_judged(
                rule,
                event,
                version,
                f"decided under policy {version}; the review was given {supplied}",
            )
        return found

    def not_judged(self, rule: Rule, event: Any, detail: str) -> None:
        """A decision the review cannot judge by ``rule``, listed with why (``detail``):
        recorded before the facts the rule needs were recorded."""
        self._not_judged(rule, event, "", detail)

    def _not_judged(self, rule: Rule, event: Any, recorded_version: str, detail: str) -> None:
        """A decision listed as not judged by ``rule`` (``recorded_version``: the policy
        it names, ``""`` for none), with why (``detail``)."""
        self.mismatches.append(
            PolicyMismatch(
                rule=rule.id,
                **_evidence(event),
                at=event.timestamp,
                position=self.position,
                recorded_version=recorded_version,
                supplied_versions=self.policies.versions,
                detail=f"{detail}; not judged",
            )
        )

    def breach(
        self,
        rule: Rule,
        event: Any,
        detail: str,
        *,
        responsible: Person | None = None,
        policy_version: str | None = None,
    ) -> None:
        """A step done by someone the rule did not allow (evidence: this event)."""
        self.breaches.append(
            Breach(
                **_broken(rule),
                status=Status.NOT_ALLOWED,
                **_evidence(event),
                record=self.label(event.originator_id, type(event).__qualname__.split(".")[0]),
                responsible=responsible or self.person_of(event),
                actual=event.timestamp,
                occurred_on=event.timestamp.date(),
                position=self.position,
                policy_version=policy_version,
                detail=detail,
            )
        )

    def override(
        self,
        kind: str,
        event: Any,
        requested_by: Person,
        detail: str,
        *,
        policy_version: str | None = None,
        approved_by: Person | None = None,
        record: str = "",
    ) -> None:
        """A rule set aside for ``requested_by`` with the approval ``event`` records:
        by its actor, or by ``approved_by`` where the event names the approver."""
        self.overrides.append(
            Override(
                kind=kind,
                **_evidence(event),
                record=record or self.label(event.originator_id),
                requested_by=requested_by,
                approved_by=approved_by or self.person_of(event),
                at=event.timestamp,
                position=self.position,
                policy_version=policy_version,
                detail=detail,
            )
        )

    def expect(self, key: tuple[Any, ...], deadline: Deadline) -> None:
        self.deadlines[key] = deadline
        self.keys_by_record.setdefault(key[0], {})[key] = None

    def deadlines_of(self, record_id: UUID) -> list[tuple[Any, ...]]:
        """The keys of the deadlines now expected of one record."""
        return [k for k in self.keys_by_record.get(record_id, ()) if k in self.deadlines]

    def fulfil(self, key: tuple[Any, ...], event: Any, at: datetime | date) -> None:
        deadline = self.deadlines.get(key)
        if deadline is not None and deadline.done_at is None and not deadline.withdrawn:
            deadline.done_at = at
            deadline.done_by = self.person_of(event)
            deadline.position = self.position

    def withdraw(self, *keys: tuple[Any, ...]) -> None:
        for key in keys:
            deadline = self.deadlines.get(key)
            if deadline is not None and deadline.done_at is None:
                deadline.withdrawn = True


def _broken(rule: Rule) -> dict[str, Any]:
    """What a breach names of the rule it breaks: its id, its text and its family."""
    return {"rule": rule.id, "rule_text": rule.text, "family": rule.family}


def _evidence(event: Any) -> dict[str, Any]:
    """What a finding names of the event that is its evidence: the SOP step, the
    business case and the record."""
    return {
        "sop_step": event.sop_step,
        "case_id": event.correlation_id,
        "record_id": event.originator_id,
    }


def fold(review: Review, entry: Entry) -> Review:
    """Review one logged event; events recorded after ``as_at`` are not yet history."""
    position, event = entry
    if event is None or event.timestamp > review.as_at:
        return review
    review.position = position
    review.events += 1
    if event.command_id != review.last_command:
        review.command_steps = []
    version = getattr(event, "policy_version", None)
    if version is not None:
        review.versions[version] = review.versions.get(version, 0) + 1
    if isinstance(event, StaffRegister.Founded):
        review.staff.evolve(event)
    step = (event.timestamp.date(), review.person_of(event), event.sop_step)
    review.count_step(step)
    review.command_steps.append(step)
    for handler in EVERY_EVENT:
        handler(review, event)
    for handler in HANDLERS.of(event):
        handler(review, event)
    review.staff.evolve(event)
    if review.staff.is_founding(event):
        _founder_known(review, event)
    review.last_command = event.command_id
    return review


def _founder_known(review: Review, event: Any) -> None:
    """The founding command's steps count for the founder, now on the register."""
    founder = review.person_of(event)
    moved = [(day, founder, step) for day, _, step in review.command_steps]
    for before, after in zip(review.command_steps, moved, strict=True):
        review.count_step(before, -1)
        review.count_step(after)
    review.command_steps = moved


def replay(review: Review, entries: Iterable[Entry]) -> Review:
    for entry in entries:
        fold(review, entry)
    return review


def finish(review: Review) -> list[Breach]:
    """Every breach as at ``review.as_at``: the rules' own, the missed deadlines and the
    recurring duties missed (``FINISHERS``)."""
    missed = [missed_by(d, review) for d in review.deadlines.values()]
    owed = [b for finisher in FINISHERS for b in finisher(review)]
    return [*review.breaches, *(b for b in missed if b is not None), *owed]


def missed_by(deadline: Deadline, review: Review) -> Breach | None:
    if deadline.withdrawn:
        return None
    if deadline.done_at is not None:
        if not deadline.passed(deadline.done_at):
            return None
        status, responsible = Status.LATE, deadline.done_by or deadline.responsible
    elif deadline.passed(review.as_at):
        status, responsible = Status.STILL_OPEN, person_now(deadline.responsible, review.staff)
    else:
        return None
    return Breach(
        **_broken(deadline.rule),
        **deadline.breach_facts(),
        sop_step=deadline.rule.sop_step,
        status=status,
        responsible=responsible,
        actual=deadline.done_at,
        occurred_on=_day(deadline.due),
        detail=f"due {deadline.due}; "
        + (f"done {deadline.done_at}" if deadline.done_at else f"not done as at {review.as_at}"),
    )


def person_now(person: Person, staff: Staff) -> Person:
    """The responsible person with the team the register gives them at the review."""
    member = staff.get(person.employee_id)
    return person.model_copy(update={"team": member.team}) if member else person
