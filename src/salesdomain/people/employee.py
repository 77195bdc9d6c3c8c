"""Employee: one person's working life at the company, from hire to leaving.

SOP 3.1.4 (hired or enrolled; roles; leaving), 3.2 (onboarding, periodic training,
career development plan; position, team and manager changes) and 3.3.4 (promotions
and pay changes).  The roles an employee holds decide what they may do everywhere in
the library.  Rules: onboarding covers every topic before it counts as complete;
nobody manages themselves and reporting lines do not loop; nobody changes their own
position, team, manager, roles, pay or plan review; promotions and pay changes are
approved by someone senior to the employee; nothing more is recorded after leaving.

An employee's history grows for years: the application snapshots it every
``SNAPSHOT_INTERVAL`` events (as every record that grows, ADR 38).  The state keeps what
decisions need: training records are counted here and listed in the history.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.authority import not_their_own
from salesdomain.errors import NotAuthorised, SopRuleViolation
from salesdomain.people.policy import StaffingPolicy
from salesdomain.people.staff_register import StaffRegister
from salesdomain.people.values import (
    CareerPlan,
    EnrolmentException,
    LeavingReason,
    OnboardingTopic,
    OnboardingTopics,
    RoleSet,
    Training,
)
from salesdomain.rules.general import EMPLOYEE_LEFT, MANAGER_IS_ACTIVE, NOBODY_MANAGES_THEMSELVES
from salesdomain.rules.performance import (
    PAY_CHANGE_NAMES_NEW_SALARY,
    PROMOTION_DOES_NOT_LOWER_PAY,
    PROMOTION_TO_NEW_POSITION,
    SALARY_IN_CONTRACT_CURRENCY,
)
from salesdomain.rules.recruitment import (
    ACTIVE_EMPLOYEE_KEEPS_A_ROLE,
    ENROLMENT_EXCEPTION_BY_AUTHORISED_ROLE,
    ENROLMENT_OUTSIDE_RECRUITMENT_BY_EXCEPTION,
    LAST_DAY_NOT_BEFORE_START,
    ROLE_GRANTED_ONCE,
    ROLE_REVOKED_IF_HELD,
)
from salesdomain.rules.rule import SopRule
from salesdomain.rules.training import (
    CAREER_PLAN_REVIEWED_REGULARLY,
    CAREER_PLAN_SET_BEFORE_REVIEW,
    MANAGER_CHANGE_NAMES_NEW_MANAGER,
    ONBOARDING_COMPLETED_ONCE,
    ONBOARDING_COVERS_EVERY_TOPIC,
    ONBOARDING_DURING_EMPLOYMENT,
    POSITION_CHANGE_NAMES_NEW_POSITION,
    REPORTING_LINES_DO_NOT_LOOP,
    TEAM_CHANGE_NAMES_NEW_TEAM,
    TRAINING_DURING_EMPLOYMENT,
)
from salesdomain.sop import Role
from salesdomain.values import Money

SNAPSHOT_INTERVAL = 100
"""Snapshot an employee every this many events (for ``snapshotting_intervals``)."""

# Who approves promotions and pay changes (SOP 3.3.4), lowest first: an approver must
# rank above every one of these the employee holds (or will hold).
PAY_APPROVERS: tuple[Role, ...] = (Role.SALES_MANAGER, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER)


def _rank(roles: Collection[Role]) -> int:
    return max((PAY_APPROVERS.index(r) for r in roles if r in PAY_APPROVERS), default=-1)


class Employee(SopAggregate):
    SNAPSHOT_INTERVAL: ClassVar[int] = SNAPSHOT_INTERVAL

    class Event(SopAggregate.Event):
        pass

    class Hired(Event, SopAggregate.Created):
        """Hired through recruitment: the labour contract was signed (SOP 3.1.4)."""

        SOP_STEP = "3.1.4"
        name: str
        position: str
        team: str
        manager_id: UUID | None
        roles: RoleSet
        salary: Money
        start_date: date
        candidate_id: UUID
        requisition_id: UUID
        signed_on: date

        def apply(self, employee: Employee) -> None:
            _joined(employee, self)
            employee.candidate_id = self.candidate_id

    class Enrolled(Event, SopAggregate.Created):
        """Registered by HR outside recruitment (SOP 3.1.4): the founding of the staff
        register, or later under an approved exception (staff hired before the system)."""

        class_version: ClassVar[int] = 2
        SOP_STEP = "3.1.4"
        name: str
        position: str
        team: str
        manager_id: UUID | None
        roles: RoleSet
        salary: Money
        start_date: date
        onboarding_completed: bool
        """Recorded done only where ``exception`` covers onboarding (version 2)."""
        exception: EnrolmentException | None
        """Who approved the enrolment outside recruitment, and why (``None``: the
        register's founding, or version 1)."""
        policy_version: str | None
        """The policy the exception was judged under (``None`` only in version 1)."""

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 let HR enrol anyone, onboarding marked as HR said: no exception
            was recorded and no policy judged it."""
            state.update(exception=None, policy_version=None)

        def apply(self, employee: Employee) -> None:
            _joined(employee, self)
            employee.onboarding_completed = self.onboarding_completed

    class OnboardingCompleted(Event):
        SOP_STEP = "3.2.1"
        topics: OnboardingTopics
        completed_on: date

        def apply(self, employee: Employee) -> None:
            employee.onboarding_completed = True

    class TrainingRecorded(Event):
        SOP_STEP = "3.2.2"
        training: Training

        def apply(self, employee: Employee) -> None:
            employee.training_count += 1
            employee.training_hours += self.training.hours

    class CareerPlanSet(Event):
        SOP_STEP = "3.2.3"
        plan: CareerPlan

        def apply(self, employee: Employee) -> None:
            employee.career_plan = self.plan

    class CareerPlanReviewed(Event):
        SOP_STEP = "3.2.3"
        reviewed_on: date
        notes: str
        next_review: date

        def apply(self, employee: Employee) -> None:
            assert employee.career_plan is not None
            employee.career_plan = employee.career_plan.model_copy(
                update={"next_review": self.next_review}
            )
            employee.career_reviews += 1

    class PositionChanged(Event):
        SOP_STEP = "3.2.3"
        position: str
        previous: str
        effective: date
        reason: str

        def apply(self, employee: Employee) -> None:
            employee.position = self.position

    class TeamChanged(Event):
        SOP_STEP = "3.2.3"
        team: str
        previous: str
        effective: date

        def apply(self, employee: Employee) -> None:
            employee.team = self.team

    class ManagerChanged(Event):
        SOP_STEP = "3.2.3"
        manager_id: UUID | None
        manager_name: str
        previous: UUID | None

        def apply(self, employee: Employee) -> None:
            employee.manager_id = self.manager_id

    class RoleGranted(Event):
        SOP_STEP = "3.1.4"
        role: Role

        def apply(self, employee: Employee) -> None:
            employee.role_set = RoleSet(roles=(*employee.role_set.roles, self.role))

    class RoleRevoked(Event):
        SOP_STEP = "3.1.4"
        role: Role

        def apply(self, employee: Employee) -> None:
            employee.role_set = RoleSet(
                roles=tuple(r for r in employee.role_set.roles if r is not self.role)
            )

    class Promoted(Event):
        """Approved by the event's actor (SOP 3.3.4)."""

        SOP_STEP = "3.3.4"
        position: str
        previous_position: str
        roles: RoleSet
        salary: Money
        previous_salary: Money
        effective: date
        reason: str

        def apply(self, employee: Employee) -> None:
            employee.position = self.position
            employee.role_set = self.roles
            employee.salary = self.salary

    class PayChanged(Event):
        """Approved by the event's actor (SOP 3.3.4)."""

        SOP_STEP = "3.3.4"
        salary: Money
        previous: Money
        effective: date
        reason: str

        def apply(self, employee: Employee) -> None:
            employee.salary = self.salary

    class Left(Event):
        SOP_STEP = "3.1.4"
        reason: LeavingReason
        details: str
        last_day: date

        def apply(self, employee: Employee) -> None:
            employee.is_active = False
            employee.last_day = self.last_day
            employee.leaving_reason = self.reason

    if TYPE_CHECKING:
        name: str
        position: str
        team: str
        manager_id: UUID | None
        role_set: RoleSet
        salary: Money
        start_date: date
        is_active: bool
        onboarding_completed: bool
        training_count: int
        training_hours: Decimal
        career_plan: CareerPlan | None
        career_reviews: int
        last_day: date | None
        leaving_reason: LeavingReason | None
        candidate_id: UUID | None

    # ---- reading ----------------------------------------------------------------------

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(self.role_set.roles)

    def holds(self, role: Role) -> bool:
        """Whether this employee may act under ``role`` (never after leaving)."""
        return self.is_active and role in self.role_set.roles

    # ---- 3.1.4 Joining ----------------------------------------------------------------

    @classmethod
    def hire(
        cls,
        evidence: Evidence,
        *,
        employee_id: UUID,
        name: str,
        position: str,
        team: str,
        manager: Employee | None,
        roles: RoleSet,
        salary: Money,
        start_date: date,
        candidate_id: UUID,
        requisition_id: UUID,
        signed_on: date,
        caused_by: UUID,
    ) -> Employee:
        """The hire of a candidate who signed the labour contract (SOP 3.1.4)."""
        check_manager("3.1.4", employee_id, manager)
        return cls._start(
            cls.Hired,
            evidence,
            id=employee_id,
            case_id=employee_id,
            caused_by=caused_by,
            name=name,
            position=position,
            team=team,
            manager_id=manager.id if manager else None,
            roles=roles,
            salary=salary,
            start_date=start_date,
            candidate_id=candidate_id,
            requisition_id=requisition_id,
            signed_on=signed_on,
        )

    @classmethod
    def enrol(
        cls,
        evidence: Evidence,
        *,
        employee_id: UUID,
        name: str,
        position: str,
        team: str,
        manager: Employee | None,
        roles: RoleSet,
        salary: Money,
        start_date: date,
        exception: EnrolmentException | None,
        register: StaffRegister | None,
        policy: StaffingPolicy,
        policy_version: str,
    ) -> Employee:
        """Register someone outside recruitment (SOP 3.1.4): the first enrolment founds
        the staff register (``register`` is ``None`` until then); every later one needs
        ``exception``, approved under a role the policy names by someone other than the
        HR person entering it (whom the handler has found active in that role; the
        person enrolled only as the register's first holder of such a role).  Onboarding
        (3.2.1) is recorded done only where the exception covers it."""
        cls._by_hr(evidence, "staff are enrolled by HR")
        check_manager("3.1.4", employee_id, manager)
        if exception is None and register is not None:
            raise SopRuleViolation(
                ENROLMENT_OUTSIDE_RECRUITMENT_BY_EXCEPTION,
                f"the staff register was founded; {name} joins through recruitment or under "
                "an approved exception",
            )
        if exception is not None:
            _exception_authorised(
                exception, evidence, policy, enrolled=employee_id, roles=roles, register=register
            )
        return cls._start(
            cls.Enrolled,
            evidence,
            id=employee_id,
            case_id=employee_id,
            name=name,
            position=position,
            team=team,
            manager_id=manager.id if manager else None,
            roles=roles,
            salary=salary,
            start_date=start_date,
            onboarding_completed=exception is not None and exception.onboarded,
            exception=exception,
            policy_version=policy_version,
        )

    # ---- 3.2 Training and development ---------------------------------------------------

    def complete_onboarding(
        self,
        evidence: Evidence,
        topics: tuple[OnboardingTopic, ...],
        *,
        completed_on: date,
        today: date,
    ) -> None:
        self._ensure_active("3.2.1")
        if self.onboarding_completed:
            raise SopRuleViolation(ONBOARDING_COMPLETED_ONCE, self.name)
        missing = [t.label for t in OnboardingTopic if t not in topics]
        if missing:
            raise SopRuleViolation(
                ONBOARDING_COVERS_EVERY_TOPIC, f"not covered: {', '.join(missing)}"
            )
        self._within_employment(ONBOARDING_DURING_EMPLOYMENT, completed_on, today)
        self._record(
            self.OnboardingCompleted,
            evidence,
            topics=OnboardingTopics(topics=topics),
            completed_on=completed_on,
        )

    def record_training(self, evidence: Evidence, training: Training, *, today: date) -> None:
        self._ensure_active("3.2.2")
        self._within_employment(TRAINING_DURING_EMPLOYMENT, training.held_on, today)
        self._record(self.TrainingRecorded, evidence, training=training)

    def set_career_plan(self, evidence: Evidence, plan: CareerPlan, *, today: date) -> None:
        self._ensure_active("3.2.3")
        if plan.next_review <= today:
            raise SopRuleViolation(
                CAREER_PLAN_REVIEWED_REGULARLY, f"next review {plan.next_review}"
            )
        self._record(self.CareerPlanSet, evidence, plan=plan)

    def review_career_plan(
        self, evidence: Evidence, *, notes: str, next_review: date, today: date
    ) -> None:
        self._ensure_active("3.2.3")
        self._not_own(evidence, "3.2.3", "career plan review")
        if self.career_plan is None:
            raise SopRuleViolation(CAREER_PLAN_SET_BEFORE_REVIEW, self.name)
        if next_review <= today:
            raise SopRuleViolation(CAREER_PLAN_REVIEWED_REGULARLY, f"next review {next_review}")
        self._record(
            self.CareerPlanReviewed,
            evidence,
            reviewed_on=today,
            notes=notes,
            next_review=next_review,
        )

    # ---- position, team, manager ----------------------------------------------------------

    def change_position(
        self, evidence: Evidence, *, position: str, effective: date, reason: str
    ) -> None:
        self._ensure_active("3.2.3")
        self._not_own(evidence, "3.2.3", "position")
        if position.casefold() == self.position.casefold():
            raise SopRuleViolation(POSITION_CHANGE_NAMES_NEW_POSITION, f"already {self.position}")
        self._record(
            self.PositionChanged,
            evidence,
            position=position,
            previous=self.position,
            effective=effective,
            reason=reason,
        )

    def change_team(self, evidence: Evidence, *, team: str, effective: date) -> None:
        self._ensure_active("3.2.3")
        self._not_own(evidence, "3.2.3", "team")
        if team.casefold() == self.team.casefold():
            raise SopRuleViolation(TEAM_CHANGE_NAMES_NEW_TEAM, f"already in {self.team}")
        self._record(self.TeamChanged, evidence, team=team, previous=self.team, effective=effective)

    def change_manager(
        self, evidence: Evidence, manager: Employee | None, *, reporting_line: Collection[UUID]
    ) -> None:
        """``reporting_line``: the ids of the new manager's managers, up the line."""
        self._ensure_active("3.2.3")
        self._not_own(evidence, "3.2.3", "manager")
        check_manager("3.2.3", self.id, manager)
        new_id = manager.id if manager else None
        if new_id == self.manager_id:
            raise SopRuleViolation(
                MANAGER_CHANGE_NAMES_NEW_MANAGER, f"{self.name} already reports so"
            )
        if self.id in reporting_line:
            raise SopRuleViolation(REPORTING_LINES_DO_NOT_LOOP, self.name)
        self._record(
            self.ManagerChanged,
            evidence,
            manager_id=new_id,
            manager_name=manager.name if manager else "",
            previous=self.manager_id,
        )

    # ---- roles ------------------------------------------------------------------------

    def grant_role(self, evidence: Evidence, role: Role) -> None:
        self._ensure_active("3.1.4")
        self._by_hr(evidence, "roles are granted by HR")
        self._not_own(evidence, "3.1.4", "roles")
        if role in self.role_set.roles:
            raise SopRuleViolation(ROLE_GRANTED_ONCE, f"{self.name} already holds {role.label}")
        self._record(self.RoleGranted, evidence, role=role)

    def revoke_role(self, evidence: Evidence, role: Role) -> None:
        self._ensure_active("3.1.4")
        self._by_hr(evidence, "roles are revoked by HR")
        self._not_own(evidence, "3.1.4", "roles")
        if role not in self.role_set.roles:
            raise SopRuleViolation(ROLE_REVOKED_IF_HELD, f"{self.name} does not hold {role.label}")
        if len(self.role_set.roles) == 1:
            raise SopRuleViolation(ACTIVE_EMPLOYEE_KEEPS_A_ROLE, self.name)
        self._record(self.RoleRevoked, evidence, role=role)

    # ---- 3.3.4 promotion and pay ----------------------------------------------------------

    def promote(
        self,
        evidence: Evidence,
        *,
        position: str,
        roles: tuple[Role, ...] | None,
        salary: Money | None,
        effective: date,
        reason: str,
    ) -> None:
        self._ensure_active("3.3.4")
        new_roles = self.role_set if roles is None else RoleSet(roles=roles)
        new_salary = salary or self.salary
        self._approved(evidence, "promotion", new_roles.roles)
        if position.casefold() == self.position.casefold():
            raise SopRuleViolation(PROMOTION_TO_NEW_POSITION, self.position)
        self._same_currency(new_salary)
        if new_salary < self.salary:
            raise SopRuleViolation(
                PROMOTION_DOES_NOT_LOWER_PAY, f"from {self.salary} to {new_salary}"
            )
        self._record(
            self.Promoted,
            evidence,
            position=position,
            previous_position=self.position,
            roles=new_roles,
            salary=new_salary,
            previous_salary=self.salary,
            effective=effective,
            reason=reason,
        )

    def change_pay(
        self, evidence: Evidence, *, salary: Money, effective: date, reason: str
    ) -> None:
        self._ensure_active("3.3.4")
        self._approved(evidence, "pay change", self.role_set.roles)
        self._same_currency(salary)
        if salary == self.salary:
            raise SopRuleViolation(PAY_CHANGE_NAMES_NEW_SALARY, str(self.salary))
        self._record(
            self.PayChanged,
            evidence,
            salary=salary,
            previous=self.salary,
            effective=effective,
            reason=reason,
        )

    # ---- leaving ------------------------------------------------------------------------

    def record_leaving(
        self, evidence: Evidence, *, reason: LeavingReason, details: str, last_day: date
    ) -> None:
        self._ensure_active("3.1.4")
        self._not_own(evidence, "3.1.4", "leaving")
        if last_day < self.start_date:
            raise SopRuleViolation(
                LAST_DAY_NOT_BEFORE_START, f"started {self.start_date}, last day {last_day}"
            )
        self._record(self.Left, evidence, reason=reason, details=details, last_day=last_day)

    # ---- rules shared by the steps ----------------------------------------------------------

    def _ensure_active(self, code: str) -> None:
        if not self.is_active:
            raise SopRuleViolation(
                EMPLOYEE_LEFT, f"{self.name} left on {self.last_day}", at_step=code
            )

    def _not_own(self, evidence: Evidence, code: str, what: str) -> None:
        not_their_own(evidence.actor, self.id, code, f"may not change their own {what}")

    @staticmethod
    def _by_hr(evidence: Evidence, rule: str) -> None:
        if evidence.actor.role is not Role.HR:
            raise NotAuthorised(
                "3.1.4", str(evidence.actor), f"acts as {evidence.actor.role.label}: {rule}"
            )

    def _approved(self, evidence: Evidence, what: str, roles: Collection[Role]) -> None:
        actor = evidence.actor
        if actor.role not in PAY_APPROVERS:
            raise NotAuthorised(
                "3.3.4",
                str(actor),
                f"may not approve a {what}: a sales manager, sales director or general "
                "manager approves it",
            )
        not_their_own(actor, self.id, "3.3.4", f"may not approve their own {what}")
        if PAY_APPROVERS.index(actor.role) <= _rank(roles):
            raise NotAuthorised(
                "3.3.4",
                str(actor),
                f"is not senior to {self.name}: a {what} is approved by someone senior "
                "to the employee",
            )

    def _same_currency(self, salary: Money) -> None:
        if salary.currency != self.salary.currency:
            raise SopRuleViolation(
                SALARY_IN_CONTRACT_CURRENCY, f"{salary.currency} instead of {self.salary.currency}"
            )

    def _within_employment(self, rule: SopRule, day: date, today: date) -> None:
        if day < self.start_date or day > today:
            raise SopRuleViolation(
                rule, f"held on {day}; employed since {self.start_date}, today is {today}"
            )


def _joined(employee: Employee, event: Employee.Hired | Employee.Enrolled) -> None:
    employee.name = event.name
    employee.position = event.position
    employee.team = event.team
    employee.manager_id = event.manager_id
    employee.role_set = event.roles
    employee.salary = event.salary
    employee.start_date = event.start_date
    employee.is_active = True
    employee.onboarding_completed = False
    employee.training_count = 0
    employee.training_hours = Decimal(0)
    employee.career_plan = None
    employee.career_reviews = 0
    employee.last_day = None
    employee.leaving_reason = None
    employee.candidate_id = None


def _exception_authorised(
    exception: EnrolmentException,
    evidence: Evidence,
    policy: StaffingPolicy,
    *,
    enrolled: UUID,
    roles: RoleSet,
    register: StaffRegister | None,
) -> None:
    approvers = policy.enrolment_approvers
    role = exception.approver_role
    refusal = ""
    if role not in approvers:
        allowed = ", ".join(sorted(r.label for r in approvers)) or "no role"
        refusal = f"a {role.label} may not approve it; the policy names {allowed}"
    elif exception.approved_by == evidence.actor.employee_id:
        refusal = f"{evidence.actor.name or exception.approver_name} cannot approve their own entry"
    elif exception.approved_by == enrolled and (
        (register is not None and register.first_approver is not None) or role not in roles.roles
    ):
        holder = "" if register is None else register.first_approver_name
        refusal = (
            f"{exception.approver_name or 'the person enrolled'} may approve their own "
            f"enrolment only as the register's first {role.label}"
            + (f"; {holder} already approves" if holder else "")
        )
    if refusal:
        raise SopRuleViolation(ENROLMENT_EXCEPTION_BY_AUTHORISED_ROLE, refusal)


def check_manager(code: str, employee_id: UUID | None, manager: Employee | None) -> None:
    if manager is None:
        return
    if manager.id == employee_id:
        raise SopRuleViolation(NOBODY_MANAGES_THEMSELVES, at_step=code)
    if not manager.is_active:
        raise SopRuleViolation(
            MANAGER_IS_ACTIVE, f"{manager.name} left on {manager.last_day}", at_step=code
        )
