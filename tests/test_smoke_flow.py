from uuid import uuid4

from freezegun import freeze_time

from salesdomain.opportunities import commands as oc
from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.opportunities.stages import Stage
from tests import builders as b


@freeze_time("2026-03-02 09:00:00+00:00")
def test_a_prospect_goes_from_screening_to_won(spec):
    opp = uuid4()
    reg = b.register()
    cid = b.customer_id(reg)
    spec.given(
        *b.qualified_customer(reg), *b.through_acknowledged(opp, cid), (b.quote(opp), b.ALICE)
    )
    spec.when(
        oc.AcceptQuote(opportunity_id=opp, quote_version=1, accepted_by="Li Na"), b.ALICE
    ).then("Opportunity.QuoteAccepted")
    won = spec.app.load(Opportunity, opp)
    assert won.stage is Stage.WON
    assert str(won.amount) == "100,000.00 CNY"
