"""Sessions for people in a browser (ADR 31): sign in once with one's API token, then
an HttpOnly, SameSite=Strict cookie carries a session; no secret in any address.

A session is stored as the SHA-256 of its cookie's secret, with the token it was opened
with (every request checks that token again: revoked, expired, or its employee gone,
and the session is over too), a CSRF secret that every request changing something
must echo in ``X-CSRF-Token``, and its times: it ends after ``IDLE`` without a request
or ``ABSOLUTE`` after sign-in, whichever comes first, or at sign-out.  Failed sign-ins
are counted per client: after ``ATTEMPTS`` within ``ATTEMPT_WINDOW`` the client is
refused (429) until the window has passed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from salesdomain.adapters.web.tokens import TokenInfo, TokenStore
from salesdomain.projections.schema import create_tables, schema_transaction
from sqlalchemy import (
    Column,
    ColumnElement,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    func,
    or_,
    select,
)
from sqlalchemy import update as sql_update
from sqlalchemy.engine import Engine

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

COOKIE = "sd_session"
CSRF_HEADER = "X-CSRF-Token"
IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=12)
ATTEMPTS = 5
ATTEMPT_WINDOW = timedelta(minutes=15)

metadata = MetaData()
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("session_hash", String(64), primary_key=True),
    Column("token_id", String(36), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True), nullable=True),
)
failed_sign_ins = Table(
    "failed_sign_ins",
    metadata,
    Column("attempt_id", Integer, primary_key=True, autoincrement=True),
    Column("client", String(64), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
)


class SignInRefused(Exception):
    """The token given to sign in is unknown, revoked, expired or no longer acts."""


class TooManyAttempts(Exception):
    def __init__(self, retry_after: timedelta) -> None:
        self.retry_after = retry_after
        minutes = max(1, int(retry_after.total_seconds() // 60))
        super().__init__(f"too many failed sign-ins from here: try again in {minutes} minutes")


@dataclass(frozen=True)
class Session:
    token: TokenInfo
    csrf: str
    started_at: datetime


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class SessionStore:
    def __init__(self, engine: Engine, tokens: TokenStore) -> None:
        self.engine = engine
        self.tokens = tokens
        with schema_transaction(engine) as conn:
            create_tables(conn, metadata.sorted_tables)

    def sign_in(self, token_secret: str, client: str) -> tuple[Session, str]:
        """A session for the holder of ``token_secret``, and the secret for its cookie
        (never stored); ``TooManyAttempts`` from a client that failed too often lately,
        ``SignInRefused`` for a bad token."""
        now = datetime.now(UTC)
        client = client[:64]
        with self.engine.begin() as conn:
            conn.execute(delete(failed_sign_ins).where(failed_sign_ins.c.at < now - ATTEMPT_WINDOW))
            conn.execute(delete(web_sessions).where(self._over(now)))
            recent = conn.execute(
                select(func.count(), func.min(failed_sign_ins.c.at)).where(
                    failed_sign_ins.c.client == client
                )
            ).one()
        if recent[0] >= ATTEMPTS:
            raise TooManyAttempts(_aware(recent[1]) + ATTEMPT_WINDOW - now)
        info = self.tokens.authenticate(token_secret)
        if info is None:
            with self.engine.begin() as conn:
                conn.execute(failed_sign_ins.insert().values(client=client, at=now))
            raise SignInRefused("the API token is unknown, was revoked or has expired")
        secret, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(
                web_sessions.insert().values(
                    session_hash=_digest(secret),
                    token_id=info.token_id,
                    csrf=csrf,
                    started_at=now,
                    last_seen_at=now,
                )
            )
        return Session(info, csrf, now), secret

    @staticmethod
    def _over(now: datetime) -> ColumnElement[bool]:
        """Sessions that can never serve again (signed out, idle or past their absolute
        lifetime): each sign-in deletes them, so the table holds live sessions only."""
        return or_(
            web_sessions.c.ended_at.is_not(None),
            web_sessions.c.last_seen_at <= now - IDLE,
            web_sessions.c.started_at <= now - ABSOLUTE,
        )

    def find(self, secret: str) -> Session | None:
        """The live session of a cookie's ``secret`` (its last request now), or ``None``
        if there is none, it ended or expired, or its token no longer holds."""
        now = datetime.now(UTC)
        key = _digest(secret)
        with self.engine.connect() as conn:
            row = conn.execute(
                select(web_sessions).where(web_sessions.c.session_hash == key)
            ).first()
        if row is None or row.ended_at is not None:
            return None
        started, seen = _aware(row.started_at), _aware(row.last_seen_at)
        if now >= started + ABSOLUTE or now >= seen + IDLE:
            return None
        info = self.tokens.find(row.token_id)
        if info.revoked_at is not None or info.expired(now):
            return None
        with self.engine.begin() as conn:
            conn.execute(
                sql_update(web_sessions)
                .where(web_sessions.c.session_hash == key)
                .values(last_seen_at=now)
            )
        return Session(info, row.csrf, started)

    def sign_out(self, secret: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                sql_update(web_sessions)
                .where(
                    web_sessions.c.session_hash == _digest(secret),
                    web_sessions.c.ended_at.is_(None),
                )
                .values(ended_at=datetime.now(UTC))
            )


def set_cookie(response: Response, secret: str, request: Request) -> None:
    """The session's cookie on ``response``: HttpOnly, SameSite=Strict, Secure over
    HTTPS, for the session's longest life."""
    response.set_cookie(
        COOKIE,
        secret,
        max_age=int(ABSOLUTE.total_seconds()),
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def csrf_matches(session: Session, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(session.csrf, given)
