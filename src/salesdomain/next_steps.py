"""The next possible SOP steps of a record, from its own state (issue 20, ADR 65).

    next_steps(opportunity)                      # [LogContact, DiscoverNeeds, ...]
    steps_for(opportunity, Role.SALES_REPRESENTATIVE)  # with the field naming it

Each kind of record lists the commands that act on it (``StepsOf.by``: the command's
field that names the record, the one its handler loads it by) and, for each, when its
state lets the step be taken at all: the same conditions of state the aggregate checks
before it records the step (an opportunity's stage and what it holds, an order's
status, a case's answer and resolution).  A step offered here is never refused for the
record's state alone; it may still be refused for its data (a quote beyond authority),
the actor (not the owner) or the time (an expired quote), which the form's answer
shows in the SOP's words.  Whom a step is for is the SOP's: a step is offered to a role
only if the SOP step's roles include it.  Steps are never tried to find out (a try
would run handlers, read other records and need data nobody has typed yet).

A record of a kind not listed here has no steps offered (yet).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from salesdomain.aftersales import commands as ac
from salesdomain.aftersales.service_case import ServiceCase
from salesdomain.aftersales.values import FeedbackKind
from salesdomain.aggregate import SopAggregate
from salesdomain.commands import Command
from salesdomain.contracts import commands as kc
from salesdomain.contracts.contract import Contract, ContractStatus
from salesdomain.opportunities import commands as oc
from salesdomain.opportunities.approvals import Decision
from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.orders import commands as rc
from salesdomain.orders.order import LotStatus, Order, OrderStatus
from salesdomain.people import commands as hc
from salesdomain.people.candidate import Candidate, CandidateStatus
from salesdomain.people.employee import Employee
from salesdomain.performance import commands as fc
from salesdomain.performance.appraisal import Appraisal, AppraisalStage
from salesdomain.prospecting import commands as pc
from salesdomain.prospecting.customer import Customer
from salesdomain.sop import Role, step

State = Callable[[Any], bool]
"""Whether a record's state lets a step be taken (from the state alone)."""


def _always(_record: Any) -> bool:
    return True


@dataclass(frozen=True)
class Step:
    """A command that acts on a record, when its state allows it."""

    command: type[Command]
    possible: State = _always
    """Whether the record's state lets the step be taken."""
    prefill: Callable[[Any], Mapping[str, object]] = lambda _record: {}
    """More of the command's fields the record already gives (the quote version...)."""
    for_role: Callable[[Any, Role], bool] = lambda _record, _role: True
    """Whether a role may take it on this record beyond the SOP's roles (a department
    confirms the feasibility of a solution it is involved in)."""
    decided_by_another: Callable[[Any], UUID | None] = lambda _record: None
    """Who may NOT take it, being the one it decides on (the representative who asked
    for a discount does not approve it: ``discount_not_self_approved``)."""


@dataclass(frozen=True)
class StepsOf:
    """The steps of one kind of record, and the commands' field naming the record."""

    kind: type[SopAggregate]
    by: str
    steps: tuple[Step, ...]
    not_offered: Mapping[type[Command], str] = field(default_factory=dict)
    """Commands with the field ``by`` that a record's page does not offer, and why."""


@dataclass(frozen=True)
class NextStep:
    """A step offered on a record's page: the command and its fields already known."""

    command: type[Command]
    prefill: dict[str, object]

    @property
    def name(self) -> str:
        return self.command.__name__

    @property
    def sop_step(self) -> str:
        return self.command.SOP_STEP

    @property
    def title(self) -> str:
        """The SOP step's title ("Price and quote")."""
        return step(self.command.SOP_STEP).title


# ---- the opportunity (2.1.3-2.3.3, 4.2.3): its stage and what it holds ------------------


def _open(opp: Opportunity) -> bool:
    return opp.stage.is_open


def _unquoted(opp: Opportunity) -> bool:
    return _open(opp) and not opp.quotes


def _feasible(opp: Opportunity) -> bool:
    solution = opp.solution
    return solution is not None and all(
        opp.feasibility.get(d) for d in solution.departments_involved
    )


def _pending(opp: Opportunity) -> bool:
    return any(a.decision is Decision.PENDING for a in opp.approvals.values())


def _asker(opp: Opportunity) -> UUID | None:
    """Who asked for the discount waiting for a decision."""
    for approval in opp.approvals.values():
        if approval.decision is Decision.PENDING:
            return approval.requested_by
    return None


def _involved(opp: Opportunity, role: Role) -> bool:
    return opp.solution is not None and role in opp.solution.departments_involved


_DEPARTMENTS = frozenset(
    {
        Role.PRODUCTION,
        Role.PROCUREMENT,
        Role.QUALITY_CONTROL,
        Role.LOGISTICS,
        Role.AFTER_SALES,
        Role.LEGAL,
    }
)


def _sales_side(_opp: Opportunity, role: Role) -> bool:
    """The solution is designed by the sales side (the departments of step 2.2.3 confirm
    its feasibility)."""
    return role not in _DEPARTMENTS


_OPPORTUNITY = StepsOf(
    Opportunity,
    "opportunity_id",
    (
        Step(oc.LogContact, _open),
        Step(oc.DiscoverNeeds, lambda o: _unquoted(o) and o.contacts_logged > 0),
        Step(
            oc.PrioritiseNeeds,
            lambda o: _open(o) and o.discovery is not None and o.solution is None,
        ),
        Step(
            oc.DesignSolution,
            lambda o: _unquoted(o) and o.discovery is not None and o.prioritisation is not None,
            for_role=_sales_side,
        ),
        Step(
            oc.ConfirmFeasibility,
            lambda o: _open(o) and o.solution is not None and o.presentation is None,
            for_role=_involved,
        ),
        Step(oc.PresentSolution, lambda o: _open(o) and _feasible(o)),
        Step(
            oc.AcknowledgeSolution,
            lambda o: _open(o) and o.presentation is not None and not o.acknowledged,
        ),
        Step(oc.IssueQuote, lambda o: _open(o) and o.acknowledged),
        Step(oc.RecordNegotiationRound, lambda o: _open(o) and bool(o.quotes)),
        Step(
            oc.RequestDiscountApproval,
            lambda o: _open(o) and o.acknowledged and not _pending(o),
        ),
        Step(oc.ApproveDiscount, lambda o: _open(o) and _pending(o), decided_by_another=_asker),
        Step(oc.RejectDiscount, lambda o: _open(o) and _pending(o), decided_by_another=_asker),
        Step(
            oc.AcceptQuote,
            lambda o: _open(o) and bool(o.quotes),
            prefill=lambda o: {"quote_version": len(o.quotes)},
        ),
        Step(oc.ReviseExpectedClose, _open),
        Step(oc.ReviseEstimatedValue, _unquoted),
        Step(oc.SetForecastCategory, _open),
        Step(oc.ReviewForecastCategory, _open),
        Step(oc.MarkOpportunityLost, _open),
    ),
)


# ---- the customer (2.1.2), and the deal opened for it (2.1.3) ---------------------------


def _kept(customer: Customer) -> bool:
    return customer.merged_into is None


_CUSTOMER = StepsOf(
    Customer,
    "customer_id",
    (
        Step(oc.OpenOpportunity, lambda c: _kept(c) and c.active and c.is_qualified),
        Step(pc.AddContactPerson, _kept),
        Step(pc.AssessProspect, _kept),
        Step(
            pc.QualifyProspect,
            lambda c: _kept(c) and c.qualified is not True and c.assessment is not None,
        ),
        Step(pc.DisqualifyProspect, lambda c: _kept(c) and c.qualified is not False),
        Step(pc.CorrectCustomerDetails, _kept),
        Step(pc.DeactivateCustomer, lambda c: _kept(c) and c.active),
        Step(pc.ReactivateCustomer, lambda c: _kept(c) and not c.active),
        Step(pc.MergeCustomers, lambda c: _kept(c) and not c.absorbed),
    ),
    {
        pc.ForgetContactPerson: "a person's request to be forgotten (4.1.2), on the "
        "command line with the subject's id",
    },
)


# ---- the order (2.5): in execution, and what it holds -----------------------------------


def _executing(order: Order) -> bool:
    return order.status is OrderStatus.IN_EXECUTION


def _to_dispatch(order: Order) -> bool:
    """A dispatch told to the customer and not sent yet, of goods that passed."""
    told = set(order.notices) - set(order.shipments)
    passed = sum(lot.quantity for lot in order.lots.values() if lot.status is LotStatus.PASSED)
    shipped = sum(
        (item.quantity for s in order.shipments.values() for item in s.items.items),
    )
    return bool(told) and passed > shipped


_ORDER = StepsOf(
    Order,
    "order_id",
    (
        Step(rc.AssignCoordinationTask, _executing),
        Step(
            rc.CompleteCoordinationTask,
            lambda o: _executing(o) and any(t.completed_on is None for t in o.tasks.values()),
        ),
        Step(rc.RecordProductionPlan, _executing),
        Step(rc.RecordProcurement, lambda o: _executing(o) and o.plan is not None),
        Step(rc.AddSupplierFollowUp, lambda o: _executing(o) and bool(o.purchases)),
        Step(rc.RecordInspection, _executing),
        Step(
            rc.RecordRework,
            lambda o: _executing(o) and any(x.status is LotStatus.FAILED for x in o.lots.values()),
        ),
        Step(rc.NotifyCustomerOfDispatch, _executing),
        Step(rc.DispatchShipment, lambda o: _executing(o) and _to_dispatch(o)),
        Step(
            rc.ConfirmDelivery,
            lambda o: _executing(o) and any(s.receipt is None for s in o.shipments.values()),
        ),
        Step(rc.CancelOrder, lambda o: _executing(o) and not o.shipments),
    ),
)


# ---- the service case (2.6.1): open, assigned, answered, resolved -----------------------


def _handled(case: ServiceCase) -> bool:
    return not case.closed and case.assignee is not None


_SERVICE_CASE = StepsOf(
    ServiceCase,
    "service_case_id",
    (
        Step(ac.ClassifyFeedback, lambda s: not s.closed and not s.responded),
        Step(ac.AssignServiceCase, lambda s: not s.closed),
        Step(
            ac.RespondToFeedback,
            lambda s: _handled(s) and s.kind is not None and not s.responded,
        ),
        Step(ac.RecordRootCause, _handled),
        Step(
            ac.ResolveServiceCase,
            lambda s: (
                _handled(s)
                and s.responded
                and s.resolution is None
                and (s.kind is not FeedbackKind.COMPLAINT or s.root_cause is not None)
            ),
        ),
        Step(ac.CloseServiceCase, lambda s: _handled(s) and s.resolution is not None),
        Step(ac.ReopenServiceCase, lambda s: s.closed),
    ),
)


# ---- the employee (3.1.4-3.3.4): while employed ----------------------------------------


def _employed(employee: Employee) -> bool:
    return employee.is_active


_EMPLOYEE = StepsOf(
    Employee,
    "employee_id",
    (
        Step(hc.CompleteOnboardingTraining, lambda e: _employed(e) and not e.onboarding_completed),
        Step(hc.RecordTraining, _employed),
        Step(hc.SetCareerPlan, _employed),
        Step(hc.ReviewCareerPlan, lambda e: _employed(e) and e.career_plan is not None),
        Step(hc.ChangePosition, _employed),
        Step(hc.ChangeTeam, _employed),
        Step(hc.ChangeManager, _employed),
        Step(hc.Promote, _employed),
        Step(hc.ChangePay, _employed),
        Step(hc.GrantRole, _employed),
        Step(hc.RevokeRole, _employed),
        Step(hc.RecordLeaving, _employed),
    ),
)


# ---- the contract (2.4.1-2.4.3): where its current revision stands ---------------------


def _contract_at(status: ContractStatus) -> State:
    return lambda contract: contract.status is status


def _legal(_contract: Contract, role: Role) -> bool:
    """Legal drafts, revises and amends a contract; sales reviews it (2.4.1)."""
    return role is Role.LEGAL


def _contract_owner(contract: Contract) -> UUID | None:
    """The owner of the won deal, who may not approve its contract (2.4.2)."""
    return contract.owner_id


_CONTRACT = StepsOf(
    Contract,
    "contract_id",
    (
        Step(
            kc.ReviewContract,
            _contract_at(ContractStatus.IN_REVIEW),
            for_role=lambda k, role: not _legal(k, role),
        ),
        Step(kc.ReviseContract, lambda k: k.status is not ContractStatus.SIGNED, for_role=_legal),
        Step(
            kc.ApproveContract,
            _contract_at(ContractStatus.IN_APPROVAL),
            decided_by_another=_contract_owner,
        ),
        Step(
            kc.RejectContract,
            _contract_at(ContractStatus.IN_APPROVAL),
            decided_by_another=_contract_owner,
        ),
        Step(kc.SignContract, _contract_at(ContractStatus.APPROVED)),
        Step(kc.AmendContract, _contract_at(ContractStatus.SIGNED), for_role=_legal),
    ),
)


# ---- the candidate (3.1.3-3.1.4): screened, interviewed, decided, offered, hired -------

_DECIDED = frozenset(
    {CandidateStatus.SCREENED_OUT, CandidateStatus.REJECTED, CandidateStatus.HIRED}
)
_OFFERABLE = frozenset(
    {
        CandidateStatus.SELECTED,
        CandidateStatus.OFFERED,
        CandidateStatus.OFFER_DECLINED,
        CandidateStatus.OFFER_ACCEPTED,
    }
)


def _candidate_in(*statuses: CandidateStatus) -> State:
    return lambda cand: not cand.forgotten and cand.status in statuses


def _deciding(cand: Candidate) -> bool:
    """Screened and not decided for good: a rejection may be decided (a hire only once
    shortlisted after an on-site interview, which the form's answer says)."""
    return (
        not cand.forgotten
        and cand.status not in _DECIDED
        and cand.status is not CandidateStatus.APPLIED
    )


_CANDIDATE = StepsOf(
    Candidate,
    "candidate_id",
    (
        Step(hc.ScreenCandidate, _candidate_in(CandidateStatus.APPLIED)),
        Step(hc.RecordInterview, _candidate_in(CandidateStatus.SHORTLISTED)),
        Step(hc.DecideOnCandidate, _deciding),
        Step(hc.SendOffer, _candidate_in(*_OFFERABLE)),
        Step(hc.AcceptOffer, _candidate_in(CandidateStatus.OFFERED)),
        Step(hc.DeclineOffer, _candidate_in(CandidateStatus.OFFERED)),
        Step(
            hc.SignLabourContract,
            lambda c: _candidate_in(CandidateStatus.OFFER_ACCEPTED)(c) and c.offer is not None,
        ),
        Step(
            hc.ForgetCandidate,
            lambda c: not c.forgotten,
            for_role=lambda _c, role: role is Role.HR,  # HR forgets on request (ADR 13)
        ),
    ),
)


# ---- the appraisal (3.3.3-3.3.4): its steps in order, then the follow-up ---------------


def _appraisal_at(stage: AppraisalStage) -> State:
    return lambda appraisal: appraisal.stage is stage


def _finalised(appraisal: Appraisal) -> bool:
    return appraisal.stage is AppraisalStage.FINALISED and appraisal.rating_band is not None


def _closable(appraisal: Appraisal) -> bool:
    """Finalised, with coaching planned if the result is below standard."""
    band = appraisal.rating_band
    return _finalised(appraisal) and (
        band is None or not band.is_below_standard or appraisal.coaching is not None
    )


def _appraisee(appraisal: Appraisal) -> UUID | None:
    """The employee appraised, who does not appraise themselves."""
    return appraisal.employee_id


_APPRAISAL = StepsOf(
    Appraisal,
    "appraisal_id",
    (
        Step(
            fc.RecordActuals,
            _appraisal_at(AppraisalStage.OPENED),
            decided_by_another=_appraisee,
        ),
        Step(fc.SubmitSelfAssessment, _appraisal_at(AppraisalStage.ACTUALS_RECORDED)),
        Step(
            fc.ScoreAppraisal,
            _appraisal_at(AppraisalStage.SELF_ASSESSED),
            decided_by_another=_appraisee,
        ),
        Step(
            fc.RecordFeedbackInterview,
            _appraisal_at(AppraisalStage.SCORED),
            decided_by_another=_appraisee,
        ),
        Step(fc.AgreeImprovementPlan, _appraisal_at(AppraisalStage.INTERVIEWED)),
        Step(
            fc.FinaliseAppraisal,
            _appraisal_at(AppraisalStage.PLAN_AGREED),
            decided_by_another=_appraisee,
        ),
        Step(fc.DecideIncentive, _finalised, decided_by_another=_appraisee),
        Step(fc.PlanCoaching, _finalised, decided_by_another=_appraisee),
        Step(fc.CloseAppraisal, _closable, decided_by_another=_appraisee),
    ),
)


STEPS: dict[type[SopAggregate], StepsOf] = {
    listed.kind: listed
    for listed in (
        _OPPORTUNITY,
        _CUSTOMER,
        _CONTRACT,
        _ORDER,
        _SERVICE_CASE,
        _EMPLOYEE,
        _CANDIDATE,
        _APPRAISAL,
    )
}
"""The steps of every kind of record that has any, by kind."""


def steps_of(kind: type[SopAggregate]) -> StepsOf | None:
    """The steps of records of ``kind`` (``None``: none are offered)."""
    return STEPS.get(kind)


def next_steps(record: SopAggregate) -> list[type[Command]]:
    """The commands the record's state lets be taken on it now, in the SOP's order."""
    found = steps_of(type(record))
    if found is None:
        return []
    return [s.command for s in found.steps if s.possible(record)]


def steps_for(record: SopAggregate, role: Role, person: UUID | None = None) -> list[NextStep]:
    """The next steps a person acting under ``role`` may take on ``record``: those its
    state allows whose SOP step's roles include ``role``, each with the field naming
    the record (and any other the record gives) filled in.  ``person`` (their employee
    id), if given, is not offered a decision on their own request."""
    found = steps_of(type(record))
    if found is None:
        return []
    return [
        NextStep(s.command, {found.by: str(record.id), **s.prefill(record)})
        for s in found.steps
        if role in step(s.command.SOP_STEP).roles
        and s.for_role(record, role)
        and s.possible(record)
        and (person is None or s.decided_by_another(record) != person)
    ]


__all__ = ["STEPS", "NextStep", "Step", "StepsOf", "next_steps", "steps_for", "steps_of"]
