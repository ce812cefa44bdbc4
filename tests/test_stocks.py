"""score_events' stocks from a few shared channels (tension._stocks), against direct sums."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tension as tn
from tension import _stocks
from tension.model import Model


def test_the_default_model_needs_three_channels():
    plan = _stocks.plan(Model(), 30.0, same=True)
    assert plan.parts == [(0, "positive"), (0, "negative"), (0, "positive")]
    assert plan.half_lives.tolist() == [30.0, 30.0, 5.0]
    assert plan.stocks["flow"] == [(0, 1.0), (1, 1.0)]  # hostile + cooperative
    assert plan.stocks["heat"] == [(2, 1.0), (1, -5.0 / 30.0)]


def test_other_half_lives_and_a_discount_need_more_channels():
    plan = _stocks.plan(Model(), 14.0, same=True)
    assert sorted(zip(plan.parts, plan.half_lives.tolist(), strict=True)) == [
        ((0, "negative"), 14.0),
        ((0, "negative"), 30.0),
        ((0, "positive"), 5.0),
        ((0, "positive"), 14.0),
        ((0, "size"), 30.0),
    ]
    plan = _stocks.plan(Model(), 30.0, same=False)  # score (source 0) and raw score (source 1)
    assert plan.parts == [(0, "positive"), (0, "negative"), (1, "positive"), (1, "negative"), (1, "size")]


@given(
    st.sampled_from([30.0, 14.0, 5.0]),
    st.booleans(),
    st.sampled_from([5.0, 30.0]),
    st.sampled_from([30.0, 10.0]),
    st.sampled_from([30.0, 60.0]),
)
def test_every_stock_is_its_direct_combination(life, same, heat, cooling, flow):
    model = Model(heat_half_life=heat, cooling_half_life=cooling, flow_half_life=flow)
    plan = _stocks.plan(model, life, same=same)
    rng = np.random.default_rng(0)
    n = 50
    score = rng.normal(size=n) * 5
    raw = score if same else score * rng.uniform(1.0, 2.0, n)
    # states of each channel as if every event were decayed to the same time: the parts
    sources = [score] if same else [score, raw]
    part = {"positive": lambda s: np.maximum(s, 0), "negative": lambda s: np.maximum(-s, 0), "size": np.abs}
    block = np.empty((len(_stocks.COLUMNS), n))
    states = _stocks.targets(block, plan)
    for row, (k, name) in zip(states, plan.parts, strict=True):
        row[:] = part[name](sources[k])
    _stocks.fill(block, states, score, plan, model)
    got = dict(zip(_stocks.COLUMNS, block, strict=True))
    assert np.allclose(got["hostile"], np.maximum(score, 0))
    assert np.allclose(got["cooperative"], np.maximum(-score, 0))
    assert np.allclose(got["tension"], score)
    assert np.allclose(got["heat"], np.maximum(raw, 0) - heat / cooling * np.maximum(-raw, 0))
    assert np.allclose(got["flow"], np.abs(raw))
    assert np.array_equal(got["index"], tn.flow_index(got["heat"], got["flow"], model=model))  # to the bit
    assert np.array_equal(got["score"], score)


@pytest.mark.parametrize("life, same", [(30.0, True), (14.0, False)])
def test_fill_by_slices_in_threads_is_fill_in_one_go(monkeypatch, life, same):
    model = Model()
    plan = _stocks.plan(model, life, same=same)
    rng = np.random.default_rng(1)
    n = 1_000
    score = rng.normal(size=n) * 5
    blocks = []
    for slice_, threads in [(10**9, 1), (7, 2), (64, 3)]:
        monkeypatch.setattr(_stocks, "SLICE", slice_)
        block = np.empty((len(_stocks.COLUMNS), n))
        states = _stocks.targets(block, plan)
        for c, row in enumerate(states):
            row[:] = np.random.default_rng(c).uniform(0, 10, n)
        _stocks.fill(block, states, score, plan, model, threads=threads)
        blocks.append(block)
    assert np.array_equal(blocks[0], blocks[1]) and np.array_equal(blocks[0], blocks[2])


def test_no_channel_is_changed_before_another_stock_reads_it():
    for life in (30.0, 14.0):
        for same in (True, False):
            plan = _stocks.plan(Model(), life, same=same)
            homes = _stocks.homes(plan)
            for channel, home in enumerate(homes):
                if home is None:
                    continue
                readers = [name for name, terms in plan.stocks.items() if any(c == channel for c, _ in terms)]
                assert readers == [home] or len(plan.stocks[home]) == 1


@settings(deadline=None, max_examples=25)
@given(st.integers(0, 2**32 - 1), st.sampled_from([30.0, 12.0]))
def test_score_events_equals_the_general_path(seed, life):
    # the shared-channel path against one channel per stock (as decayed_sum computes it)
    rng = np.random.default_rng(seed)
    n = 300
    ev = pd.DataFrame(
        {
            "date": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 90, n), unit="D"),
            "source": rng.choice(["PAK", "IRN", "IND"], n),
            "target": rng.choice(["AFG", "CHN"], n),
            "kind": rng.choice(["airstrike", "talks", "threat", "aid"], n),
        }
    )
    model = Model(half_life=life)
    got = tn.score_events(ev, model=model)
    from tension import core
    from tension._prepare import prepare
    from tension._time import days
    from tension.model import index_channels

    p = prepare(ev, model)
    extra, lives = index_channels(p.raw, model=model)
    matrix = np.column_stack([np.maximum(p.score, 0), np.maximum(-p.score, 0), extra])
    states = core.decayed_sum(p.codes, days(p.ticks, 0), matrix, np.r_[life, life, lives])
    gross = core.decayed_sum(p.codes, days(p.ticks, 0), np.abs(matrix), np.r_[life, life, lives])
    assert np.allclose(got["hostile"], states[:, 0], rtol=0, atol=1e-12 * gross[:, 0].max())
    assert np.allclose(got["cooperative"], states[:, 1], rtol=0, atol=1e-12 * gross[:, 1].max())
    heat = states[:, 2] + states[:, 3]
    assert np.allclose(got["heat"], heat, rtol=0, atol=1e-12 * (gross[:, 2] + gross[:, 3]).max())
    assert np.allclose(got["flow"], states[:, 4], rtol=0, atol=1e-12 * gross[:, 4].max())


def test_read_events_keeps_clean_text_columns_without_copying_them():
    ev = pd.DataFrame(
        {"date": ["2024-01-17"] * 2, "source": ["PAK", "IRN"], "target": ["IRN", "PAK"], "kind": ["talks"] * 2}
    )
    out = tn.read_events(ev)
    assert out["source"].tolist() == ["PAK", "IRN"]
    out.loc[0, "source"] = "AFG"  # the user's frame is never changed
    assert ev["source"].tolist() == ["PAK", "IRN"]
    messy = ev.assign(source=[" pak", "IRN"])
    assert tn.read_events(messy)["source"].tolist() == ["PAK", "IRN"]
    assert messy["source"].tolist() == [" pak", "IRN"]


def test_scoring_an_edited_frame_uses_the_edit():
    ev = tn.read_events(
        pd.DataFrame(
            {"date": ["2024-01-17"] * 2, "source": ["PAK", "IRN"], "target": ["IRN", "PAK"], "kind": ["airstrike"] * 2}
        )
    )
    before = tn.score_events(ev)["dyad"].tolist()
    ev.loc[1, "target"] = "AFG"
    after = tn.score_events(ev)["dyad"].tolist()
    assert before == ["IRN-PAK", "IRN-PAK"] and after == ["IRN-PAK", "AFG-IRN"]


@pytest.mark.parametrize("kinds", [["airstrike"], ["airstrike", "talks"]])
def test_one_half_life_is_read_without_one_value_per_event(kinds):
    from tension._prepare import prepare

    ev = pd.DataFrame({"date": ["2024-01-17"] * 3, "source": "PAK", "target": "IRN", "kind": (kinds * 3)[:3]})
    p = prepare(ev, Model())
    assert p.half_life.strides == (0,) and p.half_life.tolist() == [30.0] * 3
    p = prepare(ev, Model(half_life={"talks": 5.0, "default": 30.0}))
    assert p.half_life.tolist() == [30.0 if k == "airstrike" else 5.0 for k in (kinds * 3)[:3]]
    # kinds of other half-lives, absent: one value still (arrow text columns are coded
    # against the list of known kinds, present or not)
    p = prepare(ev.astype({"kind": "str", "source": "str", "target": "str"}), Model(half_life={"visit": 5.0}))
    assert p.half_life.strides == (0,) and p.half_life.tolist() == [30.0] * 3


@pytest.mark.parametrize("dtype", [object, "str"])
@pytest.mark.parametrize("codes", [["PAK", "IRN"], [" pak", "irn "]])
def test_read_events_text_columns_keep_their_dtype(dtype, codes):
    ev = pd.DataFrame(
        {"date": ["2024-01-17"] * 2, "source": codes, "target": ["AFG", "AFG"], "kind": ["talks", " talks"]}
    ).astype({"source": dtype, "kind": dtype})
    out = tn.read_events(ev)
    assert out["source"].tolist() == ["PAK", "IRN"] and out["kind"].tolist() == ["talks", "talks"]
    assert out["source"].dtype == ev["source"].dtype and out["kind"].dtype == ev["kind"].dtype
