"""Commands: validated, immutable requests to perform one SOP step.

A command is a pydantic model (frozen, unknown fields refused) named as an imperative
(``IssueQuote``).  It names its SOP step; the application service checks that the
actor's role may perform that step before anything is loaded.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from importlib.resources import files
from typing import Any, ClassVar
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from salesdomain.errors import FieldProblem, InvalidCommand
from salesdomain.sop import recordable_step

COMMANDS: dict[str, type[Command]] = {}
_NOT_DIGESTED = {"command_id"}


@functools.cache
def command_examples() -> dict[str, dict[str, Any]]:
    """An example body of each command, by its name, as a client sends it
    (``command_examples.json``; ``tests/test_api_described.py`` sends each one)."""
    text = files("salesdomain").joinpath("command_examples.json").read_text(encoding="utf-8")
    examples: dict[str, dict[str, Any]] = json.loads(text)
    return examples


def _with_example(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """Put the command's example body in its JSON schema (``examples``)."""
    example = command_examples().get(model.__name__)
    if example is not None:
        schema["examples"] = [example]


class Command(BaseModel):
    """Base of all commands.  ``command_id`` makes sending the same command twice harmless."""

    model_config = ConfigDict(
        use_attribute_docstrings=True,
        frozen=True,
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra=_with_example,
    )
    SOP_STEP: ClassVar[str]
    ADDED_LATER: ClassVar[frozenset[str]] = frozenset()
    """Fields added after the command was first recorded: left out of its digest while
    they hold their default, so a command resent as an earlier version recorded it is
    still recognised (``digest``)."""

    command_id: UUID = Field(default_factory=uuid4)
    """The command's id: send the same id again to make a retry harmless (made up if left out)."""

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
        """A fingerprint of the command's content (its name and fields, not its id),
        recorded with it: a SHA-256 of its JSON with the keys sorted."""
        unset = {
            name
            for name in self.ADDED_LATER
            if getattr(self, name) == type(self).model_fields[name].default
        }
        payload = self.model_dump(mode="json", exclude=_NOT_DIGESTED | unset)
        canonical = json.dumps([type(self).__name__, payload], sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def has_digest(self, recorded: str) -> bool:
        """Whether ``recorded`` is the digest of this command's content."""
        return recorded == self.digest()


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
