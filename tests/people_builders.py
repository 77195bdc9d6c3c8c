"""Canned steps for people: enrol staff, hire through recruitment, onboard, set targets.

Employees built here have the same ids as the actors of ``tests.builders.person``
(the id comes from the name), so an enrolled "Alice Rep" is the employee behind
``builders.ALICE``:

    spec.given(enrol("Mia Manager", Role.SALES_MANAGER))
    spec.given(enrol("Alice Rep", Role.SALES_REPRESENTATIVE, manager_id=MIA.employee_id))
    steps, alice_id = hire("Nora New", Role.SALES_REPRESENTATIVE)   # full recruitment
    spec.given(*steps)

Steps are (command, actor) pairs for ``spec.given``; HR acts as ``HANNA``, the sales head
(who agrees requisitions and decides hires) as ``DAN``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

from salesdomain.aggregate import Evidence
from salesdomain.application import SalesApplication
from salesdomain.people import commands as hc
from salesdomain.people import values as hv
from salesdomain.people.employee import Employee
from salesdomain.people.policy import StaffingPolicy
from salesdomain.policy import SalesPolicy
from salesdomain.sop import Role
from salesdomain.values import Actor, Money
from tests.builders import DAN, MIA, TODAY, money, person
from tests.spec import Step

HANNA = person("Hanna HR", Role.HR)
"""HR: opens requisitions, chooses channels, screens, sends offers, records contracts."""

SALARY = "12000"
TEAM = "East China Sales"


def position_of(role: Role) -> str:
    """The position of an employee hired for ``role``: the role's name ("HR Officer" for HR)."""
    return "HR Officer" if role is Role.HR else role.label.title()


REQUIREMENTS = ("Two years of B2B sales", "Degree in engineering or business")


def employee_id(name: str) -> UUID:
    """The employee id of ``name``: the same as ``builders.person(name, ...)``'s."""
    return person(name, Role.SALES_REPRESENTATIVE).employee_id


def actor(name: str, role: Role) -> Actor:
    return person(name, role)


def enrolment_exception(
    name: str, approver: Actor | None = None, *, onboarded: bool = True
) -> hv.EnrolmentException:
    """Staff hired before the system, approved by ``approver`` (by default the sales
    director, or for Dan himself the sales manager)."""
    approver = approver or (MIA if name == DAN.name else DAN)  # never their own by default
    return hv.EnrolmentException(
        approved_by=approver.employee_id,
        approver_role=approver.role,
        approver_name=approver.name,
        reason="Hired before the system existed",
        onboarded=onboarded,
    )


def enrol(
    name: str,
    role: Role,
    manager_id: UUID | None = None,
    *,
    team: str = TEAM,
    position: str | None = None,
    salary: str = SALARY,
    start_date: date = date(2024, 1, 8),
    onboarded: bool = True,
    roles: tuple[Role, ...] = (),
    approver: Actor | None = None,
    founder: bool = False,
) -> Step:
    """Enrol ``name`` as staff hired before the system (already onboarded unless told),
    under an exception ``approver`` approved (see ``enrolment_exception``); a
    ``founder`` of the staff register (HR enrolling themselves first) without one."""
    return (
        hc.EnrolEmployee(
            employee_id=employee_id(name),
            name=name,
            position=position or position_of(role),
            team=team,
            manager_id=manager_id,
            roles=(role, *roles),
            salary=money(salary),
            start_date=start_date,
            exception=None if founder else enrolment_exception(name, approver, onboarded=onboarded),
        ),
        HANNA,
    )


def register_of(*people: Actor) -> list[Step]:
    """Hanna founds the staff register, Dan Director approves his own entry as its first
    sales director, then ``people`` (in the roles they act under) join under exceptions
    he approves: staff a checking application accepts."""
    others = [p for p in people if p.name not in (HANNA.name, DAN.name)]
    return [
        enrol(HANNA.name, Role.HR, founder=True),
        enrol(DAN.name, Role.SALES_DIRECTOR, approver=DAN),
        *(enrol(p.name, p.role, approver=DAN) for p in others),
    ]


def staff(manager: str = "Mia Manager", *reps: str) -> list[Step]:
    """Dan Director, who approves his own entry as the register's first sales director
    and everyone else's; ``manager`` reporting to him; ``reps`` reporting to the manager."""
    director_id, manager_id = employee_id("Dan Director"), employee_id(manager)
    return [
        enrol("Dan Director", Role.SALES_DIRECTOR, approver=DAN),
        enrol(manager, Role.SALES_MANAGER, director_id),
        *(enrol(rep, Role.SALES_REPRESENTATIVE, manager_id) for rep in reps),
    ]


def founding() -> list[Step]:
    """HR enrols herself (founding the staff register), then Mia Manager, who approves
    her own entry as the register's first sales manager, and Alice Rep, who reports to
    Mia and whose entry Mia approves."""
    return [
        enrol("Hanna HR", Role.HR, founder=True),
        enrol("Mia Manager", Role.SALES_MANAGER, approver=MIA),
        enrol("Alice Rep", Role.SALES_REPRESENTATIVE, employee_id("Mia Manager"), approver=MIA),
    ]


# ---- recruitment -----------------------------------------------------------------------------


def profile(role: Role = Role.SALES_REPRESENTATIVE, team: str = TEAM) -> hv.JobProfile:
    return hv.JobProfile(
        position=position_of(role),
        team=team,
        roles=hv.RoleSet.of(role),
        duties=("Develop customers in the region", "Follow deals from contact to contract"),
        requirements=REQUIREMENTS,
    )


def open_requisition(
    req_id: UUID, role: Role = Role.SALES_REPRESENTATIVE, headcount: int = 1
) -> hc.OpenRequisition:
    return hc.OpenRequisition(
        requisition_id=req_id,
        profile=profile(role),
        headcount=headcount,
        justification="Growth in East China",
    )


def agree(req_id: UUID) -> hc.AgreeRequisition:
    return hc.AgreeRequisition(requisition_id=req_id, comments="Within 2026 budget")


def channels(req_id: UUID, *chosen: hv.HiringChannel) -> hc.ChooseHiringChannels:
    return hc.ChooseHiringChannels(
        requisition_id=req_id,
        channels=chosen or (hv.HiringChannel.JOB_SITE, hv.HiringChannel.REFERRAL),
    )


def open_hiring(
    req_id: UUID, role: Role = Role.SALES_REPRESENTATIVE, headcount: int = 1
) -> list[Step]:
    """A requisition opened by HR, agreed by the sales director, channels chosen."""
    return [
        (open_requisition(req_id, role, headcount), HANNA),
        (agree(req_id), DAN),
        (channels(req_id), HANNA),
    ]


def apply(
    cand_id: UUID,
    req_id: UUID,
    name: str = "Nora New",
    channel: hv.HiringChannel = hv.HiringChannel.JOB_SITE,
) -> hc.RecordApplication:
    return hc.RecordApplication(
        candidate_id=cand_id,
        requisition_id=req_id,
        name=name,
        contact=f"{name.split()[0].lower()}@example.com",
        channel=channel,
        cv_summary="Three years selling machine tools",
    )


def screening(passed: bool = True, requirements: tuple[str, ...] = REQUIREMENTS) -> hv.Screening:
    return hv.Screening(
        checks=tuple(
            hv.RequirementCheck(requirement=r, met=passed, note="per CV") for r in requirements
        ),
        passed=passed,
        reasons="Meets every requirement" if passed else "Too little sales experience",
    )


def screen(cand_id: UUID, passed: bool = True) -> hc.ScreenCandidate:
    return hc.ScreenCandidate(candidate_id=cand_id, screening=screening(passed))


def scores(score: int = 4, *criteria: hv.InterviewCriterion) -> tuple[hv.CriterionScore, ...]:
    return tuple(
        hv.CriterionScore(criterion=c, score=score)
        for c in (criteria or tuple(hv.InterviewCriterion))
    )


def interview(
    cand_id: UUID,
    interviewer_id: UUID,
    kind: hv.InterviewKind = hv.InterviewKind.ON_SITE,
    score: int = 4,
    held_on: date = TODAY,
) -> hc.RecordInterview:
    return hc.RecordInterview(
        candidate_id=cand_id,
        kind=kind,
        held_on=held_on,
        interviewer_id=interviewer_id,
        scores=scores(score),
        notes="Good questions about our products",
    )


def decide(cand_id: UUID, hire: bool = True) -> hc.DecideOnCandidate:
    from salesdomain.people.values import HiringDecision

    return hc.DecideOnCandidate(
        candidate_id=cand_id,
        decision=HiringDecision.HIRE if hire else HiringDecision.REJECT,
        reasons="Strong selling skill and product knowledge" if hire else "Weaker than others",
    )


def offer(
    cand_id: UUID,
    role: Role = Role.SALES_REPRESENTATIVE,
    manager_id: UUID | None = None,
    salary: str = SALARY,
    start: date = TODAY,
) -> hc.SendOffer:
    return hc.SendOffer(
        candidate_id=cand_id,
        offer=hv.Offer(
            position=position_of(role),
            salary=money(salary),
            start_date=start,
            manager_id=manager_id,
        ),
    )


def sign(cand_id: UUID, emp_id: UUID, on: date = TODAY) -> hc.SignLabourContract:
    return hc.SignLabourContract(
        candidate_id=cand_id, employee_id=emp_id, signed_on=on, contract_number="LC-2026-001"
    )


def interviewer(name: str = "Ian Interviewer") -> Step:
    """An enrolled sales manager who interviews candidates."""
    return enrol(name, Role.SALES_MANAGER)


def recruit(
    name: str,
    req_id: UUID,
    cand_id: UUID,
    emp_id: UUID,
    *,
    interviewer_id: UUID,
    role: Role = Role.SALES_REPRESENTATIVE,
    manager_id: UUID | None = None,
) -> list[Step]:
    """A candidate's path on an open requisition, from application to signed contract."""
    return [
        (apply(cand_id, req_id, name), HANNA),
        (screen(cand_id), HANNA),
        (interview(cand_id, interviewer_id, hv.InterviewKind.PHONE), HANNA),
        (interview(cand_id, interviewer_id, hv.InterviewKind.ON_SITE), HANNA),
        (decide(cand_id), DAN),
        (offer(cand_id, role, manager_id), HANNA),
        (hc.AcceptOffer(candidate_id=cand_id), HANNA),
        (sign(cand_id, emp_id), HANNA),
    ]


def hire(
    name: str,
    role: Role = Role.SALES_REPRESENTATIVE,
    manager_id: UUID | None = None,
    *,
    interviewer_name: str = "Ian Interviewer",
    with_interviewer: bool = True,
) -> tuple[list[Step], UUID]:
    """Every step from requisition to signed labour contract; the new employee's id.

    The employee's id is ``employee_id(name)`` (so ``person(name, role)`` acts as them).
    ``with_interviewer=False`` leaves out enrolling the interviewer (when it already is).
    """
    req_id, cand_id, emp_id = uuid4(), uuid4(), employee_id(name)
    steps = [interviewer(interviewer_name)] if with_interviewer else []
    steps += [
        *open_hiring(req_id, role),
        *recruit(
            name,
            req_id,
            cand_id,
            emp_id,
            interviewer_id=employee_id(interviewer_name),
            role=role,
            manager_id=manager_id,
        ),
    ]
    return steps, emp_id


# ---- training and targets --------------------------------------------------------------------


def onboard(emp_id: UUID, on: date = TODAY) -> hc.CompleteOnboardingTraining:
    return hc.CompleteOnboardingTraining(
        employee_id=emp_id, topics=tuple(hv.OnboardingTopic), completed_on=on
    )


def training(emp_id: UUID, on: date = TODAY, hours: str = "4") -> hc.RecordTraining:
    return hc.RecordTraining(
        employee_id=emp_id,
        topic="CRM basics",
        trainer_kind=hv.TrainerKind.INTERNAL,
        trainer="Sue Supervisor",
        hours=Decimal(hours),
        held_on=on,
    )


def target(
    period: str = "2026-Q2",
    *,
    emp_id: UUID | None = None,
    team: str = "",
    revenue: str = "1000000",
    visits: int = 60,
) -> hc.SetSalesTarget:
    return hc.SetSalesTarget.model_validate(
        {
            "employee_id": emp_id,
            "team": team,
            "period": period,
            "figures": hv.TargetFigures(
                revenue=money(revenue),
                profit=Money.of(Decimal(revenue) / 4, "CNY"),
                units=Decimal(100),
                new_customers=5,
                visits=visits,
            ),
        }
    )


# ---- a long record ---------------------------------------------------------------------------


def long_serving_employee(
    app: SalesApplication,
    trainings: int,
    *,
    hr: Actor,
    start_date: date,
    today: Callable[[], date],
    batch: int,
) -> UUID:
    """ "Long Serving Rep", a sales representative since ``start_date``, written straight to
    ``app`` (no commands, so as fast as a long history can be written) with ``trainings``
    trainings, the n-th held on day n of the job, and saved every ``batch`` events.
    ``today()`` is asked before each training is recorded (a caller may move a simulated
    clock there); ``hr`` is who records it all.  The employee's id."""
    employee = Employee.enrol(
        Evidence(hr, uuid4(), "EnrolEmployee"),
        employee_id=uuid4(),
        name="Long Serving Rep",
        position="Sales Representative",
        team=TEAM,
        manager=None,
        roles=hv.RoleSet.of(Role.SALES_REPRESENTATIVE),
        salary=money(SALARY),
        start_date=start_date,
        exception=None,  # written straight, as the staff register's founding enrolment
        register=None,
        policy=StaffingPolicy(),
        policy_version=SalesPolicy().version,
    )
    for n in range(trainings):
        recorded_on = today()
        training = hv.Training(
            topic=f"Product update {n}",
            trainer_kind=hv.TrainerKind.INTERNAL,
            trainer="Sue Supervisor",
            hours=Decimal(2),
            held_on=start_date + timedelta(days=n % 9000),  # never after today
        )
        employee.record_training(
            Evidence(hr, uuid4(), "RecordTraining"), training, today=recorded_on
        )
        if len(employee.pending_events) >= batch:
            app.save(employee)
    app.save(employee)
    return employee.id
