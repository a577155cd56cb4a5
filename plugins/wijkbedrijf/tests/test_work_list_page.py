"""The coordinator's work list names residents whose confirmation never reached them,
linked to the job's page (where the confirmation can be sent again)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from noaber.clock import dutch_today
from noaber.privacy.models import AccessLogEntry
from noaber.tenancy.context import tenant_scope


def _section(page: str, name: str) -> str:
    return page.split(f'id="werk-{name}"', 1)[1].split("</section>", 1)[0]


def _planned_and_confirmed(lw, h, day: date, **contact):
    resident = h.person(lw, name=contact.pop("name"), family="Visser", **contact)
    helper = h.volunteer(lw, f"Vrijwilliger {resident}")
    job = h.ok(
        h.job(
            lw,
            resident,
            wished_from=(day - timedelta(days=1)).isoformat(),
            wished_until=(day + timedelta(days=1)).isoformat(),
        )
    )
    start, end = f"{day.isoformat()}T09:00:00+01:00", f"{day.isoformat()}T12:00:00+01:00"
    planned = h.ok(h.plan(lw, job["id"], helper, start=start, end=end))
    confirmed = lw.post(f"{h.base}/assignments/{planned['id']}/confirm", json={"actor": "x"})
    return resident, job, h.ok(confirmed)["notification"]


def test_a_confirmation_that_cannot_reach_the_resident_is_on_the_work_list(
    platform, lw, h, client_for
):
    ahead = dutch_today() + timedelta(days=5)
    phone_only, job, note = _planned_and_confirmed(lw, h, ahead, name="Anneke", phone="0612345678")
    assert note["delivery"] == "geen_emailadres"
    _mailed, mailed_job, sent = _planned_and_confirmed(
        lw, h, ahead, name="Bauke", email="bauke@example.nl"
    )
    assert sent["delivery"] == "verstuurd"
    _past, past_job, _ = _planned_and_confirmed(
        lw, h, dutch_today() - timedelta(days=5), name="Cor", phone="0687654321"
    )

    coordinator = client_for("leeuwarden", role="coordinator", programme="wijkbedrijf")
    page = coordinator.get("/werk")
    assert page.status_code == 200
    assert "Bevestigingen die de bewoner niet bereikten (1)" in page.text
    section = _section(page.text, "confirmations")
    assert f'href="/wijkbedrijf/klussen/{job["id"]}"' in section
    assert "/aanvragen/" not in section
    assert "Anneke Visser · tuinonderhoud" in section
    assert "geen e-mailadres voor de bevestiging" in section
    assert f'/wijkbedrijf/klussen/{mailed_job["id"]}"' not in section  # it went out
    assert f'/wijkbedrijf/klussen/{past_job["id"]}"' not in section  # the job is past
    # The link leads to the job's page, which says the same in Dutch.
    job_page = coordinator.get(f"/wijkbedrijf/klussen/{job['id']}")
    assert job_page.status_code == 200
    assert "Geen e-mailadres: laat de bewoner het op een andere manier weten" in job_page.text

    trace = page.headers["x-trace-id"]
    with tenant_scope("leeuwarden"), platform.sessions.begin() as session:
        subjects = set(
            session.exec(
                select(AccessLogEntry.subject_person_id).where(AccessLogEntry.trace_id == trace)
            )
        )
    assert phone_only in subjects

    other = client_for("leeuwarden", role="coordinator", programme="buurtgezinnen")
    assert 'id="werk-confirmations"' not in other.get("/werk").text
