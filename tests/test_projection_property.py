"""Property: for any sequence of valid commands, processing the log incrementally (in
batches of any size, interleaved with the commands) and rebuilding from zero give
identical tables."""

from __future__ import annotations

import itertools
from datetime import timedelta
from uuid import UUID

from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from salesdomain.adapters.store import parse_database_url
from salesdomain.adapters.views import view_engine
from salesdomain.projections.audit import AuditTrail
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.pipeline import Pipeline
from salesdomain.projections.runner import ProjectionRunner
from sqlalchemy import select

from salesdomain.opportunities import commands as oc
from tests import builders as b
from tests.conftest import make_app

deal = st.tuples(st.integers(min_value=3, max_value=14), st.booleans())
programme = st.lists(deal, min_size=1, max_size=4)
batches = st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=30)


def _steps(index: int, depth: int, lose: bool) -> list:
    reg = b.register(name=f"Property Co {index}", reg=f"PROP{index:06d}")
    opp = UUID(int=index + 1)
    steps = b.won_deal(opp, reg)[:depth]
    if lose and 3 < depth < len(b.won_deal(opp, reg)):
        steps.append((oc.MarkOpportunityLost(opportunity_id=opp, reason="Lost on price"), b.ALICE))
    return steps


def _tables(runner: ProjectionRunner) -> dict[str, list[tuple]]:
    with runner.engine.connect() as conn:
        return {
            name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key))]
            for name, t in runner.tables().items()
        }


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programme, batches)
def test_incremental_processing_equals_a_rebuild(deals, batch_sizes) -> None:
    app = make_app("memory://")
    engine = view_engine(parse_database_url("memory://"))
    runners = [ProjectionRunner(p, engine, ApplicationLog(app)) for p in (Pipeline(), AuditTrail())]
    sizes = itertools.cycle(batch_sizes)
    with freeze_time("2026-03-02 09:00:00+00:00") as frozen:
        for index, (depth, lose) in enumerate(deals):
            for command, actor in _steps(index, depth, lose):
                app.handle(command, actor)
                frozen.tick(timedelta(hours=5))
                for runner in runners:
                    runner.run_batch(next(sizes))
    for runner in runners:
        runner.catch_up()
        incremental = _tables(runner)
        runner.rebuild()
        assert _tables(runner) == incremental
    app.close()
