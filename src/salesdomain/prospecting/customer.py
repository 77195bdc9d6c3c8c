"""Customer: an entry of the prospect database (SOP 2.1.2).

A company is registered once, from the channel it was found through; it is assessed
(need intent, purchasing power, decision process) and then qualified or disqualified
with a reason.  Only a qualified, active customer can have an opportunity opened (2.1.3).

Its record is kept up to date (issue 17) by its owner, the employee who registered it,
or a sales lead: details corrected with a reason, deactivated when the company is no
longer worked with and reactivated.  Company details are not personal data; its contact
persons are (ADR 13), and stay apart from them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.authority import SALES_LEADS, among, responsible_or_lead
from salesdomain.errors import SopRuleViolation
from salesdomain.personal import PersonalDataForgotten, erase
from salesdomain.policy import SalesPolicy
from salesdomain.prospecting.values import (
    Assessment,
    ContactPerson,
    ContactPersons,
    QualificationOverride,
    SourceChannel,
    contact_subject_id,
    customer_id_for,
    customer_key,
    name_claim_id_for,
)
from salesdomain.rules.customer_development import (
    CONTACT_PERSON_RECORDED_ONCE,
    CUSTOMER_CORRECTION_CHANGES_DETAILS,
    CUSTOMER_DEACTIVATED_ONCE,
    CUSTOMER_MERGED_INTO_ANOTHER_RECORD,
    CUSTOMER_REACTIVATED_WHEN_INACTIVE,
    MERGED_CUSTOMER_KEPT_AS_HISTORY,
    PROSPECT_DISQUALIFIED_ONCE,
    PROSPECT_QUALIFIED_AFTER_ASSESSMENT,
    PROSPECT_QUALIFIED_AS_POLICY_ALLOWS,
    PROSPECT_QUALIFIED_ONCE,
    QUALIFICATION_OVERRIDE_BY_AUTHORISED_ROLE,
)
from salesdomain.rules.data import CONTACT_FORGOTTEN_ONCE, ONLY_CUSTOMERS_CONTACT_FORGOTTEN
from salesdomain.sop import Role


class Customer(SopAggregate):
    class Event(SopAggregate.Event):
        SOP_STEP = "2.1.2"

    class Registered(Event, SopAggregate.Created):
        company_name: str
        registration_number: str
        natural_key: str
        region: str
        industry: str
        source_channel: SourceChannel
        contacts: ContactPersons

        def apply(self, customer: Customer) -> None:
            customer.company_name = self.company_name
            customer.registration_number = self.registration_number
            customer.natural_key = self.natural_key
            customer.region = self.region
            customer.industry = self.industry
            customer.source_channel = self.source_channel
            customer.contacts = list(self.contacts.people)
            customer.registered_by = self.actor.employee_id
            customer.assessment = None
            customer.qualified = None
            customer.reason = ""

    class Imported(Registered):
        """Taken over from an existing customer list (SOP 4.1.2), naming file and line."""

        SOP_STEP = "4.1.2"
        imported_from: str
        line: int

    class ContactPersonAdded(Event):
        person: ContactPerson

        def apply(self, customer: Customer) -> None:
            customer.contacts.append(self.person)

    class ContactPersonForgotten(Event, PersonalDataForgotten):
        """A contact person's personal data forgotten on request (SOP 4.1.2, ADR 13)."""

        SOP_STEP = "4.1.2"
        subject_id: UUID
        reason: str
        requested_by: str

        def apply(self, customer: Customer) -> None:
            customer.contacts = erase(customer.contacts, {self.subject_id})

    class Assessed(Event):
        assessment: Assessment

        def apply(self, customer: Customer) -> None:
            customer.assessment = self.assessment

    class Qualified(Event):
        class_version: ClassVar[int] = 2
        reason: str
        company_name: str
        assessment: Assessment | None
        """The assessment qualified (``None`` only in version 1)."""
        override: QualificationOverride | None
        """Who approved qualifying an assessment the policy does not allow, and why."""
        policy_version: str | None
        """The policy the assessment was judged under (``None`` only in version 1)."""

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 did not judge the assessment against a policy: no override, and
            the company and assessment are on earlier events only."""
            state.update(company_name="", assessment=None, override=None, policy_version=None)

        def apply(self, customer: Customer) -> None:
            customer.qualified = True
            customer.reason = self.reason

    class Disqualified(Event):
        reason: str

        def apply(self, customer: Customer) -> None:
            customer.qualified = False
            customer.reason = self.reason
            customer.assessment = None

    class DetailsCorrected(Event):
        """The company's details as corrected (all of them, changed or not), and why."""

        company_name: str
        region: str
        industry: str
        reason: str

        def apply(self, customer: Customer) -> None:
            customer.company_name = self.company_name
            customer.region = self.region
            customer.industry = self.industry

    class Deactivated(Event):
        """No longer worked with: no new opportunity until reactivated."""

        reason: str

        def apply(self, customer: Customer) -> None:
            customer.active = False
            customer.deactivation_reason = self.reason

    class Reactivated(Event):
        reason: str

        def apply(self, customer: Customer) -> None:
            customer.active = True
            customer.deactivation_reason = ""

    class MergedInto(Event):
        """Found to be the same company as another record, the survivor: this record is
        kept as it was, linked to it, and its company's work goes on there."""

        survivor_id: UUID
        survivor_name: str
        reason: str

        def apply(self, customer: Customer) -> None:
            customer.merged_into = self.survivor_id

    class Absorbed(Event):
        """Another record of the same company was merged into this one (its history
        stays on it, linked here)."""

        duplicate_id: UUID
        duplicate_name: str
        reason: str

        def apply(self, customer: Customer) -> None:
            customer.absorbed = (*customer.absorbed, self.duplicate_id)

    merged_into: UUID | None = None
    """The record this one was merged into (a class default, as ``active``)."""
    absorbed: tuple[UUID, ...] = ()
    """The records merged into this one."""

    active = True
    """Until deactivated (a class default: records and snapshots made before issue 17
    hold no such attribute and were all active)."""
    deactivation_reason = ""

    if TYPE_CHECKING:
        company_name: str
        registration_number: str
        natural_key: str
        region: str
        industry: str
        source_channel: SourceChannel
        contacts: list[ContactPerson]
        registered_by: UUID
        assessment: Assessment | None
        qualified: bool | None
        reason: str

    @staticmethod
    def id_for(company_name: str, registration_number: str = "") -> UUID:
        """The one id a company can have: from its registration number, else its name."""
        return customer_id_for(customer_key(company_name, registration_number))

    @classmethod
    def register(
        cls,
        evidence: Evidence,
        *,
        company_name: str,
        registration_number: str,
        region: str,
        industry: str,
        source_channel: SourceChannel,
        contacts: ContactPersons,
    ) -> Customer:
        key = customer_key(company_name, registration_number)
        customer_id = customer_id_for(key)
        people = tuple(
            person.of_subject(contact_subject_id(customer_id, index))
            for index, person in enumerate(contacts.people)
        )
        return cls._start(
            cls.Registered,
            evidence,
            id=customer_id,
            company_name=company_name,
            registration_number=registration_number,
            natural_key=key,
            region=region,
            industry=industry,
            source_channel=source_channel,
            contacts=ContactPersons(people=people),
        )

    @classmethod
    def imported(
        cls,
        evidence: Evidence,
        *,
        company_name: str,
        registration_number: str,
        region: str,
        industry: str,
        source_channel: SourceChannel,
        imported_from: str,
        line: int,
    ) -> Customer:
        """A customer taken over from an existing list (SOP 4.1.2)."""
        key = customer_key(company_name, registration_number)
        return cls._start(
            cls.Imported,
            evidence,
            id=customer_id_for(key),
            company_name=company_name,
            registration_number=registration_number,
            natural_key=key,
            region=region,
            industry=industry,
            source_channel=source_channel,
            contacts=ContactPersons(),
            imported_from=imported_from,
            line=line,
        )

    def add_contact_person(self, evidence: Evidence, person: ContactPerson) -> None:
        self._still_kept()
        known = (p for p in self.contacts if not p.erased)
        if any(p.name.casefold() == person.name.casefold() for p in known):
            raise SopRuleViolation(
                CONTACT_PERSON_RECORDED_ONCE,
                f"{person.name} is already a contact of {self.company_name}",
            )
        subject = contact_subject_id(self.id, len(self.contacts))
        self._record(self.ContactPersonAdded, evidence, person=person.of_subject(subject))

    def forget_contact_person(
        self, evidence: Evidence, subject_id: UUID, *, reason: str, requested_by: str
    ) -> None:
        """Record that a contact person's personal data is forgotten on request; the
        adapters then destroy the key it was stored under (ADR 13)."""
        person = next((p for p in self.contacts if p.subject_id == subject_id), None)
        if person is None:
            raise SopRuleViolation(
                ONLY_CUSTOMERS_CONTACT_FORGOTTEN,
                f"{subject_id} is not a contact person of {self.company_name}",
            )
        if person.erased:
            raise SopRuleViolation(
                CONTACT_FORGOTTEN_ONCE, f"{subject_id} of {self.company_name} was already forgotten"
            )
        self._record(
            self.ContactPersonForgotten,
            evidence,
            subject_id=subject_id,
            reason=reason,
            requested_by=requested_by,
        )

    def assess(self, evidence: Evidence, assessment: Assessment) -> None:
        self._still_kept()
        self._record(self.Assessed, evidence, assessment=assessment)

    def qualify(
        self,
        evidence: Evidence,
        reason: str,
        *,
        override: QualificationOverride | None = None,
        policy: SalesPolicy,
    ) -> None:
        """Qualify the assessed prospect; an assessment the policy does not allow needs
        ``override``, approved by someone else under a role the policy names (whom the
        handler has found active in that role)."""
        self._still_kept()
        if self.qualified is True:
            raise SopRuleViolation(PROSPECT_QUALIFIED_ONCE, self.company_name)
        if self.assessment is None:
            raise SopRuleViolation(PROSPECT_QUALIFIED_AFTER_ASSESSMENT, self.company_name)
        rules = policy.qualification
        if rules.allows(self.assessment):
            override = None  # nothing to override
        elif override is None:
            raise SopRuleViolation(
                PROSPECT_QUALIFIED_AS_POLICY_ALLOWS,
                f"{self.company_name} was assessed need intent "
                f"{self.assessment.need_intent.value}, purchasing power "
                f"{self.assessment.purchasing_power.value}; policy {policy.version} does not "
                "qualify that without an approved override",
            )
        else:
            _authorised(override, evidence, rules.override_approvers)
        self._record(
            self.Qualified,
            evidence,
            reason=reason,
            company_name=self.company_name,
            assessment=self.assessment,
            override=override,
            policy_version=policy.version,
        )

    def disqualify(self, evidence: Evidence, reason: str) -> None:
        self._still_kept()
        if self.qualified is False:
            raise SopRuleViolation(PROSPECT_DISQUALIFIED_ONCE, self.company_name)
        self._record(self.Disqualified, evidence, reason=reason)

    @property
    def is_qualified(self) -> bool:
        return self.qualified is True

    # ---- keeping the record up to date (issue 17) ---------------------------------------

    def _still_kept(self) -> None:
        """A record merged into another is history: nothing more is recorded on it."""
        if self.merged_into is not None:
            raise SopRuleViolation(
                MERGED_CUSTOMER_KEPT_AS_HISTORY,
                f"{self.company_name} was merged into customer {self.merged_into}: work on "
                "that record",
            )

    def _kept_by_owner_or_lead(self, evidence: Evidence) -> None:
        self._still_kept()
        responsible_or_lead(
            evidence.actor,
            self.registered_by,
            SALES_LEADS,
            "2.1.2",
            f"only the owner of {self.company_name} (who registered it) or a sales lead "
            "keeps its record",
        )

    def correct_details(
        self,
        evidence: Evidence,
        *,
        company_name: str | None,
        region: str | None,
        industry: str | None,
        reason: str,
    ) -> None:
        """Correct the details given (``None``: kept as they are).  A new name must not
        be another registered company's: the handler checks its claim (ADR 5)."""
        self._kept_by_owner_or_lead(evidence)
        corrected = (
            company_name or self.company_name,
            region or self.region,
            industry or self.industry,
        )
        if corrected == (self.company_name, self.region, self.industry):
            raise SopRuleViolation(
                CUSTOMER_CORRECTION_CHANGES_DETAILS,
                f"the details given are those {self.company_name} already has",
            )
        name, region, industry = corrected
        self._record(
            self.DetailsCorrected,
            evidence,
            company_name=name,
            region=region,
            industry=industry,
            reason=reason,
        )

    def deactivate(self, evidence: Evidence, reason: str) -> None:
        self._kept_by_owner_or_lead(evidence)
        if not self.active:
            raise SopRuleViolation(
                CUSTOMER_DEACTIVATED_ONCE,
                f"{self.company_name} is already inactive: {self.deactivation_reason}",
            )
        self._record(self.Deactivated, evidence, reason=reason)

    def merge_into(self, evidence: Evidence, survivor: Customer, reason: str) -> None:
        """Merge this record into ``survivor``, another record of the same company: each
        records the other (``MergedInto`` here, ``Absorbed`` there); nothing is deleted.
        A sales lead decides it."""
        among(evidence.actor, SALES_LEADS, "2.1.2", "may not merge customer records; that is for ")
        if survivor.id == self.id:
            raise SopRuleViolation(
                CUSTOMER_MERGED_INTO_ANOTHER_RECORD, f"{self.company_name} is the same record"
            )
        self._still_kept()
        survivor._still_kept()
        if self.absorbed:
            raise SopRuleViolation(
                MERGED_CUSTOMER_KEPT_AS_HISTORY,
                f"{len(self.absorbed)} record(s) were merged into {self.company_name}: merge "
                f"{survivor.company_name} into it instead",
            )
        self._record(
            self.MergedInto,
            evidence,
            survivor_id=survivor.id,
            survivor_name=survivor.company_name,
            reason=reason,
        )
        survivor._record(
            survivor.Absorbed,
            evidence,
            duplicate_id=self.id,
            duplicate_name=self.company_name,
            reason=reason,
        )

    def reactivate(self, evidence: Evidence, reason: str) -> None:
        self._kept_by_owner_or_lead(evidence)
        if self.active:
            raise SopRuleViolation(
                CUSTOMER_REACTIVATED_WHEN_INACTIVE, f"{self.company_name} is active"
            )
        self._record(self.Reactivated, evidence, reason=reason)


def _authorised(
    override: QualificationOverride, evidence: Evidence, approvers: frozenset[Role]
) -> None:
    if override.approver_role not in approvers:
        allowed = ", ".join(sorted(r.label for r in approvers)) or "no role"
        raise SopRuleViolation(
            QUALIFICATION_OVERRIDE_BY_AUTHORISED_ROLE,
            f"a {override.approver_role.label} may not approve it; the policy names {allowed}",
        )
    if override.approved_by == evidence.actor.employee_id:
        raise SopRuleViolation(
            QUALIFICATION_OVERRIDE_BY_AUTHORISED_ROLE,
            f"{evidence.actor.name or override.approver_name} cannot approve their own "
            "qualification",
        )


class CustomerNameClaim(SopAggregate):
    """Reserves a normalised company name, so the same company is found again even
    when it is registered once with and once without its registration number."""

    SNAPSHOT_INTERVAL: ClassVar[int | None] = None  # bounded: one event, the claim of a name

    class Event(SopAggregate.Event):
        SOP_STEP = "2.1.2"

    class Claimed(Event, SopAggregate.Created):
        customer_id: UUID
        company_name: str

        def apply(self, claim: CustomerNameClaim) -> None:
            claim.customer_id = self.customer_id
            claim.company_name = self.company_name

    if TYPE_CHECKING:
        customer_id: UUID
        company_name: str

    @classmethod
    def claim(cls, evidence: Evidence, customer: Customer) -> CustomerNameClaim:
        return cls._start(
            cls.Claimed,
            evidence,
            id=name_claim_id_for(customer.company_name),
            case_id=customer.id,
            customer_id=customer.id,
            company_name=customer.company_name,
        )
