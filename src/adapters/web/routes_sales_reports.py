"""Read: the monthly and quarterly sales reports (SOP 4.2, ADR 56) as documents (PDF or
HTML, with charts) or as their figures (JSON), for the reader the token names (ADR 30),
from the views as they stand or as they stood at a past moment (``as_of``)."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from salesdomain.adapters.reports import missing_extra
from salesdomain.adapters.web.context import CurrentReader, ReadCtx
from salesdomain.adapters.web.errors import InvalidQuery, NotConfigured, ViewStopped
from salesdomain.adapters.web.params import AsOf
from salesdomain.adapters.web.responses import ERROR_RESPONSES
from salesdomain.projections.reports import VIEWS, ReportKind, SalesReport, sales_report
from salesdomain.projections.runner import ProjectionStopped

router = APIRouter(prefix="/reports", tags=["reports"], responses=ERROR_RESPONSES)

PERIOD = r"^[0-9]{4}-(0[1-9]|1[0-2]|Q[1-4])$"

DOCUMENTS: dict[int | str, dict[str, Any]] = {
    200: {
        "model": SalesReport,
        "description": "The report: a PDF, an HTML document, or its figures as JSON",
        "content": {
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            "text/html": {"schema": {"type": "string"}},
        },
    },
}

MEDIA_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}


@router.get(
    "/{kind}",
    response_class=Response,
    responses=DOCUMENTS,
)
def report(
    ctx: ReadCtx,
    reader: CurrentReader,
    kind: ReportKind,
    period: Annotated[
        str,
        Query(
            max_length=7,
            pattern=PERIOD,
            description="The month of a monthly report (2026-03), the quarter of a "
            "quarterly one (2026-Q1)",
        ),
    ],
    as_of: AsOf = None,
    format: Annotated[
        Literal["pdf", "html", "json"],
        Query(description="pdf or html: the document; json: its figures"),
    ] = "pdf",
) -> Response:
    """The ``kind`` sales report of ``period`` (results, customers, pipeline and forecast,
    conformance breaches, appraisal outcomes) as the read policy lets the reader see it,
    from the views as they stand or as they stood at ``as_of`` (rebuilt aside from their
    newest checkpoint, ADR 40).  PDF and HTML need the server's ``reports`` extra (503
    ``not_configured`` without it); JSON does not."""
    if format != "json" and missing_extra() is not None:
        raise NotConfigured(str(missing_extra()))
    for name in VIEWS:
        if name in ctx.system.views.runners:
            ctx.view(name)  # as it stands, or as of X-Salesdomain-After; a stop is named
    try:
        found = sales_report(
            ctx.system.app, ctx.system.views, kind, period, as_of=as_of, reader=reader
        )
    except ValueError as error:
        field, _, problem = str(error).partition(": ")
        raise InvalidQuery(field, problem) from None
    except ProjectionStopped as stopped:
        raise ViewStopped(stopped.name, stopped.position, stopped.event, stopped.reason) from None
    if format == "json":
        return Response(found.model_dump_json(), media_type="application/json")
    from salesdomain.adapters.reports.render import render

    headers = {"Content-Disposition": f'inline; filename="{_file_name(found, format)}"'}
    return Response(render(found, format), media_type=MEDIA_TYPES[format], headers=headers)


def _file_name(found: SalesReport, format: str) -> str:
    return f"sales-report-{found.kind}-{found.period}.{format}"
