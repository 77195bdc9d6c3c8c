"""SOP 3.1 Recruitment: hiring needs, channels, screening and interviews, the hire."""

from salesdomain.rules.rule import SopRule

SECTION = "3.1"

REQUISITION_CLOSED = SopRule(
    "requisition_closed", "3.1", "nothing more is recorded on a closed requisition"
)
CANDIDATE_FORGOTTEN = SopRule(
    "candidate_forgotten",
    "3.1",
    "nothing more is recorded on a candidate whose personal data was forgotten on request",
)

# 3.1.1 Hiring needs
HIRING_NEED_AGREED_ONCE = SopRule(
    "hiring_need_agreed_once", "3.1.1", "a hiring need is agreed once"
)

# 3.1.2 Channel choice
CHANNELS_FOR_AGREED_NEED = SopRule(
    "channels_for_agreed_need",
    "3.1.2",
    "channels are chosen for a hiring need agreed with the sales head (3.1.1)",
)

# 3.1.3 Screening and interviews
CANDIDATES_FOR_AGREED_NEED = SopRule(
    "candidates_for_agreed_need",
    "3.1.3",
    "candidates are sought only for a hiring need agreed with the sales head",
)
APPLICATION_THROUGH_CHOSEN_CHANNEL = SopRule(
    "application_through_chosen_channel",
    "3.1.3",
    "a candidate applies through one of the channels chosen for the position",
)
CV_SCREENED_ONCE = SopRule("cv_screened_once", "3.1.3", "a CV is screened once")
CV_SCREENED_AGAINST_REQUIREMENTS = SopRule(
    "cv_screened_against_requirements",
    "3.1.3",
    "the CV is screened against every requirement of the position, and only those",
)
SCREENING_PASSED_ON_EVERY_REQUIREMENT = SopRule(
    "screening_passed_on_every_requirement",
    "3.1.3",
    "a candidate passes screening only if the CV meets every requirement",
)
INTERVIEW_AFTER_SCREENING = SopRule(
    "interview_after_screening",
    "3.1.3",
    "interviews are held with candidates who passed screening, before the decision",
)
INTERVIEW_ASSESSES_EVERY_CRITERION = SopRule(
    "interview_assesses_every_criterion",
    "3.1.3",
    "every interview assesses product knowledge, selling skill, communication, teamwork and "
    "professionalism",
)
INTERVIEWER_IS_ACTIVE = SopRule(
    "interviewer_is_active", "3.1.3", "interviews are held by active employees"
)
INTERVIEW_RECORDED_ONCE_HELD = SopRule(
    "interview_recorded_once_held", "3.1.3", "an interview is recorded once it was held"
)

# 3.1.4 Hiring decision
CANDIDATE_DECIDED = SopRule(
    "candidate_decided",
    "3.1.4",
    "nothing more is recorded on a candidate who was screened out, rejected or hired",
)
HIRE_DECIDED_ONCE = SopRule("hire_decided_once", "3.1.4", "a hire is decided once, after screening")
HIRE_AFTER_ON_SITE_INTERVIEW = SopRule(
    "hire_after_on_site_interview",
    "3.1.4",
    "a hire is decided on the whole picture: after an on-site interview",
)
REJECTION_AFTER_SCREENING = SopRule(
    "rejection_after_screening",
    "3.1.4",
    "a candidate is rejected on the whole picture: screen the CV first (3.1.3)",
)
HIRE_DECIDED_BY_MANAGER = SopRule(
    "hire_decided_by_manager",
    "3.1.4",
    "a hire is decided by a sales manager, sales director or general manager",
)
OFFER_FOLLOWS_HIRE = SopRule("offer_follows_hire", "3.1.4", "an offer follows a decision to hire")
OFFER_START_NOT_IN_PAST = SopRule(
    "offer_start_not_in_past", "3.1.4", "the start date of an offer is not in the past"
)
OFFER_ANSWERED_WHILE_WAITING = SopRule(
    "offer_answered_while_waiting",
    "3.1.4",
    "only an offer waiting for the candidate's answer is accepted or declined",
)
LABOUR_CONTRACT_AFTER_ACCEPTANCE = SopRule(
    "labour_contract_after_acceptance",
    "3.1.4",
    "the labour contract is signed after the offer is accepted",
)
LABOUR_CONTRACT_RECORDED_ONCE_SIGNED = SopRule(
    "labour_contract_recorded_once_signed",
    "3.1.4",
    "a labour contract is recorded once it is signed",
)
LABOUR_CONTRACT_SIGNED_IN_TIME = SopRule(
    "labour_contract_signed_in_time",
    "3.1.4",
    "the hire completes onboarding formalities and signs the labour contract within the set time",
)
REQUISITION_WITHIN_HEADCOUNT = SopRule(
    "requisition_within_headcount",
    "3.1.4",
    "a requisition cannot hire more than its headcount",
)
ENROLMENT_OUTSIDE_RECRUITMENT_BY_EXCEPTION = SopRule(
    "enrolment_outside_recruitment_by_exception",
    "3.1.4",
    "once the staff register is founded, people join through recruitment (a signed labour "
    "contract) or are enrolled under a recorded exception naming who approved it, under "
    "which role, and why",
)
ENROLMENT_EXCEPTION_BY_AUTHORISED_ROLE = SopRule(
    "enrolment_exception_by_authorised_role",
    "3.1.4",
    "an enrolment exception is approved under a role the policy authorises, by someone "
    "other than the HR person entering it; the person enrolled approves their own entry "
    "only as the register's first holder of such a role",
)
EMPLOYEE_REGISTERED_ONCE = SopRule(
    "employee_registered_once", "3.1.4", "an employee is registered once"
)
ROLE_GRANTED_ONCE = SopRule("role_granted_once", "3.1.4", "a role is granted once")
ROLE_REVOKED_IF_HELD = SopRule(
    "role_revoked_if_held", "3.1.4", "only a role the employee holds can be revoked"
)
ACTIVE_EMPLOYEE_KEEPS_A_ROLE = SopRule(
    "active_employee_keeps_a_role",
    "3.1.4",
    "an active employee keeps at least one role; record the leaving instead",
)
ROLES_BY_HR = SopRule(
    "roles_by_hr", "3.1.4", "roles are granted and revoked by HR, never one's own"
)
LAST_DAY_NOT_BEFORE_START = SopRule(
    "last_day_not_before_start", "3.1.4", "the last day is not before the start date"
)
ACTOR_IS_AN_ACTIVE_EMPLOYEE_HOLDING_THE_ROLE = SopRule(
    "actor_is_an_active_employee_holding_the_role",
    "3.1.4",
    "every step is done by an active employee holding the role they act under",
)
