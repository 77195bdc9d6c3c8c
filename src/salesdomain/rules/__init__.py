"""The catalogue of the SOP's rules: every rule the domain enforces and every rule the
conformance review re-runs over the history, each with an id, its step and its text.

A refusal (``SopRuleViolation``) and a breach in a conformance report name their rule by
its id; ``rule_named(id)`` finds it here.  The rules are written one module per SOP
section (``contract`` is 2.4, ``recruitment`` 3.1, ...; ``general`` holds the rules that
hold at every step of a chapter), so a reviewer reads them in the SOP's order;
``docs/rules.md`` lists them all (``salesdomain rules --markdown``).

Checked when this package is imported: ids are snake_case and unique, each constant is
named after its rule's id, each step exists in the SOP and lies in its module's section.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType, ModuleType

from salesdomain.rules import (
    after_sales,
    contract,
    customer_development,
    data,
    forecast,
    general,
    needs_analysis,
    order_execution,
    performance,
    quotation,
    recruitment,
    teamwork,
    training,
)
from salesdomain.rules.rule import SopRule
from salesdomain.sop import SopStep, step, steps

SECTIONS: tuple[ModuleType, ...] = (
    general,
    customer_development,
    needs_analysis,
    quotation,
    contract,
    order_execution,
    after_sales,
    recruitment,
    training,
    performance,
    teamwork,
    data,
    forecast,
)
"""The catalogue's modules, in the SOP's order."""


class UnknownRule(LookupError):
    """An id that names no rule of the catalogue."""

    def __init__(self, rule_id: str) -> None:
        super().__init__(f"'{rule_id}' is not a rule of the SOP rule catalogue")
        self.rule_id = rule_id


def _in_section(code: str, section: str) -> bool:
    if not section:  # the chapter-wide rules
        return "." not in code
    return code == section or code.startswith(section + ".")


def _collect(modules: Iterable[ModuleType]) -> dict[str, SopRule]:
    found: dict[str, SopRule] = {}
    for module in modules:
        section: str = module.SECTION
        for name, value in vars(module).items():
            if not isinstance(value, SopRule):
                continue
            where = f"{module.__name__}.{name}"
            if name != value.id.upper():
                raise ValueError(f"{where} names rule '{value.id}': name it {value.id.upper()}")
            if value.id in found:
                raise ValueError(f"{where}: rule id '{value.id}' is used twice")
            if not _in_section(value.sop_step, section):
                raise ValueError(
                    f"{where} is SOP {value.sop_step}, outside {section or 'chapters'}"
                )
            found[value.id] = value
    order = {s.code: n for n, s in enumerate(steps())}
    return dict(sorted(found.items(), key=lambda item: order[item[1].sop_step]))


RULES: Mapping[str, SopRule] = MappingProxyType(_collect(SECTIONS))
"""Every rule by id, in the SOP's order of their steps."""


def sections() -> tuple[tuple[SopStep, tuple[SopRule, ...]], ...]:
    """The rules under their SOP section heading ("2.5 Order execution"; a chapter's
    own rules under the chapter, "3 Sales team management"), in the SOP's order."""
    grouped: dict[str, list[SopRule]] = {}
    for found in RULES.values():
        grouped.setdefault(".".join(found.sop_step.split(".")[:2]), []).append(found)
    return tuple((step(code), tuple(rules)) for code, rules in grouped.items())


def rule_named(rule_id: str) -> SopRule:
    """The rule with this id; ``UnknownRule`` if the catalogue has none."""
    try:
        return RULES[rule_id]
    except KeyError:
        raise UnknownRule(rule_id) from None


__all__ = ["RULES", "SECTIONS", "SopRule", "UnknownRule", "rule_named", "sections"]
