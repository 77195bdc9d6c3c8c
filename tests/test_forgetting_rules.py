"""Given / When / Then: forgetting a data subject's personal data on request (ADR 13)."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest
from freezegun import freeze_time

from salesdomain.errors import NotAuthorised
from salesdomain.narrative import describe
from salesdomain.people import commands as hc
from salesdomain.people.candidate import Candidate
from salesdomain.personal import ERASED
from salesdomain.prospecting import commands as pc
from salesdomain.prospecting.customer import Customer
from salesdomain.prospecting.values import ContactPerson, contact_subject_id
from salesdomain.sop import Role
from tests import builders as b
from tests import people_builders as pb
from tests.builders import ALICE, MIA, person

NOW = "2026-03-02 09:00:00+00:00"
HANNA = pb.HANNA
OPS = person("Olga Operations", Role.SALES_OPERATIONS)
IAN = pb.employee_id("Ian Interviewer")


def customer(spec) -> UUID:
    reg = b.register()
    spec.given((reg, ALICE))
    cid = b.customer_id(reg)
    li_na = ContactPerson(name="Li Na", title="General Manager", email="li.na@example.com")
    spec.given((pc.AddContactPerson(customer_id=cid, person=li_na), ALICE))
    return cid


def forget_contact(cid: UUID, index: int = 0) -> pc.ForgetContactPerson:
    return pc.ForgetContactPerson(
        customer_id=cid,
        subject_id=contact_subject_id(cid, index),
        reason="Asked to be removed from our records",
        requested_by="the contact person, e-mail of 1 March",
    )


def forget_candidate(cand: UUID) -> hc.ForgetCandidate:
    return hc.ForgetCandidate(
        candidate_id=cand, reason="Withdrew the application", requested_by="the candidate"
    )


def candidate(spec, upto: int) -> UUID:
    req, cand = uuid4(), uuid4()
    spec.given(pb.interviewer(), *pb.open_hiring(req))
    spec.given(*pb.recruit("Nora New", req, cand, uuid4(), interviewer_id=IAN)[:upto])
    return cand


# ---- contact persons (SOP 4.1.2) -------------------------------------------------------------


@freeze_time(NOW)
def test_a_sales_manager_forgets_a_contact_person_and_the_others_stay(spec):
    cid = customer(spec)
    [forgotten] = spec.when(forget_contact(cid), MIA).then("Customer.ContactPersonForgotten")
    assert forgotten.sop_step == "4.1.2"
    assert forgotten.subject_id == contact_subject_id(cid, 0)
    assert forgotten.actor == MIA
    chen, li_na = spec.app.load(Customer, cid).contacts
    assert chen.erased
    assert (chen.name, chen.title) == (ERASED, ERASED)
    assert (li_na.name, li_na.erased) == ("Li Na", False)


@freeze_time(NOW)
def test_sales_operations_may_forget_a_contact_person(spec):
    cid = customer(spec)
    spec.when(forget_contact(cid, 1), OPS).then("Customer.ContactPersonForgotten")


@freeze_time(NOW)
def test_a_sales_representative_may_not_forget_a_contact_person(spec):
    cid = customer(spec)
    spec.when(forget_contact(cid), ALICE).then_rejected(NotAuthorised)


@pytest.mark.parametrize(
    ("index", "forgotten", "rule"),
    [
        pytest.param(7, 0, "only_customers_contact_forgotten", id="not-the-customers-contact"),
        pytest.param(0, 1, "contact_forgotten_once", id="forgotten-already"),
    ],
)
@freeze_time(NOW)
def test_a_contact_person_of_the_customer_is_forgotten_once(spec, index, forgotten, rule):
    cid = customer(spec)
    spec.given(*[(forget_contact(cid), MIA)] * forgotten)
    spec.when(forget_contact(cid, index), MIA).then_refused(rule)


@freeze_time(NOW)
def test_a_person_added_again_after_being_forgotten_is_a_new_data_subject(spec):
    cid = customer(spec)
    spec.given((forget_contact(cid), MIA))
    again = pc.AddContactPerson(customer_id=cid, person=ContactPerson(name="Chen Wei"))
    [added] = spec.when(again, ALICE).then("Customer.ContactPersonAdded")
    assert added.person.subject_id == contact_subject_id(cid, 2)


@freeze_time(NOW)
def test_the_erasure_names_the_subject_and_who_asked_but_no_personal_data(spec):
    cid = customer(spec)
    [forgotten] = spec.when(forget_contact(cid), MIA).then("Customer.ContactPersonForgotten")
    line = describe(forgotten)
    assert "contact person" in line
    assert "e-mail of 1 March" in line
    assert "Chen" not in line


# ---- candidates (SOP 3.1.3, HR) --------------------------------------------------------------


@freeze_time(NOW)
def test_hr_forgets_a_candidate_whose_details_and_interview_notes_read_as_erased(spec):
    cand = candidate(spec, upto=3)  # applied, screened, phone interview
    [forgotten] = spec.when(forget_candidate(cand), HANNA).then("Candidate.Forgotten")
    assert (forgotten.sop_step, forgotten.subject_id) == ("3.1.3", cand)
    found = spec.app.load(Candidate, cand)
    assert found.name == ERASED
    assert found.person.erased
    assert found.person.contact == ERASED
    assert [i.notes.text for i in found.interviews] == [ERASED]
    assert [i.scores for i in found.interviews] == [pb.scores(4)]  # the facts stay


@freeze_time(NOW)
def test_only_hr_forgets_a_candidate(spec):
    cand = candidate(spec, upto=1)
    manager_in_recruitment = person("Mia Manager", Role.SALES_MANAGER)
    spec.when(forget_candidate(cand), manager_in_recruitment).then_rejected(
        NotAuthorised, step="3.1.3"
    )


@freeze_time(NOW)
def test_a_candidate_is_forgotten_once(spec):
    cand = candidate(spec, upto=1)
    spec.given((forget_candidate(cand), HANNA))
    spec.when(forget_candidate(cand), HANNA).then_refused("candidate_forgotten", step="3.1.3")


@freeze_time(NOW)
def test_nothing_more_is_recorded_on_a_forgotten_candidate(spec):
    cand = candidate(spec, upto=2)  # screened
    spec.given((forget_candidate(cand), HANNA))
    spec.when(pb.interview(cand, IAN), HANNA).then_refused("candidate_forgotten", step="3.1.3")
    spec.when(pb.decide(cand), b.DAN).then_refused("candidate_forgotten", step="3.1.4")


@freeze_time(NOW)
def test_an_offer_waiting_for_an_answer_cannot_be_accepted_once_forgotten(spec):
    cand = candidate(spec, upto=6)  # offer sent
    spec.given((forget_candidate(cand), HANNA))
    spec.when(hc.AcceptOffer(candidate_id=cand), HANNA).then_refused(
        "candidate_forgotten", step="3.1.4"
    )
