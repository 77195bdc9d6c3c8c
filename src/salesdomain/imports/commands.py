"""Commands of SOP 4.1.2: take over the lines of a file from another system.

A command carries the file's lines as they were read (column -> text) with their line
numbers; cleaning them is the SOP step itself (``salesdomain.imports.cleaning``), so
every problem can be named by line and column.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from salesdomain.bounds import IMPORT_LINES, LIST_LENGTH
from salesdomain.commands import Command
from salesdomain.values import Items, Name, Text, ValueObject

Cell = Annotated[Text, Field(description="The text of one cell, as read")]


class SourceLine(ValueObject):
    """One record of the file: its line number and its text by column."""

    line: Annotated[int, Field(ge=1, le=IMPORT_LINES + 1)]
    """The line's number in the source file."""
    values: Annotated[dict[Name, Cell], Field(max_length=LIST_LENGTH)]
    """The line's values by column name."""


Lines = Annotated[tuple[SourceLine, ...], Field(min_length=1, max_length=IMPORT_LINES)]


class ImportCustomers(Command):
    """Take over an existing customer list (name, registration number, region, industry)."""

    SOP_STEP = "4.1.2"
    source: Name
    """The file's name, recorded with every imported customer."""
    columns: Items[Name]
    """The column names of the source file."""
    lines: Lines
    """The source file's lines (4.1.1)."""


class ImportOrders(Command):
    """Take over completed orders from another system (one line per order line)."""

    SOP_STEP = "4.1.2"
    source: Name
    """Where the orders come from (a file or system name)."""
    columns: Items[Name]
    """The column names of the source file."""
    lines: Lines
    """The source file's lines (4.1.1)."""
