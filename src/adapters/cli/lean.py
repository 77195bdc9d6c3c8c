"""Client mode's lean path (ADR 55): ``salesdomain --api URL pipeline [--as-of WHEN]
[--limit N] [--cursor C] [--stale] [--wide] [--json]`` answered with the standard library and
rich alone, without the domain, SQLAlchemy, eventsourcing, pydantic or Typer, which
take most of a second to import.

It asks the web API what ``remote.pipeline`` asks and prints what the full command line
prints (``pipeline_tables``, ``console``): the same words, options and output. It takes
only the happy path of the command lines it knows: anything else (another command, an
option it does not know, ``--all``, ``--help``, a value it would have to refuse, a
refusal or failure of the web API) it leaves to the full command line (``answered``
says ``False`` before printing anything), which then words the error as ever.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from http.client import HTTPException
from pathlib import Path
from typing import Any

from salesdomain.adapters.cli.console import print_json
from salesdomain.adapters.cli.pipeline_tables import show_pipeline

import salesdomain

DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
"""``projections.paging``'s (a test checks they are the same)."""
FIRST_MOMENT = datetime(1900, 1, 1, tzinfo=UTC)
LAST_MOMENT = datetime(2200, 1, 1, tzinfo=UTC)
"""Moments the lean path takes as given (within ``salesdomain.bounds``'s days); any
other is left to the full command line to judge."""
_URL = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?")
"""Addresses taken as given (the full command line accepts more, and refuses some)."""
_ROOT = ("--api", "--token-file")
_VALUED = ("--as-of", "--limit", "--cursor")
_FLAGS = ("--stale", "--wide", "--json")


class Unserved(Exception):
    """Not served here: the full command line takes the command line."""


def answered(argv: Sequence[str]) -> bool:
    """Whether the command line ``argv`` was answered here (``False``: nothing printed,
    the full command line takes it)."""
    try:
        asked = _asked(argv)
        if asked is None:
            return False
        _pipeline(*asked)
    except Unserved:
        return False
    return True


@dataclass(frozen=True)
class _Api:
    url: str
    token: str
    timeout: float

    def get(self, path: str, **params: object) -> Any:
        """The JSON of a success (as ``client.Api.get`` asks it); anything else is
        ``Unserved``."""
        query = urllib.parse.urlencode({k: str(v) for k, v in params.items() if v is not None})
        request = urllib.request.Request(f"{self.url}{path}?{query}".rstrip("?"))
        request.add_header("Accept", "application/json")
        request.add_header("User-Agent", f"salesdomain/{salesdomain.__version__} (command line)")
        request.add_unredirected_header("Authorization", f"Bearer {self.token}")
        try:
            with _OPENER.open(request, timeout=self.timeout) as answer:
                return json.loads(answer.read())
        except (OSError, HTTPException, ValueError, RecursionError):  # HTTPError too
            raise Unserved from None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _asked(argv: Sequence[str]) -> tuple[_Api, dict[str, str | bool]] | None:
    """The web API and the ``pipeline`` options of a command line the lean path takes."""
    root, rest = _options(argv, _ROOT, ())
    if rest[:1] != ["pipeline"]:
        return None
    options, extra = _options(rest[1:], _VALUED, _FLAGS)
    url = root.get("--api", os.environ.get("SALESDOMAIN_API_URL"))
    token_file = root.get("--token-file")
    if extra or not isinstance(url, str) or not url or isinstance(token_file, bool):
        return None
    return _Api(_base(url), _token(token_file), _timeout()), options


def _base(url: str) -> str:
    """``--api`` if it is an address the full command line takes too."""
    try:
        port = urllib.parse.urlsplit(url).port  # not a number, or out of range: raises
    except ValueError:
        raise Unserved from None
    if not _URL.fullmatch(url) or port == 0:
        raise Unserved
    return url.rstrip("/")


def _options(
    argv: Sequence[str], valued: tuple[str, ...], flags: tuple[str, ...]
) -> tuple[dict[str, str | bool], list[str]]:
    """The leading options of ``argv`` among ``valued`` and ``flags`` (each once), and
    what follows them; an option given twice or not known is ``Unserved``."""
    found: dict[str, str | bool] = {}
    rest = list(argv)
    while rest and rest[0].startswith("-"):
        name, equals, value = rest.pop(0).partition("=")
        if name in found or not (name in valued or (name in flags and not equals)):
            raise Unserved
        if name in flags:
            found[name] = True
            continue
        if not equals:
            if not rest:
                raise Unserved
            value = rest.pop(0)
        found[name] = value
    return found, rest


def _token(token_file: str | None) -> str:
    """The token, as ``client._token`` reads it; anything amiss is ``Unserved``."""
    try:
        text = (
            Path(token_file).read_text(encoding="utf-8")
            if token_file is not None
            else os.environ.get("SALESDOMAIN_TOKEN", "")
        )
    except (OSError, UnicodeDecodeError):
        raise Unserved from None
    token = text.strip()
    if not token or not token.isascii() or not token.isprintable() or " " in token:
        raise Unserved
    return token


def _timeout() -> float:
    text = os.environ.get("SALESDOMAIN_API_TIMEOUT") or "60"
    try:
        seconds = float(text)
    except ValueError:
        raise Unserved from None
    if not 0 < seconds <= 3600:
        raise Unserved
    return seconds


class _Named(str):
    """A stage's name, printed as it is (``value`` as a ``Stage``'s)."""

    @property
    def value(self) -> str:
        return str(self)


@dataclass(frozen=True)
class _Row:
    """A ``PipelineRow`` as the web API answers it (a test checks the fields)."""

    opportunity_id: str
    title: str
    customer_id: str
    customer_name: str
    region: str
    industry: str
    owner_id: str
    owner_name: str
    team: str | None
    stage: _Named
    amount: Decimal
    currency: str
    weighted_amount: Decimal
    expected_close: date
    opened_at: datetime
    closed_at: datetime | None
    age: float
    time_in_stage: dict[str, float]
    last_contact_on: date | None
    stale: bool


@dataclass(frozen=True)
class _Rate:
    currency: str
    rate: Decimal
    effective_from: date
    source: str


@dataclass(frozen=True)
class _Converted:
    currency: str
    amount: Decimal | None
    rates: tuple[_Rate, ...]
    missing: tuple[str, ...]


@dataclass(frozen=True)
class _Line:
    stage: str
    reached: int
    stage_conversion: Decimal | None


@dataclass(frozen=True)
class _Summary:
    as_of: datetime
    funnel: list[_Line]
    win_rate: Decimal | None
    open_count: int
    open_weighted: dict[str, Decimal]
    in_reporting_currency: _Converted | None = field(default=None)


def _pipeline(api: _Api, options: Mapping[str, str | bool]) -> None:
    """``salesdomain --api URL pipeline``, as ``reading.pipeline`` and
    ``remote.pipeline`` answer it (without ``--all``)."""
    cursor = options.get("--cursor")
    cursor = cursor if isinstance(cursor, str) else None
    limit = _limit(options.get("--limit"))
    at = _moment(options.get("--as-of")) or (None if cursor else datetime.now(UTC))
    only = {"stale": "true"} if options.get("--stale") else {}
    asked: dict[str, str] = {"cursor": cursor, **only} if cursor else {**only}
    if at is not None:
        asked["as_of"] = at.isoformat()
    try:
        got = api.get("/views/pipeline", limit=limit, **asked)
        moment = _time(got["as_of"])
        figures = api.get("/views/pipeline/summary", as_of=moment.isoformat(), **only)
        rows = [_row(row) for row in got["rows"]]
        summary = _summary(moment, figures)
        next_cursor = got["next_cursor"]
    except (KeyError, TypeError, ValueError, InvalidOperation):  # not the API's answer
        raise Unserved from None
    if options.get("--json"):
        print_json(
            {"as_of": moment, "opportunities": rows, "next_cursor": next_cursor, "summary": summary}
        )
        return
    show_pipeline(
        f"Pipeline at {moment:%Y-%m-%d %H:%M} UTC",
        rows,
        next_cursor,
        summary,
        wide=bool(options.get("--wide")),
    )


def _limit(given: str | bool | None) -> int:
    if given is None:
        return DEFAULT_LIMIT
    if not isinstance(given, str) or not given.isdigit() or not 1 <= int(given) <= MAX_LIMIT:
        raise Unserved
    return int(given)


def _moment(given: str | bool | None) -> datetime | None:
    """``--as-of`` as ``common.when`` reads it, if it is a moment it would take."""
    if given is None:
        return None
    try:
        moment = datetime.fromisoformat(str(given))
    except ValueError:
        raise Unserved from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if not FIRST_MOMENT <= moment < LAST_MOMENT:
        raise Unserved
    return moment


def _time(text: str | None) -> datetime:
    if text is None:
        raise ValueError("no time")
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("a time without its zone")
    return moment


def _decimal(value: object) -> Decimal:
    return Decimal(str(value))


def _row(answered: Mapping[str, Any]) -> _Row:
    return _Row(
        opportunity_id=str(answered["opportunity_id"]),
        title=str(answered["title"]),
        customer_id=str(answered["customer_id"]),
        customer_name=str(answered["customer_name"]),
        region=str(answered["region"]),
        industry=str(answered["industry"]),
        owner_id=str(answered["owner_id"]),
        owner_name=str(answered["owner_name"]),
        team=None if answered["team"] is None else str(answered["team"]),
        stage=_Named(answered["stage"]),
        amount=_decimal(answered["amount"]),
        currency=str(answered["currency"]),
        weighted_amount=_decimal(answered["weighted_amount"]),
        expected_close=date.fromisoformat(answered["expected_close"]),
        opened_at=_time(answered["opened_at"]),
        closed_at=None if answered["closed_at"] is None else _time(answered["closed_at"]),
        age=float(answered["age"]),
        time_in_stage={str(k): float(v) for k, v in answered["time_in_stage"].items()},
        last_contact_on=(
            None
            if answered["last_contact_on"] is None
            else date.fromisoformat(answered["last_contact_on"])
        ),
        stale=bool(answered["stale"]),
    )


def _summary(at: datetime, figures: Mapping[str, Any]) -> _Summary:
    """The summary ``remote.pipeline`` makes of the API's: the open weighted amounts
    added up from the value by stage and owner."""
    open_weighted: dict[str, Decimal] = {}
    for value in figures["value_by_stage_and_owner"]:
        if value["stage"] not in ("won", "lost"):
            total = open_weighted.get(value["currency"], Decimal(0))
            open_weighted[value["currency"]] = total + _decimal(value["weighted_amount"])
    converted = figures["in_reporting_currency"]
    return _Summary(
        as_of=at,
        funnel=[
            _Line(
                str(step["stage"]),
                int(step["reached"]),
                None if step["stage_conversion"] is None else _decimal(step["stage_conversion"]),
            )
            for step in figures["funnel"]
        ],
        win_rate=None if figures["win_rate"] is None else _decimal(figures["win_rate"]),
        open_count=int(figures["open_count"]),
        open_weighted=dict(sorted(open_weighted.items())),
        in_reporting_currency=_Converted(
            str(converted["currency"]),
            None if converted["amount"] is None else _decimal(converted["amount"]),
            tuple(
                _Rate(
                    str(r["currency"]),
                    _decimal(r["rate"]),
                    date.fromisoformat(r["effective_from"]),
                    str(r["source"]),
                )
                for r in converted["rates"]
            ),
            tuple(str(m) for m in converted["missing"]),
        ),
    )
