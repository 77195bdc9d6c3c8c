"""KpiScheme: the weighted indicators appraisals of one cycle and period use (SOP 3.3.1-3.3.2).

One scheme per period (its id is derived from the period, which names the cycle).  The
weights sum to exactly 100% and follow the cycle's emphasis (policy data: monthly schemes
weigh process indicators, quarterly and annual ones results and customers).  Once an
appraisal uses the scheme it is locked: appraisals of one period are scored alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, UUID, uuid5

from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.errors import SopRuleViolation
from salesdomain.people.values import Period
from salesdomain.performance.policy import PerformancePolicy
from salesdomain.performance.values import Cycle, KpiSpecs, cycle_of
from salesdomain.rules.performance import (
    KPI_SCHEME_FIXED_ONCE_USED,
    KPI_WEIGHTING_BY_CYCLE,
    KPI_WEIGHTS_SUM_TO_WHOLE,
)

SCHEME_NAMESPACE = uuid5(NAMESPACE_URL, "salesdomain:kpi-scheme")


class KpiScheme(SopAggregate):
    class Event(SopAggregate.Event):
        SOP_STEP = "3.3.1"

    class Defined(Event, SopAggregate.Created):
        period: Period
        cycle: Cycle
        title: str
        specs: KpiSpecs
        policy_version: str

        def apply(self, scheme: KpiScheme) -> None:
            scheme.period = self.period
            scheme.cycle = self.cycle
            scheme.title = self.title
            scheme.specs = self.specs
            scheme.locked_by = None

    class Revised(Event):
        specs: KpiSpecs
        reason: str
        policy_version: str

        def apply(self, scheme: KpiScheme) -> None:
            scheme.specs = self.specs

    class Locked(Event):
        SOP_STEP = "3.3.3"
        appraisal_id: UUID

        def apply(self, scheme: KpiScheme) -> None:
            scheme.locked_by = self.appraisal_id

    if TYPE_CHECKING:
        period: Period
        cycle: Cycle
        title: str
        specs: KpiSpecs
        locked_by: UUID | None

    @staticmethod
    def id_for(period: Period) -> UUID:
        return uuid5(SCHEME_NAMESPACE, period.code)

    @classmethod
    def define(
        cls,
        evidence: Evidence,
        *,
        period: Period,
        title: str,
        specs: KpiSpecs,
        policy: PerformancePolicy,
        policy_version: str,
    ) -> KpiScheme:
        cycle = cycle_of(period)
        _check_weights(specs, cycle, policy)
        return cls._start(
            cls.Defined,
            evidence,
            id=cls.id_for(period),
            period=period,
            cycle=cycle,
            title=title,
            specs=specs,
            policy_version=policy_version,
        )

    def revise(
        self,
        evidence: Evidence,
        specs: KpiSpecs,
        *,
        reason: str,
        policy: PerformancePolicy,
        policy_version: str,
    ) -> None:
        if self.locked_by is not None:
            raise SopRuleViolation(
                KPI_SCHEME_FIXED_ONCE_USED,
                f"appraisal {self.locked_by} uses the scheme for {self.period}",
            )
        _check_weights(specs, self.cycle, policy)
        self._record(
            self.Revised, evidence, specs=specs, reason=reason, policy_version=policy_version
        )

    def lock_for(self, evidence: Evidence, appraisal_id: UUID) -> None:
        """The first appraisal that uses the scheme fixes it."""
        if self.locked_by is None:
            self._record(self.Locked, evidence, appraisal_id=appraisal_id)


def _check_weights(specs: KpiSpecs, cycle: Cycle, policy: PerformancePolicy) -> None:
    total = specs.total_weight
    if total != 1:
        raise SopRuleViolation(KPI_WEIGHTS_SUM_TO_WHOLE, f"they sum to {total * 100}%")
    weighting = policy.cycle_weighting[cycle]
    weight = specs.weight_of(weighting.groups)
    if weight < weighting.at_least:
        raise SopRuleViolation(
            KPI_WEIGHTING_BY_CYCLE,
            f"in a {cycle.value} scheme {weighting.describe()}; they weigh {weight * 100}%",
        )
