"""SOP 4.2.3 Pipeline and forecast: the forecast category of each open opportunity,
set by its owner and reviewed by the owner's manager (ADR 52)."""

from salesdomain.rules.rule import SopRule

SECTION = "4.2.3"

FORECAST_OF_OPEN_OPPORTUNITY = SopRule(
    "forecast_of_open_opportunity",
    "4.2.3",
    "a forecast category is set and reviewed only while the opportunity is open",
)
FORECAST_CATEGORY_SET_BY_OWNER = SopRule(
    "forecast_category_set_by_owner",
    "4.2.3",
    "an opportunity's forecast category (commit, best case, pipeline, omitted) is set by "
    "its owner; an opportunity never categorised counts as pipeline",
)
FORECAST_CATEGORY_CHANGES_IT = SopRule(
    "forecast_category_changes_it",
    "4.2.3",
    "the owner sets a forecast category the opportunity does not have already",
)
FORECAST_REVIEWED_BY_OWNERS_MANAGER = SopRule(
    "forecast_reviewed_by_owners_manager",
    "4.2.3",
    "an opportunity's forecast category is reviewed by the owner's manager on the staff "
    "register, who confirms it or changes it",
)
FORECAST_CHANGE_HAS_REASON = SopRule(
    "forecast_change_has_reason",
    "4.2.3",
    "a manager who changes the owner's forecast category says why",
)
