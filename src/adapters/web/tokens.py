"""API tokens: each lets a request act as one employee under one role.

A token is random (``sd_`` + 32 bytes, URL-safe), shown once when issued and stored only
as its SHA-256 digest, in a table of its own (``api_tokens``) in the database of the
views: the events' database on SQLite and PostgreSQL, the in-memory view database for
``memory://``.  Revoking keeps the row (who had access, and until when, stays on record).

A token expires (``expires_at``: by default ``DEFAULT_LIFETIME`` after it was issued),
may be read-only (refused for commands), and is refused as soon as its employee has
left or no longer holds its role (``TokenStore.holder``, ADR 30).  Rotating issues a
new token for the same employee, role and kind, and revokes the old one.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from salesdomain.projections.schema import ensure_tables
from sqlalchemy import Boolean, Column, DateTime, MetaData, String, Table, false, select, update
from sqlalchemy.engine import Engine

from salesdomain.application import SalesApplication
from salesdomain.errors import RecordNotFound
from salesdomain.people.employee import Employee
from salesdomain.people.staff_register import STAFF_REGISTER_ID, StaffRegister
from salesdomain.sop import Role
from salesdomain.values import Actor

PREFIX = "sd_"
DEFAULT_LIFETIME = timedelta(days=90)
LONGEST_LIFETIME = timedelta(days=366)

metadata = MetaData()
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("token_id", String(36), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("employee_id", String(36), nullable=False, index=True),
    Column("employee_name", String(200), nullable=False),
    Column("role", String(40), nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("expires_at", DateTime(timezone=True), nullable=True),
    Column("read_only", Boolean, nullable=False, default=False, server_default=false()),
)
ADDED_COLUMNS = ("expires_at", "read_only")
"""Columns added after tokens were first stored: added to an older table on start."""


def digest(token: str) -> str:
    """What is stored of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class TokenInfo:
    token_id: str
    employee_id: UUID
    employee_name: str
    role: Role
    issued_at: datetime
    revoked_at: datetime | None
    expires_at: datetime
    read_only: bool = False

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    @property
    def actor(self) -> Actor:
        return Actor(employee_id=self.employee_id, role=self.role, name=self.employee_name)


@dataclass(frozen=True)
class IssuedToken:
    """A newly issued token: ``secret`` is shown this once and never stored."""

    info: TokenInfo
    secret: str


class UnknownToken(LookupError):
    def __init__(self, token_id: str) -> None:
        super().__init__(f"no API token with id {token_id}")


class TokenStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        ensure_tables(engine, metadata.sorted_tables, api_tokens, ADDED_COLUMNS)

    def issue(
        self, actor: Actor, *, lifetime: timedelta = DEFAULT_LIFETIME, read_only: bool = False
    ) -> IssuedToken:
        """A new token for ``actor``, valid for ``lifetime`` (at most a year and a day)."""
        if not timedelta(0) < lifetime <= LONGEST_LIFETIME:
            raise CannotIssue(
                f"lifetime: a token lives from 1 second to {LONGEST_LIFETIME.days} days, "
                f"not {lifetime}"
            )
        secret = PREFIX + secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        info = TokenInfo(
            token_id=str(uuid4()),
            employee_id=actor.employee_id,
            employee_name=actor.name,
            role=actor.role,
            issued_at=now,
            revoked_at=None,
            expires_at=now + lifetime,
            read_only=read_only,
        )
        with self.engine.begin() as conn:
            conn.execute(
                api_tokens.insert().values(
                    token_id=info.token_id,
                    token_hash=digest(secret),
                    employee_id=str(info.employee_id),
                    employee_name=info.employee_name,
                    role=info.role.value,
                    issued_at=info.issued_at,
                    expires_at=info.expires_at,
                    read_only=info.read_only,
                )
            )
        return IssuedToken(info, secret)

    def rotate(self, token_id: str, app: SalesApplication) -> IssuedToken:
        """A new token for the same employee, role and kind (read-only or not), with a
        new lifetime as long as the old one's; the old one is revoked.  Refused
        (``CannotIssue``) for a revoked token or an employee who may no longer hold it."""
        old = self.find(token_id)
        if old.revoked_at is not None:
            raise CannotIssue(f"token {token_id} was revoked: issue a new one")
        actor = employee_actor(app, old.employee_id, old.role, old.employee_name)
        issued = self.issue(
            actor,
            lifetime=min(old.expires_at - old.issued_at, LONGEST_LIFETIME),
            read_only=old.read_only,
        )
        self.revoke(token_id)
        return issued

    def find(self, token_id: str) -> TokenInfo:
        with self.engine.connect() as conn:
            row = conn.execute(select(api_tokens).where(api_tokens.c.token_id == token_id)).first()
        if row is None:
            raise UnknownToken(token_id)
        return _info(row)

    def revoke(self, token_id: str) -> TokenInfo:
        """Revoke a token (again: no change); ``UnknownToken`` if there is none."""
        with self.engine.begin() as conn:
            conn.execute(
                update(api_tokens)
                .where(api_tokens.c.token_id == token_id, api_tokens.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC))
            )
            row = conn.execute(select(api_tokens).where(api_tokens.c.token_id == token_id)).first()
        if row is None:
            raise UnknownToken(token_id)
        return _info(row)

    def authenticate(self, secret: str) -> TokenInfo | None:
        """The token's holder, or ``None`` if it is unknown, revoked or expired."""
        query = select(api_tokens).where(api_tokens.c.token_hash == digest(secret))
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None or row.revoked_at is not None:
            return None
        info = _info(row)
        return None if info.expired(datetime.now(UTC)) else info

    def holder(self, info: TokenInfo, app: SalesApplication) -> Actor:
        """The actor a token authenticated as stands for, as the staff register has them
        now: ``CannotIssue`` (why) if they have left or no longer hold the role."""
        return employee_actor(app, info.employee_id, info.role, info.employee_name)

    def list(self) -> list[TokenInfo]:
        query = select(api_tokens).order_by(api_tokens.c.issued_at, api_tokens.c.token_id)
        with self.engine.connect() as conn:
            return [_info(row) for row in conn.execute(query)]


def _info(row: object) -> TokenInfo:
    m = row._mapping  # type: ignore[attr-defined]
    issued_at = _aware(m["issued_at"])
    return TokenInfo(
        token_id=m["token_id"],
        employee_id=UUID(m["employee_id"]),
        employee_name=m["employee_name"],
        role=Role(m["role"]),
        issued_at=issued_at,
        revoked_at=_aware(m["revoked_at"]) if m["revoked_at"] is not None else None,
        # tokens stored before expiry existed live the default lifetime
        expires_at=_aware(m["expires_at"]) if m["expires_at"] else issued_at + DEFAULT_LIFETIME,
        read_only=bool(m["read_only"]),
    )


def _aware(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back; they were stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class CannotIssue(ValueError):
    """A token is only issued to an active employee for a role they hold."""


def employee_actor(
    app: SalesApplication, employee_id: UUID, role: Role, founder_name: str = ""
) -> Actor:
    """The actor a token for ``employee_id`` acting as ``role`` stands for, checked
    against the employee's record (the domain checks it again on every command).

    Before the staff register is founded nobody is on record: then a token is issued
    only to the founder, acting as HR under ``founder_name``, whose first command must
    be enrolling themselves (ADR 8)."""
    try:
        employee = app.load(Employee, employee_id)
    except RecordNotFound:
        if not _founded(app) and role is Role.HR and founder_name.strip():
            return Actor(employee_id=employee_id, role=role, name=founder_name.strip())
        if not _founded(app):
            raise CannotIssue(
                "the staff register is not founded yet: issue the first token to the "
                "founder, acting as hr, with their name"
            ) from None
        raise CannotIssue(f"no employee with id {employee_id}") from None
    if not employee.is_active:
        raise CannotIssue(f"{employee.name} has left the company")
    if not employee.holds(role):
        held = ", ".join(sorted(r.value for r in employee.roles))
        raise CannotIssue(f"{employee.name} does not hold the role {role.value} (holds: {held})")
    return Actor(employee_id=employee_id, role=role, name=employee.name)


def _founded(app: SalesApplication) -> bool:
    try:
        app.load(StaffRegister, STAFF_REGISTER_ID)
    except RecordNotFound:
        return False
    return True
