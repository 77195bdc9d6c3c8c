"""When the views' keepers take checkpoints (ADR 40): a view caught up or rebuilt past
every ``every``-th log position has its rows kept as they stand there
(``runner.checkpoints``), so that the views as of a moment replay at most about
``every`` events after the checkpoint they start from."""

from __future__ import annotations

from salesdomain.projections.runner import EventLog, ProjectionRunner
from salesdomain.projections.runner.checkpoints import latest_stamp, take_checkpoint
from salesdomain.projections.runner.stamps import StampedLog
from sqlalchemy import Engine

CHECKPOINT_EVERY = 10_000
"""Log positions between two checkpoints of a view kept by a follower or a rebuild."""


STAMP_GAP = 5
"""How many intervals of the log a view's keeper reads again, at most, to learn the
latest event timestamp up to a checkpoint (after a restart, the views stand past the
last checkpoint taken); further than that, the view gets checkpoints from its next
rebuild (views kept before checkpoints existed)."""


class Checkpointer:
    """Takes a view's checkpoints as it crosses every ``every``-th position of ``log``
    (which notes the event timestamps as it is read)."""

    def __init__(self, log: StampedLog, every: int) -> None:
        if every < 1:
            raise ValueError(f"checkpoints every {every} positions: say a positive number")
        self.log = log
        self.every = every

    @classmethod
    def over(cls, log: EventLog, every: int) -> Checkpointer:
        return cls(StampedLog(log), every)

    def start(self, engine: Engine) -> None:
        """Know the timestamps up to the furthest checkpoint already taken (the views
        following on from there note the rest)."""
        with engine.connect() as conn:
            known = latest_stamp(conn)
        if known[0]:
            self.log.restart(known)

    def crossed(self, before: int, after: int) -> bool:
        return after // self.every > before // self.every

    def take(self, runner: ProjectionRunner, generation: int, position: int) -> bool:
        """Keep the generation as it stands at ``position``, if the latest timestamp up
        to it is known (the log was read without a gap up to there)."""
        self.log.fill(position, STAMP_GAP * self.every)
        known, stamp = self.log.stamp(position)
        return known and take_checkpoint(runner, generation, position, stamp)

    def catch_up(self, runner: ProjectionRunner, until: int | None, batch_size: int) -> int:
        """``runner.catch_up`` in steps that end past each ``every``-th position, with a
        checkpoint there.  Raises ``ProjectionStopped`` as ``catch_up`` does."""
        target = self.log.head() if until is None else until
        generation = runner.active_generation()
        position = runner.position(generation)
        while position < target:
            boundary = (position // self.every + 1) * self.every
            reached = runner.catch_up(min(boundary, target), batch_size, generation)
            if reached <= position:
                break
            if self.crossed(position, reached):
                self.take(runner, generation, reached)
            position = reached
        return position
