"""What a coordinator reads when the doorbraak plugin refuses to close a case on the
request page: the reason in Dutch (the plugin's own catalogue), the API keeps its English."""

from __future__ import annotations

from pathlib import Path

import noaber_doorbraak
from noaber.ui.catalog import check_plugin
from noaber_doorbraak.plugin import LOCALE


def test_every_message_of_the_plugin_has_a_dutch_translation():
    assert check_plugin(Path(noaber_doorbraak.__file__).parent, LOCALE) == []


def test_the_request_page_says_in_dutch_that_a_case_closes_with_its_outcome(af, h, client_for):
    case = h.open_case(af, h.make_household(af))
    rid = case["request_id"]
    for status in ("kennismaking", "plan", "uitvoering"):
        moved = af.post(f"/api/requests/{rid}/transitions", json={"to": status})
        assert moved.status_code == 201, moved.text
    coordinator = client_for("amersfoort", role="coordinator", programme="doorbraak")
    page = coordinator.post(
        f"/aanvragen/{rid}/status", data={"to": "afgesloten", "reason": "klaar"}
    )
    assert page.status_code == 409
    assert (
        "Een doorbraakcasus wordt afgesloten samen met de uitkomst (behaald, deels behaald of "
        "niet behaald)." in page.text
    )
    assert "Deze statuswijziging kan nu niet." not in page.text
    body = h.refused(
        af.post(f"/api/requests/{rid}/transitions", json={"to": "afgesloten", "reason": "klaar"}),
        409,
        None,
        [],
    )
    assert body["refused"] == [
        "a breakthrough case is closed with its outcome (behaald, deels_behaald, niet_behaald): "
        "use POST /api/doorbraak/cases/{id}/close"
    ]
    assert af.get(f"/api/requests/{rid}").json()["status"] == "uitvoering"
