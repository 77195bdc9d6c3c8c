"""The seam between commands and aggregates: handlers and their unit of work.

A handler loads what it needs through the unit of work, calls the aggregate (which
checks the SOP's rules and records events) and returns.  It holds no business rule.
The application service saves everything the unit of work touched, atomically.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Concatenate, Protocol, TypeVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from salesdomain import clock
from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.commands import Command
from salesdomain.errors import RecordNotFound
from salesdomain.policy import SalesPolicy
from salesdomain.reactions import reactions_to

A = TypeVar("A", bound=SopAggregate)
C = TypeVar("C", bound=Command)


class AggregateSource(Protocol):
    """Where a unit of work loads aggregates from: the application's repository (or,
    for bulk writing, a writer holding what it has not saved yet)."""

    def get(self, aggregate_id: UUID) -> Any: ...


class UnitOfWork:
    """What one attempt at one command may load, create and change."""

    def __init__(self, source: AggregateSource, evidence: Evidence, policy: SalesPolicy) -> None:
        self._source = source
        self.evidence = evidence
        self.policy = policy
        self._touched: dict[UUID, SopAggregate] = {}
        self.read_versions: dict[UUID, int] = {}
        """Every record looked up, by id: the version read (0: there was none)."""

    def load(self, kind: type[A], aggregate_id: UUID) -> A:
        """The aggregate with this id; ``RecordNotFound`` if there is none of this kind."""
        return self._load(kind, aggregate_id)

    def find(self, kind: type[A], aggregate_id: UUID) -> A | None:
        """The aggregate with this id, or ``None``."""
        try:
            return self.load(kind, aggregate_id)
        except RecordNotFound:
            return None

    def _load(self, kind: type[A], aggregate_id: UUID) -> A:
        found: Any = self._touched.get(aggregate_id)
        if found is None:
            try:
                found = self._source.get(aggregate_id)
            except AggregateNotFoundError:
                self.read_versions.setdefault(aggregate_id, 0)
                raise RecordNotFound(_kind_name(kind), aggregate_id) from None
            self.read_versions.setdefault(aggregate_id, found.version)
        if not isinstance(found, kind):
            raise RecordNotFound(_kind_name(kind), aggregate_id)
        self._touched[aggregate_id] = found
        return found

    def add(self, aggregate: A) -> A:
        self._touched[aggregate.id] = aggregate
        return aggregate

    def now(self) -> datetime:
        return clock.now()

    def acting_as(self, evidence: Evidence) -> UnitOfWork:
        """The same unit of work, recording under other evidence (for named policies)."""
        other = UnitOfWork(self._source, evidence, self.policy)
        other._touched = self._touched
        other.read_versions = self.read_versions
        return other

    def run_reactions(self) -> None:
        """Let named policies react to every event recorded so far, and to theirs."""
        seen: set[int] = set()
        for _round in range(_MAX_REACTION_ROUNDS):
            new: list[Any] = [
                event
                for aggregate in self.changed
                for event in aggregate.pending_events
                if id(event) not in seen
            ]
            if not new:
                return
            reacted = False
            for event in new:
                seen.add(id(event))
                for reaction in reactions_to(event):
                    reaction.run(event, self.acting_as(reaction.evidence_for(event)))
                    reacted = True
            if not reacted:  # no policy ran, so no event was added
                return
        raise RuntimeError("named policies kept reacting to each other; check for a cycle")

    @property
    def changed(self) -> list[SopAggregate]:
        return [agg for agg in self._touched.values() if agg.pending_events]


_MAX_REACTION_ROUNDS = 20

Handler = Callable[[Any, UnitOfWork], None]
HANDLERS: dict[type[Command], Handler] = {}


def handles(command_class: type[C]) -> Callable[[Callable[[C, UnitOfWork], None]], Handler]:
    """Register the decorated function as the handler of ``command_class``."""

    def register(function: Callable[[C, UnitOfWork], None]) -> Handler:
        if command_class in HANDLERS:
            raise TypeError(f"{command_class.__name__} already has a handler")
        HANDLERS[command_class] = cast(Handler, function)
        return cast(Handler, function)

    return register


Supply = Callable[[UnitOfWork, Any], object]
"""A value a delegated handler passes besides the command's fields: made from the unit
of work and the record loaded."""

FROM_THE_UNIT_OF_WORK: Mapping[str, Supply] = {
    "policy": lambda uow, _record: uow.policy,
    "today": lambda uow, _record: uow.now().date(),
    "now": lambda uow, _record: uow.now(),
}
"""What a delegated handler passes to a method that takes ``policy``, ``today`` or ``now``."""


def delegate_to(
    kind: type[A], *, by: str, supplies: Mapping[str, Supply] = FROM_THE_UNIT_OF_WORK
) -> Callable[[type[Command], Callable[Concatenate[A, Evidence, ...], object]], Handler]:
    """Registers handlers that only pass a command on: ``delegate_to(Order,
    by="order_id")(c.CancelOrder, Order.cancel)`` makes the handler of ``CancelOrder``
    load the order whose id is the command's ``order_id`` and call ``Order.cancel`` with
    the evidence, the command's other fields by name, and what ``supplies`` makes for
    the method's remaining parameters (by default ``policy``, ``today`` and ``now``).

    Refused when the handlers' module is imported: a method that is not the kind's, a
    command field it does not take, a parameter without a default that neither the
    command nor ``supplies`` gives, a name both give.
    """

    def register(
        command_class: type[Command], method: Callable[Concatenate[A, Evidence, ...], object]
    ) -> Handler:
        if getattr(kind, getattr(method, "__name__", ""), None) is not method:
            raise TypeError(f"{method!r} is not a method of {kind.__name__}")
        fields = set(command_class.model_fields) - {"command_id"}
        if by not in fields:
            raise TypeError(f"{command_class.__name__} has no field '{by}' to load by")
        from_command, supplied = _arguments(command_class, method, fields - {by}, supplies)

        def handler(cmd: Command, uow: UnitOfWork) -> None:
            record = uow.load(kind, getattr(cmd, by))
            arguments = {name: getattr(cmd, name) for name in from_command}
            for name in supplied:
                arguments[name] = supplies[name](uow, record)
            method(record, uow.evidence, **arguments)

        handler.__name__ = handler.__qualname__ = f"passes_{command_class.__name__}"
        handler.__doc__ = (
            f"Loads the {kind.__name__} by the command's {by} and passes the command's "
            f"fields to {method.__qualname__}."
        )
        return handles(command_class)(handler)

    return register


def _arguments(
    command_class: type[Command],
    method: Callable[..., object],
    fields: set[str],
    supplies: Mapping[str, Supply],
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The method's parameters the command gives and those ``supplies`` makes."""
    name = f"{method.__qualname__} (the handler of {command_class.__name__})"
    _self, evidence, *parameters = inspect.signature(method).parameters.values()
    if evidence.name != "evidence":
        raise TypeError(f"{name} does not take the evidence after self")
    from_command: list[str] = []
    from_supplies: list[str] = []
    for parameter in parameters:
        if parameter.kind not in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY):
            raise TypeError(f"{name} takes '{parameter.name}' in a way a name cannot pass")
        if parameter.name in fields and parameter.name in supplies:
            raise TypeError(f"{name}: both the command and supplies give '{parameter.name}'")
        if parameter.name in fields:
            from_command.append(parameter.name)
        elif parameter.name in supplies:
            from_supplies.append(parameter.name)
        elif parameter.default is parameter.empty:
            raise TypeError(f"{name} takes '{parameter.name}', which nothing gives")
    if unused := sorted(fields - set(from_command)):
        raise TypeError(f"{name} takes no {', '.join(repr(f) for f in unused)}")
    return tuple(from_command), tuple(from_supplies)


def _kind_name(kind: type[SopAggregate]) -> str:
    return kind.__name__.lower()
