"""SalesTarget: what a representative or a team is to achieve in a period.

The SOP is goal-driven (section 1): every representative and team has sales targets
per period, and results are measured against them (the KPI system, 3.3.1, under
which targets are recorded).  There is one target per subject and period: its id is
derived from both, so setting it again revises it.  A sales manager or director sets
targets, for active sales staff or a team, for a period that has not yet ended, and
never their own.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, UUID, uuid5

from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.authority import not_their_own
from salesdomain.errors import NotAuthorised, SopRuleViolation
from salesdomain.people.employee import Employee
from salesdomain.people.values import Period, TargetFigures, TargetSubject
from salesdomain.rules.performance import (
    REVISED_TARGET_CHANGES_FIGURES,
    TARGETS_FOR_ACTIVE_STAFF,
    TARGETS_FOR_CURRENT_OR_COMING_PERIOD,
)
from salesdomain.sop import Role

TARGET_NAMESPACE = uuid5(NAMESPACE_URL, "salesdomain:sales-target")
TARGET_SETTERS = frozenset({Role.SALES_MANAGER, Role.SALES_DIRECTOR})
SALES_STAFF = frozenset({Role.SALES_REPRESENTATIVE, Role.SALES_SUPERVISOR, Role.SALES_MANAGER})


class SalesTarget(SopAggregate):
    class Event(SopAggregate.Event):
        SOP_STEP = "3.3.1"

    class Set(Event, SopAggregate.Created):
        subject: TargetSubject
        period: Period
        figures: TargetFigures

        def apply(self, target: SalesTarget) -> None:
            target.subject = self.subject
            target.period = self.period
            target.figures = self.figures
            target.revisions = 0

    class Revised(Event):
        figures: TargetFigures
        previous: TargetFigures

        def apply(self, target: SalesTarget) -> None:
            target.figures = self.figures
            target.revisions += 1

    if TYPE_CHECKING:
        subject: TargetSubject
        period: Period
        figures: TargetFigures
        revisions: int

    @staticmethod
    def id_for(subject: TargetSubject, period: Period) -> UUID:
        """The one id the target of ``subject`` for ``period`` can have."""
        return uuid5(TARGET_NAMESPACE, f"{subject.key}/{period.code}")

    @classmethod
    def set(
        cls,
        evidence: Evidence,
        *,
        subject: TargetSubject,
        period: Period,
        figures: TargetFigures,
        employee: Employee | None,
        today: date,
    ) -> SalesTarget:
        """``employee``: the employee whose target it is (``None`` for a team)."""
        _may_set(evidence, subject, period, today)
        if employee is not None and not (employee.is_active and employee.roles & SALES_STAFF):
            raise SopRuleViolation(
                TARGETS_FOR_ACTIVE_STAFF,
                f"{employee.name} {'is not in sales' if employee.is_active else 'has left'}",
            )
        target_id = cls.id_for(subject, period)
        return cls._start(
            cls.Set,
            evidence,
            id=target_id,
            case_id=target_id,
            subject=subject,
            period=period,
            figures=figures,
        )

    def revise(self, evidence: Evidence, figures: TargetFigures, *, today: date) -> None:
        _may_set(evidence, self.subject, self.period, today)
        if figures == self.figures:
            raise SopRuleViolation(REVISED_TARGET_CHANGES_FIGURES, f"{self.subject}, {self.period}")
        self._record(self.Revised, evidence, figures=figures, previous=self.figures)


def _may_set(evidence: Evidence, subject: TargetSubject, period: Period, today: date) -> None:
    actor = evidence.actor
    if actor.role not in TARGET_SETTERS:
        raise NotAuthorised(
            "3.3.1", str(actor), "may not set sales targets: a sales manager or director does"
        )
    not_their_own(actor, subject.employee_id, "3.3.1", "may not set their own sales target")
    if period.end < today:
        raise SopRuleViolation(
            TARGETS_FOR_CURRENT_OR_COMING_PERIOD, f"{period} ended on {period.end}"
        )
