"""Every domain event class by its name (``Aggregate.Event``), found by walking the
aggregates, for the tests that check names of events against the real ones."""

from __future__ import annotations

import salesdomain.application  # noqa: F401  (imports every area)
from salesdomain.aggregate import SopAggregate


def _aggregates(base: type = SopAggregate) -> list[type]:
    found = []
    for sub in base.__subclasses__():
        found.append(sub)
        found.extend(_aggregates(sub))
    return found


def aggregate_names() -> set[str]:
    """The names of the domain's aggregates (not those tests define)."""
    return {a.__name__ for a in _aggregates() if not a.__module__.startswith("tests")}


def event_classes() -> dict[str, type[SopAggregate.Event]]:
    """Every event of every domain aggregate, by ``Aggregate.Event`` name."""
    found = {}
    for aggregate in _aggregates():
        if aggregate.__module__.startswith("tests"):
            continue
        for value in vars(aggregate).values():
            # "Event" is each aggregate's base; eventsourcing defines an unused "Created".
            is_event = isinstance(value, type) and issubclass(value, SopAggregate.Event)
            if is_event and value.__name__ not in ("Event", "Created"):
                found[value.__qualname__] = value
    return found
