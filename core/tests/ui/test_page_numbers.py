"""Every page of the web UI takes any ``?pagina=`` without a server error: a number
too long to convert or too large for the database's OFFSET, zero, a negative number or
a word shows the first page (``noaber.ui.web.page_number``). Checked on the live route
table as a municipality admin with every programme, so a list page added later is
covered without editing this file."""

from __future__ import annotations

import pytest

from noaber.testing import live_routes
from noaber.ui.web import LAST_PAGE, page_number

ODD_PAGES = ("9" * 5000, "9" * 25, str(LAST_PAGE + 1), "0", "-3", "twee", "")


def test_every_page_takes_any_page_number(client_for):
    admin = client_for("leeuwarden")
    paths = [
        route.path
        for route, method in live_routes(admin.app)
        if method == "GET" and not route.path_parameters and not route.path.startswith("/api")
    ]
    assert len(paths) > 20
    failures = []
    for path in paths:
        for odd in ODD_PAGES:
            answer = admin.get(path, params={"pagina": odd}, follow_redirects=False)
            if answer.status_code >= 500:
                failures.append(f"{path}?pagina={odd[:12]}: {answer.status_code}")
    assert failures == []


class Asked:
    def __init__(self, value: str) -> None:
        self.query_params = {"pagina": value}


@pytest.mark.parametrize(
    ("asked", "page"),
    [("3", 3), (str(LAST_PAGE), LAST_PAGE), (str(LAST_PAGE + 1), 1), ("9" * 5000, 1)]
    + [(odd, 1) for odd in ("0", "-3", "twee", "", "³")],
)
def test_a_page_number_is_a_number_from_one_to_the_last_page(asked, page):
    assert page_number(Asked(asked)) == page  # type: ignore[arg-type]
