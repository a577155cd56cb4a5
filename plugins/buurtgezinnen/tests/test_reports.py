"""The programme's tables on the reports page (``ui_reports``), their CSV and Excel
exports, and who may see them."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import timedelta
from typing import Any

from openpyxl import load_workbook

from noaber.clock import dutch_today

PAGE = "/beheer/rapportages"


def exported(client: Any, name: str) -> list[list[str]]:
    response = client.get(f"{PAGE}/{name}.csv")
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def workbook_rows(client: Any, name: str) -> list[list[Any]]:
    response = client.get(f"{PAGE}/{name}.xlsx")
    assert response.status_code == 200, response.text
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_couplings_per_year_waiting_list_and_end_reasons(mp, client_for, bg):
    today = dutch_today()
    ago = lambda n: today - timedelta(days=n)  # noqa: E731
    steun = [bg.ready_steungezin(mp, 200, name="Gezin de Vries")]
    steun.append(bg.ready_steungezin(mp, 190, name="Gezin Visser", postcode="7941 CD"))
    vraag = [bg.ready_vraaggezin(mp, 100, name="Gezin Jansen")]
    vraag.append(bg.ready_vraaggezin(mp, 90, name="Gezin Smit"))
    waiting = bg.ready_vraaggezin(mp, 30, name="Gezin Mulder")
    first = bg.ok(bg.couple(mp, vraag[0]["id"], steun[0]["id"], ago=60))
    second = bg.ok(bg.couple(mp, vraag[1]["id"], steun[1]["id"], ago=50))
    bg.ok(bg.step(mp, first["id"], "proefperiode", 55))
    bg.ok(bg.step(mp, first["id"], "afspraken", 50, agreement="Woensdagmiddag opvang."))
    bg.ok(bg.step(mp, first["id"], "actief", 45))
    bg.ok(bg.step(mp, second["id"], "afgesloten", 40, reason="geen_klik", note="Geen klik"))

    # What the reports must say, from the dates entered above.
    couplings = [(ago(60), ago(100), ago(45), None), (ago(50), ago(90), None, ago(40))]
    expected: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"new": 0, "active": 0, "ended": 0, "waits": [], "vraag": 0, "steun": 0}
    )
    for kennismaking, signed_up, active_since, ended_on in couplings:
        expected[kennismaking.year]["new"] += 1
        expected[kennismaking.year]["waits"].append((kennismaking - signed_up).days)
        if active_since is not None:
            for year in range(active_since.year, today.year + 1):
                expected[year]["active"] += 1
        if ended_on is not None:
            expected[ended_on.year]["ended"] += 1
    for n in (100, 90, 30):
        expected[ago(n).year]["vraag"] += 1
    for n in (200, 190):
        expected[ago(n).year]["steun"] += 1
    years = range(ago(200).year, today.year + 1)
    children = 2  # each vraaggezin has two children; only coupled families count
    per_year = [
        [
            str(y),
            str(expected[y]["new"]),
            str(expected[y]["active"]),
            str(expected[y]["ended"]),
            str(round(sum(expected[y]["waits"]) / len(expected[y]["waits"]), 1))
            if expected[y]["waits"]
            else "",
            str(expected[y]["vraag"]),
            str(expected[y]["steun"]),
            str(children * len(couplings)) if y == today.year else "0",
        ]
        for y in years
    ]

    page = mp.get(PAGE)
    assert page.status_code == 200
    for title in (
        "Buurtgezinnen: koppelingen per jaar",
        "Buurtgezinnen: beëindigde koppelingen per reden",
        "Buurtgezinnen: wachtlijst",
    ):
        assert f'aria-label="{title}"' in page.text  # drawn as a chart
    for name in ("Jansen", "Smit", "Mulder", "Visser", "Vries"):
        assert name not in page.text  # aggregates only
    table = exported(mp, "buurtgezinnen-koppelingen-per-jaar")
    assert table[0][:4] == [
        "Jaar",
        "Nieuwe koppelingen",
        "Actieve koppelingen",
        "Beëindigde koppelingen",
    ]
    if all(y == today.year for y in (ago(200).year, ago(100).year)):
        assert table[1:] == per_year
    else:  # the history crosses new year: the years the coupling ran in still add up
        assert [r[0] for r in table[1:]] == [r[0] for r in per_year]
        assert sum(int(r[1]) for r in table[1:]) == len(couplings)

    reasons = exported(mp, "buurtgezinnen-beeindigd-per-reden")
    assert reasons[0] == ["Reden", *(str(y) for y in years), "Totaal"]
    assert [r[0] for r in reasons[1:]] == ["Geen klik"]
    assert reasons[1][-1] == "1"
    assert reasons[1][1 + list(years).index(ago(40).year)] == "1"

    waiting_rows = exported(mp, "buurtgezinnen-wachtlijst")
    assert waiting_rows[1] == ["Vraaggezinnen", "1", str(float((today - ago(30)).days))]
    # The second steungezin is free again since its coupling ended 40 days ago; the
    # first still supports a family.
    assert waiting_rows[2] == ["Steungezinnen", "1", str(float((today - ago(40)).days))]
    assert waiting["id"] not in (vraag[0]["id"], vraag[1]["id"])

    book = workbook_rows(mp, "buurtgezinnen-koppelingen-per-jaar")
    assert book[0] == table[0]
    assert book[-1][0] == table[-1][0]
    assert [None if v is None else float(v) for v in book[-1][1:]] == [
        float(v) if v else None for v in table[-1][1:]
    ]


def test_the_programme_s_coordinators_and_admins_see_it_others_do_not(client_for):
    name, title = "buurtgezinnen-koppelingen-per-jaar", "Buurtgezinnen: koppelingen per jaar"
    # The programme's own coordinators see its tables and export them (issue 10).
    own = client_for("leeuwarden", role="coordinator", programme="buurtgezinnen")
    assert title in own.get(PAGE).text
    assert own.get(f"{PAGE}/{name}.csv").status_code == 200
    # A coordinator of another programme does not see them; the export is a 403.
    other = client_for("leeuwarden", role="coordinator", programme="wijkbedrijf")
    page = other.get(PAGE)
    assert page.status_code == 200
    assert title not in page.text
    assert other.get(f"{PAGE}/{name}.csv").status_code == 403
    assert other.get(f"{PAGE}/{name}.xlsx").status_code == 403
    assert client_for("meppel", role="volunteer").get(f"{PAGE}/{name}.xlsx").status_code == 403
    # Amersfoort does not run Buurtgezinnen: no table, no export.
    amersfoort = client_for("amersfoort")
    assert "Buurtgezinnen" not in amersfoort.get(PAGE).text
    assert amersfoort.get(f"{PAGE}/{name}.csv").status_code == 404
    assert "Buurtgezinnen: koppelingen per jaar" in client_for("meppel").get(PAGE).text
