"""Handlers of the product catalogue: the product is found by its code."""

from __future__ import annotations

from salesdomain.catalogue import commands as c
from salesdomain.catalogue.product import Product
from salesdomain.catalogue.values import product_id_for
from salesdomain.handling import UnitOfWork, handles


@handles(c.ListProduct)
def list_product(cmd: c.ListProduct, uow: UnitOfWork) -> None:
    product_id = product_id_for(cmd.product_code)
    uow.add(
        Product.list_in_catalogue(
            uow.evidence,
            product_id=product_id,
            existing=uow.find(Product, product_id),
            product_code=cmd.product_code,
            name=cmd.name,
            unit=cmd.unit,
            kind=cmd.kind,
            description=cmd.description,
            list_price=cmd.list_price,
            standard_cost=cmd.standard_cost,
            reason=cmd.reason,
            policy=uow.policy,
            today=uow.now().date(),
        )
    )


def _product(
    cmd: c.SetListPrice | c.SetStandardCost | c.WithdrawProduct, uow: UnitOfWork
) -> Product:
    return uow.load(Product, product_id_for(cmd.product_code))


@handles(c.SetListPrice)
def set_list_price(cmd: c.SetListPrice, uow: UnitOfWork) -> None:
    _product(cmd, uow).set_list_price(
        uow.evidence,
        price=cmd.price,
        effective_from=cmd.effective_from,
        reason=cmd.reason,
        policy=uow.policy,
        today=uow.now().date(),
    )


@handles(c.SetStandardCost)
def set_standard_cost(cmd: c.SetStandardCost, uow: UnitOfWork) -> None:
    _product(cmd, uow).set_standard_cost(
        uow.evidence,
        cost=cmd.cost,
        effective_from=cmd.effective_from,
        reason=cmd.reason,
        policy=uow.policy,
        today=uow.now().date(),
    )


@handles(c.WithdrawProduct)
def withdraw_product(cmd: c.WithdrawProduct, uow: UnitOfWork) -> None:
    _product(cmd, uow).withdraw(uow.evidence, reason=cmd.reason, policy=uow.policy)
