"""Dagbesteding attendance, outflow to work, and the figures per month and year."""

from __future__ import annotations

from decimal import Decimal


def test_attendance_outflow_and_figures(lw, h):
    base = h.base
    # volunteers are persons: one is paid an allowance, the other moves on to a training
    vol_a = h.volunteer(lw, "Sjoerd", person_id=h.person(lw, "Sjoerd", "Hoekstra"))
    anna = h.person(lw, "Anna", "Bakker")
    vol_b = h.volunteer(lw, "Anna", skills=["samen koken"], person_id=anna)
    # jobs: one paid at the full rate, one at the income-based rate, one cancelled
    full = h.ok(h.job(lw, h.person(lw, "Grietje")))
    reduced = h.ok(
        h.job(lw, h.person(lw, "Hiltje"), "samen koken", rate_code="minima", income_pct=90)
    )
    cancelled = h.ok(h.job(lw, h.person(lw, "Durk"), "hoog-laagbed plaatsen"))
    h.ok(
        lw.post(
            f"{base}/jobs/{cancelled['id']}/cancel",
            json={"reason": "Bed al geplaatst door thuiszorg"},
        )
    )
    a = h.confirmed(lw, full["id"], vol_a)
    b = h.confirmed(
        lw, reduced["id"], vol_b, start="2026-03-04T17:00:00+01:00", end="2026-03-04T19:00:00+01:00"
    )
    h.approved(lw, full["id"], a["id"], "3")
    h.approved(lw, reduced["id"], b["id"], "2", on="2026-03-04")
    i1 = h.ok(h.invoice(lw, job_id=full["id"], issued_on="2026-03-10"))  # 27.00
    h.ok(h.invoice(lw, job_id=reduced["id"], issued_on="2026-03-10"))  # 9.00 reduced
    h.ok(
        lw.post(
            f"{base}/invoices/{i1['id']}/credit",
            json={"reason": "Half uur minder", "amount": "4.50", "issued_on": "2026-03-11"},
        )
    )
    h.ok(
        lw.post(
            f"{base}/allowances/",
            json={"helper_id": vol_a, "month": "2026-03", "paid_on": "2026-03-31"},
        )
    )

    # dagbesteding
    p1 = h.ok(
        lw.post(
            f"{base}/participants",
            json={
                "person_id": h.person(lw, "Wiebe"),
                "started_on": "2026-02-01",
                "supervisor": "Marrit (begeleider)",
                "needs": "Rustige werkplek",
            },
        )
    )
    p2 = h.ok(
        lw.post(
            f"{base}/participants",
            json={
                "person_id": h.person(lw, "Froukje"),
                "started_on": "2026-03-01",
                "supervisor": "Marrit (begeleider)",
            },
        )
    )
    kitchen = h.ok(
        lw.post(f"{base}/activities", json={"name": "Buurtkeuken", "supervisor": "Marrit"})
    )
    garden = h.ok(lw.post(f"{base}/activities", json={"name": "Buurttuin", "supervisor": "Jelle"}))
    for participant, activity, day, present in [
        (p1, kitchen, "2026-03-02", True),
        (p1, garden, "2026-03-02", True),
        (p1, kitchen, "2026-03-03", True),
        (p2, kitchen, "2026-03-03", True),
        (p2, kitchen, "2026-03-04", False),
        (p1, kitchen, "2026-04-01", True),
    ]:
        rec = h.ok(
            lw.post(
                f"{base}/attendance",
                json={
                    "participant_id": participant["id"],
                    "activity_id": activity["id"],
                    "day": day,
                    "present": present,
                },
            )
        )
        assert rec["supervisor"] == activity["supervisor"]
    day = lw.get(f"{base}/attendance", params={"day": "2026-03-03"}).json()["items"]
    assert {r["participant_id"] for r in day} == {p1["id"], p2["id"]}

    h.ok(
        lw.post(
            f"{base}/outflow",
            json={
                "participant_id": p1["id"],
                "kind": "betaald_werk",
                "on": "2026-03-20",
                "description": "Parttime in de keuken van het buurthuis",
            },
        )
    )
    h.ok(
        lw.post(
            f"{base}/outflow",
            json={
                "helper_id": vol_b,
                "kind": "opleiding",
                "on": "2026-03-25",
                "description": "Mbo-opleiding koken",
            },
        )
    )
    h.ok(
        lw.post(
            f"{base}/outflow",
            json={
                "participant_id": p2["id"],
                "kind": "onbetaald_werk",
                "on": "2026-05-02",
                "description": "Vrijwilliger bij de voedselbank",
            },
        )
    )

    march = h.ok(lw.get(f"{base}/figures", params={"year": 2026, "month": 3}), 200)["total"]
    assert march["period"] == "2026-03"
    assert march["hours_approved"] == "5.00"
    assert march["active_volunteers"] == 2
    assert Decimal(march["revenue"]) == Decimal("31.50")  # 27.00 + 9.00 - 4.50
    assert Decimal(march["credited"]) == Decimal("4.50")
    assert Decimal(march["revenue_reduced"]) == Decimal("9.00")
    assert Decimal(march["reduced_share"]) == Decimal("0.2857")
    assert Decimal(march["allowances_paid"]) == Decimal("7.50")  # 3 h x 2.50
    assert march["attendance_days"] == 4
    assert march["attendance_participants"] == 2
    assert march["outflow"] == {"opleiding": 1, "betaald_werk": 1, "onbetaald_werk": 0}

    year = h.ok(lw.get(f"{base}/figures", params={"year": 2026}), 200)
    assert year["total"]["jobs"] == 3  # wished for March 2026
    assert year["total"]["jobs_by_category"] == {
        "hoog-laagbed plaatsen": 1,
        "samen koken": 1,
        "tuinonderhoud": 1,
    }
    assert year["total"]["jobs_by_status"] == {"geannuleerd": 1, "ingepland": 2}
    assert year["months"][2]["jobs"] == 3
    assert year["months"][1]["jobs"] == 0
    assert year["total"]["attendance_days"] == 5
    assert year["total"]["outflow"] == {"opleiding": 1, "betaald_werk": 1, "onbetaald_werk": 1}
    assert len(year["months"]) == 12
    assert year["months"][3]["attendance_days"] == 1  # April
    assert year["months"][4]["outflow"]["onbetaald_werk"] == 1  # May
    assert year["months"][2]["revenue"] == march["revenue"]

    h.refused(lw.get(f"{base}/figures", params={"year": 2026, "month": 13}), 422, "month", ["13"])


def test_dagbesteding_refusals(lw, h):
    base = h.base
    person = h.person(lw, "Wiebe")
    p = h.ok(
        lw.post(
            f"{base}/participants",
            json={"person_id": person, "started_on": "2026-03-01", "supervisor": "Marrit"},
        )
    )
    h.refused(
        lw.post(
            f"{base}/participants",
            json={"person_id": person, "started_on": "2026-03-05", "supervisor": "Marrit"},
        ),
        409,
        None,
        ["already takes part"],
    )
    act = h.ok(lw.post(f"{base}/activities", json={"name": "Buurtkeuken", "supervisor": "Marrit"}))
    h.refused(
        lw.post(f"{base}/activities", json={"name": "Buurtkeuken", "supervisor": "X"}),
        409,
        None,
        ["already an activity"],
    )
    body = {"participant_id": p["id"], "activity_id": act["id"], "day": "2026-03-02"}
    h.ok(lw.post(f"{base}/attendance", json=body))
    h.refused(lw.post(f"{base}/attendance", json=body), 409, None, ["already recorded"])
    h.refused(
        lw.post(f"{base}/attendance", json={**body, "day": "2026-02-27"}),
        422,
        "day",
        ["from 2026-03-01"],
    )
    h.refused(
        lw.post(f"{base}/attendance", json={**body, "day": "2099-01-01"}), 422, "day", ["future"]
    )
    h.refused(
        lw.post(f"{base}/attendance", json={**body, "activity_id": 9999}),
        422,
        "activity_id",
        ["no activity"],
    )
    h.refused(
        lw.post(
            f"{base}/outflow", json={"kind": "betaald_werk", "on": "2026-03-20", "description": "x"}
        ),
        422,
        None,
        ["participant_id or helper_id"],
    )
    h.refused(
        lw.post(
            f"{base}/outflow",
            json={
                "participant_id": p["id"],
                "kind": "betaald_werk",
                "on": "2026-02-01",
                "description": "x",
            },
        ),
        422,
        "on",
        ["before the participant started"],
    )
    h.refused(
        lw.post(
            f"{base}/outflow",
            json={
                "participant_id": p["id"],
                "kind": "loterij",
                "on": "2026-03-20",
                "description": "x",
            },
        ),
        422,
        None,
        [],
    )
    ended = h.ok(lw.post(f"{base}/participants/{p['id']}/end", json={"ended_on": "2026-03-31"}))
    assert ended["ended_on"] == "2026-03-31"
    h.refused(
        lw.post(f"{base}/attendance", json={**body, "day": "2026-04-01"}),
        422,
        "day",
        ["to 2026-03-31"],
    )
    assert lw.get(f"{base}/attendance").json()["total"] == 1
    assert lw.get(f"{base}/outflow").json()["items"] == []
