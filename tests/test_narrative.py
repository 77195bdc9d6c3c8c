"""Every event of every aggregate has a one-line description in the SOP's words."""

from __future__ import annotations

import salesdomain.application  # noqa: F401  (imports every area)
from salesdomain.aggregate import SopAggregate
from salesdomain.narrative import descriptions


def _aggregates(base: type = SopAggregate) -> list[type]:
    found = []
    for sub in base.__subclasses__():
        found.append(sub)
        found.extend(_aggregates(sub))
    return found


def _event_names() -> set[str]:
    names = set()
    for aggregate in _aggregates():
        if aggregate.__module__.startswith("tests"):
            continue
        for value in vars(aggregate).values():
            # "Event" is each aggregate's base; eventsourcing defines an unused "Created".
            is_event = isinstance(value, type) and issubclass(value, SopAggregate.Event)
            if is_event and value.__name__ not in ("Event", "Created"):
                names.add(value.__qualname__)
    return names


def test_every_event_is_described() -> None:
    missing = sorted(_event_names() - descriptions().keys())
    assert not missing, f"no description for: {', '.join(missing)}"


def test_descriptions_name_real_events() -> None:
    unknown = sorted(descriptions().keys() - _event_names())
    assert not unknown, f"descriptions for events that do not exist: {', '.join(unknown)}"
