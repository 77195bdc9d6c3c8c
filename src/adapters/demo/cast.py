"""The quarter's customers and records: who the story follows (seed data)."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from salesdomain.adapters.demo.company import _Company
from salesdomain.adapters.demo.deal import _Deal, _lines
from salesdomain.adapters.demo.won_deal import _Won

from salesdomain.opportunities.values import OfferedLine
from salesdomain.prospecting.values import SourceChannel


class _Cast:
    """The quarter's cast of customers and the records its story follows: prices,
    ids and the six prospects, all drawn from the seed (in this order)."""

    def __init__(self, co: _Company) -> None:
        self.co = co
        rng = co.rng
        self.price = Decimal(rng.choice([10400, 10800, 11200]))
        self.cost = (self.price * Decimal("0.62")).quantize(Decimal("1"))
        self.requisition = co.id("requisition sales representative 2026")
        self.candidates = {
            co.nora.name: co.id("candidate Nora Feng"),
            "Ivan Guo": co.id("candidate Ivan Guo"),
        }
        self.meeting = co.id("weekly meeting 2026-02-09")
        self.expenses: list[UUID] = []
        self.appraisals: list[UUID] = []
        self.service_case = co.id("service case Hangzhou spindle")
        self.service_visit = co.id("service visit Hangzhou spindle")
        self.straight = _Deal(
            co,
            "Hangzhou Precision Machinery Co., Ltd.",
            "East China",
            "Machinery",
            SourceChannel.TRADE_SHOW,
            co.alice,
            "Li Na",
        )
        self.escalated = _Deal(
            co,
            "Suzhou Bright Textiles Co., Ltd.",
            "East China",
            "Textiles",
            SourceChannel.REFERRAL,
            co.bob,
            "Zhang Wei",
        )
        self.lost_on_price = _Deal(
            co,
            "Ningbo Harbour Logistics Ltd.",
            "East China",
            "Logistics",
            SourceChannel.ONLINE_PLATFORM,
            co.carol,
            "Chen Jie",
        )
        self.lost_early = _Deal(
            co,
            "Shanghai Urban Devices Co., Ltd.",
            "East China",
            "Electronics",
            SourceChannel.SOCIAL_MEDIA,
            co.alice,
            "Wang Fang",
        )
        self.still_open = _Deal(
            co,
            "Jiaxing Auto Parts Co., Ltd.",
            "East China",
            "Automotive",
            SourceChannel.TRADE_SHOW,
            co.carol,
            "Liu Yang",
        )
        self.screened_out = _Deal(
            co,
            "Wuxi Green Foods Co.",
            "East China",
            "Food",
            SourceChannel.INDUSTRY_REPORT,
            co.carol,
            "Zhao Lei",
        )
        self.won_straight = _Won(self.straight)
        self.won_escalated = _Won(self.escalated)

    @property
    def deals(self) -> list[_Deal]:
        return [
            self.straight,
            self.escalated,
            self.lost_on_price,
            self.lost_early,
            self.still_open,
            self.screened_out,
        ]

    def lines(self, qty: int, price: Decimal | None = None) -> list[OfferedLine]:
        return _lines("RK-3", qty, price or self.price)
