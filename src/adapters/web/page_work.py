"""My work (issue 20): what is due from the signed-in person, the work queue of ADR 53
(``projections.workqueue``, as ``GET /views/due`` serves it), overdue first, then by
deadline, a page at a time; each item with its SOP step, the record it concerns, its
deadline in words and the form of the SOP step that discharges it.  A person who leads
others may switch to their team's queue; what is shown is what the read policy lets
them see (another's items they cannot reach are left out, as ``/views/due`` does)."""

import re
from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from salesdomain.adapters.web import links
from salesdomain.adapters.web.context import ReadCtx, WebContext
from salesdomain.adapters.web.pages import HOME, NAV, NavEntry, PageSession, page
from salesdomain.adapters.web.sessions import Session
from salesdomain.projections.paging import MAX_LENGTH, InvalidCursor
from salesdomain.projections.workqueue import (
    DueItem,
    NotOnRegister,
    QueueUnavailable,
    due_for,
    due_page,
)

from salesdomain import clock
from salesdomain.commands import COMMANDS
from salesdomain.sop import Role, step

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
"""Items on a page of my work."""
LEAD_ROLES = frozenset(
    {
        Role.SALES_SUPERVISOR,
        Role.SALES_MANAGER,
        Role.SALES_DIRECTOR,
        Role.GENERAL_MANAGER,
        Role.HR,
        Role.SALES_OPERATIONS,
    }
)
"""Who is offered the switch to their team's queue (everyone reporting to them)."""

NAV.append(NavEntry("/my-work", "My work"))


def _count(amount: int, unit: str) -> str:
    return f"{amount} {unit}{'' if amount == 1 else 's'}"


def when_in_words(seconds_left: int, overdue: bool) -> str:
    """ "overdue by 3 days", "due in 2 hours", "due in 5 minutes"."""
    seconds = abs(seconds_left)
    if seconds >= 86400:
        span = _count(seconds // 86400, "day")
    elif seconds >= 3600:
        span = _count(seconds // 3600, "hour")
    else:
        span = _count(max(seconds // 60, 1), "minute")
    return f"overdue by {span}" if overdue else f"due in {span}"


def step_label(command: str) -> str:
    """ "Revise expected close (SOP 2.1.3)": a command's name in words and its step."""
    words = re.sub(r"(?<!^)([A-Z])", r" \1", command).capitalize()
    return f"{words} (SOP {COMMANDS[command].SOP_STEP})"


def _record_href(item: DueItem) -> str | None:
    """The record's page, where the record has one (a team or a duty has none)."""
    try:
        return links.record_href(item.record_kind, item.record_id)
    except ValueError:
        return None


def _actions(item: DueItem, role: Role) -> list[dict[str, str]]:
    """The forms of the SOP steps that discharge the item which ``role`` may take,
    pre-filled with the record they act on."""
    found = []
    for name in dict.fromkeys(re.findall(r"\b[A-Z][a-zA-Z]+\b", item.next_command)):
        command = COMMANDS.get(name)
        if command is None:
            continue
        sop = step(command.SOP_STEP)
        if role not in sop.roles:
            continue
        field = f"{item.record_kind.replace(' ', '_')}_id"
        prefill = {field: item.record_id} if field in command.model_fields else {}
        found.append({"href": links.act_href(name, **prefill), "label": step_label(name)})
    return found


def _shown(item: DueItem, role: Role) -> dict[str, object]:
    sop = step(item.sop_step)
    return {
        "kind": item.kind.value,
        "sop_step": item.sop_step,
        "sop_title": sop.title,
        "step": item.step,
        "record": item.record,
        "record_href": _record_href(item),
        "due": f"by {item.due.strftime('%Y-%m-%d %H:%M')} UTC"
        if isinstance(item.due, datetime)
        else f"by the end of {item.due.isoformat()}, UTC",
        "when": when_in_words(item.seconds_left, item.overdue),
        "overdue": item.overdue,
        "responsible": item.responsible,
        "rule": item.rule,
        "actions": _actions(item, role),
    }


@router.get("/my-work", response_class=HTMLResponse)
def my_work(
    request: Request,
    ctx: ReadCtx,
    session: PageSession,
    team: bool = False,
    employee: Annotated[UUID | None, Query()] = None,
    cursor: Annotated[str | None, Query(max_length=MAX_LENGTH)] = None,
) -> Response:
    """What is due from the signed-in person (``team=true``: and from everyone
    reporting to them), overdue first, a page at a time."""
    token = session.token
    reader = ctx.reader(token.employee_id, token.role)
    system = ctx.system
    ctx.view("conformance")
    ctx.view("pipeline")
    values: dict[str, object] = {
        "team": team,
        "may_switch": token.role in LEAD_ROLES,
        "items": [],
        "next_href": None,
        "error": "",
    }
    status = 200
    try:
        found = due_page(
            system.views,
            system.app.policy,
            employee or token.employee_id,
            None if cursor else clock.now(),
            limit=PAGE_SIZE,
            cursor=cursor or None,
            team=team,
            reader=reader,
            events_of=system.app.events.get,
            as_recorded=cursor is None,
        )
    except InvalidCursor as error:
        values["error"], status = f"Cursor: {error}.", 422
    except NotOnRegister:
        values["error"], status = "You are not on the staff register: nothing is due from you.", 422
    except QueueUnavailable as error:
        values["error"], status = f"My work cannot be read now: {error}.", 503
    else:
        values["items"] = [_shown(item, token.role) for item in found.rows]
        values["at"] = found.at
        if found.next_cursor is not None:
            more = {"team": "true" if team else None, "employee": employee}
            chosen = {k: str(v) for k, v in more.items() if v is not None}
            values["next_href"] = "/my-work?" + urlencode(chosen | {"cursor": found.next_cursor})
    return page(request, "my_work.html", session, status, title="My work", **values)


def due_counts(ctx: WebContext, session: Session) -> dict[str, object]:
    """For the home page: how many items are due from the person, how many overdue
    (``None`` when the queue cannot be read)."""
    token = session.token
    try:
        items = due_for(
            ctx.system.views,
            ctx.system.app.policy,
            token.employee_id,
            clock.now(),
            reader=ctx.reader(token.employee_id, token.role),
            events_of=ctx.system.app.events.get,
            as_recorded=True,
        )
    except (NotOnRegister, QueueUnavailable):
        return {"due": None}
    return {"due": {"all": len(items), "overdue": sum(item.overdue for item in items)}}


HOME.append(due_counts)
