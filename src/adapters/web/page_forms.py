"""Every SOP command as a form (issue 20, ADR 64): ``GET /act`` lists the steps a person's
role may take, ``GET /act/{Command}`` shows the command's form (``forms``: widgets from
its pydantic model, pre-filled from the address), ``POST /act/{Command}`` handles it as
the JSON route does and sends the person to the record it changed.

A post is taken only from this site (``pages.same_origin``) with the session's CSRF
secret, and only from a role the SOP step is for (others: 403, nothing handled).  The
form carries a command id made when it was shown, so sending it twice records once.
A refusal shows the form again with what was typed, each bad field's problem next to
it and an SOP rule's refusal at the top; nothing is stored."""

import re
from collections.abc import Mapping, Sequence
from itertools import groupby
from urllib.parse import parse_qs, urlencode
from uuid import UUID, uuid4

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from salesdomain.adapters.web import form_data, forms, links
from salesdomain.adapters.web.commands import WEB
from salesdomain.adapters.web.context import Ctx
from salesdomain.adapters.web.errors import DOMAIN_STATUSES
from salesdomain.adapters.web.pages import (
    NAV,
    NavEntry,
    PageRoute,
    PageSession,
    forbidden,
    page,
    same_origin,
)
from salesdomain.adapters.web.sessions import Session, csrf_matches
from salesdomain.projections.records import UnknownKind

import salesdomain.application  # noqa: F401  (imports every area, filling COMMANDS)
from salesdomain.command_record import CommandResult
from salesdomain.commands import COMMANDS, Command, problems_of
from salesdomain.errors import ErrorReport, SalesDomainError, report_of
from salesdomain.labels import words
from salesdomain.sop import Role, SopStep, step

FORM_LIMIT = 512 * 1024
"""The most a command's form may send (bytes); a larger one is refused unread."""
FIELDS_LIMIT = 5000
"""The most fields a command's form may send."""

ACT_ROLES = frozenset(role for model in COMMANDS.values() for role in step(model.SOP_STEP).roles)
"""Who takes any SOP step: they see "Act" in the navigation."""

NAV.append(NavEntry("/act", "Act", ACT_ROLES))

router = APIRouter(include_in_schema=False, route_class=PageRoute)


def _name(command: str) -> str:
    """A command's name in words: ``RegisterProspect`` -> "Register prospect"."""
    spaced = "".join(f" {c}" if c.isupper() else c for c in command).strip()
    return spaced[:1] + spaced[1:].lower()


def _about(model: type[Command]) -> str:
    """The command's docstring as one paragraph, a field it names by its label."""
    if model.__doc__ == Command.__doc__:
        return ""
    text = " ".join((model.__doc__ or "").split())
    return re.sub(r"``([a-z_]+)``", lambda m: f"“{forms.label_of(m[1])}”", text).replace("``", "")


def _allowed(session: Session, model: type[Command]) -> bool:
    return not session.token.read_only and session.token.role in step(model.SOP_STEP).roles


def _refused_role(request: Request, session: Session, model: type[Command]) -> HTMLResponse:
    sop_step = step(model.SOP_STEP)
    roles = ", ".join(sorted(r.label for r in sop_step.roles))
    if session.token.read_only:
        why = "your token is read-only: it reads, it sends no command."
    else:
        why = f"you act as {session.token.role.label}."
    return forbidden(
        request, session, f"SOP {sop_step} is for these roles: {roles}; {why} Nothing was recorded."
    )


def _unknown(request: Request, session: Session, command: str) -> HTMLResponse:
    return _index(
        request, session, 404, f"No SOP step is taken with a form called '{command[:100]}'."
    )


def _index(request: Request, session: Session, status: int, error: str) -> HTMLResponse:
    """The steps one's role takes, with ``error`` said at the top."""
    sections = _sections(session.token.role)
    return page(
        request, "act_index.html", session, status, title="Act", sections=sections, error=error
    )


def _sections(role: Role) -> list[tuple[SopStep, list[tuple[SopStep, list[tuple[str, str, str]]]]]]:
    """The steps ``role`` takes, by SOP section in step code order: each with its
    commands' form addresses, names and descriptions."""
    mine = [
        (step(m.SOP_STEP), name, m)
        for name, m in COMMANDS.items()
        if role in step(m.SOP_STEP).roles
    ]

    def order(code: str) -> tuple[int, ...]:
        return tuple(int(part) for part in code.split("."))

    mine.sort(key=lambda found: (order(found[0].code), found[1]))
    sections = []
    for section, in_section in groupby(mine, key=lambda f: f[0].code.rsplit(".", 1)[0]):
        steps = []
        for sop_step, of_step in groupby(in_section, key=lambda f: f[0]):
            steps.append(
                (
                    sop_step,
                    [(links.act_href(name), _name(name), _about(m)) for _, name, m in of_step],
                )
            )
        sections.append((step(section), steps))
    return sections


@router.get("/act", response_class=HTMLResponse)
def act_index(request: Request, session: PageSession, done: str = "") -> HTMLResponse:
    return page(
        request,
        "act_index.html",
        session,
        title="Act",
        sections=_sections(session.token.role),
        done=done[:500],
    )


def _acts_on(values: Mapping[str, forms.Value]) -> list[tuple[str, str, str]]:
    """The records the form acts on (its ``..._id`` fields given in the address or
    sent): what they are, their id and their page."""
    found = []
    for name, given in values.items():
        if not name.endswith("_id") or "." in name or not given:
            continue
        kind, record_id = name[:-3], given if isinstance(given, str) else given[0]
        try:
            href = links.record_href(kind, UUID(record_id))
        except (ValueError, UnknownKind):
            continue
        found.append((words(kind), record_id, href))
    return found


def _form_page(
    request: Request,
    ctx: Ctx,
    session: Session,
    model: type[Command],
    values: dict[str, forms.Value],
    command_id: UUID,
    *,
    status: int = 200,
    problems: dict[str, str] | None = None,
    refusal: ErrorReport | None = None,
) -> HTMLResponse:
    shown = forms.widgets(
        model, values, currency=ctx.system.app.policy.currencies.reporting_currency
    )
    general = forms.place_errors(shown, problems or {})
    sop_step = step(model.SOP_STEP)
    name = model.__name__
    return page(
        request,
        "act.html",
        session,
        status,
        title=f"{sop_step.code} {sop_step.title}: {_name(name)}",
        sop_step=sop_step,
        command=name,
        command_words=_name(name),
        about=_about(model),
        widgets=shown,
        command_id=str(command_id),
        general=general,
        invalid=len(problems or {}) - len(general),
        refusal=refusal,
        refused_at=str(step(refusal.sop_step)) if refusal and refusal.sop_step else "",
        acts_on=_acts_on(values),
        has_times=_has_times(shown),
        offset_field=forms.OFFSET_FIELD,
    )


def _has_times(shown: Sequence[forms.Widget]) -> bool:
    return any(w.spec.kind == "datetime" or _has_times(w.children) for w in shown)


@router.get("/act/{command}", response_class=HTMLResponse)
def act_form(request: Request, command: str, ctx: Ctx, session: PageSession) -> HTMLResponse:
    model = COMMANDS.get(command)
    if model is None:
        return _unknown(request, session, command)
    if not _allowed(session, model):
        return _refused_role(request, session, model)
    try:
        query = parse_qs(request.url.query, max_num_fields=FIELDS_LIMIT)
    except ValueError:  # more fields than any form has: none is pre-filled
        query = {}
    values: dict[str, forms.Value] = {k: [v[:4000] for v in vs] for k, vs in query.items()}
    return _form_page(request, ctx, session, model, values, uuid4())


async def _posted(request: Request) -> dict[str, list[str]] | None:
    body = await request.body()
    if len(body) > FORM_LIMIT:
        return None
    try:
        return parse_qs(body.decode("utf-8", "replace"), max_num_fields=FIELDS_LIMIT)
    except ValueError:  # more fields than allowed
        return None


def _done(result: CommandResult) -> str:
    """What was recorded, in words for the page it lands on."""
    events = ", ".join(
        f"{_name(e.aggregate_type)}: {_name(e.event_type).lower()}" for e in result.events
    )
    steps = ", ".join(sorted({str(step(e.sop_step)) for e in result.events}))
    if result.replayed:
        return f"Already recorded (this form was sent before): {events} at SOP {steps}."
    return f"Recorded: {events} at SOP {steps}."


def _landing(result: CommandResult) -> str:
    """The page of the first record the command changed, telling what was recorded and
    (``after``) the log position its views must show: the page waits for them, so one
    always finds one's own write there (as ``X-Salesdomain-After`` does for the API)."""
    landing = {"done": _done(result)}
    if result.positions:
        landing["after"] = str(max(result.positions))
    done = urlencode(landing)
    for event in result.events:
        try:
            return f"{links.record_href(event.aggregate_type, event.aggregate_id)}?{done}"
        except (ValueError, UnknownKind):
            continue
    return f"/act?{done}"


def _plain(problem: str) -> str:
    return "Fill this in: it is needed." if problem == "Field required" else problem


def _status(error: SalesDomainError) -> int:
    return next(DOMAIN_STATUSES[k] for k in type(error).__mro__ if k in DOMAIN_STATUSES)


@router.post("/act/{command}", response_class=HTMLResponse)
async def act(request: Request, command: str, ctx: Ctx, session: PageSession) -> Response:
    model = COMMANDS.get(command)
    if model is None:
        return _unknown(request, session, command)
    if not same_origin(request):
        return forbidden(request, session, "An SOP step is taken from this site's own form.")
    sent = await _posted(request)
    if sent is None:
        limits = f"{FORM_LIMIT // 1024} KiB or {FIELDS_LIMIT} fields"
        return _index(
            request, session, 413, f"The form sent more than {limits}: nothing was recorded."
        )
    if not csrf_matches(session, next(iter(sent.get("csrf", ())), None)):
        return forbidden(request, session, "An SOP step needs the page's own form (reload it).")
    if not _allowed(session, model):
        return _refused_role(request, session, model)
    data, values = form_data.submitted(model, sent)
    try:
        command_id = UUID((sent.get("command_id") or [""])[0])
    except ValueError:
        command_id = uuid4()
    try:
        chosen = model.model_validate({**data, "command_id": command_id})
    except ValidationError as invalid:
        problems = {p.field: _plain(p.problem) for p in problems_of(invalid)}
        return _form_page(
            request, ctx, session, model, values, command_id, status=422, problems=problems
        )
    try:
        result = ctx.system.app.handle(chosen, session.token.actor, origin=WEB)
    except SalesDomainError as refused:
        report = report_of(refused)
        problems = {p.field: p.problem for p in report.details}
        return _form_page(
            request,
            ctx,
            session,
            model,
            values,
            command_id,
            status=_status(refused),
            problems=problems,
            refusal=report,
        )
    if ctx.follower is not None:
        ctx.follower.wake()
    return RedirectResponse(_landing(result), status_code=303)
