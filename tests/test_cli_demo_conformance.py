"""The demo's closing summary reads the quarter's SOP conformance from the conformance
view (issue 16, ADR 39), not by replaying the whole event log: its figures are those of
the whole-log review, and the whole-log review is never called on the way (it ran for
over 20 minutes at 1,000,000 events)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from salesdomain.adapters.bootstrap import System, build_system
from salesdomain.adapters.cli import app as cli
from salesdomain.adapters.demo import run_demo
from salesdomain.adapters.demo.setting import QUARTER
from salesdomain.projections.conformance import api, conformance_report
from typer.testing import CliRunner


@pytest.fixture
def no_whole_log_review(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The whole-log review (``review_history``, and ``read_log`` under it) made to
    fail the test when called; the store itself is real."""
    called: list[str] = []

    def refused(name: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            called.append(name)
            raise AssertionError(f"the demo's summary called the whole-log review ({name})")

        return call

    monkeypatch.setattr(api, "review_history", refused("review_history"))
    monkeypatch.setattr(api, "read_log", refused("read_log"))
    return called


_REVIEW_HISTORY, _READ_LOG = api.review_history, api.read_log


def _replayed(system: System, as_at: datetime) -> dict[str, Any]:
    """The quarter's report of the whole-log review (its functions put back)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(api, "review_history", _REVIEW_HISTORY)
        patch.setattr(api, "read_log", _READ_LOG)
        app = system.app
        found = conformance_report(app, app.policy, QUARTER.start, QUARTER.end, as_at=as_at)
        return found.model_dump(mode="json")


def test_the_summary_s_conformance_is_the_whole_log_review_s(
    store_url: str, no_whole_log_review: list[str]
) -> None:
    system = build_system(store_url)
    try:
        summary = run_demo(system, 7).conformance
        assert no_whole_log_review == []
        assert summary is not None
        assert summary.breaches  # a quarter with findings, not an empty one
        assert summary.steps
        assert summary.model_dump(mode="json") == _replayed(system, summary.as_at)
    finally:
        system.close()


def test_demo_json_prints_the_view_s_figures(
    tmp_path: Path, no_whole_log_review: list[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    done = CliRunner().invoke(cli, ["demo", "--json", "--database-url", url])
    assert done.exit_code == 0, done.output
    assert no_whole_log_review == []
    printed = json.loads(done.stdout)["conformance"]
    system = build_system(url)
    try:
        assert printed == _replayed(system, datetime.fromisoformat(printed["as_at"]))
    finally:
        system.close()
