"""The composition root: the one place the system is put together.

Tests, the command line and the web API all call ``bootstrap``; nothing is built at
import time.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypedDict, Unpack

from eventsourcing.persistence import Transcoding
from salesdomain.adapters.forgetting import complete_pending_erasures
from salesdomain.adapters.key_rotation import complete_interrupted_rotation
from salesdomain.adapters.key_store import key_store_for
from salesdomain.adapters.key_wrapping import key_wrapping_for
from salesdomain.adapters.personal_data import PersonalDataVault, attach_vault
from salesdomain.adapters.recorders.event_store import event_store_for
from salesdomain.adapters.recorders.snapshot_store import snapshot_store_for
from salesdomain.adapters.snapshots import check_at_start
from salesdomain.adapters.store import (
    BadDatabaseUrl,
    StoreConfig,
    database_url,
    ensure_schema,
    parse_database_url,
    store_setup_lock,
)
from salesdomain.adapters.views import store_engine, view_engine
from salesdomain.projections.appraisal_actuals import KpiViewFigures
from salesdomain.projections.conformance.view import ConformanceView
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.notifications import ensure_outbox
from salesdomain.projections.read_models import ReadModels, default_projections
from sqlalchemy import Engine

from salesdomain.application import SalesApplication
from salesdomain.policy import SalesPolicy


@dataclass
class System:
    """The write side and the read side of one store.

    ``store`` is the event store's database as SQLAlchemy sees it: where what is not
    rebuilt from events is kept beside them (the hash chain's links, API tokens,
    sessions).  The views are in ``views.engine``: the same database, or their own
    (``views_url``), which may be dropped and rebuilt from the events at any time."""

    app: SalesApplication
    views: ReadModels
    store: Engine

    def close(self) -> None:
        self.views.engine.dispose()
        if self.store is not self.views.engine:
            self.store.dispose()
        self.app.close()


class Options(TypedDict, total=False):
    """What ``bootstrap`` (and so ``build_system``) takes besides the store's URL."""

    policy: SalesPolicy | None
    extra_transcodings: Iterable[Transcoding]
    verify_actors: bool


VIEWS_URL_VARIABLE = "SALESDOMAIN_VIEWS_DATABASE_URL"


def build_system(
    url: str | None = None, *, views_url: str | None = None, **options: Unpack[Options]
) -> System:
    """The application (``bootstrap(url, **options)``) and its read models: in the
    database ``views_url`` names, else ``$SALESDOMAIN_VIEWS_DATABASE_URL``, else in the
    same database as the events (a second PostgreSQL, say, or a SQLite file beside a
    PostgreSQL event store: reads then scale apart from writes).  The application
    checks the actual figures of an appraisal against the KPI view
    (``SalesApplication.kpi_figures``, ADR 45)."""
    config = parse_database_url(database_url(url))
    views_config = _views_config(views_url or os.environ.get(VIEWS_URL_VARIABLE), config)
    app = bootstrap(config.url, **options)
    store = store_engine(config)
    projections = [*default_projections(app.policy), ConformanceView(app.policy)]
    if views_config is None:
        # beside the events, on an engine of their own (ADR 76); in memory, on the store's
        engine = store if config.kind == "memory" else view_engine(config)
        views = ReadModels(engine, ApplicationLog(app), projections)
    else:
        ensure_schema(views_config)
        views = ReadModels(view_engine(views_config), ApplicationLog(app), projections)
    # actuals recorded in an appraisal are checked against the KPI view (ADR 45)
    app.kpi_figures = KpiViewFigures(views, app.policy.currencies.reporting_currency)
    ensure_outbox(store)  # the warnings' outbox, beside the events (ADR 54)
    return System(app, views, store)


def _views_config(views_url: str | None, store: StoreConfig) -> StoreConfig | None:
    """Where the views go, if not beside the events (``None``)."""
    if not views_url or views_url == store.url:
        return None
    try:
        found = parse_database_url(views_url)
    except BadDatabaseUrl as bad:
        raise BadDatabaseUrl(views_url, bad.problem, VIEWS_URL_VARIABLE) from None
    if found.kind == "memory":
        raise BadDatabaseUrl(
            views_url,
            "views are kept in a database: a SQLite file or PostgreSQL",
            VIEWS_URL_VARIABLE,
        )
    return found


POLICY_FILE_VARIABLE = "SALESDOMAIN_POLICY_FILE"


def policy_from_environment() -> SalesPolicy:
    """The policy file named by ``$SALESDOMAIN_POLICY_FILE``, else the defaults."""
    path = os.environ.get(POLICY_FILE_VARIABLE)
    return SalesPolicy.from_file(path) if path else SalesPolicy()


def bootstrap(
    url: str | None = None,
    *,
    policy: SalesPolicy | None = None,
    extra_transcodings: Iterable[Transcoding] = (),
    verify_actors: bool = True,
) -> SalesApplication:
    """Build the sales application on the store named by ``url``, else
    ``$SALESDOMAIN_DATABASE_URL``, else the SQLite file ``salesdomain.db``; with
    ``policy``, else the file named by ``$SALESDOMAIN_POLICY_FILE``, else the defaults.

    Personal values are stored encrypted under their data subject's key, kept in the
    same database (ADR 13) wrapped under a master key kept outside it (ADR 33:
    ``$SALESDOMAIN_MASTER_KEY_FILE``, ``$SALESDOMAIN_MASTER_KEY``, else beside a SQLite
    file; ``MasterKeyError`` names what is missing); erasures and rotations of the
    master key a crash cut short are completed here."""
    config = parse_database_url(database_url(url))
    with store_setup_lock(config):  # tables made by one starting process at a time
        ensure_schema(config)
        keys = key_store_for(config)
        vault = PersonalDataVault(keys, key_wrapping_for(config, keys))
        app = SalesApplication(
            config.env,
            policy=policy or policy_from_environment(),
            extra_transcodings=(*vault.transcodings(), *extra_transcodings),
            verify_actors=verify_actors,
            event_store=event_store_for(vault),
            # snapshots signed where they leave the process (ADR 32)
            snapshot_store=None if config.kind == "memory" else snapshot_store_for(vault.wrapping),
        )
    attach_vault(app, vault)
    weakref.finalize(app, vault.store.close)  # its connections close with the application
    complete_interrupted_rotation(vault)
    complete_pending_erasures(app, vault)
    check_at_start(app)  # a snapshot that does not match its events is discarded
    return app
