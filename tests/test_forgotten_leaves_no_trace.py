"""After a forget, the database's own files hold neither the person's data in the clear
nor their key (ADR 33, issue 15): the SQLite main file and its write-ahead log, read
byte by byte while another process has the database open; PostgreSQL's data files of
the store's tables after a CHECKPOINT.  And a backup taken before the forget opens no
personal data once the master key is rotated, while the live database opens everyone
else."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from uuid import UUID

import psycopg
import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from freezegun import freeze_time
from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.key_file import parse_keys
from salesdomain.adapters.key_wrapping import associated_data
from salesdomain.adapters.master_keys import (
    MASTER_KEY_FILE_VARIABLE,
    MasterKeyError,
    key_file_beside,
)
from salesdomain.adapters.personal_data import vault_of

from salesdomain.people.candidate import Candidate
from salesdomain.prospecting.customer import Customer
from salesdomain.prospecting.values import contact_subject_id
from tests.conftest import POSTGRES_URL, make_system
from tests.test_personal_data_storage import NOW, customer_and_candidate, forget_both

FORGOTTEN = ("Chen Wei", "Purchasing Manager", "Nora New", "nora@example.com", "Good questions")
KEPT = ("Li Na", "li.na@example.com")


def _people_and_their_keys(system: System) -> tuple[UUID, UUID, list[bytes]]:
    """The customer and candidate of ``customer_and_candidate``, with the keys of the
    two subjects to be forgotten as this process holds them (unwrapped)."""
    cid, cand = customer_and_candidate(system)
    system.views.catch_up()
    vault = vault_of(system.app)
    keys = [vault.key_or_new(contact_subject_id(cid, 0)), vault.key_or_new(cand)]
    return cid, cand, keys


def _found(blob: bytes, keys: list[bytes]) -> list[str]:
    words = [word for word in FORGOTTEN + KEPT if word.encode() in blob]
    return words + [f"key {key.hex()[:8]}..." for key in keys if key in blob]


@freeze_time(NOW)
def test_the_sqlite_files_hold_no_forgotten_name_or_key_while_another_process_reads(tmp_path):
    database = tmp_path / "events.db"
    url = f"sqlite:///{database}"
    with closing(make_system(url)) as system, closing(make_system(url)) as server:
        cid, cand, keys = _people_and_their_keys(system)
        server.views.catch_up()  # a server's connections, and one in the middle of a read
        reader = sqlite3.connect(database)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM stored_events").fetchone()
        try:
            forget_both(system, cid, cand)
        finally:
            reader.close()
        server.views.catch_up()
        assert system.app.load(Candidate, cand).person.erased
        files = [database, Path(f"{database}-wal")]
        blob = b"".join(path.read_bytes() for path in files if path.exists())
    assert len(blob) > 100_000
    assert _found(blob, keys) == []


@pytest.fixture
def data_files(postgres_schema_url: str) -> tuple[str, Callable[[], list[Path]]]:
    """The store's URL and a function giving, after a CHECKPOINT, every data file of its
    schema's tables, their TOAST tables and indexes (skips if they cannot be read)."""
    schema = postgres_schema_url.rsplit("schema=", 1)[1]

    def files() -> list[Path]:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute("CHECKPOINT")
            row = conn.execute("SHOW data_directory").fetchone()
            assert row is not None
            relations = conn.execute(
                "SELECT pg_relation_filepath(c.oid) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s "
                "UNION SELECT pg_relation_filepath(c.reltoastrelid) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.reltoastrelid <> 0",
                (schema, schema),
            ).fetchall()
        found = []
        for (relative,) in relations:
            if relative is None:
                continue
            main = Path(row[0]) / relative
            found += [main, *sorted(main.parent.glob(f"{main.name}.[0-9]*"))]
        unreadable = [p for p in found if p.exists() and not _readable(p)]
        if not found or unreadable:
            pytest.skip(f"PostgreSQL's data files cannot be read here ({unreadable[:1]})")
        return [p for p in found if p.exists()]

    return postgres_schema_url, files


def _readable(path: Path) -> bool:
    try:
        path.read_bytes()
    except OSError:
        return False
    return True


@pytest.mark.postgres
@freeze_time(NOW)
def test_the_postgres_data_files_hold_no_forgotten_name_or_key_after_a_checkpoint(data_files):
    url, files = data_files
    with closing(make_system(url)) as system, closing(make_system(url)) as server:
        cid, cand, keys = _people_and_their_keys(system)
        server.views.catch_up()
        forget_both(system, cid, cand)
        server.views.catch_up()
        blob = b"".join(path.read_bytes() for path in files())
    assert b"Hangzhou Precision" in blob  # what is not personal is there to be found
    assert _found(blob, keys) == []


@freeze_time(NOW)
def test_a_backup_taken_before_a_forget_opens_no_personal_data_after_it(tmp_path, monkeypatch):
    live, copy = tmp_path / "live.db", tmp_path / "backup.db"
    with closing(make_system(f"sqlite:///{live}")) as system:
        cid, cand, _keys = _people_and_their_keys(system)
        with sqlite3.connect(live) as source, sqlite3.connect(copy) as target:
            source.backup(target)  # SQLite's online backup: a consistent copy
        old_master = vault_of(system.app).wrapping.current
        forget_both(system, cid, cand)
    key_file = key_file_beside(str(live))
    with closing(make_system(f"sqlite:///{live}")) as again:  # the live database: the others
        assert [p.name for p in again.app.load(Customer, cid).contacts] == ["[erased]", "Li Na"]

    # The backup's keys are wrapped under the master key the forget destroyed: with the
    # live key file it does not start, and no key in that file opens them.
    monkeypatch.setenv(MASTER_KEY_FILE_VARIABLE, str(key_file))
    with pytest.raises(MasterKeyError, match=f"master key {old_master}"):
        make_system(f"sqlite:///{copy}")
    with sqlite3.connect(copy) as conn:
        rows = conn.execute("SELECT subject_id, key, master_key_id FROM data_subject_keys")
        wrapped = {UUID(s): (key, master) for s, key, master in rows}
    masters = parse_keys(key_file.read_text(), str(key_file))
    assert old_master not in masters
    for subject in (contact_subject_id(cid, 0), cand, contact_subject_id(cid, 1)):
        sealed, master = wrapped[subject]
        assert master == old_master
        for key in masters.values():
            with pytest.raises(InvalidTag):
                AESGCM(key).decrypt(sealed[:12], sealed[12:], associated_data(subject, master))
