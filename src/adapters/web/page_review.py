"""The compliance reviewer's pages (issue 20, ADR 68): the audit trail searched and
exported, a case's story with its breaches flagged, the conformance report of a period
read from the conformance view, and the hash chain's status with its digest.

They are for the roles the read policy lets review the SOP across the company
(``ReadGrant.conformance``); each still reads only the records its reach covers, as
``salesdomain audit`` and ``GET /views/audit`` do (ADR 30)."""

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from salesdomain.adapters.web import pages
from salesdomain.adapters.web.context import Ctx
from salesdomain.adapters.web.errors import ViewStopped
from salesdomain.adapters.web.links import review_href
from salesdomain.adapters.web.pages import NavEntry, PageRoute, PageSession, forbidden, page
from salesdomain.adapters.web.review_model import (
    AUDIT_COLUMNS,
    EXPORT_LIMIT,
    AuditSearch,
    Refused,
    audit_lines,
    audit_page,
    breaches_of_case,
    chain_status,
    conformance_page,
    period_of,
    run_verification,
    steps_choice,
    story_of,
)
from salesdomain.adapters.web.sessions import csrf_matches
from starlette.concurrency import run_in_threadpool

from salesdomain import clock
from salesdomain.access import AREAS, READ_POLICY
from salesdomain.sop import Role

REVIEW_ROLES = frozenset(role for role, grant in READ_POLICY.items() if grant.conformance)
"""Who opens the review pages: the roles whose grant reviews the SOP company-wide."""
WHO = (
    "The review pages are for compliance reviewers, the general manager, the sales "
    "director and sales operations: the roles the read policy lets review the SOP "
    "across the company."
)
FORM_LIMIT = 1024
"""The most the chain page's form may send (bytes)."""

pages.NAV.append(NavEntry("/review", "Review", REVIEW_ROLES))
router = APIRouter(include_in_schema=False, route_class=PageRoute)
Text = Annotated[str | None, Query(max_length=200)]


def _refused(request: Request, session: PageSession) -> HTMLResponse | None:
    if session.token.role not in REVIEW_ROLES:
        return forbidden(request, session, WHO)
    return None


def _stopped(request: Request, session: PageSession, title: str, stop: ViewStopped) -> Response:
    return page(request, "review.html", session, 503, title=title, error=str(stop))


@router.get("/review", response_class=HTMLResponse)
def review_index(request: Request, session: PageSession) -> Response:
    """Where a reviewer starts: the four pages."""
    return _refused(request, session) or page(request, "review.html", session, title="Review")


def searched(
    kind: Text = None,
    record: Text = None,
    actor: Text = None,
    step: Text = None,
    since: Text = None,
    until: Text = None,
    text: Text = None,
) -> dict[str, str | None]:
    """The audit trail's search as the form sends it (the page and its CSV alike)."""
    return {
        "kind": kind,
        "record": record,
        "actor": actor,
        "step": step,
        "since": since,
        "until": until,
        "text": text,
    }


Searched = Annotated[dict[str, str | None], Depends(searched)]


@router.get("/review/audit", response_class=HTMLResponse)
def review_audit(
    request: Request,
    ctx: Ctx,
    session: PageSession,
    given: Searched,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
) -> Response:
    """The audit trail searched: by kind of record, record, actor, SOP step, period and
    words, a page at a time."""
    if refused := _refused(request, session):
        return refused
    reader = ctx.reader(session.token.employee_id, session.token.role)
    values: dict[str, Any] = {
        "title": "Audit trail",
        "kinds": sorted(AREAS),
        "steps": steps_choice(),
    }
    try:
        search = AuditSearch.parse(**given)
        values["search"] = search
        values["staff"] = search.staff(ctx)
        found = audit_page(ctx, reader, search, cursor, clock.now())
    except Refused as refusal:
        values.setdefault("search", AuditSearch.empty())
        values.setdefault("staff", [])
        return page(request, "review_audit.html", session, 422, error=str(refusal), **values)
    except ViewStopped as stop:
        return _stopped(request, session, "Audit trail", stop)
    chosen = {name: value for name, value in search.filters().items() if value is not None}
    export = review_href("audit.csv", **chosen)
    return page(request, "review_audit.html", session, found=found, export=export, **values)


@router.get("/review/audit.csv")
def review_audit_csv(
    request: Request,
    ctx: Ctx,
    session: PageSession,
    given: Searched,
) -> Response:
    """The audit trail of the search as CSV, every page of it up to ``EXPORT_LIMIT``
    lines, written as it is read."""
    if refused := _refused(request, session):
        return refused
    reader = ctx.reader(session.token.employee_id, session.token.role)
    try:
        search = AuditSearch.parse(**given)
        ctx.view("audit")
    except Refused as refusal:
        return Response(f"{refusal}\n", 422, media_type="text/plain")
    except ViewStopped as stop:
        return Response(f"{stop}\n", 503, media_type="text/plain")

    def rows() -> Iterator[str]:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(AUDIT_COLUMNS)
        written = 0
        for line in audit_lines(ctx, reader, search):
            writer.writerow(line)
            written += 1
            if written % 200 == 0:
                yield out.getvalue()
                out.seek(0)
                out.truncate()
        if written >= EXPORT_LIMIT:
            writer.writerow([f"(stopped at {EXPORT_LIMIT:,} lines: narrow the search)"])
        yield out.getvalue()

    headers = {"Content-Disposition": 'attachment; filename="audit-trail.csv"'}
    return StreamingResponse(rows(), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/review/story/{kind}/{record_id}", response_class=HTMLResponse)
def review_story(
    request: Request, ctx: Ctx, session: PageSession, kind: str, record_id: str
) -> Response:
    """The story of the case a record belongs to: every step, in order, each breach and
    missed time limit the conformance view has flagged on its line."""
    if refused := _refused(request, session):
        return refused
    reader = ctx.reader(session.token.employee_id, session.token.role)
    try:
        story = story_of(ctx, reader, kind[:60], record_id[:60])
    except ViewStopped as stop:
        return _stopped(request, session, "A case's story", stop)
    if story is None:
        return page(
            request,
            "review.html",
            session,
            404,
            title="No such record",
            error=f"No {kind[:60]} {record_id[:60]} that your role may read has any step recorded.",
        )
    flags = breaches_of_case(ctx, story, clock.now())
    return page(
        request,
        "review_story.html",
        session,
        title=f"The story of {story.title}",
        story=story,
        flags=flags,
    )


@router.get("/review/conformance", response_class=HTMLResponse)
def review_conformance(
    request: Request, ctx: Ctx, session: PageSession, since: Text = None, until: Text = None
) -> Response:
    """The conformance report of a period, from the conformance view: breaches by SOP
    step and rule, time limits still open past their deadline, each breach's case."""
    if refused := _refused(request, session):
        return refused
    today = clock.now().date()
    try:
        start, end = period_of(since, until, today)
    except Refused as refusal:
        start, end = period_of(None, None, today)
        return _conformance(request, ctx, session, start, end, 422, str(refusal))
    return _conformance(request, ctx, session, start, end)


def _conformance(
    request: Request,
    ctx: Ctx,
    session: PageSession,
    start: date,
    end: date,
    status: int = 200,
    error: str = "",
) -> Response:
    try:
        shown = conformance_page(ctx, start, end, clock.now())
    except ViewStopped as stop:
        return _stopped(request, session, "Conformance report", stop)
    return page(
        request,
        "review_conformance.html",
        session,
        status,
        title="Conformance report",
        c=shown,
        error=error,
    )


@router.get("/review/chain", response_class=HTMLResponse)
def review_chain(request: Request, ctx: Ctx, session: PageSession) -> Response:
    """The hash chain's head (its digest), the last verification recorded, and a button
    to verify now when the store is small enough to verify while one waits."""
    if refused := _refused(request, session):
        return refused
    return page(request, "review_chain.html", session, title="Hash chain", chain=chain_status(ctx))


@router.post("/review/chain/verify")
async def review_chain_verify(request: Request, ctx: Ctx, session: PageSession) -> Response:
    """Verify the chain now (a store small enough only), record it, and show it."""
    if refused := _refused(request, session):
        return refused
    body = await request.body()
    form = parse_qs(body.decode("utf-8", "replace"), max_num_fields=4)
    given = form.get("csrf", [None])[0] if len(body) <= FORM_LIMIT else None
    if not csrf_matches(session, given):
        return forbidden(request, session, "Verifying needs the chain page's own form.")
    status = await run_in_threadpool(chain_status, ctx)
    if not status.cheap:
        return page(request, "review_chain.html", session, 409, title="Hash chain", chain=status)
    who = f"{session.token.employee_name} ({Role(session.token.role).label}), on the web"
    await run_in_threadpool(run_verification, ctx, who, clock.now())
    return RedirectResponse("/review/chain", status_code=303)
