"""Views store whatever the domain accepts (issue 13), on every store: names of
``NAME_LENGTH`` characters of multibyte text, free text of ``TEXT_LENGTH``, an actor's
name of ``TEXT_LENGTH``, amounts just under ``AMOUNT_LIMIT``, quantities just under
``QUANTITY_LIMIT``, a price times a quantity to eight places, and sums of them.

The deal: a customer, a product and a region named with four-byte characters, owned by
a representative whose name is free text of ``TEXT_LENGTH``; estimated just under
``AMOUNT_LIMIT``; quoted and signed for just under ``QUANTITY_LIMIT`` units at
999,999.9999 CNY; the units pass inspection and ship in two lots and two shipments
each, and are delivered. A second opportunity is lost with a reason of ``TEXT_LENGTH``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import uuid4, uuid5

from freezegun import freeze_time
from salesdomain.projections.kpi import kpi_table
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.read_models import ReadModels
from sqlalchemy import select

from salesdomain.bounds import AMOUNT_LIMIT, NAME_LENGTH, QUANTITY_LIMIT, TEXT_LENGTH
from salesdomain.opportunities import commands as oc
from salesdomain.opportunities.values import QuoteLine
from salesdomain.sop import Role
from salesdomain.values import Actor
from tests import builders as b
from tests import contract_builders as cb
from tests import order_builders as ob

FROZEN = "2026-03-02 09:00:00+00:00"
ESTIMATE = AMOUNT_LIMIT - Decimal("0.0001")  # 999,999,999,999,999.9999
QUANTITY = QUANTITY_LIMIT - Decimal("0.0001")  # 999,999,999.9999
FIRST_LOT = Decimal("500000000.0001")
PRICE = Decimal("999999.9999")
BOOKED = PRICE * QUANTITY  # 999,999,999,899,900.00000001: eight places, under 10^15
COMPANY = "𠀀" * NAME_LENGTH  # four bytes in UTF-8 each
REGION = "區" * NAME_LENGTH
PRODUCT = "產" * NAME_LENGTH
REASON = "理由\n" * (TEXT_LENGTH // 3) + "理"  # free text, line breaks allowed
REP = Actor(
    employee_id=uuid5(b._NS, "long name"),
    role=Role.SALES_REPRESENTATIVE,
    name="代" * TEXT_LENGTH,
)
GINA = b.person("Gina General", Role.GENERAL_MANAGER)


def _line() -> QuoteLine:
    return b.line("BIG-1", PRODUCT, "規" * NAME_LENGTH, str(QUANTITY), str(PRICE), "1")


def _history(app: Any) -> tuple[Any, Any, Any]:
    assert len(REASON) == TEXT_LENGTH
    reg = b.register(name=COMPANY, reg="BIG0001", region=REGION, industry="業" * NAME_LENGTH)
    cid = b.customer_id(reg)
    won, lost, contract = uuid4(), uuid4(), uuid4()
    order = ob.order_of(contract)
    opened = b.open_opportunity(cid, won).model_copy(
        update={"title": "題" * NAME_LENGTH, "estimated_value": b.money(str(ESTIMATE))}
    )
    second_lot = QUANTITY - FIRST_LOT
    steps = [
        *b.qualified_customer(reg, by=REP),
        (opened, REP),
        *b.through_acknowledged(won, cid, by=REP)[1:],
        (b.quote(won, lines=(_line(),)), REP),
        (oc.AcceptQuote(opportunity_id=won, quote_version=1, accepted_by="Li Na"), REP),
        (cb.draft(won, contract), b.LEO),
        (cb.review(contract), REP),
        (cb.approve(contract), b.MIA),
        (cb.approve(contract), b.DAN),
        (cb.approve(contract), GINA),
        (cb.sign(contract, ours=cb.signatory(GINA)), b.MIA),  # beyond a manager's authority
        (ob.task(order, description=REASON, owner_name=COMPANY), REP),
        (ob.inspect(order, str(FIRST_LOT), lot="L1", product="BIG-1"), ob.QIN),
        (ob.inspect(order, str(second_lot), lot="L2", product="BIG-1"), ob.QIN),
        (ob.notify(order, "TRK-1"), ob.LOU),
        (ob.dispatch(order, str(FIRST_LOT), "TRK-1", product="BIG-1"), ob.LOU),
        (ob.notify(order, "TRK-2"), ob.LOU),
        (ob.dispatch(order, str(second_lot), "TRK-2", product="BIG-1"), ob.LOU),
        (ob.confirm(order, "TRK-1", reference="DN-1"), ob.LOU),
        (ob.confirm(order, "TRK-2", reference="DN-2"), ob.LOU),
        (b.open_opportunity(cid, lost), REP),
        (
            oc.MarkOpportunityLost(
                opportunity_id=lost, reason=REASON, competitor="競" * NAME_LENGTH
            ),
            REP,
        ),
    ]
    with freeze_time(FROZEN):
        for command, actor in steps:
            app.handle(command, actor)
    return won, lost, order


def _rows(views: ReadModels, view: str, table: str, **where: Any) -> list[Any]:
    t = views.runner(view).tables()[table]
    query = select(t).where(*[t.c[k] == v for k, v in where.items()])
    with views.engine.connect() as conn:
        return list(conn.execute(query))


def _march(models: ReadModels) -> list[Any]:
    """The KPI view's figures for March 2026, all teams together."""
    tables = models.runner("kpi").tables()
    since, until = date(2026, 3, 1), date(2026, 3, 31)
    return kpi_table(models.engine, tables, grain="month", by="total", since=since, until=until)


def test_views_store_names_texts_amounts_and_sums_at_the_bounds(app, views):
    won, lost, order = _history(app)
    models = ReadModels(views, ApplicationLog(app))

    reached = models.catch_up()

    assert models.stopped == {}
    assert set(reached.values()) == {ApplicationLog(app).head()}
    (opportunity,) = _rows(models, "pipeline", "opportunities", opportunity_id=str(won))
    assert (opportunity.customer_name, opportunity.region) == (COMPANY, REGION)
    assert opportunity.title == "題" * NAME_LENGTH
    assert opportunity.owner_name == REP.name
    assert opportunity.amount == BOOKED.quantize(Decimal("0.0001"))  # the quote's total
    amounts = [row.amount for row in _rows(models, "pipeline", "amounts", opportunity_id=str(won))]
    assert amounts[0] == ESTIMATE
    assert str(amounts[0]) == "999999999999999.9999"
    (lost_row,) = _rows(models, "pipeline", "opportunities", opportunity_id=str(lost))
    assert (lost_row.lost_reason, lost_row.competitor) == (REASON, "競" * NAME_LENGTH)

    (product,) = _rows(models, "kpi", "products", product_code="BIG-1")
    assert product.name == PRODUCT
    bookings = [r.value for r in _rows(models, "kpi", "facts", measure="bookings")]
    assert bookings == [BOOKED]
    (line,) = _rows(models, "kpi", "order_lines", order_id=str(order))
    assert (line.quantity, line.unit_price) == (QUANTITY, PRICE)
    (month,) = _march(models)
    assert month.units == QUANTITY
    assert month.bookings == BOOKED.quantize(Decimal("0.01"))

    (goods,) = _rows(models, "operations", "order_products", order_id=str(order))
    assert (goods.ordered, goods.passed, goods.shipped, goods.delivered) == (QUANTITY,) * 4
    (task,) = _rows(models, "operations", "tasks", order_id=str(order))
    assert (task.description, task.owner_name) == (REASON, COMPANY)

    audit = _rows(models, "audit", "entries", aggregate_id=str(lost))
    assert {entry.actor_name for entry in audit} == {REP.name}
    assert any(REASON in (entry.description or "") for entry in audit)


def test_revenue_of_two_deals_just_under_the_amount_limit_adds_up(app, views):
    deals = [_history_of_revenue(app, i) for i in range(2)]
    models = ReadModels(views, ApplicationLog(app))

    models.catch_up()

    assert models.stopped == {}
    revenue = [r.value for r in _rows(models, "kpi", "facts", measure="revenue")]
    assert revenue == [ESTIMATE] * len(deals)
    (month,) = _march(models)
    assert month.revenue == 2 * ESTIMATE.quantize(Decimal("0.01"))


def _history_of_revenue(app: Any, number: int) -> Any:
    """One unit at 999,999,999,999,999.9999 CNY, signed, shipped and delivered."""
    reg = b.register(name=f"Revenue {number} Ltd", reg=f"REV{number:04d}")
    opp, contract = uuid4(), uuid4()
    order = ob.order_of(contract)
    line = _line().model_copy(update={"quantity": Decimal(1), "unit_price": b.money(str(ESTIMATE))})
    steps = [
        *b.qualified_customer(reg),
        *b.through_acknowledged(opp, b.customer_id(reg)),
        (b.quote(opp, lines=(line,)), b.ALICE),
        (oc.AcceptQuote(opportunity_id=opp, quote_version=1, accepted_by="Li Na"), b.ALICE),
        (cb.draft(opp, contract), b.LEO),
        (cb.review(contract), b.ALICE),
        (cb.approve(contract), b.MIA),
        (cb.approve(contract), b.DAN),
        (cb.approve(contract), GINA),
        (cb.sign(contract, ours=cb.signatory(GINA)), b.MIA),  # beyond a manager's authority
        (ob.inspect(order, "1", lot="L1", product="BIG-1"), ob.QIN),
        (ob.notify(order, "TRK-1"), ob.LOU),
        (ob.dispatch(order, "1", "TRK-1", product="BIG-1"), ob.LOU),
        (ob.confirm(order, "TRK-1"), ob.LOU),
    ]
    with freeze_time(FROZEN):
        for command, actor in steps:
            app.handle(command, actor)
    return order
