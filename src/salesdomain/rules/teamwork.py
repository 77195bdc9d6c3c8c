"""SOP 3.4 Teamwork and communication: team meetings and cross-department hand-offs."""

from salesdomain.rules.rule import SopRule

SECTION = "3.4"

ACTION_ITEM_DUE_AFTER_AGREED = SopRule(
    "action_item_due_after_agreed",
    "3.4",
    "an action item is due on or after the day it is agreed",
)
ACTION_ITEM_COMPLETED_ONCE = SopRule(
    "action_item_completed_once", "3.4", "an action item is completed once"
)

# 3.4.2 Team meetings
TEAM_MEETING_RECORDED_ONCE_HELD = SopRule(
    "team_meeting_recorded_once_held", "3.4.2", "a team meeting is recorded once it has been held"
)
ONLY_AGREED_ACTION_ITEM_COMPLETED = SopRule(
    "only_agreed_action_item_completed", "3.4.2", "only an agreed action item can be completed"
)
ACTION_ITEM_ON_TIME = SopRule(
    "action_item_on_time",
    "3.4.2",
    "a meeting's action item or hand-off is completed by its due date",
)

# Recurring duties (policy: ``recurring_duties``), re-run by the conformance review
TEAM_MEETING_EVERY_PERIOD = SopRule(
    "team_meeting_every_period",
    "3.4.2",
    "each team holds a team meeting in every period its cadence sets (weekly by default)",
)

# 3.4.1 Team building
TEAM_BUILDING_EVERY_PERIOD = SopRule(
    "team_building_every_period",
    "3.4.1",
    "each team holds a team-building activity in every period its cadence sets "
    "(quarterly by default)",
)
