"""salesdomain: the company's sales SOP as executable, auditable, event-sourced software.

Import the commands you need, build the system with ``salesdomain.adapters.bootstrap.bootstrap()``
(or construct ``SalesApplication`` with an eventsourcing environment) and call
``app.handle(command, actor)``.
"""

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
