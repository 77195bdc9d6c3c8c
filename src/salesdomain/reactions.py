"""Named policies: rules of the SOP that react to an event by doing the next step.

"A signed contract opens a sales order" or "repeated failure raises an escalation"
must happen without anyone having to remember.  A reaction is a function registered
for an event type under a name; the application service runs it in the same unit of
work as the command that recorded the event, so the follow-up is saved in the same
atomic write (all or nothing).  The follow-up's events are recorded by the policy's
own actor (role "automated policy"), join the business case of the event that caused
them, and name that event as their cause.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import NAMESPACE_URL, UUID, uuid5

from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.sop import Role
from salesdomain.values import Actor

POLICY_NAMESPACE = uuid5(NAMESPACE_URL, "salesdomain:policy")
E = TypeVar("E", bound=SopAggregate.Event)


@dataclass(frozen=True)
class Reaction:
    name: str
    """The policy's name, e.g. "OpenOrderWhenContractSigned"; recorded as the command."""
    rule: str
    """What the policy does, in the SOP's words."""
    event_type: type[SopAggregate.Event]
    run: Callable[[Any, Any], None]

    @property
    def actor(self) -> Actor:
        return policy_actor(self.name)

    def evidence_for(self, event: SopAggregate.Event) -> Evidence:
        return Evidence(
            actor=self.actor,
            command_id=uuid5(event.event_id, self.name),
            command=self.name,
            correlation_id=event.correlation_id,
            causation_id=event.event_id,
        )


REACTIONS: dict[type[SopAggregate.Event], list[Reaction]] = {}


def policy_actor(name: str) -> Actor:
    return Actor(
        employee_id=uuid5(POLICY_NAMESPACE, name),
        role=Role.AUTOMATED_POLICY,
        name=f"policy {name}",
    )


def reacts_to(
    event_type: type[E], *, name: str, rule: str
) -> Callable[[Callable[[E, Any], None]], Callable[[E, Any], None]]:
    """Register the decorated ``function(event, uow)`` as the policy ``name``."""

    def register(function: Callable[[E, Any], None]) -> Callable[[E, Any], None]:
        registered = REACTIONS.setdefault(event_type, [])
        if any(r.name == name for r in registered):
            raise TypeError(f"policy {name} is already registered for {event_type.__qualname__}")
        registered.append(Reaction(name, rule, event_type, function))
        return function

    return register


def reactions_to(event: object) -> list[Reaction]:
    return REACTIONS.get(type(event), [])  # type: ignore[arg-type]


def all_policies() -> list[Reaction]:
    return [r for reactions in REACTIONS.values() for r in reactions]


def policy_id(name: str) -> UUID:
    return uuid5(POLICY_NAMESPACE, name)
