"""The SOP step catalogue: every code of the company's sales SOP, in code.

Each step has its code (the document's own section number), its title, the roles
responsible for it and, where the SOP sets one, a time limit.  Every recorded event
names one of these codes; a code that is not here cannot be recorded.

Sections 4.2.2-4.2.4 are the expected continuation of the cut-off document (marked
``from_document=False``); everything else is the document's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from salesdomain.labels import Labelled


class Role(Labelled):
    """A role a person acts under.  The SOP names them in sections 1-4."""

    SALES_REPRESENTATIVE = "sales_representative"
    SALES_SUPERVISOR = "sales_supervisor"
    SALES_MANAGER = "sales_manager"
    SALES_DIRECTOR = "sales_director"
    GENERAL_MANAGER = "general_manager"
    MARKETING = "marketing"
    LEGAL = "legal"
    PRODUCTION = "production"
    PROCUREMENT = "procurement"
    QUALITY_CONTROL = "quality_control"
    LOGISTICS = "logistics"
    AFTER_SALES = "after_sales"
    HR = "hr"
    SALES_OPERATIONS = "sales_operations"
    COMPLIANCE_REVIEWER = "compliance_reviewer"
    """Reads everything, performs no step (the read policy, ``salesdomain.access``)."""
    AUTOMATED_POLICY = "automated_policy"


@dataclass(frozen=True)
class TimeLimit:
    """A time limit the SOP sets for a step.

    The SOP says that a limit exists; the company's policy data sets its length
    (``policy_key`` names the policy field), ``default`` is used when policy is silent.
    """

    rule: str
    policy_key: str
    default: timedelta


@dataclass(frozen=True)
class SopStep:
    code: str
    title: str
    roles: frozenset[Role]
    time_limit: TimeLimit | None = None
    from_document: bool = True

    @property
    def is_section(self) -> bool:
        """A section heading ("2.3") groups steps; events name steps ("2.3.2")."""
        return self.code.count(".") < 2

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


R = Role
_SALES = frozenset({R.SALES_REPRESENTATIVE, R.SALES_SUPERVISOR, R.SALES_MANAGER})
_SALES_LEAD = frozenset({R.SALES_SUPERVISOR, R.SALES_MANAGER, R.SALES_DIRECTOR})
_APPROVERS = frozenset({R.SALES_MANAGER, R.SALES_DIRECTOR, R.GENERAL_MANAGER})
_DEPARTMENTS = frozenset(
    {R.PRODUCTION, R.PROCUREMENT, R.QUALITY_CONTROL, R.LOGISTICS, R.AFTER_SALES, R.LEGAL}
)
_ALL = frozenset(Role) - {R.AUTOMATED_POLICY}


def _s(
    code: str,
    title: str,
    roles: frozenset[Role] = frozenset(),
    time_limit: TimeLimit | None = None,
    *,
    from_document: bool = True,
) -> SopStep:
    return SopStep(code, title, roles, time_limit, from_document)


_STEPS: tuple[SopStep, ...] = (
    _s("1", "General principles"),
    _s("2", "Sales process"),
    _s("2.1", "Customer development"),
    _s("2.1.1", "Market research", _SALES | {R.MARKETING}),
    _s("2.1.2", "Prospect screening", _SALES | {R.MARKETING}),
    _s("2.1.3", "Contact and communication", _SALES),
    _s("2.2", "Needs analysis"),
    _s("2.2.1", "Discover needs", _SALES),
    _s("2.2.2", "Consolidate and prioritise needs", _SALES),
    _s("2.2.3", "Design the solution", _SALES | _DEPARTMENTS),
    _s("2.3", "Quotation"),
    _s("2.3.1", "Present the solution", _SALES),
    _s(
        "2.3.2",
        "Price and quote",
        _SALES,
        TimeLimit(
            "a quote can be accepted only while it is valid",
            "quote_validity",
            timedelta(days=30),
        ),
    ),
    _s("2.3.3", "Negotiate the price", _SALES | {R.SALES_DIRECTOR, R.GENERAL_MANAGER}),
    _s("2.4", "Contract"),
    _s("2.4.1", "Draft and review", _SALES | {R.LEGAL}),
    _s(
        "2.4.2",
        "Approve",
        _APPROVERS | _SALES,
        TimeLimit(
            "each approval level decides within the approval turnaround",
            "approval_turnaround",
            timedelta(days=3),
        ),
    ),
    _s("2.4.3", "Sign", _SALES | _APPROVERS | {R.LEGAL}),
    _s("2.5", "Order execution"),
    _s(
        "2.5.1",
        "Enter the order and coordinate",
        _SALES | {R.SALES_DIRECTOR, R.GENERAL_MANAGER, R.PRODUCTION, R.PROCUREMENT, R.LOGISTICS},
    ),
    _s("2.5.2", "Production and procurement", frozenset({R.PRODUCTION, R.PROCUREMENT})),
    _s(
        "2.5.3",
        "Quality control",
        frozenset({R.QUALITY_CONTROL, R.PRODUCTION}),
        TimeLimit(
            "the final inspection is done before the delivery date",
            "inspection_before_delivery",
            timedelta(days=0),
        ),
    ),
    _s("2.5.4", "Logistics and delivery", _SALES | {R.LOGISTICS}),
    _s("2.6", "After-sales service"),
    _s(
        "2.6.1",
        "Handle feedback",
        _SALES | {R.AFTER_SALES},
        TimeLimit(
            "respond to customer feedback within the set time limit",
            "feedback_response",
            timedelta(hours=24),
        ),
    ),
    _s("2.6.2", "Deliver service", frozenset({R.AFTER_SALES})),
    _s("2.6.3", "Satisfaction surveys", frozenset({R.AFTER_SALES, R.MARKETING, R.SALES_MANAGER})),
    _s("3", "Sales team management"),
    _s("3.1", "Recruitment"),
    _s("3.1.1", "Hiring needs", frozenset({R.HR}) | _SALES_LEAD),
    _s("3.1.2", "Channel choice", frozenset({R.HR})),
    _s("3.1.3", "Screening and interviews", frozenset({R.HR}) | _SALES_LEAD),
    _s(
        "3.1.4",
        "Hiring decision",
        frozenset({R.HR, R.SALES_MANAGER, R.SALES_DIRECTOR, R.GENERAL_MANAGER}),
        TimeLimit(
            "the hire completes onboarding formalities within the set time",
            "onboarding_formalities",
            timedelta(days=14),
        ),
    ),
    _s("3.2", "Training and development"),
    _s("3.2.1", "Onboarding training", frozenset({R.HR}) | _SALES_LEAD),
    _s("3.2.2", "Periodic training", frozenset({R.HR}) | _SALES_LEAD),
    _s("3.2.3", "Career development plan", frozenset({R.HR}) | _SALES_LEAD),
    _s("3.3", "Performance and incentives"),
    _s("3.3.1", "KPI system", frozenset({R.HR, R.SALES_MANAGER, R.SALES_DIRECTOR})),
    _s("3.3.2", "Cycle", frozenset({R.HR, R.SALES_MANAGER, R.SALES_DIRECTOR})),
    _s(
        "3.3.3",
        "Appraisal",
        frozenset({R.HR}) | _SALES | _SALES_LEAD,
        TimeLimit(
            "the appraisal is completed within the set time after the cycle ends",
            "appraisal_completion",
            timedelta(days=15),
        ),
    ),
    _s(
        "3.3.4",
        "Incentives",
        frozenset({R.HR, R.SALES_SUPERVISOR, R.SALES_MANAGER, R.SALES_DIRECTOR, R.GENERAL_MANAGER}),
    ),
    _s("3.4", "Teamwork and communication"),
    _s("3.4.1", "Team building", _SALES | _SALES_LEAD),
    _s("3.4.2", "Team meetings", _SALES | _SALES_LEAD),
    _s("3.4.3", "Cross-department coordination", _ALL),
    _s("4", "Sales data analysis and monitoring"),
    _s("4.1", "Data collection and cleaning"),
    _s("4.1.1", "Sources", _SALES | {R.SALES_OPERATIONS, R.MARKETING}),
    _s("4.1.2", "Cleaning", frozenset({R.SALES_OPERATIONS, R.SALES_MANAGER})),
    _s("4.2", "Analysis and reports"),
    _s("4.2.1", "Standard metrics", _SALES_LEAD | {R.SALES_OPERATIONS, R.GENERAL_MANAGER}),
    _s(
        "4.2.2",
        "Periodic sales reports",
        _SALES_LEAD | {R.SALES_OPERATIONS, R.GENERAL_MANAGER},
        from_document=False,
    ),
    _s(
        "4.2.3",
        "Pipeline and forecast",
        _SALES | _SALES_LEAD | {R.SALES_OPERATIONS, R.GENERAL_MANAGER},
        from_document=False,
    ),
    _s(
        "4.2.4",
        "Monitoring and alerts",
        _SALES_LEAD | {R.SALES_OPERATIONS, R.GENERAL_MANAGER},
        from_document=False,
    ),
)


CATALOGUE: dict[str, SopStep] = {step.code: step for step in _STEPS}


class UnknownSopStep(LookupError):
    """A code that is not in the SOP catalogue."""

    def __init__(self, code: str) -> None:
        super().__init__(f"'{code}' is not a step of the sales SOP")
        self.code = code


def step(code: str) -> SopStep:
    """The step with this code; ``UnknownSopStep`` if the SOP has no such step."""
    try:
        return CATALOGUE[code]
    except KeyError:
        raise UnknownSopStep(code) from None


def recordable_step(code: str) -> SopStep:
    """A step an event can be recorded under: it exists and is not a section heading."""
    found = step(code)
    if found.is_section:
        raise UnknownSopStep(f"{code} (a section heading, not a step)")
    return found


def steps() -> tuple[SopStep, ...]:
    return _STEPS
