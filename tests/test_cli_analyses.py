"""``salesdomain customer-analysis`` and ``salesdomain losses`` (docs/cli.md): the
analyses of SOP 4.2.1 printed directly, as tables and as JSON, now and as the views
stood at a past moment (``--as-of``)."""

from __future__ import annotations

import json
from typing import Any

from freezegun import freeze_time
from salesdomain.adapters.cli import app
from typer.testing import CliRunner, Result

from salesdomain.prospecting import commands as pc
from salesdomain.prospecting.values import CompetitorPrice, ResearchSubject
from tests import builders as b
from tests.test_customer_analysis import T0, _history, _lost_deals

RESEARCH = [
    (
        b.list_product(),
        b.MIA,
    ),
    (
        pc.RecordMarketResearch(
            subject_kind=ResearchSubject.PRODUCT,
            subject="Retrofit kits",
            competitor_prices=tuple(
                CompetitorPrice(
                    competitor="Rival", product_code="RK-3", price=b.money(p), observed_on=b.TODAY
                )
                for p in ("900", "1100", "850")
            ),
        ),
        b.MARK,
    ),
]


def _invoke(system: Any, *args: str) -> Result:
    return CliRunner().invoke(app, [*args, "--database-url", "x"], obj=lambda url: system)


def _json(system: Any, *args: str) -> Any:
    result = _invoke(system, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_customer_analysis_and_its_ranking(system) -> None:
    _history(system.app)
    found = _json(
        system,
        "customer-analysis",
        "--since",
        "2025-01-01",
        "--until",
        "2026-03-31",
        "--currency",
        "CNY",
        "--by",
        "profit",
        "--limit",
        "2",
    )
    analysis, ranking = found["analysis"], found["ranking"]
    assert (analysis["customers"], analysis["customers_served"], analysis["new_customers"]) == (
        5,
        4,
        4,
    )
    assert analysis["surveys"]["nps"] == "25.00"
    assert [(r["company_name"], r["abc_class"]) for r in ranking["rows"]] == [
        ("Acme Co., Ltd.", "A"),
        ("Epsilon Paper", "A"),
    ]
    assert ranking["classes"] == {"A": 2, "B": 2, "C": 0}
    table = _invoke(system, "customer-analysis", "--since", "2026-01-01", "--until", "2026-03-31")
    assert table.exit_code == 0, table.output
    assert "2 active, 1 dormant, 1 lost, 1 never ordered" in table.stdout
    assert "NPS 25.00" in table.stdout


def test_as_of_a_moment_before_the_orders(system) -> None:
    with freeze_time("2026-03-01 09:00:00+00:00"):
        system.app.handle(b.register("Early Co.", ""), b.ALICE)
    _history(system.app)
    then = _json(
        system, "customer-analysis", "--until", "2026-03-31", "--as-of", "2026-03-01T12:00"
    )
    assert (then["analysis"]["customers"], then["analysis"]["customers_served"]) == (1, 0)
    now = _json(system, "customer-analysis", "--until", "2026-03-31")
    assert (now["analysis"]["customers"], now["as_of"], now["position"]) == (6, None, None)
    assert then["as_of"] == "2026-03-01T12:00:00Z"  # as the web API writes it (ADR 60)
    assert 0 < then["position"] < system.app.recorder.max_notification_id()


def test_the_losses_and_competitor_prices(system) -> None:
    _lost_deals(system.app)
    with freeze_time(T0):
        for command, actor in RESEARCH:
            system.app.handle(command, actor)
    found = _json(system, "losses", "--since", "2026-03-01", "--until", "2026-03-31")
    assert found["losses"]["lost"] == 3
    assert found["losses"]["price_gaps"] == [
        {"competitor": "Rival", "lost": 2, "priced": 1, "average_gap": "-0.1000"}
    ]
    assert found["pricing"] == [
        {
            "competitor": "Rival",
            "observed": 3,
            "comparable": 3,
            "average_difference": "-0.0500",
            "below_ours": 2,
        }
    ]
    table = _invoke(system, "losses", "--since", "2026-03-01", "--until", "2026-03-31")
    assert table.exit_code == 0, table.output
    assert "Price too high" in table.stdout
    assert "-10.0%" in table.stdout


def test_a_period_that_ends_before_it_starts_is_an_error(system) -> None:
    result = _invoke(system, "losses", "--since", "2026-03-31", "--until", "2026-03-01")
    assert result.exit_code != 0
    assert "--until 2026-03-01 is before --since 2026-03-31" in result.output
    bad = _invoke(system, "customer-analysis", "--currency", "yen")
    assert bad.exit_code != 0
    assert "--currency" in bad.output
