"""The composition root: the one place the system is put together.

Tests, the command line and the web API all call ``bootstrap``; nothing is built at
import time.
"""

from __future__ import annotations

from collections.abc import Iterable

from eventsourcing.persistence import Transcoding

from adapters.store import database_url, ensure_schema, parse_database_url
from salesdomain.application import SalesApplication
from salesdomain.policy import SalesPolicy


def bootstrap(
    url: str | None = None,
    *,
    policy: SalesPolicy | None = None,
    extra_transcodings: Iterable[Transcoding] = (),
) -> SalesApplication:
    """Build the sales application on the store named by ``url``, else
    ``$SALESDOMAIN_DATABASE_URL``, else the SQLite file ``salesdomain.db``."""
    config = parse_database_url(database_url(url))
    ensure_schema(config)
    return SalesApplication(config.env, policy=policy, extra_transcodings=extra_transcodings)
