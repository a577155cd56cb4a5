"""The interface speaks Dutch unless its reader chooses another language in the footer;
the choice is kept in a cookie and covers core's and the plugins' pages and the
messages built in Python."""

from __future__ import annotations

import re

from noaber.ui.i18n import LOCALE_COOKIE


def html_lang(page) -> str:
    found = re.search(r'<html lang="([a-z]+)"', page.text)
    assert found, page.text[:200]
    return found.group(1)


def test_dutch_whatever_the_browser_asks(client_for):
    resident = client_for("meppel", anonymous=True)
    page = resident.get("/hulp-vragen", headers={"accept-language": "en-GB,en;q=0.9"})
    assert page.status_code == 200
    assert html_lang(page) == "nl"
    assert "Hulp vragen" in page.text
    switch = re.search(
        r'<a class="utrecht-link" href="(/taal/en\?terug=[^"]+)"[^>]*>English</a>', page.text
    )
    assert switch, "the footer offers English"
    assert switch.group(1) == "/taal/en?terug=%2Fhulp-vragen"


def test_choosing_english_keeps_it_until_dutch_is_chosen(client_for):
    resident = client_for("meppel", anonymous=True)
    chosen = resident.get("/taal/en?terug=%2Fhulp-vragen%3Fx%3D1", follow_redirects=False)
    assert chosen.status_code == 303
    assert chosen.headers["location"] == "/hulp-vragen?x=1"
    cookie = chosen.headers["set-cookie"]
    assert cookie.startswith(f"{LOCALE_COOKIE}=en;")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie.replace("Lax", "lax")
    page = resident.get("/hulp-vragen")
    assert html_lang(page) == "en"
    assert "Ask for help" in page.text
    assert "Hulp vragen" not in page.text
    assert re.search(r'hreflang="nl">Nederlands</a>', page.text)
    # A message built in Python (a form error) is English too.
    refused = resident.post("/hulp-vragen", data={"form_token": "", "given_name": ""})
    assert refused.status_code == 400
    assert "The form had expired. Please send it again." in refused.text
    resident.get("/taal/nl", follow_redirects=False)
    assert html_lang(resident.get("/hulp-vragen")) == "nl"


def test_plugin_pages_and_navigation_follow_the_choice(client_for):
    coordinator = client_for("leeuwarden")
    assert coordinator.get("/taal/en", follow_redirects=False).status_code == 303
    page = coordinator.get("/aanvragen")
    assert html_lang(page) == "en"
    assert ">Work list</a>" in page.text
    assert ">Werklijst</a>" not in page.text
    assert "Requests" in page.text
    count = re.search(r">(\d+) requests?</p>", page.text)
    assert count, "the number of requests, in English"
    assert count.group(0).endswith("request</p>" if count.group(1) == "1" else "requests</p>")


def test_an_unknown_language_or_a_foreign_return_address_is_refused(client_for):
    resident = client_for("meppel", anonymous=True)
    assert resident.get("/taal/xx", follow_redirects=False).status_code == 404
    assert LOCALE_COOKIE not in resident.cookies
    away = resident.get("/taal/en?terug=//elders.example/pad", follow_redirects=False)
    assert away.headers["location"] == "/"
