"""One business case told in two halves, a few minutes between steps (freezegun).

Before the cut: a prospect qualified, the deal won, the contract signed, the order
entered with a coordination task and 40 units passed.  After it: the rest shipped and
confirmed, a complaint about the order taken and answered, a second deal opened.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from salesdomain.application import SalesApplication
from tests import builders as b
from tests import order_builders as ob
from tests.spec import Step
from tests.test_aftersales_rules import ADA, assign, classify, receive, respond

T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)
STEP = timedelta(minutes=5)


class Case:
    def __init__(self) -> None:
        self.opp, self.contract, self.service_case, self.second = uuid4(), uuid4(), uuid4(), uuid4()
        self.order = ob.order_of(self.contract)
        self.customer = b.customer_id(b.register())

    def first_half(self) -> list[Step]:
        return [
            *ob.entered_order(self.opp, self.contract),
            (ob.task(self.order), b.ALICE),
            (ob.inspect(self.order, "40", lot="L1"), ob.QIN),
        ]

    def second_half(self) -> list[Step]:
        from salesdomain.aftersales.values import FeedbackKind

        return [
            (ob.inspect(self.order, "60", lot="L2"), ob.QIN),
            (ob.complete_task(self.order), b.PAT),
            (ob.notify(self.order), ob.LOU),
            (ob.dispatch(self.order), ob.LOU),
            (ob.confirm(self.order), ob.LOU),
            (receive(self.customer, self.service_case, self.order), b.ALICE),
            (classify(self.service_case, FeedbackKind.COMPLAINT), b.ALICE),
            (assign(self.service_case), b.ALICE),
            (respond(self.service_case), ADA),
            (b.open_opportunity(self.customer, self.second), b.BOB),
        ]


def run(app: SalesApplication, steps: Sequence[Step], frozen: object) -> None:
    """Each step, then ``STEP`` later (``frozen`` is freezegun's frozen clock)."""
    for command, actor in steps:
        app.handle(command, actor)
        frozen.tick(STEP)  # type: ignore[attr-defined]
