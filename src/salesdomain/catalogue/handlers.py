"""Handlers of the product catalogue: the product is found by its code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from salesdomain.catalogue import commands as c
from salesdomain.catalogue.product import Product
from salesdomain.catalogue.values import product_id_for
from salesdomain.commands import Command
from salesdomain.handling import UnitOfWork, handles


def _fields(cmd: Command, *left_out: str) -> dict[str, Any]:
    """The command's fields by name, as they are (``model_dump`` would turn money into
    plain data), but ``command_id`` and ``left_out``."""
    return {
        name: getattr(cmd, name)
        for name in type(cmd).model_fields
        if name not in ("command_id", *left_out)
    }


@handles(c.ListProduct)
def list_product(cmd: c.ListProduct, uow: UnitOfWork) -> None:
    product_id = product_id_for(cmd.product_code)
    uow.add(
        Product.list_in_catalogue(
            uow.evidence,
            product_id=product_id,
            existing=uow.find(Product, product_id),
            **_fields(cmd),
            policy=uow.policy,
            today=uow.now().date(),
        )
    )


def _on_product(command_class: type[Command], method: Callable[..., None], *, dated: bool) -> None:
    """Registers the handler that loads the product the command names by its code and
    passes its other fields to ``method``, with the policy (and today, if ``dated``)."""

    def handler(cmd: Any, uow: UnitOfWork) -> None:  # a command naming a product_code
        product = uow.load(Product, product_id_for(cmd.product_code))
        today = {"today": uow.now().date()} if dated else {}
        method(product, uow.evidence, **_fields(cmd, "product_code"), policy=uow.policy, **today)

    handler.__name__ = handler.__qualname__ = f"passes_{command_class.__name__}"
    handler.__doc__ = (
        f"Loads the Product by the command's product_code and passes its fields to "
        f"{method.__qualname__}."
    )
    handles(command_class)(handler)


_on_product(c.SetListPrice, Product.set_list_price, dated=True)
_on_product(c.SetStandardCost, Product.set_standard_cost, dated=True)
_on_product(c.WithdrawProduct, Product.withdraw, dated=False)
