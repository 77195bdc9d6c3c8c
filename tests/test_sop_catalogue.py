"""The SOP step catalogue: every code of the document, in code; nothing else recordable."""

from __future__ import annotations

import re
from pathlib import Path
from uuid import uuid4

import pytest

from salesdomain.aggregate import SopAggregate
from salesdomain.commands import COMMANDS, Command
from salesdomain.prospecting.customer import Customer
from salesdomain.sop import CATALOGUE, UnknownSopStep, steps
from tests import builders as b

SOP_FILE = Path(__file__).parents[2] / "shared" / "SOP.md"
HEADING = re.compile(r"^#{2,}\s+(\d+(?:\.\d+)*)\.?\s", re.MULTILINE)
BOLD_CODE = re.compile(r"\*\*(\d+(?:\.\d+)+)\s")


def document_codes() -> set[str]:
    if not SOP_FILE.exists():
        pytest.skip(f"{SOP_FILE} is not there")
    text = SOP_FILE.read_text(encoding="utf-8")
    return set(HEADING.findall(text)) | set(BOLD_CODE.findall(text))


def test_the_document_has_the_codes_we_expect_to_find():
    codes = document_codes()
    assert {"2", "2.1", "2.1.1", "2.3.2", "3.4.2", "4.2.1"} <= codes
    assert len(codes) > 50


def test_every_code_of_the_sop_is_in_the_catalogue():
    missing = sorted(document_codes() - CATALOGUE.keys())
    assert missing == []


def test_steps_not_in_the_document_are_marked_as_such():
    codes = document_codes()
    invented = {s.code for s in steps() if not s.from_document}
    assert invented
    assert not invented & codes
    assert {s.code for s in steps() if s.from_document} - {"1"} <= codes


def test_every_step_has_at_least_one_responsible_role():
    leaves = [s for s in steps() if not s.is_section]
    assert leaves
    assert [s.code for s in leaves if not s.roles] == []


@pytest.mark.parametrize(
    ("code", "policy_key"), [("2.6.1", "feedback_response"), ("2.3.2", "quote_validity")]
)
def test_the_sop_time_limits_are_in_the_catalogue(code, policy_key):
    limit = CATALOGUE[code].time_limit
    assert limit is not None
    assert limit.policy_key == policy_key
    assert limit.default.total_seconds() > 0


@pytest.mark.parametrize("code", ["9.9.9", "2.3", "2"])
def test_an_event_class_cannot_name_an_unknown_step_or_a_section(code):
    with pytest.raises(UnknownSopStep):

        class Bogus(SopAggregate.Event):
            SOP_STEP = code


def _event(event_class, sop_step: str, **facts):
    return event_class(
        originator_id=uuid4(),
        originator_version=2,
        timestamp=event_class.create_timestamp(),
        sop_step=sop_step,
        actor=b.ALICE,
        command="Test",
        command_id=uuid4(),
        correlation_id=uuid4(),
        causation_id=None,
        **facts,
    )


class Probe(SopAggregate):
    """An aggregate whose event fixes no SOP step: the code comes with each instance."""

    class Event(SopAggregate.Event):
        pass

    class Noted(Event):
        pass


def test_an_event_naming_a_step_can_be_created():
    assert _event(Probe.Noted, "2.1.3").sop_step == "2.1.3"


@pytest.mark.parametrize("code", ["2.3", "2", "9.9.9", ""])
def test_an_event_naming_a_section_or_unknown_code_cannot_be_created(code):
    with pytest.raises(UnknownSopStep):
        _event(Probe.Noted, code)


def test_an_event_cannot_name_another_step_than_its_own():
    with pytest.raises(ValueError, match=r"2\.1\.2"):
        _event(Customer.Disqualified, "2.1.3", reason="No budget")


@pytest.mark.parametrize("code", ["7.7.7", "2.1"])
def test_a_command_cannot_name_an_unknown_step_or_a_section(code):
    name = f"DoSomethingUnknown{code.replace('.', '')}"
    with pytest.raises(UnknownSopStep):
        type(name, (Command,), {"SOP_STEP": code, "__module__": __name__})
    assert name not in COMMANDS
