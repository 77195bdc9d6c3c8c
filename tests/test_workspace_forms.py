"""Every SOP command as a form (issue 20, ADR 64), without a browser.

The widgets each kind of field gets (``adapters.web.forms``, no HTTP); every command's
form opened by a role its step is for; and the posts, on memory, a SQLite file and
PostgreSQL: Given a signed-in person / When they send a command's form / Then its
events are stored and they are sent to the record, or the form comes back with the
problem in words and nothing is stored."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from uuid import uuid4

import pytest
from pydantic import BaseModel
from salesdomain.adapters.web import form_data, forms

import salesdomain.application  # noqa: F401  (every area's commands)
from salesdomain.commands import COMMANDS
from salesdomain.sop import Role, step
from salesdomain.values import Money
from tests import builders as b
from tests.conftest import STORES, store_url_on
from tests.web_support import Web, founded, web_on

# ---- the widgets (no HTTP) ---------------------------------------------------------------


def _kinds(model: type[BaseModel]) -> dict[str, str]:
    def walk(shown: list[forms.Widget]) -> dict[str, str]:
        found: dict[str, str] = {}
        for w in shown:
            found[w.name] = w.spec.kind
            found.update(walk(w.children))
        return found

    return walk(forms.widgets(model, {}, currency="CNY"))


def test_each_kind_of_field_gets_its_widget() -> None:
    quote = _kinds(COMMANDS["IssueQuote"])
    assert quote["opportunity_id"] == "id"
    assert quote["lines"] == "rows"
    assert quote["lines.0.quantity"] == "number"
    assert quote["lines.0.unit_price"] == "group"
    assert quote["lines.0.unit_price.currency"] == "select"
    assert quote["lines.2.product_code"] == "text"  # three blank rows
    assert "lines.3.product_code" not in quote
    assert quote["payment_terms"] == "textarea"
    assert quote["delivery_date"] == "date"
    prospect = _kinds(COMMANDS["RegisterProspect"])
    assert prospect["source_channel"] == "select"
    assert "contacts.0.erased" not in prospect  # a person's data keeps its bookkeeping
    enrol = _kinds(COMMANDS["EnrolEmployee"])
    assert enrol["roles"] == "choices"
    assert enrol["exception.onboarded"] == "checkbox"
    assert _kinds(COMMANDS["HoldTeamMeeting"])["attendees"] == "lines"
    assert _kinds(COMMANDS["ReviewContract"])["explanations"] == "keyed"


def test_bounds_labels_help_and_currencies_come_from_the_model() -> None:
    shown = {w.name: w for w in forms.widgets(COMMANDS["IssueQuote"], {}, currency="EUR")}
    line = {w.name: w for w in shown["lines"].children[0].children}
    assert dict(line["lines.0.product_code"].spec.attrs) == {"minlength": "1", "maxlength": "32"}
    assert dict(line["lines.0.quantity"].spec.attrs)["step"] == "any"
    assert dict(shown["delivery_date"].spec.attrs) == {"min": "1900-01-01", "max": "2199-12-31"}
    assert dict(shown["approval_id"].spec.attrs) == {"step": "1", "min": "1", "max": "10000"}
    assert shown["opportunity_id"].spec.label == "Opportunity (id)"
    assert shown["opportunity_id"].spec.help == "The opportunity quoted (2.3.2)."
    assert shown["opportunity_id"].needed
    assert not shown["opportunity_id"].optional
    assert shown["valid_until"].optional
    assert not shown["valid_until"].needed
    price = line["lines.0.unit_price"].children
    assert price[1].value == "EUR"  # the reporting currency first
    assert ("USD", "USD") in price[1].spec.choices
    assert not price[0].needed  # a row may be left blank


class Visit(BaseModel):
    """A model with a time (no command has one yet)."""

    at: datetime
    """When."""
    fee: Money | None = None
    """What it cost."""


def test_a_time_is_read_in_the_browsers_offset_and_in_utc_without_it() -> None:
    assert _kinds(Visit)["at"] == "datetime"
    data, _ = form_data.submitted(Visit, {"at": ["2026-03-02T09:30"], "_tz_offset": ["480"]})
    assert data == {"at": "2026-03-02T09:30:00+08:00"}
    data, _ = form_data.submitted(Visit, {"at": ["2026-03-02T09:30"], "fee.currency": ["CNY"]})
    assert data == {"at": "2026-03-02T09:30:00+00:00"}  # a currency alone is no fee


def test_blank_rows_are_dropped_and_the_others_numbered_as_the_data() -> None:
    sent = {
        "opportunity_id": [str(uuid4())],
        "lines.0.product_code": [""],
        "lines.0.unit_price.currency": ["CNY"],
        "lines.1.product_code": ["SN-1"],
        "lines.1.quantity": ["x"],
        "lines.1.unit_price.currency": ["CNY"],
    }
    data, shown = form_data.submitted(COMMANDS["IssueQuote"], sent)
    assert data["lines"] == [
        {"product_code": "SN-1", "quantity": "x"}
    ]  # a currency alone: no price
    assert shown["lines.0.quantity"] == "x"
    assert "lines.1.quantity" not in shown
    again = forms.widgets(COMMANDS["IssueQuote"], shown, {"lines.0.quantity": "not a number"})
    rows = next(w for w in again if w.name == "lines").children
    assert len(rows) == 2  # the filled row and one blank
    assert rows[0].children[2].error == "not a number"


def test_lists_choices_and_checkboxes_are_read_as_the_model_takes_them() -> None:
    data, _ = form_data.submitted(
        COMMANDS["EnrolEmployee"],
        {
            "roles": ["sales_representative", "sales_manager"],
            "exception.onboarded": ["true"],
            "name": [" Li Na "],
        },
    )
    assert data["roles"] == ["sales_representative", "sales_manager"]
    assert data["exception"] == {"onboarded": True}
    assert data["name"] == "Li Na"
    data, _ = form_data.submitted(
        COMMANDS["ReviewContract"],
        {"explanations": ["price: agreed in round 2\r\n\r\nterms: as quoted"]},
    )
    assert data["explanations"] == {"price": "agreed in round 2", "terms": "as quoted"}


def test_an_error_the_form_has_no_field_for_is_said_at_the_top() -> None:
    shown = forms.widgets(COMMANDS["RegisterProspect"], {})
    left = forms.place_errors(shown, {"": "the command is wrong", "region": "too long"})
    assert left == ["the command is wrong"]
    assert next(w for w in shown if w.name == "region").error == "too long"


# ---- every form, for a role its step is for ---------------------------------------------


def _role_for(name: str) -> Role:
    roles = step(COMMANDS[name].SOP_STEP).roles
    return Role.SALES_REPRESENTATIVE if Role.SALES_REPRESENTATIVE in roles else min(roles, key=str)


ACTORS = {role: b.person(f"{role.label.title()} Tester", role) for role in map(_role_for, COMMANDS)}


@pytest.fixture(scope="module")
def web() -> Iterator[Web]:
    with web_on("memory://") as served:
        founded(served, [(b.register(), actor) for actor in ACTORS.values()])
        yield served


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_commands_form_opens_for_a_role_its_step_is_for(web: Web, name: str) -> None:
    web.sign_in(ACTORS[_role_for(name)])
    page = web.client.get(f"/act/{name}")
    assert page.status_code == 200, page.text
    sop_step = step(COMMANDS[name].SOP_STEP)
    assert f"{sop_step.code} {sop_step.title}" in page.text
    assert re.search(r'name="command_id" value="[0-9a-f-]{36}"', page.text)
    for field_id in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page.text):
        assert f'for="{field_id}"' in page.text or 'type="checkbox"' in page.text


def test_the_index_lists_the_steps_of_the_role_by_section(web: Web) -> None:
    web.sign_in(ACTORS[Role.SALES_REPRESENTATIVE])
    page = web.client.get("/act")
    assert page.status_code == 200
    assert 'href="/act/RegisterProspect"' in page.text
    assert 'href="/act/EnrolEmployee"' not in page.text
    assert page.text.index("2.1 Customer development") < page.text.index("2.3 Quotation")
    assert '<a href="/act"' in web.client.get("/").text


def test_a_form_is_pre_filled_from_its_address_and_names_its_record(web: Web) -> None:
    web.sign_in(ACTORS[Role.SALES_REPRESENTATIVE])
    opportunity = str(uuid4())
    page = web.client.get(f"/act/IssueQuote?opportunity_id={opportunity}&payment_terms=Net+30")
    assert f'name="opportunity_id" value="{opportunity}"' in page.text
    assert ">Net 30</textarea>" in page.text
    assert f'href="/record/opportunities/{opportunity}"' in page.text


def test_a_role_the_step_is_not_for_gets_403_and_no_link(web: Web) -> None:
    web.sign_in(ACTORS[Role.SALES_REPRESENTATIVE])
    page = web.client.get("/act/EnrolEmployee")
    assert page.status_code == 403
    assert "3.1.4 Hiring decision" in page.text
    assert web.client.get("/act/NoSuchThing").status_code == 404


# ---- posts, on every store ----------------------------------------------------------------


@pytest.fixture(scope="module", params=STORES)
def stored(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Web]:
    """One app per store for the posts below (each registers a company of its own)."""
    with store_url_on(request.param, tmp_path_factory, "forms") as url, web_on(url) as served:
        founded(served, [(b.register(), b.ALICE), (b.register(), b.PAT)])
        yield served


def _form(web: Web, name: str, **query: str) -> dict[str, str]:
    """The form's hidden fields, as the page gave them."""
    page = web.client.get(f"/act/{name}", params=query)
    assert page.status_code == 200
    return dict(
        re.findall(r'<input type="hidden" name="(csrf|command_id)" value="([^"]+)"', page.text)
    )


def _head(web: Web) -> int:
    return web.system.views.log.head()


def _prospect(company: str) -> dict[str, str]:
    return {**PROSPECT, "company_name": company}


PROSPECT = {
    "company_name": "Ningbo Gears Ltd.",
    "region": "East China",
    "industry": "Machinery",
    "source_channel": "trade_show",
    "contacts.0.name": "Wang Fang",
    "contacts.0.title": "Buyer",
}


def test_a_form_sent_records_its_events_and_goes_to_the_record(stored: Web) -> None:
    stored.sign_in(b.ALICE)
    before = _head(stored)
    sent = stored.client.post(
        "/act/RegisterProspect",
        data={**_form(stored, "RegisterProspect"), **PROSPECT},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    customer = b.customer_id(b.register("Ningbo Gears Ltd.", ""))
    location = sent.headers["location"]
    assert location.startswith(f"/record/customers/{customer}?done=Recorded")
    assert "2.1.2+Prospect+screening" in location
    assert _head(stored) > before
    recorded = stored.system.app.repository.get(customer)
    assert recorded.company_name == "Ningbo Gears Ltd."
    assert [c.name for c in recorded.contacts] == ["Wang Fang"]


def test_a_form_sent_twice_records_once(stored: Web) -> None:
    stored.sign_in(b.ALICE)
    form = {**_form(stored, "RegisterProspect"), **_prospect("Twice Sent Ltd.")}
    first = stored.client.post("/act/RegisterProspect", data=form, follow_redirects=False)
    head = _head(stored)
    again = stored.client.post("/act/RegisterProspect", data=form, follow_redirects=False)
    assert again.status_code == 303
    assert "Already+recorded" in again.headers["location"]
    assert again.headers["location"].split("?")[0] == first.headers["location"].split("?")[0]
    assert _head(stored) == head


def test_a_bad_field_comes_back_next_to_it_with_what_was_typed(stored: Web) -> None:
    stored.sign_in(b.ALICE)
    head = _head(stored)
    form = {
        **_form(stored, "RegisterProspect"),
        **PROSPECT,
        "company_name": "",
        "region": "x" * 201,
    }
    answer = stored.client.post("/act/RegisterProspect", data=form)
    assert answer.status_code == 422
    assert re.search(r'id="f-company_name-error">Fill this in', answer.text)
    assert re.search(r'id="f-region-error">[^<]*at most 200 characters', answer.text)
    assert 'value="Wang Fang"' in answer.text
    assert f'name="command_id" value="{form["command_id"]}"' in answer.text
    assert _head(stored) == head


def test_a_rule_refusal_says_the_rule_and_step_and_stores_nothing(stored: Web) -> None:
    stored.sign_in(b.ALICE)
    registered = stored.send(b.register("Not Yet Assessed Ltd.", ""), b.ALICE)
    customer = registered["events"][0]["aggregate_id"]
    head = _head(stored)
    form = {**_form(stored, "QualifyProspect", customer_id=customer), "customer_id": customer}
    answer = stored.client.post("/act/QualifyProspect", data={**form, "reason": "Budget approved"})
    assert answer.status_code == 409
    assert "Refused at SOP 2.1.2 Prospect screening" in answer.text
    assert 'class="rule-id">prospect_qualified_after_assessment<' in answer.text
    assert "Budget approved</textarea>" in answer.text
    assert _head(stored) == head


def test_a_forged_post_from_a_role_without_the_step_is_refused(stored: Web) -> None:
    stored.sign_in(b.ALICE)
    form = {**_form(stored, "RegisterProspect"), **PROSPECT}
    stored.sign_in(b.PAT)  # production takes no part in 2.1.2
    page = stored.client.get("/")
    form["csrf"] = re.findall(r'name="csrf" value="([^"]+)"', page.text)[0]
    head = _head(stored)
    answer = stored.client.post("/act/RegisterProspect", data=form)
    assert answer.status_code == 403
    assert 'href="/act/RegisterProspect"' not in stored.client.get("/act").text
    assert _head(stored) == head


@pytest.mark.parametrize(
    "headers", [{"Origin": "https://elsewhere.example"}, {"Sec-Fetch-Site": "cross-site"}]
)
def test_a_post_from_another_site_or_without_the_secret_is_refused(
    stored: Web, headers: dict[str, str]
) -> None:
    stored.sign_in(b.ALICE)
    form = {**_form(stored, "RegisterProspect"), **PROSPECT}
    head = _head(stored)
    foreign = stored.client.post("/act/RegisterProspect", data=form, headers=headers)
    assert foreign.status_code == 403
    guessed = stored.client.post("/act/RegisterProspect", data={**form, "csrf": "guessed"})
    assert guessed.status_code == 403
    assert _head(stored) == head


def test_the_forms_run_no_inline_script_or_style(web: Web) -> None:
    """The CSP (``script-src 'self'; style-src 'self'``) runs no inline script or style:
    the rows and the time zone are ``static/act.js``'s."""
    web.sign_in(ACTORS[Role.SALES_REPRESENTATIVE])
    for path in ("/act", "/act/IssueQuote"):
        html = web.client.get(path).text
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
        assert all('src="/static/' in attrs and not body.strip() for attrs, body in scripts)
        assert not re.search(r"\son[a-z]+\s*=", html)
        assert 'style="' not in html


def test_too_much_sent_is_refused_in_words(web: Web) -> None:
    web.sign_in(ACTORS[Role.SALES_REPRESENTATIVE])
    form = _form(web, "RegisterProspect")
    head = _head(web)
    many = {**form, **{f"contacts.{n}.name": "x" for n in range(5001)}}
    answer = web.client.post("/act/RegisterProspect", data=many)
    assert answer.status_code == 413
    assert "nothing was recorded" in answer.text
    assert _head(web) == head
    crowded = "&".join(f"f{n}=x" for n in range(5001))
    assert web.client.get(f"/act/RegisterProspect?{crowded}").status_code == 200
