"""SOP 2.2 Needs analysis: discover, prioritise, design the solution."""

from salesdomain.rules.rule import SopRule

SECTION = "2.2"

# 2.2.1 Discover needs
NEEDS_DISCOVERED_IN_CONTACT = SopRule(
    "needs_discovered_in_contact",
    "2.2.1",
    "needs are discovered in contact with the customer: log a contact or visit first",
)
NEEDS_FIXED_ONCE_QUOTED = SopRule(
    "needs_fixed_once_quoted", "2.2.1", "needs cannot be changed once a quote has been issued"
)

# 2.2.2 Consolidate and prioritise needs
NEEDS_PRIORITISED_AFTER_RECORDED = SopRule(
    "needs_prioritised_after_recorded",
    "2.2.2",
    "needs are prioritised only after they are recorded",
)
EVERY_RECORDED_NEED_RANKED = SopRule(
    "every_recorded_need_ranked", "2.2.2", "every recorded need is ranked, and only recorded needs"
)
PRIORITIES_FIXED_ONCE_DESIGNED = SopRule(
    "priorities_fixed_once_designed",
    "2.2.2",
    "priorities are fixed once a solution has been designed",
)

# 2.2.3 Design the solution
SOLUTION_FROM_RECORDED_NEEDS = SopRule(
    "solution_from_recorded_needs",
    "2.2.3",
    "no solution without recorded needs: discover (2.2.1) and prioritise (2.2.2) the needs first",
)
SOLUTION_FIXED_ONCE_QUOTED = SopRule(
    "solution_fixed_once_quoted",
    "2.2.3",
    "the solution cannot be redesigned once a quote has been issued",
)
FEASIBILITY_OF_DESIGNED_SOLUTION = SopRule(
    "feasibility_of_designed_solution", "2.2.3", "feasibility is confirmed for a designed solution"
)
FEASIBILITY_BEFORE_PRESENTATION = SopRule(
    "feasibility_before_presentation",
    "2.2.3",
    "feasibility is confirmed before the solution is presented",
)
