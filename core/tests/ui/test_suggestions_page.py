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
