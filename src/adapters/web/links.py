"""The workspace's addresses, in one place, so every page links to every other alike
(issue 20, ADR 63):

| page | address |
|---|---|
| a list of records | ``/list/{kind}?search=&owner_id=&status=&customer_id=&sort=&cursor=`` |
| one record (as it stood at a moment) | ``/record/{kind}/{id}?as_of=`` |
| an SOP step's form, pre-filled | ``/act/{Command}?{field}={value}`` |
| the pipeline board | ``/board`` |
| what is due from me | ``/my-work`` |
| the compliance reviewer's pages | ``/review/{audit,conformance,chain}?...`` |
| a case's story, told from one of its records | ``/review/story/{kind}/{id}`` |

``kind`` is a list's name (``opportunities``, ``service-cases``); the filters are the
ones ``GET /records/{kind}`` takes, so a chart or a card links to the records behind it
with the API's own words."""

from urllib.parse import urlencode
from uuid import UUID

from salesdomain.projections.records import UnknownKind, record_list

from salesdomain.records import record_kind


def list_kind(kind: str) -> str:
    """The list's name for a kind of record or a list ("Opportunity" -> "opportunities");
    a kind with no list yet keeps its record name ("Contract" -> "contract")."""
    try:
        return record_list(kind).name
    except UnknownKind:
        return record_kind(kind).__name__.casefold()


def _query(values: dict[str, object]) -> str:
    chosen = {name: str(value) for name, value in values.items() if value is not None}
    return f"?{urlencode(chosen)}" if chosen else ""


def list_href(kind: str, **filters: object) -> str:
    """The list of ``kind`` with ``filters`` (the names ``GET /records/{kind}`` takes)."""
    return f"/list/{list_kind(kind)}{_query(filters)}"


def record_href(kind: str, record_id: UUID | str, as_of: object = None) -> str:
    """The page of one record (``kind`` as a list or record name), at ``as_of`` if given."""
    return f"/record/{list_kind(kind)}/{record_id}{_query({'as_of': as_of})}"


def act_href(command: str, **prefill: object) -> str:
    """The form of the SOP step ``command`` (its class name), its fields pre-filled."""
    return f"/act/{command}{_query(prefill)}"


def review_href(page: str, **filters: object) -> str:
    """A compliance reviewer's page (``audit``, ``conformance``, ``chain``) with ``filters``."""
    return f"/review/{page}{_query(filters)}"


def story_href(kind: str, record_id: UUID | str) -> str:
    """The story of the case a record belongs to, told from that record."""
    return f"/review/story/{list_kind(kind)}/{record_id}"
