"""The workspace with a stopped view (ADR 63, ADR 68): the dashboard names the view that
stopped, on which event and why, and shows the rest; the review pages that read other
views go on answering, and a case's story is told.  (The first, SVG dashboard said so
in its panels; the workspace took its place.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from salesdomain.adapters.bootstrap import System, build_system
from salesdomain.adapters.web import create_app
from salesdomain.adapters.web.running import Settings
from salesdomain.adapters.web.tokens import TokenStore
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.read_models import ReadModels

from tests import builders as b
from tests.conftest import FREEZEGUN_TRANSCODINGS
from tests.test_web_outage import PipelineStoppingOnOpened, open_one_opportunity
from tests.web_support import Web


@pytest.fixture
def client(tmp_path: Any) -> Iterator[TestClient]:
    """A SQLite store with one opened opportunity, whose pipeline view (among all the
    others) cannot handle it; the sales director signed in."""
    system = build_system(
        f"sqlite:///{tmp_path}/stopped.db", extra_transcodings=FREEZEGUN_TRANSCODINGS
    )
    views = [
        PipelineStoppingOnOpened() if runner.projection.name == "pipeline" else runner.projection
        for runner in system.views.runners.values()
    ]
    broken = System(
        system.app, ReadModels(system.views.engine, ApplicationLog(system.app), views), system.store
    )
    web = Web(broken)
    try:
        open_one_opportunity(web)
        broken.views.catch_up()  # the pipeline view stops on the opened opportunity
        secret = TokenStore(broken.store).issue(b.DAN).secret
        with TestClient(create_app(broken, settings=Settings(follow=False))) as served:
            signed = served.post("/sign-in", data={"token": secret}, follow_redirects=False)
            assert signed.status_code == 303
            yield served
    finally:
        broken.close()


def test_the_dashboard_names_the_stopped_view_and_the_review_pages_answer(
    client: TestClient,
) -> None:
    dashboard = client.get("/dashboard")
    assert dashboard.status_code == 200
    assert 'data-stopped="pipeline"' in dashboard.text
    assert "The pipeline view stopped at log position" in dashboard.text
    assert "Opportunity.Opened" in dashboard.text
    audit = client.get("/review/audit?kind=Opportunity")
    assert audit.status_code == 200
    (opportunity,) = {
        line.split('href="/review/story/opportunities/')[1].split('"')[0]
        for line in audit.text.splitlines()
        if 'href="/review/story/opportunities/' in line
    }
    story = client.get(f"/review/story/opportunities/{opportunity}")
    assert story.status_code == 200
    assert "Opportunity" in story.text
