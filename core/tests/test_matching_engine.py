"""The matching engine on arrays: every built-in filter and score component, the
explanation of each, ranking order and batch assignment (load and fairness)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import numpy as np
import pytest

from noaber.matching import engine as eng
from noaber.matching.columns import (
    SLOTS,
    HelperRow,
    MatchFilter,
    RequestRow,
    ScoreComponent,
    build_helper_columns,
    build_request_batch,
)

TODAY = date(2026, 11, 23)
HOODS = [10, 11, 12]


def helper(id: int, **changes: object) -> HelperRow:
    base = HelperRow(
        id=id,
        active=True,
        load=0,
        max_load=1,
        availability=["mon_morning"],
        skills=["tuin"],
        languages=["nl"],
        reach=[10],
        reach_anywhere=False,
        home=10,
        vog_until=TODAY + timedelta(days=365),
        age_min=None,
        age_max=None,
        recent=0,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def request(id: int = 1, **changes: object) -> RequestRow:
    base = RequestRow(
        id=id,
        type="hulpvraag",
        availability=["mon_morning"],
        skills=["tuin"],
        languages=["nl"],
        neighbourhood=10,
        needs_vog=False,
        child_ages=[],
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def criteria(**weights: float) -> eng.Criteria:
    return eng.make_criteria(eng.BUILTIN_FILTERS, eng.BUILTIN_COMPONENTS, weights)


def explain_one(req: RequestRow, helpers: list[HelperRow], who: int, **weights: float) -> dict:
    cols = build_helper_columns(helpers, HOODS)
    batch = build_request_batch([req], cols, TODAY)
    position = cols.position(who)
    assert position is not None
    return eng.explain(criteria(**weights), batch, cols, position)


def components(explanation: dict) -> dict[str, dict]:
    return {c["name"]: c for c in explanation["components"]}


# --- filters: each excludes exactly what it says, and the explanation names it -----------


@pytest.mark.parametrize(
    ("name", "req", "excluded", "kept"),
    [
        ("active", request(), helper(1, active=False), helper(2)),
        ("capacity", request(), helper(1, load=2, max_load=2), helper(2, load=1, max_load=2)),
        (
            "availability",
            request(availability=["tue_evening"]),
            helper(1, availability=["mon_morning"]),
            helper(2, availability=["mon_morning", "tue_evening"]),
        ),
        (
            "reach",
            request(neighbourhood=11),
            helper(1, reach=[10]),
            helper(2, reach=[10], reach_anywhere=True),
        ),
        (
            "vog",
            request(needs_vog=True),
            helper(1, vog_until=TODAY - timedelta(days=1)),
            helper(2, vog_until=TODAY),
        ),
        (
            "vog",
            request(needs_vog=True),
            helper(1, vog_until=None),
            helper(2),
        ),
        (
            # Within the radius, outside the listed neighbourhoods (6.19 -> 6.22 is ~2 km
            # at this latitude, 6.19 -> 6.30 ~7.4 km).
            "reach",
            request(neighbourhood=11, latitude=52.70, longitude=6.19),
            helper(1, reach=[10], latitude=52.70, longitude=6.30, reach_radius_km=5.0),
            helper(2, reach=[10], latitude=52.70, longitude=6.22, reach_radius_km=5.0),
        ),
        (
            "reach",
            request(neighbourhood=11),  # no coordinates: the radius cannot apply
            helper(1, reach=[10], latitude=52.70, longitude=6.19, reach_radius_km=50.0),
            helper(2, reach=[11]),
        ),
        ("not_matched", request(matched_helpers=[1]), helper(1), helper(2)),
        (
            "child_ages",
            request(child_ages=[3, 9]),
            helper(1, age_min=4, age_max=12),
            helper(2, age_min=0, age_max=9),
        ),
    ],
)
def test_each_filter_excludes_and_explains(name, req, excluded, kept):
    for who, eligible in ((excluded.id, False), (kept.id, True)):
        explanation = explain_one(req, [excluded, kept], who)
        assert explanation["eligible"] is eligible
        if eligible:
            assert explanation["excluded_by"] is None
            assert explanation["failed_filters"] == []
        else:
            assert explanation["excluded_by"] == name
            assert [f["filter"] for f in explanation["failed_filters"]] == [name]
            assert explanation["failed_filters"][0]["description"]


def test_filters_that_do_not_apply_keep_everyone():
    """No wished slots, no neighbourhood, no children, no VOG needed: nobody is excluded
    for those reasons, whatever the helper's profile."""
    req = request(availability=[], neighbourhood=None, child_ages=[], needs_vog=False)
    odd = helper(1, availability=[], reach=[], home=None, vog_until=None, age_min=15, age_max=16)
    assert explain_one(req, [odd], 1)["eligible"] is True


def test_every_failing_filter_is_listed_first_one_named():
    req = request(availability=["sun_evening"], neighbourhood=12, needs_vog=True)
    bad = helper(1, active=False, vog_until=None)
    explanation = explain_one(req, [bad], 1)
    assert explanation["excluded_by"] == "active"
    assert [f["filter"] for f in explanation["failed_filters"]] == [
        "active",
        "availability",
        "reach",
        "vog",
    ]


def test_distance_km_is_close_to_the_great_circle():
    # Meppel station (52.6920, 6.1960) to Leeuwarden station (53.1966, 5.7928): ~62.2 km.
    d = eng.distance_km(np.array(52.6920), np.array(6.1960), np.array(53.1966), np.array(5.7928))
    assert float(d) == pytest.approx(62.2, rel=0.01)
    assert np.isnan(eng.distance_km(np.array(np.nan), np.array(6.0), np.array(52.0), np.array(6.0)))


def test_already_matched_pairs_excluded_per_request_only():
    rows = [helper(1, max_load=3), helper(2, max_load=3)]
    cols = build_helper_columns(rows, HOODS)
    batch = build_request_batch([request(1, matched_helpers=[2]), request(2)], cols, TODAY)
    keep = eng.keep_mask(criteria(), batch, cols)
    assert keep.tolist() == [[True, False], [True, True]]


def test_helper_columns_sorted_by_id():
    cols = build_helper_columns([helper(9), helper(3), helper(5)], HOODS)
    assert cols.ids.tolist() == [3, 5, 9]
    assert cols.position(5) == 1


# --- score components: value, weight and contribution --------------------------------------


@pytest.mark.parametrize(
    ("name", "req", "row", "value"),
    [
        ("skills", request(skills=["tuin", "koken"]), helper(1, skills=["tuin"]), 0.5),
        ("skills", request(skills=["tuin", "koken"]), helper(1, skills=["Koken", "tuin"]), 1.0),
        ("skills", request(skills=["klussen"]), helper(1, skills=["tuin"]), 0.0),
        ("skills", request(skills=[]), helper(1, skills=[]), 1.0),
        (
            "availability",
            request(availability=["mon_morning", "tue_morning", "wed_morning", "thu_morning"]),
            helper(1, availability=["mon_morning", "wed_morning", "sat_evening"]),
            0.5,
        ),
        ("proximity", request(neighbourhood=10), helper(1, home=10), 1.0),
        ("proximity", request(neighbourhood=10), helper(1, home=11, reach=[10, 11]), 0.5),
        ("languages", request(languages=["ar", "nl"]), helper(1, languages=["ar"]), 1.0),
        ("languages", request(languages=["ar"]), helper(1, languages=["nl", "fy"]), 0.0),
        ("languages", request(languages=[]), helper(1, languages=["nl"]), 1.0),
        ("spare_capacity", request(), helper(1, load=1, max_load=4), 0.75),
        ("spare_capacity", request(), helper(1, load=0, max_load=3), 1.0),
        ("fairness", request(), helper(1, recent=0), 1.0),
        ("fairness", request(), helper(1, recent=3), 0.25),
    ],
)
def test_each_component_value_and_contribution(name, req, row, value):
    explanation = explain_one(req, [row], 1)
    found = components(explanation)[name]
    assert found["value"] == pytest.approx(value, abs=1e-4)
    total_weight = sum(c["weight"] for c in explanation["components"])
    assert found["contribution"] == pytest.approx(
        100 * found["weight"] * value / total_weight, 1e-3
    )
    assert found["description"]
    assert explanation["score"] == pytest.approx(
        sum(c["contribution"] for c in explanation["components"]), abs=1e-3
    )


def test_weights_come_from_configuration_and_zero_switches_off():
    req = request(skills=["tuin", "koken"])
    row = helper(1, skills=["tuin"])
    default = components(explain_one(req, [row], 1))
    assert default["skills"]["weight"] == 3.0
    only_skills = explain_one(
        req,
        [row],
        1,
        availability=0,
        proximity=0,
        languages=0,
        spare_capacity=0,
        fairness=0,
        skills=7,
    )
    assert components(only_skills)["skills"]["weight"] == 7.0
    assert only_skills["score"] == pytest.approx(50.0)
    assert components(only_skills)["fairness"]["contribution"] == 0.0


def test_explanation_agrees_with_the_score_matrix():
    rows = [helper(i, skills=["tuin"] if i % 2 else ["koken"], recent=i % 3) for i in range(1, 9)]
    cols = build_helper_columns(rows, HOODS)
    batch = build_request_batch([request(skills=["tuin", "koken"])], cols, TODAY)
    c = criteria()
    scores = eng.score_matrix(c, batch, cols)[0]
    for j in range(len(rows)):
        assert eng.explain(c, batch, cols, j)["score"] == pytest.approx(scores[j], abs=1e-3)


# --- ranking ------------------------------------------------------------------------------------


def test_rank_best_first_ties_to_lower_id_excluded_never_ranked():
    rows = [
        helper(5, skills=["tuin"]),
        helper(3, skills=["tuin"]),
        helper(4, skills=[]),
        helper(9, skills=["tuin"], active=False),
        helper(2, skills=["tuin"], recent=1),
    ]
    cols = build_helper_columns(rows, HOODS)
    batch = build_request_batch([request()], cols, TODAY)
    ranking = eng.rank(criteria(), batch, cols, k=10)
    ranked_ids = [int(cols.ids[j]) for j in ranking.helper_positions]
    assert ranked_ids == [3, 5, 2, 4]
    assert 9 not in ranked_ids
    two = eng.rank(criteria(), batch, cols, k=2)
    assert [int(cols.ids[j]) for j in two.helper_positions] == [3, 5]


def test_rank_with_nobody_eligible_is_empty():
    cols = build_helper_columns([helper(1, active=False)], HOODS)
    batch = build_request_batch([request()], cols, TODAY)
    assert eng.rank(criteria(), batch, cols, k=5).helper_positions.size == 0


# --- plugin criteria ------------------------------------------------------------------------------


def test_extra_filter_and_component_take_part():
    rows = [helper(1), helper(2), helper(3)]
    cols = build_helper_columns(rows, HOODS)
    batch = build_request_batch([request()], cols, TODAY)
    odd_only = MatchFilter("odd_ids", "Only odd ids.", lambda r, h: (h.ids % 2 == 1)[None, :])
    prefer_three = ScoreComponent(
        "likes_three", "1 for helper 3.", lambda r, h: (h.ids == 3).astype(float)[None, :], 1.0
    )
    c = eng.make_criteria(
        (*eng.BUILTIN_FILTERS, odd_only),
        (*eng.BUILTIN_COMPONENTS, prefer_three),
        {"likes_three": 50},
    )
    ranking = eng.rank(c, batch, cols, k=5)
    assert [int(cols.ids[j]) for j in ranking.helper_positions] == [3, 1]
    why_not_two = eng.explain(c, batch, cols, 1)
    assert why_not_two["excluded_by"] == "odd_ids"
    three = components(eng.explain(c, batch, cols, 2))["likes_three"]
    assert three["weight"] == 50.0
    assert three["value"] == 1.0


# --- batch assignment ------------------------------------------------------------------------------


def assigned(c: eng.Criteria, reqs: list[RequestRow], rows: list[HelperRow]) -> dict[int, int]:
    cols = build_helper_columns(rows, HOODS)
    batch = build_request_batch(reqs, cols, TODAY)
    return {
        int(batch.ids[a.request_index]): int(cols.ids[a.helper_position])
        for a in eng.assign(c, batch, cols)
    }


def test_assignment_is_optimal_not_greedy():
    """Greedy would give request 1 its best helper (A) and leave request 2 with nobody;
    the optimum gives request 1 helper B so both are served."""
    reqs = [
        request(1, skills=["tuin"], availability=[]),
        request(2, skills=["tuin"], availability=["sat_evening"]),
    ]
    rows = [
        helper(100, skills=["tuin"], availability=["sat_evening"]),  # A: best for both
        helper(200, skills=[], availability=["mon_morning"]),  # B: only fits request 1
    ]
    assert assigned(criteria(), reqs, rows) == {1: 200, 2: 100}


def test_assignment_respects_free_load():
    reqs = [request(i) for i in range(1, 6)]
    rows = [
        helper(100, max_load=3, load=1),
        helper(200, max_load=1),
        helper(300, max_load=2, load=2),
    ]
    result = assigned(criteria(), reqs, rows)
    per_helper = {h: list(result.values()).count(h) for h in (100, 200, 300)}
    assert per_helper == {100: 2, 200: 1, 300: 0}
    assert len(result) == 3


def test_assignment_never_uses_an_excluded_pair():
    reqs = [request(1, neighbourhood=12), request(2)]
    rows = [helper(100, reach=[10])]
    assert assigned(criteria(), reqs, rows) == {2: 100}


def test_assignment_spreads_work_and_prefers_helpers_not_used_recently():
    reqs = [request(1), request(2)]
    busy = helper(100, max_load=5, recent=4)
    fresh = helper(200, max_load=5, recent=0)
    other = helper(300, max_load=5, recent=0)
    result = assigned(criteria(), reqs, [busy, fresh, other])
    # Two equally good fresh helpers take one request each; the recently used one none.
    assert sorted(result.values()) == [200, 300]
    # One request, one recently used and one fresh helper: the fresh one gets it...
    assert assigned(criteria(), [request(1)], [busy, fresh]) == {1: 200}
    # ...and fairness alone made the difference: without it both score the same.
    cols = build_helper_columns([busy, fresh], HOODS)
    batch = build_request_batch([request(1)], cols, TODAY)
    flat = eng.score_matrix(criteria(fairness=0), batch, cols)[0]
    assert flat[0] == pytest.approx(flat[1])


def test_assignment_second_place_of_one_helper_costs_more_than_a_free_helper():
    reqs = [request(1), request(2)]
    rows = [helper(100, max_load=2), helper(200, max_load=2)]
    result = assigned(criteria(), reqs, rows)
    assert sorted(result.values()) == [100, 200]


def test_prepare_cost_columns_one_per_free_place():
    rows = [helper(1, max_load=3, load=1), helper(2, max_load=1, load=1), helper(3, max_load=2)]
    cols = build_helper_columns(rows, HOODS)
    batch = build_request_batch([request(1), request(2), request(3)], cols, TODAY)
    c = criteria()
    keep = eng.keep_mask(c, batch, cols)
    scores = eng.score_matrix(c, batch, cols)
    cost, columns, transposed = eng.prepare_cost(scores, keep, cols, len(batch))
    assert [int(cols.ids[j]) for j in columns] == [1, 1, 3, 3]
    assert not transposed  # no more rows than columns
    assert cost.shape == (3, 4)
    # A helper's second place costs SLOT_PENALTY more than its first.
    assert cost[0, 1] - cost[0, 0] == pytest.approx(eng.SLOT_PENALTY)
    assert np.all(cost[:, 2] < eng.INFEASIBLE)


def test_more_requests_than_places_make_the_cost_matrix_transposed_and_assign_the_same():
    """With more requests than free places the matrix is (places, requests), the shape
    the solver takes without copying; the assignment is as optimal as the other way."""
    from scipy.optimize import linear_sum_assignment

    rows = [helper(1, max_load=2), helper(2, max_load=1, skills=["koken"]), helper(3)]
    reqs = [request(i, skills=["koken"] if i % 2 else ["tuin"]) for i in range(1, 7)]
    cols = build_helper_columns(rows, HOODS)
    batch = build_request_batch(reqs, cols, TODAY)
    c = criteria()
    keep = eng.keep_mask(c, batch, cols)
    scores = eng.score_matrix(c, batch, cols)
    cost, columns, transposed = eng.prepare_cost(scores, keep, cols, len(batch))
    assert transposed
    assert cost.shape == (columns.size, len(batch)) == (4, 6)
    assert [int(cols.ids[j]) for j in columns] == [1, 1, 2, 3]
    assert cost[1, 0] - cost[0, 0] == pytest.approx(eng.SLOT_PENALTY)  # place 2 of helper 1
    # The same problem the other way round has the same optimum.
    rows_t, cols_t = linear_sum_assignment(cost)
    rows_n, cols_n = linear_sum_assignment(np.ascontiguousarray(cost.T))
    assert cost[rows_t, cols_t].sum() == pytest.approx(cost.T[rows_n, cols_n].sum())
    result = eng.assign(c, batch, cols)
    assert [a.request_index for a in result] == sorted(a.request_index for a in result)
    assert len(result) == 4  # every place taken
    taken = np.bincount([a.helper_position for a in result], minlength=len(cols))
    assert taken.tolist() == [2, 1, 1]
    assert sum(a.score for a in result) == pytest.approx(
        sum(float(scores[a.request_index, a.helper_position]) for a in result)
    )


def test_slots_vocabulary_is_the_week():
    assert len(SLOTS) == 21
    assert SLOTS[0] == "mon_morning"
    assert SLOTS[-1] == "sun_evening"


def test_explain_pairs_agree_with_one_at_a_time():
    rows = [helper(i, skills=["tuin"] if i % 2 else ["koken"], recent=i % 3) for i in range(1, 7)]
    reqs = [
        request(1, skills=["tuin"]),
        request(2, skills=["koken"], matched_helpers=[4]),
        request(3, availability=["sun_evening"]),
    ]
    cols = build_helper_columns(rows, HOODS)
    batch = build_request_batch(reqs, cols, TODAY)
    c = criteria()
    pairs = [(0, 0), (1, 3), (2, 5), (1, 1), (0, 4)]
    together = eng.explain_pairs(
        c, batch, cols, np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    )
    for (i, j), explanation in zip(pairs, together, strict=True):
        alone = eng.explain(c, eng.take_requests(batch, np.array([i])), cols, j)
        assert explanation == alone
    assert together[1]["excluded_by"] == "not_matched"  # request 2 already has helper 4
    assert together[2]["excluded_by"] == "availability"
    assert together[3]["eligible"] is True
