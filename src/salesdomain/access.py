"""Who may read what: the read policy, as data in one place (ADR 30).

Commands are guarded by the SOP's steps (``salesdomain.authority``); reads by this
module.  Every record belongs to an **area** and has an **owner**:

* sales: customers, deals, contracts, orders, after-sales cases and the KPIs made of
  them; the owner is the representative who owns the record;
* people: employee records, candidates, requisitions, targets, KPI schemes; the owner
  is the employee the record is about (none for a candidate or a requisition);
* two kinds of figures inside people records are confidential: **pay** (salary in an
  offer, an enrolment, a promotion, a pay change) and **appraisals** (scores, results,
  bonus).  Someone who may see a person's record without their pay reads the line
  with those figures left out.

``READ_POLICY`` gives each role a ``ReadGrant``: for each area, whose records it reaches
(``Reach``).  A ``Reader`` is one employee reading under one role, with the people
their grant reaches resolved from the staff directory (their team, who reports to
them).  The library's queries take a ``Reader`` and answer only what it may see, so
the command line, the web API and any other adapter give the same answer.  Someone
who has left the company reads nothing: no ``Reader`` is made for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from uuid import UUID

from salesdomain.aggregate import SopAggregate
from salesdomain.sop import Role


class Area(Enum):
    SALES = "sales"
    PEOPLE = "people"


class Confidential(Enum):
    """Figures inside people records that only some readers see."""

    PAY = "pay"
    APPRAISAL = "appraisal"


class Reach(Enum):
    """Whose records of an area a role reads."""

    NOBODY = "nobody"
    SELF = "self"
    """Their own: records they own, or that are about them."""
    TEAM = "team"
    """Their own, their team's, and those of everyone who reports to them."""
    REPORTS = "reports"
    """Their own and those of everyone who reports to them (directly or not)."""
    ASSIGNED = "assigned"
    """Orders they hold a coordination task on (production, procurement, QC, logistics)."""
    EVERYONE = "everyone"


@dataclass(frozen=True)
class ReadGrant:
    """What a role reads: sales records, people records, and the confidential figures
    (pay; appraisals) of people records; ``operations``: orders in execution;
    ``conformance``: the review of breaches of the SOP across the company."""

    sales: Reach
    people: Reach
    pay: Reach
    appraisals: Reach
    operations: Reach
    conformance: bool = False


_NONE = ReadGrant(Reach.NOBODY, Reach.SELF, Reach.SELF, Reach.SELF, Reach.NOBODY)
_REP = ReadGrant(Reach.SELF, Reach.SELF, Reach.SELF, Reach.SELF, Reach.SELF)
_MANAGER = ReadGrant(Reach.TEAM, Reach.TEAM, Reach.SELF, Reach.REPORTS, Reach.TEAM)
_SALES_HEAD = ReadGrant(
    Reach.EVERYONE, Reach.TEAM, Reach.SELF, Reach.REPORTS, Reach.EVERYONE, conformance=True
)
_DEPARTMENT = ReadGrant(Reach.NOBODY, Reach.SELF, Reach.SELF, Reach.SELF, Reach.ASSIGNED)
_EVERYTHING = ReadGrant(
    Reach.EVERYONE, Reach.EVERYONE, Reach.EVERYONE, Reach.EVERYONE, Reach.EVERYONE, True
)

READ_POLICY: Mapping[Role, ReadGrant] = {
    Role.SALES_REPRESENTATIVE: _REP,
    Role.SALES_SUPERVISOR: _MANAGER,
    Role.SALES_MANAGER: _MANAGER,
    Role.SALES_DIRECTOR: _SALES_HEAD,
    Role.GENERAL_MANAGER: _SALES_HEAD,
    Role.SALES_OPERATIONS: ReadGrant(
        Reach.EVERYONE, Reach.SELF, Reach.SELF, Reach.SELF, Reach.EVERYONE, conformance=True
    ),
    Role.LEGAL: ReadGrant(Reach.EVERYONE, Reach.SELF, Reach.SELF, Reach.SELF, Reach.NOBODY),
    Role.MARKETING: _NONE,
    Role.PRODUCTION: _DEPARTMENT,
    Role.PROCUREMENT: _DEPARTMENT,
    Role.QUALITY_CONTROL: _DEPARTMENT,
    Role.LOGISTICS: _DEPARTMENT,
    Role.AFTER_SALES: ReadGrant(Reach.EVERYONE, Reach.SELF, Reach.SELF, Reach.SELF, Reach.NOBODY),
    Role.HR: ReadGrant(Reach.NOBODY, Reach.EVERYONE, Reach.EVERYONE, Reach.EVERYONE, Reach.NOBODY),
    Role.COMPLIANCE_REVIEWER: _EVERYTHING,
    Role.AUTOMATED_POLICY: _NONE,
}
"""The read policy: one grant per role (a test checks every role has one)."""


@dataclass(frozen=True)
class StaffMember:
    """What the read policy needs to know of an employee (from the staff directory)."""

    employee_id: str
    team: str
    manager_id: str | None
    active: bool


Everyone = None
"""A set of people that is everybody (a query applies no filter)."""
People = frozenset[str] | None


@dataclass(frozen=True)
class Reader:
    """One employee reading under one role, with whom each area's reach covers (employee
    ids as text, as the views store them; ``None``: everyone)."""

    employee_id: str
    role: Role
    grant: ReadGrant
    teams: frozenset[str]
    """The teams whose KPI totals they read (all teams where ``sales`` is everyone)."""
    sales: People
    people: People
    pay: People
    appraisals: People
    operations: People
    """Owners of the orders in execution they read (with ``Reach.ASSIGNED`` the query
    takes instead the orders they hold a coordination task on)."""

    @classmethod
    def of(cls, employee_id: UUID | str, role: Role, staff: Iterable[StaffMember]) -> Reader:
        """``employee_id`` reading as ``role``, their reach resolved from ``staff``."""
        me = str(employee_id)
        members = list(staff)
        own = next((m for m in members if m.employee_id == me), None)
        team = own.team if own is not None else None
        reports = _reports_of(me, members)
        teammates = {m.employee_id for m in members if team is not None and m.team == team}
        grant = READ_POLICY[role]

        def resolve(reach: Reach) -> People:
            if reach is Reach.EVERYONE:
                return Everyone
            if reach is Reach.TEAM:
                return frozenset({me} | reports | teammates)
            if reach is Reach.REPORTS:
                return frozenset({me} | reports)
            if reach in (Reach.SELF, Reach.ASSIGNED):
                return frozenset({me})
            return frozenset()

        teams = frozenset({team} if team is not None and grant.sales is not Reach.NOBODY else ())
        if grant.sales is Reach.TEAM:
            teams |= {m.team for m in members if m.employee_id in reports}
        return cls(
            me,
            role,
            grant,
            teams,
            resolve(grant.sales),
            resolve(grant.people),
            resolve(grant.pay),
            resolve(grant.appraisals),
            resolve(grant.operations),
        )

    def reaches(self, people: People, owner: str | None) -> bool:
        """Whether ``people`` covers a record owned by ``owner`` (``None``: nobody's,
        which only ``Everyone`` reaches)."""
        return people is Everyone or (owner is not None and owner in people)

    def sees_figures(self, kind: Confidential, owner: str | None) -> bool:
        """Whether they read the ``kind`` figures of a person's record owned by ``owner``."""
        return self.reaches(self.pay if kind is Confidential.PAY else self.appraisals, owner)


def _reports_of(manager_id: str, staff: list[StaffMember]) -> set[str]:
    """Everyone who reports to ``manager_id``, directly or through others."""
    below: dict[str, list[str]] = {}
    for member in staff:
        if member.manager_id is not None:
            below.setdefault(member.manager_id, []).append(member.employee_id)
    found: set[str] = set()
    waiting = list(below.get(manager_id, ()))
    while waiting:
        employee = waiting.pop()
        if employee not in found and employee != manager_id:
            found.add(employee)
            waiting.extend(below.get(employee, ()))
    return found


# ---- records: their area, owner and confidential figures --------------------------------


def _aggregates() -> tuple[dict[str, Area], dict[str, Confidential]]:
    from salesdomain.aftersales.satisfaction_survey import SatisfactionSurvey
    from salesdomain.aftersales.service_case import ServiceCase
    from salesdomain.aftersales.service_visit import ServiceVisit
    from salesdomain.catalogue.product import Product
    from salesdomain.contracts.contract import Contract, ContractClaim
    from salesdomain.imports.historical_order import HistoricalOrder
    from salesdomain.opportunities.opportunity import Opportunity
    from salesdomain.orders.order import Order
    from salesdomain.people.candidate import Candidate
    from salesdomain.people.employee import Employee
    from salesdomain.people.requisition import Requisition
    from salesdomain.people.staff_register import StaffRegister
    from salesdomain.people.targets import SalesTarget
    from salesdomain.performance.appraisal import Appraisal
    from salesdomain.performance.appraisal_record import AppraisalRecord
    from salesdomain.performance.escalation import Escalation
    from salesdomain.performance.kpi_scheme import KpiScheme
    from salesdomain.performance.sales_expense import SalesExpense
    from salesdomain.performance.team_building import TeamBuilding
    from salesdomain.performance.team_meeting import TeamMeeting
    from salesdomain.prospecting.customer import Customer, CustomerNameClaim
    from salesdomain.prospecting.market_research import MarketResearch

    sales: list[type[SopAggregate]] = [
        Customer,
        CustomerNameClaim,
        MarketResearch,
        Product,
        Opportunity,
        Contract,
        ContractClaim,
        Order,
        HistoricalOrder,
        ServiceCase,
        ServiceVisit,
        SatisfactionSurvey,
        Escalation,
        SalesExpense,
        TeamMeeting,
        TeamBuilding,
    ]
    people: list[type[SopAggregate]] = [
        StaffRegister,
        Employee,
        Candidate,
        Requisition,
        SalesTarget,
        KpiScheme,
        Appraisal,
        AppraisalRecord,
    ]
    areas = {kind.__name__: Area.SALES for kind in sales}
    areas |= {kind.__name__: Area.PEOPLE for kind in people}
    figures = {
        **dict.fromkeys(_pay_events(), Confidential.PAY),
        Appraisal.__name__: Confidential.APPRAISAL,
        AppraisalRecord.__name__: Confidential.APPRAISAL,
    }
    return areas, figures


def _pay_events() -> tuple[str, ...]:
    from salesdomain.people.candidate import Candidate
    from salesdomain.people.employee import Employee

    return tuple(
        f"{event.__qualname__}"
        for event in (
            Employee.Hired,
            Employee.Enrolled,
            Employee.Promoted,
            Employee.PayChanged,
            Candidate.OfferSent,
        )
    )


AREAS, _FIGURES = _aggregates()
"""The area of each aggregate type, by class name."""


def area_of(aggregate_type: str) -> Area:
    """The area of records of ``aggregate_type`` (a class name such as "Opportunity")."""
    try:
        return AREAS[aggregate_type]
    except KeyError:
        raise LookupError(f"{aggregate_type} is in no area of the read policy") from None


def hidden_line(kind: Confidential) -> str:
    """What a reader who may not see them reads instead of a line with ``kind`` figures."""
    return f"(a line with {kind.value} figures, which are confidential)"


def confidential(event: SopAggregate.Event) -> Confidential | None:
    """Which confidential figures ``event``'s line shows, if any."""
    name = type(event).__qualname__
    return _FIGURES.get(name) or _FIGURES.get(name.partition(".")[0])


def owner_handed_to(event: SopAggregate.Event) -> str | None:
    """The owner ``event`` hands its record to, if it changes the record's owner (a
    takeover or reassignment): the ``new_owner_id`` such an event names (ADR 66)."""
    value = getattr(event, "new_owner_id", None)
    return str(value) if isinstance(value, UUID) else None


def owner_at_creation(event: SopAggregate.Event) -> str | None:
    """The owner a record gets when it is created by ``event``: the owner it names, the
    employee it is about, or for a sales record the employee who created it."""
    aggregate_type = type(event).__qualname__.partition(".")[0]
    if aggregate_type == "Employee":
        return str(event.originator_id)
    for name in ("owner_id", "employee_id"):
        value = getattr(event, name, None)
        if isinstance(value, UUID):
            return str(value)
    if area_of(aggregate_type) is Area.SALES:
        return str(event.actor.employee_id)
    return None
