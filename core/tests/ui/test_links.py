"""No broken links in the web UI: each kind of user crawls the demo municipality.

For every role (a municipality admin, a coordinator of each programme, the privacy
officer, a volunteer, a resident and a professional, each linked to demo records as a
real account would be) the crawl starts at ``/`` and the role's landing page and
follows every internal link (``<a href>``, ``hx-get``, redirects) breadth-first, GET
only. URLs are grouped by their route template (plus the names of their query
parameters) and at most :data:`PER_TEMPLATE` of each group are opened, so a list of 60
households is not crawled 60 times; every other link is still checked against the
router. It fails on:

* a page answering 5xx;
* a link answering 4xx: a page that does not exist (404, 405) or one the role shown the
  link may not open (403, or a redirect to the login page);
* an HTML page without ``<html lang="nl"``;
* a form (``<form method="post">``, ``hx-post``) posting to a path the app has no POST
  route for, and a GET form or link to a path without a GET route.

All failures are collected with the page they were found on and printed at the end.
"""

from __future__ import annotations

import time

import pytest

from noaber.demo.seed import seed_demo
from noaber.ui.pages.login import LANDING

from .crawl import SLUG, accounts, crawl

KNOWN_BROKEN: dict[str, str] = {}
"""Failures (as printed) left for a larger change, with the reason."""


@pytest.mark.slow
def test_every_link_a_role_is_shown_opens(platform, client_for, capsys):
    seed_demo(platform)
    failures: list[str] = []
    report = []
    for name, account in accounts(platform).items():
        started = time.perf_counter()
        client = client_for(SLUG, **account)
        done = crawl(client, name, ["/", LANDING[account["role"]]])
        assert done.pages > 2, f"{name} reached no pages"
        failures += done.failures
        report.append(
            f"{name}: {done.pages} pages, {done.links} links, {done.forms} forms "
            f"({time.perf_counter() - started:.1f} s{', stopped at the cap' if done.capped else ''})"
        )
    with capsys.disabled():
        print("\n" + "\n".join(report))
        left = [f for f in failures if f not in KNOWN_BROKEN]
        if left:
            print("\n".join(["Broken:", *left]))
    assert [f for f in failures if f not in KNOWN_BROKEN] == []
