"""The hash chain over the stored log (ADR 10): export a digest, verify the history."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from salesdomain.adapters.cli import common, progress
from salesdomain.adapters.cli.common import DatabaseUrl, ExitCode, Failure, JsonOutput
from salesdomain.adapters.cli.output import out, print_json
from salesdomain.adapters.snapshots import check_snapshots, discarded_at_start
from salesdomain.projections.integrity import ChainKeeper, Digest
from salesdomain.projections.integrity import verify as verify_chain
from salesdomain.projections.integrity.verifications import record_verification

from salesdomain import clock

VERIFIED_BY = "salesdomain chain verify (command line)"
"""Who a verification from the command line is recorded as (the chain page shows it)."""

chain_app = typer.Typer(
    help="Prove the stored history was not edited (hash chain, ADR 10).", no_args_is_help=True
)


@chain_app.command()
def digest(
    ctx: typer.Context,
    output: Annotated[
        Path | None, typer.Option("--out", "-o", help="Also write the digest to this file.")
    ] = None,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """Link every stored event into the chain and print its head: keep it elsewhere."""
    with common.reported(as_json), common.open_system(ctx, database_url) as system:
        keeper = ChainKeeper(system.store, system.app)
        keeper.catch_up()
        head = keeper.digest()
        if output is not None:
            try:
                output.write_text(head.to_json() + "\n", encoding="utf-8")
            except OSError as error:
                raise Failure(ExitCode.BAD_FILE, f"--out: cannot write {output}: {error}") from None
    if as_json:
        print(head.to_json())
    else:
        out().print(f"Chain head: position {head.position:,}, link {head.link}")
        if output is not None:
            out().print(f"Digest written to {output}; keep it outside the system.")


def read_digest(path: Path) -> Digest:
    try:
        return Digest.from_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise Failure(ExitCode.BAD_FILE, f"--digest: cannot read {path}: {error}") from None
    except (json.JSONDecodeError, KeyError, ValueError, TypeError) as error:
        raise Failure(
            ExitCode.BAD_FILE, f"--digest: {path} is not a chain digest: {error}"
        ) from None


@chain_app.command()
def verify(
    ctx: typer.Context,
    digest_file: Annotated[
        Path | None, typer.Option("--digest", help="A digest exported earlier to check against.")
    ] = None,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
    show_progress: progress.ProgressOption = False,
) -> None:
    """Recompute the chain from the store; name the first position that differs."""
    with common.reported(as_json), common.open_system(ctx, database_url) as system:
        expected = read_digest(digest_file) if digest_file else None
        head = system.app.recorder.max_notification_id() or 0
        asked = {"asked": show_progress, "quiet": as_json}
        with progress.reported("Verifying the history", **asked) as told:
            checked = None if told is None else (lambda position: told(position, head))
            report = verify_chain(system.app, system.store, expected, progress=checked)
        record_verification(system.store, report, VERIFIED_BY, clock.now())
        bad = discarded_at_start(system.app) + check_snapshots(system.app)
        if as_json:
            print_json({**asdict(report), "bad_snapshots": [str(found) for found in bad]})
        if bad:
            raise Failure(
                ExitCode.INTEGRITY,
                f"{len(bad)} snapshot(s) did not match their events or their MAC and were "
                "discarded "
                f"(records are loaded from their events): {bad[0]}",
            )
        if not report.ok:
            raise Failure(
                ExitCode.INTEGRITY,
                f"history check failed at position {report.first_bad_position}: "
                f"{report.problem}: {report.message}",
            )
    if not as_json:
        against = f" and the digest at position {expected.position:,}" if expected else ""
        out().print(
            f"History intact: {report.checked:,} stored events match the chain "
            f"(chained to position {report.chained_to:,}){against}."
        )
