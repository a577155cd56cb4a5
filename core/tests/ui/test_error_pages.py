"""Error pages: a browser asking for a page outside /api/ gets a Dutch page in the site
layout with a way back; the API (and clients that want JSON) keep problem+json. No
detail of an exception leaks into either."""

from __future__ import annotations

import pytest

from noaber.ui.accounts import available as accounts_available

HTML = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
SECRET = "geheim-detail-8472"


def is_html_page(response):
    return response.headers["content-type"].startswith("text/html")


def test_an_unknown_url_is_a_dutch_page_for_a_browser_and_json_for_the_rest(client_for):
    client = client_for("meppel")
    page = client.get("/bestaat/niet", headers=HTML)
    assert page.status_code == 404
    assert is_html_page(page)
    assert '<h1 class="utrecht-heading-1">Pagina niet gevonden</h1>' in page.text
    assert 'href="/"' in page.text  # a way back
    assert "Naar de startpagina" in page.text
    assert "Meppel" in page.text  # the municipality's layout
    assert '<html lang="nl">' in page.text
    # Without text/html in Accept (curl, scripts): the problem body as before.
    plain = client.get("/bestaat/niet")
    assert plain.status_code == 404
    assert plain.headers["content-type"].startswith("application/problem+json")
    assert plain.json()["status"] == 404


def test_an_unknown_url_shows_the_signed_in_visitor_and_is_a_404_for_every_method(client_for):
    coordinator = client_for("meppel", role="coordinator")
    page = coordinator.get("/bestaat/niet", headers=HTML)
    assert page.status_code == 404
    assert "Pagina niet gevonden" in page.text
    assert "Ingelogd als" in page.text  # not shown as logged out
    assert 'href="/werk"' in page.text  # the coordinator's navigation
    anonymous = client_for("meppel", anonymous=True).get("/bestaat/niet", headers=HTML)
    assert anonymous.status_code == 404
    assert "Ingelogd als" not in anonymous.text
    for method in ("HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
        response = coordinator.request(method, "/bestaat/niet")
        assert response.status_code == 404, method


def test_the_api_keeps_problem_json_even_for_a_browser(client_for):
    client = client_for("meppel")
    response = client.get("/api/bestaat-niet", headers=HTML)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    refused = client_for("meppel", role="volunteer").get("/api/people", headers=HTML)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")


def test_a_wrong_method_on_a_page_is_a_dutch_page(client_for):
    response = client_for("meppel").request("DELETE", "/hulp-vragen", headers=HTML)
    assert response.status_code == 405
    assert is_html_page(response)
    assert "Niet mogelijk" in response.text
    assert "allow" in {k.lower() for k in response.headers}


def test_an_unknown_host_gets_a_minimal_page_without_a_tenant(client_for):
    response = client_for("bestaat-niet.localhost").get("/", headers=HTML)
    assert response.status_code == 404
    assert is_html_page(response)
    assert "Traceback" not in response.text
    assert "bestaat-niet" not in response.text


@pytest.mark.skipif(not accounts_available(), reason="the accounts layer is not installed")
def test_a_page_outside_the_role_is_a_403_page_and_a_staff_page_sends_to_login(client_for):
    volunteer = client_for("meppel", role="volunteer")
    forbidden = volunteer.get("/beheer/gebruikers", headers=HTML)
    assert forbidden.status_code == 403
    assert is_html_page(forbidden)
    assert "Geen toegang" in forbidden.text
    assert "refused_by" not in forbidden.text
    anonymous = client_for("meppel", anonymous=True)
    login = anonymous.get("/beheer/gebruikers", headers=HTML, follow_redirects=False)
    assert login.status_code == 303
    assert login.headers["location"] == "/inloggen?next=/beheer/gebruikers"


def test_an_unexpected_error_shows_no_detail_on_the_page_or_in_the_api(
    client_for, monkeypatch, caplog
):
    from noaber.people import services as people_services
    from noaber.ui.pages import admin

    def broken(*_args, **_kwargs):
        raise RuntimeError(SECRET)

    monkeypatch.setattr(admin, "all_reports", broken)
    monkeypatch.setattr(people_services, "list_people", broken)
    client = client_for("meppel")
    page = client.get("/beheer/rapportages", headers=HTML)
    assert page.status_code == 500
    assert is_html_page(page)
    assert "Er ging iets mis" in page.text
    assert SECRET not in page.text
    assert "Traceback" not in page.text
    assert "RuntimeError" not in page.text
    api = client.get("/api/people", headers=HTML)
    assert api.status_code == 500
    assert api.headers["content-type"].startswith("application/problem+json")
    assert SECRET not in api.text
    assert SECRET in caplog.text  # the server log has it
