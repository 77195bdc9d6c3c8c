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
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Repository
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import (
    AggregateRecorder,
    EventStore,
    IntegrityError,
    JSONTranscoder,
    Mapper,
    Transcoder,
    Transcoding,
)
from pydantic import ValidationError

import salesdomain
from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.command_record import CommandRecord, CommandResult, RecordedEvent
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
from salesdomain.handling import HANDLERS, LatestAggregates, UnitOfWork
from salesdomain.people.commands import EnrolEmployee
from salesdomain.people.employee import Employee
from salesdomain.people.staff_register import STAFF_REGISTER_ID, StaffRegister
from salesdomain.policy import SalesPolicy
from salesdomain.saving import DecisionSaving, ReadRecordsMoved, only_read
from salesdomain.sop import Role, recordable_step
from salesdomain.transcodings import EventJSONTranscoder, register_domain_transcodings
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


def _check_actor(command: Command, actor: Actor, uow: UnitOfWork) -> None:
    """Roles held by an employee decide what they may do: the actor must be an active
    employee holding the role they act under.  Only the very first enrolment, by
    someone acting as HR, founds the staff register without being enrolled yet."""
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
        return
    if not employee.is_active:
        raise NotAuthorised(code, str(actor), "has left the company")
    if not employee.holds(actor.role):
        raise NotAuthorised(code, str(actor), f"does not hold the role {actor.role.label}")


class SalesApplication(DecisionSaving):
    """The event-sourced sales system: one ordered log of every SOP event."""

    name = "SalesApplication"
    MAX_ATTEMPTS: ClassVar[int] = 5
    CACHE_SIZE: ClassVar[int] = 10_000
    # Long-lived aggregates load from a snapshot taken every N events.
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {
        Employee: Employee.SNAPSHOT_INTERVAL,
    }

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        policy: SalesPolicy | None = None,
        extra_transcodings: Iterable[Transcoding] = (),
        verify_actors: bool = True,
        event_store: EventStoreFactory | None = None,
    ) -> None:
        """``event_store`` builds the store of events from eventsourcing's mapper and
        recorder, for adapters that write something with every save (ADR 19)."""
        self._extra_transcodings = tuple(extra_transcodings)
        self._event_store_factory = event_store
        self.verify_actors = verify_actors
        self.policy = policy or SalesPolicy()
        super().__init__(env)
        self._latest = LatestAggregates(
            self.repository,
            self.recorder,
            self.CACHE_SIZE,
            events_only=Repository(self.events),
            snapshotted=tuple(self.snapshotting_intervals),
        )
        self._checks_in_save = self.checks_unchanged  # else one query per record read

    def construct_event_store(self) -> EventStore[UUID]:
        if self._event_store_factory is None:
            return super().construct_event_store()
        return self._event_store_factory(self.mapper, self.recorder)

    def construct_transcoder(self) -> Transcoder:
        """The same stored form as eventsourcing's JSON transcoder, written faster
        (``transcodings.EventJSONTranscoder``); a ``TRANSCODER_TOPIC`` still rules."""
        if self.env.get(self.factory.TRANSCODER_TOPIC):
            return super().construct_transcoder()
        transcoder = EventJSONTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_domain_transcodings(transcoder)
        for transcoding in self._extra_transcodings:
            transcoder.register(transcoding)

    # ---- write side ---------------------------------------------------------------

    def handle(
        self,
        command: Command,
        actor: Actor,
        *,
        correlation_id: UUID | None = None,
        causation_id: UUID | None = None,
    ) -> CommandResult:
        """Perform one SOP step as ``actor``; see the module docstring for outcomes."""
        command_name = type(command).__name__
        step = recordable_step(command.SOP_STEP)
        if actor.role not in step.roles:
            raise NotAuthorised(
                step.code, str(actor), f"acts as {actor.role.label}, a role this step is not for"
            )
        handler = HANDLERS[type(command)]
        evidence = Evidence(actor, command.command_id, command_name, correlation_id, causation_id)
        record_id = CommandRecord.id_for(command.command_id)
        digest = command.digest()
        last_conflict: UUID | None = None
        fresh = False
        for _attempt in range(self.MAX_ATTEMPTS):
            source = self._latest.source(fresh=fresh)
            uow = UnitOfWork(source, evidence, self.policy)
            try:
                if self.verify_actors:
                    _check_actor(command, actor, uow)
                _decide(handler, command, uow)
                uow.run_reactions()
            except SalesDomainError:
                if not fresh and self._latest.evict_stale(source.served_from_cache):
                    fresh = True  # decided on outdated state: decide again on the latest
                    continue
                earlier = self._earlier_result(record_id, command)
                if earlier is not None:
                    return earlier
                raise
            changed = uow.changed
            if self._checks_in_save:
                unchanged = only_read(source.read_versions, changed)
            else:
                stale = self._latest.evict_stale(only_read(source.served_from_cache, changed))
                if stale and not fresh:
                    fresh = True  # a record this decision read has moved on: decide again
                    continue
                unchanged = {}
            recorded = tuple(
                RecordedEvent.of(event) for agg in changed for event in agg.pending_events
            )
            record = CommandRecord.handled(command, record_id, digest, actor, recorded)
            created = [agg for agg in changed if agg.pending_events[0].originator_version == 1]
            try:
                if unchanged:
                    recordings = self.save(*changed, record, unchanged=unchanged)
                else:
                    recordings = self.save(*changed, record)
            except ReadRecordsMoved as moved:
                self._latest.evict(moved.moved)  # a record this decision read moved on
                last_conflict = next(iter(moved.moved))
                fresh = True
                continue
            except IntegrityError:
                self._latest.evict({agg.id for agg in changed})
                earlier = self._earlier_result(record_id, command)
                if earlier is not None:
                    return earlier
                if fresh:  # decided on the store's state and still a record exists
                    self._refuse_existing(created)
                last_conflict = changed[0].id if changed else record_id
                fresh = True  # decide again on the store's state (ADR 6, 21)
                continue
            self._latest.keep(changed)
            positions = tuple(r.notification.id for r in recordings[: len(recorded)])
            return CommandResult(command.command_id, command_name, recorded, positions)
        raise ConcurrencyConflict(command_name, last_conflict or record_id, self.MAX_ATTEMPTS)

    def handle_data(self, name: str, data: Mapping[str, Any], actor: Actor) -> CommandResult:
        """Build the command called ``name`` from plain data and handle it."""
        return self.handle(build_command(name, data), actor)

    def _refuse_existing(self, created: list[SopAggregate]) -> None:
        """A command that creates a record under an id already taken is refused."""
        for aggregate in created:
            try:
                self.repository.get(aggregate.id)
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
        return record.result()

    # ---- reading the write side -----------------------------------------------------

    def load(self, kind: type[A], aggregate_id: UUID, *, version: int | None = None) -> A:
        """An aggregate as it is now, or as it was at ``version``."""
        try:
            found: object = self.repository.get(aggregate_id, version=version)
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
