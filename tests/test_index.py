"""The bounded index: heat and flow against a plain loop, its bounds, and its laws."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import event_rows, frame

import tension as tn

LN2 = np.log(2)


def plain_loop(ev: pd.DataFrame, at: pd.Timestamp, model: tn.Model) -> dict:
    """Heat and flow of each dyad at ``at``, one event at a time (the reference)."""
    scores = tn.event_scores(ev, model=model)
    heat, flow = {}, {}
    for row in scores.itertuples():
        if row.date > at:
            continue
        days = (at - row.date) / pd.Timedelta(days=1)
        if row.raw_score > 0:  # hostile: the fast clock
            part = row.raw_score * 2 ** (-days / model.heat_half_life)
        else:  # cooperative: the slow clock, counted heat_half_life / cooling_half_life
            part = (
                row.raw_score * model.heat_half_life / model.cooling_half_life * 2 ** (-days / model.cooling_half_life)
            )
        heat[row.dyad] = heat.get(row.dyad, 0.0) + part
        flow[row.dyad] = flow.get(row.dyad, 0.0) + abs(row.raw_score) * 2 ** (-days / model.flow_half_life)
    return {"heat": heat, "flow": flow}


MODELS = st.sampled_from(
    [
        tn.Model(),
        tn.Model(heat_half_life=2.0, flow_half_life=60.0, flow_floor=0.3),
        tn.Model(repeat_discount=1.0, index_scale=3.0, directed=True, cooling_half_life=10.0),
        tn.Model(cooling_half_life=5.0),
    ]
)


@settings(max_examples=25)
@given(event_rows(min_size=1, max_size=25).map(frame), MODELS, st.integers(0, 70))
def test_heat_and_flow_equal_a_plain_loop_and_the_index_recomputes(ev, model, day):
    at = pd.Timestamp("2024-01-01") + pd.Timedelta(days=day)
    want = plain_loop(ev, at, model)
    daily = tn.score(ev, model=model, start="2024-01-01", end="2024-03-15")
    got = daily[daily["date"] == at].set_index("dyad")
    for dyad, heat in want["heat"].items():
        gross = want["flow"][dyad]
        assert abs(got.loc[dyad, "heat"] - heat) <= 1e-9 * gross + 1e-12
        assert abs(got.loc[dyad, "flow"] - gross) <= 1e-9 * gross + 1e-12
    # the index is the documented function of the two columns
    ratio = (daily["heat"] * LN2 / model.heat_half_life) / (
        daily["flow"] * LN2 / model.flow_half_life + model.flow_floor
    )
    np.testing.assert_allclose(daily["index"], 100 / (1 + np.exp(-ratio / model.index_scale)), rtol=1e-12)
    np.testing.assert_allclose(daily["index"], tn.flow_index(daily["heat"], daily["flow"], model=model), rtol=0)
    # a snapshot reads the same
    snap = tn.score(ev, model=model, at=at).set_index("dyad")
    for column in ("heat", "flow", "index"):
        np.testing.assert_allclose(snap[column], got.loc[snap.index, column], rtol=1e-9, atol=1e-12)


@settings(max_examples=25)
@given(event_rows(max_size=25).map(frame), MODELS)
def test_the_index_never_reaches_its_bounds(ev, model):
    out = tn.score_events(ev, model=model)
    # ratio <= flow / heat half-lives (a burst on a silent dyad); ratio >= -flow / cooling half-lives
    hot = model.flow_half_life / model.heat_half_life / model.index_scale
    cold = model.flow_half_life / model.cooling_half_life / model.index_scale
    lo, hi = 100 / (1 + np.exp(cold)), 100 / (1 + np.exp(-hot))
    assert ((out["index"] >= lo - 1e-9) & (out["index"] <= hi + 1e-9)).all()
    assert (np.abs(out["heat"]) <= out["flow"] * (1 + 1e-12) + 1e-12).all()


@settings(max_examples=25)
@given(event_rows(min_size=2, max_size=20).map(frame), st.randoms(use_true_random=False))
def test_the_index_is_causal_and_independent_of_row_order(ev, rnd):
    daily = tn.score(ev, start="2024-01-01", end="2024-03-10")
    shuffled = ev.sample(frac=1.0, random_state=rnd.randint(0, 10**6))
    again = tn.score(shuffled, start="2024-01-01", end="2024-03-10")
    np.testing.assert_array_equal(daily[["index", "heat", "flow"]], again[["index", "heat", "flow"]])
    cut = ev["date"].sort_values().iloc[len(ev) // 2]
    early = tn.score(ev[ev["date"] < cut], start="2024-01-01", end="2024-03-10")
    before = daily["date"] < cut
    keep = early.set_index(["dyad", "date"]).index
    both = daily[before].set_index(["dyad", "date"]).loc[lambda d: d.index.isin(keep)]
    np.testing.assert_allclose(both["index"], early.set_index(["dyad", "date"]).loc[both.index, "index"], rtol=1e-12)


@settings(max_examples=25)
@given(event_rows(max_size=30, hours=True).map(frame), st.lists(st.integers(0, 100), max_size=3), MODELS)
def test_a_state_carries_heat_and_flow_exactly(ev, cuts, model):
    ordered = ev.sort_values("date", kind="stable")
    bounds = [0, *sorted(c % (len(ordered) + 1) for c in cuts), len(ordered)]
    state, seen = tn.State(model), []
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        batch = ordered.iloc[a:b]
        out = state.update(batch)
        seen.append(batch)
        full = tn.score_events(pd.concat(seen), model=model).loc[batch.index]
        for column in ("heat", "flow", "index"):
            np.testing.assert_allclose(out[column], full[column], rtol=1e-9, atol=1e-9)
    if len(ev):
        at = ev["date"].max() + pd.Timedelta(days=3)
        snap = state.snapshot(at=at).set_index("dyad").sort_index()
        want = tn.score(ev, at=at, model=model).set_index("dyad").sort_index()
        np.testing.assert_allclose(
            snap[["heat", "flow", "index"]], want[["heat", "flow", "index"]], rtol=1e-9, atol=1e-9
        )


def test_the_seed_episode_reads_tense_then_warm_then_neutral(seed_events):
    daily = tn.score(seed_events, start="2024-01-10", end="2024-02-29").set_index("date")["index"]
    # the strikes read clearly tense; the talks bring it down at once, below neutral within a
    # week (the strikes' heat forgotten), and a month on it still leans cooperative
    assert daily["2024-01-17"] > 70 and daily["2024-01-18"] > daily["2024-01-17"]
    assert daily["2024-01-29"] < daily["2024-01-28"] - 10
    assert (daily["2024-02-06":"2024-02-29"] < 50).all() and (daily["2024-02-06":"2024-02-29"] > 45).all()
    # by hand on 17 January: one airstrike, 2 killed, 3 injured: s = 10 m
    s = 10 * (1 + 0.5 * np.log(3) + 0.25 * np.log(4))
    ratio = (s * LN2 / 5) / (s * LN2 / 30 + 1)
    assert daily["2024-01-17"] == pytest.approx(100 / (1 + np.exp(-ratio / 2)), rel=1e-12)


def test_a_saved_state_keeps_the_index_and_an_old_one_is_refused(seed_events, tmp_path):
    state = tn.State.from_events(seed_events)
    loaded = tn.State.load(state.save(tmp_path / "s.json"))
    pd.testing.assert_frame_equal(loaded.snapshot(at="2024-02-29"), state.snapshot(at="2024-02-29"))
    (tmp_path / "old.json").write_text('{"format": 1}')
    with pytest.raises(tn.StateError, match="tension 0.1"):
        tn.State.load(tmp_path / "old.json")
    (tmp_path / "round1.json").write_text('{"format": 2}')
    with pytest.raises(tn.StateError, match="format 2"):
        tn.State.load(tmp_path / "round1.json")


def test_a_summit_cools_for_weeks_by_hand():
    # one summit (talks, -w) on a dyad without history: heat = -w 5/30 on the day, decaying with
    # half-life 30 days like the flow, so the ratio (and the index) stays put until the floor matters
    ev = pd.DataFrame(
        {"date": ["2024-01-01"], "source": ["USA"], "target": ["PRK"], "kind": ["talks"], "weight": [-8.0]}
    )
    daily = tn.score(ev, start="2024-01-01", end="2024-03-01").set_index("date")
    for day, lag in (("2024-01-01", 0), ("2024-01-31", 30), ("2024-03-01", 60)):
        heat, flow = -8 * 5 / 30 * 2 ** (-lag / 30), 8 * 2 ** (-lag / 30)
        ratio = (heat * LN2 / 5) / (flow * LN2 / 30 + 1)
        assert daily.loc[day, ["heat", "flow"]].tolist() == pytest.approx([heat, flow], rel=1e-12)
        assert daily.loc[day, "index"] == pytest.approx(100 / (1 + np.exp(-ratio / 2)), rel=1e-12)
    # with cooling_half_life = heat_half_life the heat is round 1's plain 5-day net sum: a deeper
    # dip on the day, back at neutral within a month
    fast = tn.score(ev, model=tn.Model(cooling_half_life=5.0), start="2024-01-01", end="2024-01-31").set_index("date")
    assert fast.loc["2024-01-31", "heat"] == pytest.approx(-8 * 2 ** (-30 / 5), rel=1e-12)
    assert fast.loc["2024-01-01", "index"] < daily.loc["2024-01-01", "index"] < 50
    assert daily.loc["2024-01-31", "index"] < fast.loc["2024-01-31", "index"] - 0.8


@pytest.mark.parametrize("flow", [-43.28, -50.0, [1.0, -1e-9]])
def test_flow_index_refuses_a_negative_flow(flow):
    """A flow is a decayed sum of sizes: a negative one (a swapped column) gave 100, or
    39, or 4e-141, depending on how negative."""
    with pytest.raises(ValueError, match="flow must be >= 0"):
        tn.flow_index(1.0, flow)
