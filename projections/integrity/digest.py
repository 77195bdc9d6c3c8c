"""The chain's head as a ``Digest`` (position and link) to export and keep outside the
system."""

from __future__ import annotations

import json
from dataclasses import dataclass

from salesdomain.projections.integrity.chain import GENESIS, event_chain
from sqlalchemy import Engine, select

ALGORITHM = "sha256-chain-v1"


@dataclass(frozen=True)
class Digest:
    """The chain's link at a position: keep it outside the system."""

    position: int
    link: str

    def to_json(self) -> str:
        return json.dumps(
            {"algorithm": ALGORITHM, "position": self.position, "link": self.link},
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Digest:
        data = json.loads(text)
        if data.get("algorithm", ALGORITHM) != ALGORITHM:
            raise ValueError(f"unknown chain algorithm {data.get('algorithm')!r}")
        link = str(data["link"])
        if len(link) != 64 or any(c not in "0123456789abcdef" for c in link):
            raise ValueError("a digest's link is 64 lowercase hex digits")
        return cls(position=int(data["position"]), link=link)


def _chain_head(engine: Engine) -> Digest:
    with engine.connect() as conn:
        row = conn.execute(
            select(event_chain.c.position, event_chain.c.link)
            .order_by(event_chain.c.position.desc())
            .limit(1)
        ).first()
    return Digest(0, GENESIS) if row is None else Digest(int(row[0]), str(row[1]))
