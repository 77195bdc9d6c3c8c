"""What the compliance reviewer's pages show (ADR 68), read from the library's views
under the reader's read policy: the web layer picks, links and formats; it judges
nothing itself."""

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from functools import partial
from typing import Any, TypeVar
from uuid import UUID

from salesdomain.adapters.web.context import WebContext
from salesdomain.adapters.web.errors import ViewBehind, ViewStopped
from salesdomain.adapters.web.links import list_href, record_href, review_href, story_href
from salesdomain.projections import paging
from salesdomain.projections.audit import STEP_PATTERN, AuditEntry, query_audit
from salesdomain.projections.conformance import Breach, ConformanceReport, RuleCount
from salesdomain.projections.conformance.policies import PolicyBook
from salesdomain.projections.conformance.view import NAME as CONFORMANCE
from salesdomain.projections.conformance.view import reading
from salesdomain.projections.integrity import ChainKeeper, Digest, VerificationReport, verify
from salesdomain.projections.integrity.verifications import (
    Verification,
    last_verification,
    record_verification,
)
from salesdomain.projections.records import UnknownKind, record_list
from salesdomain.projections.story import case_story
from sqlalchemy import select

from salesdomain.access import AREAS, Confidential, Reader, hidden_line
from salesdomain.errors import RecordNotFound
from salesdomain.records import record_kind
from salesdomain.sop import CATALOGUE, Role

PAGE = 50
"""Lines on a page of the audit trail."""
EXPORT_LIMIT = 100_000
"""The most lines an export of the audit trail writes."""
EXPORT_PAGE = 1000
VERIFY_NOW_LIMIT = 50_000
"""The most stored events the chain page verifies while one waits (ADR 68: about 45 µs
an event on SQLite, read and linked, so at most 2 to 3 seconds); beyond, it shows
``salesdomain chain verify``."""
WHY_FIELDS = (
    "reason",
    "reasons",
    "justification",
    "comments",
    "close_reason",
    "outcome_reason",
    "judgement_reason",
    "leaving_reason",
)
"""The fields in which an event records why its step was taken."""
HIDDEN = frozenset(hidden_line(kind) for kind in Confidential)
AUDIT_COLUMNS = (
    "position",
    "time (UTC)",
    "SOP step",
    "step title",
    "actor",
    "role",
    "kind of record",
    "record id",
    "what happened",
    "why",
)
CURSORS = paging.Kind("review-audit", "ra1", 1)


class Refused(ValueError):
    """A filter the pages cannot take, in words naming it."""


def _uuid(name: str, text: str | None) -> UUID | None:
    if not text or not text.strip():
        return None
    try:
        return UUID(text.strip())
    except ValueError:
        raise Refused(f"{name}: {text[:40]!r} is not an id (36 characters, 8-4-4-4-12)") from None


def _day(name: str, text: str | None) -> date | None:
    if not text or not text.strip():
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise Refused(f"{name}: {text[:40]!r} is not a day (YYYY-MM-DD)") from None
    if not 1900 <= day.year <= 2199:
        raise Refused(f"{name}: {day} is outside the years 1900 to 2199")
    return day


def _start(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


@dataclass(frozen=True)
class AuditSearch:
    """A search of the audit trail, as the form sends it."""

    kind: str | None = None
    record: UUID | None = None
    actor: UUID | None = None
    step: str | None = None
    since: date | None = None
    until: date | None = None
    text: str | None = None

    @classmethod
    def empty(cls) -> "AuditSearch":
        return cls()

    @classmethod
    def parse(cls, **given: str | None) -> "AuditSearch":
        kind = (given.get("kind") or "").strip() or None
        if kind is not None and kind not in AREAS:
            raise Refused(f"Kind of record: no kind of record is called {kind[:40]!r}")
        step = (given.get("step") or "").strip() or None
        if step is not None and not paging_step(step):
            raise Refused(f"SOP step: {step[:20]!r} is not a step or section (e.g. 2.3.2 or 2.3)")
        since, until = _day("From", given.get("since")), _day("To", given.get("until"))
        if since and until and until < since:
            raise Refused(f"To: {until} is before From ({since})")
        text = (given.get("text") or "").strip() or None
        if text is not None and len(text) > 100:
            raise Refused("Words: at most 100 characters")
        return cls(
            kind,
            _uuid("Record", given.get("record")),
            _uuid("Actor", given.get("actor")),
            step,
            since,
            until,
            text,
        )

    def filters(self) -> dict[str, str | None]:
        """The search as texts (the form's values, and what a cursor is made for)."""
        return {
            "kind": self.kind,
            "record": None if self.record is None else str(self.record),
            "actor": None if self.actor is None else str(self.actor),
            "step": self.step,
            "since": None if self.since is None else self.since.isoformat(),
            "until": None if self.until is None else self.until.isoformat(),
            "text": self.text,
        }

    def arguments(self) -> dict[str, Any]:
        """The search as ``query_audit`` takes it (``until`` a day included)."""
        return {
            "aggregate_type": self.kind,
            "aggregate_id": self.record,
            "actor_id": self.actor,
            "sop_step": self.step,
            "since": None if self.since is None else _start(self.since),
            "until": None if self.until is None else _start(self.until + timedelta(days=1)),
            "text": self.text,
        }

    def staff(self, ctx: WebContext) -> list[tuple[str, str]]:
        """Everyone on the staff register, to choose an actor from (none while the
        conformance view that keeps the register is stopped)."""
        try:
            engine, tables, _ = ctx.view(CONFORMANCE)
        except (ViewStopped, ViewBehind):
            return []
        with engine.connect() as conn:
            members = reading.staff_register(conn, tables).values()
        return sorted(
            ((str(m.employee_id), m.name) for m in members), key=lambda pair: pair[1].casefold()
        )


def paging_step(text: str) -> bool:
    return re.fullmatch(STEP_PATTERN, text) is not None


def steps_choice() -> list[tuple[str, str]]:
    """Every SOP step, to search by."""
    return [(code, step.title) for code, step in CATALOGUE.items()]


@dataclass(frozen=True)
class Line:
    """One step as the audit trail and the story show it."""

    position: int
    at: datetime
    step: str
    step_title: str
    actor: str
    role: str
    kind: str
    record_id: str
    record_href: str
    story_href: str
    what: str
    why: str
    part: str = "case"

    def cells(self) -> list[str]:
        return [
            str(self.position),
            self.at.astimezone(UTC).isoformat(timespec="seconds"),
            self.step,
            self.step_title,
            self.actor,
            self.role,
            self.kind,
            self.record_id,
            self.what,
            self.why,
        ]


def _why(event: Any) -> str:
    found = []
    for name in WHY_FIELDS:
        value = getattr(event, name, None)
        if isinstance(value, Enum):
            value = value.value
        if value:
            found.append(str(value))
    return "; ".join(found)


def _whys(ctx: WebContext, entries: Sequence[AuditEntry]) -> dict[int, str]:
    """Why each step was taken, as its event records it, read from the log in runs of
    nearby positions (none for a line whose figures the reader may not see)."""
    wanted = sorted(e.position for e in entries if e.description not in HIDDEN)
    log, found = ctx.system.views.log, {}
    run: list[int] = []
    for position in [*wanted, None]:
        if run and (position is None or position - run[-1] > 20):
            for at, event in log.read(run[0] - 1, run[-1] - run[0] + 1):
                if at in run and event is not None:
                    found[at] = _why(event)
            run = []
        if position is not None:
            run.append(position)
    return found


def _role(value: str) -> str:
    try:
        return Role(value).label
    except ValueError:
        return value


def lines_of(
    ctx: WebContext, entries: Sequence[AuditEntry], parts: Sequence[str] = ()
) -> list[Line]:
    whys = _whys(ctx, entries)
    return [
        Line(
            e.position,
            e.recorded_at,
            e.sop_step,
            e.step_title,
            e.actor_name or e.actor_id[:8],
            _role(e.actor_role),
            e.aggregate_type,
            e.aggregate_id,
            record_href(e.aggregate_type, e.aggregate_id),
            story_href(e.aggregate_type, e.aggregate_id),
            e.description,
            whys.get(e.position, ""),
            parts[i] if parts else "case",
        )
        for i, e in enumerate(entries)
    ]


@dataclass(frozen=True)
class AuditFound:
    at: datetime
    position: int
    lines: list[Line]
    next_href: str | None
    first_href: str | None


def audit_page(
    ctx: WebContext, reader: Reader, search: AuditSearch, cursor: str | None, now: datetime
) -> AuditFound:
    """A page of the search's lines (``PAGE``), from the place ``cursor`` holds."""
    filters = search.filters()
    try:
        place = paging.resume(CURSORS, cursor, None if cursor else now, filters)
    except paging.InvalidCursor as bad:
        raise Refused(f"Page: {bad}") from None
    after = int(place.after[0]) if place.after else 0
    engine, tables, position = ctx.view("audit")
    entries = query_audit(
        engine,
        tables["entries"],
        **search.arguments(),
        after=after,
        limit=PAGE + 1,
        reader=reader,
        log=ctx.system.views.log,
    )
    shown = list(entries[:PAGE])
    chosen = {name: value for name, value in filters.items() if value is not None}
    following = None
    if len(entries) > PAGE:
        next_place = paging.Place(place.at, (paging.sortable(shown[-1].position),))
        following = review_href("audit", **chosen, cursor=CURSORS.encode(next_place, filters))
    first = review_href("audit", **chosen) if cursor else None
    return AuditFound(place.at, position, lines_of(ctx, shown), following, first)


def audit_lines(ctx: WebContext, reader: Reader, search: AuditSearch) -> Iterator[list[str]]:
    """Every line of the search (at most ``EXPORT_LIMIT``), as CSV cells, page by page."""
    engine, tables, _ = ctx.view("audit")
    after, written = 0, 0
    while written < EXPORT_LIMIT:
        limit = min(EXPORT_PAGE, EXPORT_LIMIT - written)
        entries = query_audit(
            engine,
            tables["entries"],
            **search.arguments(),
            after=after,
            limit=limit,
            reader=reader,
            log=ctx.system.views.log,
        )
        for line in lines_of(ctx, entries):
            yield line.cells()
        written += len(entries)
        if len(entries) < limit:
            return
        after = entries[-1].position


def _record_class(kind: str) -> str | None:
    """The kind of record a page names, by list ("opportunities") or record name."""
    try:
        return record_list(kind).record
    except UnknownKind:
        pass
    try:
        return record_kind(kind).__name__
    except ValueError:
        return None


@dataclass(frozen=True)
class Story:
    kind: str
    record_id: str
    title: str
    case_id: str
    customer_id: str | None
    position: int
    lines: list[Line]
    records: frozenset[str]
    deals_href: str | None = None


def story_of(ctx: WebContext, reader: Reader, kind: str, record_id: str) -> Story | None:
    """The story of the case ``record_id`` belongs to, as ``salesdomain story`` tells
    it, under the reader's read policy (``None``: no such record they may read)."""
    name = _record_class(kind)
    try:
        wanted = UUID(record_id)
    except ValueError:
        return None
    engine, tables, _ = ctx.view("audit")
    first = query_audit(engine, tables["entries"], aggregate_id=wanted, limit=1, reader=reader)
    if name is None or not first or first[0].aggregate_type != name:
        return None
    case = UUID(first[0].correlation_id)
    try:
        told = case_story(ctx.system.app, ctx.system.views, case, catch_up=False, reader=reader)
    except RecordNotFound:
        return None
    entries = told.entries
    deals = None
    if name == "Customer":
        deals = list_href("opportunities", customer_id=record_id)
    return Story(
        name,
        str(wanted),
        f"{re.sub(r'(?<!^)(?=[A-Z])', ' ', name).capitalize()} {str(wanted)[:8]}",
        str(told.case_id),
        None if told.customer_id is None else str(told.customer_id),
        told.position,
        lines_of(ctx, entries, [e.part for e in entries]),
        frozenset(e.aggregate_id for e in entries),
        deals,
    )


@dataclass
class CaseBreaches:
    """The breaches of a case: on the line of the step that is their evidence, or apart
    (a step never done has no line)."""

    by_position: dict[int, list[Breach]] = field(default_factory=dict)
    apart: list[Breach] = field(default_factory=list)
    note: str = ""

    @property
    def count(self) -> int:
        return sum(len(found) for found in self.by_position.values()) + len(self.apart)


R = TypeVar("R")


def _judged(
    ctx: WebContext, read: Callable[..., R | None], start: date, end: date, now: datetime
) -> tuple[R | None, int]:
    """What ``read`` (``reading.conformance_report``, ``reading.breaches_kept``) finds
    of ``start``..``end`` as at now, from the conformance view as it stands, and the
    view's position (``None``: it judges under other policies than this server's)."""
    engine, tables, position = ctx.view(CONFORMANCE)
    with engine.connect() as conn:
        found = read(
            conn,
            tables,
            PolicyBook(ctx.system.app.policy),
            start,
            end,
            now,
            events_of=ctx.system.app.events.get,
            as_recorded=True,
        )
    return found, position


def _report(
    ctx: WebContext, start: date, end: date, now: datetime
) -> tuple[ConformanceReport | None, int]:
    """The conformance report of ``start``..``end`` as at now (``_judged``)."""
    return _judged(ctx, reading.conformance_report, start, end, now)


OTHER_POLICIES = (
    "The conformance view judges under other policy versions than this server: "
    "run `salesdomain conformance --since … --until …` to replay the log."
)


def breaches_of_case(ctx: WebContext, story: Story, now: datetime) -> CaseBreaches:
    found = CaseBreaches()
    if not story.lines:
        return found
    start = min(line.at for line in story.lines).astimezone(UTC).date()

    def ours(breach: Breach) -> bool:
        return str(breach.record_id) in story.records or str(breach.case_id) == story.case_id

    try:
        kept, _ = _judged(
            ctx, partial(reading.breaches_kept, kept=ours), start, max(now.date(), start), now
        )
    except (ViewStopped, ViewBehind) as stopped:
        found.note = f"Breaches are not flagged: {stopped}."
        return found
    if kept is None:
        found.note = OTHER_POLICIES
        return found
    positions = {line.position for line in story.lines}
    for breach in kept:
        if breach.position in positions:
            found.by_position.setdefault(breach.position, []).append(breach)
        else:
            found.apart.append(breach)
    return found


def period_of(since: str | None, until: str | None, today: date) -> tuple[date, date]:
    """The period asked (default: this quarter to today), both days included."""
    quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    start = _day("From", since) or quarter
    end = _day("To", until) or today
    if end < start:
        raise Refused(f"To: {end} is before From ({start})")
    if (end - start).days > 3660:
        raise Refused("To: a period of at most ten years")
    return start, end


@dataclass(frozen=True)
class StepRules:
    step: str
    title: str
    rules: list[RuleCount]
    breaches: int


@dataclass(frozen=True)
class ConformanceShown:
    start: date
    end: date
    position: int
    report: ConformanceReport | None
    note: str
    by_step: list[StepRules]
    months: list[tuple[str, int, int]]
    """Each month of the period: breaches, and of them still open."""
    stories: dict[str, str]
    """The story page of each breach's record, by record id."""
    periods: list[tuple[str, str, str]]
    """Other periods to choose: label, from, to."""


def _periods(today: date) -> list[tuple[str, str, str]]:
    month = today.replace(day=1)
    quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    last_quarter_end = quarter - timedelta(days=1)
    last_quarter = date(last_quarter_end.year, 3 * ((last_quarter_end.month - 1) // 3) + 1, 1)
    year = date(today.year, 1, 1)
    return [
        ("This month", month.isoformat(), today.isoformat()),
        ("This quarter", quarter.isoformat(), today.isoformat()),
        ("Last quarter", last_quarter.isoformat(), last_quarter_end.isoformat()),
        ("This year", year.isoformat(), today.isoformat()),
        (
            "Last year",
            date(today.year - 1, 1, 1).isoformat(),
            (year - timedelta(days=1)).isoformat(),
        ),
    ]


def kinds_of(ctx: WebContext, ids: Iterable[str]) -> dict[str, str]:
    """The kind of each record, from the audit view."""
    engine, tables, _ = ctx.view("audit")
    c = tables["entries"].c
    wanted, found = sorted(set(ids)), {}
    with engine.connect() as conn:
        for at in range(0, len(wanted), 500):
            query = select(c.aggregate_id, c.aggregate_type).where(
                c.aggregate_id.in_(wanted[at : at + 500]), c.version == 1
            )
            found.update({row.aggregate_id: row.aggregate_type for row in conn.execute(query)})
    return found


def conformance_page(ctx: WebContext, start: date, end: date, now: datetime) -> ConformanceShown:
    report, position = _report(ctx, start, end, now)
    periods = _periods(now.date())
    if report is None:
        return ConformanceShown(start, end, position, None, OTHER_POLICIES, [], [], {}, periods)
    by_step: dict[str, list[RuleCount]] = {}
    for counted in report.by_rule:
        by_step.setdefault(counted.sop_step, []).append(counted)
    steps = [
        StepRules(
            code,
            CATALOGUE[code].title if code in CATALOGUE else "",
            rules,
            sum(r.breaches for r in rules),
        )
        for code, rules in by_step.items()
    ]
    months: dict[str, list[int]] = {}
    for breach in report.breaches:
        counts = months.setdefault(breach.occurred_on.strftime("%Y-%m"), [0, 0])
        counts[0] += 1
        counts[1] += breach.status.value == "still open"
    kinds = kinds_of(ctx, (str(b.record_id) for b in report.breaches))
    stories = {record_id: story_href(kind, record_id) for record_id, kind in kinds.items()}
    return ConformanceShown(
        start,
        end,
        position,
        report,
        "",
        steps,
        [(month, counts[0], counts[1]) for month, counts in sorted(months.items())],
        stories,
        periods,
    )


@dataclass(frozen=True)
class ChainStatus:
    digest: Digest
    stored: int
    """Events stored (the log's head)."""
    last: Verification | None
    cheap: bool
    """Whether the page verifies while one waits (``VERIFY_NOW_LIMIT``)."""
    limit: int = VERIFY_NOW_LIMIT
    command: str = "salesdomain chain verify"

    @property
    def digest_json(self) -> str:
        return self.digest.to_json()


def chain_status(ctx: WebContext) -> ChainStatus:
    store, app = ctx.system.store, ctx.system.app
    digest = ChainKeeper(store, app).digest()
    stored = app.recorder.max_notification_id() or 0
    return ChainStatus(digest, stored, last_verification(store), stored <= VERIFY_NOW_LIMIT)


def run_verification(ctx: WebContext, who: str, at: datetime) -> VerificationReport:
    """Link what is not linked yet, recompute the chain from the store, record it."""
    store, app = ctx.system.store, ctx.system.app
    ChainKeeper(store, app).catch_up()
    report = verify(app, store)
    record_verification(store, report, who, at)
    return report
