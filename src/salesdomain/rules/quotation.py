"""SOP 2.3 Quotation: present the solution, price and quote, negotiate the price."""

from salesdomain.rules.rule import SopRule

SECTION = "2.3"

# 2.3.1 Present the solution
PRESENTED_SOLUTION_DESIGNED = SopRule(
    "presented_solution_designed", "2.3.1", "only a designed solution can be presented"
)
PRESENTED_SOLUTION_FEASIBLE = SopRule(
    "presented_solution_feasible",
    "2.3.1",
    "the solution is presented only after the departments involved confirm it is feasible",
)
SOLUTION_ACKNOWLEDGED_AFTER_PRESENTATION = SopRule(
    "solution_acknowledged_after_presentation",
    "2.3.1",
    "the customer acknowledges a solution after it has been presented",
)
SOLUTION_ACKNOWLEDGED_ONCE = SopRule(
    "solution_acknowledged_once", "2.3.1", "the solution has already been acknowledged"
)

# 2.3.2 Price and quote
QUOTE_FOR_ACKNOWLEDGED_SOLUTION = SopRule(
    "quote_for_acknowledged_solution",
    "2.3.2",
    "no quote without a solution presented to and acknowledged by the customer (2.3.1)",
)
QUOTE_VALID_FROM_ISSUE = SopRule(
    "quote_valid_from_issue", "2.3.2", "a quote is valid from the day it is issued"
)
QUOTE_DELIVERY_NOT_IN_PAST = SopRule(
    "quote_delivery_not_in_past", "2.3.2", "the delivery date cannot be in the past"
)
PRICE_SET_FROM_TODAY_OR_LATER = SopRule(
    "price_set_from_today_or_later",
    "2.3.2",
    "a list price or standard cost takes effect today or later: what was in force on a past "
    "day stays as the quotes of that day used it",
)
QUOTED_PRODUCT_PRICED_IN_CATALOGUE = SopRule(
    "quoted_product_priced_in_catalogue",
    "2.3.2",
    "a catalogue product is quoted in a currency in which it has a list price and a standard "
    "cost in force on the day of the quote",
)
CATALOGUE_LINE_NOT_TYPED_IN = SopRule(
    "catalogue_line_not_typed_in",
    "2.3.2",
    "a catalogue product's name and standard cost come from the catalogue, not typed into "
    "the quote",
)
AD_HOC_LINE_ALLOWED_BY_POLICY = SopRule(
    "ad_hoc_line_allowed_by_policy",
    "2.3.2",
    "a product that is not in the catalogue is quoted (as an ad-hoc line) only by a role the "
    "policy allows to",
)
AD_HOC_LINE_NAMES_PRODUCT_AND_COST = SopRule(
    "ad_hoc_line_names_product_and_cost",
    "2.3.2",
    "an ad-hoc line names its product and its unit cost, the catalogue having neither",
)
QUOTE_ACCEPTED_WHILE_VALID = SopRule(
    "quote_accepted_while_valid", "2.3.2", "an expired quote cannot be accepted"
)

# 2.3.3 Negotiate the price
QUOTE_WITHIN_AUTHORITY_OR_APPROVED = SopRule(
    "quote_within_authority_or_approved",
    "2.3.3",
    "a discount or margin beyond the representative's authority needs a sales manager's "
    "approval, granted for the quote's priced lines, before the revised quote can be issued",
)
APPROVAL_OF_THIS_OPPORTUNITY = SopRule(
    "approval_of_this_opportunity",
    "2.3.3",
    "a quote names a discount approval given on its own opportunity",
)
APPROVAL_GRANTED = SopRule(
    "approval_granted", "2.3.3", "a quote is issued only under a granted discount approval"
)
APPROVAL_COVERS_ONE_QUOTE = SopRule(
    "approval_covers_one_quote", "2.3.3", "a discount approval covers one quote"
)
APPROVAL_FOR_THE_PRICED_LINES = SopRule(
    "approval_for_the_priced_lines",
    "2.3.3",
    "a quote under a discount approval has the priced lines it approved",
)
NEGOTIATION_ON_ISSUED_QUOTE = SopRule(
    "negotiation_on_issued_quote", "2.3.3", "a price is negotiated on a quote that was issued"
)
PRICES_APPROVED_FOR_ACKNOWLEDGED_SOLUTION = SopRule(
    "prices_approved_for_acknowledged_solution",
    "2.3.3",
    "prices are approved for a solution the customer has acknowledged",
)
ONE_DISCOUNT_REQUEST_AT_A_TIME = SopRule(
    "one_discount_request_at_a_time",
    "2.3.3",
    "one discount approval is decided before another is requested",
)
DISCOUNT_REQUESTED_BEYOND_AUTHORITY = SopRule(
    "discount_requested_beyond_authority",
    "2.3.3",
    "approval is requested only for a discount or margin beyond the representative's authority",
)
DISCOUNT_DECIDED_ON_REQUEST = SopRule(
    "discount_decided_on_request",
    "2.3.3",
    "a discount is approved or rejected only while a request for it waits",
)
DISCOUNT_APPROVED_WITHIN_AUTHORITY = SopRule(
    "discount_approved_within_authority",
    "2.3.3",
    "a discount is approved by a policy approver within their own authority",
)
DISCOUNT_NOT_SELF_APPROVED = SopRule(
    "discount_not_self_approved", "2.3.3", "no one approves their own discount request"
)
ACCEPTED_QUOTE_ISSUED = SopRule(
    "accepted_quote_issued", "2.3.3", "only an issued quote can be accepted"
)
SUPERSEDED_QUOTE_NOT_ACCEPTED = SopRule(
    "superseded_quote_not_accepted", "2.3.3", "a superseded quote cannot be accepted"
)
