"""Enum values as words: values are words joined by underscores (``"sales_policy"``)."""

from __future__ import annotations

from enum import Enum


def words(value: Enum | str) -> str:
    """An enum's value (or a string) as words: ``"sales policy"``."""
    return str(value.value if isinstance(value, Enum) else value).replace("_", " ")


class Labelled(Enum):
    """Base of enums whose ``label`` is their value as words."""

    @property
    def label(self) -> str:
        return words(self)
