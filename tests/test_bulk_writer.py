"""The bulk writer of ``demo --scale`` (``salesdomain.adapters.bulk``): a case whose
commands span many writes decides each on the state as written so far, and leaves the
application's own reads as true as the store (a year-long run was refused at 2.2.1
because a write had left a stale opportunity behind)."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

import pytest
from freezegun import freeze_time
from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.bulk import BulkWriter

from salesdomain.application import SalesApplication
from salesdomain.errors import SopRuleViolation
from salesdomain.opportunities.opportunity import Opportunity, Stage
from salesdomain.performance import commands as pc
from salesdomain.performance.values import Actual
from tests import builders as b
from tests import performance_builders as perf
from tests.order_builders import completed_order


def test_a_deal_written_one_command_at_a_time_is_decided_on_the_state_as_written(
    app: SalesApplication,
) -> None:
    # Given a writer that writes after every command
    writer = BulkWriter(app, batch_events=1)
    opp_id = uuid4()
    with freeze_time("2026-03-02 09:00:00+00:00"):
        # When a whole deal goes through it
        for command, actor in b.won_deal(opp_id):
            writer.handle(command, actor)
        writer.flush()
        # Then every step was decided on the state its predecessors wrote
        assert writer.commands == len(b.won_deal(opp_id))
        # And the application reads the deal as stored, through its cache too
        assert app.repository.get(opp_id).stage is Stage.WON
        assert app.load(Opportunity, opp_id).stage is Stage.WON


def test_actuals_written_in_bulk_are_checked_against_the_view_with_what_is_held(
    system: System,
) -> None:
    """The KPI view counts what the writer holds and has not written yet: it writes it
    before the application's KPI view gives its figures (ADR 45)."""
    # Given Alice's March order and her March appraisal, held by a writer, not yet written
    writer = BulkWriter(system.app, batch_events=100_000)
    aid = perf.appraisal_id(b.ALICE, "2026-03")
    with freeze_time("2026-03-02 09:00:00+00:00") as frozen:
        for command, actor in [*perf.team(), *completed_order(uuid4(), uuid4())]:
            writer.handle(command, actor)
        frozen.move_to("2026-04-02 09:00:00+00:00")
        writer.handle(*perf.define("2026-03"))
        writer.handle(perf.open_appraisal(b.ALICE, "2026-03"), perf.MIA)
        nothing = tuple(
            Actual(indicator=s.indicator, value=Decimal(0), source="typed", kpi_figure=Decimal(0))
            for s in perf.MONTHLY
        )
        # When actuals of nothing at all are recorded through it
        with pytest.raises(SopRuleViolation) as refused:
            writer.handle(pc.RecordActuals(appraisal_id=aid, figures=nothing), perf.MIA)
    # Then they are refused: the view counted the order the writer held
    assert refused.value.rule_id == "actual_as_kpi_view_or_corrected"
    assert "the KPI view has 1 for 2026-03" in refused.value.detail
