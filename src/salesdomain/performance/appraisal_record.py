"""AppraisalRecord: the closed appraisals of one employee, for escalation (SOP 3.3.4).

The named policy ``EscalateRepeatedUnderperformance`` counts every closed appraisal
here; the record answers whether the employee's last N appraisals of a cycle were all
below standard.  Its id is derived from the employee's id: one record per employee.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, UUID, uuid5

from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.people.values import Period
from salesdomain.performance.values import Cycle, RatingBand

RECORD_NAMESPACE = uuid5(NAMESPACE_URL, "salesdomain:appraisal-record")


@dataclass(frozen=True)
class CountedResult:
    appraisal_id: UUID
    cycle: Cycle
    starts: date
    below_standard: bool


class AppraisalRecord(SopAggregate):
    class Event(SopAggregate.Event):
        SOP_STEP = "3.3.4"

    class Started(Event, SopAggregate.Created):
        employee_id: UUID

        def apply(self, record: AppraisalRecord) -> None:
            record.employee_id = self.employee_id
            record.results = []

    class ResultCounted(Event):
        appraisal_id: UUID
        period: Period
        cycle: Cycle
        final_score: Decimal
        rating_band: RatingBand

        def apply(self, record: AppraisalRecord) -> None:
            counted = CountedResult(
                self.appraisal_id,
                self.cycle,
                self.period.start,
                self.rating_band.is_below_standard,
            )
            record.results.append(counted)

    if TYPE_CHECKING:
        employee_id: UUID
        results: list[CountedResult]

    @staticmethod
    def id_for(employee_id: UUID) -> UUID:
        return uuid5(RECORD_NAMESPACE, str(employee_id))

    @classmethod
    def start(cls, evidence: Evidence, *, employee_id: UUID) -> AppraisalRecord:
        record_id = cls.id_for(employee_id)
        # The employee's record spans many appraisals: it is a case of its own.
        return cls._start(
            cls.Started, evidence, id=record_id, case_id=record_id, employee_id=employee_id
        )

    def count(
        self,
        evidence: Evidence,
        *,
        appraisal_id: UUID,
        period: Period,
        cycle: Cycle,
        final_score: Decimal,
        rating_band: RatingBand,
    ) -> None:
        if any(r.appraisal_id == appraisal_id for r in self.results):
            return
        self._record(
            self.ResultCounted,
            evidence,
            appraisal_id=appraisal_id,
            period=period,
            cycle=cycle,
            final_score=final_score,
            rating_band=rating_band,
        )

    def below_standard_run(self, appraisal_id: UUID, length: int) -> tuple[UUID, ...]:
        """The ids of the ``length`` consecutive appraisals of the same cycle ending with
        ``appraisal_id`` (by period) if all were below standard, else ``()``."""
        this = next((r for r in self.results if r.appraisal_id == appraisal_id), None)
        if this is None:
            return ()
        same_cycle = sorted(
            (r for r in self.results if r.cycle is this.cycle and r.starts <= this.starts),
            key=lambda r: r.starts,
        )
        run = same_cycle[-length:]
        if len(run) < length or not all(r.below_standard for r in run):
            return ()
        return tuple(r.appraisal_id for r in run)
