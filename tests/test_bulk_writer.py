"""The bulk writer of ``demo --scale`` (``salesdomain.adapters.bulk``): a case whose
commands span many writes decides each on the state as written so far, and leaves the
application's own reads as true as the store (a year-long run was refused at 2.2.1
because a write had left a stale opportunity behind)."""

from __future__ import annotations

from uuid import uuid4

from freezegun import freeze_time
from salesdomain.adapters.bulk import BulkWriter

from salesdomain.application import SalesApplication
from salesdomain.opportunities.opportunity import Opportunity, Stage
from tests import builders as b


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
