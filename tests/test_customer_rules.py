"""Customer development (SOP 2.1.1 market research, 2.1.2 prospect screening)."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import pytest
from freezegun import freeze_time

from salesdomain.commands import build_command
from salesdomain.errors import AlreadyRegistered, InvalidCommand, NotAuthorised
from salesdomain.people.values import Period
from salesdomain.policy import SalesPolicy
from salesdomain.prospecting import commands as pc
from salesdomain.prospecting.customer import Customer, CustomerNameClaim
from salesdomain.prospecting.market_research import MAX_MARKET_SIZES, MarketResearch
from salesdomain.prospecting.policy import AssessedAs, QualificationPolicy
from salesdomain.prospecting.values import (
    CompetitorPrice,
    ContactPerson,
    Findings,
    Level,
    MarketDimension,
    MarketSize,
    QualificationOverride,
    ResearchSubject,
    SourceChannel,
    contact_subject_id,
    name_claim_id_for,
)
from salesdomain.sop import Role
from salesdomain.values import Actor, Money
from tests import builders as b
from tests.spec import events_after, log_position, reloaded_as_version_1

FROZEN = "2026-03-02 09:00:00+00:00"


# ---- 2.1.2 registering a prospect ------------------------------------------------------


@freeze_time(FROZEN)
def test_register_records_the_customer_and_its_name_claim_with_the_source_channel(spec):
    reg = b.register(source_channel=SourceChannel.REFERRAL)
    registered, claimed = spec.when(reg, b.ALICE).then(
        "Customer.Registered", "CustomerNameClaim.Claimed"
    )
    assert registered.source_channel is SourceChannel.REFERRAL
    assert registered.sop_step == claimed.sop_step == "2.1.2"
    assert claimed.customer_id == registered.originator_id == b.customer_id(reg)
    customer = spec.app.load(Customer, b.customer_id(reg))
    assert customer.source_channel is SourceChannel.REFERRAL
    [contact] = customer.contacts
    assert contact == ContactPerson(
        name="Chen Wei",
        title="Purchasing Manager",
        subject_id=contact_subject_id(customer.id, 0),
    )
    assert spec.app.load(CustomerNameClaim, name_claim_id_for(reg.company_name)).customer_id == (
        customer.id
    )


ACME, ACME_NO = ("ACME Co., Ltd.", ""), ("ACME Co., Ltd.", "91330100MA27XX9999")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param(
            ("Hangzhou Precision Co., Ltd.", "91330100MA27XX1234"),
            ("Hangzhou Precision Machinery", " 9133 0100 ma27xx1234 "),
            id="same-registration-number-other-spelling",
        ),
        pytest.param(ACME, ("Acme Limited", ""), id="same-normalised-name-without-number"),
        pytest.param(ACME_NO, ("Acme Limited", ""), id="with-number-then-without"),
        pytest.param(("Acme Limited", ""), ACME_NO, id="without-number-then-with"),
    ],
)
@freeze_time(FROZEN)
def test_the_same_company_cannot_be_registered_twice(spec, first, second):
    """``first`` and ``second``: (company name, registration number)."""
    first, second = b.register(*first), b.register(*second)
    spec.given((first, b.ALICE))
    error = spec.when(second, b.BOB).then_refused("company_registered_once")
    assert isinstance(error, AlreadyRegistered)
    assert error.existing_id == b.customer_id(first)
    assert str(b.customer_id(first)) in str(error)


@freeze_time(FROZEN)
def test_different_companies_can_both_be_registered(spec):
    spec.given((b.register("ACME Co., Ltd.", ""), b.ALICE))
    spec.when(b.register("Apex Co., Ltd.", ""), b.ALICE).then(
        "Customer.Registered", "CustomerNameClaim.Claimed"
    )


# ---- 2.1.2 assessing, qualifying, disqualifying ---------------------------------------


@pytest.mark.parametrize(
    ("history", "rule"),
    [
        pytest.param(
            lambda reg: [(reg, b.ALICE)], "prospect_qualified_after_assessment", id="not-assessed"
        ),
        pytest.param(b.qualified_customer, "prospect_qualified_once", id="qualified-already"),
    ],
)
@freeze_time(FROZEN)
def test_a_prospect_is_qualified_after_an_assessment_and_once(spec, history, rule):
    reg = b.register()
    spec.given(*history(reg))
    spec.when(b.qualify(b.customer_id(reg), "Again"), b.ALICE).then_refused(rule)


@freeze_time(FROZEN)
def test_an_assessed_prospect_can_be_qualified(spec):
    reg = b.register()
    cid = b.customer_id(reg)
    spec.given((reg, b.ALICE), (b.assess(cid), b.ALICE))
    (qualified,) = spec.when(b.qualify(cid, "Budget"), b.ALICE).then("Customer.Qualified")
    assert qualified.reason == "Budget"
    assert spec.app.load(Customer, cid).is_qualified


def _assessed_low(spec) -> UUID:
    """A prospect assessed low need intent and low purchasing power (Given)."""
    reg = b.register()
    cid = b.customer_id(reg)
    spec.given((reg, b.ALICE), (b.assess(cid, Level.LOW, Level.LOW), b.ALICE))
    return cid


def _override(approver: Actor = b.MIA, role: Role = Role.SALES_MANAGER) -> QualificationOverride:
    return QualificationOverride(
        approved_by=approver.employee_id, approver_role=role, reason="Parent company pays"
    )


@freeze_time(FROZEN)
def test_an_assessment_the_policy_does_not_allow_is_not_qualified_without_an_override(spec):
    cid = _assessed_low(spec)
    spec.when(b.qualify(cid), b.ALICE).then_refused(
        "prospect_qualified_as_policy_allows", detail="need intent low, purchasing power low"
    )


@freeze_time(FROZEN)
def test_an_override_approved_by_an_authorised_role_is_recorded_on_the_qualification(spec):
    cid = _assessed_low(spec)
    command = pc.QualifyProspect(customer_id=cid, reason="Strategic", override=_override())
    (qualified,) = spec.when(command, b.ALICE).then("Customer.Qualified")
    override = qualified.override
    assert (override.approved_by, override.approver_role, override.reason) == (
        b.MIA.employee_id,
        Role.SALES_MANAGER,
        "Parent company pays",
    )
    assert qualified.policy_version == SalesPolicy().version
    assert spec.app.load(Customer, cid).is_qualified


@pytest.mark.parametrize(
    ("override", "detail"),
    [
        pytest.param(
            _override(b.SUE, Role.SALES_SUPERVISOR),
            "a sales supervisor may not approve it",
            id="a-role-the-policy-does-not-name",
        ),
        pytest.param(
            _override(b.ALICE, Role.SALES_MANAGER),
            "cannot approve their own qualification",
            id="the-one-qualifying",
        ),
    ],
)
@freeze_time(FROZEN)
def test_an_override_is_approved_by_someone_else_under_a_role_the_policy_names(
    spec, override, detail
):
    cid = _assessed_low(spec)
    command = pc.QualifyProspect(customer_id=cid, reason="Strategic", override=override)
    spec.when(command, b.ALICE).then_refused(
        "qualification_override_by_authorised_role", detail=detail
    )


@freeze_time(FROZEN)
def test_the_policy_says_which_assessments_are_qualifiable(spec_with):
    allowed = QualificationPolicy(
        qualifiable=(AssessedAs(need_intent=Level.LOW, purchasing_power=Level.LOW),)
    )
    spec = spec_with(SalesPolicy(qualification=allowed))
    cid = _assessed_low(spec)
    (qualified,) = spec.when(b.qualify(cid), b.ALICE).then("Customer.Qualified")
    assert qualified.override is None


@freeze_time(FROZEN)
def test_a_qualification_stored_before_the_policy_judged_it_loads_without_an_override(spec):
    reg = b.register()
    spec.given(*b.qualified_customer(reg))
    (recorded,) = [e for e in events_after(spec.app, 0) if type(e) is Customer.Qualified]
    added = ("company_name", "assessment", "override", "policy_version")
    loaded = reloaded_as_version_1(spec.app, recorded, *added)
    assert (loaded.reason, loaded.override, loaded.policy_version) == (recorded.reason, None, None)
    assert (loaded.company_name, loaded.assessment) == ("", None)


@freeze_time(FROZEN)
def test_a_disqualified_prospect_is_qualified_again_only_after_a_new_assessment(spec):
    reg = b.register()
    cid = b.customer_id(reg)
    spec.given(*b.qualified_customer(reg))
    (disqualified,) = spec.when(
        pc.DisqualifyProspect(customer_id=cid, reason="Budget frozen until 2027"), b.ALICE
    ).then("Customer.Disqualified")
    assert disqualified.reason == "Budget frozen until 2027"
    assert spec.app.load(Customer, cid).qualified is False

    spec.when(b.qualify(cid, "Back"), b.ALICE).then_refused("prospect_qualified_after_assessment")
    spec.when(b.assess(cid), b.ALICE).then("Customer.Assessed")
    spec.when(b.qualify(cid, "Budget unfrozen"), b.ALICE).then("Customer.Qualified")
    assert spec.app.load(Customer, cid).is_qualified


def test_disqualifying_needs_a_reason():
    with pytest.raises(InvalidCommand) as caught:
        build_command("DisqualifyProspect", {"customer_id": str(uuid4()), "reason": "  "})
    assert caught.value.fields == ("reason",)


# ---- 2.1.2 contact persons --------------------------------------------------------------


@freeze_time(FROZEN)
def test_a_new_contact_person_is_added(spec):
    reg = b.register()
    spec.given((reg, b.ALICE))
    person = ContactPerson(name="Li Na", title="General Manager", email="li.na@example.com")
    spec.when(pc.AddContactPerson(customer_id=b.customer_id(reg), person=person), b.ALICE).then(
        "Customer.ContactPersonAdded"
    )
    customer = spec.app.load(Customer, b.customer_id(reg))
    assert customer.contacts[-1] == person.of_subject(contact_subject_id(customer.id, 1))


@freeze_time(FROZEN)
def test_the_same_contact_person_is_not_added_twice(spec):
    reg = b.register()  # already has Chen Wei
    spec.given((reg, b.ALICE))
    spec.when(
        pc.AddContactPerson(customer_id=b.customer_id(reg), person=ContactPerson(name="chen wei")),
        b.ALICE,
    ).then_refused("contact_person_recorded_once")


# ---- invalid data -------------------------------------------------------------------------


@freeze_time(FROZEN)
def test_invalid_prospect_data_names_every_bad_field_and_stores_nothing(app):
    before = log_position(app)
    with pytest.raises(InvalidCommand) as caught:
        app.handle_data(
            "RegisterProspect",
            {
                "company_name": "",
                "region": "East China",
                "industry": "Machinery",
                "source_channel": "carrier_pigeon",
                "contacts": [{"name": "Chen Wei", "email": "not-an-email"}],
                "favourite_colour": "red",
            },
            b.ALICE,
        )
    assert set(caught.value.fields) == {
        "company_name",
        "source_channel",
        "contacts.0.email",
        "favourite_colour",
    }
    assert caught.value.command == "RegisterProspect"
    assert log_position(app) == before


def test_a_company_name_of_punctuation_only_does_not_identify_a_company():
    with pytest.raises(InvalidCommand, match="company_name"):
        build_command(
            "RegisterProspect",
            {
                "company_name": "Co., Ltd.",
                "region": "East",
                "industry": "X",
                "source_channel": "referral",
            },
        )


# ---- 2.1.1 market research ---------------------------------------------------------------


def _price(
    competitor: str = "Rival GmbH", amount: str = "950", on: date = date(2026, 2, 20)
) -> CompetitorPrice:
    return CompetitorPrice(
        competitor=competitor,
        product_code="RK-3",
        price=Money.of(amount, "CNY"),
        observed_on=on,
    )


def _note(kind: ResearchSubject, subject: str, **findings: str) -> pc.RecordMarketResearch:
    """A research note on ``subject`` with ``findings``."""
    return pc.RecordMarketResearch(
        subject_kind=kind, subject=subject, findings=Findings(**findings)
    )


def _priced_note() -> pc.RecordMarketResearch:
    """A note on RK-3 with one competitor's price (Rival GmbH, 950 CNY)."""
    return pc.RecordMarketResearch(
        subject_kind=ResearchSubject.PRODUCT, subject="RK-3", competitor_prices=(_price(),)
    )


@freeze_time(FROZEN)
def test_a_research_note_without_findings_or_competitor_prices_is_refused(spec):
    spec.when(
        pc.RecordMarketResearch(subject_kind=ResearchSubject.MARKET, subject="East China CNC"),
        b.MARK,
    ).then_refused("research_note_records_market_information")


@freeze_time(FROZEN)
def test_a_research_note_with_findings_is_recorded(spec):
    note = _note(
        ResearchSubject.INDUSTRY, "Machinery", demand_trends="Retrofits up 20% year on year"
    )
    (recorded,) = spec.when(note, b.MARK).then("MarketResearch.Recorded")
    assert recorded.findings.demand_trends == "Retrofits up 20% year on year"
    assert recorded.actor == b.MARK


@freeze_time(FROZEN)
def test_competitor_prices_are_recorded_as_money(spec):
    note = _priced_note()
    spec.given((note, b.ALICE))
    spec.when(
        pc.AddCompetitorPrice(note_id=note.note_id, price=_price("Other Corp", "1010.50")), b.ALICE
    ).then("MarketResearch.CompetitorPriceAdded")
    loaded = spec.app.load(MarketResearch, note.note_id)
    assert [p.price for p in loaded.competitor_prices] == [
        Money.of("950", "CNY"),
        Money.of("1010.50", "CNY"),
    ]
    assert all(isinstance(p.price, Money) for p in loaded.competitor_prices)


@freeze_time(FROZEN)
def test_the_same_competitor_price_is_not_added_twice(spec):
    note = _priced_note()
    spec.given((note, b.ALICE))
    spec.when(pc.AddCompetitorPrice(note_id=note.note_id, price=_price()), b.ALICE).then_refused(
        "competitor_price_recorded_once"
    )


@freeze_time(FROZEN)
def test_a_competitor_price_observed_after_today_is_refused_naming_the_field(spec):
    tomorrow = date(2026, 3, 3)
    ahead = pc.RecordMarketResearch(
        subject_kind=ResearchSubject.PRODUCT,
        subject="RK-3",
        competitor_prices=(_price(on=tomorrow),),
    )
    spec.when(ahead, b.ALICE).then_refused(
        "fact_dated_when_it_happened", step="2.1.1", detail="observed_on 2026-03-03"
    )
    note = _priced_note()
    spec.given((note, b.ALICE))
    spec.when(
        pc.AddCompetitorPrice(note_id=note.note_id, price=_price("Other Corp", on=tomorrow)),
        b.ALICE,
    ).then_refused("fact_dated_when_it_happened", step="2.1.1", detail="observed_on 2026-03-03")


# ---- roles ---------------------------------------------------------------------------------


@freeze_time(FROZEN)
def test_a_production_employee_cannot_register_a_prospect(spec):
    error = spec.when(b.register(), b.PAT).then_rejected(NotAuthorised)
    assert error.sop_step == "2.1.2"


@freeze_time(FROZEN)
def test_marketing_can_record_market_research(spec):
    note = _note(ResearchSubject.MARKET, "East China", competitors="Two new local entrants")
    spec.when(note, b.MARK).then("MarketResearch.Recorded")


def test_a_name_that_is_only_a_legal_form_is_refused_naming_the_field() -> None:
    from salesdomain.commands import build_command
    from salesdomain.errors import InvalidCommand

    data = {
        "company_name": "Co., Ltd.",
        "region": "East",
        "industry": "Food",
        "source_channel": "referral",
    }
    with pytest.raises(InvalidCommand) as refused:
        build_command("RegisterProspect", data)
    assert refused.value.fields == ("company_name",)


# ---- market sizes (SOP 2.1.1, what market share is measured against) -------------------


def _size(segment: str = "East", amount: str = "5000000", period: str = "2026") -> MarketSize:
    return MarketSize(
        dimension=MarketDimension.REGION,
        segment=segment,
        period=Period.parse(period),
        size=Money.of(amount, "CNY"),
    )


@freeze_time(FROZEN)
def test_a_market_size_is_recorded_on_a_research_note(spec):
    note = _note(ResearchSubject.MARKET, "East China CNC", demand_trends="Retrofits up")
    spec.given((note, b.MARK))
    (recorded,) = spec.when(
        pc.RecordMarketSize(note_id=note.note_id, market_size=_size()), b.MARK
    ).then("MarketResearch.MarketSizeRecorded")
    assert recorded.market_size.size == Money.of("5000000", "CNY")
    assert recorded.market_size.period.code == "2026"
    loaded = spec.app.load(MarketResearch, note.note_id)
    assert loaded.market_sizes == [_size()]


@freeze_time(FROZEN)
def test_the_same_segment_and_period_is_sized_once_per_note(spec):
    note = _note(ResearchSubject.MARKET, "East China CNC", demand_trends="Retrofits up")
    spec.given(
        (note, b.MARK), (pc.RecordMarketSize(note_id=note.note_id, market_size=_size()), b.MARK)
    )
    again = pc.RecordMarketSize(note_id=note.note_id, market_size=_size("east", "6000000"))
    spec.when(again, b.MARK).then_refused("market_size_recorded_once")
    other_year = pc.RecordMarketSize(note_id=note.note_id, market_size=_size(period="2026-Q2"))
    spec.when(other_year, b.MARK).then("MarketResearch.MarketSizeRecorded")


@freeze_time(FROZEN)
def test_a_note_records_a_bounded_number_of_market_sizes(spec):
    note = _note(ResearchSubject.MARKET, "East China CNC", demand_trends="Retrofits up")
    sizes = [
        (pc.RecordMarketSize(note_id=note.note_id, market_size=_size(f"Region {n}")), b.MARK)
        for n in range(MAX_MARKET_SIZES)
    ]
    spec.given((note, b.MARK), *sizes)
    one_more = pc.RecordMarketSize(note_id=note.note_id, market_size=_size("One more"))
    spec.when(one_more, b.MARK).then_refused("market_sizes_per_note")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("size", {"amount": "0", "currency": "CNY"}, "more than zero"),
        ("period", "2026-13", "a period is a year"),
        ("segment", "x" * 300, "at most"),
        ("dimension", "planet", "region"),
    ],
)
def test_a_market_size_out_of_bounds_is_refused_naming_the_field(field, value, message):
    fields = {
        "dimension": "region",
        "segment": "East",
        "period": "2026",
        "size": {"amount": "100", "currency": "CNY"},
    }
    with pytest.raises(InvalidCommand) as refused:
        build_command(
            "RecordMarketSize", {"note_id": str(uuid4()), "market_size": {**fields, field: value}}
        )
    assert field in str(refused.value)
    assert message in str(refused.value)
