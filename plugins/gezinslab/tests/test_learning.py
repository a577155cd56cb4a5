"""The learning network: lessons and blockages, tagged, and an overview for policy makers."""

from __future__ import annotations

LESSONS = "/api/gezinslab/lessons"


def share(lw, kind, title, tags, on, **extra):
    r = lw.post(
        LESSONS + "/",
        json={
            "kind": kind,
            "title": title,
            "text": title + ".",
            "tags": tags,
            "noticed_on": on,
            "author": "Gezinslab Oost",
            **extra,
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


def test_lessons_tagged_and_overview(lw, h):
    tid = h.start(lw, h.make_household(lw))["id"]
    share(
        lw,
        "knelpunt",
        "Geen urgentie voor terugplaatsing",
        ["Wonen", "jeugdzorg"],
        "2025-03-20",
        trajectory_id=tid,
    )
    share(lw, "knelpunt", "Wachttijd schuldhulp", ["schulden"], "2025-10-08")
    share(
        lw, "les", "Ervaringsdeskundige bij eerste gesprek", ["vertrouwen", "wonen"], "2025-04-14"
    )
    share(lw, "les", "Oud", ["wonen"], "2024-06-01")

    wonen = lw.get(LESSONS + "/", params={"tag": "wonen"}).json()["items"]
    assert [x["title"] for x in wonen] == [
        "Ervaringsdeskundige bij eerste gesprek",
        "Geen urgentie voor terugplaatsing",
        "Oud",
    ]
    assert wonen[1]["tags"] == ["jeugdzorg", "wonen"]
    blockages = lw.get(LESSONS + "/", params={"kind": "knelpunt"}).json()["items"]
    assert len(blockages) == 2

    overview = lw.get(
        LESSONS + "/overview", params={"from": "2025-01-01", "to": "2025-12-31"}
    ).json()
    assert (overview["lessons"], overview["blockages"]) == (1, 2)
    assert overview["by_tag"][0] == {"tag": "wonen", "lessons": 1, "blockages": 1}
    assert {b["title"] for b in overview["blockage_items"]} == {
        "Geen urgentie voor terugplaatsing",
        "Wachttijd schuldhulp",
    }
    r = lw.get(LESSONS + "/overview", params={"from": "2025-12-31", "to": "2025-01-01"})
    assert r.status_code == 422


def test_lesson_refusals(lw):
    r = lw.post(
        LESSONS + "/",
        json={
            "kind": "les",
            "title": "x",
            "text": "x",
            "noticed_on": "2025-01-01",
            "author": "a",
            "trajectory_id": 999,
        },
    )
    assert r.status_code == 422
    r = lw.post(
        LESSONS + "/",
        json={
            "kind": "les",
            "title": "x",
            "text": "x",
            "noticed_on": "2025-01-01",
            "author": "a",
            "tags": ["met spatie"],
        },
    )
    assert r.status_code == 422
    assert lw.get(LESSONS + "/").json()["items"] == []
