"""One line per sales-team-management event, in the SOP's words."""

from __future__ import annotations

from typing import Any

from salesdomain.labels import words
from salesdomain.narrative import Describer, if_given, money

DESCRIPTIONS: dict[str, Describer] = {
    # ---- Requisition ----
    "Requisition.Opened": lambda e: (
        f"Hiring need: {e.headcount} x {e.profile.position} for {e.profile.team} "
        f"({e.profile.roles}): {e.justification}"
    ),
    "Requisition.Agreed": lambda e: f"Hiring need agreed by {e.actor}" + if_given(e.comments),
    "Requisition.ChannelsChosen": lambda e: (
        "Channels chosen: " + ", ".join(words(c) for c in e.channels.channels)
    ),
    "Requisition.PositionFilled": lambda e: f"Position {e.filled} of {e.headcount} filled",
    "Requisition.Closed": lambda e: f"Requisition closed: {e.reason}",
    # ---- Candidate ----
    "Candidate.Applied": lambda e: f"{e.person.name} applied through {words(e.channel)}",
    "Candidate.Forgotten": lambda e: (
        f"Candidate's personal data forgotten on request of {e.requested_by}: {e.reason}"
    ),
    "Candidate.Screened": lambda e: (
        f"CV screened: {'passed' if e.screening.passed else 'failed'}: {e.screening.reasons}"
    ),
    "Candidate.Interviewed": lambda e: (
        f"{words(e.interview.kind).capitalize()} interview on {e.interview.held_on} by "
        f"{e.interview.interviewer_name}: average {e.interview.average} of 5"
    ),
    "Candidate.Selected": lambda e: f"Decided to hire: {e.reasons}",
    "Candidate.Rejected": lambda e: f"Rejected: {e.reasons}",
    "Candidate.OfferSent": lambda e: (
        f"Offer {e.offer_number} sent: {e.offer.position}, {money(e.offer.salary)}, "
        f"starting {e.offer.start_date}"
    ),
    "Candidate.OfferAccepted": lambda e: f"Offer {e.offer_number} accepted",
    "Candidate.OfferDeclined": lambda e: f"Offer {e.offer_number} declined: {e.reason}",
    "Candidate.Hired": lambda e: (
        f"Labour contract {e.contract_number + ' ' if e.contract_number else ''}"
        f"signed on {e.signed_on}: hired"
    ),
    # ---- Employee ----
    "Employee.Hired": lambda e: (
        f"{e.name} hired as {e.position} in {e.team} ({e.roles}), starting {e.start_date} "
        f"at {money(e.salary)}; labour contract signed {e.signed_on}"
    ),
    "Employee.Enrolled": lambda e: (
        f"{e.name} enrolled as {e.position} in {e.team} ({e.roles}), employed since "
        f"{e.start_date}"
        + ("" if e.onboarding_completed else "; onboarding to do")
        + (
            f"; outside recruitment, approved by {e.exception.approver_name} as "
            f"{e.exception.approver_role.label}: {e.exception.reason}"
            if e.exception is not None
            else ""
        )
    ),
    "Employee.OnboardingCompleted": lambda e: (
        f"Onboarding training completed on {e.completed_on}: "
        + ", ".join(words(t) for t in e.topics.topics)
    ),
    "Employee.TrainingRecorded": lambda e: (
        f"Training '{e.training.topic}' on {e.training.held_on}, {e.training.hours}h with "
        f"{words(e.training.trainer_kind)} trainer {e.training.trainer}"
    ),
    "Employee.CareerPlanSet": lambda e: (
        f"Career plan set: {len(e.plan.goals)} goal(s)"
        + (f", path {' > '.join(e.plan.promotion_path)}" if e.plan.promotion_path else "")
        + f"; next review {e.plan.next_review}"
    ),
    "Employee.CareerPlanReviewed": lambda e: (
        f"Career plan reviewed: {e.notes}; next review {e.next_review}"
    ),
    "Employee.PositionChanged": lambda e: (
        f"Position changed from {e.previous} to {e.position} from {e.effective}: {e.reason}"
    ),
    "Employee.TeamChanged": lambda e: f"Moved from {e.previous} to {e.team} from {e.effective}",
    "Employee.ManagerChanged": lambda e: (
        f"Now reports to {e.manager_name}" if e.manager_id else "Now reports to no one"
    ),
    "Employee.RoleGranted": lambda e: f"Role {words(e.role)} granted",
    "Employee.RoleRevoked": lambda e: f"Role {words(e.role)} revoked",
    "Employee.Promoted": lambda e: (
        f"Promoted from {e.previous_position} to {e.position} from {e.effective}, "
        f"salary {money(e.salary)}, approved by {e.actor}: {e.reason}"
    ),
    "Employee.PayChanged": lambda e: (
        f"Pay changed from {money(e.previous)} to {money(e.salary)} from {e.effective}, "
        f"approved by {e.actor}: {e.reason}"
    ),
    "Employee.Left": lambda e: (
        f"Left the company ({words(e.reason)}), last day {e.last_day}" + if_given(e.details)
    ),
    # ---- SalesTarget ----
    "SalesTarget.Set": lambda e: f"Sales target for {e.subject}, {e.period}: {_figures(e.figures)}",
    "SalesTarget.Revised": lambda e: (
        f"Sales target revised: {_figures(e.figures)} (was {_figures(e.previous)})"
    ),
    "StaffRegister.Founded": lambda e: f"Staff register founded by {e.actor}",
    "StaffRegister.FirstApproverEnrolled": lambda e: (
        f"{e.name}, the register's first {e.role.label}, approved their own enrolment"
    ),
}


def _figures(figures: Any) -> str:
    parts = [f"revenue {money(figures.revenue)}"]
    if figures.profit is not None:
        parts.append(f"profit {money(figures.profit)}")
    if figures.units:
        parts.append(f"{figures.units} units")
    if figures.new_customers:
        parts.append(f"{figures.new_customers} new customers")
    if figures.visits:
        parts.append(f"{figures.visits} visits")
    return ", ".join(parts)
