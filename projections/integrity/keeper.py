"""Keeping the chain: ``ChainKeeper`` appends links to ``event_chain``, advancing its
``projection_state`` row by compare-and-set."""

from __future__ import annotations

from typing import Any

from salesdomain.projections.integrity.chain import (
    CHAIN,
    GENESIS,
    NAME,
    _reader,
    event_chain,
    link_of,
)
from salesdomain.projections.integrity.digest import Digest, _chain_head
from salesdomain.projections.runner import STATE, projection_state
from salesdomain.projections.runner.state import add_state_row, move_position, state_row
from salesdomain.projections.schema import create_tables, schema_transaction
from sqlalchemy import Engine, select

GENERATION = 1


class ChainKeeper:
    """Keeps ``event_chain`` up to date with the stored log."""

    def __init__(self, engine: Engine, log_reader: Any) -> None:
        self.engine = engine
        self.reader = _reader(log_reader)
        with schema_transaction(engine) as conn:  # several processes may start at once
            create_tables(conn, [*STATE.sorted_tables, *CHAIN.sorted_tables])
            add_state_row(conn, NAME, GENERATION, "active")

    def position(self) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    select(projection_state.c.position).where(state_row(NAME, GENERATION))
                ).scalar_one()
            )

    def _link_at(self, position: int) -> str:
        if position == 0:
            return GENESIS
        with self.engine.connect() as conn:
            return str(
                conn.execute(
                    select(event_chain.c.link).where(event_chain.c.position == position)
                ).scalar_one()
            )

    def run_batch(self, batch_size: int = 1000) -> int:
        """Link the next page of the log; return how many links were added (0: caught
        up, or another keeper linked this page first)."""
        start = self.position()
        page = self.reader.select_notifications(start + 1, batch_size)
        if not page:
            return 0
        link = self._link_at(start)
        rows = []
        for n in page:
            link = link_of(link, n)
            rows.append({"position": n.id, "link": link})
        with self.engine.connect() as conn, conn.begin() as transaction:
            if not move_position(conn, NAME, GENERATION, start, page[-1].id):
                transaction.rollback()
                return 0
            conn.execute(event_chain.insert(), rows)
        return len(rows)

    def catch_up(self, batch_size: int = 1000) -> int:
        """Link every stored notification not linked yet; return the chain's position."""
        while True:
            if not self.run_batch(batch_size):
                start = self.position()
                if not self.reader.select_notifications(start + 1, 1):
                    return start

    def digest(self) -> Digest:
        """The chain's head: the position linked last and its link."""
        return _chain_head(self.engine)
