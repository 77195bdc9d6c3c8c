"""SOP 3.3 Performance and incentives: KPI system, cycle, appraisal, incentives."""

from salesdomain.rules.rule import SopRule

SECTION = "3.3"

APPRAISAL_FOLLOW_UP_AFTER_FINAL_SCORE = SopRule(
    "appraisal_follow_up_after_final_score",
    "3.3",
    "incentives, coaching and closing follow the final score, before the appraisal is closed",
)

# 3.3.1 KPI system
ONE_KPI_SCHEME_PER_PERIOD = SopRule(
    "one_kpi_scheme_per_period", "3.3.1", "one KPI scheme per cycle and period"
)
KPI_WEIGHTS_SUM_TO_WHOLE = SopRule(
    "kpi_weights_sum_to_whole", "3.3.1", "the weights of the indicators sum to 100%"
)
KPI_SCHEME_FIXED_ONCE_USED = SopRule(
    "kpi_scheme_fixed_once_used", "3.3.1", "a KPI scheme is fixed once an appraisal uses it"
)
TARGETS_FOR_ACTIVE_STAFF = SopRule(
    "targets_for_active_staff", "3.3.1", "targets are set for active sales staff and teams"
)
REVISED_TARGET_CHANGES_FIGURES = SopRule(
    "revised_target_changes_figures", "3.3.1", "a revised target changes the figures"
)
TARGETS_FOR_CURRENT_OR_COMING_PERIOD = SopRule(
    "targets_for_current_or_coming_period",
    "3.3.1",
    "targets are set for the current or a coming period, not one that has ended",
)
EXPENSE_RECORDED_ONCE_INCURRED = SopRule(
    "expense_recorded_once_incurred", "3.3.1", "an expense is recorded once it has been incurred"
)
EXPENSE_DECIDED_ONCE = SopRule(
    "expense_decided_once", "3.3.1", "an expense is approved or rejected once"
)
EXPENSE_BY_MANAGER = SopRule(
    "expense_by_manager",
    "3.3.1",
    "a sales expense is approved or rejected by the spender's manager",
)

# 3.3.2 Cycle
KPI_WEIGHTING_BY_CYCLE = SopRule(
    "kpi_weighting_by_cycle",
    "3.3.2",
    "monthly appraisals weigh process indicators; quarterly and annual ones weigh results and "
    "customer indicators",
)

# 3.3.3 Appraisal
APPRAISED_ONCE_PER_PERIOD = SopRule(
    "appraised_once_per_period", "3.3.3", "an employee is appraised once per period"
)
APPRAISEE_IS_CURRENT_EMPLOYEE = SopRule(
    "appraisee_is_current_employee", "3.3.3", "only a current employee is appraised"
)
APPRAISEE_HAS_MANAGER = SopRule(
    "appraisee_has_manager",
    "3.3.3",
    "the supervisor scores the appraisal: the employee needs a manager on record",
)
APPRAISAL_AT_CYCLE_END = SopRule(
    "appraisal_at_cycle_end", "3.3.3", "an appraisal is made at cycle end"
)
APPRAISAL_USES_PERIOD_SCHEME = SopRule(
    "appraisal_uses_period_scheme",
    "3.3.3",
    "an appraisal uses the KPI scheme of its cycle and period: define it first (3.3.1)",
)
APPRAISAL_STEPS_IN_ORDER = SopRule(
    "appraisal_steps_in_order",
    "3.3.3",
    "an appraisal's steps are taken in order: actual figures, self-assessment, supervisor's "
    "scores, feedback interview, improvement plan, final score, close",
)
ACTUALS_FOR_EVERY_INDICATOR = SopRule(
    "actuals_for_every_indicator",
    "3.3.3",
    "an actual figure is recorded for every indicator of the KPI scheme, and only for those",
)
ACTUAL_AS_KPI_VIEW_OR_CORRECTED = SopRule(
    "actual_as_kpi_view_or_corrected",
    "3.3.3",
    "each actual figure states the KPI view's figure for the period as of its end and "
    "equals it, or is recorded as a correction with its reason",
)
SCORE_FOLLOWS_FROM_ACTUALS = SopRule(
    "score_follows_from_actuals",
    "3.3.3",
    "each indicator's score follows from its actual figure, its target and the KPI "
    "system's scoring formula (policy); a different score is a manager's judgement, "
    "allowed only on the indicators the policy names",
)
JUDGEMENT_WITHIN_POLICY_BOUND = SopRule(
    "judgement_within_policy_bound",
    "3.3.3",
    "a manager's judgement moves an indicator's score from the formula's by no more than "
    "the policy allows for that indicator, and records why",
)
SCORES_FOR_EVERY_INDICATOR = SopRule(
    "scores_for_every_indicator",
    "3.3.3",
    "the supervisor scores for every indicator of the KPI scheme, and only for those",
)
FEEDBACK_INTERVIEW_RECORDED_ONCE_HELD = SopRule(
    "feedback_interview_recorded_once_held",
    "3.3.3",
    "a feedback interview is recorded once it has been held",
)
IMPROVEMENT_GOALS_AHEAD = SopRule(
    "improvement_goals_ahead", "3.3.3", "the goals of an improvement plan lie ahead"
)
APPRAISAL_NOT_BY_APPRAISEE = SopRule(
    "appraisal_not_by_appraisee",
    "3.3.3",
    "no one appraises themselves; only the self-assessment is the employee's",
)
APPRAISAL_BY_MANAGER_OR_HR = SopRule(
    "appraisal_by_manager_or_hr",
    "3.3.3",
    "the employee's own manager scores and interviews; opening, finalising and closing are "
    "the manager's or HR's",
)
APPRAISAL_COMPLETED_IN_TIME = SopRule(
    "appraisal_completed_in_time",
    "3.3.3",
    "an appraisal is completed within the set time after its cycle ends",
)

# 3.3.4 Incentives
NO_REWARD_BELOW_STANDARD = SopRule(
    "no_reward_below_standard",
    "3.3.4",
    "a result below standard earns no bonus, pay rise, promotion or recognition; it calls for "
    "coaching and training",
)
COACHING_REVIEW_AHEAD = SopRule(
    "coaching_review_ahead", "3.3.4", "a coaching plan's review lies ahead"
)
BELOW_STANDARD_CLOSED_WITH_COACHING = SopRule(
    "below_standard_closed_with_coaching",
    "3.3.4",
    "a result below standard is closed only with a coaching plan",
)
INCENTIVE_BY_SENIOR_APPROVER = SopRule(
    "incentive_by_senior_approver",
    "3.3.4",
    "an incentive is decided by a policy approver senior to the employee",
)
PROMOTION_TO_NEW_POSITION = SopRule(
    "promotion_to_new_position", "3.3.4", "a promotion moves the employee to a new position"
)
PROMOTION_DOES_NOT_LOWER_PAY = SopRule(
    "promotion_does_not_lower_pay", "3.3.4", "a promotion does not lower pay"
)
PAY_CHANGE_NAMES_NEW_SALARY = SopRule(
    "pay_change_names_new_salary", "3.3.4", "a pay change names a new salary"
)
SALARY_IN_CONTRACT_CURRENCY = SopRule(
    "salary_in_contract_currency",
    "3.3.4",
    "a salary is paid in the currency of the labour contract",
)
PROMOTION_AND_PAY_BY_SENIOR = SopRule(
    "promotion_and_pay_by_senior",
    "3.3.4",
    "a promotion or pay change is approved by a sales manager or above, senior to the employee",
)
ESCALATION_RESOLVED_ONCE = SopRule(
    "escalation_resolved_once", "3.3.4", "an escalation is resolved once"
)
ESCALATION_BY_HANDLER = SopRule(
    "escalation_by_handler",
    "3.3.4",
    "an escalation is resolved by a role the policy names, not by the employee",
)
