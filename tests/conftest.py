"""Store matrix: every store-dependent test runs on memory, a SQLite file and PostgreSQL.

PostgreSQL is used when reachable at $SALESDOMAIN_TEST_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/test); with SALESDOMAIN_REQUIRE_POSTGRES=1 (as
.ci/run sets) an unreachable server fails the run instead of skipping.
"""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import psycopg
import pytest
from eventsourcing.persistence import DatetimeAsISO
from freezegun.api import FakeDate, FakeDatetime
from salesdomain.adapters.bootstrap import System, bootstrap, build_system
from salesdomain.adapters.master_keys import MASTER_KEY_FILE_VARIABLE

from salesdomain.application import SalesApplication
from salesdomain.policy import SalesPolicy
from salesdomain.transcodings import DateAsISO
from tests.cli_helpers import Cli, staffed
from tests.spec import Spec

POSTGRES_URL = os.environ.get(
    "SALESDOMAIN_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("SALESDOMAIN_REQUIRE_POSTGRES") == "1"

# The CLI prints to a pipe at its own width (PIPED_WIDTH) unless COLUMNS says another
# (ADR 58); the tests read that output, so no width leaks in from the shell or from
# pytest-xdist, which sets COLUMNS=80 in its workers (ADR 69). A test of COLUMNS sets it.
for _size in ("COLUMNS", "LINES"):
    os.environ.pop(_size, None)


class FakeDatetimeAsISO(DatetimeAsISO):
    type = FakeDatetime


class FakeDateAsISO(DateAsISO):
    type = FakeDate


FREEZEGUN_TRANSCODINGS = (FakeDatetimeAsISO(), FakeDateAsISO())


def _postgres_dsn() -> str:
    return POSTGRES_URL


_postgres_state: dict[str, str | None] = {}


def postgres_unavailable() -> str | None:
    """Why PostgreSQL cannot be used, or None when it can (checked once)."""
    if "reason" not in _postgres_state:
        try:
            with psycopg.connect(_postgres_dsn(), connect_timeout=3) as conn:
                conn.execute("SELECT 1")
            _postgres_state["reason"] = None
        except psycopg.Error as error:
            _postgres_state["reason"] = f"PostgreSQL unreachable at {POSTGRES_URL}: {error}"
    return _postgres_state["reason"]


def _need_postgres() -> None:
    reason = postgres_unavailable()
    if reason:
        if REQUIRE_POSTGRES:
            pytest.fail(reason)
        pytest.skip(reason)


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A PostgreSQL URL with a fresh schema of its own, dropped afterwards (for fixtures
    of any scope); while it lasts, its master key is in a file of its own
    (``$SALESDOMAIN_MASTER_KEY_FILE``, ADR 33: PostgreSQL needs one configured)."""
    _need_postgres()
    schema = "t_" + uuid.uuid4().hex[:16]
    before = os.environ.get(MASTER_KEY_FILE_VARIABLE)
    with tempfile.TemporaryDirectory() as keys:
        os.environ[MASTER_KEY_FILE_VARIABLE] = str(Path(keys) / "master.keys")
        try:
            yield f"{POSTGRES_URL}?schema={schema}"
        finally:
            if before is None:
                os.environ.pop(MASTER_KEY_FILE_VARIABLE, None)
            else:
                os.environ[MASTER_KEY_FILE_VARIABLE] = before
            with psycopg.connect(_postgres_dsn(), autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def postgres_schema_url() -> Iterator[str]:
    """A PostgreSQL URL with a fresh schema and a master key file of its own, both
    dropped afterwards."""
    with postgres_schema() as url:
        yield url


STORES = ["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
"""Every store: a fixture's ``params``."""


@contextmanager
def store_url_on(store: str, tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[str]:
    """The URL of a store of the kind ``store`` (one of ``STORES``), for fixtures of any
    scope: in memory, a SQLite file in a new folder ``name``, or a fresh PostgreSQL
    schema (``postgres_schema``) while the block lasts."""
    if store == "memory":
        yield "memory://"
    elif store == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp(name)}/events.db"
    else:
        with postgres_schema() as url:
            yield url


@pytest.fixture(params=STORES)
def store_url(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[str]:
    if request.param == "memory":
        yield "memory://"
    elif request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/events.db"
    else:
        yield request.getfixturevalue("postgres_schema_url")


def make_app(
    url: str, policy: SalesPolicy | None = None, *, verify_actors: bool = False
) -> SalesApplication:
    """The application as the tests use it: freezegun-aware, and by default taking
    actors as given (the specs of 2.x rules act as people who are not enrolled);
    tests of who may act build it with ``verify_actors=True``, as production does."""
    return bootstrap(
        url, policy=policy, extra_transcodings=FREEZEGUN_TRANSCODINGS, verify_actors=verify_actors
    )


def make_system(url: str) -> System:
    """The system (application and views) as the tests use it, its application as
    ``make_app``'s."""
    return build_system(url, extra_transcodings=FREEZEGUN_TRANSCODINGS, verify_actors=False)


@pytest.fixture
def system(store_url: str) -> Iterator[System]:
    with closing(make_system(store_url)) as built:
        yield built


@pytest.fixture
def shared_store(store_url: str) -> str:
    """A store that several application instances (processes) can share."""
    if store_url.startswith("memory"):
        pytest.skip("an in-memory store is not shared between application instances")
    return store_url


@pytest.fixture
def app(store_url: str) -> Iterator[SalesApplication]:
    application = make_app(store_url)
    yield application
    application.close()


@pytest.fixture
def spec(app: SalesApplication) -> Spec:
    return Spec(app)


@pytest.fixture
def spec_with(store_url: str) -> Iterator[Callable[..., Spec]]:
    """Makes a spec on an application run under another policy: ``spec_with(policy)``
    (``verify_actors=True`` as ``make_app``); the applications close after the test."""
    apps: list[SalesApplication] = []

    def build(policy: SalesPolicy, *, verify_actors: bool = False) -> Spec:
        apps.append(make_app(store_url, policy, verify_actors=verify_actors))
        return Spec(apps[-1])

    yield build
    for app in apps:
        app.close()


@pytest.fixture
def views(store_url: str) -> Iterator[object]:
    """A SQLAlchemy engine on the same database as the events (read models)."""
    from salesdomain.adapters.store import parse_database_url
    from salesdomain.adapters.views import view_engine

    engine = view_engine(parse_database_url(store_url))
    yield engine
    engine.dispose()


@pytest.fixture
def cli(store_url: str) -> Iterator[Cli]:
    """The command line on the store, its staff enrolled (``cli_helpers.staffed``)."""
    runner = Cli(store_url)
    staffed(runner)
    yield runner
    runner.close()


def python_blocks(doc: Path) -> list[str]:
    """The ```python examples of a Markdown document, in order."""
    return re.findall(r"```python\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)


@pytest.fixture
def doc_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[[Path], list[str]]:
    """Runs a document's one Python example in an empty directory; the lines it printed."""

    def run(doc: Path) -> list[str]:
        (block,) = python_blocks(doc)
        monkeypatch.chdir(tmp_path)
        exec(compile(block, str(doc), "exec"), {})
        return capsys.readouterr().out.splitlines()

    return run
