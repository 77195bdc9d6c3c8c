"""The SOP catalogue, its rules and the policy data: no store needed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table
from salesdomain.adapters.bootstrap import policy_from_environment
from salesdomain.adapters.cli.common import ExitCode, Failure, JsonOutput, out, print_json, reported
from salesdomain.projections.conformance import RULES as REVIEWED

from salesdomain.policy import SalesPolicy
from salesdomain.rules import RULES, sections
from salesdomain.sop import steps


def list_steps(as_json: JsonOutput = False) -> None:
    """List the SOP step catalogue: codes, titles, roles and time limits."""
    listed = [
        {
            "code": s.code,
            "title": s.title,
            "roles": sorted(r.value for r in s.roles),
            "time_limit": s.time_limit.rule if s.time_limit else None,
            "from_document": s.from_document,
        }
        for s in steps()
    ]
    if as_json:
        print_json(listed)
        return
    table = Table(title="SOP steps")
    for column in ("Code", "Title", "Roles", "Time limit"):
        table.add_column(column)
    for s in steps():
        roles = ", ".join(sorted(r.label for r in s.roles))
        table.add_row(s.code, s.title, roles, s.time_limit.rule if s.time_limit else "")
    out().print(table)


RULES_DOC_HEAD = """\
# The SOP's rules

Every rule of the sales SOP the library enforces and every rule the conformance review
re-runs over the history, by SOP section, each with its id. A refusal names its rule by
the id (`SopRuleViolation.rule_id`; `rule_id` in the web API's error body, `rule:` on the
command line), and so does a breach in a conformance report (`rule`). A rule under a
section or chapter heading (2.5, 3) holds at every step under it; a refusal names the
step it was met at. "Review" is the family the conformance review re-runs the rule under
(`docs/conformance.md`).

Generated from `salesdomain.rules` by `salesdomain rules --markdown`; a test checks it is
current.
"""


def list_rules(
    as_json: JsonOutput = False,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print docs/rules.md: every rule by SOP section.")
    ] = False,
) -> None:
    """List the SOP rules: each one's id, step and text, and whether the review re-runs it."""
    reviewed = {r.id: r.family.value for r in REVIEWED}
    if as_json:
        print_json(
            [
                {"id": r.id, "sop_step": r.sop_step, "text": r.text, "review": reviewed.get(r.id)}
                for r in RULES.values()
            ]
        )
        return
    if markdown:
        print(rules_markdown(reviewed), end="")
        return
    table = Table(title=f"SOP rules ({len(RULES)})")
    for column in ("Rule", "Step", "The rule", "Review"):
        table.add_column(column)
    for r in RULES.values():
        table.add_row(r.id, r.sop_step, r.text, reviewed.get(r.id, ""))
    out().print(table)


def rules_markdown(reviewed: dict[str, str]) -> str:
    lines = [RULES_DOC_HEAD.rstrip("\n")]
    for section, rules in sections():
        lines += [
            "",
            f"## {section}",
            "",
            "| Rule | Step | The rule | Review |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| `{r.id}` | {r.sop_step} | {r.text} | {reviewed.get(r.id, '')} |" for r in rules
        ]
    return "\n".join(lines) + "\n"


def policy(
    file: Annotated[
        Path | None,
        typer.Option("--file", "-f", help="A policy file to check (default: the one in use)."),
    ] = None,
) -> None:
    """Print the policy data in force (or check a policy file) as JSON."""
    with reported():
        try:
            chosen = SalesPolicy.from_file(file) if file else policy_from_environment()
        except (ValidationError, OSError, ValueError) as error:
            raise Failure(ExitCode.USAGE, f"policy file is not valid: {error}") from None
    print(chosen.model_dump_json(indent=2))
