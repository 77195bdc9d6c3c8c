"""Given / When / Then for the sales SOP.

    spec.given(*history).when(command, actor).then("Opportunity.QuoteIssued")
    spec.given(*history).when(command, actor).then_refused("quote_valid_from_issue")
    spec.given(*history).when(command, actor).then_rejected(NotAuthorised, step="2.3.2")

``given`` takes (command, actor) pairs and records their events: the history the rule
is checked against.  ``then`` names the events the command must record, in order;
``then_refused`` names the SOP rule (its id in ``salesdomain.rules``) the command broke,
``then_rejected`` any other error; both check that nothing at all was stored.

Where several rules are checked the same way (a canned history replayed to a point, a
command, a refusal), a rule file lists them in a table, one row a rule, and one test
(``every_row``) checks every row:

    RULES = on(deal, [   # deal(spec, at): the opportunity replayed up to ``at``
        refused(QUOTED, b.discover, ALICE, "needs_fixed_once_quoted"),
        not_authorised(DESIGNED, b.confirm, QUINN, "not in a department involved", id=...),
    ])

    test_a_step_the_sop_rules_out_is_refused = every_row(RULES, NOW)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import pytest
from freezegun import freeze_time

from salesdomain.application import SalesApplication
from salesdomain.command_record import CommandResult
from salesdomain.commands import Command
from salesdomain.errors import NotAuthorised, SalesDomainError, SopRuleViolation
from salesdomain.rules import rule_named
from salesdomain.values import Actor

if TYPE_CHECKING:
    from _pytest.mark import ParameterSet  # what pytest.param answers

Step = tuple[Command, Actor]


def event_name(event: Any) -> str:
    return type(event).__qualname__


def events_after(app: SalesApplication, position: int) -> list[Any]:
    """Domain events stored after ``position`` (the command records left out)."""
    found = []
    for notification in app.recorder.select_notifications(start=position + 1, limit=10_000):
        event = app.mapper.to_domain_event(notification)
        if not event_name(event).startswith("CommandRecord."):
            found.append(event)
    return found


def reloaded_as_version_1(app: SalesApplication, event: Any, *added: str) -> Any:
    """``event`` stored as its version 1 had it (without ``added``, the fields version 2
    added) and read back through the application's mapper: what the upcaster makes of
    history stored before version 2."""
    stored = app.mapper.to_stored_event(event)
    state = app.mapper.transcoder.decode(stored.state)
    for name in ("class_version", *added):
        del state[name]
    version_1 = replace(stored, state=app.mapper.transcoder.encode(state))
    return app.mapper.to_domain_event(version_1)


def log_position(app: SalesApplication) -> int:
    return app.recorder.max_notification_id() or 0


@dataclass
class Outcome:
    app: SalesApplication
    before: int
    result: CommandResult | None
    error: SalesDomainError | None
    events: list[Any] = field(default_factory=list)

    def then(self, *expected: str) -> list[Any]:
        if self.error is not None:
            raise AssertionError(f"expected {expected}, but the command was refused: {self.error}")
        names = [event_name(e) for e in self.events]
        assert names == list(expected), f"recorded {names}, expected {list(expected)}"
        return self.events

    def then_rejected(
        self,
        error_type: type[SalesDomainError],
        *,
        step: str | None = None,
        rule: str | None = None,
    ) -> SalesDomainError:
        if self.error is None:
            names = [event_name(e) for e in self.events]
            raise AssertionError(f"expected {error_type.__name__}, but it recorded {names}")
        assert isinstance(self.error, error_type), f"got {self.error!r}"
        if step is not None:
            assert getattr(self.error, "sop_step", None) == step, str(self.error)
        if rule is not None:
            assert rule in str(self.error), f"{rule!r} not in {self.error}"
        assert log_position(self.app) == self.before, "something was stored"
        return self.error

    def then_refused(
        self, rule_id: str, *, step: str | None = None, detail: str | None = None
    ) -> SopRuleViolation:
        """Refused for breaking the rule ``rule_id`` and nothing stored.  ``step``: the
        step it was refused at (for a rule that holds at every step of a section);
        ``detail``: words the refusal's detail must contain."""
        rule_named(rule_id)  # a misspelt id is no rule
        error = self.then_rejected(SopRuleViolation, step=step)
        assert isinstance(error, SopRuleViolation)
        assert error.rule_id == rule_id, f"broke {error.rule_id}, not {rule_id}: {error}"
        if detail is not None:
            assert detail in error.detail, f"{detail!r} not in {error.detail!r}"
        return error


class Spec:
    def __init__(self, app: SalesApplication) -> None:
        self.app = app
        self.history: list[CommandResult] = []

    def given(self, *steps: Step) -> Spec:
        for command, actor in steps:
            self.history.append(self.app.handle(command, actor))
        return self

    def when(self, command: Command, actor: Actor) -> Outcome:
        before = log_position(self.app)
        try:
            result = self.app.handle(command, actor)
        except SalesDomainError as error:
            return Outcome(self.app, before, None, error)
        return Outcome(self.app, before, result, None, events_after(self.app, before))


# ---- rule tables ---------------------------------------------------------------------------

History = Callable[["Spec", Any], Any]
"""A rule file's canned history: ``history(spec, at)`` records it up to the point ``at``
and answers its subject (e.g. ``deal(spec, QUOTED)``: the opportunity's id)."""


def _no_steps(subject: Any) -> Sequence[Step]:
    return ()


def _no_history(spec: Spec, at: Any) -> Any:
    raise AssertionError("a row of a rule table is checked on a history: on(history, rows)")


@dataclass(frozen=True)
class Case:
    """A row of a rule table: with a canned history recorded up to ``at`` (answering its
    subject) and the steps ``given(subject)`` after it, ``command(subject)`` sent by
    ``actor`` is answered as ``then`` expects."""

    at: Any
    command: Callable[[Any], Command]
    actor: Actor
    then: Callable[[Outcome], object]
    given: Callable[[Any], Sequence[Step]] = _no_steps
    history: History = _no_history

    def check(self, spec: Spec) -> None:
        subject = self.history(spec, self.at)
        spec.given(*self.given(subject))
        self.then(spec.when(self.command(subject), self.actor))


def on(history: History, rows: list[ParameterSet]) -> list[ParameterSet]:
    """``rows`` (made by ``refused`` and ``not_authorised``), each checked on ``history``."""
    return [pytest.param(replace(row.values[0], history=history), id=row.id) for row in rows]


def refused(
    at: Any,
    command: Callable[[Any], Command],
    actor: Actor,
    rule_id: str,
    *,
    given: Callable[[Any], Sequence[Step]] = _no_steps,
    step: str | None = None,
    detail: str | None = None,
    id: str | None = None,
) -> ParameterSet:
    """A row refused for breaking the rule ``rule_id`` (``step``, ``detail``: as
    ``Outcome.then_refused``), named after the rule, and where a rule has several rows
    after the situation ``id`` too."""
    rule_named(rule_id)  # a misspelt id fails when the tests are collected

    def then(outcome: Outcome) -> object:
        return outcome.then_refused(rule_id, step=step, detail=detail)

    case = Case(at, command, actor, then, given)
    return pytest.param(case, id=f"{rule_id}-{id}" if id else rule_id)


def not_authorised(
    at: Any,
    command: Callable[[Any], Command],
    actor: Actor,
    words: str,
    *,
    id: str,
    given: Callable[[Any], Sequence[Step]] = _no_steps,
    step: str | None = None,
) -> ParameterSet:
    """A row refused because ``actor`` may not take the step: ``NotAuthorised`` whose
    message has ``words`` (and, given, whose SOP step is ``step``)."""

    def then(outcome: Outcome) -> object:
        return outcome.then_rejected(NotAuthorised, step=step, rule=words)

    return pytest.param(Case(at, command, actor, then, given), id=id)


def every_row(rows: list[ParameterSet], now: str) -> Callable[[Spec, Case], None]:
    """The test of a rule table (``on(history, rows)``): each row checked, one test case
    a row, with the clock frozen at ``now``."""

    @pytest.mark.parametrize("case", rows)
    @freeze_time(now)
    def test(spec: Spec, case: Case) -> None:
        case.check(spec)

    return test
