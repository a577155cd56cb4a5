"""Refusals a coordinator can read: errors and vetoes carry a ``UserMessage`` beside the
API's English detail, plugins bring their own catalogues (``ui_locale_dirs``), and the
request page shows every reason in the reader's language."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from noaber import hookimpl
from noaber.errors import Conflict, Refusal, UserMessage
from noaber.testing import new_request, write_po
from noaber.ui.catalog import check_plugin
from noaber.ui.forms import refusal_messages
from noaber.ui.i18n import translate, translations, translations_for
from noaber.ui.templating import environment


def test_a_plugin_catalogue_is_merged_with_core_s(tmp_path):
    first = write_po(
        tmp_path / "first",
        {
            "The sample budget is spent.": "Het budget van de proef is op.",
            "Choose a new status.": "Kies eerst een status.",  # overrides core's
            "Please write a note.": "",  # untranslated: core's translation stays
        },
    )
    second = write_po(tmp_path / "second", {"Choose a new status.": "Een status graag."})
    merged = translations("nl", (str(first), str(second)))
    assert merged.gettext("The sample budget is spent.") == "Het budget van de proef is op."
    assert merged.gettext("Choose a new status.") == "Kies eerst een status."  # first dir wins
    assert merged.gettext("Please write a note.") == "Schrijf een notitie."
    assert merged.gettext("Work list") == "Werklijst"  # core's own
    # Core's catalogue alone (other tenants) is untouched by the merge.
    core = translations("nl")
    assert core.gettext("Choose a new status.") == "Kies een nieuwe status."
    assert core.gettext("The sample budget is spent.") == "The sample budget is spent."


class SampleCatalogue:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @hookimpl
    def ui_locale_dirs(self) -> list[str]:
        return [str(self.folder)]


def test_a_tenant_s_pages_and_python_messages_use_its_plugins_catalogues(platform, tmp_path):
    folder = write_po(tmp_path, {"The sample budget is spent.": "Het budget van de proef is op."})
    meppel = platform.tenants["meppel"].plugins
    meppel.register(SampleCatalogue(folder))
    assert translations_for(meppel, "nl").gettext("The sample budget is spent.") == (
        "Het budget van de proef is op."
    )
    template = environment(meppel, "nl").from_string('{{ _("The sample budget is spent.") }}')
    assert template.render() == "Het budget van de proef is op."
    # Leeuwarden's manager does not hold the plugin.
    other = environment(platform.tenants["leeuwarden"].plugins, "nl")
    assert other.from_string('{{ _("The sample budget is spent.") }}').render() == (
        "The sample budget is spent."
    )


def test_a_user_message_fills_in_translated_parts_and_survives_a_broken_translation(tmp_path):
    folder = write_po(
        tmp_path,
        {
            "%(family)s still needs: %(missing)s.": "%(family)s heeft nog nodig: %(missing)s.",
            "a VOG": "een VOG",
            "a new VOG since %(day)s": "een nieuwe VOG sinds %(day)s",
            "%(n)s visits": "%(m)s bezoeken",  # a translator's typo in the placeholder
        },
    )
    gettext = translations("nl", (str(folder),)).gettext
    message = UserMessage(
        "%(family)s still needs: %(missing)s.",
        family="Gezin de Vries",
        missing=[
            UserMessage("a VOG"),
            UserMessage("a new VOG since %(day)s", day=date(2026, 3, 1)),
        ],
    )
    assert translate(message, gettext) == (
        "Gezin de Vries heeft nog nodig: een VOG, een nieuwe VOG sinds 01-03-2026."
    )
    assert str(message) == "Gezin de Vries still needs: a VOG, a new VOG since 2026-03-01."
    assert translate(UserMessage("%(n)s visits", n=2), gettext) == "2 visits"


def test_an_error_shows_its_messages_or_the_generic_one():
    gettext = translations("nl").gettext
    fallback = UserMessage("This status change is not possible now.")
    carried = Conflict("detail", user_message=[UserMessage("Choose a new status."), fallback])
    assert refusal_messages(carried, gettext, fallback) == [
        "Kies een nieuwe status.",
        "Deze statuswijziging kan nu niet.",
    ]
    assert refusal_messages(Conflict("detail"), gettext, fallback) == [
        "Deze statuswijziging kan nu niet."
    ]
    # The API's problem details are built from detail and extra only.
    assert Conflict("d", user_message=fallback, current="x").extra == {"current": "x"}


def test_a_plugin_s_catalogue_check_finds_missing_and_broken_translations(tmp_path):
    package = tmp_path / "sample_plugin"
    package.mkdir()
    (package / "rules.py").write_text(
        "from noaber.errors import UserMessage\n"
        'A = UserMessage("Only in English.")\n'
        'B = UserMessage("%(n)s visits", n=1)\n'
        'C = UserMessage("Choose a new status.")\n',  # core translates this one
        encoding="utf-8",
    )
    locale = write_po(tmp_path / "locale", {"%(n)s visits": "%(m)s bezoeken"})
    problems = check_plugin(package, locale)
    assert problems[0] == "no translation: 'Only in English.'"
    assert len(problems) == 2
    assert problems[1].startswith("'%(n)s visits':")


# --- the request page ----------------------------------------------------------------------


class Vetoes:
    """Refuses closing a request three ways: with a translated message, with one its
    catalogue lacks, and with a plain str (an API hint only)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @hookimpl
    def ui_locale_dirs(self) -> list[str]:
        return [str(self.folder)]

    @hookimpl
    def check_request_transition(self, target: str) -> Any:
        if target != "afgesloten":
            return None
        return Refusal(
            "write the closing report first (POST /api/sample/reports)",
            UserMessage("Write the closing report of %(family)s first.", family="Gezin Test"),
        )


class EnglishVeto:
    @hookimpl
    def check_request_transition(self, target: str) -> Any:
        return UserMessage("The sample budget is spent.") if target == "afgesloten" else None


class PlainVeto:
    @hookimpl
    def check_request_transition(self, target: str) -> Any:
        return "sample: no closing on Sundays" if target == "afgesloten" else None


@pytest.fixture
def coupled_request(platform, client_for) -> int:
    return new_request(client_for("meppel"), "intake", "zoeken", "gekoppeld")


def test_the_request_page_shows_every_plugin_s_reason_in_dutch(
    platform, client_for, coupled_request, tmp_path
):
    folder = write_po(
        tmp_path,
        {
            "Write the closing report of %(family)s first.": "Schrijf eerst het eindverslag van %(family)s."
        },
    )
    pm = platform.tenants["meppel"].plugins
    for plugin in (PlainVeto(), EnglishVeto(), Vetoes(folder)):
        pm.register(plugin)
    rid = coupled_request
    coordinator = client_for("meppel", role="coordinator")
    page = coordinator.post(
        f"/aanvragen/{rid}/status", data={"to": "afgesloten", "reason": "klaar"}
    )
    assert page.status_code == 409
    alert = page.text.split('id="to-fout" role="alert">')[1].split("</p>")[0]
    assert alert.split("<br>") == [
        "Schrijf eerst het eindverslag van Gezin Test.",  # the plugin's catalogue
        "The sample budget is spent.",  # no translation: the English message id
        "Deze statuswijziging kan nu niet.",  # a plain str has no message for the page
    ]
    # The API keeps its English detail, one reason per plugin, nothing of the messages.
    api = client_for("meppel")
    refused = api.post(
        f"/api/requests/{rid}/transitions", json={"to": "afgesloten", "reason": "klaar"}
    )
    assert refused.status_code == 409
    body = refused.json()
    assert body["refused"] == [
        "write the closing report first (POST /api/sample/reports)",
        "The sample budget is spent.",
        "sample: no closing on Sundays",
    ]
    assert body["detail"] == f"request {rid} cannot go to 'afgesloten': " + "; ".join(
        body["refused"]
    )
    assert not {"user_message", "user_messages"} & set(body)
    assert api.get(f"/api/requests/{rid}").json()["status"] == "gekoppeld"


def test_core_s_own_refusals_on_the_request_page_are_dutch(client_for, coupled_request):
    rid = coupled_request
    coordinator = client_for("meppel", role="coordinator")
    no_reason = coordinator.post(f"/aanvragen/{rid}/status", data={"to": "afgesloten"})
    assert no_reason.status_code == 422
    assert "Voor deze status is een reden verplicht." in no_reason.text
    # A page left open while someone else moved the request on.
    stale = coordinator.post(f"/aanvragen/{rid}/status", data={"to": "intake"})
    assert stale.status_code == 409
    assert (
        "De status is inmiddels \u2018gekoppeld\u2019 en kan van daaruit niet naar \u2018intake\u2019."
        in stale.text
    )
    assert "Deze statuswijziging kan nu niet." not in stale.text


def test_a_form_shows_the_service_s_own_message_where_it_belongs():
    from noaber.errors import InvalidInput
    from noaber.ui.forms import FormState, service_errors

    gettext = translations("nl").gettext
    messages = {"postcode": "This postcode does not lie in our municipality."}
    postcode = [{"field": "postcode", "source": "body", "message": "x"}]
    said = UserMessage("Choose a new status.")

    def shown(exc: InvalidInput) -> tuple[dict[str, str], list[str]]:
        form = FormState()
        service_errors(exc, form, gettext, messages)
        return form.errors, form.general

    # The service's words beat the form's own, next to the one field they are about.
    assert shown(InvalidInput("d", user_message=said, errors=postcode)) == (
        {"postcode": "Kies een nieuwe status."},
        [],
    )
    assert shown(InvalidInput("d", errors=postcode)) == (
        {"postcode": "Deze postcode ligt niet in onze gemeente."},
        [],
    )
    # About no field of this form: above it, the service's words or the generic request.
    elsewhere = [{"field": "household_id", "source": "body", "message": "x"}]
    assert shown(InvalidInput("d", user_message=said, errors=elsewhere)) == (
        {},
        ["Kies een nieuwe status."],
    )
    assert shown(InvalidInput("d", errors=elsewhere)) == ({}, ["Controleer wat u hebt ingevuld."])
    assert shown(InvalidInput("d")) == ({}, ["Controleer wat u hebt ingevuld."])
