"""Every command's record says where it came from (issue 15): the command line with the
operating-system user who ran it, the web API, or the library; records stored before
origins were kept read as ``unknown``."""

from __future__ import annotations

import getpass
import json
from typing import Any
from uuid import UUID

import pytest
from pydantic import ValidationError
from salesdomain.adapters.cli.common import cli_origin

from salesdomain.command_record import LIBRARY, CommandRecord, Origin
from salesdomain.sop import Role
from tests import builders as b
from tests.cli_cases import behind
from tests.cli_helpers import Cli
from tests.web_support import web_with_alice


def _origin(app: Any, command_id: UUID | str) -> Origin:
    (handled,) = app.events.get(CommandRecord.id_for(UUID(str(command_id))))
    origin: Origin = handled.origin
    return origin


def test_a_command_from_the_command_line_records_the_os_user(cli: Cli) -> None:
    data = b.register().model_dump(mode="json", exclude={"command_id"})
    ran = cli.json("run", "RegisterProspect", "--as", "Alice Wang", input=json.dumps(data))
    with behind(cli) as system:
        origin = _origin(system.app, ran["command_id"])
    assert origin == Origin(channel="cli", os_user=getpass.getuser())
    assert str(origin) == f"cli ({getpass.getuser()})"


def test_a_command_from_the_web_api_or_the_library_says_so(store_url: str) -> None:
    with web_with_alice(store_url) as web:
        command = b.register()
        web.send(command, b.ALICE)
        assert _origin(web.system.app, command.command_id) == Origin(channel="web")
        other = b.register("Ningbo Gears Ltd.", "91330200MA2XXX0002")
        web.system.app.handle(other, b.ALICE.model_copy(update={"role": Role.SALES_REPRESENTATIVE}))
        assert _origin(web.system.app, other.command_id) == LIBRARY


def test_a_record_stored_before_origins_reads_as_unknown() -> None:
    state: dict[str, Any] = {"command": "RegisterProspect"}
    CommandRecord.Handled.upcast_v1_v2(state)
    assert state["origin"] == Origin(channel="unknown")


def test_an_os_user_is_one_printable_line() -> None:
    with pytest.raises(ValidationError, match="os_user"):
        Origin(channel="cli", os_user="root\x1b[2J")


def test_the_command_line_records_a_user_name_with_control_characters_made_visible(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LOGNAME", "ops\x1b[31m\nadmin")
    assert cli_origin() == Origin(channel="cli", os_user="ops?[31m?admin")
