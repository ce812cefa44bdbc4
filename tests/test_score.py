"""The laws of the model, checked against the plain-loop reference (tests/reference.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import RTOL
from hypothesis import given
from hypothesis import strategies as st
from reference import event_scores as ref_scores
from reference import half_life_of, rows_of, tension_at
from strategies import event_rows, events, frame, joined

import tension as tn
from tension.taxonomy import kind_quad_classes, resolve_weights

WEIGHTS = resolve_weights()
QUADS = kind_quad_classes()


def reference(events_frame, when_list, *, half_life=30.0, discount=0.5, directed=False):
    """{(dyad, when): (tension, hostile, cooperative)} by the plain loops."""
    norm = tn.read_events(events_frame, duplicates="keep")
    rows = rows_of(norm)
    scores = ref_scores(rows, WEIGHTS, discount=discount, directed=directed)
    lives = [half_life_of(r["kind"], half_life, QUADS) for r in rows]
    from reference import dyad_of

    dyads = sorted({dyad_of(r["source"], r["target"], directed) for r in rows})
    return {(d, w): tension_at(rows, scores, lives, d, w, directed=directed) for d in dyads for w in when_list}


def assert_close_to_reference(daily, ref):
    for row in daily.itertuples():
        t, h, c = ref[(row.dyad, row.date)]
        gross = h + c
        assert row.hostile == pytest.approx(h, rel=RTOL, abs=1e-300)
        assert row.cooperative == pytest.approx(c, rel=RTOL, abs=1e-300)
        assert abs(row.tension - t) <= RTOL * max(gross, 1e-300)


@given(events, st.sampled_from([30.0, 7.5, {"material_conflict": 60, "verbal_cooperation": 10}]), st.booleans())
def test_score_matches_plain_loop(ev, half_life, directed):
    daily = tn.score(ev, start="2023-12-30", end="2024-03-15", half_life=half_life, directed=directed)
    grid = list(pd.date_range("2023-12-30", "2024-03-15", freq="D"))
    assert_close_to_reference(daily, reference(ev, grid, half_life=half_life, directed=directed))


@given(event_rows(hours=True).map(frame))
def test_score_events_matches_plain_loop_with_times_and_ties(ev):
    out = tn.score_events(ev)
    assert list(out.index) == list(ev.index)
    for i, row in ev.iterrows():
        ref = reference(ev, [row["date"]])
        dyad = out.loc[i, "dyad"]
        t, h, c = ref[(dyad, row["date"])]
        assert out.loc[i, "hostile"] == pytest.approx(h, rel=RTOL)
        assert abs(out.loc[i, "tension"] - t) <= RTOL * max(h + c, 1e-300)


@given(events, st.integers(0, 2**32 - 1))
def test_row_order_does_not_matter(ev, seed):
    shuffled = ev.sample(frac=1.0, random_state=seed)
    a = tn.score(ev, start="2024-01-01", end="2024-03-10")
    b = tn.score(shuffled, start="2024-01-01", end="2024-03-10")
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    ea = tn.score_events(ev)
    eb = tn.score_events(shuffled)
    pd.testing.assert_frame_equal(ea, eb.loc[ea.index], check_exact=True)


@given(events, events)
def test_additive_over_event_sets_on_different_days(a, b):
    # move b to odd days and a to even days: no shared occasion, so the sums add
    a = a.assign(date=a["date"].dt.normalize() + pd.to_timedelta((a["date"].dt.day % 2 == 1).astype(int), unit="D"))
    b = b.assign(date=b["date"].dt.normalize() + pd.to_timedelta((b["date"].dt.day % 2 == 0).astype(int), unit="D"))
    kw = {"start": "2024-01-01", "end": "2024-03-10"}
    both = tn.score(joined(a, b), **kw).set_index(["dyad", "date"])
    sa = tn.score(a, **kw).set_index(["dyad", "date"])
    sb = tn.score(b, **kw).set_index(["dyad", "date"])
    summed = sa[["tension", "hostile", "cooperative"]].add(sb[["tension", "hostile", "cooperative"]], fill_value=0)
    summed = summed.reindex(both.index, fill_value=0.0)
    gross = both["hostile"] + both["cooperative"]
    assert (np.abs(both["tension"] - summed["tension"]) <= 1e-9 * gross + 1e-12).all()
    assert np.allclose(both["hostile"], summed["hostile"], rtol=1e-9, atol=1e-12)


@given(events, events)
def test_fully_linear_without_the_repeat_discount(a, b):
    kw = {"start": "2024-01-01", "end": "2024-03-10", "model": tn.Model(repeat_discount=1.0)}
    both = tn.score(joined(a, b), **kw).set_index(["dyad", "date"])
    summed = (
        tn.score(a, **kw)
        .set_index(["dyad", "date"])[["hostile", "cooperative"]]
        .add(tn.score(b, **kw).set_index(["dyad", "date"])[["hostile", "cooperative"]], fill_value=0)
        .reindex(both.index, fill_value=0.0)
    )
    assert np.allclose(both[["hostile", "cooperative"]], summed, rtol=1e-9, atol=1e-12)


@given(events, st.data())
def test_hostile_never_lowers_cooperative_never_raises(ev, data):
    rows = data.draw(event_rows(min_size=1, max_size=1))
    extra = frame(rows)
    kw = {"start": "2024-01-01", "end": "2024-03-10"}
    before = tn.score(ev, **kw).set_index(["dyad", "date"])
    after = tn.score(joined(ev, extra), **kw).set_index(["dyad", "date"])
    before = before.reindex(after.index, fill_value=0.0)
    s = tn.event_scores(extra)["score"].iloc[0]
    slack = 1e-9 * (after["hostile"] + after["cooperative"]) + 1e-12
    change = after["tension"] - before["tension"]
    if s > 0:
        assert (change >= -slack).all()
    elif s < 0:
        assert (change <= slack).all()


@given(events, st.integers(1, 60))
def test_causal_later_events_do_not_change_the_past(ev, cut):
    cutoff = pd.Timestamp("2024-01-01") + pd.Timedelta(days=cut)
    kw = {"start": "2024-01-01", "end": "2024-03-10"}
    full = tn.score(ev, **kw).set_index(["dyad", "date"])
    early = tn.score(ev[ev["date"] < cutoff], **kw).set_index(["dyad", "date"])
    cols = ["tension", "hostile", "cooperative"]
    past = full.loc[full.index.get_level_values("date") < cutoff, cols]
    pd.testing.assert_frame_equal(past, early[cols].reindex(past.index, fill_value=0.0), check_exact=True)


@given(events, st.sampled_from([1.0, 7.0, 30.0, 365.0]))
def test_exact_halving_per_half_life(ev, half_life):
    if ev.empty:
        return
    last = ev["date"].max()
    t0 = last + pd.Timedelta(days=1)
    when = [t0 + pd.Timedelta(days=k * half_life) for k in range(4)]
    daily = tn.score(ev, half_life=half_life, start=t0, end=when[-1], freq=pd.Timedelta(days=half_life))
    for _, group in daily.groupby("dyad"):
        h = group["hostile"].to_numpy()
        assert np.allclose(h[1:], h[:-1] / 2, rtol=1e-12, atol=0)
        c = group["cooperative"].to_numpy()
        assert np.allclose(c[1:], c[:-1] / 2, rtol=1e-12, atol=0)


@given(events)
def test_dyads_are_independent(ev):
    kw = {"start": "2024-01-01", "end": "2024-03-10"}
    full = tn.score(ev, **kw)
    for dyad, group in full.groupby("dyad"):
        mine = tn.score_events(ev)["dyad"] == dyad
        alone = tn.score(ev[mine.to_numpy()], **kw)
        pd.testing.assert_frame_equal(group.reset_index(drop=True), alone.reset_index(drop=True), check_exact=True)


@given(events, st.data())
def test_undirected_dyads_are_symmetric(ev, data):
    flip = np.array(data.draw(st.lists(st.booleans(), min_size=len(ev), max_size=len(ev))), dtype=bool)
    swapped = ev.copy()
    swapped.loc[flip, ["source", "target"]] = ev.loc[flip, ["target", "source"]].to_numpy()
    kw = {"start": "2024-01-01", "end": "2024-03-10"}
    pd.testing.assert_frame_equal(tn.score(ev, **kw), tn.score(swapped, **kw), check_exact=True)


@given(events, st.integers(0, 70), st.booleans())
def test_contributions_sum_to_the_value(ev, day, directed):
    at = pd.Timestamp("2024-01-01") + pd.Timedelta(days=day)
    why = tn.contributions(ev, at=at, directed=directed)
    daily = tn.score(ev, start=at, end=at, directed=directed).set_index("dyad")
    for dyad, group in why.groupby("dyad"):
        value = daily.loc[dyad, "tension"]
        gross = daily.loc[dyad, "hostile"] + daily.loc[dyad, "cooperative"]
        assert abs(group["contribution"].sum() - value) <= 1e-9 * gross + 1e-12
        assert why.attrs["tension"][dyad] == pytest.approx(value, rel=1e-9, abs=1e-9 * gross + 1e-12)
    assert (why.loc[why["date"] > at, "contribution"] == 0).all()


def test_contributions_totals_and_shares_do_not_depend_on_row_order():
    # 0.1 + 0.2 - 0.3 rounds differently in each order: the dyad's total (and so every
    # share, here of a tension that is zero but for rounding) must be the same bits
    ev = pd.DataFrame(
        {
            "date": ["2024-01-01"] * 3,
            "source": ["IRN", "PAK", "IRN"],
            "target": ["PAK", "IRN", "PAK"],
            "kind": "airstrike",
            "weight": [0.1, 0.2, -0.3],
        }
    )
    model = tn.Model(repeat_discount=1)
    first = tn.contributions(ev, at="2024-01-01", model=model)
    for order in ([2, 0, 1], [1, 2, 0], [2, 1, 0]):
        why = tn.contributions(ev.iloc[order], at="2024-01-01", model=model).loc[first.index]
        assert why.attrs["tension"] == first.attrs["tension"]
        np.testing.assert_array_equal(why["share"].to_numpy(), first["share"].to_numpy())


@given(events, st.sampled_from([0.5, 2.0, -1.0]))
def test_scaling_every_weight_scales_tension(ev, factor):
    if ev.empty:
        return
    base = tn.score_events(ev)
    explicit = ev.assign(weight=tn.event_scores(ev)["raw_score"] / ev["confidence"])
    scaled = tn.score_events(explicit.assign(weight=explicit["weight"] * factor))
    assert np.allclose(scaled["tension"], factor * base["tension"], rtol=1e-9, atol=1e-9)


@given(events)
def test_input_is_not_modified(ev):
    copy = ev.copy(deep=True)
    tn.score(ev)
    tn.score_events(ev)
    if len(ev):
        tn.contributions(ev, at="2024-02-01")
    pd.testing.assert_frame_equal(ev, copy)


def test_hundred_years_with_one_hour_half_life_is_finite_and_exact():
    rng = np.random.default_rng(7)
    n = 400
    offsets = np.sort(rng.uniform(0, 100 * 365.25, n))
    dates = pd.Timestamp("1925-01-01") + pd.to_timedelta(offsets, unit="D")
    dates = dates.round("s")
    # bursts: every fifth event one to three hours after the previous one
    ev = pd.DataFrame(
        {
            "date": dates,
            "source": rng.choice(["IRN", "PAK"], n),
            "target": "AFG",
            "kind": rng.choice(["airstrike", "talks", "threat", "agreement"], n),
        }
    )
    burst = np.arange(n) % 5 == 4
    ev.loc[burst, "date"] = ev["date"].shift(1)[burst] + pd.to_timedelta(rng.integers(1, 4, burst.sum()), unit="h")
    half_life = 1 / 24
    out = tn.score_events(ev, half_life=half_life)
    assert np.isfinite(out[["tension", "hostile", "cooperative"]].to_numpy()).all()
    for i in range(n):
        ref = reference(ev, [ev.loc[i, "date"]], half_life=half_life)
        t, h, c = ref[(out.loc[i, "dyad"], ev.loc[i, "date"])]
        assert out.loc[i, "hostile"] == pytest.approx(h, rel=RTOL)
        assert out.loc[i, "cooperative"] == pytest.approx(c, rel=RTOL)


def test_million_year_half_life_and_one_second_half_life_stay_finite():
    ev = pd.DataFrame(
        {"date": ["1900-01-01", "2100-01-01"], "source": "IRN", "target": "PAK", "kind": ["airstrike", "talks"]}
    )
    for half_life in (1 / 86400, 365.25e6):
        out = tn.score_events(ev, half_life=half_life)
        assert np.isfinite(out["tension"]).all()
    slow = tn.score_events(ev, half_life=365.25e6)
    days = 200 * 365 + 49  # 1900 is not a leap year, 2000 is: 49 leap days in 1900-2099
    assert slow["hostile"].iloc[1] == pytest.approx(10 * 2 ** (-days / 365.25e6), rel=1e-12)


# --- the edge-case matrix -------------------------------------------------------


def test_empty_events_give_empty_frames_with_the_documented_columns():
    empty = pd.DataFrame(columns=["date", "source", "target", "kind"])
    assert list(tn.score(empty).columns) == [
        "dyad",
        "date",
        "tension",
        "hostile",
        "cooperative",
        "index",
        "heat",
        "flow",
    ]
    assert tn.score(empty).empty
    assert tn.score_events(empty).empty
    assert tn.contributions(empty, at="2024-01-01").empty


def test_one_event_by_hand():
    ev = pd.DataFrame(
        {
            "date": ["2024-01-17"],
            "source": ["IRN"],
            "target": ["PAK"],
            "kind": ["airstrike"],
            "killed": [2],
            "injured": [3],
        }
    )
    daily = tn.score(ev, end="2024-02-16")
    magnitude = 1 + 0.5 * np.log(3) + 0.25 * np.log(4)  # hand calculation
    assert daily["tension"].iloc[0] == pytest.approx(10 * magnitude, rel=1e-12)
    assert daily["tension"].iloc[-1] == pytest.approx(10 * magnitude / 2, rel=1e-12)  # 30 days later
    # index: heat = flow = 10 m on the day; ratio = (10 m ln2 / 5) / (10 m ln2 / 30 + 1)
    ratio = (10 * magnitude * np.log(2) / 5) / (10 * magnitude * np.log(2) / 30 + 1)
    assert daily["index"].iloc[0] == pytest.approx(100 / (1 + np.exp(-ratio / 2)), rel=1e-12)
    # 30 days later: heat halved six times, flow once
    heat, flow = 10 * magnitude / 64, 10 * magnitude / 2
    ratio = (heat * np.log(2) / 5) / (flow * np.log(2) / 30 + 1)
    assert daily["index"].iloc[-1] == pytest.approx(100 / (1 + np.exp(-ratio / 2)), rel=1e-12)
    assert daily[["heat", "flow"]].iloc[-1].tolist() == pytest.approx([heat, flow], rel=1e-12)


def test_same_day_events_combine_with_diminishing_returns_by_hand():
    ev = pd.DataFrame(
        {
            "date": "2024-01-29",
            "source": "IRN",
            "target": "PAK",
            "kind": ["pledge_security_cooperation", "pledge_meetings", "talks"],
        }
    )
    daily = tn.score(ev)
    # ranked 5.2, 4.0, 1.0 -> 5.2 + 4.0 / 2 + 1.0 / 4
    assert daily["cooperative"].iloc[0] == pytest.approx(5.2 + 2.0 + 0.25, rel=1e-12)
    plain = tn.score(ev, model=tn.Model(repeat_discount=1.0))
    assert plain["cooperative"].iloc[0] == pytest.approx(10.2, rel=1e-12)
    shares = tn.contributions(ev, at="2024-01-29")["contribution"]
    assert np.allclose(shares, -np.array([5.2, 4.0, 1.0]) * 7.45 / 10.2)


def test_ties_at_one_timestamp_all_see_the_whole_occasion():
    ev = pd.DataFrame(
        {"date": "2024-01-18", "source": ["PAK", "IRN"], "target": ["IRN", "PAK"], "kind": ["airstrike", "airstrike"]}
    )
    out = tn.score_events(ev)
    assert out["tension"].iloc[0] == out["tension"].iloc[1] == pytest.approx(15.0)


def test_unsorted_rows_keep_their_order_in_score_events(seed_events):
    reversed_ = seed_events.iloc[::-1]
    out = tn.score_events(reversed_)
    assert list(out.index) == list(reversed_.index)
    pd.testing.assert_frame_equal(out.loc[seed_events.index], tn.score_events(seed_events))


def test_time_zone_aware_and_naive_dates_give_the_same_values(seed_events):
    aware = seed_events.assign(date=seed_events["date"].dt.tz_localize("Asia/Karachi"))
    with pytest.warns(tn.TensionWarning, match="converted to UTC"):
        out_aware = tn.score_events(aware)
    naive_utc = seed_events.assign(date=aware["date"].dt.tz_convert("UTC").dt.tz_localize(None))
    out_naive = tn.score_events(naive_utc)
    assert np.array_equal(out_aware["tension"].to_numpy(), out_naive["tension"].to_numpy())
    assert str(out_aware["date"].dt.tz) == "UTC"


def test_model_and_loose_parameters_do_not_mix(seed_events):
    with pytest.raises(ValueError, match="either as model= or as keywords"):
        tn.score(seed_events, model=tn.Model(), half_life=10)


def test_attrs_record_the_parameters(seed_events):
    daily = tn.score(seed_events, half_life={"talks": 7}, freq="W")
    assert daily.attrs["model"]["half_life"] == {"talks": 7}
    assert daily.attrs["freq"] == "W"
    assert daily.attrs["taxonomy_version"] == tn.TAXONOMY_VERSION


def test_per_kind_half_life_by_hand():
    ev = pd.DataFrame(
        {
            "date": ["2024-01-01", "2024-01-01"],
            "source": "IRN",
            "target": "PAK",
            "kind": ["airstrike", "talks"],
            "injured": 0,
        }
    )
    daily = tn.score(ev, half_life={"talks": 10.0}, end="2024-01-31").set_index("date")
    assert daily.loc["2024-01-31", "hostile"] == pytest.approx(5.0, rel=1e-12)
    assert daily.loc["2024-01-31", "cooperative"] == pytest.approx(1.0 / 8, rel=1e-12)


@given(events, st.sampled_from(["quad_class", "kind", "sign", "event"]), st.sampled_from([30.0, {"talks": 3.0}]))
def test_decompose_parts_sum_to_tension(ev, by, half_life):
    kw = {"start": "2024-01-01", "end": "2024-03-10", "freq": "3D", "half_life": half_life}
    parts = tn.decompose(ev, by=by, **kw)
    daily = tn.score(ev, **kw).set_index(["dyad", "date"])
    summed = parts.groupby(["dyad", "date"])["value"].sum().reindex(daily.index, fill_value=0.0)
    gross = daily["hostile"] + daily["cooperative"]
    assert (np.abs(summed - daily["tension"]) <= 1e-9 * gross + 1e-12).all()
    if by == "sign":
        hostile = parts[parts["part"] == "hostile"].set_index(["dyad", "date"])["value"]
        assert np.allclose(hostile, daily.loc[hostile.index, "hostile"], rtol=1e-12)
    if by == "event" and len(ev):
        # one event's part is its contribution at every date
        dyad, date = daily.index[-1]
        why = tn.contributions(ev, at=date, half_life=half_life)
        mine = parts[(parts["dyad"] == dyad) & (parts["date"] == date)].set_index("part")["value"]
        assert np.allclose(mine, why.loc[mine.index, "contribution"], rtol=1e-12, atol=1e-15)


def test_decompose_one_dyad_and_bad_by(seed_events):
    parts = tn.decompose(seed_events, by="kind", dyads="IRN-PAK", start="2024-01-29", end="2024-01-29")
    assert set(parts["part"]) == set(seed_events["kind"])
    with pytest.raises(ValueError, match="by must be one of"):
        tn.decompose(seed_events, by="colour")
    with pytest.raises(ValueError, match=r"no events for dyad\(s\) \['IND-PAK'\]"):
        tn.decompose(seed_events, dyads="IND-PAK")


@pytest.mark.parametrize("function", [tn.score, tn.score_events, tn.decompose])
def test_an_absent_dyad_is_a_parameter_error_naming_the_label_turned_round(seed_events, function):
    # (a plain ValueError before, and "PAK-IRN" got no word that the events write it "IRN-PAK")
    with pytest.raises(tn.ParameterError, match=r"\['PAK-IRN'\]; 'PAK-IRN' is written 'IRN-PAK' in these events"):
        function(seed_events, dyads="PAK-IRN")
    with pytest.raises(tn.ParameterError) as err:
        function(seed_events, dyads=["IRN-PAK", "AFG-PAK"])
    assert "['AFG-PAK']; dyads present: ['IRN-PAK']" in str(err.value) and "written" not in str(err.value)


@pytest.mark.parametrize("labels", [None, "mixed", "incomparable"])
def test_decompose_by_event_is_the_same_frame_in_any_row_order(seed_events, labels):
    # the parts (the events' labels) came in input row order, not sorted as documented
    ev = seed_events.copy()
    if labels == "mixed":
        ev.index = [f"e{k}" if k % 3 else k for k in range(len(ev))]
    elif labels == "incomparable":  # (labels that do not compare: tuples and integers)
        ev.index = pd.Index([(k, "x") if k % 3 else k for k in range(len(ev))], dtype=object)
    kw = {"by": "event", "start": "2024-01-27", "end": "2024-01-29"}
    want = tn.decompose(ev, **kw).reset_index(drop=True)
    for seed in range(3):
        got = tn.decompose(ev.sample(frac=1, random_state=seed), **kw).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want)
    if labels is None:
        assert want.groupby(["dyad", "date"])["part"].apply(lambda p: list(p) == sorted(p)).all()


# --- at scale: snapshots, thresholds, dyad selection ------------------------------


@given(events, st.integers(-3, 70), st.sampled_from([30.0, {"verbal_cooperation": 5.0}]))
def test_snapshot_equals_the_grid_row_and_ranks_by_tension(ev, day, half_life):
    at = pd.Timestamp("2024-01-01") + pd.Timedelta(days=day)
    snap = tn.score(ev, at=at, half_life=half_life)
    grid = tn.score(ev, start=at, end=at, half_life=half_life).set_index("dyad")
    started = tn.score_events(ev).loc[lambda f: f["date"] <= at, "dyad"].unique()
    assert sorted(snap["dyad"]) == sorted(started)
    assert list(snap["tension"]) == sorted(snap["tension"], reverse=True)
    for row in snap.itertuples():
        gross = grid.loc[row.dyad, "hostile"] + grid.loc[row.dyad, "cooperative"]
        assert abs(row.tension - grid.loc[row.dyad, "tension"]) <= 1e-9 * gross + 1e-12
        assert row.hostile == pytest.approx(grid.loc[row.dyad, "hostile"], rel=1e-9, abs=1e-12)


@given(events, st.sampled_from([0.01, 0.5, 3.0]), st.sampled_from([30.0, {"material_conflict": 90.0, "talks": 2.0}]))
def test_threshold_keeps_exactly_the_points_above_it(ev, threshold, half_life):
    kw = {"start": "2023-12-25", "end": "2024-06-30", "half_life": half_life}
    dense = tn.score(ev, **kw)
    sparse = tn.score(ev, threshold=threshold, **kw)
    want = dense[dense["hostile"] + dense["cooperative"] >= threshold].reset_index(drop=True)
    pd.testing.assert_frame_equal(sparse.reset_index(drop=True), want, check_exact=False, rtol=1e-12, atol=1e-12)


def test_threshold_on_a_long_grid_keeps_exactly_the_points_above_it():
    """Long enough for the kept rows to be put in (dyad, time) order in threads."""
    from tension.countries import country_codes

    rng = np.random.default_rng(4)
    codes = np.array(sorted(c for c in country_codes() if len(c) == 3))[:40]
    n = 20_000
    a, b = rng.integers(0, 40, n), rng.integers(1, 40, n)
    ev = pd.DataFrame(
        {
            "date": pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.uniform(0, 5 * 365, n), unit="D"),
            "source": codes[a],
            "target": codes[(a + b) % 40],
            "kind": rng.choice(["airstrike", "talks", "threat"], n),
        }
    )
    dense = tn.score(ev, half_life=7)
    sparse = tn.score(ev, half_life=7, threshold=0.05)
    want = dense[dense["hostile"] + dense["cooperative"] >= 0.05].reset_index(drop=True)
    assert len(want) > 400_000 and len(want) < len(dense)
    pd.testing.assert_frame_equal(sparse.reset_index(drop=True), want, check_exact=False, rtol=1e-12, atol=1e-12)


def test_dyads_selects_and_dense_grid_guard(seed_events, monkeypatch):
    other = seed_events.assign(target="AFG")
    both = pd.concat([seed_events, other], ignore_index=True)
    full = tn.score(both)
    only = tn.score(both, dyads=["AFG-PAK"])
    pd.testing.assert_frame_equal(only.reset_index(drop=True), full[full["dyad"] == "AFG-PAK"].reset_index(drop=True))
    with pytest.raises(ValueError, match=r"no events for dyad\(s\) \['IND-PAK'\]"):
        tn.score(both, dyads=["IND-PAK"])
    import sys

    monkeypatch.setattr(sys.modules["tension.score"], "MAX_DENSE_ROWS", 10)  # the module, not tn.score
    with pytest.raises(ValueError, match="pass threshold=0.01"):
        tn.score(both)
    assert len(tn.score(both, threshold=0.01)) > 10  # the sparse path has no such limit


# --- one API: dyads= everywhere, the old names for one release -----------------------


@pytest.fixture
def two_dyads(seed_events):
    return pd.concat([seed_events, seed_events.assign(target="AFG")], ignore_index=True)


def test_dyads_in_every_computing_function_equals_filtering(two_dyads):
    for function, kw in [
        (tn.score_events, {}),
        (tn.event_scores, {}),
        (tn.contributions, {"at": "2024-01-29"}),
        (tn.decompose, {"start": "2024-01-20", "end": "2024-01-29"}),
        (tn.score, {"start": "2024-01-20", "end": "2024-01-29"}),
    ]:
        full = function(two_dyads, **kw)
        for wanted in ("AFG-PAK", ["AFG-PAK"], ["AFG-PAK", "IRN-PAK"]):
            keep = [wanted] if isinstance(wanted, str) else wanted
            only = function(two_dyads, dyads=wanted, **kw)
            expected = full[full["dyad"].isin(keep)]
            if function in (tn.score, tn.decompose):
                only, expected = only.reset_index(drop=True), expected.reset_index(drop=True)
            pd.testing.assert_frame_equal(only, expected, check_like=False)
        with pytest.raises(ValueError, match=r"no events for dyad\(s\) \['IND-PAK'\]"):
            function(two_dyads, dyads="IND-PAK", **kw)


@pytest.mark.parametrize("function", [tn.contributions, tn.decompose])
def test_old_dyad_keyword_warns_and_still_works(two_dyads, function):
    kw = {"at": "2024-01-29"} if function is tn.contributions else {"start": "2024-01-29", "end": "2024-01-29"}
    with pytest.warns(FutureWarning, match="dyad=.*renamed.*dyads="):
        old = function(two_dyads, dyad="AFG-PAK", **kw)
    pd.testing.assert_frame_equal(old, function(two_dyads, dyads="AFG-PAK", **kw))
    with pytest.raises(TypeError, match="both dyads= and its old name dyad="):
        function(two_dyads, dyad="AFG-PAK", dyads="AFG-PAK", **kw)


def test_event_scores_takes_the_model_keywords(seed_events):
    by_keyword = tn.event_scores(seed_events, half_life=7, weights={"talks": -5}, directed=True)
    by_model = tn.event_scores(seed_events, model=tn.Model(half_life=7, weights={"talks": -5}, directed=True))
    pd.testing.assert_frame_equal(by_keyword, by_model)
    assert (by_keyword["half_life"] == 7).all()
    assert by_keyword["dyad"].str.contains("->").all()
    talks = by_keyword["base_weight"][seed_events["kind"] == "talks"]
    assert len(talks) and (talks == -5).all()
    with pytest.raises(ValueError, match="either as model= or as keywords"):
        tn.event_scores(seed_events, half_life=7, model=tn.Model())


def test_decompose_dense_grid_advice_names_what_it_accepts(two_dyads, monkeypatch):
    import sys

    monkeypatch.setattr(sys.modules["tension.score"], "MAX_DENSE_ROWS", 10)
    with pytest.raises(ValueError, match=r"dense grid") as caught:
        tn.decompose(two_dyads)
    advice = str(caught.value)
    assert "dyads=" in advice and "threshold=" not in advice and "at=<date>" not in advice
    assert not tn.decompose(two_dyads, dyads="AFG-PAK", start="2024-01-29", end="2024-01-29").empty


def test_errors_share_one_hierarchy():
    for error in (tn.EventError, tn.StateError, tn.ReadError):
        assert issubclass(error, tn.TensionError) and issubclass(error, ValueError)
    assert tn.io.ReadError is tn.ReadError
    from tension.events import EventError, TensionWarning
    from tension.state import StateError

    assert (EventError, StateError, TensionWarning) == (tn.EventError, tn.StateError, tn.TensionWarning)
    with pytest.raises(tn.TensionError):
        tn.read_events(pd.DataFrame({"date": ["2024-01-01"], "source": ["PAK"], "target": ["IRN"], "kind": ["x"]}))
