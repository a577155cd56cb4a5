"""The API's tenant-wide lists in pages (``page``, ``page_size``, ``total``, as core's
lists): each keeps its filters and its order, a page beyond the last is empty with the
total, a page size over 100 is refused, every page is read with the same number of
statements however many rows it holds, and the access log names the persons of the
page's rows only (real database, no mocks)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlmodel import select

from noaber.privacy.models import AccessLogEntry
from noaber.tenancy.context import tenant_scope
from noaber.testing import statements_of

LISTS = (
    "/jobs/",
    "/hours/",
    "/invoices/",
    "/allowances/",
    "/participants",
    "/attendance",
    "/outflow",
    "/activities",
)


def seed(lw: Any, h: Any, n: int, first: int = 0) -> dict[str, list[Any]]:
    """``n`` residents, each with a job done by a volunteer of their own (2 approved hours
    on 3 March), invoiced on 10 March, the volunteer's allowance for March paid; ``n``
    dagbesteding participants, each present at an activity of their own on 3 March, then
    moving on to work on the 20th while their volunteer starts a training on the 10th."""
    made: dict[str, list[Any]] = {}

    def keep(kind: str, row: Any) -> Any:
        made.setdefault(kind, []).append(row)
        return row

    base = h.base
    for i in range(first, first + n):
        resident = keep("residents", h.person(lw, f"Bewoner{i}"))
        helper = h.person(lw, f"Vrijwilliger{i}")  # paid an allowance: a person
        volunteer = keep("volunteers", h.volunteer(lw, f"Vrijwilliger {i}", person_id=helper))
        job = keep("jobs", h.ok(h.job(lw, resident)))
        planned = keep("assignments", h.confirmed(lw, job["id"], volunteer))
        keep("hours", h.approved(lw, job["id"], planned["id"], "2"))
        keep("invoices", h.ok(h.invoice(lw, job_id=job["id"], issued_on="2026-03-10")))
        paid = {"helper_id": volunteer, "month": "2026-03", "paid_on": "2026-03-31"}
        keep("allowances", h.ok(lw.post(f"{base}/allowances/", json=paid)))
        participant = keep(
            "participants",
            h.ok(
                lw.post(
                    f"{base}/participants",
                    json={
                        "person_id": keep("participant_persons", h.person(lw, f"Deelnemer{i}")),
                        "started_on": "2026-02-01",
                        "supervisor": "Marrit",
                    },
                )
            ),
        )
        activity = keep(
            "activities",
            h.ok(
                lw.post(
                    f"{base}/activities", json={"name": f"Activiteit {i}", "supervisor": "Marrit"}
                )
            ),
        )
        present = {
            "participant_id": participant["id"],
            "activity_id": activity["id"],
            "day": "2026-03-03",
        }
        keep("attendance", h.ok(lw.post(f"{base}/attendance", json=present)))
        keep(
            "outflow",
            h.ok(
                lw.post(
                    f"{base}/outflow",
                    json={
                        "participant_id": participant["id"],
                        "kind": "betaald_werk",
                        "on": "2026-03-20",
                        "description": "Parttime in de keuken",
                    },
                )
            ),
        )
        keep(
            "outflow",
            h.ok(
                lw.post(
                    f"{base}/outflow",
                    json={
                        "helper_id": volunteer,
                        "kind": "opleiding",
                        "on": "2026-03-10",
                        "description": "Mbo-opleiding",
                    },
                )
            ),
        )
    return made


def ids(rows: list[dict[str, Any]]) -> list[int]:
    return [r["id"] for r in rows]


def pages_of(lw: Any, h: Any, path: str, expected: list[int], **params: Any) -> None:
    """``path`` (with ``params``) lists the rows ``expected``, in that order, two a page,
    with the total on every page, and nothing beyond the last page."""
    seen: list[int] = []
    last = (len(expected) + 1) // 2
    for number in range(1, last + 1):
        answer = h.ok(lw.get(path, params={**params, "page": number, "page_size": 2}), 200)
        assert (answer["total"], answer["page"], answer["page_size"]) == (
            len(expected),
            number,
            2,
        ), answer
        assert 1 <= len(answer["items"]) <= 2
        seen += ids(answer["items"])
    assert seen == expected, (path, params)
    beyond = h.ok(lw.get(path, params={**params, "page": last + 1, "page_size": 2}), 200)
    assert (beyond["items"], beyond["total"]) == ([], len(expected))


def test_jobs_in_pages_the_oldest_first_by_status_and_category(lw, h):
    made = seed(lw, h, 2)
    other = h.ok(h.job(lw, made["residents"][0], "samen koken"))
    cancelled = h.ok(h.job(lw, made["residents"][1]))
    h.ok(lw.post(f"{h.base}/jobs/{cancelled['id']}/cancel", json={"reason": "Niet meer nodig"}))
    jobs = [*ids(made["jobs"]), other["id"], cancelled["id"]]
    pages_of(lw, h, f"{h.base}/jobs/", jobs)
    pages_of(lw, h, f"{h.base}/jobs/", [cancelled["id"]], status="geannuleerd")
    pages_of(lw, h, f"{h.base}/jobs/", [other["id"]], category="samen koken")
    pages_of(lw, h, f"{h.base}/jobs/", [], category="samen koken", status="geannuleerd")
    listed = h.ok(lw.get(f"{h.base}/jobs/"), 200)["items"]
    assert listed[-1] == h.ok(lw.get(f"{h.base}/jobs/{cancelled['id']}"), 200)


def test_hours_in_pages_by_the_day_worked_by_status_and_volunteer(lw, h):
    made = seed(lw, h, 2)
    job, planned = made["jobs"][0], made["assignments"][0]
    earlier = h.ok(h.hours(lw, job["id"], planned["id"], "1", on="2026-03-02"))
    approved = ids(made["hours"])
    pages_of(lw, h, f"{h.base}/hours/", [earlier["id"], *approved])
    pages_of(lw, h, f"{h.base}/hours/", approved, status="goedgekeurd")
    pages_of(lw, h, f"{h.base}/hours/", [earlier["id"]], status="ingediend")
    pages_of(
        lw,
        h,
        f"{h.base}/hours/",
        [earlier["id"], approved[0]],
        helper_id=made["volunteers"][0],
    )


def test_invoices_in_pages_by_number_with_their_filters(lw, h):
    made = seed(lw, h, 3)
    first, second, third = made["invoices"]
    credit = h.ok(
        lw.post(
            f"{h.base}/invoices/{first['id']}/credit",
            json={"reason": "Half uur minder", "amount": "4.50", "issued_on": "2026-03-11"},
        )
    )
    h.ok(lw.post(f"{h.base}/invoices/{second['id']}/payment", json={"paid_on": "2026-03-20"}))
    base = f"{h.base}/invoices/"
    pages_of(lw, h, base, [first["id"], second["id"], third["id"], credit["id"]])
    pages_of(lw, h, base, [first["id"], credit["id"]], person_id=made["residents"][0])
    pages_of(lw, h, base, [third["id"]], job_id=made["jobs"][2]["id"])
    pages_of(lw, h, base, [second["id"]], status="betaald")
    pages_of(lw, h, base, [credit["id"]], **{"from": "2026-03-11"})
    pages_of(lw, h, base, [first["id"], second["id"], third["id"]], to="2026-03-10")
    refused = lw.get(base, params={"from": "2026-03-11", "to": "2026-03-10"})
    assert refused.status_code == 422, refused.text
    listed = h.ok(lw.get(base), 200)["items"]
    for invoice in listed:
        assert invoice == h.ok(lw.get(f"{base}{invoice['id']}"), 200)
    assert Decimal(listed[0]["outstanding"]) == Decimal("13.50")
    assert listed[3]["credits_invoice_number"] == first["number"]
    assert listed[0]["lines"]
    assert listed[3]["lines"]


def test_allowances_in_pages_by_month_with_the_volunteer_filter(lw, h):
    made = seed(lw, h, 3)
    pages_of(lw, h, f"{h.base}/allowances/", ids(made["allowances"]))
    pages_of(
        lw,
        h,
        f"{h.base}/allowances/",
        [made["allowances"][1]["id"]],
        helper_id=made["volunteers"][1],
    )


def test_participants_in_pages_in_the_order_added_active_or_ended(lw, h):
    made = seed(lw, h, 3)
    ended = made["participants"][1]
    h.ok(lw.post(f"{h.base}/participants/{ended['id']}/end", json={"ended_on": "2026-03-31"}))
    everyone = ids(made["participants"])
    pages_of(lw, h, f"{h.base}/participants", everyone)
    pages_of(lw, h, f"{h.base}/participants", [ended["id"]], active="false")
    pages_of(lw, h, f"{h.base}/participants", [everyone[0], everyone[2]], active="true")


def test_attendance_in_pages_by_day_with_its_filters(lw, h):
    made = seed(lw, h, 3)
    participant, activity = made["participants"][0], made["activities"][1]
    earlier = h.ok(
        lw.post(
            f"{h.base}/attendance",
            json={
                "participant_id": participant["id"],
                "activity_id": activity["id"],
                "day": "2026-03-02",
                "present": False,
            },
        )
    )
    on_the_third = ids(made["attendance"])
    base = f"{h.base}/attendance"
    pages_of(lw, h, base, [earlier["id"], *on_the_third])
    pages_of(lw, h, base, on_the_third, day="2026-03-03")
    pages_of(lw, h, base, [earlier["id"], on_the_third[0]], participant_id=participant["id"])
    pages_of(lw, h, base, [earlier["id"], on_the_third[1]], activity_id=activity["id"])
    pages_of(
        lw,
        h,
        base,
        [earlier["id"]],
        day="2026-03-02",
        participant_id=participant["id"],
        activity_id=activity["id"],
    )


def test_outflow_in_pages_by_date(lw, h):
    made = seed(lw, h, 2)
    to_work = ids(made["outflow"][0::2])  # on 20 March
    to_training = ids(made["outflow"][1::2])  # on 10 March
    pages_of(lw, h, f"{h.base}/outflow", [*to_training, *to_work])


def test_activities_in_pages_by_name(lw, h):
    made = seed(lw, h, 2)
    first = h.ok(
        lw.post(f"{h.base}/activities", json={"name": "Aardappels schillen", "supervisor": "Jan"})
    )
    pages_of(lw, h, f"{h.base}/activities", [first["id"], *ids(made["activities"])])


def test_a_page_size_beyond_the_maximum_is_refused_with_problem_details(lw, h):
    for path in LISTS:
        for params in ({"page_size": 101}, {"page": 0}):
            refused = lw.get(f"{h.base}{path}", params=params)
            assert refused.status_code == 422, (path, params, refused.text)
            assert refused.headers["content-type"].startswith("application/problem+json")
        full = h.ok(lw.get(f"{h.base}{path}", params={"page_size": 100}), 200)
        assert (full["page_size"], full["total"]) == (100, 0)


def test_a_page_is_read_with_as_many_statements_however_many_rows_it_holds(platform, lw, h):
    made = seed(lw, h, 1)
    credit = {"reason": "Minder", "amount": "1.00", "issued_on": "2026-03-11"}
    h.ok(lw.post(f"{h.base}/invoices/{made['invoices'][0]['id']}/credit", json=credit))
    few = {path: statements_of(platform, lw, f"{h.base}{path}")[0] for path in LISTS}
    seed(lw, h, 4, first=1)
    for path in LISTS:
        answer = h.ok(lw.get(f"{h.base}{path}"), 200)
        assert len(answer["items"]) >= 5, path
        many, _ = statements_of(platform, lw, f"{h.base}{path}")
        assert len(many) == len(few[path]), (path, few[path], many)


def subjects_of(platform: Any, answer: Any) -> set[int]:
    """The persons the access log names for ``answer``'s request."""
    with tenant_scope("leeuwarden"), platform.sessions.begin() as session:
        return {
            e.subject_person_id
            for e in session.exec(
                select(AccessLogEntry).where(
                    AccessLogEntry.trace_id == answer.headers["x-trace-id"]
                )
            )
            if e.subject_person_id is not None
        }


def test_the_access_log_names_the_persons_of_the_page_only(platform, lw, h):
    made = seed(lw, h, 3)
    jobs = lw.get(f"{h.base}/jobs/", params={"page": 2, "page_size": 2})
    assert ids(jobs.json()["items"]) == [made["jobs"][2]["id"]]
    assert subjects_of(platform, jobs) == {made["residents"][2]}
    present = lw.get(f"{h.base}/attendance", params={"page_size": 2})
    assert ids(present.json()["items"]) == ids(made["attendance"][:2])
    assert subjects_of(platform, present) == set(made["participant_persons"][:2])
