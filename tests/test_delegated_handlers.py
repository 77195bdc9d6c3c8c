"""Handlers that only pass a command on (``salesdomain.handling.delegate_to``): the
mapping from a command's fields to a method's parameters is checked when the handlers'
module is imported, so a misspelt field or parameter fails loudly there, never at the
first command."""

from __future__ import annotations

import re

import pytest

import salesdomain.application  # noqa: F401  (imports every area's handlers)
from salesdomain.commands import Command
from salesdomain.handling import HANDLERS, delegate_to
from salesdomain.opportunities import commands as oc
from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.orders import commands as orders
from salesdomain.orders.order import Order


def test_a_delegated_handler_says_what_it_does() -> None:
    assert HANDLERS[orders.CancelOrder].__doc__ == (
        "Loads the Order by the command's order_id and passes the command's fields to Order.cancel."
    )


@pytest.mark.parametrize(
    ("command", "method", "refusal"),
    [
        # a field the method does not take (a typo on either side)
        (oc.AcknowledgeSolution, Opportunity.approve_discount, "takes no 'acknowledged_by'"),
        # a parameter neither the command nor the unit of work gives
        (oc.RejectDiscount, Opportunity.mark_lost, "takes 'reason', which nothing gives"),
        # no field to load the record by
        (orders.CancelOrder, Opportunity.mark_lost, "has no field 'opportunity_id'"),
    ],
)
def test_a_command_that_does_not_fit_the_method_is_refused_at_registration(
    command: type[Command], method: object, refusal: str
) -> None:
    registered = dict(HANDLERS)
    with pytest.raises(TypeError, match=re.escape(refusal)):
        delegate_to(Opportunity, by="opportunity_id")(command, method)  # type: ignore[arg-type]
    assert registered == HANDLERS


def test_a_method_of_another_record_is_refused() -> None:
    with pytest.raises(TypeError, match="is not a method of Order"):
        delegate_to(Order, by="order_id")(orders.CancelOrder, Opportunity.mark_lost)  # type: ignore[arg-type]


def test_a_command_handled_already_is_refused() -> None:
    with pytest.raises(TypeError, match="CancelOrder already has a handler"):
        delegate_to(Order, by="order_id")(orders.CancelOrder, Order.cancel)
