"""The one catalogue of SOP rules (``salesdomain.rules``): ids unique and named after,
steps that exist, every refusal in the source naming a rule of it, no rule that nothing
enforces or re-runs, and the docs that list the rules (docs/rules.md, the review's
table in docs/conformance.md) current."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from salesdomain.adapters.cli import app
from salesdomain.projections.conformance import RULES as REVIEWED
from typer.testing import CliRunner

from salesdomain.errors import AlreadyRegistered, SopRuleViolation
from salesdomain.rules import RULES, SECTIONS, SopRule, UnknownRule, _collect, rule_named, sections
from salesdomain.rules.order_execution import ORDER_CLOSED, SHIPPED_GOODS_ON_ORDER
from salesdomain.sop import UnknownSopStep, step

ROOT = Path(__file__).parents[1]
SOURCES = (ROOT / "src", ROOT / "projections")
CATALOGUE_DIR = ROOT / "src" / "salesdomain" / "rules"
NAMES = {r.id.upper() for r in RULES.values()}


def _modules() -> Iterator[tuple[Path, ast.Module]]:
    for root in SOURCES:
        for path in sorted(root.rglob("*.py")):
            if CATALOGUE_DIR not in path.parents:
                yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _violation_classes() -> set[str]:
    """SopRuleViolation and every class in the source that derives from it."""
    found = {"SopRuleViolation"}
    classes = [n for _, tree in _modules() for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    grew = True
    while grew:
        grew = False
        for c in classes:
            if c.name not in found and any(_name(b) in found for b in c.bases):
                found.add(c.name)
                grew = True
    return found


def _refusals() -> Iterator[tuple[str, ast.expr | None, set[str]]]:
    """Where a ``SopRuleViolation`` is made (directly, or by a subclass's ``__init__``):
    the place, its rule argument and the enclosing function's ``SopRule`` parameters."""
    violations = _violation_classes()
    for path, tree in _modules():
        where = path.relative_to(ROOT)
        for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
            if cls.name in violations - {"SopRuleViolation"}:
                for call in ast.walk(cls):
                    if isinstance(call, ast.Call) and _name(call.func) == "__init__":
                        yield f"{where}:{call.lineno}", (call.args or [None])[0], set()
        for func in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            params = {
                a.arg
                for a in func.args.args + func.args.kwonlyargs
                if a.annotation is not None and ast.unparse(a.annotation) == "SopRule"
            }
            for call in ast.walk(func):
                if isinstance(call, ast.Call) and _name(call.func) == "SopRuleViolation":
                    yield f"{where}:{call.lineno}", (call.args or [None])[0], params


# ---- the catalogue ----------------------------------------------------------------------


def test_every_rule_has_a_unique_snake_case_id_an_sop_step_and_its_text():
    collected = [v for m in SECTIONS for v in vars(m).values() if isinstance(v, SopRule)]
    assert len(collected) == len(RULES) == len({r.id for r in collected})
    for r in RULES.values():
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", r.id), r.id
        assert step(r.sop_step).code == r.sop_step
        assert r.text == r.text.strip(), r.id
        assert r.text[0].islower(), r.id
        assert rule_named(r.id) is r


def test_the_rules_are_in_the_sops_order_grouped_by_section():
    codes = [s.code for s, _ in sections()]
    assert codes[:4] == ["1", "2", "2.1", "2.2"]
    for section, rules in sections():
        assert all(r.holds_at(r.sop_step) and r.sop_step.startswith(section.code) for r in rules)
    assert [r for _, rules in sections() for r in rules] == list(RULES.values())


def test_an_unknown_id_or_step_is_refused():
    with pytest.raises(UnknownRule, match="'no_such_rule' is not a rule"):
        rule_named("no_such_rule")
    with pytest.raises(UnknownSopStep):
        SopRule("misplaced", "2.9.9", "a rule at no step")
    with pytest.raises(ValueError, match="not snake_case"):
        SopRule("Not-Snake", "2.5", "a rule")


def _section(code: str, **rules: SopRule) -> ModuleType:
    module = ModuleType(f"fake_{code}")
    module.SECTION = code  # type: ignore[attr-defined]
    for name, value in rules.items():
        setattr(module, name, value)
    return module


@pytest.mark.parametrize(
    ("modules", "problem"),
    [
        (
            [
                _section("2.5", ORDER_CLOSED=SopRule("order_closed", "2.5", "one")),
                _section("2.5", ORDER_CLOSED=SopRule("order_closed", "2.5.1", "two")),
            ],
            "used twice",
        ),
        ([_section("2.5", CLOSED=SopRule("order_closed", "2.5", "one"))], "name it ORDER_CLOSED"),
        ([_section("2.5", ORDER_CLOSED=SopRule("order_closed", "2.4", "one"))], "outside 2.5"),
        ([_section("", ORDER_CLOSED=SopRule("order_closed", "2.5", "one"))], "outside chapters"),
    ],
)
def test_the_catalogue_refuses_a_duplicate_a_misnamed_or_a_misplaced_rule(modules, problem):
    with pytest.raises(ValueError, match=problem):
        _collect(modules)


# ---- refusals name a rule of the catalogue ----------------------------------------------


def test_every_refusal_in_the_source_names_a_rule_of_the_catalogue():
    found = list(_refusals())
    assert len(found) > 150  # the scan sees the aggregates' refusals
    offences = [
        f"{where}: {ast.unparse(rule) if rule is not None else 'no rule'}"
        for where, rule, params in found
        if rule is None or not (_name(rule) in NAMES or _name(rule) in params)
    ]
    assert offences == []


def test_every_rule_is_enforced_or_re_run_by_the_review():
    used = {
        name
        for _, tree in _modules()
        for node in ast.walk(tree)
        for name in ([_name(node)] if isinstance(node, ast.Name | ast.Attribute) else [])
        if name in NAMES
    }
    reviewed = {r.id.upper() for r in REVIEWED}
    assert sorted(NAMES - used - reviewed) == []


def test_the_review_re_runs_rules_of_the_catalogue_with_their_words():
    for r in REVIEWED:
        found = rule_named(r.id)
        assert (r.text, r.sop_step) == (found.text, found.sop_step)


def test_a_refusal_carries_its_rule_and_reads_as_before():
    refused = SopRuleViolation(SHIPPED_GOODS_ON_ORDER, "SN-9 is not on the order")
    assert (refused.rule_id, refused.sop_step, refused.sop_rule) == (
        "shipped_goods_on_order",
        "2.5.4",
        SHIPPED_GOODS_ON_ORDER,
    )
    assert str(refused) == (
        "SOP 2.5.4 Logistics and delivery: only goods of the order are shipped "
        "(SN-9 is not on the order)"
    )
    closed = SopRuleViolation(ORDER_CLOSED, "it is cancelled", at_step="2.5.3")
    assert (closed.rule_id, closed.sop_step) == ("order_closed", "2.5.3")
    assert str(closed).startswith("SOP 2.5.3 Quality control: nothing more is recorded")
    with pytest.raises(ValueError, match=r"does not hold at 2\.4\.1"):
        SopRuleViolation(ORDER_CLOSED, at_step="2.4.1")
    with pytest.raises(ValueError, match=r"does not hold at 2\.5\.1"):
        SopRuleViolation(SHIPPED_GOODS_ON_ORDER, at_step="2.5.1")


def test_a_subclass_names_its_rule_too():
    from uuid import uuid4

    again = AlreadyRegistered(uuid4(), "Acme Ltd")
    assert (again.rule_id, again.sop_step) == ("company_registered_once", "2.1.2")


# ---- the docs that list the rules ------------------------------------------------------


def test_docs_rules_md_is_the_catalogue():
    printed = CliRunner().invoke(app, ["rules", "--markdown"])
    assert printed.exit_code == 0, printed.output
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert doc == printed.stdout, "run: salesdomain rules --markdown > docs/rules.md"
    listed = re.findall(r"^\| `([a-z0-9_]+)` \| ([\d.]+) \| (.+?) \|", doc, re.M)
    assert [(i, s, t) for i, s, t in listed] == [(r.id, r.sop_step, r.text) for r in RULES.values()]


def test_the_rules_command_lists_every_rule_and_the_reviews_family():
    runner = CliRunner()
    listed = runner.invoke(app, ["rules", "--json"])
    assert listed.exit_code == 0, listed.output
    import json

    rules = {r["id"]: r for r in json.loads(listed.stdout)}
    assert list(rules) == list(RULES)
    assert rules["feedback_answered_in_time"]["review"] == "time limit"
    assert rules["order_closed"] == {
        "id": "order_closed",
        "sop_step": "2.5",
        "text": "nothing more is recorded on an order that is completed or cancelled",
        "review": None,
    }
    table = runner.invoke(app, ["rules"])
    assert table.exit_code == 0
    assert f"SOP rules ({len(RULES)})" in table.stdout
    assert "contract_signatory_not_drafter" in table.stdout


def test_the_conformance_docs_list_the_reviews_rules_as_the_catalogue_has_them():
    doc = (ROOT / "docs" / "conformance.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z0-9_]+)` \| ([\d.]+) \| ([a-z ]+) \| (.+) \|$", doc, re.M)
    assert {(i, s, f, t) for i, s, f, t in rows} == {
        (r.id, r.sop_step, r.family.value, r.text) for r in REVIEWED
    }
