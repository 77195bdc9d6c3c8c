"""SOP 2.5 Order execution: enter and coordinate, produce and buy, inspect, deliver."""

from salesdomain.rules.rule import SopRule

SECTION = "2.5"

ORDER_CLOSED = SopRule(
    "order_closed", "2.5", "nothing more is recorded on an order that is completed or cancelled"
)

# 2.5.1 Enter the order and coordinate
AMENDMENT_NOT_BELOW_SHIPPED = SopRule(
    "amendment_not_below_shipped",
    "2.5.1",
    "an amended contract cannot order less than has already been shipped",
)
COORDINATION_DEADLINE_NOT_IN_PAST = SopRule(
    "coordination_deadline_not_in_past",
    "2.5.1",
    "a coordination task's deadline cannot be in the past",
)
COORDINATION_TASK_ASSIGNED = SopRule(
    "coordination_task_assigned", "2.5.1", "only an assigned coordination task can be completed"
)
COORDINATION_TASK_COMPLETED_ONCE = SopRule(
    "coordination_task_completed_once", "2.5.1", "a coordination task is completed once"
)
COORDINATION_TASK_ON_TIME = SopRule(
    "coordination_task_on_time", "2.5.1", "a coordination task is completed by its due date"
)
ORDER_CANCELLED_BEFORE_SHIPPING = SopRule(
    "order_cancelled_before_shipping",
    "2.5.1",
    "an order is cancelled only before anything has shipped",
)
ORDER_CANCELLED_BY_ALLOWED_ROLE = SopRule(
    "order_cancelled_by_allowed_role",
    "2.5.1",
    "an order is cancelled only by a role the policy allows",
)

# 2.5.2 Production and procurement
PRODUCTION_PLAN_MEETS_DELIVERY_DATE = SopRule(
    "production_plan_meets_delivery_date",
    "2.5.2",
    "production plans the work to meet the delivery date: a plan finishing later is "
    "recorded only once the customer was told (whom, when, how), or after the delivery "
    "date was renegotiated by amending the contract",
)
PURCHASE_AGAINST_PLAN = SopRule(
    "purchase_against_plan",
    "2.5.2",
    "procurement buys materials against the production plan: record the plan first",
)
PURCHASE_RECORDED_ONCE = SopRule(
    "purchase_recorded_once", "2.5.2", "each purchase is recorded once"
)
SUPPLIER_FOLLOWED_UP_ON_PURCHASE = SopRule(
    "supplier_followed_up_on_purchase",
    "2.5.2",
    "suppliers are followed up on a recorded purchase",
)

# 2.5.3 Quality control
INSPECTED_GOODS_ON_ORDER = SopRule(
    "inspected_goods_on_order", "2.5.3", "only goods of the order are inspected for it"
)
INSPECTION_RECORDED_ONCE_DONE = SopRule(
    "inspection_recorded_once_done", "2.5.3", "an inspection is recorded once it has taken place"
)
LOT_REINSPECTED_AS_SAME_PRODUCT = SopRule(
    "lot_reinspected_as_same_product", "2.5.3", "a lot is inspected again as the same product"
)
FAILED_LOT_REWORKED_FIRST = SopRule(
    "failed_lot_reworked_first",
    "2.5.3",
    "a failed lot goes back to production for rework before it is inspected again",
)
PASSED_LOT_NOT_REINSPECTED = SopRule(
    "passed_lot_not_reinspected",
    "2.5.3",
    "a lot that passed the final inspection is not inspected again",
)
REWORK_AFTER_FAILED_INSPECTION = SopRule(
    "rework_after_failed_inspection",
    "2.5.3",
    "only a lot that failed inspection goes back for rework",
)
INSPECTED_BEFORE_DELIVERY = SopRule(
    "inspected_before_delivery",
    "2.5.3",
    "every ordered item passes the final inspection before the delivery date",
)

# 2.5.4 Logistics and delivery
CUSTOMER_TOLD_BEFORE_DISPATCH = SopRule(
    "customer_told_before_dispatch", "2.5.4", "the customer is told before dispatch"
)
EXPECTED_ARRIVAL_NOT_IN_PAST = SopRule(
    "expected_arrival_not_in_past", "2.5.4", "the expected arrival cannot be in the past"
)
TRACKING_NUMBER_ONE_SHIPMENT = SopRule(
    "tracking_number_one_shipment", "2.5.4", "a tracking number identifies one shipment"
)
DISPATCH_AS_NOTIFIED = SopRule(
    "dispatch_as_notified",
    "2.5.4",
    "before dispatch tell the customer the tracking number and expected arrival",
)
SHIPPED_GOODS_ON_ORDER = SopRule(
    "shipped_goods_on_order", "2.5.4", "only goods of the order are shipped"
)
SHIPMENTS_WITHIN_ORDERED_QUANTITY = SopRule(
    "shipments_within_ordered_quantity", "2.5.4", "shipments never exceed the ordered quantity"
)
SHIPMENT_AFTER_PASSED_INSPECTION = SopRule(
    "shipment_after_passed_inspection", "2.5.4", "no shipment without a passed inspection"
)
DELIVERY_OF_DISPATCHED_SHIPMENT = SopRule(
    "delivery_of_dispatched_shipment",
    "2.5.4",
    "delivery is confirmed for a dispatched shipment",
)
RECEIPT_CONFIRMED_ONCE = SopRule(
    "receipt_confirmed_once", "2.5.4", "a shipment's receipt is confirmed once"
)
RECEIPT_AFTER_DISPATCH = SopRule(
    "receipt_after_dispatch",
    "2.5.4",
    "goods are received after dispatch and before they are confirmed",
)
