"""The master key kept outside the database (ADR 33): subjects' keys are stored only
wrapped under it, forgetting rotates it and destroys the old one, a rotation cut short is
finished at the next start, a process still wrapping under a retired master key wraps
again, and a bad or missing master key is a clear error naming the variable or file."""

from __future__ import annotations

import base64
import os
import stat
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from freezegun import freeze_time
from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.forgetting import forget_data_subject
from salesdomain.adapters.key_file import KeyFile
from salesdomain.adapters.key_rotation import rotate_master_key
from salesdomain.adapters.key_store import data_subject_keys, master_keys, retired_master_keys
from salesdomain.adapters.master_keys import (
    MASTER_KEY_FILE_VARIABLE,
    MASTER_KEY_VARIABLE,
    MasterKeyError,
    key_file_beside,
    master_key_id,
    master_keys_for,
)
from salesdomain.adapters.personal_data import vault_of
from salesdomain.adapters.store import parse_database_url
from salesdomain.projections.types import UtcDateTime
from sqlalchemy import (
    Column,
    LargeBinary,
    MetaData,
    String,
    Table,
    create_engine,
    insert,
    text,
)

from salesdomain.prospecting import commands as pc
from salesdomain.prospecting.customer import Customer
from salesdomain.prospecting.values import ContactPerson, contact_subject_id
from tests import builders as b
from tests.cli_helpers import Cli
from tests.conftest import make_system

NOW = "2026-03-02 09:00:00+00:00"


def customer_with_two_contacts(system: System) -> UUID:
    """A customer whose contacts are Chen Wei (subject index 0) and Li Na (1)."""
    reg = b.register()
    system.app.handle(reg, b.ALICE)
    cid = b.customer_id(reg)
    li_na = ContactPerson(name="Li Na", email="li.na@example.com")
    system.app.handle(pc.AddContactPerson(customer_id=cid, person=li_na), b.ALICE)
    return cid


def _names(system: System, cid: UUID) -> list[str]:
    return [p.name for p in system.app.load(Customer, cid).contacts]


@freeze_time(NOW)
def test_subject_keys_are_stored_only_wrapped_under_the_master_key(system, store_url):
    cid = customer_with_two_contacts(system)
    vault = vault_of(system.app)
    subject = contact_subject_id(cid, 1)
    key = vault.key_or_new(subject)  # the stored key, as this process holds it
    stored = vault.store.key(subject)
    assert stored is not None
    assert stored.master_key_id == vault.wrapping.current == vault.store.master_keys()[-1]
    assert key not in stored.sealed
    assert len(stored.sealed) == 12 + 32 + 16  # nonce, key, tag
    if store_url.startswith("sqlite"):
        path = key_file_beside(parse_database_url(store_url).env["SQLITE_DBNAME"])
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert vault.wrapping.current in path.read_text()


@freeze_time(NOW)
def test_forgetting_rotates_the_master_key_and_destroys_the_old_one(system, store_url):
    cid = customer_with_two_contacts(system)
    vault = vault_of(system.app)
    old_id = vault.wrapping.current
    old_key = vault.wrapping.ring.get(old_id)
    assert old_key is not None

    done = forget_data_subject(
        system, contact_subject_id(cid, 0), "Asked to be removed", b.MIA, customer_id=cid
    )

    assert done.rotation.rotated
    assert done.rotation.retired == (old_id,)
    assert vault.store.master_keys() == [done.rotation.master_key_id] != [old_id]
    assert vault.store.retired_master_keys() == []
    assert vault.wrapping.ring.get(old_id) is None
    assert vault.store.key(contact_subject_id(cid, 0)) is None
    li_na = vault.store.key(contact_subject_id(cid, 1))
    assert li_na is not None
    assert li_na.master_key_id == done.rotation.master_key_id
    assert _names(system, cid) == ["[erased]", "Li Na"]
    if store_url.startswith("sqlite"):
        path = key_file_beside(parse_database_url(store_url).env["SQLITE_DBNAME"])
        held = path.read_bytes()
        assert old_id.encode() not in held
        assert base64.b64encode(old_key) not in held


@freeze_time(NOW)
def test_the_other_subjects_open_in_a_new_process_after_a_forget(system, shared_store):
    cid = customer_with_two_contacts(system)
    forget_data_subject(system, contact_subject_id(cid, 0), "Asked", b.MIA, customer_id=cid)
    with closing(make_system(shared_store)) as again:
        assert _names(again, cid) == ["[erased]", "Li Na"]


@freeze_time(NOW)
def test_a_rotation_cut_short_after_the_new_master_key_is_finished_at_the_next_start(
    system, shared_store
):
    cid = customer_with_two_contacts(system)
    vault = vault_of(system.app)
    old_id = vault.wrapping.current
    new_id = vault.wrapping.ring.add()  # steps 1 and 2, then the process dies
    vault.store.add_master_key(new_id)
    assert vault.store.needs_rewrap()
    with closing(make_system(shared_store)) as again:
        store = vault_of(again.app).store
        assert store.master_keys() == [new_id]
        assert vault_of(again.app).wrapping.ring.get(old_id) is None
        assert not store.needs_rewrap()
        assert _names(again, cid) == ["Chen Wei", "Li Na"]


@freeze_time(NOW)
def test_a_retired_master_key_left_in_the_ring_is_destroyed_at_the_next_start(system, shared_store):
    cid = customer_with_two_contacts(system)
    vault = vault_of(system.app)
    old_id = vault.wrapping.current
    vault.store.add_master_key(vault.wrapping.ring.add())
    vault.wrapping.refresh()
    retired, rewrapped = vault.store.rewrap(vault.wrapping.rewrap, ())  # step 3, then dies
    assert (retired, rewrapped) == ([old_id], 2)
    assert vault.wrapping.ring.get(old_id) is not None
    with closing(make_system(shared_store)) as again:
        assert vault_of(again.app).wrapping.ring.get(old_id) is None
        assert vault_of(again.app).store.retired_master_keys() == []
        assert _names(again, cid) == ["Chen Wei", "Li Na"]


@freeze_time(NOW)
def test_a_process_wrapping_under_a_retired_master_key_wraps_again_under_the_new_one(
    system, shared_store
):
    cid = customer_with_two_contacts(system)
    with closing(make_system(shared_store)) as other:
        stale = vault_of(other.app).wrapping.current
        rotate_master_key(vault_of(system.app))
        assert vault_of(other.app).wrapping.current == stale  # it has not heard of it
        wu_fei = pc.AddContactPerson(customer_id=cid, person=ContactPerson(name="Wu Fei"))
        other.app.handle(wu_fei, b.ALICE)  # a new subject: its key is refused, then wrapped again
        vault_of(other.app).key_or_new(uuid4())  # outside a save of events too
        current = vault_of(system.app).wrapping.current
        assert vault_of(other.app).wrapping.current == current != stale
        stored = vault_of(system.app).store.key(contact_subject_id(cid, 2))
        assert stored is not None
        assert stored.master_key_id == current
    with closing(make_system(shared_store)) as third:
        assert _names(third, cid) == ["Chen Wei", "Li Na", "Wu Fei"]


@freeze_time(NOW)
def test_a_master_key_given_in_the_environment_is_used_and_never_rotated(tmp_path, monkeypatch):
    key = os.urandom(32)
    monkeypatch.setenv(MASTER_KEY_VARIABLE, base64.b64encode(key).decode())
    url = f"sqlite:///{tmp_path}/events.db"
    with closing(make_system(url)) as system:
        cid = customer_with_two_contacts(system)
        vault = vault_of(system.app)
        assert vault.wrapping.current == master_key_id(key)
        done = forget_data_subject(
            system, contact_subject_id(cid, 0), "Asked", b.MIA, customer_id=cid
        )
        assert (done.rotation.rotated, done.rotation.master_key_id) == (False, master_key_id(key))
        assert vault.store.key(contact_subject_id(cid, 0)) is None
        assert _names(system, cid) == ["[erased]", "Li Na"]
    assert not key_file_beside(f"{tmp_path}/events.db").exists()
    refused = Cli(url)("keys", "rotate")
    assert refused.exit_code == 2
    assert MASTER_KEY_VARIABLE in refused.output
    assert "Traceback" not in refused.output


@freeze_time(NOW)
def test_keys_rotate_and_status_on_the_command_line(cli):
    before = cli.json("keys", "status")["master_key_id"]
    rotated = cli.json("keys", "rotate")
    assert rotated["destroyed"] == [before]
    assert rotated["master_key_id"] != before
    assert cli.json("keys", "status")["master_key_id"] == rotated["master_key_id"]
    assert "Rotated the master key" in cli.ok("keys", "rotate").stdout
    assert cli.ok("staff").exit_code == 0


def _key_file(tmp_path: Path, text: str) -> KeyFile:
    path = tmp_path / "master.keys"
    path.write_text(text)
    return KeyFile(path, f"${MASTER_KEY_FILE_VARIABLE}")


GOOD = base64.b64encode(bytes(range(32))).decode()


@pytest.mark.parametrize(
    ("environ", "url", "words"),
    [
        ({}, "postgresql://u@h/db", MASTER_KEY_FILE_VARIABLE),
        ({MASTER_KEY_FILE_VARIABLE: "/x", MASTER_KEY_VARIABLE: GOOD}, "memory://", "not both"),
        ({MASTER_KEY_VARIABLE: "not base64!"}, "memory://", f"${MASTER_KEY_VARIABLE} is not"),
        ({MASTER_KEY_VARIABLE: GOOD[:20]}, "memory://", "32 random bytes"),
    ],
)
def test_a_missing_or_malformed_master_key_is_named(environ, url, words):
    with pytest.raises(MasterKeyError, match=words.replace("$", r"\$")):
        master_keys_for(parse_database_url(url), environ)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (f"0123456789abcdef {GOOD}\n", "line 1: '0123456789abcdef' is not the id of its key"),
        (f"# keys\n\n{GOOD} extra words\n", "line 3: write 'ID KEY'"),
        ("# keys\nshort\n", "line 2 is not a master key"),
    ],
)
def test_a_key_file_that_cannot_be_read_is_named_with_its_line(tmp_path, text, words):
    with pytest.raises(MasterKeyError, match=words):
        _key_file(tmp_path, text).get("anything")


def test_a_key_file_holds_keys_with_or_without_their_id(tmp_path):
    key = bytes(range(32))
    ring = _key_file(tmp_path, f"# mine\n{GOOD}\n")
    assert ring.get(master_key_id(key)) == key
    added = ring.add()
    assert {line.split()[0] for line in ring.path.read_text().splitlines()[2:]} == {
        master_key_id(key),
        added,
    }
    ring.remove([master_key_id(key)])
    assert ring.get(master_key_id(key)) is None
    assert ring.get(added) is not None


def test_a_database_whose_master_key_is_missing_does_not_start_and_says_why(tmp_path):
    url = f"sqlite:///{tmp_path}/events.db"
    with closing(make_system(url)) as system:
        in_use = vault_of(system.app).wrapping.current
    key_file_beside(f"{tmp_path}/events.db").unlink()
    with pytest.raises(MasterKeyError, match=f"master key {in_use}.*does not exist"):
        make_system(url)
    refused = Cli(url)("staff")
    assert refused.exit_code == 2
    assert f"master key {in_use}" in refused.output
    assert "Traceback" not in refused.output
    assert not key_file_beside(f"{tmp_path}/events.db").exists()  # none made in its place


@freeze_time(NOW)
def test_keys_stored_in_the_clear_by_an_earlier_release_are_wrapped_at_start(shared_store):
    system = make_system(shared_store)
    cid = customer_with_two_contacts(system)
    vault = vault_of(system.app)
    subjects = [contact_subject_id(cid, 0), contact_subject_id(cid, 1)]
    raw = {subject: vault.key_or_new(subject) for subject in subjects}
    ring = vault.wrapping.ring
    assert isinstance(ring, KeyFile)
    system.close()
    _as_before_0_2_0(shared_store, raw, ring.path)

    with closing(make_system(shared_store)) as again:
        vault = vault_of(again.app)
        assert _names(again, cid) == ["Chen Wei", "Li Na"]
        for subject in subjects:
            stored = vault.store.key(subject)
            assert stored is not None
            assert stored.master_key_id == vault.wrapping.current
            assert raw[subject] not in stored.sealed
        assert not vault.store.needs_rewrap()


def _as_before_0_2_0(url: str, raw: dict[UUID, bytes], key_file: Path) -> None:
    """The store as 0.1 left it: the keys in the clear in a table without the master
    key's column, no master keys, no key file."""
    config = parse_database_url(url)
    if config.kind == "sqlite":
        engine = create_engine(f"sqlite:///{config.env['SQLITE_DBNAME']}")
    else:
        engine = create_engine(
            url.split("?")[0].replace("postgresql://", "postgresql+psycopg://"),
            connect_args={"options": f"-csearch_path={config.schema}"},
        )
    old = Table(
        "data_subject_keys",
        MetaData(),
        Column("subject_id", String(36), primary_key=True),
        Column("key", LargeBinary),
        Column("created_at", UtcDateTime, nullable=False),
        Column("forgetting_record", String(36)),
        Column("forgotten_at", UtcDateTime),
    )
    with engine.begin() as conn:
        for table in (data_subject_keys, master_keys, retired_master_keys):
            conn.execute(text(f"DROP TABLE {table.name}"))
        old.create(conn)
        conn.execute(
            insert(old),
            [
                {"subject_id": str(s), "key": k, "created_at": datetime.now(UTC)}
                for s, k in raw.items()
            ],
        )
    engine.dispose()
    key_file.unlink()
