"""The main flows in a real browser, by keyboard where a person would type, with axe-core
on every page: a resident asks for help, a coordinator does the intake, picks a suggested
helper and starts the coupling, the volunteer enters hours, the admin exports a report."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from noaber.people.models import Person
from noaber.tenancy.context import tenant_scope
from noaber.ui.accounts import available as accounts_available

from .helpers import SLUG, count_requests, press_enter_on, seed_helpers, tab_to, type_into

pytestmark = pytest.mark.slow  # tens of seconds: runs first (see conftest.py)

ACCOUNTS = accounts_available()


def account(platform, role, **links):
    if not ACCOUNTS:
        return None
    from noaber.testing import create_test_account

    return create_test_account(platform, SLUG, role=role, **links)


def login(page, url, identity, axe=None):
    """Log in through the Dutch login page, by keyboard (staff type their TOTP code).
    Without the accounts layer every page is open and this does nothing."""
    if identity is None:
        return
    page.goto(url("/inloggen"))
    if axe is not None:
        axe.check(page, "00-inloggen")
    type_into(page, "#email", identity.email)
    type_into(page, "#password", identity.password)
    if identity.totp_secret:
        import pyotp

        type_into(page, "#code", pyotp.TOTP(identity.totp_secret).now())
    press_enter_on(page, "form[action='/inloggen'] button[type=submit]")


def logout(page):
    if not ACCOUNTS:
        return
    press_enter_on(page, "form[action='/uitloggen'] button[type=submit]")


def person_id_of(platform, given_name):
    with platform.sessions() as session, tenant_scope(SLUG):
        return session.exec(select(Person.id).where(Person.given_name == given_name)).one()


def enrol_staff_account(page, url, platform, axe):
    import pyotp

    from noaber.accounts.models import Account
    from noaber.accounts.services import create_account

    email, password = "nieuw@meppel.test", "een lange zin als wachtwoord"
    with tenant_scope(SLUG), platform.sessions.begin() as session:
        create_account(
            session, email=email, display_name="Nieuw", role="coordinator", password=password
        )
    logout(page)
    page.goto(url("/inloggen"))
    type_into(page, "#email", email)
    type_into(page, "#password", password)
    press_enter_on(page, "form[action='/inloggen'] button[type=submit]")
    page.wait_for_url("**/tweestapsverificatie")
    assert page.locator("svg.noaber-qr").count() == 1
    axe.check(page, "34-tweestapsverificatie-instellen")
    with tenant_scope(SLUG), platform.sessions() as session:
        secret = session.exec(select(Account.totp_secret).where(Account.email == email)).one()
    type_into(page, "#code", pyotp.TOTP(secret).now())
    press_enter_on(page, "form[action='/tweestapsverificatie'] button[type=submit]")
    page.wait_for_url("**/werk")


def test_main_flows(live_server, browser_page, axe, capsys):
    page = browser_page
    helper_ids = seed_helpers(live_server.platform)
    url = lambda path: live_server.url(SLUG, path)  # noqa: E731
    postcode = live_server.platform.tenants[SLUG].municipality.config.neighbourhoods[0].postcodes[0]

    # --- a resident asks for help -------------------------------------------------------
    page.goto(url("/"))
    assert "Gemeente Meppel" in page.title()
    axe.check(page, "01-start")
    press_enter_on(page, "a[href='/hulp-vragen']")
    page.wait_for_url("**/hulp-vragen")
    axe.check(page, "02-hulp-vragen")

    # Sent half-filled: Dutch errors next to the fields, what was typed is kept.
    type_into(page, "#description", "Mijn heg moet gesnoeid worden, ik kan dat niet meer zelf.")
    type_into(page, "#postcode", "12")
    press_enter_on(page, "button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#given_name-fout").inner_text() == "Vul uw voornaam in."
    assert page.locator("#postcode-fout").inner_text() == "Vul een postcode in zoals 8921 AB."
    assert page.locator("#consent-fout").is_visible()
    assert page.locator("#description").input_value().startswith("Mijn heg moet gesnoeid")
    assert page.locator("#postcode").get_attribute("aria-invalid") == "true"
    axe.check(page, "03-hulp-vragen-fouten")
    assert count_requests(live_server.platform) == 0

    type_into(page, "#given_name", "Annie")
    type_into(page, "#family_name", "Hoekstra")
    page.locator("#postcode").fill("")
    type_into(page, "#postcode", postcode + " AB")
    tab_to(page, "input[name=availability][value=mon_morning]")
    page.keyboard.press("Space")
    tab_to(page, "#consent")
    page.keyboard.press("Space")
    press_enter_on(page, "button[type=submit]")
    page.wait_for_url("**/hulp-vragen/ontvangen")
    assert "Wij hebben uw hulpvraag ontvangen" in page.content()
    axe.check(page, "04-ontvangen")
    assert count_requests(live_server.platform) == 1
    # Back and send again: the one-time token sends the resident to the same result.
    page.go_back()
    page.wait_for_load_state()
    if page.locator("button[type=submit]").count():
        page.locator("button[type=submit]").click()
        page.wait_for_load_state()
    assert count_requests(live_server.platform) == 1

    # --- the coordinator: work list, intake, suggestion, coupling -------------------------
    platform = live_server.platform
    coordinator = account(platform, "coordinator")
    page.goto(url("/werk"))
    if ACCOUNTS:
        assert "/inloggen" in page.url  # not logged in: the login page, not the work list
        login(page, url, coordinator, axe)
        page.wait_for_url("**/werk")
    axe.check(page, "05-werklijst")
    item = page.get_by_role("link", name="Annie Hoekstra")
    assert item.count() == 1
    item.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    request_path = page.url.split(f":{live_server.port}")[1]
    axe.check(page, "06-hulpvraag-nieuw")

    def move_request(to: str, reason: str = "") -> None:
        tab_to(page, "#to")
        page.select_option("#to", to)
        if reason:
            type_into(page, "#reason", reason)
        press_enter_on(page, "form[action$='/status'] button[type=submit]")
        page.wait_for_load_state()

    move_request("intake")
    assert "intake" in page.locator(".noaber-status").first.inner_text()
    # An intake note, added through htmx without leaving the page. Sent empty first: the
    # Dutch message appears in the form (htmx swaps the 422), and goes once a note is added.
    tab_to(page, "form[action$='/notities'] button[type=submit]")
    page.keyboard.press("Enter")
    page.locator("#text-fout", has_text="Schrijf een notitie.").wait_for()
    assert page.url.endswith(request_path)
    assert page.locator("#text").get_attribute("aria-invalid") == "true"
    type_into(page, "#text", "Huisbezoek gedaan; mevrouw wil graag op maandagochtend hulp.")
    tab_to(page, "form[action$='/notities'] button[type=submit]")
    page.keyboard.press("Enter")
    page.locator("#tijdlijn-lijst", has_text="Huisbezoek gedaan").wait_for()
    page.locator("#text-fout").wait_for(state="detached")
    assert page.locator("#text").input_value() == ""
    move_request("zoeken")
    axe.check(page, "07-hulpvraag-zoeken")

    # Suggestions arrive by htmx, each with its explanation.
    page.locator("#suggesties-inhoud").wait_for()
    first = page.locator("#suggesties-inhoud li").first
    first.locator("summary").focus()
    page.keyboard.press("Enter")
    assert first.locator("table").is_visible()
    axe.check(page, "08-suggesties")
    helper_name = first.locator("h3").inner_text().split(" \u2013 ")[0]
    button = first.locator("button[type=submit]")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    coupling_path = page.url.split(f":{live_server.port}")[1]
    assert helper_name in page.content()
    axe.check(page, "09-koppeling-voorgesteld")

    # A decline needs a reason: the error is shown in Dutch, nothing changes.
    tab_to(page, "#to")
    page.select_option("#to", "afgewezen")
    press_enter_on(page, "form[action$='/status'] button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#to-fout").inner_text() == "Voor deze status is een reden verplicht."
    assert "voorgesteld" in page.locator(".noaber-status").first.inner_text()
    for status in ("geaccepteerd", "actief"):
        tab_to(page, "#to")
        page.select_option("#to", status)
        press_enter_on(page, "form[action$='/status'] button[type=submit]")
        page.wait_for_load_state()
        assert status in page.locator(".noaber-status").first.inner_text()
    axe.check(page, "10-koppeling-actief")
    page.goto(url(request_path))
    move_request("gekoppeld")
    assert "gekoppeld" in page.locator(".noaber-status").first.inner_text()

    # --- the volunteer enters hours ------------------------------------------------------
    logout(page)
    helper_id = helper_ids[helper_name]
    volunteer = account(platform, "volunteer", helper_id=helper_id)
    if ACCOUNTS:
        login(page, url, volunteer)
        page.wait_for_url("**/mijn/klussen")
        assert page.locator("nav a[href='/werk']").count() == 0  # no coordinator pages
        assert page.goto(url("/werk")).status == 403
        page.goto(url("/mijn/klussen"))
    else:
        page.goto(url(f"/mijn/klussen?helper={helper_id}"))
    axe.check(page, "12-mijn-klussen")
    page.locator("#hours").fill("")
    type_into(page, "#hours", "abc")
    press_enter_on(page, "form[action^='/mijn/uren'] button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#hours-fout").inner_text().startswith("Vul het aantal uren in")
    assert page.locator("#hours").input_value() == "abc"
    page.locator("#hours").fill("")
    type_into(page, "#hours", "2,5")
    type_into(page, "#note", "Heg gesnoeid")
    press_enter_on(page, "form[action^='/mijn/uren'] button[type=submit]")
    page.wait_for_url("**opgeslagen=1")
    assert "Uw uren zijn opgeslagen." in page.content()
    assert "2,5 uur" in page.content()
    axe.check(page, "13-uren-opgeslagen")

    # --- the resident sees her request and who looked at her data -----------------------
    if ACCOUNTS:
        logout(page)
        resident = account(platform, "resident", person_id=person_id_of(platform, "Annie"))
        login(page, url, resident)
        page.wait_for_url("**/mijn/aanvragen")
        assert "Mijn heg moet gesnoeid" in page.content()
        axe.check(page, "22-mijn-hulpvragen")
        page.goto(url("/mijn/inzage"))
        assert "Test coordinator" in page.content()  # the coordinator who opened her request
        axe.check(page, "23-inzage")

    # --- the admin exports a report ----------------------------------------------------
    logout(page)
    login(page, url, account(platform, "municipality_admin"))
    page.goto(url(coupling_path))
    assert "2,5 uur" in page.content()
    page.goto(url("/beheer/rapportages"))
    axe.check(page, "14-rapportages")
    assert page.locator("svg.noaber-chart").count() >= 3
    with page.expect_download() as download:
        page.get_by_role("link", name="Uren hulp per maand downloaden als CSV", exact=True).click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Maand", "Uren"]
    assert rows[1][1] == "2.5"
    with page.expect_download() as download:
        page.get_by_role(
            "link", name="Koppelingen per jaar downloaden als Excel", exact=True
        ).click()
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    assert sheet["A1"].value == "Jaar"
    assert sheet["C2"].value == 1

    # --- every other page, for axe ------------------------------------------------------
    for name, path in [
        ("15-hulpvragen", "/aanvragen"),
        ("16-nieuwe-hulpvraag", "/aanvragen/nieuw"),
        ("17-koppelingen", "/koppelingen"),
        ("18-huishoudens", "/huishoudens"),
        ("19-beschikbaarheid", f"/mijn/beschikbaarheid?helper={helper_id}"),
        ("20-gezin-aanmelden", "/verwijzen"),
        ("21-gedeelde-dossiers", "/mijn/dossiers"),
        ("11-helper-kiezen", "/mijn/klussen"),
        ("24-programmas", "/beheer/programmas"),
        ("25-gebruikers", "/beheer/gebruikers"),
        ("26-vrijwilliger-worden", "/vrijwilliger-worden"),
        ("27-niet-gevonden", "/aanvragen/999999"),
        ("29-tweestapsverificatie", "/instellingen/tweestapsverificatie"),
        ("30-toegangslogboek", "/privacy/logboek"),
        ("31-betrokkenen", f"/privacy/betrokkenen?persoon={person_id_of(platform, 'Annie')}"),
        ("32-bewaarregister", "/privacy/bewaarregister"),
        ("33-onbekende-pagina", "/bestaat/niet"),
    ]:
        response = page.goto(url(path))
        assert response is not None
        missing = name in ("27-niet-gevonden", "33-onbekende-pagina")
        assert response.status == (404 if missing else 200), path
        axe.check(page, name)
    person_link = page.goto(url(request_path)) and page.locator("a[href^='/personen/']").first
    person_link.click()
    page.wait_for_url("**/personen/*")
    axe.check(page, "28-persoon")

    # --- a new staff account sets up two-step verification at its first login -----------
    if ACCOUNTS:
        enrol_staff_account(page, url, platform, axe)

    with capsys.disabled():
        print("\n" + axe.summary())
    assert axe.violations == 0, axe.summary()
