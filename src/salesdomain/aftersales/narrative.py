"""One line per after-sales event, in the SOP's words."""

from __future__ import annotations

from datetime import datetime

from salesdomain.labels import words
from salesdomain.narrative import Describer, if_given


def _at(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z").strip()


DESCRIPTIONS: dict[str, Describer] = {
    "ServiceCase.FeedbackReceived": lambda e: (
        f"Feedback from {e.customer_name} by {words(e.channel)}"
        + (f" about order {str(e.order_id)[:8]}" if e.order_id else "")
        + f": {e.description}; answer due by {_at(e.respond_by)}"
    ),
    "ServiceCase.Classified": lambda e: (
        f"Classified as {words(e.severity)} {words(e.kind)}; answer due by {_at(e.respond_by)} "
        f"(policy {e.policy_version})"
    ),
    "ServiceCase.Assigned": lambda e: f"Assigned to {e.assignee}",
    "ServiceCase.Responded": lambda e: (
        f"Answered {'within the time limit' if e.within_time_limit else 'LATE'} "
        f"(due {_at(e.respond_by)}): {e.response.answer}; solution: {e.response.solution}"
    ),
    "ServiceCase.RootCauseRecorded": lambda e: (
        f"Cause: {e.root_cause.cause}; impact: {e.root_cause.impact}"
    ),
    "ServiceCase.Resolved": lambda e: f"Resolved: {e.resolution}",
    "ServiceCase.Closed": lambda e: f"Case closed: {e.resolution}" + if_given(e.remarks, " ({})"),
    "ServiceCase.Reopened": lambda e: (
        f"Case reopened: {e.reason}; answer due by {_at(e.respond_by)}"
    ),
    "ServiceVisit.Recorded": lambda e: (
        f"{words(e.kind).capitalize()} at {e.customer_name} on {e.work.visited_on}: "
        f"{e.work.work_done}; satisfaction {e.work.satisfaction}"
    ),
    "SatisfactionSurvey.Started": lambda e: (
        f"Satisfaction survey of {e.customer_name} for {e.period} by {words(e.method)}"
    ),
    "SatisfactionSurvey.ResponseRecorded": lambda e: (
        f"{e.response.respondent}: satisfaction {e.response.satisfaction}, would recommend "
        f"{e.response.recommendation}" + if_given(e.response.comments)
    ),
    "SatisfactionSurvey.Analysed": lambda e: (
        f"Results of {e.responses} response(s): satisfaction {e.average_satisfaction} "
        f"(target {e.satisfaction_target}), recommend {e.average_recommendation}; "
        f"{e.analysis.summary}"
        + (f"; problems: {'; '.join(e.analysis.problems)}" if e.analysis.problems else "")
    ),
    "SatisfactionSurvey.ImprovementActionAdded": lambda e: (
        f"Improvement action: {e.action.action}, owner "
        f"{e.action.owner_name or str(e.action.owner_id)[:8]}, due {e.action.due}"
    ),
    "SatisfactionSurvey.Closed": lambda e: (
        f"Survey closed with {e.improvement_actions} improvement action(s)"
        + if_given(e.remarks, " ({})")
    ),
}
