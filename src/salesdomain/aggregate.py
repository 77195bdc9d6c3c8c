"""The base of every aggregate: events that are evidence of an SOP step.

Every event records, besides its own facts, the SOP step it belongs to, the actor
(employee and role), the command that caused it, the business case it belongs to
(correlation id) and the event that caused it where there is one.  Events are stored
under stable names ``salesdomain:<Aggregate>.<Event>`` that do not depend on module
paths; a new version of an event is eventsourcing's ``class_version`` with an
``upcast_vN_vN+1`` for the stored older ones (ADR 26).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Self
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate
from eventsourcing.utils import register_topic

from salesdomain import clock
from salesdomain.snapshots import ExactSnapshot
from salesdomain.sop import recordable_step
from salesdomain.values import Actor

TOPIC_PREFIX = "salesdomain:"
EVENT_NAMESPACE = uuid5(NAMESPACE_URL, "salesdomain:event")
_GROWN_IN_PLACE = (list, dict, set)  # what ``apply`` may add to, copied with an aggregate


def event_id_of(aggregate_id: UUID, version: int) -> UUID:
    """The id of the event at ``version`` of an aggregate (what causation ids point to)."""
    return uuid5(EVENT_NAMESPACE, f"{aggregate_id}/{version}")


@dataclass(frozen=True)
class Evidence:
    """Who acts, under which command, in which business case, caused by what."""

    actor: Actor
    command_id: UUID
    command: str
    correlation_id: UUID | None = None
    causation_id: UUID | None = None

    def fields(self, correlation_id: UUID, caused_by: UUID | None = None) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "command": self.command,
            "command_id": self.command_id,
            "correlation_id": correlation_id,
            "causation_id": caused_by or self.causation_id,
        }


class SopAggregate(Aggregate):
    """An aggregate whose every event is recorded under an SOP step.

    Convention: each aggregate defines ``class Event(SopAggregate.Event)`` and nests its
    events as subclasses of that ``Event`` (eventsourcing redefines, under the same
    name, any nested event that is not, and its topic would be registered twice).
    """

    TOPIC: ClassVar[str] = TOPIC_PREFIX + "SopAggregate"
    Snapshot = ExactSnapshot  # restores the replayed state exactly (ADR 38)
    SNAPSHOT_INTERVAL: ClassVar[int | None] = 100
    """Snapshot a record of this kind every this many events (ADR 38); ``None`` for a
    kind whose history is bounded by construction (a fixed number of events)."""

    class Event(Aggregate.Event):
        SOP_STEP: ClassVar[str | None] = None
        TOPIC: ClassVar[str]

        sop_step: str
        actor: Actor
        command: str
        command_id: UUID
        correlation_id: UUID
        causation_id: UUID | None

        def __init_subclass__(cls, **kwargs: Any) -> None:
            super().__init_subclass__(**kwargs)
            if cls.SOP_STEP is not None:
                recordable_step(cls.SOP_STEP)
            cls.TOPIC = f"{TOPIC_PREFIX}{cls.__qualname__}"
            register_topic(cls.TOPIC, cls)
            register_topic(f"{cls.TOPIC}.v1", cls)  # as 0.1 and 0.2 stored it (ADR 26)

        @staticmethod
        def create_timestamp() -> datetime:
            return clock.now()

        @property
        def event_id(self) -> UUID:
            """A stable id of this event: derived from its aggregate and version."""
            return event_id_of(self.originator_id, self.originator_version)

        def __post_init__(self) -> None:
            super().__post_init__()
            recordable_step(self.sop_step)
            if self.SOP_STEP is not None and self.sop_step != self.SOP_STEP:
                raise ValueError(
                    f"{type(self).__qualname__} is recorded under SOP {self.SOP_STEP}, "
                    f"not {self.sop_step}"
                )

    class Created(Event, Aggregate.Created):
        def mutate(self, aggregate: Any) -> Any:
            created: Any = super().mutate(aggregate)
            created.case_id = self.correlation_id
            return created

    if TYPE_CHECKING:
        case_id: UUID
        """The business case (correlation id) every later event of this aggregate joins."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        cls.TOPIC = TOPIC_PREFIX + cls.__qualname__
        super().__init_subclass__(**kwargs)

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        """A copy that shares the immutable parts of the state.

        ``apply`` methods assign attributes, or add to a list, dict or set of the state in
        place (one element per event, so that a replay is linear in the history, ADR
        38); they never change an element of one.  A copy of the attributes with each
        such container copied is therefore as independent as a deep one, at a fraction
        of the cost; the repository's cache hands out such copies on every load.
        """
        copied = object.__new__(type(self))
        copied.__dict__.update(
            {
                name: value.copy() if type(value) in _GROWN_IN_PLACE else value
                for name, value in self.__dict__.items()
            }
        )
        copied.__dict__["_pending_events"] = []
        return copied

    @classmethod
    def _start(
        cls,
        event_class: type[SopAggregate.Created],
        evidence: Evidence,
        *,
        id: UUID,
        case_id: UUID | None = None,
        caused_by: UUID | None = None,
        **facts: Any,
    ) -> Self:
        """Create the aggregate; it joins ``case_id``, else the command's business
        case, else it starts a case of its own.  ``caused_by`` names the event that
        led to it (else the command's cause)."""
        correlation = case_id or evidence.correlation_id or id
        return cls._create(
            event_class,
            id=id,
            sop_step=_step_of(event_class, facts),
            **evidence.fields(correlation, caused_by),
            **facts,
        )

    def _record(
        self,
        event_class: type[SopAggregate.Event],
        evidence: Evidence,
        *,
        caused_by: UUID | None = None,
        **facts: Any,
    ) -> None:
        self.trigger_event(
            event_class,
            sop_step=_step_of(event_class, facts),
            **evidence.fields(self.case_id, caused_by),
            **facts,
        )

    @property
    def last_event_id(self) -> UUID:
        """The id of this aggregate's latest event (to name it as a cause)."""
        return event_id_of(self.id, self.version)


def _step_of(event_class: type[SopAggregate.Event], facts: dict[str, Any]) -> str:
    given = facts.pop("sop_step", None)
    code = given or event_class.SOP_STEP
    if code is None:
        raise TypeError(f"{event_class.__qualname__} needs the SOP step it is recorded under")
    return str(code)


def record_classes(base: type[SopAggregate] = SopAggregate) -> Iterator[type[SopAggregate]]:
    """Every kind of record (``SopAggregate`` subclass) whose module is imported."""
    for kind in base.__subclasses__():
        yield kind
        yield from record_classes(kind)
