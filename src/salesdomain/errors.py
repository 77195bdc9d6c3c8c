"""The few errors the library raises, each saying which field or SOP rule was broken.

Messages are written for a sales manager: they name the SOP step by code and title
and state the rule in the SOP's words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from salesdomain.rules.customer_development import COMPANY_REGISTERED_ONCE
from salesdomain.rules.rule import SopRule
from salesdomain.sop import step


class SalesDomainError(Exception):
    """Base of every error the library raises on purpose."""


@dataclass(frozen=True)
class FieldProblem:
    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.field}: {self.problem}"


class InvalidCommand(SalesDomainError):
    """The command's data is invalid; every bad field is named."""

    def __init__(self, command: str, problems: Sequence[FieldProblem]) -> None:
        self.command = command
        self.problems = tuple(problems)
        listed = "; ".join(str(p) for p in self.problems)
        super().__init__(f"{command} has invalid data: {listed}")

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(p.field for p in self.problems)


class SopRuleViolation(SalesDomainError):
    """A rule of the SOP would be broken; nothing was recorded.

    ``rule`` is a rule of the catalogue (``salesdomain.rules``); ``at_step`` is the step
    the command was refused at when the rule holds at every step of a section (an order
    that is cancelled refuses an inspection at 2.5.3), by default the rule's own step.
    """

    def __init__(self, rule: SopRule, detail: str = "", *, at_step: str | None = None) -> None:
        code = rule.sop_step if at_step is None else at_step
        if not rule.holds_at(code):
            raise ValueError(f"rule {rule.id} (SOP {rule.sop_step}) does not hold at {code}")
        self.sop_rule = rule
        self.rule_id = rule.id
        self.sop_step = code
        self.rule = rule.text
        self.detail = detail
        message = f"SOP {step(code)}: {rule.text}"
        if detail:
            message += f" ({detail})"
        super().__init__(message)


class AlreadyRegistered(SopRuleViolation):
    """The same company must not be registered twice (2.1.2)."""

    def __init__(self, existing_id: UUID, company_name: str) -> None:
        self.existing_id = existing_id
        super().__init__(
            COMPANY_REGISTERED_ONCE,
            f"already registered as '{company_name}', customer {existing_id}",
        )


class NotAuthorised(SalesDomainError):
    """The actor may not perform this step; nothing was recorded."""

    def __init__(self, sop_step: str, who: str, reason: str) -> None:
        self.sop_step = sop_step
        self.who = who
        self.reason = reason
        super().__init__(f"not authorised for SOP {step(sop_step)}: {who} {reason}")


class RecordNotFound(SalesDomainError):
    def __init__(self, kind: str, record_id: UUID) -> None:
        self.kind = kind
        self.record_id = record_id
        super().__init__(f"no {kind} with id {record_id}")


class RecordAlreadyExists(SalesDomainError):
    """A command would create a record under an id that is already taken."""

    def __init__(self, kind: str, record_id: UUID) -> None:
        self.kind = kind
        self.record_id = record_id
        super().__init__(f"a {kind} with id {record_id} already exists; nothing was recorded")


class ConcurrencyConflict(SalesDomainError):
    """Others kept changing the same record; the command was retried and gave up."""

    def __init__(self, command: str, record_id: UUID, attempts: int) -> None:
        self.command = command
        self.record_id = record_id
        self.attempts = attempts
        super().__init__(
            f"{command} conflicted with other changes to {record_id} "
            f"{attempts} times; nothing was recorded, send it again"
        )


class CommandIdReused(SalesDomainError):
    """A command id was sent again with different content."""

    def __init__(self, command_id: UUID, first: str) -> None:
        self.command_id = command_id
        super().__init__(
            f"command id {command_id} was already used for a different command ({first}); "
            "nothing was recorded"
        )


@dataclass(frozen=True)
class LineProblem:
    """What is wrong with one line of an imported file, and in which column."""

    line: int
    field: str
    problem: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.problem}"


class ImportRefused(InvalidCommand):
    """SOP 4.1.2: records are taken over only when clean (no duplicates, errors or
    incomplete records); every problem is named by line and column, nothing is stored."""

    sop_step = "4.1.2"

    def __init__(self, command: str, source: str, lines: Sequence[LineProblem]) -> None:
        self.source = source
        self.lines = tuple(sorted(lines, key=lambda p: p.line))
        super().__init__(
            command, [FieldProblem(f"line {p.line}, {p.field}", p.problem) for p in self.lines]
        )
        count = len(self.lines)
        self.args = (
            f"SOP {step('4.1.2')}: nothing was imported from {source}; {count} problem(s) "
            "to correct first: " + "; ".join(str(p) for p in self.lines),
        )


# ---- one shape for every refusal, on every surface (ADR 60) ----------------------------


class ProblemReport(BaseModel):
    """One bad field: ``field`` a dotted path (``lines.0.quantity``; in an imported file
    its column, empty for the whole line), ``problem`` what is wrong with it in the
    rule's words, ``line`` the file's line (only for an imported file)."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True)
    field: str
    """The bad field, as a dotted path (an imported file's column; empty: the whole line)."""
    problem: str
    """What is wrong with it, in the rule's words."""
    line: int | None = Field(default=None, exclude_if=lambda line: line is None)
    """The imported file's line the problem is on (only for an imported file)."""

    def __str__(self) -> str:
        where = [] if self.line is None else [f"line {self.line}"]
        where += [self.field] if self.field else []
        return f"{', '.join(where)}: {self.problem}"


class ErrorReport(BaseModel):
    """What a refusal says, the same from the web API and from the command line with
    ``--json``: ``kind`` (``invalid_command``, ``sop_rule_violation``, ...), one line
    ``message``, the SOP step and rule broken (``None`` when none), and ``details``,
    every bad field (empty when the refusal is not about fields).  Facts of a kind
    (``existing_id``, ``record_id``, ``line``, ``retry_after``, ...) may follow."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_serialization_defaults_required=True,
        use_attribute_docstrings=True,
    )
    kind: str
    """What kind of refusal: ``invalid_command``, ``sop_rule_violation``, ``not_found``, ..."""
    message: str
    """One line naming the field or the SOP rule, in words a sales manager understands."""
    sop_step: str | None = None
    """The SOP step the command was refused at (``2.3.2``); ``null``: no step."""
    rule_id: str | None = None
    """The id of the SOP rule broken, from the rule catalogue; ``null``: no rule."""
    details: list[ProblemReport] = []
    """Every bad field (empty when the refusal is not about fields)."""


ERROR_KINDS: dict[type[SalesDomainError], str] = {
    InvalidCommand: "invalid_command",
    AlreadyRegistered: "already_registered",
    SopRuleViolation: "sop_rule_violation",
    NotAuthorised: "not_authorised",
    RecordNotFound: "record_not_found",
    RecordAlreadyExists: "record_already_exists",
    CommandIdReused: "command_id_reused",
    ConcurrencyConflict: "concurrency_conflict",
}
"""The ``kind`` of each error, by its class (the most specific along its hierarchy)."""


def problems_reported(problems: Sequence[FieldProblem]) -> list[ProblemReport]:
    return [ProblemReport(field=p.field, problem=p.problem) for p in problems]


def report_of(error: SalesDomainError, message: str | None = None) -> ErrorReport:
    """``error`` in the one shape (``message``: another wording of it, say a headline
    over its list of problems)."""
    kind = next(ERROR_KINDS[k] for k in type(error).__mro__ if k in ERROR_KINDS)
    said = str(error) if message is None else message
    if isinstance(error, ImportRefused):
        lines = [ProblemReport(field=p.field, problem=p.problem, line=p.line) for p in error.lines]
        return ErrorReport(kind=kind, message=said, sop_step=error.sop_step, details=lines)
    if isinstance(error, InvalidCommand):
        return ErrorReport(kind=kind, message=said, details=problems_reported(error.problems))
    if isinstance(error, SopRuleViolation):
        facts: dict[str, Any] = {"rule": error.rule}
        if isinstance(error, AlreadyRegistered):
            facts["existing_id"] = str(error.existing_id)
        return ErrorReport(
            kind=kind, message=said, sop_step=error.sop_step, rule_id=error.rule_id, **facts
        )
    if isinstance(error, NotAuthorised):
        return ErrorReport(kind=kind, message=said, sop_step=error.sop_step)
    if isinstance(error, RecordNotFound | RecordAlreadyExists):
        record = {"record_type": error.kind, "record_id": str(error.record_id)}
        return ErrorReport(kind=kind, message=said, **record)
    if isinstance(error, CommandIdReused):
        return ErrorReport(kind=kind, message=said, command_id=str(error.command_id))
    if isinstance(error, ConcurrencyConflict):
        return ErrorReport(kind=kind, message=said, record_id=str(error.record_id))
    return ErrorReport(kind=kind, message=said)
