"""Uncertainty bands: hand calculations for each source of uncertainty, and laws."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm
from strategies import event_rows, frame

import tension as tn

ONE = pd.DataFrame({"date": ["2024-01-01"], "source": ["IRN"], "target": ["PAK"], "kind": ["airstrike"]})


def test_weight_spread_of_one_kind_gives_log_normal_quantiles():
    # one kind: every draw is exp(sigma Z) times the point, so the band is
    # point * exp(sigma * z_q) (hand calculation), up to Monte Carlo error
    ev = pd.concat([ONE, ONE.assign(date="2024-01-05")], ignore_index=True)
    b = tn.bands(ev, weight_spread=0.4, draws=20_000, end="2024-01-20", seed=1)
    np.testing.assert_allclose(b["low"], b["tension"] * math.exp(0.4 * norm.ppf(0.05)), rtol=0.03)
    np.testing.assert_allclose(b["high"], b["tension"] * math.exp(0.4 * norm.ppf(0.95)), rtol=0.03)


def test_half_life_spread_spans_the_extreme_nodes():
    b = tn.bands(ONE, half_life_spread=0.5, nodes=5, quantiles=(0, 1), draws=400, end="2024-03-01")
    days = (b["date"] - pd.Timestamp("2024-01-01")).dt.days.to_numpy()
    factors = np.exp(0.5 * norm.ppf([0.1, 0.9]))  # smallest and largest of 5 equally probable nodes
    np.testing.assert_allclose(b["low"], 10 * 2.0 ** (-days / (30 * factors[0])), rtol=1e-9)
    np.testing.assert_allclose(b["high"], 10 * 2.0 ** (-days / (30 * factors[1])), rtol=1e-9)


def test_casualty_range_reaches_the_upper_count_and_the_point_is_the_lower_bound():
    ev = ONE.assign(killed=2, killed_low=2, killed_high=20)
    b = tn.bands(ev, quantiles=(0, 1), draws=4000, end="2024-01-10")
    at_most = tn.score(ev.assign(killed=20), end="2024-01-10")["tension"]
    np.testing.assert_allclose(b["low"], b["tension"])
    np.testing.assert_allclose(b["high"], at_most, rtol=2e-3)
    assert (b["high"] <= at_most * (1 + 1e-12)).all()


def test_confidence_is_the_probability_that_the_event_happened():
    ev = ONE.assign(confidence=0.5)
    b = tn.bands(ev, quantiles=(0, 1), draws=200, end="2024-01-10")
    np.testing.assert_allclose(b["low"], 0.0)
    np.testing.assert_allclose(b["high"], 2 * b["tension"])
    none = tn.bands(ev, confidence=False, end="2024-01-10")
    np.testing.assert_array_equal(none["low"], none["tension"])
    np.testing.assert_array_equal(none["high"], none["tension"])


@settings(max_examples=12)
@given(rows=event_rows(max_size=12, days=20), seed=st.integers(0, 10))
def test_bands_contain_the_point_and_are_deterministic_and_row_order_free(rows, seed):
    ev = frame(rows)
    if ev.empty:
        return
    kw = dict(weight_spread=0.3, half_life_spread=0.2, nodes=3, draws=50, seed=seed)
    b = tn.bands(ev, **kw)
    assert (b["low"] <= b["tension"] + 1e-9).all() and (b["tension"] <= b["high"] + 1e-9).all()
    pd.testing.assert_frame_equal(b, tn.bands(ev, **kw))
    shuffled = tn.bands(ev.sample(frac=1, random_state=seed), **kw)
    np.testing.assert_allclose(shuffled["low"], b["low"], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(shuffled["high"], b["high"], rtol=1e-9, atol=1e-9)


@settings(max_examples=15)
@given(rows=event_rows(max_size=10, days=20), small=st.floats(0.05, 0.5), extra=st.floats(0.05, 1.0))
def test_bands_widen_with_the_spread(rows, small, extra):
    # one hostile kind, no other uncertainty: each draw is exp(sigma Z) * point with the
    # same Z for both spreads, so the band can only widen
    ev = frame(rows).assign(kind="airstrike", confidence=1.0, weight=np.nan)
    if ev.empty:
        return
    narrow = tn.bands(ev, weight_spread=small, draws=60, seed=3)
    wide = tn.bands(ev, weight_spread=small + extra, draws=60, seed=3)
    assert (wide["high"] >= narrow["high"] - 1e-9).all() and (wide["low"] <= narrow["low"] + 1e-9).all()
    assert ((wide["high"] - wide["low"]) >= (narrow["high"] - narrow["low"]) - 1e-9).all()


def test_bad_ranges_and_settings_are_refused():
    with pytest.raises(ValueError, match="killed_low <= killed <= killed_high"):
        tn.bands(ONE.assign(killed=5, killed_low=6, killed_high=9))
    with pytest.raises(ValueError, match="quantiles"):
        tn.bands(ONE, quantiles=(0.9, 0.1))
    with pytest.raises(ValueError, match="weight_spread"):
        tn.bands(ONE, weight_spread=-1)


def test_dyads_keeps_only_those_dyads_on_the_full_grid(seed_events):
    other = seed_events.assign(source="AFG", target="PAK", date=pd.Timestamp("2024-03-01"))
    both = pd.concat([seed_events, other], ignore_index=True)
    b = tn.bands(both, dyads="IRN-PAK", weight_spread=0.2, draws=50)
    want = tn.score(both, dyads="IRN-PAK")
    assert set(b["dyad"]) == {"IRN-PAK"}
    np.testing.assert_array_equal(b["tension"], want["tension"])
    assert (b["low"] <= b["tension"]).all() and (b["high"] >= b["tension"]).all() and (b["high"] > b["low"]).any()


def test_row_order_free_for_events_alike_but_for_their_weight_or_range():
    # events of one dyad, day, kind and confidence that differ in weight (or casualty
    # range) must keep their own random numbers whatever the row order
    ev = pd.DataFrame(
        {
            "date": ["2024-01-01"] * 4 + ["2024-01-03"],
            "source": "IRN",
            "target": "PAK",
            "kind": "airstrike",
            "confidence": 0.5,
            "weight": [10.0, 1.0, 3.0, 7.0, 2.0],
        }
    )
    kw = dict(draws=40, seed=1, quantiles=(0.3, 0.7), end="2024-01-03", model=tn.Model(repeat_discount=1))
    b = tn.bands(ev, **kw)
    for order in ([3, 2, 1, 0, 4], [1, 3, 0, 2, 4]):
        shuffled = tn.bands(ev.iloc[order], **kw)
        np.testing.assert_allclose(shuffled["low"], b["low"], rtol=1e-12)
        np.testing.assert_allclose(shuffled["high"], b["high"], rtol=1e-12)
    ranges = pd.DataFrame(
        {
            "date": ["2024-01-01", "2024-01-01", "2024-01-05"],
            "source": ["IRN", "IRN", "PAK"],
            "target": ["PAK", "PAK", "IRN"],
            "kind": ["airstrike", "airstrike", "armed_attack"],
            "killed": [2, 2, 1],
            "killed_low": [2, 2, 1],
            "killed_high": [3, 200, 10],
            "injured": [0, 50, 0],
        }
    )
    kw = dict(draws=200, seed=1, end="2024-01-06")
    b = tn.bands(ranges, **kw)
    shuffled = tn.bands(ranges.iloc[[1, 0, 2]], **kw)
    np.testing.assert_allclose(shuffled["high"], b["high"], rtol=1e-12)


@pytest.mark.parametrize("bound", [np.inf, 3.5, 2.0**60])
def test_a_casualty_bound_that_is_no_count_is_refused(bound):
    # an infinite bound made every draw NaN (low and high NaN, silently)
    ev = ONE.assign(killed=3, killed_high=bound)
    with pytest.raises(ValueError, match="killed_high.*row"):
        tn.bands(ev, end="2024-01-03")
