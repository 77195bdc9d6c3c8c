"""A projection's status: its active generation, position, lag behind the log's head
and the event that stopped it, if any (read from its status row, so every process
sees a stop, whichever process met it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from salesdomain.projections.runner.generations import _Generations
from salesdomain.projections.runner.state import projection_state
from salesdomain.projections.runner.stopped import ProjectionStopped
from sqlalchemy import select


@dataclass(frozen=True)
class ProjectionStatus:
    name: str
    """The view's name."""
    generation: int
    """The view's generation (a rebuild fills a new one)."""
    status: str
    """Whether the view is running, rebuilding or stopped."""
    position: int
    """The last log position the view has taken in."""
    head: int
    """The log's last position."""
    error_position: int | None
    """The position of the event the view stopped on."""
    error_event: str | None
    """The event the view stopped on."""
    error: str | None
    """Why the view stopped."""
    version: int | None = None
    """The version of the projection's code that built this generation (``None``: a
    release that did not record it)."""
    code_version: int | None = None
    """The version of the projection's code running now."""

    @property
    def outdated(self) -> bool:
        """Built by older code than runs now: its tables may not have the shape or the
        content the code expects, so it is rebuilt (``ReadModels.upgrade``)."""
        return self.code_version is not None and (
            self.version is None or self.version < self.code_version
        )

    @property
    def lag(self) -> int:
        return max(self.head - self.position, 0)

    @property
    def stopped(self) -> bool:
        """The view stopped on an event it cannot apply (``error_*`` say which, why)."""
        return self.error is not None


@dataclass(frozen=True)
class Standing:
    """Where the view serving reads stands: its generation, position and stop, if any."""

    generation: int
    position: int
    stopped: ProjectionStopped | None


class _Status(_Generations):
    """The status of the projection's active generation."""

    def status(self) -> ProjectionStatus:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(projection_state).where(
                    projection_state.c.name == self.projection.name,
                    projection_state.c.status == "active",
                )
            ).one()
        return ProjectionStatus(
            name=row.name,
            generation=row.generation,
            status=row.status,
            position=row.position,
            head=self.log.head(),
            error_position=row.error_position,
            error_event=row.error_event,
            error=row.error,
            version=row.version,
            code_version=self.projection.version,
        )

    def standing(self) -> Standing:
        """The generation and position of the view serving reads and where it stopped,
        if it did, in one look at its status row (what a read checks, whoever keeps
        the view up to date)."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(
                    projection_state.c.generation,
                    projection_state.c.position,
                    projection_state.c.error_position,
                    projection_state.c.error_event,
                    projection_state.c.error,
                ).where(
                    projection_state.c.name == self.projection.name,
                    projection_state.c.status == "active",
                )
            ).one()
        return Standing(int(row.generation), int(row.position), self._stop_of(row))

    def stopped_at(self) -> ProjectionStopped | None:
        """Where the view serving reads stopped, as recorded (None: it did not)."""
        return self.standing().stopped

    def _stop_of(self, row: Any) -> ProjectionStopped | None:
        if row.error is None:
            return None
        return ProjectionStopped(
            self.projection.name, row.error_position or 0, row.error_event or "", row.error
        )
