"""What the command line prints: tables for people, JSON for scripts, and never a
control character from stored text raw (defined in ``console``, which the lean path of
client mode imports alone).

JSON is pydantic's JSON mode, as the web API answers (ADR 60): an amount as its decimal
text, a time in ISO 8601 with its offset (``Z`` for UTC), an id as text, a duration in
seconds (the web API's rows: ``salesdomain.adapters.web.rows``); so a script reads the
same value from either."""

from typing import Any

from pydantic import ConfigDict, TypeAdapter
from salesdomain.adapters.cli.console import SafeConsole as SafeConsole
from salesdomain.adapters.cli.console import err as err
from salesdomain.adapters.cli.console import out as out
from salesdomain.adapters.cli.console import print_json as print_plain_json
from salesdomain.adapters.cli.console import visible as visible

_JSON: TypeAdapter[Any] = TypeAdapter(Any, config=ConfigDict(ser_json_timedelta="float"))


def plain(value: Any) -> Any:
    """``value`` as JSON-ready data, by pydantic (models by their own serialisers)."""
    return _JSON.dump_python(value, mode="json")


def print_json(data: Any) -> None:
    """``data`` as stable JSON, the web API's form (``plain``)."""
    print_plain_json(plain(data))
