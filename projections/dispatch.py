"""Handlers keyed on the event's exact class: the one dispatch style of the read side.

A projection registers a pure function per event class and asks for the rows an event
changes::

    HANDLERS = Handlers[RowChange]()

    @HANDLERS.on(Opportunity.Opened)
    def _opened(event: Opportunity.Opened, position: int) -> list[RowChange]: ...

    HANDLERS.changes(event, position)

The keys are classes, so no handler can name an event that does not exist, and mypy
checks that a handler takes the events it is registered for (one registered for
several classes takes their union).  The match is exact: an event of a class derived
from a registered one reaches no handler unless its own class is registered, so a new
version of an event is a decision each view makes, not an accident.  Several handlers
may be registered for one class; they run in the order they were registered.

``ByEventClass`` is the registry itself, for handlers of any shape (the conformance
review's rules, ``salesdomain.projections.conformance.review.on``, take the review
first).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar, overload

H = TypeVar("H", bound=Callable[..., Any])
R = TypeVar("R")
E1 = TypeVar("E1")
E2 = TypeVar("E2")
E3 = TypeVar("E3")
E4 = TypeVar("E4")


class ByEventClass(Generic[H]):
    """Handlers by the exact class of the event they handle; ``parts`` are registries
    whose handlers this one starts with (in their order)."""

    def __init__(self, *parts: ByEventClass[H]) -> None:
        self._handlers: dict[type, list[H]] = {}
        for part in parts:
            for event_class, handlers in part._handlers.items():
                self._handlers.setdefault(event_class, []).extend(handlers)

    def add(self, event_classes: Iterable[type], handler: H) -> H:
        """Register ``handler`` for events of exactly these classes; return it."""
        for event_class in event_classes:
            self._handlers.setdefault(event_class, []).append(handler)
        return handler

    def of(self, event: object) -> Sequence[H]:
        """The handlers registered for the class of ``event`` (none: an empty tuple)."""
        return self._handlers.get(type(event), ())

    @property
    def event_classes(self) -> frozenset[type]:
        """Every class some handler is registered for."""
        return frozenset(self._handlers)


Rows = Callable[[Any, int], list[R]]
"""A projection's handler: the rows one event (at its log position) changes."""


class Handlers(ByEventClass[Rows[R]]):
    """A projection's pure functions ``(event, position) -> rows``, by event class."""

    @overload
    def on(
        self, first: type[E1], /
    ) -> Callable[[Callable[[E1, int], list[R]]], Callable[[E1, int], list[R]]]: ...

    @overload
    def on(
        self, first: type[E1], second: type[E2], /
    ) -> Callable[[Callable[[E1 | E2, int], list[R]]], Callable[[E1 | E2, int], list[R]]]: ...

    @overload
    def on(
        self, first: type[E1], second: type[E2], third: type[E3], /
    ) -> Callable[
        [Callable[[E1 | E2 | E3, int], list[R]]], Callable[[E1 | E2 | E3, int], list[R]]
    ]: ...

    @overload
    def on(
        self, first: type[E1], second: type[E2], third: type[E3], fourth: type[E4], /
    ) -> Callable[
        [Callable[[E1 | E2 | E3 | E4, int], list[R]]],
        Callable[[E1 | E2 | E3 | E4, int], list[R]],
    ]: ...

    def on(self, *event_classes: type) -> Callable[[Rows[R]], Rows[R]]:
        """Register the decorated function for events of exactly these classes (one to
        four; the function takes their union)."""

        def register(handler: Rows[R]) -> Rows[R]:
            return self.add(event_classes, handler)

        return register

    def changes(self, event: object, position: int) -> list[R]:
        """The rows every handler of the event's class gives, in registration order
        (an empty list for an event no handler is registered for)."""
        handlers = self.of(event)
        if len(handlers) == 1:
            return handlers[0](event, position)
        return [row for handler in handlers for row in handler(event, position)]
