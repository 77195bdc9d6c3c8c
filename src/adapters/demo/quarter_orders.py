"""The quarter's contracts and orders: drafted to signed, coordinated, produced,
inspected and delivered (SOP 2.4-2.5)."""

from __future__ import annotations

from datetime import date, timedelta

from salesdomain.adapters.demo.cast import _Cast
from salesdomain.adapters.demo.won_deal import _Won

from salesdomain.contracts import commands as cc
from salesdomain.contracts.contract import Contract
from salesdomain.orders import commands as odc
from salesdomain.orders import values as odv
from salesdomain.orders.order import Order
from salesdomain.sop import Role


class _OrderSteps(_Cast):
    """SOP 2.4 contracts and 2.5 orders of the won deals."""

    # ---- 2.4 contracts ---------------------------------------------------------------------

    def contracts(self) -> None:
        co = self.co
        small, large = self.won_straight, self.won_escalated
        co.on(date(2026, 2, 2))
        small.draft()
        large.draft()
        small.review()
        large.review()
        small.approve(co.mia, "Terms match the accepted quote")
        small.sign(co.mia)
        self.coordinate(small)

        co.on(date(2026, 2, 3))
        large.approve(co.mia, "Commercially sound; discount was approved")
        co.attempt(
            "sign the Suzhou contract before the sales director approved it",
            cc.SignContract,
            co.mia,
            **large.signing(co.mia),
        )
        co.later(hours=4)
        large.reject(
            co.dan,
            "No liability cap, and the delivery date leaves production no margin",
        )
        co.on(date(2026, 2, 4))
        contract = co.app.load(Contract, large.contract_id)
        large.revise(
            liability="Liability capped at 10% of the contract amount",
            delivery_date=contract.current_terms.delivery_date + timedelta(days=14),
        )
        large.review(
            delivery_date="Customer agreed two more weeks on the call of 4 February",
        )
        large.approve(co.mia, "Revision 2 reviewed: liability cap and date acceptable")
        co.later(hours=3)
        large.approve(co.dan, "Approved at director level")
        co.on(date(2026, 2, 5))
        co.attempt(
            "sign the Suzhou contract for the company as a sales manager, beyond her "
            "signing authority",
            cc.SignContract,
            co.mia,
            **large.signing(co.mia),
        )
        large.sign(co.dan)
        self.coordinate(large)

    def coordinate(self, won: _Won) -> None:
        """2.5.1: the departments get their tasks as soon as the order is entered."""
        co = self.co
        won.coordinate(
            (Role.PRODUCTION, co.pat, "Confirm line capacity for the RK-3 kits"),
            (Role.PROCUREMENT, co.quinn, "Order castings and sensors against the plan"),
            (Role.LOGISTICS, co.lou, "Book road freight for the delivery window"),
        )

    # ---- 2.5.1-2.5.2 the orders are coordinated, planned, procured --------------------------

    def order_coordination(self) -> None:
        co = self.co
        small, large = self.won_straight, self.won_escalated
        co.on(date(2026, 2, 10))
        late = co.app.load(Order, large.order).delivery_date + timedelta(days=7)
        co.attempt(
            "plan the Suzhou order to finish after its delivery date, the customer not told",
            odc.RecordProductionPlan,
            co.pat,
            order_id=large.order,
            plan=odv.ProductionPlan(planned_start=co.today, planned_finish=late),
        )
        for won in (small, large):
            delivery = co.app.load(Order, won.order).delivery_date
            won.plan(finish=delivery - timedelta(days=14))
        small.procure("PO-2026-011", "Ningbo Castings", "Housing casting", 20, days=12)
        large.procure("PO-2026-012", "Ningbo Castings", "Housing casting", 90, days=12)
        large.procure("PO-2026-013", "Shenzhen Sensors", "Vibration sensor", 180, days=10)
        co.on(date(2026, 2, 16))
        large.follow_up("PO-2026-012", "Second pour needed; castings three days late", 3)

    # ---- 2.5.3-2.5.4 production, quality, delivery -------------------------------------------

    def production_and_delivery(self) -> None:
        co = self.co
        small, large = self.won_straight, self.won_escalated
        small_qty = int(co.app.load(Order, small.order).lines.units)
        large_qty = int(co.app.load(Order, large.order).lines.units)
        first = large_qty * 3 // 5
        rest = large_qty - first

        co.on(date(2026, 3, 3))
        small.inspect("HZ-L1", small_qty)
        small.ship("SF-HZ-0001", small_qty)
        large.inspect("SZ-L1", first)
        large.ship("SF-SZ-0001", first)
        co.on(date(2026, 3, 4))
        planned = large.notify("SF-SZ-0002")
        large.inspect("SZ-L2", rest, passed=False, findings="Weld seam porosity on six housings")
        co.attempt(
            "ship the Suzhou lot that failed its final inspection",
            odc.DispatchShipment,
            co.lou,
            **large.shipment("SF-SZ-0002", rest, planned),
        )
        co.on(date(2026, 3, 5))
        small.confirm("SF-HZ-0001", "DN-HZ-0001")
        large.confirm("SF-SZ-0001", "DN-SZ-0001")
        co.later(hours=2)
        large.rework("SZ-L2", "Seams ground out and re-welded; housings pressure-tested")
        co.on(date(2026, 3, 9))
        large.inspect("SZ-L2", rest)
        large.ship("SF-SZ-0002", rest)
        co.on(date(2026, 3, 11))
        large.confirm("SF-SZ-0002", "DN-SZ-0002")
