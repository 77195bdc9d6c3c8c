"""The verifications of the chain as recorded: when the stored history was last
recomputed against its chain, by whom or what, and what was found (ADR 68).

``salesdomain chain verify`` and the reviewer's chain page record each verification
they run; the chain page shows the last one.  The table lives beside the chain's links
(in the views' database) and, like them, is not an event: it is a note of a check, made
again by running the check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from salesdomain.projections.integrity.verification import VerificationReport
from salesdomain.projections.schema import create_tables, schema_transaction
from salesdomain.projections.types import UtcDateTime
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    select,
)

VERIFICATIONS = MetaData()
chain_verifications = Table(
    "chain_verifications",
    VERIFICATIONS,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("verified_at", UtcDateTime, nullable=False),
    Column("verified_by", String(200), nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("checked", BigInteger, nullable=False),
    Column("chained_to", BigInteger, nullable=False),
    Column("first_bad_position", BigInteger),
    Column("problem", String(100)),
    Column("message", Text, nullable=False),
)


@dataclass(frozen=True)
class Verification:
    """One verification of the chain as recorded."""

    verified_at: datetime
    """When it ran."""
    verified_by: str
    """Who or what ran it ("Cora Compliance (compliance reviewer), on the web" or
    "salesdomain chain verify")."""
    ok: bool
    """Whether the stored history matched its chain."""
    checked: int
    """How many stored events were recomputed."""
    chained_to: int
    """The chain's last position then."""
    first_bad_position: int | None
    """The first position where the store differed, if it did."""
    problem: str | None
    """What differed there."""
    message: str
    """The problem in words."""


def record_verification(
    engine: Engine, report: VerificationReport, verified_by: str, at: datetime
) -> None:
    """Note that ``verified_by`` verified the chain at ``at`` and found ``report``."""
    with schema_transaction(engine) as conn:
        create_tables(conn, [chain_verifications])
    with engine.begin() as conn:
        conn.execute(
            chain_verifications.insert().values(
                verified_at=at,
                verified_by=verified_by[:200],
                ok=report.ok,
                checked=report.checked,
                chained_to=report.chained_to,
                first_bad_position=report.first_bad_position,
                problem=None if report.problem is None else report.problem[:100],
                message=report.message,
            )
        )


def last_verification(engine: Engine) -> Verification | None:
    """The verification recorded last, if any was."""
    with schema_transaction(engine) as conn:
        create_tables(conn, [chain_verifications])
    c = chain_verifications.c
    query = select(chain_verifications).order_by(c.id.desc()).limit(1)
    with engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    values = dict(row._mapping)
    del values["id"]
    return Verification(**values)
