"""Commands: validated, immutable requests to perform one SOP step.

A command is a pydantic model (frozen, unknown fields refused) named as an imperative
(``IssueQuote``).  It names its SOP step; the application service checks that the
actor's role may perform that step before anything is loaded.
"""

from __future__ import annotations

import hashlib
import json
import typing
from collections.abc import Mapping
from typing import Any, ClassVar
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from salesdomain.errors import FieldProblem, InvalidCommand
from salesdomain.sop import recordable_step

COMMANDS: dict[str, type[Command]] = {}
_NOT_DIGESTED = {"command_id"}


class Command(BaseModel):
    """Base of all commands.  ``command_id`` makes sending the same command twice harmless."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
    SOP_STEP: ClassVar[str]

    command_id: UUID = Field(default_factory=uuid4)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        recordable_step(cls.SOP_STEP)
        if COMMANDS.get(cls.__name__, cls) is not cls:
            raise TypeError(f"two commands are named '{cls.__name__}'")
        COMMANDS[cls.__name__] = cls

    @classmethod
    def build(cls, data: Mapping[str, Any]) -> Command:
        """Build this command from plain data, naming every bad field on failure."""
        try:
            return cls.model_validate(dict(data))
        except ValidationError as error:
            raise InvalidCommand(cls.__name__, problems_of(error)) from None

    def digest(self) -> str:
        """A fingerprint of the command's content (without its id), recorded with it.

        Version 2 (``v2:`` and a SHA-256 of the name and pydantic's JSON of the fields)
        is what is written now; a command holding a mapping, whose JSON follows the
        order its keys came in, keeps version 1 (keys sorted, no prefix)."""
        cls = type(self)
        if _keeps_digest_v1(cls):
            return self._digest_v1()
        content = self.__pydantic_serializer__.to_json(self, exclude=_NOT_DIGESTED)
        return DIGEST_V2 + hashlib.sha256(cls.__name__.encode() + b"\0" + content).hexdigest()

    def has_digest(self, recorded: str) -> bool:
        """Whether ``recorded``, a digest of any version, is of this command's content."""
        if recorded.startswith(DIGEST_V2):
            return recorded == self.digest()
        return recorded == self._digest_v1()

    def _digest_v1(self) -> str:
        payload = self.__pydantic_serializer__.to_python(  # model_dump, minus its wrapper
            self, mode="json", exclude=_NOT_DIGESTED
        )
        canonical = json.dumps([type(self).__name__, payload], sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()


DIGEST_V2 = "v2:"
_DIGEST_V1_KEPT: dict[type[Command], bool] = {}


def _keeps_digest_v1(cls: type[Command]) -> bool:
    """Whether the command holds a mapping anywhere in its fields (then pydantic's JSON
    follows the order its keys came in, and the digest stays version 1)."""
    kept = _DIGEST_V1_KEPT.get(cls)
    if kept is None:
        kept = _DIGEST_V1_KEPT[cls] = _holds_mapping(cls, set())
    return kept


def _holds_mapping(annotation: Any, seen: set[type]) -> bool:
    """Whether a field of this type may hold a mapping: a dict or Mapping, or a model
    or generic type with one inside."""
    origin = typing.get_origin(annotation)
    if isinstance(origin, type) and issubclass(origin, Mapping):
        return True
    if isinstance(annotation, type):
        if issubclass(annotation, Mapping):
            return True
        if issubclass(annotation, BaseModel):
            if annotation in seen:
                return False
            seen.add(annotation)
            return any(_holds_mapping(f.annotation, seen) for f in annotation.model_fields.values())
    return any(_holds_mapping(arg, seen) for arg in typing.get_args(annotation))


def problems_of(error: ValidationError) -> list[FieldProblem]:
    problems = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "(command)"
        # a rule's own words, without the "Value error, " pydantic puts before them
        problem = item["msg"].removeprefix("Value error, ")
        problems.append(FieldProblem(field, problem))
    return problems


def build_command(name: str, data: Mapping[str, Any]) -> Command:
    """Build the command called ``name`` from plain data (as the CLI and web API do)."""
    try:
        command_class = COMMANDS[name]
    except KeyError:
        problem = FieldProblem("command", f"no command is called '{name}'")
        raise InvalidCommand(name, [problem]) from None
    return command_class.build(data)
