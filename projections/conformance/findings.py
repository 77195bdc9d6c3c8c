"""What a conformance review finds: named rules, breaches, overrides, unjudged decisions.

Everything here is a frozen pydantic model, so a report is JSON with
``model_dump(mode="json")`` / ``model_dump_json()``.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from salesdomain.rules import SopRule


class Family(Enum):
    TIME_LIMIT = "time limit"
    AUTHORITY = "authority"
    SEGREGATION_OF_DUTIES = "segregation of duties"
    EMPLOYMENT = "employment"
    RECURRING_DUTY = "recurring duty"


class Status(Enum):
    LATE = "late"  # the step was done after its deadline
    STILL_OPEN = "still open"  # the deadline passed (as at the review) and it is not done
    NOT_ALLOWED = "not allowed"  # done by someone the rules did not allow
    MISSED = "missed"  # a recurring duty's period ended without it done


class Rule(BaseModel):
    """A rule the review re-runs over the history: a rule of the catalogue
    (``salesdomain.rules``; ``id`` is its id) with the review's family."""

    model_config = ConfigDict(frozen=True)
    id: str
    text: str
    sop_step: str
    family: Family


class Person(BaseModel):
    """Who was responsible: an employee (id and name) or, with no person named yet, a role."""

    model_config = ConfigDict(frozen=True)
    employee_id: UUID | None = None
    name: str
    role: str = ""
    team: str = ""


class Breach(BaseModel):
    model_config = ConfigDict(frozen=True)
    rule: str
    rule_text: str
    family: Family
    sop_step: str
    status: Status
    case_id: UUID | None
    record_id: UUID
    record: str
    """What the record is, in words ("service case from Hangzhou Precision")."""
    responsible: Person
    due: datetime | date | None = None
    actual: datetime | date | None = None
    """When the step was done; ``None`` while it is still open."""
    occurred_on: date
    """The day the breach happened: the deadline for time limits, else the event's day."""
    position: int | None = None
    """The log position of the event that is the evidence (none for a step never done)."""
    policy_version: str | None = None
    detail: str = ""


class Override(BaseModel):
    """A rule set aside with someone's approval, as the history records it."""

    model_config = ConfigDict(frozen=True)
    kind: str
    sop_step: str
    case_id: UUID | None
    record_id: UUID
    record: str
    requested_by: Person
    approved_by: Person
    at: datetime
    position: int
    policy_version: str | None = None
    detail: str = ""


class PolicyMismatch(BaseModel):
    """A decision made under a policy version the reviewer did not supply: not judged."""

    model_config = ConfigDict(frozen=True)
    rule: str
    sop_step: str
    case_id: UUID | None
    record_id: UUID
    at: datetime
    position: int
    recorded_version: str
    supplied_versions: tuple[str, ...]
    detail: str


def rule(sop_rule: SopRule, family: Family) -> Rule:
    """The review's form of a rule of the catalogue (``salesdomain.rules``): its id, text
    and step, with the family the review reports it under."""
    return Rule(id=sop_rule.id, text=sop_rule.text, sop_step=sop_rule.sop_step, family=family)
