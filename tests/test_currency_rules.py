"""Currencies and signing authority in the contract (SOP 2.4.2, 2.4.3; ADR 48), one
Given/When/Then each, on the three stores through the ``spec`` fixture.

A deal is won as ``tests.test_contract_rules.won`` leaves it (quote v1: 100 x RK-3,
owner ALICE); the contracts here are drafted in USD (``contract_builders.usd_lines``:
100 x RK-3 at 150 USD = 15,000 USD unless a test names another price).  The default
matrix has tiers for CNY only, the reporting currency, so a USD contract is judged
converted to CNY at the rate in force on the day of the decision.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from freezegun import freeze_time
from pydantic import ValidationError

from salesdomain.contracts.contract import Contract
from salesdomain.contracts.policy import ApprovalTier, ContractPolicy
from salesdomain.contracts.values import OurSignatory, Signatory
from salesdomain.currencies import CurrencyPolicy, ExchangeRate, RateUsed
from salesdomain.policy import SalesPolicy
from salesdomain.sop import Role
from salesdomain.values import Money
from tests import builders as b
from tests import contract_builders as k
from tests.builders import ALICE, BOB, DAN, MIA, TODAY
from tests.spec import events_after, reloaded_as_version_1
from tests.test_contract_rules import NOW, TWO_LEVELS, drafted, in_approval

USD_RATES = CurrencyPolicy(
    exchange_rates=(
        ExchangeRate(
            currency="USD",
            rate=Decimal("7.1"),
            effective_from=date(2026, 1, 1),
            source="PBOC central parity",
        ),
        ExchangeRate(
            currency="USD",
            rate=Decimal("7.3"),
            effective_from=date(2026, 3, 3),  # the day after the decision: not in force
            source="PBOC central parity",
        ),
    )
)
WITH_RATES = SalesPolicy(version="2026.3", currencies=USD_RATES)
EXPLAINED = {"lines__RK-3__unit_price": "Customer pays in USD"}


def usd_contract(spec: Any, unit_price: str = "150") -> Any:
    """A contract LEO drafted in USD (100 x RK-3 at ``unit_price`` USD); its id."""
    return drafted(spec, lines=k.usd_lines(unit_price, "90"))


def sign_as(contract: Any, who: Any, role: Role | None = None) -> Any:
    return k.sign(contract, ours=k.signatory(who, role))


# ---- 2.4.2: the matrix judges the converted amount ---------------------------------------


@freeze_time(NOW)
def test_a_contract_in_a_currency_without_a_rate_in_force_is_refused(spec):
    contract = usd_contract(spec)

    spec.when(k.review(contract, **EXPLAINED), ALICE).then_refused(
        "exchange_rate_in_force",
        step="2.4.2",
        detail="no exchange rate USD to CNY in force on 2026-03-02",
    )


@freeze_time(NOW)
@pytest.mark.parametrize(
    ("unit_price", "levels", "judged"),
    [
        ("150", (Role.SALES_MANAGER,), "106500"),  # 15,000 USD x 7.1
        ("300", (Role.SALES_MANAGER, Role.SALES_DIRECTOR), "213000"),  # over 200,000 CNY
    ],
)
def test_a_contract_in_another_currency_goes_to_the_levels_of_its_converted_amount(
    spec, unit_price, levels, judged
):
    spec.app.policy = WITH_RATES
    contract = usd_contract(spec, unit_price)

    [_passed, submitted] = spec.when(k.review(contract, **EXPLAINED), ALICE).then(
        "Contract.ReviewPassed", "Contract.SubmittedForApproval"
    )
    assert submitted.chain.levels == levels
    assert submitted.amount == Money.of(int(unit_price) * 100, "USD")
    assert submitted.judged_amount == Money.of(judged, "CNY")
    assert submitted.exchange_rate == RateUsed(
        currency="USD",
        reporting_currency="CNY",
        rate=Decimal("7.1"),
        effective_from=date(2026, 1, 1),
        source="PBOC central parity",
        policy_version="2026.3",
    )


@freeze_time(NOW)
def test_a_currency_with_its_own_tiers_is_judged_unconverted(spec):
    spec.app.policy = SalesPolicy(
        currencies=USD_RATES,
        contracts=ContractPolicy(
            approval_tiers={
                **ContractPolicy().approval_tiers,
                "USD": (ApprovalTier(up_to=None, levels=(Role.SALES_DIRECTOR,)),),
            }
        ),
    )
    contract = usd_contract(spec)

    [_passed, submitted] = spec.when(k.review(contract, **EXPLAINED), ALICE).then(
        "Contract.ReviewPassed", "Contract.SubmittedForApproval"
    )
    assert submitted.chain.levels == (Role.SALES_DIRECTOR,)
    assert (submitted.judged_amount, submitted.exchange_rate) == (submitted.amount, None)


@freeze_time(NOW)
def test_a_submission_of_version_1_was_judged_in_its_own_currency(spec):
    contract = in_approval(spec)
    [submitted] = [e for e in events_after(spec.app, 0) if type(e) is Contract.SubmittedForApproval]

    old = reloaded_as_version_1(spec.app, submitted, "judged_amount", "exchange_rate")
    assert (old.judged_amount, old.exchange_rate) == (submitted.amount, None)
    assert old.chain == submitted.chain
    assert str(contract) in str(old.originator_id)


# ---- 2.4.3: our signatory has signing authority for the amount ----------------------------


@freeze_time(NOW)
def test_our_signatory_signs_under_a_role_with_signing_authority(spec):
    contract = in_approval(spec)
    spec.given((k.approve(contract), MIA))

    spec.when(sign_as(contract, BOB), MIA).then_refused(
        "contract_signatory_has_authority", step="2.4.3", detail="without signing authority"
    )


@freeze_time(NOW)
def test_our_signatory_signs_only_up_to_the_limit_of_their_role(spec):
    contract = in_approval(spec, TWO_LEVELS)  # 500,000 CNY
    spec.given((k.approve(contract), MIA), (k.approve(contract), DAN))

    spec.when(sign_as(contract, MIA), MIA).then_refused(
        "contract_signatory_has_authority",
        detail="authorised up to 200,000.00 CNY; the contract is 500,000.00 CNY",
    )
    [signed, _order] = spec.when(sign_as(contract, DAN), MIA).then(
        "Contract.Signed", "Order.Entered"
    )
    assert signed.our_signatory == OurSignatory(
        employee_id=DAN.employee_id, role=Role.SALES_DIRECTOR, name=DAN.name
    )
    authority = signed.signing_authority
    assert (authority.role, authority.up_to, authority.judged_amount) == (
        Role.SALES_DIRECTOR,
        Money.of("1000000", "CNY"),
        Money.of("500000", "CNY"),
    )
    assert (authority.exchange_rate, authority.policy_version) == (None, "2026.1")


@freeze_time(NOW)
def test_signing_authority_judges_the_amount_converted_on_the_day_of_signing(spec):
    spec.app.policy = WITH_RATES
    contract = usd_contract(spec, "300")  # 30,000 USD = 213,000 CNY at 7.1
    spec.given(
        (k.review(contract, **EXPLAINED), ALICE),
        (k.approve(contract), MIA),
        (k.approve(contract), DAN),
    )

    spec.when(sign_as(contract, MIA), MIA).then_refused(
        "contract_signatory_has_authority", detail="the contract is 213,000.00 CNY"
    )
    [signed, _order] = spec.when(sign_as(contract, DAN), MIA).then(
        "Contract.Signed", "Order.Entered"
    )
    assert signed.signing_authority.judged_amount == Money.of("213000", "CNY")
    assert signed.signing_authority.exchange_rate.rate == Decimal("7.1")


@freeze_time(NOW)
def test_a_signing_in_a_currency_without_a_rate_on_the_day_is_refused(spec):
    spec.app.policy = WITH_RATES
    contract = usd_contract(spec)
    spec.given((k.review(contract, **EXPLAINED), ALICE), (k.approve(contract), MIA))
    spec.app.policy = SalesPolicy(version="2026.4")  # the rates withdrawn

    spec.when(sign_as(contract, MIA), MIA).then_refused(
        "exchange_rate_in_force", step="2.4.3", detail="USD to CNY in force on 2026-03-02"
    )


def test_our_signatory_is_an_employee_holding_the_role(spec_with):
    from tests.people_builders import enrol
    from tests.performance_builders import team

    spec = spec_with(SalesPolicy(), verify_actors=True)
    with freeze_time(NOW):
        spec.given(
            *team(),
            enrol("Leo Legal", Role.LEGAL),
            enrol("Pat Production", Role.PRODUCTION),
            enrol("Quinn Procurement", Role.PROCUREMENT),
        )
        contract = in_approval(spec)
        spec.given((k.approve(contract), MIA))
        stranger = OurSignatory(employee_id=uuid4(), role=Role.GENERAL_MANAGER, name="Gus General")

        spec.when(k.sign(contract, ours=stranger), MIA).then_refused(
            "named_person_is_staff", step="2.4.3", detail="Gus General is not an employee"
        )
        spec.when(sign_as(contract, BOB, Role.SALES_MANAGER), MIA).then_refused(
            "named_person_is_staff", detail="does not hold the role sales manager"
        )
        renamed = OurSignatory(employee_id=MIA.employee_id, role=Role.SALES_MANAGER, name="M.")
        [signed, _order] = spec.when(k.sign(contract, ours=renamed), MIA).then(
            "Contract.Signed", "Order.Entered"
        )
        assert signed.our_signatory.name == "Mia Manager"  # as the staff register names her


FREE_TEXT = Signatory(name="Mia Manager", title="Sales Manager", authority="Power of attorney")


def stored_as_version_1(spec: Any, signed: Contract.Signed) -> Contract.Signed:
    """``signed`` as version 1 stored it: our signatory as free text, no authority."""
    mapper = spec.app.mapper
    stored = mapper.to_stored_event(signed)
    state = mapper.transcoder.decode(stored.state)
    del state["class_version"], state["signing_authority"]
    state["our_signatory"] = FREE_TEXT
    version_1 = replace(stored, state=mapper.transcoder.encode(state))
    return mapper.to_domain_event(version_1)


@freeze_time(NOW)
def test_a_signing_of_version_1_named_our_signatory_as_free_text(spec):
    spec.given(*approved(spec))
    [signed] = [e for e in events_after(spec.app, 0) if type(e) is Contract.Signed]

    old = stored_as_version_1(spec, signed)
    assert (old.our_signatory, old.signing_authority) == (FREE_TEXT, None)
    assert (old.amount, old.signed_on) == (signed.amount, TODAY)


def approved(spec: Any) -> list[Any]:
    contract = in_approval(spec)
    return [(k.approve(contract), MIA), (k.sign(contract), MIA)]


# ---- the conformance review re-checks our signatory's authority ------------------------


def conformance_history(policy: SalesPolicy | None = None) -> Any:
    from tests.conformance_builders import History
    from tests.contract_builders import signed_contract
    from tests.test_conformance_authority import NINE

    history, opp = History(policy), uuid4()
    with freeze_time(NINE):
        history.given(*b.won_deal(opp), *signed_contract(opp, uuid4()))
    return history


def test_a_signing_beyond_the_signatorys_authority_is_a_breach():
    history = conformance_history()
    stricter = SalesPolicy(
        contracts=ContractPolicy(signing_authority={Role.SALES_MANAGER: Decimal("50000")})
    )  # other figures under the same version, as a wrong policy file had them

    [found] = history.breaches("contract_signatory_has_authority", policy=stricter)
    assert found.sop_step == "2.4.3"
    assert "authority up to 50000" in found.detail
    assert history.breaches("contract_signatory_has_authority") == []
    history.close()


def test_a_signing_recorded_with_our_signatory_as_free_text_is_not_judged():
    history = conformance_history()
    log = history.altered("Contract.Signed", our_signatory=FREE_TEXT, signing_authority=None)

    assert history.breaches("contract_signatory_has_authority", log) == []
    [unjudged] = history.review(log).mismatches
    assert (unjudged.rule, unjudged.recorded_version) == ("contract_signatory_has_authority", "")
    assert "free text (Mia Manager, Sales Manager)" in unjudged.detail
    history.close()


# ---- the policy data ----------------------------------------------------------------------


def test_exchange_rates_load_from_a_policy_file(tmp_path):
    path = tmp_path / "policy.json"
    rates = [
        {"currency": "USD", "rate": "7.1", "effective_from": "2026-01-01", "source": "PBOC"},
        {"currency": "USD", "rate": "7.3", "effective_from": "2026-05-15", "source": "PBOC"},
    ]
    path.write_text(
        json.dumps({"version": "2026.5", "currencies": {"exchange_rates": rates}}), "utf-8"
    )
    policy = SalesPolicy.from_file(path)
    assert policy.currencies.reporting_currency == "CNY"
    assert policy.currencies.rate_on("USD", date(2026, 5, 14)).rate == Decimal("7.1")
    assert policy.currencies.rate_on("USD", date(2026, 5, 15)).rate == Decimal("7.3")
    assert policy.currencies.rate_on("USD", date(2025, 12, 31)) is None
    assert policy.currencies.rate_on("EUR", date(2026, 5, 15)) is None


@pytest.mark.parametrize(
    ("rates", "error"),
    [
        ([("CNY", "1", "2026-01-01")], "CNY is the reporting currency"),
        ([("USD", "7.1", "2026-01-01"), ("USD", "7.2", "2026-01-01")], "two rates of USD"),
        ([("USD", "0", "2026-01-01")], "greater than 0"),
        ([("XYZ", "1", "2026-01-01")], "not a currency code"),
    ],
)
def test_bad_exchange_rates_are_refused_naming_the_field(rates, error):
    given = [{"currency": c, "rate": r, "effective_from": d, "source": "PBOC"} for c, r, d in rates]
    with pytest.raises(ValidationError, match=error) as refused:
        SalesPolicy.model_validate({"currencies": {"exchange_rates": given}})
    assert "currencies" in str(refused.value)


def test_a_converted_amount_is_rounded_half_to_even_at_four_places():
    rates = CurrencyPolicy(
        exchange_rates=(
            ExchangeRate(currency="USD", rate=Decimal("2.5"), effective_from=TODAY, source="PBOC"),
        )
    )

    def converted(amount: str) -> Money:
        return rates.convert(Money.of(amount, "USD"), TODAY, policy_version="x").amount

    # 0.0001 x 2.5 = 0.00025 -> 0.0002 (half to even, not up); 0.0003 x 2.5 = 0.00075 -> 0.0008
    assert converted("0.0001") == Money.of("0.0002", "CNY")
    assert converted("0.0003") == Money.of("0.0008", "CNY")
    total = rates.add_up([(TODAY, "USD", Decimal("0.0001")), (TODAY, "CNY", Decimal("1"))])
    assert total.amount == Decimal("1.0002")
