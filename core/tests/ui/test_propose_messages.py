"""Proposing a helper from the request page: a refusal keeps the coordinator on the page
and says why in Dutch (core's filters, a plugin's filter through its own catalogue), a
missing choice is a form message, and nothing is stored. The API's 409 and 422 bodies
stay as they were. The generic error page shows an error's user messages, translated."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from noaber import hookimpl, testing
from noaber.errors import Conflict, UserMessage
from noaber.matching.columns import MatchFilter
from noaber.testing import write_po
from noaber.ui.pages import coordinator as coordinator_pages

SHORT_LIST = "Sample: the helper is on the short list."


class ShortList:
    """A plugin whose match filter lets no helper through, with a Dutch catalogue."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @hookimpl
    def ui_locale_dirs(self) -> list[str]:
        return [str(self.folder)]

    @hookimpl
    def match_filters(self, register: Any) -> None:
        register(
            MatchFilter("sample_short_list", SHORT_LIST, lambda r, h: np.zeros((1, len(h)), bool))
        )


def alert(page: Any) -> list[str]:
    """The lines of the proposal's error on the request page."""
    text = page.text.split('id="voorstel-fout" role="alert">')[1].split("</p>")[0]
    return str(text).split("<br>")


def new_helper(api: Any, name: str, **fields: Any) -> int:
    body = {"kind": "volunteer", "display_name": name, "reach_anywhere": True} | fields
    created = api.post("/api/helpers", json=body)
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def new_request(api: Any, *statuses: str) -> int:
    """A request of a resident with a postcode (the helpers' reach applies)."""
    person = api.post("/api/people", json={"given_name": "Ria", "postcode": "7941 AB"})
    assert person.status_code == 201, person.text
    return testing.new_request(
        api, *statuses, person_id=person.json()["id"], description="Boodschappen"
    )


def matches_of(api: Any, rid: int) -> list[dict[str, Any]]:
    found = api.get("/api/matches", params={"request_id": rid})
    assert found.status_code == 200, found.text
    return list(found.json()["items"])


@pytest.fixture
def api(client_for: Any) -> Any:
    return client_for("meppel")


@pytest.fixture
def coordinator(client_for: Any) -> Any:
    return client_for("meppel", role="coordinator")


def test_a_helper_excluded_by_filters_is_refused_in_dutch_on_the_request_page(
    platform, api, coordinator, tmp_path
):
    folder = write_po(tmp_path, {SHORT_LIST: "Proef: de helper staat op de korte lijst."})
    platform.tenants["meppel"].plugins.register(ShortList(folder))
    rid = new_request(api, "intake", "zoeken")
    helper = new_helper(api, "Henk de Boer", status="paused")

    page = coordinator.post(f"/aanvragen/{rid}/koppelingen", data={"helper_id": str(helper)})
    assert page.status_code == 409
    assert f"Hulpvraag {rid}" in page.text  # still the request page, not an error page
    assert alert(page) == [
        "Henk de Boer kan niet worden voorgesteld voor deze hulpvraag:",
        "De helper staat op pauze of is niet meer actief.",  # core's filter
        # the plugin's filter, told by its description in the plugin's catalogue
        "Niet voldaan aan de voorwaarde: Proef: de helper staat op de korte lijst.",
    ]
    assert "excluded by" not in page.text
    assert matches_of(api, rid) == []

    # The API's 409 is what it was: English detail and fields, no user messages.
    refused = api.post("/api/matches", json={"request_id": rid, "helper_id": helper})
    assert refused.status_code == 409
    body = refused.json()
    assert body["detail"] == f"helper {helper} is excluded by the 'active' filter"
    assert body["excluded_by"] == "active"
    assert body["failed_filters"] == ["active", "sample_short_list"]
    assert not {"user_message", "user_messages"} & set(body)
    assert matches_of(api, rid) == []


def test_proposing_on_a_request_not_open_or_twice_says_why(api, coordinator):
    rid = new_request(api, "intake")
    helper = new_helper(api, "Henk de Boer")
    closed = coordinator.post(f"/aanvragen/{rid}/koppelingen", data={"helper_id": str(helper)})
    assert closed.status_code == 409
    assert alert(closed) == [
        "Deze hulpvraag staat op \u2018intake\u2019; een helper voorstellen kan alleen bij "
        "de status wachtlijst, zoeken. Laad de pagina opnieuw."
    ]
    assert matches_of(api, rid) == []

    moved = api.post(f"/api/requests/{rid}/transitions", json={"to": "zoeken"})
    assert moved.status_code == 201, moved.text
    first = coordinator.post(
        f"/aanvragen/{rid}/koppelingen",
        data={"helper_id": str(helper)},
        follow_redirects=False,
    )
    assert first.status_code == 303, first.text
    again = coordinator.post(f"/aanvragen/{rid}/koppelingen", data={"helper_id": str(helper)})
    assert again.status_code == 409
    assert alert(again) == ["Henk de Boer is al voorgesteld voor of gekoppeld aan deze hulpvraag."]
    assert len(matches_of(api, rid)) == 1
    # The API's 409 for the same is unchanged.
    body = api.post("/api/matches", json={"request_id": rid, "helper_id": helper}).json()
    assert body["detail"] == f"helper {helper} is already matched to request {rid}"
    assert body["match_id"] == matches_of(api, rid)[0]["id"]
    assert not {"user_message", "user_messages"} & set(body)


def test_a_proposal_without_a_helper_is_a_form_message(api, coordinator):
    rid = new_request(api, "intake", "zoeken")
    page = coordinator.post(f"/aanvragen/{rid}/koppelingen", data={"helper_id": ""})
    assert page.status_code == 422
    assert f"Hulpvraag {rid}" in page.text
    assert alert(page) == ["Kies de helper die u wilt voorstellen."]
    assert matches_of(api, rid) == []
    # The API's 422 for a missing helper is unchanged: problem details naming the field.
    invalid = api.post("/api/matches", json={"request_id": rid})
    assert invalid.status_code == 422
    assert invalid.headers["content-type"].startswith("application/problem+json")
    assert "helper_id" in invalid.text


def test_a_note_that_is_too_long_says_so(api, coordinator):
    rid = new_request(api)
    page = coordinator.post(f"/aanvragen/{rid}/notities", data={"kind": "note", "text": "x" * 5001})
    assert page.status_code == 422
    assert 'id="text-fout" role="alert">Deze tekst is te lang.</p>' in page.text
    empty = coordinator.post(f"/aanvragen/{rid}/notities", data={"kind": "note", "text": " "})
    assert empty.status_code == 422
    assert 'id="text-fout" role="alert">Schrijf een notitie.</p>' in empty.text


def test_a_refused_note_sent_by_htmx_replaces_its_form_keeping_what_was_typed(api, coordinator):
    rid = new_request(api)
    typed = "Gebeld met mevrouw " + "x" * 5000
    hx = {"HX-Request": "true"}
    answer = coordinator.post(
        f"/aanvragen/{rid}/notities", data={"kind": "contact", "text": typed}, headers=hx
    )
    assert answer.status_code == 422
    assert answer.headers["hx-retarget"] == "#notitie-formulier"
    assert answer.headers["hx-reswap"] == "outerHTML"
    assert answer.text.lstrip().startswith('<form id="notitie-formulier"')  # the form only
    assert 'id="text-fout" role="alert">Deze tekst is te lang.</p>' in answer.text
    assert f">{typed}</textarea>" in answer.text
    assert '<option value="contact" selected>' in answer.text
    page = coordinator.get(f"/aanvragen/{rid}")
    assert '{"code": "422", "swap": true, "error": true}' in page.text  # htmx swaps it
    assert "Gebeld met mevrouw" not in page.text  # nothing stored
    added = coordinator.post(
        f"/aanvragen/{rid}/notities", data={"kind": "note", "text": "Gebeld"}, headers=hx
    )
    assert added.status_code == 200
    assert 'id="tijdlijn-lijst"' in added.text
    assert "Gebeld" in added.text
    assert '<form id="notitie-formulier" hx-swap-oob="true"' in added.text  # emptied
    assert "text-fout" not in added.text


HTML = {"accept": "text/html"}


def test_the_generic_error_page_shows_an_error_s_user_messages_in_dutch(
    platform, api, coordinator, tmp_path, monkeypatch
):
    """A refusal no form catches (here: a note service that refuses) reaches the generic
    409 page, which says the error's messages in the tenant's catalogues and never the
    API's English detail."""
    folder = write_po(tmp_path, {"The sample budget is spent.": "Het budget van de proef is op."})
    platform.tenants["meppel"].plugins.register(ShortList(folder))
    rid = new_request(api)

    raised = Conflict(
        "sample: budget 12 spent (POST /api/sample/budget)",
        user_message=[UserMessage("The sample budget is spent."), UserMessage("Reason")],
    )

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise raised

    monkeypatch.setattr(coordinator_pages, "add_request_entry", refuse)
    page = coordinator.post(
        f"/aanvragen/{rid}/notities", data={"kind": "note", "text": "Gebeld"}, headers=HTML
    )
    assert page.status_code == 409
    assert "Het budget van de proef is op." in page.text  # the plugin's catalogue
    assert '<p class="utrecht-paragraph">Reden</p>' in page.text  # core's
    assert (
        "Deze actie past niet bij de huidige stand van zaken." not in page.text
    )  # not the generic text
    assert "budget 12 spent" not in page.text

    # Without user messages the page keeps its generic text.
    raised = Conflict("sample: budget 12 spent")
    plain = coordinator.post(
        f"/aanvragen/{rid}/notities", data={"kind": "note", "text": "Gebeld"}, headers=HTML
    )
    assert plain.status_code == 409
    assert "Deze actie past niet bij de huidige stand van zaken." in plain.text
