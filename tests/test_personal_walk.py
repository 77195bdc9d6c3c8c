"""The walk that finds personal values in an event looks only at the fields whose types
may hold one (ADR 13): a field typed plainly is passed over, one typed loosely is walked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import salesdomain.application  # noqa: F401  (imports every aggregate's module)
from salesdomain.aggregate import SopAggregate
from salesdomain.orders.order import Order
from salesdomain.personal import PersonalNote, _walked_fields, subjects_in
from salesdomain.values import Money


@dataclass(frozen=True)
class Noted:
    """A class the walk knows only by its field types."""

    amount: Money
    note: Any
    notes: tuple[PersonalNote, ...]
    count: int


def _event_classes() -> set[type]:
    found: set[type] = set()
    todo = [SopAggregate.Event]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def test_a_field_whose_type_says_nothing_is_walked_and_a_plain_one_is_not():
    assert _walked_fields(Noted) == ("note", "notes")
    one, two = uuid4(), uuid4()
    note, other = PersonalNote(subject_id=one, text="x"), PersonalNote(subject_id=two)
    noted = Noted(Money.of("1", "CNY"), note, (other,), 1)
    assert subjects_in(noted) == {one, two}


def test_only_the_events_that_carry_contact_persons_or_candidates_are_walked():
    walked = {cls.__qualname__ for cls in _event_classes() if _walked_fields(cls)}
    assert walked == {
        "Candidate.Applied",
        "Candidate.Interviewed",
        "Customer.ContactPersonAdded",
        "Customer.Imported",
        "Customer.Registered",
    }
    assert _walked_fields(Order.ShipmentDispatched) == ()


def test_every_event_class_has_field_types_the_walk_can_read():
    assert [cls for cls in _event_classes() if _walked_fields(cls) is None] == []
