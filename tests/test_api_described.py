"""Issue 19, an API that explains itself: every field of every command and view is
described (in the pydantic models, so forms and the OpenAPI document say the same),
every command route has an example body that is its command, and the OpenAPI document
is valid (ADR 61)."""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from openapi_spec_validator import validate
from pydantic import BaseModel
from salesdomain.adapters.bootstrap import build_system
from salesdomain.adapters.web import create_app
from salesdomain.adapters.web.running import Settings
from salesdomain.adapters.web.tokens import TokenStore, employee_actor

import salesdomain.application  # noqa: F401  (imports every area, filling COMMANDS)
from salesdomain.commands import COMMANDS, command_examples
from salesdomain.sop import Role


@pytest.fixture(scope="module")
def document() -> Iterator[dict[str, Any]]:
    system = build_system("memory://")
    yield create_app(system, settings=Settings(follow=False)).openapi()
    system.close()


def test_the_openapi_document_passes_the_validator(document: dict[str, Any]) -> None:
    validate(document)


def _placeholder(description: str, field: str) -> bool:
    """A description that says nothing: "The x" for a field ``x``."""
    return description.lower().rstrip(".") in (field.replace("_", " "), f"the {field}")


def test_every_property_of_every_schema_is_described(document: dict[str, Any]) -> None:
    undescribed = [
        f"{name}.{field}"
        for name, schema in document["components"]["schemas"].items()
        for field, property_ in schema.get("properties", {}).items()
        if not property_.get("description", "").strip()
        or _placeholder(property_["description"], field)
    ]
    assert undescribed == []


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in typing.get_args(annotation):
        yield from _models_in(argument)


def _fields(model: type[BaseModel], seen: set[type[BaseModel]]) -> Iterator[tuple[str, Any]]:
    """Every field of ``model`` and of the models its fields hold, once each."""
    if model in seen:
        return
    seen.add(model)
    for name, field in model.model_fields.items():
        yield f"{model.__name__}.{name}", field
        for inner in _models_in(field.annotation):
            yield from _fields(inner, seen)


def test_every_command_field_is_described_in_its_model() -> None:
    seen: set[type[BaseModel]] = set()
    fields = [item for model in COMMANDS.values() for item in _fields(model, seen)]
    assert len(fields) > 500
    assert [name for name, field in fields if not (field.description or "").strip()] == []


def test_every_command_route_has_an_example_that_is_its_command(
    document: dict[str, Any],
) -> None:
    assert set(command_examples()) == set(COMMANDS)
    for name, model in COMMANDS.items():
        body = document["paths"][f"/commands/{name}"]["post"]["requestBody"]
        examples = body["content"]["application/json"]["examples"]
        assert [e["value"] for e in examples.values()] == [command_examples()[name]]
        assert document["components"]["schemas"][name]["examples"] == [command_examples()[name]]
        model.model_validate(command_examples()[name])


def test_every_example_is_taken_as_its_command_by_the_web_api() -> None:
    """Each example posted to its route is a valid command (never 422, never a server
    error): on an empty store the founder enrols herself with hers; the others are then
    refused for the SOP's reasons (records they name do not exist, other roles)."""
    system = build_system("memory://")
    founder_id = UUID(command_examples()["EnrolEmployee"]["employee_id"])
    founder = employee_actor(system.app, founder_id, Role.HR, "Hana Li")
    token = TokenStore(system.store).issue(founder).secret
    headers = {"Authorization": f"Bearer {token}"}
    answers: dict[str, int] = {}
    with TestClient(create_app(system, settings=Settings(follow=False))) as client:
        for name in ["EnrolEmployee", *sorted(set(COMMANDS) - {"EnrolEmployee"})]:
            sent = client.post(f"/commands/{name}", json=command_examples()[name], headers=headers)
            answers[name] = sent.status_code
            assert sent.status_code in (200, 403, 404, 409), (name, sent.json())
    system.close()
    assert answers["EnrolEmployee"] == 200
