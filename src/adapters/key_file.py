"""A file of master keys (ADR 33): one key a line, ``ID KEY`` (or only ``KEY``), base64.

The file is made with mode 0600.  It is changed only by replacing it whole (a new file
written, flushed to disk and renamed over the old one), so a crash leaves either the
old keys or the new ones; then the old file, still open, is overwritten with zeros, so
a destroyed key does not stay in the blocks the old file used (on a file system that
overwrites in place: not on copy-on-write ones, nor in snapshots or backups of the
file).  Changes are made under a lock (``<file>.lock``, ``flock``) held by one process
at a time; several databases may share one file, each using and destroying only its
own keys.
"""

from __future__ import annotations

import base64
import os
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from salesdomain.adapters.master_keys import (
    MasterKeyError,
    decode_master_key,
    master_key_id,
    new_master_key,
)

if sys.platform != "win32":  # elsewhere one process at a time is up to the operator
    import fcntl

HEADER = (
    "# salesdomain master keys (docs/personal-data.md): they open the keys of data\n"
    "# subjects. Keep this file secret, and apart from the database and its backups.\n"
)


class KeyFile:
    rotatable = True

    def __init__(self, path: Path, named_by: str) -> None:
        self.path = path
        self.where = f"the master key file {path} ({named_by})"
        self._keys: dict[str, bytes] | None = None
        self._lock = threading.RLock()
        self._held = 0
        self._lock_file: IO[bytes] | None = None

    def exists(self) -> bool:
        return self.path.exists()

    def get(self, key_id: str) -> bytes | None:
        keys = self._keys if self._keys is not None else self._read()
        if key_id not in keys:  # another process may have added it
            keys = self._read()
        return keys.get(key_id)

    def add(self) -> str:
        with self.locked():
            keys = self._read()
            key = new_master_key()
            keys[master_key_id(key)] = key
            self._write(keys)
        return master_key_id(key)

    def remove(self, key_ids: Iterable[str]) -> None:
        with self.locked():
            keys, gone = self._read(), set(key_ids)
            kept = {key_id: key for key_id, key in keys.items() if key_id not in gone}
            if kept != keys:
                self._write(kept)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Re-entrant in a thread; between processes, ``flock`` on ``<file>.lock``."""
        with self._lock:
            if self._held == 0:
                self._lock_file = self._take_file_lock()
            self._held += 1
            try:
                yield
            finally:
                self._held -= 1
                if self._held == 0 and self._lock_file is not None:
                    self._lock_file.close()  # releases the lock
                    self._lock_file = None

    def _take_file_lock(self) -> IO[bytes] | None:
        if sys.platform == "win32":
            return None
        lock_path = self.path.with_name(self.path.name + ".lock")
        try:
            handle = os.fdopen(os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600), "r+b")
        except OSError as error:
            raise MasterKeyError(
                f"{self.where}: cannot make its lock {lock_path}: {error}"
            ) from None
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        return handle

    def _read(self) -> dict[str, bytes]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            keys: dict[str, bytes] = {}
        except (OSError, UnicodeDecodeError) as error:
            raise MasterKeyError(f"{self.where} cannot be read: {error}") from None
        else:
            keys = parse_keys(text, self.where)
        self._keys = keys
        return dict(keys)

    def _write(self, keys: dict[str, bytes]) -> None:
        lines = [f"{key_id} {base64.b64encode(key).decode()}\n" for key_id, key in keys.items()]
        try:
            replace_and_scrub(self.path, (HEADER + "".join(lines)).encode())
        except OSError as error:
            raise MasterKeyError(f"{self.where} cannot be written: {error}") from None
        self._keys = dict(keys)


def parse_keys(text: str, where: str) -> dict[str, bytes]:
    keys: dict[str, bytes] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split()
        if len(fields) > 2:
            raise MasterKeyError(f"{where}, line {number}: write 'ID KEY' or 'KEY' (base64)")
        key = decode_master_key(fields[-1], f"{where}, line {number}")
        key_id = master_key_id(key)
        if len(fields) == 2 and fields[0] != key_id:
            raise MasterKeyError(
                f"{where}, line {number}: {fields[0][:20]!r} is not the id of its key ({key_id})"
            )
        keys[key_id] = key
    return keys


def replace_and_scrub(path: Path, data: bytes) -> None:
    """Replace the file at ``path`` by ``data`` atomically, then overwrite the old one."""
    old = _open_old(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.new")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, path)
        _sync_directory(path.parent)
    except BaseException:
        temporary.unlink(missing_ok=True)
        if old is not None:
            old.close()
        raise
    if old is not None:
        with old:
            size = os.fstat(old.fileno()).st_size
            old.seek(0)
            old.write(bytes(size))
            old.flush()
            os.fsync(old.fileno())


def _open_old(path: Path) -> IO[bytes] | None:
    try:
        return open(path, "r+b")
    except FileNotFoundError:
        return None


def _sync_directory(directory: Path) -> None:
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # not every system opens directories
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
