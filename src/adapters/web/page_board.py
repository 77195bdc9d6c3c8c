"""The pipeline board (issue 20, ADR 67): a column per open stage in the SOP's order with
its count and value per currency, won and lost apart; cards with value, owner, days in
stage, expected close and the pipeline's stale flag (ADR 47), each linking to its record
and to the form of the SOP step that takes the deal to its next stage.  A stage is
reached by its SOP step, never by dragging a card.  Filters (team, representative,
period of the expected close) narrow what the read policy lets the reader see."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from salesdomain.adapters.web import links
from salesdomain.adapters.web.context import ReadCtx
from salesdomain.adapters.web.dashboard_model import chosen
from salesdomain.adapters.web.page_work import step_label
from salesdomain.adapters.web.pages import NAV, NavEntry, PageRoute, PageSession, forbidden, page
from salesdomain.projections.access import staff_directory
from salesdomain.projections.pipeline import (
    CARDS_PER_STAGE,
    BoardColumn,
    PipelineFilter,
    PipelineRow,
    pipeline_board,
    pipeline_owners,
)

from salesdomain import clock
from salesdomain.access import Reader
from salesdomain.commands import COMMANDS
from salesdomain.opportunities.stages import Stage
from salesdomain.sop import Role, step

router = APIRouter(include_in_schema=False, route_class=PageRoute)
Text = Annotated[str | None, Query(max_length=100)]

BOARD_ROLES = frozenset(
    {
        Role.SALES_REPRESENTATIVE,
        Role.SALES_SUPERVISOR,
        Role.SALES_MANAGER,
        Role.SALES_DIRECTOR,
        Role.GENERAL_MANAGER,
    }
)
"""Who opens the board: those who sell or lead selling (each sees what the read policy
lets them: a representative their own deals, a lead their team's)."""
WHO = "The pipeline board is for sales representatives and those who lead them."

NAV.append(NavEntry("/board", "Board", BOARD_ROLES))

NEXT_STEP: dict[Stage, str] = {
    Stage.CONTACT: "DiscoverNeeds",
    Stage.NEEDS_ANALYSIS: "DesignSolution",
    Stage.SOLUTION_DESIGN: "PresentSolution",
    Stage.SOLUTION_PRESENTED: "IssueQuote",
    Stage.QUOTED: "RecordNegotiationRound",
    Stage.NEGOTIATION: "AcceptQuote",
}
"""The SOP step that takes a deal in a stage to the next one (the command's name)."""


def _money(amount: object, currency: str) -> str:
    return f"{amount:,.2f} {currency}"


def _card(row: PipelineRow, role: Role) -> dict[str, object]:
    command = NEXT_STEP.get(row.stage)
    sop = step(COMMANDS[command].SOP_STEP) if command else None
    offered = sop is not None and role in sop.roles
    return {
        "id": row.opportunity_id,
        "title": row.title,
        "customer": row.customer_name,
        "value": _money(row.amount, row.currency),
        "owner": row.owner_name,
        "days": row.time_in_stage.get(row.stage, row.age).days,
        "expected_close": row.expected_close.isoformat(),
        "stale": row.stale,
        "href": links.record_href("opportunities", row.opportunity_id),
        "next": (
            {
                "href": links.act_href(command, opportunity_id=row.opportunity_id),
                "label": step_label(command),
            }
            if offered and command and sop
            else None
        ),
    }


def _column(column: BoardColumn, role: Role, rep: str | None) -> dict[str, object]:
    return {
        "stage": column.stage.value,
        "name": column.stage.value.replace("_", " ").capitalize(),
        "sop_step": column.stage.sop_step,
        "count": column.count,
        "totals": [_money(amount, currency) for currency, amount in column.totals.items()],
        "cards": [_card(row, role) for row in column.cards],
        "all_href": links.list_href("opportunities", status=column.stage.value, owner_id=rep),
    }


def _periods(today: date) -> list[str]:
    """Quarters of this year and next, and the next twelve months: when deals close."""
    quarters = [f"{y}-Q{q}" for y in (today.year, today.year + 1) for q in (1, 2, 3, 4)]
    index = today.year * 12 + today.month - 1
    months = [f"{(index + n) // 12}-{(index + n) % 12 + 1:02d}" for n in range(12)]
    return quarters + months


def _owners(ctx: ReadCtx, reader: Reader, team: str | None) -> list[tuple[str, str]]:
    """The representatives whose deals the reader may see (in the team chosen)."""
    engine, tables, _ = ctx.view("pipeline")
    return pipeline_owners(
        engine, tables, clock.now(), filters=PipelineFilter(team=team), reader=reader
    )


@router.get("/board", response_class=HTMLResponse)
def board_page(
    request: Request,
    ctx: ReadCtx,
    session: PageSession,
    team: Text = None,
    rep: Text = None,
    period: Text = None,
) -> Response:
    """The pipeline board for the reader, filtered by team, representative and the
    period the deals are expected to close in."""
    role = session.token.role
    if role not in BOARD_ROLES:
        return forbidden(request, session, WHO)
    now = clock.now()
    team, rep = team or None, rep or None
    error, status, closes = "", 200, None
    if period:
        try:
            closes = chosen(period, team, rep, now.date()).period
        except ValueError as refused:
            error, status = str(refused), 422
    reader = ctx.reader(session.token.employee_id, role)
    engine, tables, _ = ctx.view("pipeline")
    policy = ctx.system.app.policy
    filters = PipelineFilter(
        owner_id=rep,
        team=team,
        closes_from=None if closes is None else closes.start,
        closes_until=None if closes is None else closes.end,
    )
    columns = pipeline_board(
        engine,
        tables,
        policy.stage_probability,
        now,
        filters=filters,
        reader=reader,
        cards_per_stage=CARDS_PER_STAGE,
        stale_after_days=policy.stale_after_days,
    )
    staff = staff_directory(*ctx.view("kpi")[:2])
    teams = sorted(
        {m.team for m in staff if m.team and reader.reaches(reader.sales, m.employee_id)}
    )
    shown = [_column(c, role, rep) for c in columns]
    return page(
        request,
        "board.html",
        session,
        status,
        title="Pipeline board",
        at=now,
        open=[c for c, s in zip(shown, columns, strict=True) if s.stage.is_open],
        closed=[c for c, s in zip(shown, columns, strict=True) if not s.stage.is_open],
        teams=teams if reader.sales is None or len(reader.sales) > 1 else [],
        reps=_owners(ctx, reader, team) if reader.sales is None or len(reader.sales) > 1 else [],
        periods=_periods(now.date()),
        chosen={"team": team, "rep": rep, "period": period if closes is not None else None},
        cap=CARDS_PER_STAGE,
        error=error,
    )
