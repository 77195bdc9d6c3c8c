"""What both checking recorders share: the keyword arguments they take."""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

from salesdomain.adapters.key_store import WrappedKey, data_subject_keys

Unchanged = Mapping[UUID, int]  # records a decision only read: id -> version read
NewKeys = Mapping[UUID, WrappedKey]  # keys of data subjects first sealed in these events
KEYS = data_subject_keys.name
