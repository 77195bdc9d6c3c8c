"""API tokens: each lets a request act as one employee under one role.

A token is random (``sd_`` + 32 bytes, URL-safe), shown once when issued and stored only
as its SHA-256 digest, in a table of its own (``api_tokens``) in the database of the
views: the events' database on SQLite and PostgreSQL, the in-memory view database for
``memory://``.  Revoking keeps the row (who had access, and until when, stays on record).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID, uuid4

from salesdomain.projections.schema import create_tables, schema_transaction
from sqlalchemy import Column, DateTime, Engine, MetaData, String, Table, select, update

from salesdomain.application import SalesApplication
from salesdomain.errors import RecordNotFound
from salesdomain.people.employee import Employee
from salesdomain.people.staff_register import STAFF_REGISTER_ID, StaffRegister
from salesdomain.sop import Role
from salesdomain.values import Actor

PREFIX = "sd_"

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
)


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
        with schema_transaction(engine) as conn:  # several workers may start at once
            create_tables(conn, metadata.sorted_tables)

    def issue(self, actor: Actor) -> IssuedToken:
        secret = PREFIX + secrets.token_urlsafe(32)
        info = TokenInfo(
            token_id=str(uuid4()),
            employee_id=actor.employee_id,
            employee_name=actor.name,
            role=actor.role,
            issued_at=datetime.now(UTC),
            revoked_at=None,
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
                )
            )
        return IssuedToken(info, secret)

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
        """The token's holder, or ``None`` if it is unknown or revoked."""
        query = select(api_tokens).where(api_tokens.c.token_hash == digest(secret))
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None or row.revoked_at is not None:
            return None
        return _info(row)

    def list(self) -> list[TokenInfo]:
        query = select(api_tokens).order_by(api_tokens.c.issued_at, api_tokens.c.token_id)
        with self.engine.connect() as conn:
            return [_info(row) for row in conn.execute(query)]


def _info(row: object) -> TokenInfo:
    m = row._mapping  # type: ignore[attr-defined]
    return TokenInfo(
        token_id=m["token_id"],
        employee_id=UUID(m["employee_id"]),
        employee_name=m["employee_name"],
        role=Role(m["role"]),
        issued_at=_aware(m["issued_at"]),
        revoked_at=_aware(m["revoked_at"]) if m["revoked_at"] is not None else None,
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
