"""SOP 3.2 Training and development: onboarding, periodic training, career plans."""

from salesdomain.rules.rule import SopRule

SECTION = "3.2"

# 3.2.1 Onboarding training
ONBOARDING_BEFORE_OWNING_OPPORTUNITIES = SopRule(
    "onboarding_before_owning_opportunities",
    "3.2.1",
    "onboarding training is completed before an employee can own opportunities",
)
ONBOARDING_COMPLETED_ONCE = SopRule(
    "onboarding_completed_once", "3.2.1", "onboarding training is completed once"
)
ONBOARDING_COVERS_EVERY_TOPIC = SopRule(
    "onboarding_covers_every_topic",
    "3.2.1",
    "onboarding training covers company, culture, sales policy, products, selling skills and "
    "customer service",
)
ONBOARDING_DURING_EMPLOYMENT = SopRule(
    "onboarding_during_employment",
    "3.2.1",
    "onboarding training is recorded once held, during employment",
)

# 3.2.2 Periodic training
TRAINING_DURING_EMPLOYMENT = SopRule(
    "training_during_employment", "3.2.2", "training is recorded once held, during employment"
)

# 3.2.3 Career development plan
CAREER_PLAN_REVIEWED_REGULARLY = SopRule(
    "career_plan_reviewed_regularly",
    "3.2.3",
    "a career development plan is reviewed regularly: its next review is after today",
)
CAREER_PLAN_SET_BEFORE_REVIEW = SopRule(
    "career_plan_set_before_review",
    "3.2.3",
    "only a career development plan that was set can be reviewed",
)
POSITION_CHANGE_NAMES_NEW_POSITION = SopRule(
    "position_change_names_new_position", "3.2.3", "a position change names a new position"
)
TEAM_CHANGE_NAMES_NEW_TEAM = SopRule(
    "team_change_names_new_team", "3.2.3", "a team change names a new team"
)
MANAGER_CHANGE_NAMES_NEW_MANAGER = SopRule(
    "manager_change_names_new_manager", "3.2.3", "a manager change names a new manager"
)
REPORTING_LINES_DO_NOT_LOOP = SopRule(
    "reporting_lines_do_not_loop",
    "3.2.3",
    "reporting lines do not loop: nobody reports to someone who reports to them",
)

# Recurring duties (policy: ``recurring_duties``), re-run by the conformance review
TRAINING_EVERY_PERIOD = SopRule(
    "training_every_period",
    "3.2.2",
    "each employee the duty applies to takes periodic training in every period its cadence "
    "sets (yearly by default)",
)
CAREER_PLAN_REVIEWED_EVERY_PERIOD = SopRule(
    "career_plan_reviewed_every_period",
    "3.2.3",
    "each employee the duty applies to has their career development plan reviewed in every "
    "period its cadence sets (yearly by default)",
)
