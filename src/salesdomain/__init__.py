"""salesdomain: the company's sales SOP as executable, auditable, event-sourced software.

Import the commands you need, build the system with ``salesdomain.adapters.bootstrap.bootstrap()``
(or construct ``SalesApplication`` with an eventsourcing environment) and call
``app.handle(command, actor)``.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from salesdomain.aggregate import Evidence, SopAggregate
    from salesdomain.application import SalesApplication
    from salesdomain.command_record import CommandResult, RecordedEvent
    from salesdomain.commands import COMMANDS, Command, build_command
    from salesdomain.errors import (
        AlreadyRegistered,
        CommandIdReused,
        ConcurrencyConflict,
        FieldProblem,
        InvalidCommand,
        NotAuthorised,
        RecordAlreadyExists,
        RecordNotFound,
        SalesDomainError,
        SopRuleViolation,
    )
    from salesdomain.opportunities.opportunity import Opportunity
    from salesdomain.opportunities.stages import Stage
    from salesdomain.policy import SalesPolicy
    from salesdomain.prospecting.customer import Customer
    from salesdomain.prospecting.market_research import MarketResearch
    from salesdomain.rules import SopRule, rule_named
    from salesdomain.sop import CATALOGUE, Role, SopStep
    from salesdomain.values import Actor, Money

__version__ = "0.2.0"
"""The one version number (pyproject.toml reads it; the CLI and web API show it)."""

__all__ = [
    "CATALOGUE",
    "COMMANDS",
    "Actor",
    "AlreadyRegistered",
    "Command",
    "CommandIdReused",
    "CommandResult",
    "ConcurrencyConflict",
    "Customer",
    "Evidence",
    "FieldProblem",
    "InvalidCommand",
    "MarketResearch",
    "Money",
    "NotAuthorised",
    "Opportunity",
    "RecordAlreadyExists",
    "RecordNotFound",
    "RecordedEvent",
    "Role",
    "SalesApplication",
    "SalesDomainError",
    "SalesPolicy",
    "SopAggregate",
    "SopRule",
    "SopRuleViolation",
    "SopStep",
    "Stage",
    "__version__",
    "build_command",
    "rule_named",
]

_WHERE = {
    "Evidence": "salesdomain.aggregate",
    "SopAggregate": "salesdomain.aggregate",
    "SalesApplication": "salesdomain.application",
    "CommandResult": "salesdomain.command_record",
    "RecordedEvent": "salesdomain.command_record",
    "COMMANDS": "salesdomain.commands",
    "Command": "salesdomain.commands",
    "build_command": "salesdomain.commands",
    "AlreadyRegistered": "salesdomain.errors",
    "CommandIdReused": "salesdomain.errors",
    "ConcurrencyConflict": "salesdomain.errors",
    "FieldProblem": "salesdomain.errors",
    "InvalidCommand": "salesdomain.errors",
    "NotAuthorised": "salesdomain.errors",
    "RecordAlreadyExists": "salesdomain.errors",
    "RecordNotFound": "salesdomain.errors",
    "SalesDomainError": "salesdomain.errors",
    "SopRuleViolation": "salesdomain.errors",
    "Opportunity": "salesdomain.opportunities.opportunity",
    "Stage": "salesdomain.opportunities.stages",
    "SalesPolicy": "salesdomain.policy",
    "Customer": "salesdomain.prospecting.customer",
    "MarketResearch": "salesdomain.prospecting.market_research",
    "SopRule": "salesdomain.rules",
    "rule_named": "salesdomain.rules",
    "CATALOGUE": "salesdomain.sop",
    "Role": "salesdomain.sop",
    "SopStep": "salesdomain.sop",
    "Actor": "salesdomain.values",
    "Money": "salesdomain.values",
}
"""Where each name above is defined: imported when first asked for (PEP 562), so that a
command line in client mode, which needs none of them, starts without the domain
(ADR 55)."""


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
