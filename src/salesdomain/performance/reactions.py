"""Named policies of performance (SOP 3.3.4): repeated failure is escalated by itself."""

from __future__ import annotations

from salesdomain.handling import UnitOfWork
from salesdomain.performance.appraisal import Appraisal
from salesdomain.performance.appraisal_record import AppraisalRecord
from salesdomain.performance.escalation import Escalation
from salesdomain.reactions import reacts_to


@reacts_to(
    Appraisal.Closed,
    name="EscalateRepeatedUnderperformance",
    rule=(
        "an employee below standard in N consecutive appraisals of a cycle (policy) is "
        "escalated to be handled by company rules"
    ),
)
def escalate_repeated_underperformance(event: Appraisal.Closed, uow: UnitOfWork) -> None:
    record = uow.find(AppraisalRecord, AppraisalRecord.id_for(event.employee_id))
    if record is None:
        record = uow.add(AppraisalRecord.start(uow.evidence, employee_id=event.employee_id))
    record.count(
        uow.evidence,
        appraisal_id=event.originator_id,
        period=event.period,
        cycle=event.cycle,
        final_score=event.final_score,
        rating_band=event.rating_band,
    )
    run = record.below_standard_run(event.originator_id, uow.policy.performance.escalate_after)
    if run and uow.find(Escalation, Escalation.id_for(event.originator_id)) is None:
        uow.add(
            Escalation.raise_for(
                uow.evidence,
                employee_id=event.employee_id,
                employee_name=event.employee_name,
                cycle=event.cycle,
                appraisal_ids=run,
                policy_version=uow.policy.version,
            )
        )
