"""What ``pip install salesdomain`` puts on a machine: one top-level package,
``salesdomain``, typed throughout, holding every module of the three directories the
repository keeps (ADR 25)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
TREES = {
    "salesdomain": ROOT / "src" / "salesdomain",
    "salesdomain.adapters": ROOT / "src" / "adapters",
    "salesdomain.projections": ROOT / "projections",
}


def _packages_in_the_tree() -> set[str]:
    found = set()
    for name, tree in TREES.items():
        for init in tree.rglob("__init__.py"):
            parts = init.parent.relative_to(tree).parts
            found.add(".".join((name, *parts)))
    return found


def _modules_in_the_tree() -> set[str]:
    """Every module's path inside the installed package (``salesdomain/...py``)."""
    found = set()
    for name, tree in TREES.items():
        for module in tree.rglob("*.py"):
            if "__pycache__" not in module.parts:
                inside = module.relative_to(tree).as_posix()
                found.add(f"{name.replace('.', '/')}/{inside}")
    return found


def test_every_package_of_the_tree_is_listed_for_setuptools() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert set(config["tool"]["setuptools"]["packages"]) == _packages_in_the_tree()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    subprocess.run(
        [*pip_wheel, "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("salesdomain-*.whl")
    return zipfile.ZipFile(built)


def test_the_wheels_only_top_level_package_is_salesdomain(wheel: zipfile.ZipFile) -> None:
    tops = {name.split("/")[0] for name in wheel.namelist()}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"salesdomain"}
    (dist_info,) = (top for top in tops if top.endswith(".dist-info"))
    top_level = wheel.read(f"{dist_info}/top_level.txt").decode().split()
    assert top_level == ["salesdomain"]


def test_the_wheel_holds_every_module_typed_by_one_marker(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    assert _modules_in_the_tree() <= names
    assert "salesdomain/py.typed" in names  # PEP 561: covers every subpackage
    assert "salesdomain/adapters/web/static/workspace.js" in names
    assert "salesdomain/adapters/web/static/vendor/echarts.min.js" in names  # ADR 63
    assert "salesdomain/adapters/web/static/vendor/echarts-LICENSE.txt" in names
    assert "salesdomain/adapters/web/templates/dashboard.html" in names
    assert "salesdomain/adapters/web/templates/review_story.html" in names
    assert "salesdomain/adapters/reports/templates/quarterly.html" in names


_WITHOUT_EXTRAS = """
import sys
for name in (
    "fastapi", "starlette", "uvicorn", "httpx", "psycopg", "psycopg_pool",
    "jinja2", "matplotlib", "weasyprint",
):
    sys.modules[name] = None  # as if the web, postgres and reports extras were not installed
from salesdomain.adapters.cli import app
from typer.testing import CliRunner

result = CliRunner().invoke(app, sys.argv[1:])
print(result.output)
sys.exit(result.exit_code)
"""


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (["demo"], 0, "was not written: the reports need the reports extra"),
        (["report", "quarterly", "--period", "2026-Q1", "-o", "q.pdf"], 2, "salesdomain[reports]"),
        (["steps"], 0, "2.3.2"),
        (["serve"], 2, "pip install 'salesdomain[web]'"),
        (["staff", "--database-url", "postgresql://u@h/db"], 2, "salesdomain[postgres]"),
    ],
)
def test_the_core_install_runs_the_main_job_and_names_the_missing_extra(
    tmp_path: Path, args: list[str], code: int, said: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_EXTRAS, *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert (done.returncode, said in done.stdout) == (code, True), done.stdout + done.stderr
