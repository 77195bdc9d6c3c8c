"""Discount approvals stored before quotes named them replay as they were recorded.

``stored/discounts_before_approval_ids.jsonl`` holds one opportunity's events as the code
(commit fdb2aa1) stored them, all on 2 March 2026: quote version 1 at 1,000 CNY a unit;
approval #1 for 880 granted and used by quote version 2 (issued without a date: that
handler filled in today + 30 days, which matched the approval's terms only that day);
approval #2 for 860 granted and not used yet.
"""

from __future__ import annotations

import json
from pathlib import Path
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from freezegun import freeze_time

from salesdomain.opportunities.approvals import Decision
from salesdomain.opportunities.opportunity import Opportunity
from tests import builders as b
from tests.builders import ALICE
from tests.conformance_builders import History

STORED = Path(__file__).parent / "stored" / "discounts_before_approval_ids.jsonl"
OPP = UUID("0d15c0a7-0000-4000-8000-000000000014")
NEXT_DAY = "2026-03-03 09:00:00+00:00"


def stored(app: object) -> None:
    """Given: the stored events, written to the store as they are."""
    rows = [json.loads(line) for line in STORED.read_text(encoding="utf-8").splitlines()]
    app.recorder.insert_events(  # type: ignore[attr-defined]
        [
            StoredEvent(OPP, row["version"], row["topic"], json.dumps(row["state"]).encode())
            for row in rows
        ]
    )


def test_the_stored_approvals_load_granted_one_used_by_quote_version_two(spec):
    stored(spec.app)
    approvals = spec.app.load(Opportunity, OPP).approvals
    assert {n: (a.decision, a.quoted_in) for n, a in approvals.items()} == {
        1: (Decision.GRANTED, 2),
        2: (Decision.GRANTED, None),
    }


@freeze_time(NEXT_DAY)
def test_a_stored_approval_covers_its_lines_quoted_the_next_day_without_a_date(spec):
    stored(spec.app)
    quote = b.quote(OPP, "860", valid_days=None, approval_id=2)
    [issued] = spec.when(quote, ALICE).then("Opportunity.QuoteIssued")
    assert (issued.quote_version, issued.approval, str(issued.terms.valid_until)) == (
        3,
        2,
        "2026-04-02",
    )


@freeze_time(NEXT_DAY)
def test_a_stored_approval_used_by_a_stored_quote_covers_no_other(spec):
    stored(spec.app)
    spec.when(b.quote(OPP, "880", approval_id=1), ALICE).then_refused(
        "approval_covers_one_quote", detail="discount approval #1 was used by quote version 2"
    )


def test_the_review_of_the_stored_history_finds_every_quote_approved():
    history = History()
    try:
        stored(history.app)
        assert history.breaches("quote_within_authority_or_approved") == []
        assert len(history.review().overrides) == 2
    finally:
        history.close()
