"""SOP 4 Sales data: collection and cleaning (4.1), including personal data forgotten on
request."""

from salesdomain.rules.rule import SopRule

SECTION = "4"

# 4.1.1 Sources: the product catalogue
PRODUCT_LISTED_ONCE = SopRule(
    "product_listed_once", "4.1.1", "a product code is listed in the catalogue once"
)
CATALOGUE_PRODUCT_WITHDRAWN = SopRule(
    "catalogue_product_withdrawn",
    "4.1.1",
    "a product withdrawn from the catalogue is no longer priced, quoted or withdrawn again",
)

# 4.1.2 Cleaning
ONLY_CUSTOMERS_CONTACT_FORGOTTEN = SopRule(
    "only_customers_contact_forgotten",
    "4.1.2",
    "only a contact person of the customer can be forgotten",
)
CONTACT_FORGOTTEN_ONCE = SopRule(
    "contact_forgotten_once", "4.1.2", "a contact person's personal data is forgotten once"
)
NO_PERSONAL_DATA_AFTER_FORGETTING = SopRule(
    "no_personal_data_after_forgetting",
    "4.1.2",
    "no personal data is recorded for a data subject who was forgotten on request",
)
