"""The events' stored form: the faster transcoder writes eventsourcing's very bytes."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from eventsourcing.persistence import (
    JSONTranscoder,
    TranscodingNotRegisteredError,
)
from salesdomain.adapters.bootstrap import build_system
from salesdomain.adapters.demo import run_demo

from salesdomain.opportunities.values import Contact, ContactChannel
from salesdomain.personal import holds_personal_data
from salesdomain.transcodings import EventJSONTranscoder, plain_transcoder


def _state(event: Any) -> dict[str, Any]:
    state = dict(vars(event))
    del state["originator_id"], state["originator_version"]
    return state


@pytest.fixture(scope="module")
def demo_log() -> list[tuple[Any, bytes]]:
    """Every event of the demo's quarter with its stored state, decoded."""
    system = build_system("memory://")
    try:
        run_demo(system, 7)
        app = system.app
        notifications = app.recorder.select_notifications(start=1, limit=1_000_000)
        return [(app.mapper.to_domain_event(n), n.state) for n in notifications]
    finally:
        system.close()


def test_every_event_of_the_demo_is_written_as_eventsourcing_writes_it(
    demo_log: list[tuple[Any, bytes]],
) -> None:
    ours, theirs = plain_transcoder(EventJSONTranscoder), plain_transcoder(JSONTranscoder)
    assert len({type(event) for event, _ in demo_log}) > 50  # every kind of SOP event
    for event, _stored in demo_log:
        state = _state(event)
        assert ours.encode(state) == theirs.encode(state), type(event).__qualname__


def test_events_without_personal_values_are_stored_as_they_are_encoded(
    demo_log: list[tuple[Any, bytes]],
) -> None:
    """The application's own transcoder wrote these bytes (sealed values aside: their
    nonce differs each time)."""
    ours = plain_transcoder(EventJSONTranscoder)
    plain = [
        (event, stored)
        for event, stored in demo_log
        if not any(holds_personal_data(type(value)) for value in vars(event).values())
    ]
    assert len(plain) > len(demo_log) // 2
    for event, stored in plain:
        assert ours.encode(_state(event)) == stored, type(event).__qualname__


def test_text_outside_ascii_and_escapes_are_written_alike_and_read_back() -> None:
    ours, theirs = plain_transcoder(EventJSONTranscoder), plain_transcoder(JSONTranscoder)
    awkward = '华东精密 "B" \\ tab\t line\n bell\x07 \u2028 end'
    contact = Contact(  # a command's text holds no control characters but tab and breaks
        channel=ContactChannel.VISIT,
        occurred_on=date(2026, 3, 2),
        participants=("陈伟", "Li Na"),
        notes=awkward.replace("\x07", ""),
    )
    state = {"company_name": awkward, "contact": contact, "flag": True, "count": 3}
    assert ours.encode(state) == theirs.encode(state)
    assert ours.decode(ours.encode(state)) == state


def test_a_value_of_no_registered_type_is_refused_naming_its_type() -> None:
    class Unregistered:
        pass

    with pytest.raises(TranscodingNotRegisteredError, match="Unregistered"):
        plain_transcoder(EventJSONTranscoder).encode({"value": Unregistered()})
