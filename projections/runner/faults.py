"""Whose fault an error is: the event's (the view stops at it) or the database's (the
caller hears of it, the view does not stop).

A view stops on an event when applying it fails for a reason that trying again will
not take away: the projection's function raised, a value could not be bound, or the
database refused the rows (a text too long, a number too large, a NUL byte, a broken
key, a table of an older shape: the driver's ``DataError``, ``IntegrityError``,
``ProgrammingError`` or ``NotSupportedError``, wrapped by SQLAlchemy or not).

It does not stop when the database could not be reached or could not go on: a lost
connection, a server shutting down, a lock or statement timeout, a deadlock, a
locked SQLite file (the driver's ``OperationalError``, ``InterfaceError``,
``InternalError`` or any other of its errors, and SQLAlchemy's own connection errors).
Those are raised to the caller, who can answer "try again later" (503) and retry;
stopping the view for them would record a fault the event does not have.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exc as sa


def is_unavailable(error: BaseException, dbapi: Any) -> bool:
    """The database could not be reached or could not go on: not the event's fault.
    ``dbapi`` is the driver's module (``engine.dialect.loaded_dbapi``)."""
    if isinstance(error, sa.DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, sa.DisconnectionError | sa.TimeoutError | sa.ResourceClosedError):
        return True
    if isinstance(error, sa.StatementError) and error.orig is not None:
        return is_unavailable(error.orig, dbapi)
    if isinstance(error, MemoryError):
        return True
    if not isinstance(error, dbapi.Error):
        return False  # the projection's own code, or a value that cannot be bound
    refused = (dbapi.DataError, dbapi.IntegrityError, dbapi.ProgrammingError)
    return not isinstance(error, (*refused, dbapi.NotSupportedError))


def stops_the_view(error: BaseException, dbapi: Any) -> bool:
    """Applying an event failed for a reason of the event's own: stop the view at it."""
    return isinstance(error, Exception) and not is_unavailable(error, dbapi)


def as_raised(error: BaseException, dbapi: Any) -> BaseException:
    """The error to raise for a database that could not go on: the driver's own error
    (the views write through the DBAPI cursor, ADR 12) wrapped as SQLAlchemy wraps it
    (``sqlalchemy.exc.OperationalError``, ``InterfaceError``, ...), so a caller needs to
    know one family of errors for the views, whatever the store."""
    if isinstance(error, dbapi.Error) and not isinstance(error, sa.DBAPIError):
        wrapped: BaseException = sa.DBAPIError.instance(None, None, error, dbapi.Error)
        return wrapped
    return error
