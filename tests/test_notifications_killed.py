"""The sender killed and started again (ADR 54): Given warnings in the outbox / When the
sender process is killed (SIGKILL) in the middle of delivering them and started again /
Then every warning reaches the SMTP server, none twice; and the one window the relay
cannot share a transaction with the outbox (killed after the server accepted a message,
before it was marked sent) sends that message twice, with the same Message-ID."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from salesdomain.adapters.notifying import warning_round
from salesdomain.projections.notifications import notifications_page

from salesdomain import clock
from tests.conftest import make_system
from tests.smtp_support import Inbox, mail_settings, smtp_server
from tests.test_notifications import ADDRESSES, MARCH, complaint, founded

COMPLAINTS = 4
"""Each overdue by now: a warning to Ada and one to Mia, eight in all."""
HELD = 4
"""The message the server holds while the sender is killed."""
WAIT_SECONDS = 120
"""How long the test waits for a sender to reach the held message (a hung sender)."""
ROUNDS = 10
"""Rounds run after the kill, at most, until nothing is pending (on PostgreSQL the
killed sender's row lock lasts until the server notices the connection gone)."""


def _filled(url: str) -> list[str]:
    with closing(make_system(url)) as system:
        founded(system)
        for n in range(COMPLAINTS):
            complaint(system, MARCH, f"Customer {n} Ltd.")
        done = warning_round(system, None, clock.now())
        assert len(done.raised) == 2 * COMPLAINTS
        return sorted(str(n) for n in done.raised)


def _sender(url: str, mail_file: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "SALESDOMAIN_DATABASE_URL": url, "SALESDOMAIN_MAIL_FILE": str(mail_file)}
    script = "from salesdomain.adapters.cli import main; main()"
    return subprocess.Popen(
        [sys.executable, "-c", script, "notifications", "send", "--once", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _until_none_pending(url: str, mail_file: Path) -> None:
    for _ in range(ROUNDS):
        again = _sender(url, mail_file)
        out, errors = again.communicate(timeout=WAIT_SECONDS)
        assert again.returncode == 0, errors
        assert json.loads(out)["failed"] == []
        with closing(make_system(url)) as system:
            if not notifications_page(system.store, clock.now(), status="pending").rows:
                return
    raise AssertionError(f"warnings still pending after {ROUNDS} rounds")


def _killed_at_the_held_message(inbox: Inbox, url: str, mail_file: Path) -> None:
    sender = _sender(url, mail_file)
    try:
        assert inbox.held.wait(WAIT_SECONDS), "the sender never reached the held message"
    finally:
        sender.send_signal(signal.SIGKILL)
        sender.communicate(timeout=WAIT_SECONDS)
    assert sender.returncode == -signal.SIGKILL
    inbox.hold_at = None
    inbox.release.set()


def _mail_file(folder: Path, port: int) -> Path:
    path = folder / "mail.json"
    path.write_text(mail_settings(port, ADDRESSES).model_dump_json(), encoding="utf-8")
    return path


def test_a_sender_killed_between_two_messages_and_started_again_sends_the_rest_once(
    shared_store, tmp_path
):
    # Given eight warnings in the outbox
    ids = _filled(shared_store)
    with smtp_server(Inbox(hold_at=HELD)) as (inbox, port):
        mail_file = _mail_file(tmp_path, port)
        # When the sender is killed while the server holds the fourth message, unanswered
        _killed_at_the_held_message(inbox, shared_store, mail_file)
        assert len(inbox.messages) == HELD - 1
        # and is started again until nothing is pending
        _until_none_pending(shared_store, mail_file)
    # Then every warning arrived once
    assert sorted(inbox.ids()) == sorted(f"<{n}@example.com>" for n in ids)


def test_killed_after_the_server_accepted_a_message_it_is_sent_again_with_its_message_id(
    shared_store, tmp_path
):
    # Given eight warnings in the outbox
    ids = _filled(shared_store)
    with smtp_server(Inbox(hold_at=HELD, keep_held=True)) as (inbox, port):
        mail_file = _mail_file(tmp_path, port)
        # When the sender is killed after the server kept the fourth message, before it
        # said so (the sender cannot have marked it sent)
        _killed_at_the_held_message(inbox, shared_store, mail_file)
        assert len(inbox.messages) == HELD
        _until_none_pending(shared_store, mail_file)
    # Then that message arrived twice, with the same Message-ID; every other once
    received = inbox.ids()
    assert sorted(set(received)) == sorted(f"<{n}@example.com>" for n in ids)
    assert len(received) == len(ids) + 1
    assert received.count(received[HELD - 1]) == 2
