"""Contract: from the accepted quote to a signed, archived agreement (SOP 2.4).

2.4.1 legal drafts the contract from the accepted quote; sales reviews every
difference from that quote (and company policy); what does not pass goes back to
legal, whose revision gets a new number.  2.4.2 a revision that passed review goes
to the approval chain the authority matrix gives its amount (converted to the reporting
currency at the rate of the day where the matrix has no tiers for its currency, ADR
48); the levels approve in
order (a higher role may stand in for a lower level), each by another person and none
by someone who drafted or reviewed any revision or owns the deal; a rejection sends it
back for revision.  A revision at any point before signing starts review and approval
afresh.  2.4.3 only the fully approved current revision is
signed, for the company by an employee whose role's signing authority covers its amount
in the reporting currency; a signed contract is never changed, only amended by a new
revision that is reviewed, approved and signed again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.contracts.policy import level_rank
from salesdomain.contracts.values import (
    ApprovalChain,
    ArchivedDocument,
    ContractClauses,
    Differences,
    OurSignatory,
    ReviewIssues,
    Signatory,
    SigningAuthority,
    contract_claim_id_for,
    contract_terms,
    differences_between,
)
from salesdomain.currencies import RateUsed
from salesdomain.errors import NotAuthorised, SopRuleViolation
from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.opportunities.values import QuoteLine, QuoteTerms
from salesdomain.policy import SalesPolicy
from salesdomain.rules.contract import (
    APPROVAL_AFTER_SALES_REVIEW,
    CONTRACT_CHAIN_BY_AUTHORITY_MATRIX,
    CONTRACT_FROM_ACCEPTED_QUOTE,
    CONTRACT_SIGNATORY_HAS_AUTHORITY,
    CONTRACT_SIGNED_WHEN_FULLY_APPROVED,
    DIFFERENCES_EXPLAINED,
    ONE_CONTRACT_PER_OPPORTUNITY,
    ONLY_SIGNED_CONTRACT_AMENDED,
    REVISION_REVIEWED_ONCE,
    SIGNED_AFTER_APPROVAL,
    SIGNED_CONTRACT_UNCHANGED,
    SIGNING_RECORDED_ONCE_HAPPENED,
)
from salesdomain.sop import Role
from salesdomain.values import Money

_REVIEWING_LEADS = frozenset({Role.SALES_SUPERVISOR, Role.SALES_MANAGER, Role.SALES_DIRECTOR})


class ContractStatus(Enum):
    """Where the current revision stands (state, not stored in events)."""

    IN_REVIEW = "in review"  # drafted, revised or amended: sales reviews it (2.4.1)
    RETURNED = "returned to legal"  # failed review or rejected: legal revises it
    IN_APPROVAL = "in approval"  # passed review: the chain approves it (2.4.2)
    APPROVED = "approved"  # every level approved: it may be signed (2.4.3)
    SIGNED = "signed"  # signed and archived: only an amendment changes it


@dataclass(frozen=True)
class Revision:
    """One revision of the contract as it stands (state, not an event)."""

    number: int
    clauses: ContractClauses
    terms: QuoteTerms
    differences: Differences
    drafted_by: UUID


@dataclass(frozen=True)
class TermChanges:
    """What a draft, revision or amendment changes of the terms it starts from."""

    lines: tuple[QuoteLine, ...] | None = None
    payment_terms: str | None = None
    delivery_date: date | None = None

    def applied_to(self, base: QuoteTerms) -> QuoteTerms:
        return contract_terms(
            base,
            lines=self.lines,
            payment_terms=self.payment_terms,
            delivery_date=self.delivery_date,
        )


class Contract(SopAggregate):
    class Event(SopAggregate.Event):
        pass

    class Drafted(Event, SopAggregate.Created):
        SOP_STEP = "2.4.1"
        opportunity_id: UUID
        quote_version: int
        quote: QuoteTerms
        customer_id: UUID
        customer_name: str
        owner_id: UUID
        revision: int
        clauses: ContractClauses
        terms: QuoteTerms
        amount: Money
        differences: Differences

        def apply(self, contract: Contract) -> None:
            contract.opportunity_id = self.opportunity_id
            contract.quote_version = self.quote_version
            contract.quote = self.quote
            contract.customer_id = self.customer_id
            contract.customer_name = self.customer_name
            contract.owner_id = self.owner_id
            contract.revisions = []
            contract.drafters = frozenset()
            contract.reviewers = frozenset()
            contract.signed_revision = None
            contract.drafted_event_id = self.event_id
            _start_revision(contract, self)

    class Revised(Event):
        SOP_STEP = "2.4.1"
        revision: int
        clauses: ContractClauses
        terms: QuoteTerms
        amount: Money
        differences: Differences

        def apply(self, contract: Contract) -> None:
            _start_revision(contract, self)

    class Amended(Event):
        SOP_STEP = "2.4.1"
        revision: int
        amends: int
        reason: str
        clauses: ContractClauses
        terms: QuoteTerms
        amount: Money
        differences: Differences

        def apply(self, contract: Contract) -> None:
            _start_revision(contract, self)

    class ReviewPassed(Event):
        SOP_STEP = "2.4.1"
        revision: int
        differences: Differences
        """Every difference from the accepted quote, each with the reviewer's explanation."""

        def apply(self, contract: Contract) -> None:
            contract.reviewers = contract.reviewers | {self.actor.employee_id}

    class ReviewFailed(Event):
        SOP_STEP = "2.4.1"
        revision: int
        differences: Differences
        """Every difference, explained where the reviewer gave an explanation."""
        issues: ReviewIssues

        def apply(self, contract: Contract) -> None:
            contract.reviewers = contract.reviewers | {self.actor.employee_id}
            contract.status = ContractStatus.RETURNED

    class SubmittedForApproval(Event):
        SOP_STEP = "2.4.2"
        class_version: ClassVar[int] = 2
        revision: int
        amount: Money
        judged_amount: Money
        """The amount the authority matrix judged: ``amount`` itself where the matrix has
        tiers for its currency, otherwise ``amount`` in the reporting currency."""
        exchange_rate: RateUsed | None
        """The rate ``amount`` was converted with (``None``: not converted)."""
        chain: ApprovalChain
        policy_version: str
        due_by: datetime
        """When the first level's turn ends (the approval turnaround)."""

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 judged every contract in its own currency: nothing converted."""
            state.update(judged_amount=state["amount"], exchange_rate=None)

        def apply(self, contract: Contract) -> None:
            contract.status = ContractStatus.IN_APPROVAL
            contract.chain = self.chain.levels
            contract.approvals = ()
            contract.due_by = self.due_by

    class Approved(Event):
        SOP_STEP = "2.4.2"
        revision: int
        level: Role
        position: int
        """This level's place in the chain, from 1."""
        of_levels: int
        comments: str
        policy_version: str
        next_level: Role | None
        due_by: datetime | None
        """When the next level's turn ends; ``None`` once fully approved."""

        def apply(self, contract: Contract) -> None:
            contract.approvals = (*contract.approvals, (self.level, self.actor.employee_id))
            contract.due_by = self.due_by
            if self.next_level is None:
                contract.status = ContractStatus.APPROVED
                contract.approved_on = self.timestamp.date()

    class Rejected(Event):
        SOP_STEP = "2.4.2"
        revision: int
        level: Role
        position: int
        comments: str
        policy_version: str

        def apply(self, contract: Contract) -> None:
            contract.status = ContractStatus.RETURNED
            contract.due_by = None

    class Signed(Event):
        SOP_STEP = "2.4.3"
        revision: int
        amends: int | None
        """The signed revision this one replaces, if it is an amendment."""
        opportunity_id: UUID
        customer_id: UUID
        customer_name: str
        owner_id: UUID
        terms: QuoteTerms
        amount: Money
        our_signatory: OurSignatory | Signatory
        """The employee who signed for the company (free text only in version 1)."""
        signing_authority: SigningAuthority | None
        """The authority they signed under (``None`` only in version 1: not judged)."""
        customer_signatory: Signatory
        document: ArchivedDocument
        signed_on: date
        class_version: ClassVar[int] = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 took our signatory as free text (name, title, authority) and
            judged no signing authority."""
            state.update(signing_authority=None)

        def apply(self, contract: Contract) -> None:
            contract.status = ContractStatus.SIGNED
            contract.signed_revision = self.revision

    if TYPE_CHECKING:
        opportunity_id: UUID
        quote_version: int
        quote: QuoteTerms
        customer_id: UUID
        customer_name: str
        owner_id: UUID
        revisions: list[Revision]
        status: ContractStatus
        drafters: frozenset[UUID]
        reviewers: frozenset[UUID]
        chain: tuple[Role, ...]
        approvals: tuple[tuple[Role, UUID], ...]
        due_by: datetime | None
        approved_on: date | None
        signed_revision: int | None
        drafted_event_id: UUID

    # ---- 2.4.1 Draft and review -----------------------------------------------------

    @classmethod
    def draft(
        cls,
        evidence: Evidence,
        *,
        contract_id: UUID,
        opportunity: Opportunity,
        clauses: ContractClauses,
        changes: TermChanges,
        drafted_already: UUID | None,
    ) -> Contract:
        _legal_only(evidence, "drafts")
        accepted = opportunity.accepted_quote
        if accepted is None:
            raise SopRuleViolation(
                CONTRACT_FROM_ACCEPTED_QUOTE,
                f"opportunity '{opportunity.title}' is {opportunity.stage.value}",
            )
        if drafted_already is not None:
            raise SopRuleViolation(
                ONE_CONTRACT_PER_OPPORTUNITY, f"contract {drafted_already} was drafted already"
            )
        terms = changes.applied_to(accepted.terms)
        return cls._start(
            cls.Drafted,
            evidence,
            id=contract_id,
            case_id=opportunity.case_id,
            caused_by=opportunity.accepted_event_id,
            opportunity_id=opportunity.id,
            quote_version=accepted.version,
            quote=accepted.terms,
            customer_id=opportunity.customer_id,
            customer_name=opportunity.customer_name,
            owner_id=opportunity.owner_id,
            revision=1,
            clauses=clauses,
            terms=terms,
            amount=terms.amount,
            differences=differences_between(accepted.terms, terms),
        )

    def review(
        self,
        evidence: Evidence,
        *,
        explanations: dict[str, str],
        issues: tuple[str, ...],
        policy: SalesPolicy,
        now: datetime,
    ) -> None:
        self._ensure_unsigned("2.4.1")
        reviewer = evidence.actor
        if reviewer.role is Role.LEGAL:
            raise NotAuthorised("2.4.1", str(reviewer), "drafts contracts; sales reviews them")
        if reviewer.employee_id != self.owner_id and reviewer.role not in _REVIEWING_LEADS:
            raise NotAuthorised(
                "2.4.1", str(reviewer), "does not own the opportunity and is not a sales lead"
            )
        if self.status is not ContractStatus.IN_REVIEW:
            raise SopRuleViolation(
                REVISION_REVIEWED_ONCE, f"revision {self.revision} is {self.status.value}"
            )
        current = self.current
        unknown = sorted(set(explanations) - set(current.differences.fields))
        if unknown:
            raise SopRuleViolation(
                DIFFERENCES_EXPLAINED,
                f"revision {self.revision} does not differ in: {', '.join(unknown)}",
            )
        reviewed = current.differences.explained(explanations)
        if reviewed.unexplained or issues:
            self._record(
                self.ReviewFailed,
                evidence,
                revision=current.number,
                differences=reviewed,
                issues=ReviewIssues(items=issues),
            )
            return
        chain, judged = policy.contract_chain(current.terms.amount, now.date())
        if chain is None:
            raise SopRuleViolation(
                CONTRACT_CHAIN_BY_AUTHORITY_MATRIX,
                f"the matrix has no tiers for {judged.amount.currency}",
            )
        self._record(self.ReviewPassed, evidence, revision=current.number, differences=reviewed)
        self._record(
            self.SubmittedForApproval,
            evidence,
            revision=current.number,
            amount=current.terms.amount,
            judged_amount=judged.amount,
            exchange_rate=judged.rate,
            chain=ApprovalChain(levels=chain),
            policy_version=policy.version,
            due_by=now + _turnaround(policy),
        )

    def revise(self, evidence: Evidence, *, clauses: ContractClauses, changes: TermChanges) -> None:
        _legal_only(evidence, "revises")
        self._ensure_unsigned("2.4.1")
        terms = changes.applied_to(self.current_terms)
        self._record(
            self.Revised,
            evidence,
            revision=self.revision + 1,
            clauses=clauses,
            terms=terms,
            amount=terms.amount,
            differences=differences_between(self.quote, terms),
        )

    def amend(
        self,
        evidence: Evidence,
        *,
        clauses: ContractClauses,
        changes: TermChanges,
        reason: str,
    ) -> None:
        _legal_only(evidence, "amends")
        if self.status is not ContractStatus.SIGNED:
            raise SopRuleViolation(
                ONLY_SIGNED_CONTRACT_AMENDED, f"revision {self.revision} is {self.status.value}"
            )
        terms = changes.applied_to(self.current_terms)
        self._record(
            self.Amended,
            evidence,
            revision=self.revision + 1,
            amends=self.revision,
            reason=reason,
            clauses=clauses,
            terms=terms,
            amount=terms.amount,
            differences=differences_between(self.quote, terms),
        )

    # ---- 2.4.2 Approve --------------------------------------------------------------

    def approve(
        self, evidence: Evidence, *, comments: str, policy: SalesPolicy, now: datetime
    ) -> None:
        level, position = self._may_decide(evidence, "approve")
        following = self.chain[position] if position < len(self.chain) else None
        self._record(
            self.Approved,
            evidence,
            revision=self.revision,
            level=level,
            position=position,
            of_levels=len(self.chain),
            comments=comments,
            policy_version=policy.version,
            next_level=following,
            due_by=None if following is None else now + _turnaround(policy),
        )

    def reject(self, evidence: Evidence, *, comments: str, policy: SalesPolicy) -> None:
        level, position = self._may_decide(evidence, "reject")
        self._record(
            self.Rejected,
            evidence,
            revision=self.revision,
            level=level,
            position=position,
            comments=comments,
            policy_version=policy.version,
        )

    # ---- 2.4.3 Sign -----------------------------------------------------------------

    def sign(
        self,
        evidence: Evidence,
        *,
        our_signatory: OurSignatory,
        customer_signatory: Signatory,
        document: ArchivedDocument,
        signed_on: date,
        today: date,
        policy: SalesPolicy,
    ) -> None:
        self._ensure_unsigned("2.4.3")
        if self.status is not ContractStatus.APPROVED:
            raise SopRuleViolation(
                CONTRACT_SIGNED_WHEN_FULLY_APPROVED,
                f"revision {self.revision} is {self.status.value}",
            )
        if signed_on > today:
            raise SopRuleViolation(SIGNING_RECORDED_ONCE_HAPPENED, f"{signed_on} is in the future")
        if self.approved_on is not None and signed_on < self.approved_on:
            raise SopRuleViolation(
                SIGNED_AFTER_APPROVAL, f"signed on {signed_on}, approved on {self.approved_on}"
            )
        current = self.current
        authority = _signing_authority(our_signatory, current.terms.amount, signed_on, policy)
        self._record(
            self.Signed,
            evidence,
            revision=current.number,
            amends=self.signed_revision,
            opportunity_id=self.opportunity_id,
            customer_id=self.customer_id,
            customer_name=self.customer_name,
            owner_id=self.owner_id,
            terms=current.terms,
            amount=current.terms.amount,
            our_signatory=our_signatory,
            signing_authority=authority,
            customer_signatory=customer_signatory,
            document=document,
            signed_on=signed_on,
        )

    # ---- reading --------------------------------------------------------------------

    @property
    def current(self) -> Revision:
        return self.revisions[-1]

    @property
    def revision(self) -> int:
        """The current revision's number (1 for the first draft)."""
        return self.current.number

    @property
    def current_terms(self) -> QuoteTerms:
        return self.current.terms

    @property
    def amount(self) -> Money:
        return self.current.terms.amount

    @property
    def is_signed(self) -> bool:
        """Whether the current revision is signed (an amendment under way is not)."""
        return self.status is ContractStatus.SIGNED

    @property
    def next_level(self) -> Role | None:
        """The level whose approval the current revision waits for, if it is in approval."""
        if self.status is not ContractStatus.IN_APPROVAL:
            return None
        return self.chain[len(self.approvals)]

    # ---- rules shared by the steps --------------------------------------------------

    def _ensure_unsigned(self, code: str) -> None:
        if self.status is ContractStatus.SIGNED:
            raise SopRuleViolation(
                SIGNED_CONTRACT_UNCHANGED, f"revision {self.revision} is signed", at_step=code
            )

    def _may_decide(self, evidence: Evidence, verb: str) -> tuple[Role, int]:
        """The level the actor decides at and its position in the chain, if they may."""
        self._ensure_unsigned("2.4.2")
        if self.status is not ContractStatus.IN_APPROVAL:
            raise SopRuleViolation(
                APPROVAL_AFTER_SALES_REVIEW,
                f"there is nothing to {verb}: revision {self.revision} is {self.status.value}",
            )
        approver = evidence.actor
        level = self.chain[len(self.approvals)]
        if level_rank(approver.role) < level_rank(level):
            raise NotAuthorised(
                "2.4.2",
                str(approver),
                f"is below the level whose turn it is: a {level.label} or higher decides",
            )
        who = approver.employee_id
        if who == self.owner_id:
            raise NotAuthorised(
                "2.4.2", str(approver), "owns the opportunity and cannot approve its contract"
            )
        if who in self.drafters:
            raise NotAuthorised("2.4.2", str(approver), "drafted this contract")
        if who in self.reviewers:
            raise NotAuthorised("2.4.2", str(approver), "reviewed this contract")
        if any(approved_by == who for _level, approved_by in self.approvals):
            raise NotAuthorised(
                "2.4.2",
                str(approver),
                "already approved this revision at another level; each level is another person",
            )
        return level, len(self.approvals) + 1


class ContractClaim(SopAggregate):
    """Reserves a won opportunity for its one contract: a second draft is refused."""

    # bounded by construction: one event, the claim of an opportunity's contract
    SNAPSHOT_INTERVAL: ClassVar[int | None] = None

    class Event(SopAggregate.Event):
        SOP_STEP = "2.4.1"

    class Claimed(Event, SopAggregate.Created):
        contract_id: UUID
        opportunity_id: UUID

        def apply(self, claim: ContractClaim) -> None:
            claim.contract_id = self.contract_id
            claim.opportunity_id = self.opportunity_id

    if TYPE_CHECKING:
        contract_id: UUID
        opportunity_id: UUID

    @classmethod
    def claim(cls, evidence: Evidence, contract: Contract) -> ContractClaim:
        return cls._start(
            cls.Claimed,
            evidence,
            id=contract_claim_id_for(contract.opportunity_id),
            case_id=contract.case_id,
            caused_by=contract.drafted_event_id,
            contract_id=contract.id,
            opportunity_id=contract.opportunity_id,
        )


def _start_revision(
    contract: Contract,
    event: Contract.Drafted | Contract.Revised | Contract.Amended,
) -> None:
    """A new revision: reviewed and approved from scratch."""
    drafted_by = event.actor.employee_id
    revision = Revision(event.revision, event.clauses, event.terms, event.differences, drafted_by)
    contract.revisions.append(revision)
    contract.drafters = contract.drafters | {drafted_by}
    contract.status = ContractStatus.IN_REVIEW
    contract.chain = ()
    contract.approvals = ()
    contract.due_by = None
    contract.approved_on = None


def _signing_authority(
    signatory: OurSignatory, amount: Money, signed_on: date, policy: SalesPolicy
) -> SigningAuthority:
    """The authority ``signatory`` signs a contract of ``amount`` under on ``signed_on``:
    their role's signing limit against the amount in the reporting currency."""
    may_sign, limit = policy.contracts.signing_limit(signatory.role)
    who = signatory.name or str(signatory.employee_id)
    if not may_sign:
        raise SopRuleViolation(
            CONTRACT_SIGNATORY_HAS_AUTHORITY,
            f"{who} signs as {signatory.role.label}, a role without signing authority "
            f"in policy {policy.version}",
        )
    judged = policy.in_reporting_currency(amount, signed_on, at_step="2.4.3")
    currency = policy.currencies.reporting_currency
    up_to = None if limit is None else Money(amount=limit, currency=currency)
    if up_to is not None and up_to < judged.amount:
        raise SopRuleViolation(
            CONTRACT_SIGNATORY_HAS_AUTHORITY,
            f"{who} signs as {signatory.role.label}, authorised up to {up_to.amount:,.2f} "
            f"{currency}; the contract is {judged.amount.amount:,.2f} {currency}",
        )
    return SigningAuthority(
        role=signatory.role,
        up_to=up_to,
        judged_amount=judged.amount,
        exchange_rate=judged.rate,
        policy_version=policy.version,
    )


def _legal_only(evidence: Evidence, verb: str) -> None:
    if evidence.actor.role is not Role.LEGAL:
        raise NotAuthorised(
            "2.4.1", str(evidence.actor), f"is not legal; legal {verb} contracts, sales reviews"
        )


def _turnaround(policy: SalesPolicy) -> timedelta:
    return timedelta(days=policy.contracts.approval_turnaround_days)
