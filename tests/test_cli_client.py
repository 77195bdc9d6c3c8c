"""Client mode (issue 15, docs/cli.md): ``salesdomain --api URL`` with a token goes
through the web API, served by uvicorn over a SQLite file and over PostgreSQL, under the
same read and write policies (ADR 30) as any other client; what it prints is what the
direct mode prints, of the rows the token's employee may see.

The company is test_read_policy's (Alice and Bob report to Mia, Wes to Dan; Cleo is a
compliance reviewer), with Alice's pay raised by Dan; tokens are issued today, not on the
frozen day the company was built."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from freezegun import freeze_time
from salesdomain.adapters.cli import app
from salesdomain.adapters.cli.client import Api
from salesdomain.adapters.cli.common import ExitCode, Failure
from salesdomain.adapters.web import create_app
from typer.testing import CliRunner, Result

from salesdomain.command_record import Origin
from salesdomain.people.values import LeavingReason
from salesdomain.values import Actor
from tests import builders as b
from tests.spec import Step
from tests.test_command_origin import _origin
from tests.test_read_policy import (
    ALICE_DEAL,
    CLEO,
    DAN,
    HANNA,
    MIA,
    NOW,
    WES,
    WES_CUSTOMER,
    WES_DEAL,
    _company,
    _deals,
    alice_raise,
)
from tests.test_web_outage import stopped_pipeline
from tests.web_support import (
    SERVED_STORES,
    Web,
    founded,
    free_port,
    served_on,
    serving,
    web_on,
)

ALICE = b.ALICE


@dataclass
class Served:
    """The company's web API at ``url``, and a token file per reader."""

    web: Web
    url: str
    database_url: str
    files: dict[str, Path]
    secrets: dict[str, str]

    def cli(self, who: str, *args: str, input: str | None = None) -> Result:
        """``salesdomain --api URL --token-file <who's> ARGS``."""
        argv = ["--api", self.url, "--token-file", str(self.files[who]), *args]
        return CliRunner().invoke(app, argv, input=input)

    def json(self, who: str, *args: str, input: str | None = None) -> Any:
        result = self.cli(who, *args, "--json", input=input)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    def web_get(self, who: str, path: str, **params: str) -> Any:
        headers = {"Authorization": f"Bearer {self.secrets[who]}"}
        answer = self.web.client.get(path, params=params, headers=headers)
        assert answer.status_code == 200, answer.json()
        return answer.json()


def served_to(web: Web, url: str, folder: Path, readers: dict[str, Actor]) -> Iterator[Served]:
    """``web`` served on a free loopback port, with a token file in ``folder`` for each
    reader (``<name>.token``), issued today."""
    secrets = {name: web.tokens.issue(actor).secret for name, actor in readers.items()}
    files = {name: folder / f"{name}.token" for name in readers}
    for name, file in files.items():
        file.write_text(secrets[name], encoding="utf-8")
    with serving(create_app(web.system)) as port:
        yield Served(web, f"http://127.0.0.1:{port}", url, files, secrets)


def served_to_alice(web: Web, url: str, folder: Path) -> Iterator[Served]:
    """``web`` served on a free loopback port, with a token file for Alice issued today."""
    yield from served_to(web, url, folder, {"alice": b.ALICE})


def served_to_alice_after(url: str, folder: Path, steps: list[Step], at: str) -> Iterator[Served]:
    """The API over the store on ``url`` once ``steps`` were sent at the moment ``at``
    (the staff register founded for everyone acting in them, and for Alice), served
    on a free loopback port with a token file for Alice issued today."""
    with web_on(url) as web:
        with freeze_time(at):
            founded(web, [*steps, (b.register(), b.ALICE)])
            for command, actor in steps:
                web.send(command, actor)
        yield from served_to_alice(web, url, folder)


READERS: dict[str, Actor] = {
    "alice": ALICE,
    "mia": MIA,
    "dan": DAN,
    "cleo": CLEO,
    "hanna": HANNA,
    "wes": WES,
}


def _serve(url: str, folder: Path) -> Iterator[Served]:
    with web_on(url) as web:
        with freeze_time(NOW):
            web.token(HANNA, founder=True)
            for command, actor in [*_company(), *_deals()]:
                web.send(command, actor)
            web.send(alice_raise(), DAN)
        secrets = {name: web.tokens.issue(actor).secret for name, actor in READERS.items()}
        secrets["alice-read-only"] = web.tokens.issue(ALICE, read_only=True).secret
        files = {}
        for name, secret in secrets.items():
            files[name] = folder / f"{name}.token"
            files[name].write_text(secret + "\n", encoding="utf-8")
        with serving(create_app(web.system)) as port:
            yield Served(web, f"http://127.0.0.1:{port}", url, files, secrets)


@pytest.fixture(scope="module", params=SERVED_STORES)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    yield from served_on(request.param, tmp_path_factory.mktemp("client"), _serve)


def _one_line(result: Result, code: int, *words: str) -> None:
    """Refused with ``code``: one line on stderr naming ``words``, never a traceback."""
    assert result.exit_code == code, result.output
    assert result.stderr.startswith("error: "), result.output
    assert result.stderr.count("\n") == 1, result.stderr
    for word in words:
        assert word in result.stderr
    assert "Traceback" not in result.output


def test_a_representative_reads_only_her_deals_as_the_web_api_gives_them(served: Served) -> None:
    shown = served.json("alice", "pipeline")
    answered = served.web_get("alice", "/views/pipeline", as_of=shown["as_of"])["rows"]
    fields = ("opportunity_id", "title", "owner_name", "stage", "currency")

    def facts(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        return [(*(r[f] for f in fields), Decimal(r["amount"])) for r in rows]

    assert facts(shown["opportunities"]) == facts(answered)
    assert {row["opportunity_id"] for row in shown["opportunities"]} == {str(ALICE_DEAL)}
    assert shown["summary"]["open_count"] == 1
    table = served.cli("alice", "pipeline").stdout
    assert "Hangzhou Precision Co., Ltd." in table
    assert WES_CUSTOMER.company_name not in table
    everything = served.json("dan", "pipeline")["opportunities"]
    assert {row["opportunity_id"] for row in everything} == {str(ALICE_DEAL), str(WES_DEAL)}
    later = ("pipeline", "--as-of", "2099-01-01T00:00:00+00:00", "--stale")
    stale = served.json("dan", *later)
    assert {row["opportunity_id"] for row in stale["opportunities"]} == {
        row["opportunity_id"] for row in everything if row["stage"] not in ("won", "lost")
    }
    assert stale["opportunities"]
    assert all(row["stale"] for row in stale["opportunities"])
    assert stale["opportunities"] == served.json("dan", *later, "--all")["opportunities"]
    assert "STALE" in served.cli("dan", *later).stdout


def test_the_audit_trail_hides_pay_figures_from_a_manager(served: Served) -> None:
    def pay_lines(who: str, *more: str) -> list[str]:
        entries = served.json(who, "audit", "--record", str(ALICE.employee_id), *more)
        return [e["description"] for e in entries if e["event_type"] == "PayChanged"]

    (hidden,) = pay_lines("mia")
    assert "pay figures, which are confidential" in hidden
    assert "14,000" not in hidden
    (shown,) = pay_lines("dan", "--step", "3.3")
    assert "14,000.00 CNY" in shown
    table = served.cli("mia", "audit", "--record", str(ALICE.employee_id)).stdout
    assert "confidential" in table
    assert "14,000" not in table


def test_kpis_are_those_the_reader_may_see(served: Served) -> None:
    period = ("--grain", "quarter", "--since", "2026-01-01", "--until", "2026-03-31")
    for who, reps in (("alice", {ALICE}), ("mia", {ALICE}), ("dan", {ALICE, WES})):
        found = served.json(who, "kpi", "--by", "rep", *period)
        assert {row["group"] for row in found["rows"]} == {str(r.employee_id) for r in reps}
        assert (found["grain"], found["since"], found["until"]) == (
            "quarter",
            "2026-01-01",
            "2026-03-31",
        )
    assert "2026-Q1" in served.cli("mia", "kpi", "--by", "rep", *period).stdout


def test_run_acts_as_the_token_s_employee_and_is_recorded_from_the_web(served: Served) -> None:
    visit = b.log_visit(ALICE_DEAL).model_dump(mode="json", exclude={"command_id"})
    ran = served.json("alice", "run", "LogContact", input=json.dumps(visit))
    (event,) = ran["events"]
    assert (event["aggregate_id"], event["event_type"]) == (str(ALICE_DEAL), "ContactLogged")
    assert event["description"]  # what happened, as the audit trail tells it
    assert _origin(served.web.system.app, ran["command_id"]) == Origin(channel="web")
    (entry,) = [
        e
        for e in served.json("alice", "audit", "--record", str(ALICE_DEAL))
        if e["command_id"] == ran["command_id"]
    ]
    assert (entry["actor_name"], entry["actor_role"]) == (ALICE.name, "sales_representative")
    again = served.cli(
        "alice", "run", "LogContact", input=json.dumps(visit | {"command_id": ran["command_id"]})
    )
    assert again.exit_code == 0, again.output
    assert "LogContact recorded (sent before: nothing recorded again)" in again.stdout


def test_a_read_only_token_reads_and_its_run_is_refused(served: Served) -> None:
    assert served.cli("alice-read-only", "pipeline").exit_code == 0
    visit = b.log_visit(ALICE_DEAL).model_dump_json()
    refused = served.cli("alice-read-only", "run", "LogContact", input=visit)
    _one_line(refused, 4, "is read-only: it reads, it sends no command")


def test_a_compliance_reviewer_performs_no_step(served: Served) -> None:
    prospect = b.register("Suzhou Valves Ltd.", "91320500MA1XXX0003").model_dump_json()
    refused = served.cli("cleo", "run", "RegisterProspect", input=prospect)
    _one_line(refused, 4, "SOP 2.1.2", "compliance reviewer")
    as_json = served.cli("cleo", "run", "RegisterProspect", "--json", input=prospect)
    assert json.loads(as_json.stderr)["kind"] == "not_authorised"


def test_a_broken_sop_rule_is_named_as_in_the_direct_mode(served: Served) -> None:
    quote = b.quote(ALICE_DEAL).model_dump_json()
    broken = served.cli("alice", "run", "IssueQuote", input=quote)
    assert broken.exit_code == 5, broken.output
    assert "no quote without a solution presented" in broken.stderr
    assert broken.stderr.endswith("\n  rule: quote_for_acknowledged_solution\n")
    twice = served.cli(
        "alice", "run", "RegisterProspect", "--json", input=b.register().model_dump_json()
    )
    assert twice.exit_code == 7, twice.output
    error = json.loads(twice.stderr)
    assert (error["kind"], error["rule_id"]) == ("already_registered", "company_registered_once")


def test_what_only_the_server_checks_is_refused_with_its_words(served: Served) -> None:
    backwards = served.cli("dan", "kpi", "--since", "2026-03-01", "--until", "2026-01-01")
    _one_line(backwards, 3, "is before since")
    nowhere = uuid4()
    missing = served.cli("alice", "run", "LogContact", input=b.log_visit(nowhere).model_dump_json())
    _one_line(missing, 6, f"no opportunity with id {nowhere}")


def test_a_stopped_view_is_named_and_the_others_answer(tmp_path: Path) -> None:
    with (
        stopped_pipeline(f"sqlite:///{tmp_path}/stopped.db") as (broken, secret),
        serving(create_app(broken)) as port,
    ):
        argv = ["--api", f"http://127.0.0.1:{port}"]
        env = {"SALESDOMAIN_TOKEN": secret}
        stopped = CliRunner().invoke(app, [*argv, "pipeline"], env=env)
        audit = CliRunner().invoke(app, [*argv, "audit"], env=env)
        status = CliRunner().invoke(app, [*argv, "views", "status"], env=env)
    _one_line(stopped, 10, "the pipeline view stopped", "Opportunity.Opened")
    assert audit.exit_code == 0, audit.output
    assert status.exit_code == 10, status.output
    assert "pipeline at" in status.stderr
    assert "on the server" in status.stderr


def test_a_case_story_is_what_the_reader_may_read_printed_as_direct_mode_does(
    served: Served,
) -> None:
    case = str(ALICE_DEAL)
    mine = served.json("alice", "story", case)
    answered = served.web_get("alice", f"/views/story/{case}")

    def facts(story: dict[str, Any]) -> list[tuple[Any, ...]]:
        lines = [(e["position"], e["part"], e["description"]) for e in story["entries"]]
        return [story["position"], story["case_id"], story["customer_id"], *lines]

    assert facts(mine) == facts(answered)
    assert mine["verified"] is None
    assert {e["aggregate_id"] for e in mine["entries"]} >= {case}
    direct = ["story", case, "--database-url", served.database_url]
    everything = CliRunner().invoke(app, [*direct, "--json"])
    assert everything.exit_code == 0, everything.output
    assert served.json("dan", "story", case) == json.loads(everything.stdout)  # all of sales
    assert served.cli("dan", "story", case).stdout == CliRunner().invoke(app, direct).stdout
    _one_line(served.cli("hanna", "story", case), 6, f"no business case with id {case}")
    _one_line(served.cli("alice", "story", case, "--verified"), 2, "an administrator's check")


def test_views_status_is_the_server_s(served: Served) -> None:
    statuses = served.json("mia", "views", "status")
    views = served.web.system.views.status()
    assert [(v["name"], v["generation"], v["stopped"]) for v in statuses] == [
        (v.name, v.generation, False) for v in views
    ]
    assert set(statuses[0]) == {*vars(views[0]), "lag", "stopped", "outdated"}
    table = served.cli("mia", "views", "status").stdout
    assert table.startswith("Views")
    assert "operations" in table


def test_whoami_names_the_token_s_employee_and_role(served: Served) -> None:
    assert "Mia Manager (sales manager)" in served.cli("mia", "whoami").stdout
    me = served.json("mia", "whoami")
    assert (me["employee_id"], me["role"], me["api"]) == (
        str(MIA.employee_id),
        "sales_manager",
        served.url,
    )


def test_a_token_that_no_longer_acts_is_refused_saying_why(served: Served) -> None:
    runner = CliRunner()
    unknown = runner.invoke(
        app, ["--api", served.url, "pipeline"], env={"SALESDOMAIN_TOKEN": "sd_nobody"}
    )
    _one_line(unknown, 4, "refused the token from $SALESDOMAIN_TOKEN", "unknown")
    today = datetime.now(UTC).date().isoformat()
    leaving = {"employee_id": str(WES.employee_id), "reason": LeavingReason.RESIGNED.value}
    left = served.cli(
        "hanna", "run", "RecordLeaving", input=json.dumps(leaving | {"last_day": today})
    )
    assert left.exit_code == 0, left.output
    _one_line(served.cli("wes", "whoami"), 4, "has left the company", "ask an administrator")


@pytest.mark.parametrize(
    "args",
    [
        ["staff"],
        ["history", str(uuid4())],
        ["as-of", "pipeline", "--as-of", "2026-03-01"],
        ["conformance", "--since", "2026-01-01", "--until", "2026-03-31"],
        ["import", "customers", "customers.csv"],
        ["forget", "candidate", str(uuid4())],
        ["keys", "rotate"],
        ["token", "list"],
        ["views", "rebuild"],
        ["views", "follow", "--json"],
        ["chain", "verify"],
        ["serve"],
        ["demo"],
    ],
    ids=lambda args: "-".join(args[:2]) if args[0] == "views" else args[0],
)
def test_administrator_only_commands_are_refused_in_client_mode(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    refused = CliRunner().invoke(app, ["--api", "http://127.0.0.1:9", *args])
    assert not list(tmp_path.iterdir())  # nothing made (demo's file)
    command = " ".join(args[:2]) if args[0] == "views" else args[0]
    _one_line(refused, 2, f"`salesdomain {command}` is administrator-only", "runs it on the server")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["run", "LogContact", "--as", "Alice Rep"], "--as: in client mode the token's employee"),
        (["run", "LogContact", "--role", "sales_manager"], "--role: in client mode"),
        (["run", "LogContact", "--case", str(uuid4())], "--case: in client mode"),
        (["pipeline", "--database-url", "sqlite:///x.db"], "give one of them"),
        (["audit", "--actor", "Alice Rep"], "--actor: 'Alice Rep' is not an employee id"),
        (["kpi", "--currency", "cny"], "--currency: 'cny' is not an ISO 4217 code"),
    ],
)
def test_options_that_choose_who_acts_or_the_store_are_refused(
    args: list[str], words: str, tmp_path: Path
) -> None:
    token = tmp_path / "token"
    token.write_text("sd_anything", encoding="utf-8")
    argv = ["--api", "http://127.0.0.1:9", "--token-file", str(token), *args]
    _one_line(CliRunner().invoke(app, argv, input="{}"), 2, words)


def test_a_token_is_never_taken_from_the_command_line(tmp_path: Path) -> None:
    runner = CliRunner()
    api = ["--api", "http://127.0.0.1:9"]
    _one_line(
        runner.invoke(app, [*api, "whoami"], env={"SALESDOMAIN_TOKEN": ""}), 2, "needs a token"
    )
    assert runner.invoke(app, [*api, "--token", "sd_x", "whoami"]).exit_code == 2
    missing = runner.invoke(app, [*api, "--token-file", str(tmp_path / "none"), "whoami"])
    _one_line(missing, 9, "--token-file: cannot read")
    _one_line(runner.invoke(app, ["whoami"], env={"SALESDOMAIN_API_URL": ""}), 2, "give --api URL")


@pytest.mark.parametrize(
    "url",
    [
        "ftp://127.0.0.1/",
        "file:///etc/passwd",
        "127.0.0.1:8000",
        "http://u:p@host/",
        "http://h:x/",
        "http://[::1/",
        "http://a..b/",
        "http://h/?token=sd_x",
    ],
)
def test_an_address_that_is_not_an_http_url_is_refused(url: str) -> None:
    result = CliRunner().invoke(app, ["--api", url, "pipeline"], env={"SALESDOMAIN_TOKEN": "sd_x"})
    _one_line(result, 2, "is not the address of the web API")


def test_a_server_that_cannot_be_reached_or_is_not_the_api_is_one_line(served: Served) -> None:
    env = {"SALESDOMAIN_TOKEN": "sd_x", "SALESDOMAIN_API_TIMEOUT": "0.5"}
    runner = CliRunner()
    nobody = f"http://127.0.0.1:{free_port()}"
    refused = runner.invoke(app, ["--api", nobody, "pipeline"], env=env)
    _one_line(refused, 11, f"the web API at {nobody} cannot be reached")
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, never answers
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        late = runner.invoke(
            app,
            ["--api", url, "run", "LogContact"],
            env=env,
            input=b.log_visit(ALICE_DEAL).model_dump_json(),
        )
    _one_line(late, 11, "no answer within 0.5 s", 'send it again with "command_id"')
    static = runner.invoke(app, ["--api", f"{served.url}/static", "pipeline"], env=env)
    _one_line(static, 11, "HTTP 404", "is --api the address of `salesdomain serve`?")


def test_several_bad_fields_the_server_names_are_one_line_each(served: Served) -> None:
    api = Api(served.url, served.secrets["dan"], "a test")
    with pytest.raises(Failure) as refused:
        api.get("/views/kpi", grain="week", by="nobody")
    report = refused.value.report
    assert (refused.value.code, report.kind) == (ExitCode.INVALID_DATA, "invalid_request")
    assert str(refused.value) == "kpi has 2 invalid fields:"
    assert [problem.field for problem in report.details] == ["grain", "by"]


def test_a_director_pages_through_the_pipeline_as_the_web_api_gives_it(served: Served) -> None:
    # Given a director who may read both deals, When they read them a page at a time
    first = served.json("dan", "pipeline", "--limit", "1")
    second = served.json("dan", "pipeline", "--cursor", first["next_cursor"])
    every = served.json("dan", "pipeline", "--all")
    # Then the pages hold both deals once, and every page's funnel, win rate and open
    # pipeline (from the API's summary) are those of every row (added up here)
    paged = [row["opportunity_id"] for row in first["opportunities"] + second["opportunities"]]
    assert sorted(paged) == sorted(str(deal) for deal in (ALICE_DEAL, WES_DEAL))
    assert second["next_cursor"] is None
    assert first["summary"] == second["summary"] == {**every["summary"], "as_of": first["as_of"]}
    # And a cursor that is none is refused as the API refuses it (invalid data, 422)
    _one_line(served.cli("dan", "pipeline", "--cursor", "p1.bad"), 3, "cursor")
