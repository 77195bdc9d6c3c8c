"""The read side's one dispatch style: handlers keyed on the event's exact class."""

from __future__ import annotations

from dataclasses import dataclass

from salesdomain.projections.dispatch import Handlers


@dataclass(frozen=True)
class Registered:
    name: str


@dataclass(frozen=True)
class Imported(Registered):
    line: int


HANDLERS = Handlers[str]()


@HANDLERS.on(Registered)
def _registered(event: Registered, position: int) -> list[str]:
    return [f"{position}: {event.name}"]


def test_an_event_reaches_the_handlers_of_its_class():
    assert HANDLERS.changes(Registered("Acme"), 7) == ["7: Acme"]


def test_a_derived_event_class_does_not_reach_its_parents_handlers():
    assert HANDLERS.changes(Imported("Acme", line=2), 7) == []


def test_an_event_no_handler_is_registered_for_changes_nothing():
    assert HANDLERS.changes(object(), 7) == []


def test_several_classes_and_several_handlers_in_the_order_registered():
    handlers = Handlers[str](HANDLERS)

    @handlers.on(Registered, Imported)
    def _either(event: Registered | Imported, position: int) -> list[str]:
        return [type(event).__name__]

    assert handlers.changes(Registered("Acme"), 1) == ["1: Acme", "Registered"]
    assert handlers.changes(Imported("Acme", line=2), 1) == ["Imported"]
    assert handlers.event_classes == {Registered, Imported}
    assert HANDLERS.event_classes == {Registered}  # the part is not changed
