"""What the command line prints: tables for people, JSON for scripts, and never a
control character from stored text raw (defined in ``console``, which the lean path of
client mode imports alone)."""

from salesdomain.adapters.cli.console import SafeConsole as SafeConsole
from salesdomain.adapters.cli.console import err as err
from salesdomain.adapters.cli.console import out as out
from salesdomain.adapters.cli.console import plain as plain
from salesdomain.adapters.cli.console import print_json as print_json
from salesdomain.adapters.cli.console import visible as visible
