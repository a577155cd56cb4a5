"""Factorenmodel CSV import (all or nothing, errors with line numbers) and neighbourhood
figures with z-scores and small-count suppression."""

from __future__ import annotations

import pytest

from noaber_doorbraak.factors import suppress

URL = "/api/doorbraak/factors/import"
HEADER = "neighbourhood,factor,setting,kind,value,reference_value,year,source"
GOOD = [
    HEADER,
    "Liendert,Armoede,gezin,risico,21.0,11.0,2025,CBS Kerncijfers",
    "Rustenburg,Armoede,home,risk,12.0,11.0,2025,CBS Kerncijfers",
    "WK030710,Armoede,gezin,risico,9.0,11.0,2025,CBS Kerncijfers",
    "Liendert,Sociale cohesie,buurt,beschermend,4.8,6.1,2025,Veiligheidsmonitor",
    "Schothorst,Sociale cohesie,neighbourhood,protective,6.9,6.1,2025,Veiligheidsmonitor",
]


def post_csv(client, lines):
    text = "\n".join(lines) + "\n"
    return client.post(URL, content=text.encode(), headers={"Content-Type": "text/csv"})


def overview(client, **params):
    r = client.get("/api/doorbraak/neighbourhoods", params=params)
    assert r.status_code == 200, r.text
    return {n["name"]: n for n in r.json()["neighbourhoods"]}


def test_import_and_z_scores(af):
    r = post_csv(af, GOOD)
    assert r.status_code == 201, r.text
    assert r.json()["imported"] == 5
    assert r.json()["neighbourhoods"] == ["Liendert", "Rustenburg", "Schothorst"]
    hoods = overview(af, year=2025)
    armoede = {
        name: next(f for f in n["factors"] if f["factor"] == "Armoede") for name, n in hoods.items()
    }
    # Mean 14, population standard deviation sqrt(26): Liendert z = 7 / 5.099 = 1.373.
    assert armoede["Liendert"]["municipality_mean"] == 14.0
    assert armoede["Liendert"]["z_score"] == pytest.approx(1.373, abs=0.001)
    assert armoede["Schothorst"]["z_score"] == pytest.approx(-0.981, abs=0.001)
    assert armoede["Rustenburg"]["setting"] == "gezin"
    assert armoede["Rustenburg"]["kind"] == "risico"
    assert armoede["Liendert"]["reference_value"] == "11.0000"
    # Re-importing the same indicators replaces them instead of adding duplicates.
    again = post_csv(af, [HEADER, "Liendert,Armoede,gezin,risico,19.5,11.0,2025,CBS 2e release"])
    assert again.json() == {
        "imported": 1,
        "replaced": 1,
        "years": [2025],
        "neighbourhoods": ["Liendert"],
    }
    liendert = overview(af)["Liendert"]["factors"]
    assert [f["value"] for f in liendert if f["factor"] == "Armoede"] == ["19.5000"]


def test_semicolons_and_decimal_commas(af):
    lines = [HEADER.replace(",", ";"), "Liendert;Armoede;gezin;risico;21,5;11,0;2025;CBS"]
    r = post_csv(af, lines)
    assert r.status_code == 201, r.text
    assert overview(af)["Liendert"]["factors"][0]["value"] == "21.5000"


def _refused_with_lines(r, lines, words):
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert sorted({e["line"] for e in body["errors"]}) == lines, body
    text = body["detail"] + " ".join(e["message"] for e in body["errors"])
    for word in words:
        assert word in text, body
    assert "nothing was imported" in body["detail"]
    return body


def test_a_missing_column_refuses_the_whole_import(af):
    r = post_csv(af, [HEADER.replace(",reference_value", ""), "Liendert,A,gezin,risico,1,2025,CBS"])
    body = _refused_with_lines(r, [1], ["column 'reference_value' is missing"])
    assert body["errors"][0]["field"] == "reference_value"
    assert overview(af)["Liendert"]["factors"] == []


def test_non_numeric_values_refuse_the_whole_import_with_line_numbers(af):
    lines = [*GOOD[:3], "Schothorst,Armoede,gezin,risico,veel,11.0,2025,CBS", *GOOD[4:]]
    lines.append("Liendert,Werkloosheid,gezin,risico,7.0,n.b.,2025,CBS")
    r = post_csv(af, lines)
    body = _refused_with_lines(r, [4, 7], ["line 4: 'veel' is not a number", "line 7: 'n.b.'"])
    assert {e["field"] for e in body["errors"]} == {"value", "reference_value"}
    # The good lines were not imported either.
    assert all(n["factors"] == [] for n in overview(af).values())


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("Atlantis,Armoede,gezin,risico,1,2,2025,CBS", ["'Atlantis' is not a neighbourhood"]),
        ("Liendert,Armoede,kantoor,risico,1,2,2025,CBS", ["'kantoor' is not a setting"]),
        ("Liendert,Armoede,gezin,neutraal,1,2,2025,CBS", ["'neutraal' is not risico"]),
        ("Liendert,Armoede,gezin,risico,1,2,twintig,CBS", ["'twintig' is not a year"]),
        ("Liendert,Armoede,gezin,risico,1,2,2025,", ["source is empty"]),
        ("Liendert,Armoede,gezin,risico,NaN,2,2025,CBS", ["'NaN' is not a number"]),
    ],
)
def test_each_bad_value_is_named_with_its_line(af, line, words):
    r = post_csv(af, [HEADER, GOOD[1], line])
    _refused_with_lines(r, [3], words)
    assert overview(af)["Liendert"]["factors"] == []


def test_duplicates_empty_files_and_non_utf8(af):
    _refused_with_lines(post_csv(af, [HEADER, GOOD[1], GOOD[1]]), [3], ["on line 2 already"])
    _refused_with_lines(post_csv(af, [HEADER]), [1], ["no data lines"])
    _refused_with_lines(post_csv(af, []), [1], ["empty"])
    latin = (HEADER + "\nLiendert,Armoede,gezin,risico,1,2,2025,Gemeente M\xfcnster\n").encode(
        "latin-1"
    )
    r = af.post(URL, content=latin, headers={"Content-Type": "text/csv"})
    _refused_with_lines(r, [1], ["not UTF-8"])


def test_suppression_rule():
    assert suppress({1: 12, 2: 3, 3: 7}, 5) == {1: 12, 2: None, 3: None}
    assert suppress({1: 12, 2: 3, 3: 0}, 5) == {1: 12, 2: None, 3: None}
    assert suppress({1: 12, 2: 9}, 5) == {1: 12, 2: 9}
    assert suppress({1: 5, 2: 4, 3: 4}, 5) == {1: 5, 2: None, 3: None}
    assert suppress({1: 4}, 5) == {1: None}


def test_small_counts_are_suppressed_in_neighbourhood_figures(af, h):
    # Six cases in Liendert (3816), two in Rustenburg (3817), none in Schothorst.
    for i in range(6):
        h.open_case(af, h.make_household(af, f"Gezin L{i}", postcode="3816AA"))
    for i in range(2):
        h.open_case(af, h.make_household(af, f"Gezin R{i}", postcode="3817AA"))
    hoods = overview(af)
    assert hoods["Liendert"]["activity"]["cases"] == 6
    assert hoods["Rustenburg"]["activity"]["cases"] is None
    assert hoods["Schothorst"]["activity"]["cases"] is None
    assert "cases" in hoods["Rustenburg"]["activity"]["suppressed"]
    assert "cases" not in hoods["Liendert"]["activity"]["suppressed"]
    # No referrals or couplings anywhere: every such count is under the threshold.
    assert all(n["activity"]["referrals"] is None for n in hoods.values())
    # The municipality's figures carry totals, never a neighbourhood breakdown.
    assert af.get("/api/doorbraak/figures").json()["cases"] == 8
    assert "2" not in [str(n["activity"]["cases"]) for n in hoods.values()]
