"""The registers view: one row per contract, candidate and employee, for the lists of
records (issue 20, ADR 66) — what no other view holds as rows.

* ``contracts``: each contract (SOP 2.4) with its customer, owner, current revision,
  where the revision stands (in review, returned to legal, in approval, approved, signed:
  ``ContractStatus``), its amount and currency, when it was drafted and the day the
  signed revision was signed;
* ``candidates``: each applicant (SOP 3.1.3, 3.1.4) with the requisition they applied
  to, the channel and where they stand (``CandidateStatus``) — not their name or
  contact, which are personal data no view keeps (ADR 13, 33);
* ``requisitions``: each hiring need's position and team (a candidate's list names the
  position applied for);
* ``employees``: each employee's name and whether they are still with the company;
* ``roles``: the roles each employee holds and each requisition's position carries
  (``held``), so the people lists are filtered by role.

Every fact is on the record's own events (ADR 29).
"""

from __future__ import annotations

from salesdomain.projections.changes import RowChange, Update, Upsert
from salesdomain.projections.dispatch import Handlers
from salesdomain.projections.projection import Projection, Tables
from salesdomain.projections.types import UtcDateTime, money
from sqlalchemy import Boolean, Column, Date, Integer, MetaData, String, Table, func

from salesdomain.bounds import NAME_LENGTH
from salesdomain.contracts.contract import Contract, ContractStatus
from salesdomain.people.candidate import Candidate, CandidateStatus
from salesdomain.people.employee import Employee
from salesdomain.people.requisition import Requisition
from salesdomain.sop import Role

HANDLERS = Handlers[RowChange]()


def _contract(event: Contract.Event) -> dict[str, str]:
    return {"contract_id": str(event.originator_id)}


@HANDLERS.on(Contract.Drafted)
def _drafted(event: Contract.Drafted, position: int) -> list[RowChange]:
    row = {
        "revision": event.revision,
        "customer_id": str(event.customer_id),
        "customer_name": event.customer_name,
        "owner_id": str(event.owner_id),
        "status": ContractStatus.IN_REVIEW.value,
        "amount": event.amount.amount,
        "currency": event.amount.currency,
        "drafted_at": event.timestamp,
        "signed_on": None,
    }
    return [Upsert("contracts", _contract(event), row)]


@HANDLERS.on(Contract.Revised, Contract.Amended)
def _new_revision(event: Contract.Revised | Contract.Amended, position: int) -> list[RowChange]:
    row = {
        "revision": event.revision,
        "status": ContractStatus.IN_REVIEW.value,
        "amount": event.amount.amount,
        "currency": event.amount.currency,
    }
    return [Update("contracts", _contract(event), row)]


def _status(status: ContractStatus) -> dict[str, str]:
    return {"status": status.value}


@HANDLERS.on(Contract.ReviewFailed, Contract.Rejected)
def _returned(event: Contract.Event, position: int) -> list[RowChange]:
    return [Update("contracts", _contract(event), _status(ContractStatus.RETURNED))]


@HANDLERS.on(Contract.SubmittedForApproval)
def _submitted(event: Contract.SubmittedForApproval, position: int) -> list[RowChange]:
    return [Update("contracts", _contract(event), _status(ContractStatus.IN_APPROVAL))]


@HANDLERS.on(Contract.Approved)
def _approved(event: Contract.Approved, position: int) -> list[RowChange]:
    if event.next_level is not None:
        return []
    return [Update("contracts", _contract(event), _status(ContractStatus.APPROVED))]


@HANDLERS.on(Contract.Signed)
def _signed(event: Contract.Signed, position: int) -> list[RowChange]:
    row = {
        **_status(ContractStatus.SIGNED),
        "revision": event.revision,
        "amount": event.amount.amount,
        "currency": event.amount.currency,
        "signed_on": event.signed_on,
    }
    return [Update("contracts", _contract(event), row)]


# ---- people -------------------------------------------------------------------------------


def _roles(holder: str, roles: tuple[Role, ...], *, replace: bool = False) -> list[RowChange]:
    """``holder`` holds ``roles`` (``replace``: and no other)."""
    changes: list[RowChange] = [Update("roles", {"holder_id": holder}, {"held": False})]
    changes = changes if replace else []
    return changes + [
        Upsert("roles", {"holder_id": holder, "role": role.value}, {"held": True}) for role in roles
    ]


@HANDLERS.on(Requisition.Opened)
def _requisition(event: Requisition.Opened, position: int) -> list[RowChange]:
    key = str(event.originator_id)
    profile = event.profile
    row = {"position": profile.position, "team": profile.team}
    return [
        Upsert("requisitions", {"requisition_id": key}, row),
        *_roles(key, profile.roles.roles),
    ]


@HANDLERS.on(Candidate.Applied)
def _applied(event: Candidate.Applied, position: int) -> list[RowChange]:
    row = {
        "requisition_id": str(event.requisition_id),
        "channel": event.channel.value,
        "status": CandidateStatus.APPLIED.value,
        "applied_at": event.timestamp,
    }
    return [Upsert("candidates", {"candidate_id": str(event.originator_id)}, row)]


_CANDIDATE_STATUS = {
    Candidate.Selected: CandidateStatus.SELECTED,
    Candidate.Rejected: CandidateStatus.REJECTED,
    Candidate.OfferSent: CandidateStatus.OFFERED,
    Candidate.OfferAccepted: CandidateStatus.OFFER_ACCEPTED,
    Candidate.OfferDeclined: CandidateStatus.OFFER_DECLINED,
    Candidate.Hired: CandidateStatus.HIRED,
}


def _candidate(event: Candidate.Event, status: CandidateStatus) -> list[RowChange]:
    key = {"candidate_id": str(event.originator_id)}
    return [Update("candidates", key, {"status": status.value})]


@HANDLERS.on(Candidate.Screened)
def _screened(event: Candidate.Screened, position: int) -> list[RowChange]:
    passed = event.screening.passed
    return _candidate(
        event, CandidateStatus.SHORTLISTED if passed else CandidateStatus.SCREENED_OUT
    )


def _candidate_moved(event: Candidate.Event, position: int) -> list[RowChange]:
    return _candidate(event, _CANDIDATE_STATUS[type(event)])


HANDLERS.add(_CANDIDATE_STATUS, _candidate_moved)


@HANDLERS.on(Employee.Hired, Employee.Enrolled)
def _joined(event: Employee.Hired | Employee.Enrolled, position: int) -> list[RowChange]:
    key = str(event.originator_id)
    row = {"name": event.name, "position": event.position, "active": True}
    return [Upsert("employees", {"employee_id": key}, row), *_roles(key, event.roles.roles)]


@HANDLERS.on(Employee.PositionChanged)
def _moved(event: Employee.PositionChanged, position: int) -> list[RowChange]:
    key = {"employee_id": str(event.originator_id)}
    return [Update("employees", key, {"position": event.position})]


@HANDLERS.on(Employee.Promoted)
def _promoted(event: Employee.Promoted, position: int) -> list[RowChange]:
    key = str(event.originator_id)
    return [
        Update("employees", {"employee_id": key}, {"position": event.position}),
        *_roles(key, event.roles.roles, replace=True),
    ]


@HANDLERS.on(Employee.RoleGranted)
def _granted(event: Employee.RoleGranted, position: int) -> list[RowChange]:
    return _roles(str(event.originator_id), (event.role,))


@HANDLERS.on(Employee.RoleRevoked)
def _revoked(event: Employee.RoleRevoked, position: int) -> list[RowChange]:
    key = {"holder_id": str(event.originator_id), "role": event.role.value}
    return [Update("roles", key, {"held": False})]


@HANDLERS.on(Employee.Left)
def _left(event: Employee.Left, position: int) -> list[RowChange]:
    return [Update("employees", {"employee_id": str(event.originator_id)}, {"active": False})]


class Registers(Projection):
    """Contracts, candidates, requisitions, employees and the roles they hold: one row
    each, indexed by what their lists sort and filter by (``records``)."""

    name = "registers"
    version = 1
    rebuild_weight = 3

    def define(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        tables = Tables(metadata, prefix)
        contracts = tables.add(
            "contracts",
            Column("contract_id", String(36), primary_key=True),
            Column("revision", Integer, nullable=False),
            Column("customer_id", String(36), nullable=False),
            Column("customer_name", String(NAME_LENGTH), nullable=False),
            Column("owner_id", String(36), nullable=False),
            Column("status", String(20), nullable=False),
            Column("amount", money(), nullable=False),
            Column("currency", String(3), nullable=False),
            Column("drafted_at", UtcDateTime, nullable=False),
            Column("signed_on", Date),
        )
        candidates = tables.add(
            "candidates",
            Column("candidate_id", String(36), primary_key=True),
            Column("requisition_id", String(36), nullable=False),
            Column("channel", String(40), nullable=False),
            Column("status", String(20), nullable=False),
            Column("applied_at", UtcDateTime, nullable=False),
        )
        tables.add(
            "requisitions",
            Column("requisition_id", String(36), primary_key=True),
            Column("position", String(NAME_LENGTH), nullable=False),
            Column("team", String(NAME_LENGTH), nullable=False),
        )
        employees = tables.add(
            "employees",
            Column("employee_id", String(36), primary_key=True),
            Column("name", String(NAME_LENGTH), nullable=False),
            Column("position", String(NAME_LENGTH), nullable=False),
            Column("active", Boolean, nullable=False),
        )
        roles = tables.add(
            "roles",
            Column("holder_id", String(36), primary_key=True),
            Column("role", String(40), primary_key=True),
            Column("held", Boolean, nullable=False),
        )
        c = contracts.c
        tables.index("contracts_by_time", c.drafted_at, c.contract_id)
        tables.index("contracts_by_name", func.lower(c.customer_name), c.contract_id)
        tables.index("contracts_by_owner", c.owner_id, c.drafted_at)
        tables.index("contracts_by_customer", c.customer_id, c.drafted_at)
        tables.index("contracts_by_status", c.status, c.drafted_at)
        tables.index("candidates_by_time", candidates.c.applied_at, candidates.c.candidate_id)
        tables.index("candidates_by_requisition", candidates.c.requisition_id)
        tables.index("employees_by_name", func.lower(employees.c.name), employees.c.employee_id)
        tables.index("roles_by_role", roles.c.role, roles.c.holder_id)
        return tables.defined

    def changes(self, event: object, position: int) -> list[RowChange]:
        return HANDLERS.changes(event, position)
