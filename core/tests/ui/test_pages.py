"""The web interface over HTTP: forms, one-time tokens, tenant isolation, error pages,
hooks for plugins, exports and the catalogue."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlmodel import func, select

from noaber.people.models import HelperProfile
from noaber.people.schemas import PersonIn
from noaber.people.services import create_person
from noaber.privacy.models import AccessLogEntry
from noaber.requests.models import HelpRequest
from noaber.requests.schemas import RequestIn
from noaber.requests.services import create_request
from noaber.tenancy.context import tenant_scope
from noaber.testing import form_token
from noaber.ui import catalog
from noaber.ui.accounts import available as accounts_available
from noaber.ui.contrib import ReportTable
from noaber.ui.exports import to_csv, to_xlsx
from noaber.ui.identity import Viewer
from noaber.ui.templating import contrast, environment, text_on

from . import sample_ui_plugin


def count(platform, model, slug="meppel"):
    with platform.sessions() as session, tenant_scope(slug):
        return session.exec(select(func.count()).select_from(model)).one()


def postcode(platform, slug="meppel"):
    return platform.tenants[slug].municipality.config.neighbourhoods[0].postcodes[0] + " AB"


def ask_form(client):
    return form_token(client.get("/hulp-vragen"), "/hulp-vragen")


def test_ask_for_help_stores_once_per_token(platform, client_for):
    client = client_for("meppel")
    token = ask_form(client)
    form = {
        "form_token": token,
        "type": "hulpvraag",
        "description": "Hulp bij boodschappen",
        "given_name": "Annie",
        "postcode": postcode(platform),
        "consent": "ja",
    }
    first = client.post("/hulp-vragen", data=form, follow_redirects=False)
    second = client.post("/hulp-vragen", data=form, follow_redirects=False)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"] == "/hulp-vragen/ontvangen"
    assert count(platform, HelpRequest) == 1
    # Both submits name the new resident in the access log; the second stored nothing
    # but was sent where the first went.
    with tenant_scope("meppel"), platform.sessions() as session:
        person_id = session.exec(select(HelpRequest.person_id)).one()
        for response in (first, second):
            trace = response.headers["x-trace-id"]
            named = session.exec(
                select(AccessLogEntry.subject_person_id).where(AccessLogEntry.trace_id == trace)
            ).all()
            assert {p for p in named if p is not None} == {person_id}
    # A new form (new token) is a new request.
    form["form_token"] = ask_form(client)
    assert client.post("/hulp-vragen", data=form, follow_redirects=False).status_code == 303
    assert count(platform, HelpRequest) == 2


def test_form_errors_are_dutch_next_to_the_field_and_keep_the_input(platform, client_for):
    client = client_for("meppel")
    token = ask_form(client)
    response = client.post(
        "/hulp-vragen",
        data={
            "form_token": token,
            "type": "hulpvraag",
            "description": "Tuin <b>",
            "postcode": "abc",
        },
    )
    assert response.status_code == 422
    html = response.text
    assert (
        '<p class="noaber-error utrecht-form-field-error-message" id="given_name-fout">Vul uw voornaam in.</p>'
        in html
    )
    assert 'id="postcode-fout">Vul een postcode in zoals 8921 AB.</p>' in html
    assert 'value="abc"' in html
    assert "Tuin &lt;b&gt;</textarea>" in html  # kept, and escaped
    assert count(platform, HelpRequest) == 0


def test_a_postcode_outside_the_municipality_is_refused_and_nothing_is_stored(platform, client_for):
    client = client_for("meppel")
    form = {
        "form_token": ask_form(client),
        "type": "hulpvraag",
        "description": "Hulp",
        "given_name": "Piet",
        "postcode": "1011 AB",
        "consent": "ja",
    }
    response = client.post("/hulp-vragen", data=form)
    assert response.status_code == 422
    assert "Deze postcode ligt niet in onze gemeente." in response.text
    assert count(platform, HelpRequest) == 0
    # The same token works once the postcode is right: the failed submit released it.
    form["postcode"] = postcode(platform)
    assert client.post("/hulp-vragen", data=form, follow_redirects=False).status_code == 303
    assert count(platform, HelpRequest) == 1


def test_volunteer_sign_up_creates_a_paused_helper(platform, client_for):
    client = client_for("meppel")
    token = form_token(client.get("/vrijwilliger-worden?soort=support_family"))
    form = {
        "form_token": token,
        "kind": "support_family",
        "given_name": "Gerda",
        "email": "gerda@example.nl",
        "postcode": postcode(platform),
        "skills": "koken, huiswerk",
        "availability": ["mon_morning", "sat_morning"],
        "consent": "ja",
    }
    assert client.post("/vrijwilliger-worden", data=form, follow_redirects=False).status_code == 303
    assert client.post("/vrijwilliger-worden", data=form, follow_redirects=False).status_code == 303
    with platform.sessions() as session, tenant_scope("meppel"):
        helpers = session.exec(select(HelperProfile)).all()
    assert len(helpers) == 1
    assert helpers[0].status == "paused"
    assert helpers[0].skills == ["koken", "huiswerk"]
    assert helpers[0].availability == ["mon_morning", "sat_morning"]


def test_another_tenants_request_is_a_dutch_404_page(platform, client_for):
    with platform.sessions.begin() as session, tenant_scope("leeuwarden"):
        tenant = platform.tenants["leeuwarden"]
        person = create_person(session, tenant.plugins, PersonIn(given_name="Sietske"))
        request = create_request(
            session,
            tenant.plugins,
            RequestIn(type="hulpvraag", asked_by="self", person_id=person.id, description="x"),
        )
        request_id = request.id
    assert client_for("leeuwarden").get(f"/aanvragen/{request_id}").status_code == 200
    response = client_for("meppel").get(f"/aanvragen/{request_id}")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Pagina niet gevonden" in response.text
    assert "Sietske" not in response.text
    assert "Traceback" not in response.text
    export = client_for("meppel").get("/beheer/rapportages/bestaat-niet.csv")
    assert export.status_code == 404
    assert "Pagina niet gevonden" in export.text


def test_the_requests_list_says_whom_each_is_for_and_logs_them(platform, client_for):
    from noaber.privacy.models import AccessLogEntry

    with platform.sessions.begin() as session, tenant_scope("meppel"):
        tenant = platform.tenants["meppel"]
        person = create_person(
            session, tenant.plugins, PersonIn(given_name="Sietske", family_name="Hoekstra")
        )
        create_request(
            session,
            tenant.plugins,
            RequestIn(type="hulpvraag", asked_by="self", person_id=person.id, description="x"),
        )
        person_id = person.id
    listed = client_for("meppel").get("/aanvragen")
    assert listed.status_code == 200
    assert '<th class="utrecht-table__header-cell" scope="col">Voor</th>' in listed.text
    assert re.search(r"<td[^>]*>Sietske Hoekstra</td>", listed.text)
    assert ">1 hulpvraag</p>" in listed.text  # the singular form (ngettext)
    with platform.sessions.begin() as session, tenant_scope("meppel"):
        trace = listed.headers["x-trace-id"]
        named = session.exec(
            select(AccessLogEntry.subject_person_id).where(AccessLogEntry.trace_id == trace)
        ).all()
    assert person_id in named


def test_branding_comes_from_the_municipality(client_for):
    meppel = client_for("meppel").get("/").text
    leeuwarden = client_for("leeuwarden").get("/").text
    assert "Gemeente Meppel" in meppel
    assert "--noaber-primary: #00529b" in meppel
    assert "Gemeente Leeuwarden" in leeuwarden
    assert "--noaber-primary: #c8102e" in leeuwarden
    assert '<html lang="nl">' in meppel


def test_static_assets_are_served_without_node(client_for):
    client = client_for("meppel")
    for path in (
        "/static/ui/vendor/utrecht/component-library.css",
        "/static/ui/vendor/utrecht/design-tokens.css",
        "/static/ui/vendor/htmx/htmx.min.js",
        "/static/ui/noaber/app.css",
    ):
        assert client.get(path).status_code == 200, path


@pytest.fixture
def with_sample_plugin(platform):
    pm = platform.tenants["meppel"].plugins
    pm.register(sample_ui_plugin, name="sample_ui")
    yield pm
    pm.unregister(name="sample_ui")


def test_plugins_contribute_nav_work_items_and_intake_links(
    with_sample_plugin, client_for, platform
):
    meppel = client_for("meppel", role="coordinator")
    work = meppel.get("/werk").text
    assert '<a href="/sample">Sample programme</a>' in work
    assert "Blockage at meppel" in work
    assert "noaber-overdue" in work
    assert "Own section item" in work
    assert "/sample/intake" in meppel.get("/aanvragen/nieuw").text
    # Only the tenant whose manager holds the plugin sees it.
    assert "Sample programme" not in client_for("leeuwarden").get("/werk").text


def test_plugins_contribute_reports_exported_as_csv_and_excel(with_sample_plugin, client_for):
    meppel = client_for("meppel")
    page = meppel.get("/beheer/rapportages").text
    assert "Sample revenue" in page
    assert 'aria-label="Sample revenue"' in page
    exported = meppel.get("/beheer/rapportages/sample-revenue.csv")
    assert (
        exported.headers["content-disposition"]
        == 'attachment; filename="meppel-sample-revenue.csv"'
    )
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["Month", "Revenue", "Note"],
        ["2026-10", "18.00", "'=1+1"],
        ["2026-11", "9.50", "ok"],
    ]
    book = load_workbook(io.BytesIO(meppel.get("/beheer/rapportages/sample-revenue.xlsx").content))
    assert [c.value for c in book.active[3]] == ["2026-11", 9.5, "ok"]


def test_plugin_templates_extend_the_layout(with_sample_plugin, platform):
    env = environment(with_sample_plugin, "nl")
    html = env.get_template("sample_page.html").render(
        value=7,
        locale="nl",
        brand={"name": "Gemeente Meppel", "primary": "#00529b", "on_primary": "#ffffff"},
        nav=[],
        viewer=Viewer(name="Test", roles=frozenset({"coordinator"})),
        municipality=platform.tenants["meppel"].municipality.config,
        csrf_token="",
        current_path="/sample",
    )
    assert "Direct naar de inhoud" in html  # core's layout, translated
    assert "Werklijst sample 7" in html


def test_every_message_has_a_dutch_translation():
    assert catalog.missing("nl", matching=False) == []


def test_every_matching_rule_a_coordinator_reads_is_dutch_in_every_municipality(platform):
    """Filter and score descriptions (core's, the plugins', the municipality's own rules)
    appear in a suggestion's explanation and in a refused proposal: each municipality's
    merged catalogues translate every one of them."""
    from noaber.ui.i18n import translations_for

    untranslated: dict[str, list[str]] = {}
    for slug, tenant in sorted(platform.tenants.items()):
        rules: list = []
        tenant.plugins.hook.match_filters(register=rules.append)
        tenant.plugins.hook.match_score_components(register=rules.append)
        gettext = translations_for(tenant.plugins, "nl").gettext
        missing = [r.description for r in rules if gettext(r.description) == r.description]
        if missing:
            untranslated[slug] = missing
    assert untranslated == {}


def test_exports_neutralise_formulas():
    table = ReportTable("t", "T", ["a"], [['=HYPERLINK("x")'], ["+1"], ["ok"]])
    lines = to_csv(table).decode("utf-8-sig").splitlines()[1:]
    assert [next(csv.reader([line])) for line in lines] == [['\'=HYPERLINK("x")'], ["'+1"], ["ok"]]
    book = load_workbook(io.BytesIO(to_xlsx(table)))
    assert book.active["A2"].value == '\'=HYPERLINK("x")'


def test_text_colour_on_brand_colours_has_enough_contrast():
    for colour in ("#00529b", "#c8102e", "#e30613", "#f39200", "#ffffff", "#1d1d1b"):
        assert contrast(colour, text_on(colour)) >= 4.5, colour


def test_links_of_every_municipality_read_on_every_light_background(client_for, platform):
    from noaber.ui.templating import LIGHT_BACKGROUNDS

    links = {}
    for slug in platform.municipalities:
        page = client_for(slug, anonymous=True).get("/inloggen").text
        links[slug] = re.search(r"--utrecht-link-color: (#[0-9a-fA-F]{6})", page).group(1)
        for background in LIGHT_BACKGROUNDS:
            assert contrast(links[slug], background) >= 4.5, (slug, background)
    # Amersfoort's red reads on white but not in the footer or an error alert: its links
    # take the municipality's dark blue instead.
    assert links["amersfoort"].lower() == "#003c69"
    assert links["meppel"].lower() == "#00529b"


needs_accounts = pytest.mark.skipif(
    not accounts_available(), reason="the accounts layer (noaber.accounts) is not installed"
)


@needs_accounts
def test_pages_need_a_login_and_the_right_role(client_for):
    anonymous = client_for("meppel", anonymous=True)
    response = anonymous.get("/werk", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/inloggen?next=/werk"
    volunteer = client_for("meppel", role="volunteer")
    forbidden = volunteer.get("/werk")
    assert forbidden.status_code == 403
    assert "Geen toegang" in forbidden.text
    assert client_for("meppel", role="coordinator").get("/werk").status_code == 200
    assert volunteer.get("/beheer/rapportages").status_code == 403


@needs_accounts
def test_login_page_with_password_and_code(platform, client_for):
    import pyotp

    from noaber.testing import create_test_account

    identity = create_test_account(platform, "meppel", role="coordinator")
    client = client_for("meppel", anonymous=True)
    wrong = client.post("/inloggen", data={"email": identity.email, "password": "fout"})
    assert wrong.status_code == 401
    assert "E-mailadres of wachtwoord klopt niet." in wrong.text
    assert f'value="{identity.email}"' in wrong.text  # kept
    right = client.post(
        "/inloggen",
        data={
            "email": identity.email,
            "password": identity.password,
            "code": pyotp.TOTP(identity.totp_secret).now(),
            "next": "/aanvragen",
        },
        follow_redirects=False,
    )
    assert right.status_code == 303
    assert right.headers["location"] == "/aanvragen"
    assert client.get("/aanvragen").status_code == 200
    # Open redirects are not followed.
    from noaber.ui.pages.login import safe_next

    assert safe_next("//evil.example/") is None
    assert safe_next("https://evil.example/") is None


@needs_accounts
def test_forms_need_the_sessions_csrf_token(platform, client_for):
    with platform.sessions.begin() as session, tenant_scope("meppel"):
        tenant = platform.tenants["meppel"]
        person = create_person(session, tenant.plugins, PersonIn(given_name="Jet"))
        request = create_request(
            session,
            tenant.plugins,
            RequestIn(type="hulpvraag", asked_by="self", person_id=person.id, description="x"),
        )
        request_id = request.id
    client = client_for("meppel", role="coordinator")
    token = client.csrf_token
    client.auto_csrf = False
    refused = client.post(f"/aanvragen/{request_id}/notities", data={"kind": "note", "text": "a"})
    assert refused.status_code == 403
    accepted = client.post(
        f"/aanvragen/{request_id}/notities",
        data={"kind": "note", "text": "b", "_csrf_token": token},
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    page = client.get(f"/aanvragen/{request_id}").text
    assert "b</li>" in page or ">b<" in page or "<br>b" in page
    assert "<br>a" not in page


def test_every_page_links_an_icon_that_is_served(client_for):
    """Browsers ask for an icon on every page; without one each page view costs a 404."""
    client = client_for("meppel", anonymous=True)
    page = client.get("/")
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page.text)
    assert icon, "no icon link in the layout"
    served = client.get(icon.group(1))
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in served.content
