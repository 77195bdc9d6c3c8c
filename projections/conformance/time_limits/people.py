"""Time limits of people and performance (SOP 3.x): appraisals, the labour contract,
action items and hand-offs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from salesdomain.projections.conformance.review import Review, on
from salesdomain.projections.conformance.time_limits.rules import (
    ACTION_ITEM,
    APPRAISAL_COMPLETION,
    LABOUR_CONTRACT,
    _deadline,
)

from salesdomain.people.candidate import Candidate, formalities_limit
from salesdomain.performance.appraisal import Appraisal, AppraisalStage
from salesdomain.performance.team_meeting import TeamMeeting

# ---- 3.3.3 appraisals are completed in time ------------------------------------------------


@on(Appraisal.Opened)
def appraisal_opened(review: Review, e: Appraisal.Opened) -> None:
    memo = review.memo(e.originator_id)
    memo["label"] = f"{e.period.code} appraisal of {e.employee_name}"
    policy = review.policy(e.policy_version, APPRAISAL_COMPLETION, e)
    if policy is None:
        return
    due = e.period.end + timedelta(days=policy.performance.appraisal_completion_days)
    manager = review.staff.person(e.manager_id)
    key = (e.originator_id, "appraisal")
    review.expect(key, _deadline(review, APPRAISAL_COMPLETION, e, due, manager, e.policy_version))


@on(Appraisal.Closed)
def appraisal_closed(review: Review, e: Appraisal.Closed) -> None:
    review.fulfil((e.originator_id, "appraisal"), e, e.timestamp.date())


STAGE_REACHED: dict[type[Any], AppraisalStage] = {
    Appraisal.Opened: AppraisalStage.OPENED,
    Appraisal.ActualsRecorded: AppraisalStage.ACTUALS_RECORDED,
    Appraisal.SelfAssessed: AppraisalStage.SELF_ASSESSED,
    Appraisal.SupervisorScored: AppraisalStage.SCORED,
    Appraisal.FeedbackInterviewHeld: AppraisalStage.INTERVIEWED,
    Appraisal.ImprovementPlanAgreed: AppraisalStage.PLAN_AGREED,
    Appraisal.Finalised: AppraisalStage.FINALISED,
    Appraisal.Closed: AppraisalStage.CLOSED,
}
"""The stage of an appraisal each of its events records (``Appraisal.stage``)."""


@on(*STAGE_REACHED)
def appraisal_stage(review: Review, e: Any) -> None:
    """The stage the appraisal reached (its next step is due from the manager, or from
    the employee for the self-assessment: the work queue, ADR 53)."""
    review.memo(e.originator_id)["stage"] = STAGE_REACHED[type(e)].value


# ---- 3.1.4 the labour contract within the set time ----------------------------------------


@on(Candidate.OfferSent)
def offer_sent(review: Review, e: Candidate.OfferSent) -> None:
    memo = review.memo(e.originator_id)
    memo.update(start_date=e.offer.start_date, sent_by=review.person_of(e))


@on(Candidate.OfferAccepted)
def offer_accepted(review: Review, e: Candidate.OfferAccepted) -> None:
    memo = review.memo(e.originator_id)
    if "start_date" not in memo:  # no offer in the history
        return
    due = memo["start_date"] + formalities_limit()
    key = (e.originator_id, "labour contract")
    review.expect(key, _deadline(review, LABOUR_CONTRACT, e, due, memo["sent_by"]))


@on(Candidate.Hired)
def labour_contract_signed(review: Review, e: Candidate.Hired) -> None:
    review.fulfil((e.originator_id, "labour contract"), e, e.signed_on)


@on(Candidate.OfferDeclined, Candidate.Rejected)
def offer_withdrawn(review: Review, e: Candidate.OfferDeclined | Candidate.Rejected) -> None:
    review.withdraw((e.originator_id, "labour contract"))


# ---- 3.4.2 / 3.4.3 action items and hand-offs ---------------------------------------------


@on(TeamMeeting.Held)
def meeting_held(review: Review, e: TeamMeeting.Held) -> None:
    review.memo(e.originator_id)["label"] = f"{e.team} {e.kind.value} meeting of {e.held_on}"
    for number, item in enumerate(e.action_items.items, start=1):
        _item(review, e, number, item)


@on(TeamMeeting.HandOffAgreed)
def handoff_agreed(review: Review, e: TeamMeeting.HandOffAgreed) -> None:
    _item(review, e, e.item_number, e.item)


@on(TeamMeeting.ActionItemCompleted)
def item_completed(review: Review, e: TeamMeeting.ActionItemCompleted) -> None:
    review.fulfil((e.originator_id, "item", e.item_number), e, e.completed_on)


def _item(review: Review, e: Any, number: int, item: Any) -> None:
    owner = review.staff.person(item.owner_id)
    key = (e.originator_id, "item", number)
    review.expect(key, _deadline(review, ACTION_ITEM, e, item.due_on, owner))
