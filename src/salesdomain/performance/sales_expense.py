"""SalesExpense: one expense of an employee, for the expense-control KPI (SOP 3.3.1).

An expense is recorded with its date, category, amount and purpose, then approved or
rejected by the employee's own manager, never by the employee.  Approved expenses are
the facts the expense-control figure of an appraisal is taken from.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.authority import not_their_own
from salesdomain.errors import NotAuthorised, SopRuleViolation
from salesdomain.performance.values import ExpenseCategory
from salesdomain.rules.performance import EXPENSE_DECIDED_ONCE, EXPENSE_RECORDED_ONCE_INCURRED
from salesdomain.values import Money


class SalesExpense(SopAggregate):
    # bounded by construction: at most two events, recorded then approved or rejected
    SNAPSHOT_INTERVAL: ClassVar[int | None] = None

    class Event(SopAggregate.Event):
        SOP_STEP = "3.3.1"

    class Recorded(Event, SopAggregate.Created):
        employee_id: UUID
        employee_name: str
        incurred_on: date
        category: ExpenseCategory
        amount: Money
        description: str
        opportunity_id: UUID | None

        def apply(self, expense: SalesExpense) -> None:
            expense.employee_id = self.employee_id
            expense.incurred_on = self.incurred_on
            expense.amount = self.amount
            expense.approved = None

    class Approved(Event):
        employee_id: UUID
        amount: Money
        comments: str

        def apply(self, expense: SalesExpense) -> None:
            expense.approved = True

    class Rejected(Event):
        employee_id: UUID
        reason: str

        def apply(self, expense: SalesExpense) -> None:
            expense.approved = False

    if TYPE_CHECKING:
        employee_id: UUID
        incurred_on: date
        amount: Money
        approved: bool | None

    @classmethod
    def record(
        cls,
        evidence: Evidence,
        *,
        expense_id: UUID,
        employee_id: UUID,
        employee_name: str,
        incurred_on: date,
        category: ExpenseCategory,
        amount: Money,
        description: str,
        opportunity_id: UUID | None,
        today: date,
    ) -> SalesExpense:
        if incurred_on > today:
            raise SopRuleViolation(
                EXPENSE_RECORDED_ONCE_INCURRED, f"incurred on {incurred_on}, today is {today}"
            )
        return cls._start(
            cls.Recorded,
            evidence,
            id=expense_id,
            employee_id=employee_id,
            employee_name=employee_name,
            incurred_on=incurred_on,
            category=category,
            amount=amount,
            description=description,
            opportunity_id=opportunity_id,
        )

    def approve(self, evidence: Evidence, *, manager_id: UUID | None, comments: str) -> None:
        self._may_decide(evidence, manager_id)
        self._record(
            self.Approved,
            evidence,
            employee_id=self.employee_id,
            amount=self.amount,
            comments=comments,
        )

    def reject(self, evidence: Evidence, *, manager_id: UUID | None, reason: str) -> None:
        self._may_decide(evidence, manager_id)
        self._record(self.Rejected, evidence, employee_id=self.employee_id, reason=reason)

    def _may_decide(self, evidence: Evidence, manager_id: UUID | None) -> None:
        actor = evidence.actor
        not_their_own(actor, self.employee_id, "3.3.1", "cannot approve their own expense")
        if actor.employee_id != manager_id:
            raise NotAuthorised(
                "3.3.1", str(actor), "is not the manager of the employee who spent it"
            )
        if self.approved is not None:
            raise SopRuleViolation(
                EXPENSE_DECIDED_ONCE,
                "it was already " + ("approved" if self.approved else "rejected"),
            )
