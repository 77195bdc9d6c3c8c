"""What the review remembers for the recurring duties (``recurring``): when each person
and each team existed, and the days each duty was done by each team and person.

``spans``: per subject (``("person", employee id)`` or ``("team", name)``) the spans of
days it existed, ``[first, last]`` (``last`` ``None`` while it still does).  ``done``:
``(duty, scope, subject, day)`` for each day the history records the duty done.
``roles``: per team, the roles its members held while in it (a team's duty applies by
them, even once its members have moved on).  All are plain data, so the conformance
view keeps them in rows (``view.duties``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

Subject = tuple[str, str]
"""A scope ("team", "person") and the team's name or the person's employee id."""
Span = list[date | None]
"""The first and the last day of a subject's existence (``None``: not ended)."""
DoneDay = tuple[str, str, str, date]
"""A duty (its value), a scope, a subject and the day the duty was done."""


@dataclass
class DutyBook:
    spans: dict[Subject, list[Span]] = field(default_factory=dict)
    done: set[DoneDay] = field(default_factory=set)
    roles: dict[Subject, set[str]] = field(default_factory=dict)
    changed: set[Subject] = field(default_factory=set)
    """The subjects whose spans or roles changed (the view rewrites their rows)."""

    def begin(self, subject: Subject, first: date) -> None:
        """The subject exists from ``first`` (unless it already does)."""
        spans = self.spans.setdefault(subject, [])
        if not spans or spans[-1][1] is not None:
            spans.append([first, None])
            self.changed.add(subject)

    def end(self, subject: Subject, last: date) -> None:
        """The subject's current span ends with ``last`` (a span never ends before it begins)."""
        spans = self.spans.get(subject)
        if spans and spans[-1][1] is None:
            first = spans[-1][0]
            assert first is not None
            spans[-1] = [first, max(first, last)]
            self.changed.add(subject)

    def held(self, subject: Subject, roles: Iterable[str]) -> None:
        """A member of the team ``subject`` holds ``roles`` while in it."""
        known, more = self.roles.setdefault(subject, set()), set(roles)
        if not known.issuperset(more):
            known.update(more)
            self.changed.add(subject)

    def did(self, duty: str, subject: Subject, day: date) -> None:
        self.done.add((duty, *subject, day))
