"""Given / When / Then for the conformance review (salesdomain.projections.conformance).

*Given* a history recorded by the real application (on the in-memory store, actors as
given, freezegun's clock), optionally with one event altered the way a writer without
the checks would have stored it; *when* the review folds the decoded log (no database);
*then* the breaches of one rule:

    history = History()
    history.given(*steps)                                   # real commands
    log = history.altered("Contract.Approved", actor=LEO)  # one event as unchecked
    assert history.breaches("contract_approver_independent", log) == [...]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from salesdomain.projections.conformance import read_log
from salesdomain.projections.conformance.api import RULES
from salesdomain.projections.conformance.findings import Breach
from salesdomain.projections.conformance.policies import PolicyBook
from salesdomain.projections.conformance.report import ConformanceReport, build_report
from salesdomain.projections.conformance.review import Entry, Review, finish, replay

from salesdomain.policy import SalesPolicy
from tests.conftest import make_app
from tests.spec import Step, event_name

LATER = datetime(2027, 1, 1, tzinfo=UTC)
"""A review long after every history of these tests."""


class History:
    def __init__(self, policy: SalesPolicy | None = None, *, verify_actors: bool = False) -> None:
        self.app = make_app("memory://", policy, verify_actors=verify_actors)

    def given(self, *steps: Step) -> History:
        for command, actor in steps:
            self.app.handle(command, actor)
        return self

    def log(self) -> list[Entry]:
        return list(read_log(self.app))

    def altered(self, name: str, nth: int = 0, **changes: Any) -> list[Entry]:
        """The log with the ``nth`` event called ``name`` stored with ``changes``."""
        entries, seen = self.log(), 0
        for index, (position, event) in enumerate(entries):
            if event is not None and event_name(event) == name:
                if seen == nth:
                    entries[index] = (position, dataclasses.replace(event, **changes))
                    return entries
                seen += 1
        raise AssertionError(f"no event {name} number {nth} in the history")

    def without(self, name: str) -> list[Entry]:
        """The log with every event called ``name`` left out."""
        return [(p, e) for p, e in self.log() if e is None or event_name(e) != name]

    def review(
        self,
        log: Iterable[Entry] | None = None,
        *,
        policy: SalesPolicy | None = None,
        as_at: datetime = LATER,
        earlier: Iterable[SalesPolicy] = (),
    ) -> Review:
        book = PolicyBook(policy or SalesPolicy(), earlier)
        return replay(Review(book, as_at), self.log() if log is None else log)

    def breaches(self, rule: str, log: Iterable[Entry] | None = None, **kw: Any) -> list[Breach]:
        return [b for b in finish(self.review(log, **kw)) if b.rule == rule]

    def report(
        self, start: Any, end: Any, log: Iterable[Entry] | None = None, **kw: Any
    ) -> ConformanceReport:
        return build_report(self.review(log, **kw), RULES, start, end)

    def event(self, name: str, nth: int = 0) -> Any:
        found = [e for _, e in self.log() if e is not None and event_name(e) == name]
        return found[nth]

    def close(self) -> None:
        self.app.close()
