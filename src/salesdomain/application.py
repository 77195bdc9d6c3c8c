"""The application service: the one seam through which every command passes.

``SalesApplication.handle(command, actor)`` checks that the actor's role may perform
the command's SOP step, loads what the handler needs, lets the aggregates decide,
and saves everything that changed together with a record of the command, in one
atomic write.  Outcomes:

* invalid data: ``InvalidCommand`` naming every bad field (raised when building);
* an SOP rule broken: ``SopRuleViolation`` naming the step and rule;
* a role that may not perform the step: ``NotAuthorised``;
* the same command id again: the first result, nothing recorded twice;
* a concurrent writer won: retried on fresh state, then ``ConcurrencyConflict``.
In every error case nothing is stored.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any, ClassVar, Protocol, TypeVar, runtime_checkable
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, Repository
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import (
    AggregateRecorder,
    EventStore,
    IntegrityError,
    JSONTranscoder,
    Mapper,
    Transcoding,
)
from pydantic import ValidationError

import salesdomain
from salesdomain.aggregate import Evidence, SopAggregate, record_classes
from salesdomain.command_record import (
    LIBRARY,
    CommandRecord,
    CommandResult,
    Origin,
    RecordedEvent,
)
from salesdomain.commands import Command, build_command, problems_of
from salesdomain.errors import (
    CommandIdReused,
    ConcurrencyConflict,
    InvalidCommand,
    NotAuthorised,
    RecordAlreadyExists,
    RecordNotFound,
    SalesDomainError,
)
from salesdomain.handling import HANDLERS, UnitOfWork
from salesdomain.people.commands import EnrolEmployee
from salesdomain.people.employee import Employee
from salesdomain.people.staff_register import STAFF_REGISTER_ID, StaffRegister
from salesdomain.performance.kpi_figures import KpiFigures
from salesdomain.policy import SalesPolicy
from salesdomain.sop import Role, recordable_step
from salesdomain.transcodings import register_domain_transcodings
from salesdomain.values import Actor

A = TypeVar("A", bound=SopAggregate)
EventStoreFactory = Callable[[Mapper[UUID], AggregateRecorder], EventStore[UUID]]


def _register_handlers_and_policies() -> None:
    """Import every ``salesdomain.<area>.handlers`` and ``.reactions`` module."""
    for area in pkgutil.iter_modules(salesdomain.__path__):
        if not area.ispkg:
            continue
        for part in ("handlers", "reactions"):
            name = f"salesdomain.{area.name}.{part}"
            if importlib.util.find_spec(name) is not None:
                importlib.import_module(name)


_register_handlers_and_policies()


def snapshotting_intervals() -> dict[type[Any], int]:
    """Every kind of record with its ``SNAPSHOT_INTERVAL``, but those bounded by
    construction (ADR 38)."""
    return {
        kind: kind.SNAPSHOT_INTERVAL
        for kind in record_classes()
        if kind.SNAPSHOT_INTERVAL is not None
    }


def _check_actor(command: Command, actor: Actor, uow: UnitOfWork) -> Actor:
    """Roles held by an employee decide what they may do: the actor must be an active
    employee holding the role they act under.  Only the very first enrolment, by
    someone acting as HR, founds the staff register without being enrolled yet.

    Returns the actor as the staff register names them: the name recorded with every
    event is the register's, never the one the caller sent."""
    code = command.SOP_STEP
    employee = uow.find(Employee, actor.employee_id)
    if employee is None:
        if uow.find(StaffRegister, STAFF_REGISTER_ID) is not None:
            raise NotAuthorised(code, str(actor), "is not an employee of the company")
        founding = (
            isinstance(command, EnrolEmployee)
            and actor.role is Role.HR
            and command.employee_id == actor.employee_id
        )
        if not founding:
            raise NotAuthorised(
                code,
                str(actor),
                "is not an employee of the company; the staff register is founded by "
                "someone acting as HR enrolling themselves",
            )
        assert isinstance(command, EnrolEmployee)
        return actor.model_copy(update={"name": command.name})
    if not employee.is_active:
        raise NotAuthorised(code, str(actor), "has left the company")
    if not employee.holds(actor.role):
        raise NotAuthorised(code, str(actor), f"does not hold the role {actor.role.label}")
    return actor.model_copy(update={"name": employee.name})


@runtime_checkable
class KnowsPositions(Protocol):
    """A store that finds the log positions of stored events by record id and version
    (``salesdomain.adapters.recorders``): a command sent again answers with the first
    send's positions."""

    def positions_of(self, keys: Sequence[tuple[UUID, int]]) -> Sequence[int]: ...


class ReadRecordsMoved(Exception):
    """Raised by a store that checks ``unchanged`` while saving (see
    ``salesdomain.adapters.recorders``): some records the decision only read have newer
    events; nothing was saved."""

    def __init__(self, moved: set[UUID]) -> None:
        super().__init__(f"{len(moved)} record(s) read by the decision moved on")
        self.moved = moved


class DecideAgain(Exception):
    """One attempt at a command met a concurrent write: nothing was saved, and the
    command is decided again on the store's new state."""

    def __init__(self, record_id: UUID) -> None:
        super().__init__(f"{record_id} changed while the command was decided")
        self.record_id = record_id


def retried(attempt: Callable[[], CommandResult], attempts: int, command: str) -> CommandResult:
    """``attempt()`` until it does not meet a concurrent write, at most ``attempts``
    times (ADR 3); then ``ConcurrencyConflict`` names the record last contended."""
    contended: UUID | None = None
    for _ in range(attempts):
        try:
            return attempt()
        except DecideAgain as conflict:
            contended = conflict.record_id
    assert contended is not None
    raise ConcurrencyConflict(command, contended, attempts)


class SalesApplication(Application[UUID]):
    """The event-sourced sales system: one ordered log of every SOP event.

    Commands load aggregates through eventsourcing's repository and its aggregate
    cache; queries (``load``, ``history``) read the store (ADR 26)."""

    name = "SalesApplication"
    env: ClassVar[dict[str, str]] = {
        Application.AGGREGATE_CACHE_MAXSIZE: "10000",
        Application.AGGREGATE_CACHE_FASTFORWARD: "n",
    }
    MAX_ATTEMPTS: ClassVar[int] = 5
    # Every kind of record that can grow loads from a snapshot taken every N events.
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = snapshotting_intervals()

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        policy: SalesPolicy | None = None,
        extra_transcodings: Iterable[Transcoding] = (),
        verify_actors: bool = True,
        event_store: EventStoreFactory | None = None,
        snapshot_store: EventStoreFactory | None = None,
        kpi_figures: KpiFigures | None = None,
    ) -> None:
        """``kpi_figures``: the KPI view's figures, which an appraisal's actual figures
        must state (``RecordActuals``, ADR 45); ``None`` (a bare application used as a
        library, with no views) takes the stated figures as stated.  The system built by
        ``salesdomain.adapters.bootstrap.build_system`` always gives its KPI view.

        ``event_store`` builds the store of events from eventsourcing's mapper and
        recorder, for adapters that write something with every save (ADR 19);
        ``snapshot_store`` the store of snapshots, from the mapper and the snapshots'
        recorder (adapters that sign them, ADR 32)."""
        self._extra_transcodings = tuple(extra_transcodings)
        self._event_store_factory = event_store
        self._snapshot_store_factory = snapshot_store
        self.verify_actors = verify_actors
        self.kpi_figures = kpi_figures
        self.policy = policy or SalesPolicy()
        super().__init__(env)
        self.store_reader: Repository[UUID] = Repository(self.events, snapshot_store=self.snapshots)
        """Reads the store, never the cache: what queries and re-checks see."""

    def construct_event_store(self) -> EventStore[UUID]:
        if self._event_store_factory is None:
            return super().construct_event_store()
        return self._event_store_factory(self.mapper, self.recorder)

    def construct_snapshot_store(self) -> EventStore[UUID]:
        if self._snapshot_store_factory is None:
            return super().construct_snapshot_store()
        recorder = self.factory.aggregate_recorder(purpose="snapshots")
        return self._snapshot_store_factory(self.mapper, recorder)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_domain_transcodings(transcoder)
        for transcoding in self._extra_transcodings:
            transcoder.register(transcoding)

    def close(self) -> None:
        """Closes the store, and a recorder's own connections if it has any."""
        close_recorder = getattr(self.recorder, "close", None)
        if close_recorder is not None:
            close_recorder()
        super().close()

    @property
    def checks_unchanged(self) -> bool:
        """Whether the store checks, while saving, that records only read are unchanged."""
        return bool(getattr(self.recorder, "checks_unchanged", False))

    # ---- write side ---------------------------------------------------------------

    def handle(
        self,
        command: Command,
        actor: Actor,
        *,
        correlation_id: UUID | None = None,
        causation_id: UUID | None = None,
        origin: Origin = LIBRARY,
    ) -> CommandResult:
        """Perform one SOP step as ``actor``: authorise, load, decide, save (see the
        module docstring for the outcomes).  ``origin``, where the command came from, is
        kept in the command's record."""
        command_name = type(command).__name__
        step = recordable_step(command.SOP_STEP)
        if actor.role not in step.roles:
            raise NotAuthorised(
                step.code, str(actor), f"acts as {actor.role.label}, a role this step is not for"
            )
        evidence = Evidence(actor, command.command_id, command_name, correlation_id, causation_id)
        return retried(
            lambda: self._attempt(command, evidence, origin), self.MAX_ATTEMPTS, command_name
        )

    def _attempt(self, command: Command, evidence: Evidence, origin: Origin) -> CommandResult:
        """Load and decide, then save, once; ``DecideAgain`` if a concurrent write got in."""
        record_id = CommandRecord.id_for(command.command_id)
        uow = UnitOfWork(
            self.repository,
            evidence,
            self.policy,
            verify_people=self.verify_actors,
            kpi_figures=self.kpi_figures,
        )
        if self.verify_actors:  # authorise first: a refused actor gets no earlier result
            try:
                actor = _check_actor(command, evidence.actor, uow)
            except NotAuthorised:
                self._decide_again_if_moved(uow.read_versions)
                raise
            uow.evidence = replace(evidence, actor=actor)
        try:
            _decide(HANDLERS[type(command)], command, uow)
            uow.run_reactions()
        except SalesDomainError:
            earlier = self._earlier_result(record_id, command)
            if earlier is not None:
                return earlier  # the same command again: its first result
            self._decide_again_if_moved(uow.read_versions)
            raise
        return self._save(command, record_id, uow, origin)

    def _save(
        self, command: Command, record_id: UUID, uow: UnitOfWork, origin: Origin
    ) -> CommandResult:
        """Save what the unit of work changed with the command's record, checking that
        what it only read is unchanged."""
        changed = uow.changed
        recorded = tuple(RecordedEvent.of(event) for agg in changed for event in agg.pending_events)
        record = CommandRecord.handled(
            command, record_id, command.digest(), uow.evidence.actor, recorded, origin
        )
        changed_ids = {aggregate.id for aggregate in changed}
        unchanged = {k: v for k, v in uow.read_versions.items() if k not in changed_ids}
        # records created without having been looked for (under an id the command brought)
        unsought = [
            agg
            for agg in changed
            if agg.pending_events[0].originator_version == 1 and agg.id not in uow.read_versions
        ]
        try:
            if not self.checks_unchanged:  # the in-memory store: asked before the save
                self._decide_again_if_moved(unchanged)
            recordings = self.save(*changed, record, unchanged=unchanged)
        except ReadRecordsMoved as moved:
            self._evict(moved.moved)
            raise DecideAgain(next(iter(moved.moved))) from None
        except IntegrityError:
            self._evict(changed_ids)
            earlier = self._earlier_result(record_id, command)
            if earlier is not None:
                return earlier
            self._refuse_existing(unsought)
            raise DecideAgain(changed[0].id if changed else record_id) from None
        positions = tuple(r.notification.id for r in recordings[: len(recorded)])
        return CommandResult(command.command_id, type(command).__name__, recorded, positions)

    def _decide_again_if_moved(self, read: Mapping[UUID, int]) -> None:
        """``DecideAgain``, on the store's state, if any record of ``read`` (id: version
        read, 0 for none) has newer stored events: the decision may have read it from
        the cache after another process moved it on.  Asked after a refusal, and before
        saving to a store that does not check ``unchanged`` itself."""
        moved = {
            key
            for key, version in read.items()
            if self.recorder.select_events(key, gt=version, limit=1)
        }
        if moved:
            self._evict(moved)
            raise DecideAgain(next(iter(moved)))

    def _evict(self, ids: Iterable[UUID]) -> None:
        """Drop these records from the aggregate cache: the next load reads the store."""
        cache = self.repository.cache
        if cache is None:
            return
        for aggregate_id in ids:
            try:
                cache.get(aggregate_id, evict=True)
            except KeyError:
                continue

    def handle_data(self, name: str, data: Mapping[str, Any], actor: Actor) -> CommandResult:
        """Build the command called ``name`` from plain data and handle it."""
        return self.handle(build_command(name, data), actor)

    def _refuse_existing(self, unsought: list[SopAggregate]) -> None:
        """A command that creates a record under an id already taken, without having
        looked for it, is refused (one that looked and found none decides again)."""
        for aggregate in unsought:
            try:
                self.store_reader.get(aggregate.id)
            except AggregateNotFoundError:
                continue
            raise RecordAlreadyExists(type(aggregate).__name__.lower(), aggregate.id)

    def _earlier_result(self, record_id: UUID, command: Command) -> CommandResult | None:
        try:
            record: object = self.repository.get(record_id)
        except AggregateNotFoundError:
            return None
        assert isinstance(record, CommandRecord)
        if not command.has_digest(record.digest):
            raise CommandIdReused(record.command_id, record.command)
        first = record.result()
        keys = [(e.aggregate_id, e.version) for e in first.events]
        first.positions = self._positions_of(keys)
        return first

    def _positions_of(self, keys: Sequence[tuple[UUID, int]]) -> tuple[int, ...]:
        """The log positions of the events ``keys`` (record id, version), as the first
        send returned them: asked of a store that knows (SQL), else read from the log
        (the in-memory store, which lives in this process)."""
        if not keys:
            return ()
        if isinstance(self.recorder, KnowsPositions):
            return tuple(self.recorder.positions_of(keys))
        wanted = {(str(key), version): n for n, (key, version) in enumerate(keys)}
        found: dict[int, int] = {}
        start = 1
        while len(found) < len(wanted):
            page = self.recorder.select_notifications(start, 1000)
            if not page:
                break
            for notification in page:
                n = wanted.get((str(notification.originator_id), notification.originator_version))
                if n is not None:
                    found[n] = notification.id
            start = page[-1].id + 1
        return tuple(found[n] for n in sorted(found))

    # ---- reading the write side -----------------------------------------------------

    def load(self, kind: type[A], aggregate_id: UUID, *, version: int | None = None) -> A:
        """An aggregate as it is now, or as it was at ``version``."""
        try:
            found: object = self.store_reader.get(aggregate_id, version=version)
        except AggregateNotFoundError:
            raise RecordNotFound(kind.__name__.lower(), aggregate_id) from None
        if not isinstance(found, kind):
            raise RecordNotFound(kind.__name__.lower(), aggregate_id)
        return found

    def history(self, aggregate_id: UUID) -> Sequence[DomainEventProtocol[UUID]]:
        """Every event of one aggregate, oldest first."""
        return list(self.events.get(aggregate_id))


def _decide(handler: Any, command: Command, uow: UnitOfWork) -> None:
    """Run the handler; a value it builds from the command's data that fails its own
    validation (a total past the bounds, say) is the command's invalid data."""
    try:
        handler(command, uow)
    except ValidationError as error:
        raise InvalidCommand(type(command).__name__, problems_of(error)) from None
