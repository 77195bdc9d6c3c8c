"""Tables of figures that never cut a number (issue 19, ADR 58), with rich alone.

A figure column is as wide as its widest value and never wraps (its header is put one
word a line if it is wider); the label columns wrap instead.  A table wider than the
screen is printed as several, one after the other, each with the label columns and as
many figure columns as fit."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions
from rich.table import Table

_FRAME = 3
"""What a column adds to the width of a boxed table: its padding and one border."""
_LABEL_WORDS = 12
"""A label column is never narrower than this (or its longest word, if shorter)."""


def _longest_word(text: str) -> int:
    return max((cell_len(word) for word in text.split()), default=0)


@dataclass
class Figures:
    """``rows`` under ``columns``: the first ``labels`` of them are labels (left, may
    wrap), the others figures (right, whole).  Printed as one table if it fits the
    console, else as several."""

    title: str
    columns: Sequence[str]
    labels: int
    rows: list[tuple[str, ...]] = field(default_factory=list)

    def add_row(self, *cells: str) -> None:
        self.rows.append(cells)

    def _needs(self, whole_headers: bool) -> list[int]:
        """The narrowest each column can be without cutting a number or a word (with
        ``whole_headers``, nor a figure's header)."""
        needs = []
        for index, header in enumerate(self.columns):
            cells = [row[index] for row in self.rows]
            if index < self.labels:
                words = max([_longest_word(c) for c in cells] + [_longest_word(header)])
                longest = max([cell_len(c) for c in cells] + [words])
                needs.append(max(words, min(longest, _LABEL_WORDS)))
            else:
                head = cell_len(header) if whole_headers else _longest_word(header)
                needs.append(max([cell_len(c) for c in cells] + [head, 1]))
        return needs

    def _fits(self, needs: list[int], width: int) -> bool:
        return 1 + sum(n + _FRAME for n in needs) <= width

    def parts(self, width: int) -> list[list[int]]:
        """The figure columns of each table printed at ``width`` (at least one each)."""
        needs = self._needs(whole_headers=False)
        used = 1 + sum(n + _FRAME for n in needs[: self.labels])
        parts: list[list[int]] = [[]]
        room = used
        for index in range(self.labels, len(self.columns)):
            if parts[-1] and room + needs[index] + _FRAME > width:
                parts.append([])
                room = used
            parts[-1].append(index)
            room += needs[index] + _FRAME
        return parts

    def tables(self, width: int) -> list[Table]:
        """One table if it fits ``width`` with its headers whole; else its headers one
        word a line where needed, and as many tables as ``parts`` says."""
        needs = self._needs(whole_headers=True)
        split = [list(range(self.labels, len(self.columns)))]
        if not self._fits(needs, width):
            needs = self._needs(whole_headers=False)
            split = self.parts(width)
        tables = []
        for number, part in enumerate(split):
            title = self.title if number == 0 else f"{self.title} (continued)"
            table = Table(title=title, title_justify="left")
            for index in range(self.labels):
                table.add_column(self.columns[index], overflow="fold", min_width=needs[index])
            for index in part:
                header = self.columns[index]
                if cell_len(header) > needs[index]:  # one word a line: the figures set the width
                    header = "\n".join(header.split())
                table.add_column(header, justify="right", no_wrap=True, min_width=needs[index])
            for row in self.rows:
                table.add_row(*row[: self.labels], *(row[i] for i in part))
            tables.append(table)
        return tables

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Table]:
        yield from self.tables(options.max_width)
