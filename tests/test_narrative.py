"""Every event of every aggregate has a one-line description in the SOP's words."""

from __future__ import annotations

from salesdomain.narrative import descriptions
from tests.event_classes import event_classes


def _event_names() -> set[str]:
    return set(event_classes())


def test_every_event_is_described() -> None:
    missing = sorted(_event_names() - descriptions().keys())
    assert not missing, f"no description for: {', '.join(missing)}"


def test_descriptions_name_real_events() -> None:
    unknown = sorted(descriptions().keys() - _event_names())
    assert not unknown, f"descriptions for events that do not exist: {', '.join(unknown)}"
