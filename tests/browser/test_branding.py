"""Each municipality's branding passes axe-core: its colours in the header, links on the
page, in the navigation and footer, and in an error alert that links to the fields."""

from __future__ import annotations


def test_every_municipality_s_colours_pass_axe(live_server, browser_page, axe, capsys):
    page = browser_page
    for slug in sorted(live_server.platform.municipalities):
        page.goto(live_server.url(slug, "/"))
        axe.check(page, f"merk-{slug}-start")
        page.goto(live_server.url(slug, "/hulp-vragen"))
        with page.expect_navigation():  # sent empty: refused, the alert links to the fields
            page.locator("form button[type=submit]").press("Enter")
        assert page.locator(".utrecht-alert--error .utrecht-link").count() >= 1
        axe.check(page, f"merk-{slug}-formulier-fouten")
    with capsys.disabled():
        print("\n" + axe.summary())
    assert len(axe.pages) == 2 * len(live_server.platform.municipalities)
    assert axe.violations == 0, axe.summary()
