"""Streaming updates give what a full rescore gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import event_rows, frame

import tension as tn


def batches_of(ev: pd.DataFrame, cuts: list[int]) -> list[pd.DataFrame]:
    """Split events in time order (ties may straddle a cut) into consecutive batches."""
    ordered = ev.sort_values("date", kind="stable")
    bounds = [0, *sorted(c % (len(ordered) + 1) for c in cuts), len(ordered)]
    return [ordered.iloc[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def close(a, b, gross):
    return (np.abs(np.asarray(a) - np.asarray(b)) <= 1e-9 * np.asarray(gross) + 1e-12).all()


@given(event_rows(max_size=30, hours=True).map(frame), st.lists(st.integers(0, 100), max_size=3),
       st.sampled_from([tn.Model(), tn.Model(half_life={"talks": 3.0, "material_conflict": 60.0}),
                        tn.Model(repeat_discount=1.0, directed=True)]))
def test_updates_equal_a_full_rescore(ev, cuts, model):
    state = tn.State(model)
    seen = []
    for batch in batches_of(ev, cuts):
        out = state.update(batch)
        seen.append(batch)
        full = tn.score_events(pd.concat(seen), model=model).loc[batch.index]
        assert (out["dyad"] == full["dyad"]).all()
        gross = full["hostile"] + full["cooperative"]
        assert close(out["tension"], full["tension"], gross)
        assert close(out["hostile"], full["hostile"], gross)
        assert close(out["score"], full["score"], np.abs(full["score"]))
    if len(ev):
        at = ev["date"].max() + pd.Timedelta(days=3)
        snap = state.snapshot(at=at).set_index("dyad").sort_index()
        want = tn.score(ev, at=at, model=model).set_index("dyad").sort_index()
        assert list(snap.index) == list(want.index)
        assert close(snap["tension"], want["tension"], want["hostile"] + want["cooperative"])


def test_same_day_batches_merge_into_one_occasion(seed_events):
    talks = seed_events[seed_events["date"] == "2024-01-29"]
    state = tn.State.from_events(seed_events[seed_events["date"] < "2024-01-29"])
    state.update(talks.iloc[:5])
    out = state.update(talks.iloc[5:])
    full = tn.score_events(seed_events)
    assert np.allclose(out["tension"], full.loc[talks.index[5:], "tension"], rtol=1e-12)
    assert np.allclose(out["score"], full.loc[talks.index[5:], "score"], rtol=1e-12)


def test_older_events_are_refused_with_a_clear_message(seed_events):
    state = tn.State.from_events(seed_events)
    late = seed_events.iloc[[0]]  # 17 January, state is at 29 January
    with pytest.raises(tn.StateError, match=r"1 events are older than their dyad's last event.*rescore"):
        state.update(late)
    other = seed_events.iloc[[0]].assign(target="AFG")  # a new dyad may start at any time
    assert len(state.update(other)) == 1


def test_save_and_load_carry_on_exactly(tmp_path, seed_events):
    first, second = seed_events.iloc[:6], seed_events.iloc[6:]
    straight = tn.State()
    straight.update(first)
    expected = straight.update(second)
    saved = tn.State()
    saved.update(first)
    path = saved.save(tmp_path / "state.json")
    loaded = tn.State.load(path)
    assert len(loaded) == 1 and (loaded.channels == saved.channels).all()
    pd.testing.assert_frame_equal(loaded.update(second), expected, check_exact=True)
    with pytest.raises(tn.StateError, match="not a tension state file"):
        (tmp_path / "bad.json").write_text('{"format": 99}')
        tn.State.load(tmp_path / "bad.json")


def test_snapshot_reads_forward_only(seed_events):
    state = tn.State.from_events(seed_events)
    with pytest.raises(tn.StateError, match="a state only reads forward"):
        state.snapshot(at="2024-01-20")
    stocks = state.stocks()
    assert list(stocks.columns) == ["dyad", "date", "hostile", "cooperative"]
    assert "State(1 dyads" in repr(state)
