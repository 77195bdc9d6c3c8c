"""The read side and the adapters name only events that exist.

Views dispatch on event classes (``salesdomain.projections.dispatch``), so a handler
cannot name a missing event.  What is left are names in text: a string such as
``"Opportunity.Opened"`` in code, a docstring or a comment's ``Order.Completed``, a
name in the dashboard's scripts.  Each must be the ``Aggregate.Event`` name of a real
event class; and no code compares a recorded event's type with a name string (compare
with classes, as ``salesdomain.adapters.cli.importing`` does).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from salesdomain.projections.conformance.review import HANDLERS as REVIEW
from salesdomain.projections.kpi.handlers import HANDLERS as KPI
from salesdomain.projections.operations.handlers import HANDLERS as OPERATIONS
from salesdomain.projections.pipeline.handlers import HANDLERS as PIPELINE

from tests.event_classes import aggregate_names, event_classes

ROOT = Path(__file__).parents[1]
SCANNED = (ROOT / "projections", ROOT / "src" / "adapters")
_WHOLE = re.compile(r"[A-Z][A-Za-z0-9]*\.[A-Z][A-Za-z0-9]*")
_MENTION = re.compile(r"\b([A-Z][A-Za-z0-9]*)\.([A-Z][A-Za-z0-9]*)\b")
_TYPE_FIELDS = {"event_type", "aggregate_type"}


def _names_in_text(text: str, aggregates: set[str]) -> Iterator[str]:
    """``Aggregate.Event`` mentions in free text (a docstring, a script): a known
    aggregate's name, a dot and a capitalised name."""
    for aggregate, name in _MENTION.findall(text):
        if aggregate in aggregates:
            yield f"{aggregate}.{name}"


def _is_type_field(node: ast.expr) -> bool:
    """``x.event_type``, ``x["event_type"]`` (and aggregate types), ``type(x).__name__``."""
    if isinstance(node, ast.Attribute):
        return node.attr in _TYPE_FIELDS or node.attr in ("__name__", "__qualname__")
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return node.slice.value in _TYPE_FIELDS
    return False


def _has_string(node: ast.expr) -> bool:
    return any(
        isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value for n in ast.walk(node)
    )


def offences(source: str, where: str, events: set[str], aggregates: set[str]) -> list[str]:
    """Names of events in ``source`` (Python) that do not exist, and comparisons of a
    recorded event's type with a name string."""
    found = []
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            named = [text] if _WHOLE.fullmatch(text) else list(_names_in_text(text, aggregates))
            found += [f"{where}:{node.lineno} names {n}" for n in named if n not in events]
        elif isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(map(_is_type_field, operands)) and any(
                _has_string(o) for o in operands if not _is_type_field(o)
            ):
                found.append(f"{where}:{node.lineno} compares an event's type with a string")
    comments = (line.partition("#")[2] for line in source.splitlines())
    found += [
        f"{where}: a comment names {name}"
        for comment in comments
        for name in _names_in_text(comment, aggregates)
        if name not in events
    ]
    return found


def test_every_event_named_in_the_read_side_and_the_adapters_exists():
    events, aggregates = set(event_classes()), aggregate_names()
    found = []
    for package in SCANNED:
        for path in sorted(package.rglob("*.py")):
            where = str(path.relative_to(ROOT))
            found += offences(path.read_text(encoding="utf-8"), where, events, aggregates)
        for path in sorted([*package.rglob("*.js"), *package.rglob("*.html")]):
            text = path.read_text(encoding="utf-8")
            where = str(path.relative_to(ROOT))
            named = _names_in_text(text, aggregates)
            found += [f"{where} names {n}" for n in named if n not in events]
    assert found == []


def test_the_readme_and_the_docs_name_only_events_that_exist():
    events, aggregates = set(event_classes()), aggregate_names()
    found = [
        f"{path.relative_to(ROOT)} names {name}"
        for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
        for name in _names_in_text(path.read_text(encoding="utf-8"), aggregates)
        if name not in events
    ]
    assert found == []


def test_the_scan_finds_a_missing_event_and_a_name_comparison():
    events, aggregates = set(event_classes()), aggregate_names()
    source = '''
"""Counts ``Opportunity.Opened`` and ``Opportunity.Reopened``."""
KNOWN = "Order.Completed"
UNKNOWN = "Order.Finished"
imported = [r for r in rows if r["event_type"] == "Imported"]
late = row.event_type in ("Responded",)  # after ServiceCase.Answered
done = [e for e in events if type(e).__name__ == "Resolved"]
'''
    assert sorted(offences(source, "x.py", events, aggregates)) == [
        "x.py: a comment names ServiceCase.Answered",
        "x.py:2 names Opportunity.Reopened",
        "x.py:4 names Order.Finished",
        "x.py:5 compares an event's type with a string",
        "x.py:6 compares an event's type with a string",
        "x.py:7 compares an event's type with a string",
    ]


def test_views_register_handlers_for_domain_event_classes_only():
    classes = set(event_classes().values())
    for registry in (KPI, OPERATIONS, PIPELINE, REVIEW):
        assert registry.event_classes <= classes
