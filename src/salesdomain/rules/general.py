"""SOP 1 General principles, and the rules that hold at every step of a chapter."""

from salesdomain.rules.rule import SopRule

SECTION = ""
"""Chapter headings only ("1", "2", "3", "4")."""

FACT_DATED_WHEN_IT_HAPPENED = SopRule(
    "fact_dated_when_it_happened",
    "1",
    "a fact is recorded once it has happened, dated today or earlier (a contact or visit, "
    "a presentation, a negotiation round, a competitor price, a customer told of a late "
    "finish; other facts by rules of their own); plans may lie ahead (an expected close, "
    "delivery and validity dates, deadlines, start and effective dates, production plans, "
    "expected arrivals, reviews)",
)
ROLE_MAY_DO_THE_STEP = SopRule(
    "role_may_do_the_step", "1", "every step is done under a role the SOP gives that step"
)
OPPORTUNITY_CLOSED = SopRule(
    "opportunity_closed", "2", "nothing more is recorded on an opportunity that is won or lost"
)
OPPORTUNITY_REVISION_CHANGES_IT = SopRule(
    "opportunity_revision_changes_it",
    "2",
    "an open opportunity's expected close or estimated value is revised by its owner or a "
    "sales lead, with a reason, and a revision changes it",
)
EXPECTED_CLOSE_REVISED_TO_TODAY_OR_LATER = SopRule(
    "expected_close_revised_to_today_or_later",
    "2",
    "an opportunity's expected close is revised to today or later, never into the past",
)
ESTIMATE_REVISED_UNTIL_QUOTED = SopRule(
    "estimate_revised_until_quoted",
    "2",
    "an opportunity's estimated value is revised until its first quote is issued; from then "
    "on the quote is its value, and a new quote version revises it",
)
EMPLOYEE_LEFT = SopRule(
    "employee_left", "3", "nothing more is recorded for an employee who has left"
)
NOBODY_MANAGES_THEMSELVES = SopRule("nobody_manages_themselves", "3", "nobody manages themselves")
MANAGER_IS_ACTIVE = SopRule("manager_is_active", "3", "a manager is an active employee")
NAMED_PERSON_IS_STAFF = SopRule(
    "named_person_is_staff",
    "2",
    "everyone a step names is an active employee holding the role the step needs, "
    "recorded under the name the staff register gives them",
)
EXCHANGE_RATE_IN_FORCE = SopRule(
    "exchange_rate_in_force",
    "2",
    "an amount in another currency is judged in the reporting currency, converted at the "
    "exchange rate the policy has in force on the day of the decision",
)
