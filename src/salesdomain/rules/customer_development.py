"""SOP 2.1 Customer development: market research, prospect screening, first contact."""

from salesdomain.rules.rule import SopRule

SECTION = "2.1"

# 2.1.1 Market research
RESEARCH_NOTE_RECORDS_MARKET_INFORMATION = SopRule(
    "research_note_records_market_information",
    "2.1.1",
    "a research note records market information: trends, competitors, demand, policy changes "
    "or competitor prices",
)
COMPETITOR_PRICE_RECORDED_ONCE = SopRule(
    "competitor_price_recorded_once", "2.1.1", "a competitor price is recorded once"
)
MARKET_SIZE_RECORDED_ONCE = SopRule(
    "market_size_recorded_once",
    "2.1.1",
    "a research note records one market size per dimension, segment and period",
)
MARKET_SIZES_PER_NOTE = SopRule(
    "market_sizes_per_note",
    "2.1.1",
    "a research note records at most 200 market sizes (more: another note)",
)

# 2.1.2 Prospect screening
COMPANY_REGISTERED_ONCE = SopRule(
    "company_registered_once", "2.1.2", "the same company must not be registered twice"
)
CONTACT_PERSON_RECORDED_ONCE = SopRule(
    "contact_person_recorded_once", "2.1.2", "a contact person is recorded once per customer"
)
PROSPECT_QUALIFIED_ONCE = SopRule(
    "prospect_qualified_once", "2.1.2", "a prospect is qualified once"
)
PROSPECT_QUALIFIED_AFTER_ASSESSMENT = SopRule(
    "prospect_qualified_after_assessment",
    "2.1.2",
    "a prospect is qualified only after its need intent, purchasing power and decision "
    "process have been assessed",
)
PROSPECT_QUALIFIED_AS_POLICY_ALLOWS = SopRule(
    "prospect_qualified_as_policy_allows",
    "2.1.2",
    "a prospect is qualified only with an assessment the policy allows, or with an "
    "override that records who approved it and why",
)
QUALIFICATION_OVERRIDE_BY_AUTHORISED_ROLE = SopRule(
    "qualification_override_by_authorised_role",
    "2.1.2",
    "a qualification outside the policy is approved by someone other than the one "
    "qualifying, under a role the policy authorises",
)
PROSPECT_DISQUALIFIED_ONCE = SopRule(
    "prospect_disqualified_once", "2.1.2", "a prospect is disqualified once"
)
CUSTOMER_CORRECTION_CHANGES_DETAILS = SopRule(
    "customer_correction_changes_details",
    "2.1.2",
    "a customer's details (company name, region, industry) are corrected by its owner or a "
    "sales lead, with a reason, and a correction changes at least one of them",
)
CUSTOMER_DEACTIVATED_ONCE = SopRule(
    "customer_deactivated_once",
    "2.1.2",
    "an active customer is deactivated by its owner or a sales lead, with a reason; an inactive "
    "one is not deactivated again (its open opportunities run to their close)",
)
CUSTOMER_MERGED_INTO_ANOTHER_RECORD = SopRule(
    "customer_merged_into_another_record",
    "2.1.2",
    "two records of the same company are merged by a sales lead, with a reason: one record "
    "into another, never into itself",
)
MERGED_CUSTOMER_KEPT_AS_HISTORY = SopRule(
    "merged_customer_kept_as_history",
    "2.1.2",
    "a customer record merged into another is kept as it was, linked to the record it was "
    "merged into: nothing more is recorded on it, nothing is merged into it, and a record "
    "others were merged into is not merged away (the work goes on under that record)",
)
CUSTOMER_REACTIVATED_WHEN_INACTIVE = SopRule(
    "customer_reactivated_when_inactive",
    "2.1.2",
    "only an inactive customer is reactivated, by its owner or a sales lead, with a reason",
)

# 2.1.3 Contact and communication
OPPORTUNITY_FOR_QUALIFIED_PROSPECT = SopRule(
    "opportunity_for_qualified_prospect",
    "2.1.3",
    "an opportunity is opened only for a qualified prospect",
)
OPPORTUNITY_FOR_ACTIVE_CUSTOMER = SopRule(
    "opportunity_for_active_customer",
    "2.1.3",
    "no new opportunity is opened for an inactive customer (it is reactivated first)",
)
OPPORTUNITY_FOR_SURVIVING_CUSTOMER = SopRule(
    "opportunity_for_surviving_customer",
    "2.1.3",
    "no new opportunity is opened for a customer record merged into another: it is opened "
    "for the record it was merged into",
)
OPPORTUNITY_CLOSES_TODAY_OR_LATER = SopRule(
    "opportunity_closes_today_or_later",
    "2.1.3",
    "a new opportunity is expected to close today or later",
)

# Recurring duties (policy: ``recurring_duties``), re-run by the conformance review
MARKET_RESEARCH_EVERY_PERIOD = SopRule(
    "market_research_every_period",
    "2.1.1",
    "each sales team records market research in every period its cadence sets "
    "(quarterly by default)",
)
