"""The unit of work a handler loads and adds records through, and the registry of
handlers (``handles``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from salesdomain import clock
from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.commands import Command
from salesdomain.errors import RecordNotFound, SopRuleViolation
from salesdomain.policy import SalesPolicy
from salesdomain.reactions import reactions_to
from salesdomain.rules.general import NAMED_PERSON_IS_STAFF
from salesdomain.rules.rule import SopRule
from salesdomain.sop import Role
from salesdomain.values import Actor

if TYPE_CHECKING:
    from salesdomain.performance.kpi_figures import KpiFigures

A = TypeVar("A", bound=SopAggregate)
C = TypeVar("C", bound=Command)


class AggregateSource(Protocol):
    """Where a unit of work loads aggregates from: the application's repository (or,
    for bulk writing, a writer holding what it has not saved yet)."""

    def get(self, aggregate_id: UUID) -> Any: ...


class UnitOfWork:
    """What one attempt at one command may load, create and change."""

    def __init__(
        self,
        source: AggregateSource,
        evidence: Evidence,
        policy: SalesPolicy,
        *,
        verify_people: bool = True,
        kpi_figures: KpiFigures | None = None,
    ) -> None:
        self._source = source
        self.evidence = evidence
        self.policy = policy
        self.verify_people = verify_people
        """Whether people a command names are checked against the staff register (off
        only where a test takes people as given, as ``SalesApplication.verify_actors``)."""
        self.kpi_figures = kpi_figures
        """The KPI view's figures an appraisal's actuals are checked against (``None``:
        none given, the stated figures are taken as stated)."""
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

    def staff_member(
        self,
        employee_id: UUID,
        role: Role,
        *,
        at_step: str,
        name: str = "",
        rule: SopRule = NAMED_PERSON_IS_STAFF,
    ) -> Actor:
        """The person a command names, to act in ``role`` at ``at_step``: an active
        employee holding the role, named as the staff register names them (``name``, the
        caller's, is kept only where people are taken as given).  ``rule``: the rule a
        refusal names (a step outside chapter 2 names its own)."""
        if not self.verify_people:
            return Actor(employee_id=employee_id, role=role, name=name)
        from salesdomain.people.employee import Employee

        employee = self.find(Employee, employee_id)
        if employee is None:
            detail = f"{name or employee_id} is not an employee"
        elif not employee.is_active:
            detail = f"{employee.name} has left the company"
        elif not employee.holds(role):
            detail = f"{employee.name} does not hold the role {role.label}"
        else:
            return Actor(employee_id=employee_id, role=role, name=employee.name)
        raise SopRuleViolation(rule, detail, at_step=at_step)

    def acting_as(self, evidence: Evidence) -> UnitOfWork:
        """The same unit of work, recording under other evidence (for named policies)."""
        other = UnitOfWork(
            self._source,
            evidence,
            self.policy,
            verify_people=self.verify_people,
            kpi_figures=self.kpi_figures,
        )
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


def _kind_name(kind: type[SopAggregate]) -> str:
    return kind.__name__.lower()
