"""The conformance review as a view (ADR 39): the review's state kept in SQL tables by
the follower, page by page, so that no request and no restart replays the whole log.

Tables: ``records`` (what the rules remember of each record, JSON, and whether its
events carried personal values, which the view folds erased), ``deadlines`` (one
row per deadline, with its status and the moment after which it is breached, so "time
limits missed as at now" is one query), ``staff`` (the register as the history tells
it), ``findings`` (breaches of the other rules, overrides, decisions not judged),
``steps`` (steps per day, person and SOP step), ``duty_spans`` and ``duty_days``
(when each team and person existed, the days each recurring duty was done) and
``meta`` (counters, the policy versions the view judges under).  Every JSON value is
read by ``codec`` (no pickle).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from salesdomain.projections.changes import RowChange
from salesdomain.projections.conformance.view import duties
from salesdomain.projections.conformance.view.state import PageState
from salesdomain.projections.projection import FoldFailed, FoldingProjection, Tables
from salesdomain.projections.types import UtcDateTime
from sqlalchemy import BigInteger, Boolean, Column, Date, MetaData, String, Table, Text
from sqlalchemy.engine import Connection

from salesdomain.policy import SalesPolicy

NAME = "conformance"


class PolicyChanged(Exception):
    """The view judges under other policy versions than the follower was given."""


class ConformanceView(FoldingProjection):
    name: ClassVar[str] = NAME
    version: ClassVar[int] = 6
    """2: qualification overrides (SOP 2.1.2) listed and their approvers judged.
    3: the recurring duties (``duty_spans``, ``duty_days``; ADR 49).
    4: our signatory's signing authority (SOP 2.4.3) judged, signings with a free-text
    signatory listed as not judged (ADR 48).
    5: enrolments outside recruitment (SOP 3.1.4) listed and their approvers judged;
    appraisal judgements and corrected actual figures (3.3.3) listed, scores re-judged
    (ADR 45).
    6: each deadline's responsible employee and role in columns of their own, so the
    open deadlines due from a person or a role are one indexed query (the work queue,
    ADR 53); an appraisal's memo keeps the stage it reached."""
    rebuild_weight: ClassVar[int] = 56

    def __init__(self, policy: SalesPolicy, earlier: Iterable[SalesPolicy] = ()) -> None:
        self.policy = policy
        self.earlier = tuple(earlier)

    def define(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        t = Tables(metadata, prefix)
        t.add(
            "records",
            Column("record_id", String(36), primary_key=True),
            Column("memo", Text, nullable=False),
            Column("personal", Boolean, nullable=False, default=False, server_default="0"),
        )
        deadlines = t.add(
            "deadlines",
            Column("key", Text, primary_key=True),
            Column("record_id", String(36), nullable=False),
            Column("seq", BigInteger, nullable=False),
            Column("status", String(16), nullable=False),
            Column("breached_after", UtcDateTime, nullable=False),
            Column("due_day", Date, nullable=False),
            Column("body", Text, nullable=False),
            Column("responsible_id", String(36)),
            Column("responsible_role", String(32), nullable=False, server_default=""),
        )
        t.index("deadlines_record", deadlines.c.record_id, read_while_building=True)
        t.index("deadlines_due_from", deadlines.c.status, deadlines.c.responsible_id)
        t.index("deadlines_due_from_role", deadlines.c.status, deadlines.c.responsible_role)
        t.index("deadlines_breached", deadlines.c.status, deadlines.c.breached_after)
        t.add(
            "staff",
            Column("employee_id", String(36), primary_key=True),
            Column("member", Text, nullable=False),
        )
        findings = t.add(
            "findings",
            Column("seq", BigInteger, primary_key=True),
            Column("kind", String(16), nullable=False),
            Column("day", Date, nullable=False),
            Column("body", Text, nullable=False),
        )
        t.index("findings_day", findings.c.day)
        steps = t.add(
            "steps",
            Column("day", Date, primary_key=True),
            Column("person", Text, primary_key=True),
            Column("step", String(16), primary_key=True),
            Column("count", BigInteger, nullable=False, default=0, server_default="0"),
            Column("latest", BigInteger, nullable=False, default=0, server_default="0"),
        )
        t.index("steps_day", steps.c.day)
        duties.define(t)
        t.add(
            "meta",
            Column("name", String(32), primary_key=True),
            Column("value", Text, nullable=False),
        )
        return t.defined

    def fold_page(
        self, conn: Connection, tables: dict[str, Table], page: Sequence[tuple[int, Any]]
    ) -> list[RowChange]:
        ids = {event.originator_id for _, event in page if event is not None}
        state = PageState.load(conn, tables, ids, self.policy, self.earlier)
        if state.policies is not None and state.policies != state.review.policies.versions:
            raise FoldFailed(
                0,
                PolicyChanged(
                    f"the view judges under policy {', '.join(state.policies)}, this process "
                    f"under {', '.join(state.review.policies.versions)}: rebuild the view "
                    f"(salesdomain views rebuild --view {NAME})"
                ),
            )
        for index, entry in enumerate(page):
            try:
                state.fold(entry)
            except Exception as error:
                raise FoldFailed(index, error) from error
        return state.changes()
