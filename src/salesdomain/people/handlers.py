"""Handlers of sales team management: load, call the aggregate, done."""

from __future__ import annotations

from uuid import UUID

from salesdomain.aggregate import event_id_of
from salesdomain.errors import SopRuleViolation
from salesdomain.handling import UnitOfWork, creates, delegate_to, handles
from salesdomain.people import commands as c
from salesdomain.people.candidate import Candidate
from salesdomain.people.employee import Employee
from salesdomain.people.requisition import Requisition
from salesdomain.people.staff_register import STAFF_REGISTER_ID, StaffRegister
from salesdomain.people.targets import SalesTarget
from salesdomain.people.values import (
    CandidateDetails,
    CareerPlan,
    HiringDecision,
    Interview,
    RoleSet,
    TargetSubject,
    Training,
)
from salesdomain.rules.recruitment import (
    EMPLOYEE_REGISTERED_ONCE,
    ENROLMENT_EXCEPTION_BY_AUTHORISED_ROLE,
)

passes_to_requisition = delegate_to(Requisition, by="requisition_id")
"""Registers a handler that only passes the command's fields to a method of the requisition."""

passes_to_candidate = delegate_to(Candidate, by="candidate_id")
"""Registers a handler that only passes the command's fields to a method of the candidate."""

passes_to_employee = delegate_to(Employee, by="employee_id")
"""Registers a handler that only passes the command's fields to a method of the employee."""


_LONGEST_REPORTING_LINE = 50


def _requisition(uow: UnitOfWork, requisition_id: UUID) -> Requisition:
    return uow.load(Requisition, requisition_id)


def _manager(uow: UnitOfWork, manager_id: UUID | None) -> Employee | None:
    return None if manager_id is None else uow.load(Employee, manager_id)


def _reporting_line(uow: UnitOfWork, manager: Employee | None) -> list[UUID]:
    """The ids of ``manager`` and the managers above, up the line."""
    line: list[UUID] = []
    current = manager
    while current is not None and len(line) < _LONGEST_REPORTING_LINE:
        line.append(current.id)
        above = current.manager_id
        current = None if above is None or above in line else uow.find(Employee, above)
    return line


# ---- 3.1.1 / 3.1.2 Requisitions ---------------------------------------------------------------


creates(Requisition)(c.OpenRequisition, Requisition.open)
passes_to_requisition(c.AgreeRequisition, Requisition.agree)
passes_to_requisition(c.ChooseHiringChannels, Requisition.choose_channels)
passes_to_requisition(c.CloseRequisition, Requisition.close)


# ---- 3.1.3 Candidates ---------------------------------------------------------------------------


creates(Candidate)(
    c.RecordApplication, Candidate.apply_for, requisition=_requisition, person=CandidateDetails
)
passes_to_candidate(c.ForgetCandidate, Candidate.forget)


@handles(c.ScreenCandidate)
def screen_candidate(cmd: c.ScreenCandidate, uow: UnitOfWork) -> None:
    candidate = uow.load(Candidate, cmd.candidate_id)
    requisition = uow.load(Requisition, candidate.requisition_id)
    candidate.screen(uow.evidence, cmd.screening, requirements=requisition.profile.requirements)


@handles(c.RecordInterview)
def record_interview(cmd: c.RecordInterview, uow: UnitOfWork) -> None:
    candidate = uow.load(Candidate, cmd.candidate_id)
    interviewer = uow.load(Employee, cmd.interviewer_id)
    interview = Interview(
        kind=cmd.kind,
        held_on=cmd.held_on,
        interviewer_id=interviewer.id,
        interviewer_name=interviewer.name,
        scores=cmd.scores,
        notes=cmd.notes,
    )
    candidate.record_interview(
        uow.evidence, interview, interviewer=interviewer, today=uow.now().date()
    )


# ---- 3.1.4 Hiring decision ----------------------------------------------------------------------


@handles(c.DecideOnCandidate)
def decide_on_candidate(cmd: c.DecideOnCandidate, uow: UnitOfWork) -> None:
    candidate = uow.load(Candidate, cmd.candidate_id)
    if cmd.decision is HiringDecision.HIRE:
        candidate.select(uow.evidence, reasons=cmd.reasons)
    else:
        candidate.reject(uow.evidence, reasons=cmd.reasons)


@handles(c.SendOffer)
def send_offer(cmd: c.SendOffer, uow: UnitOfWork) -> None:
    candidate = uow.load(Candidate, cmd.candidate_id)
    candidate.send_offer(
        uow.evidence,
        cmd.offer,
        requisition=uow.load(Requisition, candidate.requisition_id),
        manager=_manager(uow, cmd.offer.manager_id),
        today=uow.now().date(),
    )


passes_to_candidate(c.AcceptOffer, Candidate.accept_offer)
passes_to_candidate(c.DeclineOffer, Candidate.decline_offer)


@handles(c.SignLabourContract)
def sign_labour_contract(cmd: c.SignLabourContract, uow: UnitOfWork) -> None:
    """The candidate is hired, the employee created, the requisition filled: one write."""
    candidate = uow.load(Candidate, cmd.candidate_id)
    requisition = uow.load(Requisition, candidate.requisition_id)
    _not_registered(uow, cmd.employee_id)
    offer = candidate.sign_labour_contract(
        uow.evidence,
        employee_id=cmd.employee_id,
        signed_on=cmd.signed_on,
        contract_number=cmd.contract_number,
        today=uow.now().date(),
    )
    requisition.fill(uow.evidence, candidate_id=candidate.id, employee_id=cmd.employee_id)
    uow.add(
        Employee.hire(
            uow.evidence,
            employee_id=cmd.employee_id,
            name=candidate.name,
            position=offer.position,
            team=requisition.profile.team,
            manager=_manager(uow, offer.manager_id),
            roles=requisition.profile.roles,
            salary=offer.salary,
            start_date=offer.start_date,
            candidate_id=candidate.id,
            requisition_id=requisition.id,
            signed_on=cmd.signed_on,
            caused_by=event_id_of(candidate.id, candidate.version),
        )
    )


def _not_registered(uow: UnitOfWork, employee_id: UUID) -> None:
    if uow.find(Employee, employee_id) is not None:
        raise SopRuleViolation(EMPLOYEE_REGISTERED_ONCE, str(employee_id))


# ---- 3.1.4 Employees --------------------------------------------------------------------------


@handles(c.EnrolEmployee)
def enrol_employee(cmd: c.EnrolEmployee, uow: UnitOfWork) -> None:
    """The first enrolment founds the staff register; a later one names its approved
    exception, whose approver the register confirms (the person enrolled only as the
    register's first holder of an approving role, recorded on the register)."""
    _not_registered(uow, cmd.employee_id)
    register = uow.find(StaffRegister, STAFF_REGISTER_ID)
    exception = cmd.exception
    own_entry = exception is not None and exception.approved_by == cmd.employee_id
    if exception is not None and not own_entry:
        approver = uow.staff_member(
            exception.approved_by,
            exception.approver_role,
            at_step="3.1.4",
            name=exception.approver_name,
            rule=ENROLMENT_EXCEPTION_BY_AUTHORISED_ROLE,
        )
        exception = exception.model_copy(update={"approver_name": approver.name})
    elif exception is not None:
        exception = exception.model_copy(update={"approver_name": cmd.name})
    founding = register is None
    if register is None:
        register = StaffRegister.found(uow.evidence)
        uow.add(register)
    uow.add(
        Employee.enrol(
            uow.evidence,
            employee_id=cmd.employee_id,
            name=cmd.name,
            position=cmd.position,
            team=cmd.team,
            manager=_manager(uow, cmd.manager_id),
            roles=RoleSet(roles=cmd.roles),
            salary=cmd.salary,
            start_date=cmd.start_date,
            exception=exception,
            register=None if founding else register,
            policy=uow.policy.staffing,
            policy_version=uow.policy.version,
        )
    )
    if own_entry and exception is not None:
        register.first_approver_enrolled(
            uow.evidence, employee_id=cmd.employee_id, name=cmd.name, role=exception.approver_role
        )


passes_to_employee(c.GrantRole, Employee.grant_role)
passes_to_employee(c.RevokeRole, Employee.revoke_role)
passes_to_employee(c.RecordLeaving, Employee.record_leaving)


# ---- 3.2 Training and development -------------------------------------------------------------


passes_to_employee(c.CompleteOnboardingTraining, Employee.complete_onboarding)


passes_to_employee(c.RecordTraining, Employee.record_training, training=Training)
passes_to_employee(c.SetCareerPlan, Employee.set_career_plan, plan=CareerPlan)
passes_to_employee(c.ReviewCareerPlan, Employee.review_career_plan)
passes_to_employee(c.ChangePosition, Employee.change_position)
passes_to_employee(c.ChangeTeam, Employee.change_team)


@handles(c.ChangeManager)
def change_manager(cmd: c.ChangeManager, uow: UnitOfWork) -> None:
    employee = uow.load(Employee, cmd.employee_id)
    manager = _manager(uow, cmd.manager_id)
    employee.change_manager(uow.evidence, manager, reporting_line=_reporting_line(uow, manager))


# ---- 3.3.4 Promotion and pay --------------------------------------------------------------------


passes_to_employee(c.Promote, Employee.promote)
passes_to_employee(c.ChangePay, Employee.change_pay)


# ---- 1 Goal-driven: sales targets -----------------------------------------------------------


@handles(c.SetSalesTarget)
def set_sales_target(cmd: c.SetSalesTarget, uow: UnitOfWork) -> None:
    """Set the target of the employee or team for the period, or revise it."""
    if cmd.employee_id is not None:
        subject = TargetSubject.employee(cmd.employee_id)
        employee: Employee | None = uow.load(Employee, cmd.employee_id)
    else:
        subject, employee = TargetSubject.of_team(cmd.team), None
    today = uow.now().date()
    existing = uow.find(SalesTarget, SalesTarget.id_for(subject, cmd.period))
    if existing is not None:
        existing.revise(uow.evidence, cmd.figures, today=today)
        return
    uow.add(
        SalesTarget.set(
            uow.evidence,
            subject=subject,
            period=cmd.period,
            figures=cmd.figures,
            employee=employee,
            today=today,
        )
    )
