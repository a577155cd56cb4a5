"""The learning network's pages: the lessons and system blockages (list, filter, pages,
the form that shares one) and the overview for policy makers (the period, what practice
taught, the avoided-cost ledger per year and per family), over the plugin's services on
a real database, as coordinators, professionals and roles that may not see them."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from sqlmodel import col, func, select

from noaber.clock import dutch_today
from noaber.people.models import HouseholdMember
from noaber.privacy.models import AccessLogEntry
from noaber.tenancy.context import tenant_scope
from noaber.testing import form_token
from noaber.ui.i18n import translations_for
from noaber_gezinslab.models import Lesson
from noaber_gezinslab.pages import (
    FILTER_MESSAGE,
    KIND_HELP,
    LESSON_KINDS,
    LESSON_MESSAGES,
    LESSON_SERVICE_MESSAGES,
    LESSONS,
    LESSONS_NAV_LABEL,
    NEW_LESSON,
    OVERVIEW,
    OVERVIEW_NAV_LABEL,
    PAGE_SIZE,
    PERIOD_MESSAGES,
    REVERSED,
)

API = "/api/gezinslab"
SLUG = "leeuwarden"


@pytest.fixture
def coordinator(client_for: Any) -> Any:
    return client_for(SLUG, role="coordinator", programme="gezinslab")


@pytest.fixture
def professional(client_for: Any) -> Any:
    return client_for(SLUG, role="professional", programme="gezinslab")


@pytest.fixture
def visser(lw: Any, h: Any) -> dict[str, int]:
    """Gezin Visser's trajectory (started 3 February 2025), through the API."""
    hid = h.make_household(lw, "Gezin Visser", children=2)
    return {"id": h.start(lw, hid)["id"], "household_id": hid}


def share_api(lw: Any, kind: str, title: str, on: str, **extra: Any) -> dict[str, Any]:
    body = {"kind": kind, "title": title, "text": f"{title}.", "noticed_on": on, "author": "Team"}
    r = lw.post(f"{API}/lessons/", json=body | extra)
    assert r.status_code == 201, r.text
    result: dict[str, Any] = r.json()
    return result


def lessons_api(lw: Any) -> list[dict[str, Any]]:
    r = lw.get(f"{API}/lessons/")
    assert r.status_code == 200, r.text
    found: list[dict[str, Any]] = r.json()["items"]
    return found


def shown_ids(page: Any) -> list[int]:
    return [int(i) for i in re.findall(r'<li id="les-(\d+)">', page.text)]


def text_of(page: Any, element_id: str) -> str:
    """The text of the element with ``element_id`` (up to its first closing tag)."""
    found = re.search(rf'<(\w+)[^>]*\bid="{element_id}"[^>]*>([\s\S]*?)</\1>', page.text)
    assert found is not None, element_id
    text = re.sub(r"<[^>]+>", " ", found.group(2))
    return html.unescape(re.sub(r"\s+", " ", text)).strip()


def error_of(page: Any, field: str) -> str:
    """The Dutch message next to ``field`` (and the field points to it)."""
    message = page.text.split(f'id="{field}-fout">', 1)[1].split("</p>", 1)[0]
    tag = re.search(rf'<(input|select|textarea)[^>]*id="{field}"[^>]*>', page.text)
    assert tag is not None
    assert f"{field}-fout" in tag.group(0)
    assert 'aria-invalid="true"' in tag.group(0)
    return html.unescape(message)


def subjects(platform: Any, response: Any) -> set[int]:
    trace = response.headers["x-trace-id"]
    with tenant_scope(SLUG), platform.sessions() as session:
        return {
            p
            for p in session.exec(
                select(AccessLogEntry.subject_person_id).where(AccessLogEntry.trace_id == trace)
            )
            if p is not None
        }


def members_of(platform: Any, household_id: int) -> set[int]:
    with tenant_scope(SLUG), platform.sessions() as session:
        return set(
            session.exec(
                select(HouseholdMember.person_id).where(
                    col(HouseholdMember.household_id) == household_id
                )
            )
        )


def lesson_count(platform: Any) -> int:
    with tenant_scope(SLUG), platform.sessions() as session:
        return int(session.exec(select(func.count()).select_from(Lesson)).one())


def share(client: Any, **fields: Any) -> Any:
    """Open the form and send it with the page's one-time token."""
    token = form_token(client.get(NEW_LESSON), NEW_LESSON)
    return client.post(NEW_LESSON, data={"form_token": token, **fields}, follow_redirects=False)


# --- translations and navigation -------------------------------------------------------------


def test_the_messages_in_tables_have_dutch_translations(platform):
    gettext = translations_for(platform.tenants[SLUG].plugins, "nl").gettext
    ids = [
        *LESSON_KINDS.values(),
        *LESSON_MESSAGES.values(),
        *LESSON_SERVICE_MESSAGES.values(),
        *PERIOD_MESSAGES.values(),
        FILTER_MESSAGE,
        KIND_HELP,
        REVERSED,
        LESSONS_NAV_LABEL,
        OVERVIEW_NAV_LABEL,
    ]
    assert [i for i in ids if gettext(i) == i] == []


def test_the_main_navigation_links_the_pages_for_the_roles_that_may_open_them(
    client_for, coordinator, professional
):
    nav = (
        coordinator.get(LESSONS).text.split('aria-label="Hoofdnavigatie"', 1)[1].split("</nav>")[0]
    )
    for href, label in (
        ("/gezinslab/trajecten", "Gezinslab"),
        (LESSONS, "Gezinslab: lessen"),
        (OVERVIEW, "Gezinslab: overzicht"),
    ):
        assert f'href="{href}"' in nav, href
        assert label in nav
    assert f'href="{LESSONS}" aria-current="page"' in nav
    # A professional learns along but sees no trajectories.
    nav = professional.get(OVERVIEW).text.split('aria-label="Hoofdnavigatie"', 1)[1]
    nav = nav.split("</nav>")[0]
    assert f'href="{LESSONS}"' in nav
    assert f'href="{OVERVIEW}"' in nav
    assert 'href="/gezinslab/trajecten"' not in nav
    other = client_for(SLUG, role="coordinator", programme="wijkbedrijf")
    assert f'href="{LESSONS}"' not in other.get("/werk").text


@pytest.mark.parametrize("path", [LESSONS, NEW_LESSON, OVERVIEW])
def test_only_the_learning_roles_of_the_gezinslab_open_the_pages(client_for, path):
    assert client_for(SLUG, role="professional", programme="gezinslab").get(path).status_code == 200
    for client in (
        client_for(SLUG, role="coordinator", programme="wijkbedrijf"),
        client_for(SLUG, role="volunteer"),
        client_for(SLUG, role="resident"),
        client_for(SLUG, role="privacy_officer"),
    ):
        assert client.get(path).status_code == 403, path
    assert client_for("meppel").get(path).status_code == 404  # no Gezinslab there
    anonymous = client_for(SLUG, anonymous=True).get(path, follow_redirects=False)
    assert anonymous.status_code in (302, 303)
    assert anonymous.headers["location"].startswith("/inloggen")


# --- the lessons list ------------------------------------------------------------------------


def test_the_lessons_are_listed_the_latest_first_and_filtered_by_kind(lw, coordinator):
    old = share_api(lw, "les", "Ervaringsdeskundige bij het eerste gesprek", "2025-04-14")
    blockage = share_api(
        lw, "knelpunt", "Wachttijd schuldhulp", "2025-10-08", tags=["schulden", "wachttijd"]
    )
    same_day = share_api(lw, "les", "Buurtbedrijf als opstap", "2025-10-08")

    page = coordinator.get(LESSONS)
    assert page.status_code == 200
    assert shown_ids(page) == [same_day["id"], blockage["id"], old["id"]]
    assert text_of(page, "aantal") == "3 lessen en systeemknelpunten"
    item = text_of(page, f"les-{blockage['id']}-titel")
    assert item == "Wachttijd schuldhulp"
    body = html.unescape(page.text.split(f'<li id="les-{blockage["id"]}">', 1)[1])
    body = body.split("</li>", 1)[0]
    assert "Systeemknelpunt" in body
    assert "opgemerkt op 08-10-2025 door Team" in body
    assert "Trefwoorden: schulden, wachttijd" in body
    assert 'id="paginas"' not in page.text

    only = coordinator.get(LESSONS, params={"soort": "knelpunt"})
    assert shown_ids(only) == [blockage["id"]]
    assert text_of(only, "aantal") == "1 systeemknelpunt"
    assert '<option value="knelpunt" selected>' in only.text
    lessons = coordinator.get(LESSONS, params={"soort": "les"})
    assert shown_ids(lessons) == [same_day["id"], old["id"]]
    assert text_of(lessons, "aantal") == "2 lessen"


def test_a_kind_that_is_none_is_said_in_dutch_next_to_the_filter(lw, coordinator):
    share_api(lw, "les", "Een les", "2025-04-14")
    page = coordinator.get(LESSONS, params={"soort": "<b>anders</b>"})
    assert page.status_code == 400
    assert error_of(page, "soort") == "Kies lessen, systeemknelpunten of allebei."
    assert "<b>anders</b>" not in page.text
    assert len(shown_ids(page)) == 1  # both kinds are shown meanwhile


def test_no_lessons_yet(coordinator):
    page = coordinator.get(LESSONS)
    assert page.status_code == 200
    assert 'id="geen-lessen"' in page.text
    assert text_of(page, "aantal") == "0 lessen en systeemknelpunten"


def test_the_lessons_list_is_paginated(platform, lw, coordinator):
    ids = [
        share_api(lw, "knelpunt" if i % 2 else "les", f"Les {i:02d}", f"2025-01-{i + 1:02d}")["id"]
        for i in range(PAGE_SIZE + 2)
    ]
    newest_first = list(reversed(ids))
    first = coordinator.get(LESSONS)
    assert shown_ids(first) == newest_first[:PAGE_SIZE]
    assert "Pagina 1 van 2" in first.text
    assert f'href="{LESSONS}?soort=&amp;pagina=2"' in first.text
    assert "Vorige pagina" not in first.text

    second = coordinator.get(LESSONS, params={"pagina": "2"})
    assert shown_ids(second) == newest_first[PAGE_SIZE:]
    assert f'href="{LESSONS}?soort=&amp;pagina=1"' in second.text
    assert "Volgende pagina" not in second.text

    # The kind filter is kept from page to page (14 blockages: one page).
    blockages = coordinator.get(LESSONS, params={"soort": "knelpunt"})
    assert len(shown_ids(blockages)) == (PAGE_SIZE + 2) // 2
    assert 'id="paginas"' not in blockages.text
    # A page number that is none gives the first; a page past the last says so.
    assert shown_ids(coordinator.get(LESSONS, params={"pagina": "x"})) == shown_ids(first)
    past = coordinator.get(LESSONS, params={"pagina": "9"})
    assert past.status_code == 200
    assert shown_ids(past) == []
    assert "Op deze pagina staan geen lessen." in past.text
    assert f'rel="prev" href="{LESSONS}?soort=&amp;pagina=2"' in past.text
    assert f'href="{LESSONS}?soort="' in past.text  # to the first page


def test_a_lesson_from_a_trajectory_names_the_family_only_to_who_may_see_it(
    platform, lw, coordinator, professional, visser
):
    lesson = share_api(
        lw,
        "knelpunt",
        "Geen urgentie voor terugplaatsing",
        "2025-03-20",
        trajectory_id=visser["id"],
    )
    share_api(lw, "les", "Zonder traject", "2025-03-21")
    members = members_of(platform, visser["household_id"])

    page = coordinator.get(LESSONS)
    assert text_of(page, f"les-{lesson['id']}-traject") == "Uit het traject van Gezin Visser"
    assert f'href="/gezinslab/trajecten/{visser["id"]}"' in page.text
    assert subjects(platform, page) == members

    page = professional.get(LESSONS)
    assert page.status_code == 200
    assert text_of(page, f"les-{lesson['id']}-traject") == "Uit het traject van een gezin."
    assert "Gezin Visser" not in page.text
    assert "/gezinslab/trajecten/" not in page.text
    assert subjects(platform, page) == set()


# --- sharing a lesson ------------------------------------------------------------------------


def test_a_blockage_from_a_trajectory_is_shared_through_the_form(platform, lw, coordinator, visser):
    form = coordinator.get(NEW_LESSON, params={"traject": str(visser["id"])})
    assert form.status_code == 200
    options = form.text.split('id="trajectory_id" name="trajectory_id"', 1)[1].split("</select>")
    assert (
        f'<option value="{visser["id"]}" selected>Gezin Visser (gestart op 03-02-2025)</option>'
        in options[0]
    )
    assert 'value="Test coordinator"' in form.text  # who shares it, filled in
    assert f'value="{dutch_today().isoformat()}"' in form.text
    assert subjects(platform, form) == members_of(platform, visser["household_id"])

    sent = share(
        coordinator,
        kind="knelpunt",
        title="Geen urgentie voor terugplaatsing",
        text="De urgentieregeling kent geen grond voor terugplaatsing van kinderen.",
        tags="Wonen, jeugdzorg, ",
        noticed_on="2025-03-20",
        author="Gezinslab Oost",
        trajectory_id=str(visser["id"]),
    )
    [stored] = lessons_api(lw)
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == f"{LESSONS}?pagina=1#les-{stored['id']}"
    assert stored == {
        "id": stored["id"],
        "kind": "knelpunt",
        "title": "Geen urgentie voor terugplaatsing",
        "text": "De urgentieregeling kent geen grond voor terugplaatsing van kinderen.",
        "tags": ["jeugdzorg", "wonen"],
        "noticed_on": "2025-03-20",
        "author": "Gezinslab Oost",
        "trajectory_id": visser["id"],
    }
    assert subjects(platform, sent) == members_of(platform, visser["household_id"])
    assert shown_ids(coordinator.get(sent.headers["location"])) == [stored["id"]]


def test_a_lesson_shared_late_is_found_on_its_page(lw, coordinator):
    for i in range(PAGE_SIZE):
        share_api(lw, "les", f"Les {i:02d}", "2025-06-01")
    sent = share(
        coordinator,
        kind="les",
        title="Van lang geleden",
        text="Oud.",
        noticed_on="2024-01-05",
        author="Team",
    )
    assert sent.status_code == 303, sent.text
    location = sent.headers["location"]
    assert location.startswith(f"{LESSONS}?pagina=2#les-")
    lesson_id = int(location.rsplit("-", 1)[1])
    assert shown_ids(coordinator.get(location)) == [lesson_id]


def test_wrong_input_is_refused_in_dutch_next_to_the_field_and_nothing_is_stored(
    platform, lw, coordinator, visser
):
    share_api(lw, "les", "Er al", "2025-01-01")
    before = lessons_api(lw)

    page = share(coordinator, kind="", title="", text=" ", noticed_on="", author="")
    assert page.status_code == 422
    assert error_of(page, "kind") == "Kies of dit een les of een systeemknelpunt is."
    assert error_of(page, "title") == "Geef een korte titel (hoogstens 200 tekens)."
    assert error_of(page, "text") == "Beschrijf wat u opviel."
    assert error_of(page, "noticed_on") == "Vul de datum in waarop u het opmerkte."
    assert error_of(page, "author") == "Vul in wie het deelt (hoogstens 200 tekens)."
    assert 'href="#kind"' in page.text  # the summary links to the fields

    page = share(
        coordinator,
        kind="les",
        title="Trefwoorden",
        text="Wat typte ik?",
        tags="met spatie, wonen",
        noticed_on="2025-02-30",
        author="Team",
    )
    assert page.status_code == 422
    assert error_of(page, "tags").startswith("Trefwoorden zijn woorden van kleine letters")
    assert error_of(page, "noticed_on") == "Vul de datum in waarop u het opmerkte."
    assert 'value="met spatie, wonen"' in page.text  # what was typed is kept
    assert "Wat typte ik?" in page.text
    assert "kind-fout" not in page.text

    # A trajectory that is not there (gone since the form was opened): the service's
    # refusal next to the field, rolled back.
    page = share(
        coordinator,
        kind="knelpunt",
        title="Weg",
        text="Het traject is er niet.",
        noticed_on="2025-02-01",
        author="Team",
        trajectory_id="99999",
    )
    assert page.status_code == 422
    assert error_of(page, "trajectory_id") == "Kies een traject uit de lijst."
    assert lessons_api(lw) == before
    assert lesson_count(platform) == 1


def test_an_expired_form_and_a_double_submit_store_once(platform, coordinator):
    page = coordinator.post(
        NEW_LESSON,
        data={"form_token": "x", "kind": "les", "title": "T", "text": "T", "author": "A"},
    )
    assert page.status_code == 400
    assert "Het formulier was verlopen." in html.unescape(page.text)
    assert lesson_count(platform) == 0

    data = {
        "form_token": form_token(coordinator.get(NEW_LESSON), NEW_LESSON),
        "kind": "les",
        "title": "Twee keer geklikt",
        "text": "Eén keer bewaard.",
        "noticed_on": "2025-05-05",
        "author": "Team",
    }
    first = coordinator.post(NEW_LESSON, data=data, follow_redirects=False)
    again = coordinator.post(NEW_LESSON, data=data, follow_redirects=False)
    assert first.status_code == again.status_code == 303
    assert again.headers["location"] == first.headers["location"]
    assert lesson_count(platform) == 1


def test_a_professional_shares_a_lesson_but_links_no_trajectory(platform, lw, professional, visser):
    form = professional.get(NEW_LESSON, params={"traject": str(visser["id"])})
    assert form.status_code == 200
    assert 'name="trajectory_id"' not in form.text
    assert "Gezin Visser" not in form.text
    assert subjects(platform, form) == set()
    sent = share(
        professional,
        kind="les",
        title="Samen naar de schuldhulp",
        text="Meegaan helpt.",
        noticed_on="2025-05-05",
        author="Wijkcoach",
        trajectory_id=str(visser["id"]),  # not on the form: ignored
    )
    assert sent.status_code == 303, sent.text
    [stored] = lessons_api(lw)
    assert (stored["title"], stored["trajectory_id"]) == ("Samen naar de schuldhulp", None)


def test_the_trajectory_page_links_to_sharing_a_lesson_from_it(coordinator, visser):
    page = coordinator.get(f"/gezinslab/trajecten/{visser['id']}")
    assert f'href="{NEW_LESSON}?traject={visser["id"]}"' in page.text


# --- the overview for policy makers ----------------------------------------------------------


@pytest.fixture
def year_2025(lw: Any, h: Any, visser: dict[str, int]) -> dict[str, Any]:
    """Two families with avoided costs in 2025 (one also in 2026), lessons in 2024 and
    2025."""
    postma_hid = h.make_household(lw, "Gezin Postma", children=1)
    postma = h.start(lw, postma_hid, started_on="2025-03-01")["id"]
    for tid, kind, on, quantity in (
        (visser["id"], "uithuisplaatsing", "2025-06-02", "2"),
        (postma, "huisuitzetting", "2025-09-01", "1"),
        (postma, "huisuitzetting", "2026-02-01", "1"),
    ):
        r = lw.post(
            f"{API}/trajectories/{tid}/avoided-costs",
            json={
                "cost_kind": kind,
                "description": "Sem en Lotte weer thuis",
                "avoided_on": on,
                "quantity": quantity,
            },
        )
        assert r.status_code == 201, r.text
    share_api(lw, "knelpunt", "Geen urgentie", "2025-03-20", tags=["wonen", "jeugdzorg"])
    share_api(lw, "knelpunt", "Wachttijd schuldhulp", "2025-10-08", tags=["schulden"])
    share_api(lw, "les", "Ervaringsdeskundige erbij", "2025-04-14", tags=["wonen"])
    share_api(lw, "les", "Vorig jaar", "2024-06-01", tags=["wonen"])
    return {"visser": visser, "postma": postma, "postma_household": postma_hid}


def test_the_overview_of_a_year_for_a_coordinator(platform, coordinator, year_2025):
    page = coordinator.get(OVERVIEW, params={"van": "2025-01-01", "tot": "2025-12-31"})
    assert page.status_code == 200
    assert text_of(page, "kop-periode") == "Van 01-01-2025 tot en met 31-12-2025"
    assert 'aria-current="page">Het jaar 2025' in page.text
    assert text_of(page, "gestart") == "2"
    assert text_of(page, "vermeden") == "€ 128.000,00"
    assert text_of(page, "geleerd-aantal").startswith("2 systeemknelpunten, 1 les.")
    assert text_of(page, "tag-wonen") == "wonen 1 1"
    assert text_of(page, "knelpunten") == (  # the latest first
        "Wachttijd schuldhulp (08-10-2025; schulden) Wachttijd schuldhulp. "
        "Geen urgentie (20-03-2025; jeugdzorg, wonen) Geen urgentie."
    )
    assert text_of(page, "lessen") == (
        "Ervaringsdeskundige erbij (14-04-2025; wonen) Ervaringsdeskundige erbij."
    )
    assert "Vorig jaar" not in page.text
    assert text_of(page, "jaar-2025") == "2025 € 128.000,00 2 € 64.000,00"
    assert "jaar-2026" not in page.text
    visser, postma = year_2025["visser"]["id"], year_2025["postma"]
    assert text_of(page, f"gezin-{visser}") == (
        "Gezin Visser uithuisplaatsing: 2 x € 60.000,00 per kind per jaar (bron: Indicatief, "
        "pleegzorg en residentiële jeugdhulp; vervang door eigen cijfers) € 120.000,00"
    )
    assert text_of(page, f"gezin-{postma}") == (
        "Gezin Postma huisuitzetting: 1 x € 8.000,00 per uitzetting (bron: Indicatief, "
        "maatschappelijke kosten van een huisuitzetting) € 8.000,00"
    )
    order = [int(i) for i in re.findall(r'id="gezin-(\d+)"', page.text)]
    assert order == [visser, postma]  # the largest first
    assert f'href="/gezinslab/trajecten/{visser}"' in page.text
    assert "Sem en Lotte" not in page.text  # what happened stays on the trajectory's page
    assert subjects(platform, page) == members_of(
        platform, year_2025["visser"]["household_id"]
    ) | members_of(platform, year_2025["postma_household"])


def test_the_overview_names_no_family_to_a_professional(platform, professional, year_2025):
    page = professional.get(OVERVIEW, params={"van": "2025-01-01", "tot": "2025-12-31"})
    assert page.status_code == 200
    assert text_of(page, "jaar-2025") == "2025 € 128.000,00 2 € 64.000,00"
    assert 'id="per-gezin"' not in page.text
    assert 'id="geen-gezinnen"' in page.text
    for name in ("Gezin Visser", "Gezin Postma", "/gezinslab/trajecten/"):
        assert name not in page.text
    assert subjects(platform, page) == set()


def test_the_overview_shows_this_year_unless_a_period_is_chosen(lw, coordinator, year_2025):
    year = dutch_today().year
    page = coordinator.get(OVERVIEW)
    assert page.status_code == 200
    assert text_of(page, "kop-periode") == f"Van 01-01-{year} tot en met 31-12-{year}"
    assert f'value="{year}-01-01"' in page.text
    assert f'href="{OVERVIEW}?van={year - 1}-01-01&amp;tot={year - 1}-12-31"' in page.text
    # An empty period, with nothing in it.
    empty = coordinator.get(OVERVIEW, params={"van": "2020-01-01", "tot": "2020-12-31"})
    assert 'id="geen-kosten"' in empty.text
    assert text_of(empty, "geleerd-aantal").startswith("0 systeemknelpunten, 0 lessen.")


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        (
            {"van": "gisteren", "tot": "2025-12-31"},
            "van",
            "Vul de eerste dag van de periode in als datum, bijvoorbeeld 01-01-2026.",
        ),
        (
            {"van": "2025-01-01", "tot": "2025-13-01"},
            "tot",
            "Vul de laatste dag van de periode in als datum, bijvoorbeeld 31-12-2026.",
        ),
        (
            {"van": "2025-12-31", "tot": "2025-01-01"},
            "tot",
            "De periode eindigt (01-01-2025) vóór het begin (31-12-2025).",
        ),
    ],
)
def test_a_period_that_is_none_is_said_in_dutch_next_to_the_field(
    platform, coordinator, year_2025, params, field, message
):
    page = coordinator.get(OVERVIEW, params=params)
    assert page.status_code == 400
    assert error_of(page, field) == message
    assert f'value="{params[field]}"' in page.text  # what was typed is kept
    assert 'id="geen-overzicht"' in page.text
    assert 'id="per-gezin"' not in page.text
    assert subjects(platform, page) == set()
