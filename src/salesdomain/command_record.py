"""The record of a handled command, saved atomically with the events it caused.

Its id is derived from the command id, so a command sent twice cannot be recorded
twice: the second save conflicts, and the first result is returned instead.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic, register_topic
from pydantic import AfterValidator, Field

from salesdomain import clock
from salesdomain.bounds import single_line
from salesdomain.commands import Command
from salesdomain.values import Actor, ValueObject

COMMAND_NAMESPACE = uuid5(NAMESPACE_URL, "salesdomain:command")


class RecordedEvent(ValueObject):
    aggregate_type: str
    aggregate_id: UUID
    version: int
    event_type: str
    sop_step: str

    @classmethod
    def of(cls, event: Any) -> RecordedEvent:
        kind, _, name = type(event).__qualname__.partition(".")
        return cls.model_construct(  # trusted values straight from a recorded event
            aggregate_type=kind,
            aggregate_id=event.originator_id,
            version=event.originator_version,
            event_type=name,
            sop_step=event.sop_step,
        )


class RecordedEvents(ValueObject):
    events: tuple[RecordedEvent, ...]


class Origin(ValueObject):
    """Where a command came from: the channel (``library``, ``cli``, ``web``) and, from
    the command line, which operating-system user ran it (``None``: not known)."""

    channel: Annotated[str, Field(pattern="^[a-z_]{1,20}$")]
    os_user: Annotated[str, Field(max_length=64), AfterValidator(single_line)] | None = None

    def __str__(self) -> str:
        return self.channel if self.os_user is None else f"{self.channel} ({self.os_user})"


LIBRARY = Origin(channel="library")
"""The origin of a command handled without saying where it came from."""


class CommandResult:
    """What a handled command recorded.  ``positions`` are the events' places in the
    application's log (when the result is the replay of an earlier send, the first
    send's: ``replayed`` is then true)."""

    def __init__(
        self,
        command_id: UUID,
        command: str,
        events: tuple[RecordedEvent, ...],
        positions: tuple[int, ...] = (),
        *,
        replayed: bool = False,
    ) -> None:
        self.command_id = command_id
        self.command = command
        self.events = events
        self.positions = positions
        self.replayed = replayed

    @property
    def aggregate_id(self) -> UUID:
        """The aggregate the command was about (of its first event)."""
        return self.events[0].aggregate_id

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CommandResult) and (
            self.command_id,
            self.command,
            self.events,
        ) == (other.command_id, other.command, other.events)

    def __hash__(self) -> int:
        return hash((self.command_id, self.command, self.events))

    def __repr__(self) -> str:
        names = ", ".join(f"{e.aggregate_type}.{e.event_type}" for e in self.events)
        return f"CommandResult({self.command}: {names})"


class CommandRecord(Aggregate):
    TOPIC: ClassVar[str] = "salesdomain:CommandRecord"

    class Event(Aggregate.Event):
        TOPIC: ClassVar[str] = "salesdomain:CommandRecord.Event"

        @staticmethod
        def create_timestamp() -> datetime:
            return clock.now()

    class Handled(Event, Aggregate.Created):
        TOPIC: ClassVar[str] = "salesdomain:CommandRecord.Handled"
        class_version: ClassVar[int] = 2
        command_id: UUID
        command: str
        digest: str
        actor: Actor
        outcome: RecordedEvents
        origin: Origin
        """Where the command came from (version 2; version 1 did not say)."""

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["origin"] = Origin(channel="unknown")

        def apply(self, record: CommandRecord) -> None:
            record.command_id = self.command_id
            record.command = self.command
            record.digest = self.digest
            record.outcome = self.outcome

    if TYPE_CHECKING:
        command_id: UUID
        command: str
        digest: str
        outcome: RecordedEvents

    @staticmethod
    def id_for(command_id: UUID) -> UUID:
        """The record's id, derived from the command id: a command id sent twice
        names one record."""
        return uuid5(COMMAND_NAMESPACE, str(command_id))

    @classmethod
    def handled(
        cls,
        command: Command,
        record_id: UUID,
        digest: str,
        actor: Actor,
        events: tuple[RecordedEvent, ...],
        origin: Origin = LIBRARY,
    ) -> CommandRecord.Handled:
        """The event that creates the record, to be saved with the command's events
        (the record itself is only built when it is read back)."""
        facts: dict[str, Any] = {
            "originator_id": record_id,
            "originator_version": cls.INITIAL_VERSION,
            "timestamp": cls.Handled.create_timestamp(),
            "originator_topic": get_topic(cls),
            "command_id": command.command_id,
            "command": type(command).__name__,
            "digest": digest,
            "actor": actor,
            "outcome": RecordedEvents.model_construct(events=events),  # from trusted parts
            "origin": origin,
        }
        return cls.Handled(**facts)

    def result(self) -> CommandResult:
        return CommandResult(self.command_id, self.command, self.outcome.events, replayed=True)


register_topic("salesdomain:CommandRecord.Handled.v1", CommandRecord.Handled)  # 0.1, 0.2
