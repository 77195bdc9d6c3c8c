"""Benchmarks (not tests): ``.venv/bin/python -m benchmarks.NAME``."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from salesdomain.adapters.master_keys import MASTER_KEY_FILE_VARIABLE, MASTER_KEY_VARIABLE


def master_key_for_fresh_schemas() -> None:
    """The benchmarks' fresh PostgreSQL schemas need a master key kept outside the
    database (ADR 33): unless one is configured, a file in a temporary directory."""
    if not (os.environ.get(MASTER_KEY_FILE_VARIABLE) or os.environ.get(MASTER_KEY_VARIABLE)):
        keys = Path(tempfile.mkdtemp(prefix="salesdomain-bench-keys-")) / "master.keys"
        os.environ[MASTER_KEY_FILE_VARIABLE] = str(keys)
