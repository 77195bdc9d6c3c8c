"""``salesdomain keys``: the master key that wraps every data subject's key (ADR 33)."""

from __future__ import annotations

import typer
from salesdomain.adapters.cli import common
from salesdomain.adapters.cli.common import DatabaseUrl, ExitCode, Failure, JsonOutput
from salesdomain.adapters.cli.output import out, print_json
from salesdomain.adapters.key_rotation import rotate_master_key
from salesdomain.adapters.master_keys import MASTER_KEY_FILE_VARIABLE, MASTER_KEY_VARIABLE
from salesdomain.adapters.personal_data import vault_of

keys_app = typer.Typer(
    help="The master key that wraps every data subject's key (ADR 33): show, rotate.",
    no_args_is_help=True,
)


@keys_app.command()
def status(
    ctx: typer.Context, database_url: DatabaseUrl = None, as_json: JsonOutput = False
) -> None:
    """The master key in use (its id, never the key) and where it is kept."""
    with common.reported(as_json), common.open_system(ctx, database_url) as system:
        wrapping = vault_of(system.app).wrapping
        shown = {
            "master_key_id": wrapping.current,
            "kept_in": wrapping.ring.where,
            "rotatable": wrapping.ring.rotatable,
        }
    if as_json:
        print_json(shown)
        return
    rotates = "" if wrapping.ring.rotatable else " (fixed: it cannot be rotated here)"
    out().print(f"Master key {wrapping.current}, kept in {wrapping.ring.where}{rotates}.")


@keys_app.command()
def rotate(
    ctx: typer.Context, database_url: DatabaseUrl = None, as_json: JsonOutput = False
) -> None:
    """A new master key: every subject's key wrapped again under it, the old one destroyed.

    Database backups taken before then open no personal data any more: take a new one."""
    with common.reported(as_json), common.open_system(ctx, database_url) as system:
        vault = vault_of(system.app)
        if not vault.wrapping.ring.rotatable:
            raise Failure(
                ExitCode.USAGE,
                f"the master key is fixed by ${MASTER_KEY_VARIABLE} and cannot be rotated "
                f"here: keep it in a file (${MASTER_KEY_FILE_VARIABLE}) to rotate it",
            )
        rotation = rotate_master_key(vault, snapshots_of=system.app)
        where = vault.wrapping.ring.where
    if as_json:
        print_json(
            {
                "master_key_id": rotation.master_key_id,
                "destroyed": list(rotation.retired),
                "rewrapped": rotation.rewrapped,
                "kept_in": where,
            }
        )
        return
    out().print(
        f"Rotated the master key: {rotation.rewrapped:,} data subjects' keys wrapped under "
        f"{rotation.master_key_id} (kept in {where}); destroyed "
        f"{', '.join(rotation.retired) or 'none'}. Database backups taken before now open "
        "no personal data: take a new backup."
    )
