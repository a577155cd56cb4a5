"""A request's suggested helpers: htmx loads them into the request page; the request
page's link to them (for a browser without JavaScript) opens a page of its own, in the
layout with its language, navigation and a way back, instead of the bare fragment."""

from __future__ import annotations

from noaber.testing import new_request


def test_the_suggestions_link_opens_a_whole_page(client_for):
    coordinator = client_for("meppel")
    person = coordinator.post("/api/people", json={"given_name": "Jantje", "family_name": "Test"})
    assert person.status_code == 201, person.text
    request_id = new_request(coordinator, "intake", "zoeken", person_id=person.json()["id"])
    url = f"/aanvragen/{request_id}/suggesties"
    assert f'href="{url}"' in coordinator.get(f"/aanvragen/{request_id}").text

    page = coordinator.get(url)
    assert page.status_code == 200
    assert '<html lang="nl"' in page.text
    assert "<h1" in page.text
    assert "Voorgestelde helpers" in page.text
    assert (
        f'<a class="utrecht-link" href="/aanvragen/{request_id}">Terug naar hulpvraag' in page.text
    )
    assert 'href="/werk"' in page.text  # the navigation
    assert 'id="suggesties-inhoud"' in page.text
    assert "HX-Request" in page.headers["vary"]

    part = coordinator.get(url, headers={"HX-Request": "true"})
    assert part.status_code == 200
    assert part.text.lstrip().startswith('<div id="suggesties-inhoud">')
    assert "<html" not in part.text


def test_helpers_left_out_are_explained_in_dutch_not_by_filter_name(client_for):
    """With no helper registered, every requirement leaves none out; with one paused
    helper, 'active' leaves one out and the page says so in words."""
    coordinator = client_for("meppel")
    person = coordinator.post("/api/people", json={"given_name": "Fenna", "family_name": "Test"})
    request_id = new_request(coordinator, "intake", "zoeken", person_id=person.json()["id"])
    helper = coordinator.post(
        "/api/helpers",
        json={"kind": "volunteer", "display_name": "Hidde", "status": "paused"},
    )
    assert helper.status_code == 201, helper.text

    page = coordinator.get(f"/aanvragen/{request_id}/suggesties").text
    assert "1 helper voldoet niet aan: De helper is actief, niet gepauzeerd." in page
    assert "active:" not in page  # the filter's name is code, not for coordinators
    assert "capacity" not in page
