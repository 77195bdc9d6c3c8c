"""The layers: the domain knows nothing of adapters, read models or frameworks."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
DOMAIN = ROOT / "src" / "salesdomain"
PROJECTIONS = ROOT / "projections"


def modules(package: Path) -> list[Path]:
    return sorted(package.rglob("*.py"))


def imported(path: Path, package: str) -> Iterator[str]:
    """The top-level package of every import in a module, wherever it stands (relative
    imports are the module's own ``package``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            yield package if node.level else (node.module or "").split(".")[0]


def offences(package: Path, forbidden: set[str]) -> list[str]:
    return [
        f"{path.relative_to(package.parent)} imports {name}"
        for path in modules(package)
        for name in imported(path, package.name)
        if name in forbidden
    ]


@pytest.mark.parametrize("name", ["adapters", "projections", "sqlalchemy", "fastapi", "typer"])
def test_the_domain_does_not_import(name):
    assert offences(DOMAIN, {name}) == []


def test_projections_do_not_import_adapters():
    assert offences(PROJECTIONS, {"adapters"}) == []


def test_the_walk_sees_every_module_and_its_imports():
    assert len(modules(DOMAIN)) > 10
    assert modules(PROJECTIONS)
    assert {"eventsourcing", "salesdomain"} <= set(
        imported(DOMAIN / "application.py", "salesdomain")
    )


def test_an_offending_import_would_be_found_even_inside_a_function(tmp_path):
    package = tmp_path / "salesdomain"
    (package / "sub").mkdir(parents=True)
    (package / "sub" / "bad.py").write_text(
        "from . import good\n"
        "import sqlalchemy.orm\n"
        "def later():\n"
        "    from adapters.store import parse_database_url\n"
    )
    assert offences(package, {"adapters", "sqlalchemy", "salesdomain"}) == [
        "salesdomain/sub/bad.py imports salesdomain",
        "salesdomain/sub/bad.py imports sqlalchemy",
        "salesdomain/sub/bad.py imports adapters",
    ]
