"""What a coordinator reads when the wijkbedrijf refuses to move a klus on the request
page: the reason in Dutch (the plugin's own catalogue), while the API keeps its English."""

from __future__ import annotations

from pathlib import Path

import noaber_wijkbedrijf
from noaber.ui.catalog import check_plugin
from noaber_wijkbedrijf.plugin import LOCALE


def test_every_message_of_the_plugin_has_a_dutch_translation():
    assert check_plugin(Path(noaber_wijkbedrijf.__file__).parent, LOCALE) == []


def test_the_request_page_says_in_dutch_why_a_klus_cannot_move(lw, h, client_for):
    job = h.ok(h.job(lw, h.person(lw)))
    rid = job["request_id"]
    coordinator = client_for("leeuwarden", role="coordinator", programme="wijkbedrijf")
    page = coordinator.post(f"/aanvragen/{rid}/status", data={"to": "ingepland"})
    assert page.status_code == 409
    assert (
        "Nog geen vrijwilliger heeft deze klus bevestigd. De klus is ingepland zodra een "
        "vrijwilliger heeft bevestigd." in page.text
    )
    assert "Deze statuswijziging kan nu niet." not in page.text
    body = h.refused(
        lw.post(f"/api/requests/{rid}/transitions", json={"to": "ingepland"}), 409, None, []
    )
    assert body["refused"] == [
        "a job is planned once a volunteer confirmed "
        "(POST /api/wijkbedrijf/assignments/{id}/confirm)"
    ]
    assert h.ok(lw.get(f"{h.base}/jobs/{job['id']}"), 200)["status"] == "aangemeld"
