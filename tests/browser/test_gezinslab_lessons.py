"""The Gezinslab's learning pages in a real browser, by keyboard only, with axe-core on
every page: a Gezinslab coordinator in Leeuwarden opens the lessons and system blockages
from the main navigation, shares a system blockage from Gezin Visser's trajectory (first
without a kind or a title: refused in Dutch next to the fields), filters the list by
kind, and opens the overview for policy makers for most of 2025 (first with a period
that ends before it begins: refused in Dutch), where the blockage and the family's avoided cost
are shown.

``test_gezinslab_pages.py`` seeds Gezin Visser's trajectory (an avoided eviction on 15
May 2025). Run with ``CI=true`` to fail instead of skip without Chromium.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlmodel import col, select

from noaber.tenancy.context import tenant_scope
from noaber.ui.accounts import available as accounts_available

from .helpers import press_enter_on, tab_to, type_into
from .test_gezinslab_forms import choose, log_in
from .test_gezinslab_pages import seed

pytestmark = pytest.mark.slow

SLUG = "leeuwarden"  # the municipality that runs the Gezinslab
LESSONS = "/gezinslab/lessen"
OVERVIEW = "/gezinslab/overzicht"


def lessons_of(platform: Any) -> list[tuple[str, str, list[str], str, int | None]]:
    from noaber_gezinslab.models import Lesson

    with tenant_scope(SLUG), platform.sessions() as session:
        rows = session.exec(select(Lesson).order_by(col(Lesson.id))).all()
        return [
            (r.kind.value, r.title, list(r.tags), r.noticed_on.isoformat(), r.trajectory_id)
            for r in rows
        ]


def test_a_coordinator_shares_a_blockage_and_reads_the_overview_by_keyboard(
    live_server, browser_page, axe, capsys
):
    if not accounts_available():
        pytest.skip("the accounts layer is not installed")
    page = browser_page
    platform = live_server.platform
    url = lambda path: live_server.url(SLUG, path)  # noqa: E731
    ids = seed(platform)
    log_in(page, url, platform)

    # --- the lessons, from the main navigation: none yet ---
    page.goto(url("/werk"))
    press_enter_on(page, f"nav a[href='{LESSONS}']")
    page.wait_for_url(f"**{LESSONS}")
    assert page.locator("h1").inner_text() == "Gezinslab: lessen en systeemknelpunten"
    assert page.locator("#geen-lessen").is_visible()
    axe.check(page, "gl-lessen-01-leeg")

    # --- sharing a blockage: first without a kind or a title ---
    press_enter_on(page, "#nieuwe-les")
    page.wait_for_url(f"**{LESSONS}/nieuw")
    assert page.locator("h1").inner_text() == "Een les of systeemknelpunt delen"
    axe.check(page, "gl-lessen-02-formulier")
    type_into(page, "#text", "De urgentieregeling kent geen grond voor terugplaatsing.")
    press_enter_on(page, "form[action$='/lessen/nieuw'] button[type=submit]")
    assert page.locator("#kind-fout").inner_text() == (
        "Kies of dit een les of een systeemknelpunt is."
    )
    assert page.locator("#title-fout").inner_text() == (
        "Geef een korte titel (hoogstens 200 tekens)."
    )
    assert page.locator("#kind").get_attribute("aria-invalid") == "true"
    assert page.locator("#text").input_value() == (
        "De urgentieregeling kent geen grond voor terugplaatsing."
    )
    assert lessons_of(platform) == []
    axe.check(page, "gl-lessen-03-formulier-fout")

    choose(page, "#kind", "Sys")
    assert page.locator("#kind").input_value() == "knelpunt"
    type_into(page, "#title", "Geen urgentie voor terugplaatsing")
    type_into(page, "#tags", "wonen, jeugdzorg")
    tab_to(page, "#noticed_on")
    page.keyboard.type("03032025")  # the same keys in either order of the date's fields
    choose(page, "#trajectory_id", "Gezin V")
    assert page.locator("#trajectory_id").input_value() == str(ids["trajectory"])
    press_enter_on(page, "form[action$='/lessen/nieuw'] button[type=submit]")
    [(kind, title, tags, noticed, trajectory)] = lessons_of(platform)
    assert (kind, title, tags, noticed, trajectory) == (
        "knelpunt",
        "Geen urgentie voor terugplaatsing",
        ["jeugdzorg", "wonen"],
        "2025-03-03",
        ids["trajectory"],
    )
    page.wait_for_url(re.compile(rf".*{LESSONS}\?pagina=1#les-\d+$"))
    item = page.locator("#lessen-lijst li").first.inner_text()
    assert "Geen urgentie voor terugplaatsing" in item
    assert "Systeemknelpunt opgemerkt op 03-03-2025" in item
    assert "Uit het traject van Gezin Visser" in item
    tab_to(page, f"#lessen-lijst a[href='/gezinslab/trajecten/{ids['trajectory']}']")
    axe.check(page, "gl-lessen-04-gedeeld")

    # --- filtering by kind ---
    tab_to(page, "#soort")  # "Lessen en systeemknelpunten", then "Les"
    page.keyboard.press("ArrowDown")
    assert page.locator("#soort").input_value() == "les"
    press_enter_on(page, f"form[action='{LESSONS}'] button[type=submit]")
    assert page.locator("#aantal").inner_text() == "0 lessen"
    assert page.locator("#geen-lessen").is_visible()
    choose(page, "#soort", "Sys")
    press_enter_on(page, f"form[action='{LESSONS}'] button[type=submit]")
    assert page.locator("#aantal").inner_text() == "1 systeemknelpunt"
    axe.check(page, "gl-lessen-05-gefilterd")

    # --- the overview for policy makers: a period the wrong way round, then 2025 ---
    press_enter_on(page, f"nav a[href='{OVERVIEW}']")
    page.wait_for_url(f"**{OVERVIEW}")
    assert page.locator("h1").inner_text() == "Gezinslab: overzicht voor beleid"
    axe.check(page, "gl-lessen-06-overzicht")
    tab_to(page, "#van")
    page.keyboard.type("12122025")
    tab_to(page, "#tot")
    page.keyboard.type("01012025")
    press_enter_on(page, "#periode button[type=submit]")
    assert page.locator("#tot-fout").inner_text() == (
        "De periode eindigt (01-01-2025) vóór het begin (12-12-2025)."
    )
    assert page.locator("#tot").get_attribute("aria-invalid") == "true"
    axe.check(page, "gl-lessen-07-periode-fout")
    tab_to(page, "#van")
    page.keyboard.type("01012025")
    tab_to(page, "#tot")
    page.keyboard.type("12122025")
    press_enter_on(page, "#periode button[type=submit]")
    assert page.locator("#kop-periode").inner_text() == "Van 01-01-2025 tot en met 12-12-2025"
    assert "Geen urgentie voor terugplaatsing" in page.locator("#knelpunten").inner_text()
    assert page.locator("#tag-wonen").inner_text().split() == ["wonen", "1", "0"]
    assert "€\xa08.000,00" in page.locator("#jaar-2025").inner_text()
    family = page.locator(f"#gezin-{ids['trajectory']}").inner_text()
    assert "Gezin Visser" in family
    assert "huisuitzetting: 1 x €\xa08.000,00 per uitzetting" in family
    tab_to(page, f"#per-gezin a[href='/gezinslab/trajecten/{ids['trajectory']}']")
    axe.check(page, "gl-lessen-08-overzicht-2025")

    with capsys.disabled():
        print("\n" + axe.summary())
    assert axe.violations == 0, axe.summary()
