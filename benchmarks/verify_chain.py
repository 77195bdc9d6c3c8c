"""Benchmark (not a test): keep the hash chain over a SQLite log, then verify it.

    .venv/bin/python -m benchmarks.verify_chain --db /tmp/salesdomain-benchmark-log.db

The log is opened read-only (``mode=ro``) and read as eventsourcing's SQLite recorder
reads it (``rowid`` order, pages of ``--page``); the chain is kept in a separate,
temporary SQLite file (``--chain-db`` to keep it), so the log file is never written.
Prints events/second for keeping the chain and for verifying it.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from eventsourcing.persistence import Notification
from salesdomain.projections.integrity import ChainKeeper, verify
from sqlalchemy import create_engine


class ReadOnlySqliteLog:
    def __init__(self, path: str, table: str = "stored_events") -> None:
        self.connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        self.statement = (
            f"SELECT rowid, originator_id, originator_version, topic, state FROM {table} "
            "WHERE rowid >= ? ORDER BY rowid LIMIT ?"
        )

    def select_notifications(self, start: int | None, limit: int) -> Sequence[Notification]:
        rows = self.connection.execute(self.statement, (start or 1, limit)).fetchall()
        return [
            Notification(
                id=r[0], originator_id=r[1], originator_version=r[2], topic=r[3], state=r[4]
            )
            for r in rows
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="the SQLite event log (opened read-only)")
    parser.add_argument("--chain-db", help="where to keep the chain (default: a temp file)")
    parser.add_argument("--page", type=int, default=1000)
    args = parser.parse_args()
    log = ReadOnlySqliteLog(args.db)
    with tempfile.TemporaryDirectory() as tmp:
        chain_path = args.chain_db or str(Path(tmp) / "chain.db")
        engine = create_engine(f"sqlite:///{chain_path}")
        keeper = ChainKeeper(engine, log)
        started = time.perf_counter()
        position = keeper.catch_up(batch_size=args.page)
        keep_seconds = time.perf_counter() - started
        started = time.perf_counter()
        report = verify(log, engine, keeper.digest(), page_size=args.page)
        verify_seconds = time.perf_counter() - started
        engine.dispose()
    print(f"chained to position {position}")
    print(f"keep:   {report.chained_to / keep_seconds:,.0f} events/s ({keep_seconds:.1f} s)")
    print(f"verify: {report.checked / verify_seconds:,.0f} events/s ({verify_seconds:.1f} s)")
    print(f"ok={report.ok}: {report.message}")


if __name__ == "__main__":
    main()
