"""The layers, all under the one name ``salesdomain`` (ADR 25): the domain
(``src/salesdomain``) knows nothing of the read side (``salesdomain.projections``,
``projections/``), the adapters (``salesdomain.adapters``, ``src/adapters``) or
frameworks; the read side knows nothing of the adapters; production code does not
import the demo."""

from __future__ import annotations

import ast
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
DOMAIN = ROOT / "src" / "salesdomain"
PROJECTIONS = ROOT / "projections"
ADAPTERS = ROOT / "src" / "adapters"

READ_SIDE = "salesdomain.projections"
ADAPTER_LAYER = "salesdomain.adapters"
DEMO = ("salesdomain.adapters.demo", "salesdomain.adapters.demo_scale")


def modules(package: Path) -> list[Path]:
    return sorted(package.rglob("*.py"))


def imported(path: Path, package: str) -> Iterator[str]:
    """The full name of every import in a module, wherever it stands (relative imports
    are of the module's own ``package``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            yield package if node.level else (node.module or "")


def _within(name: str, forbidden: str) -> bool:
    return name == forbidden or name.startswith(forbidden + ".")


def offences(package: Path, forbidden: set[str], name: str = "salesdomain") -> list[str]:
    return [
        f"{path.relative_to(package.parent)} imports {found}"
        for path in modules(package)
        for found in imported(path, name)
        if any(_within(found, f) for f in forbidden)
    ]


@pytest.mark.parametrize(
    "name", [READ_SIDE, ADAPTER_LAYER, "sqlalchemy", "fastapi", "typer", "starlette"]
)
def test_the_domain_does_not_import(name):
    assert offences(DOMAIN, {name}) == []


def test_the_read_side_does_not_import_the_adapters():
    assert offences(PROJECTIONS, {ADAPTER_LAYER}, READ_SIDE) == []


def test_production_code_does_not_import_the_demo():
    demo_itself = {"demo", "demo_scale.py", "scale_cases.py", "scale_delivery.py"}
    found = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in [*modules(DOMAIN), *modules(PROJECTIONS), *modules(ADAPTERS)]
        if not demo_itself & set(path.relative_to(ROOT).parts)
        and path != ADAPTERS / "cli" / "demo.py"  # the demo command runs it
        for name in imported(path, "salesdomain")
        if any(_within(name, demo) for demo in DEMO)
    ]
    assert found == []


def test_every_import_of_our_code_is_under_the_one_name():
    tracked = subprocess.run(
        ["git", "grep", "-nE", r"^\s*(from|import) (adapters|projections)\b", "--", "*.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert tracked.stdout == ""


def test_the_walk_sees_every_module_and_its_imports():
    assert len(modules(DOMAIN)) > 10
    assert modules(PROJECTIONS)
    assert {"eventsourcing.application", "salesdomain.aggregate"} <= set(
        imported(DOMAIN / "application.py", "salesdomain")
    )


def test_an_offending_import_would_be_found_even_inside_a_function(tmp_path):
    package = tmp_path / "salesdomain"
    (package / "sub").mkdir(parents=True)
    (package / "sub" / "bad.py").write_text(
        "from . import good\n"
        "import sqlalchemy.orm\n"
        "def later():\n"
        "    from salesdomain.adapters.store import parse_database_url\n"
    )
    assert offences(package, {ADAPTER_LAYER, "sqlalchemy"}) == [
        "salesdomain/sub/bad.py imports sqlalchemy.orm",
        "salesdomain/sub/bad.py imports salesdomain.adapters.store",
    ]
