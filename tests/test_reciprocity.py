"""Reciprocity: against a plain loop, the seed episode, relabelling symmetry, errors."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import event_rows, frame

import tension as tn


def test_seed_episode_iran_strikes_answered_next_day(seed_events):
    acts = tn.reciprocity(seed_events, directed=True)
    first = acts.iloc[0]
    assert (first["source"], first["target"], first["kind"]) == ("IRN", "PAK", "airstrike")
    assert first["response"] == 1 and first["response_kind"] == "airstrike" and first["lag"] == 1.0
    # Pakistan's strikes (9 killed) against Iran's (2 killed, 3 injured): score ratio by hand
    m_irn = 1 + 0.5 * math.log(3) + 0.25 * math.log(4)
    m_pak = 1 + 0.5 * math.log(10)
    assert first["relative_size"] == pytest.approx(m_pak / m_irn)
    summary = tn.reciprocity(seed_events, directed=True, by="dyad")
    assert summary.loc[0, "dyad"] == "IRN-PAK" and summary.loc[0, "acts"] == 4


def _first_response_by_loop(rows, window, scores):
    out = {}
    for i, act in enumerate(rows):
        if scores[i] <= 0:
            continue
        best = None
        for j, resp in enumerate(rows):
            lag = (resp["date"] - act["date"]) / pd.Timedelta(days=1)
            if (
                scores[j] > 0
                and resp["source"] == act["target"]
                and resp["target"] == act["source"]
                and 0 < lag <= window
            ):
                key = (lag, -scores[j], str(resp["kind"]).strip(), j)  # (ties: kind, then input order)
                if best is None or key < best[0]:
                    best = (key, j)
        out[i] = None if best is None else best[1]
    return out


@settings(max_examples=25)
@given(rows=event_rows(max_size=15, days=20, countries=["IRN", "PAK", "AFG"]), window=st.integers(1, 10))
def test_first_response_matches_a_plain_loop(rows, window):
    ev = frame(rows)
    scores = tn.event_scores(ev, model=tn.Model(directed=True))["score"].tolist()
    expected = _first_response_by_loop(rows, window, scores)
    acts = tn.reciprocity(ev, directed=True, window=window)
    got = {int(a): (None if pd.isna(r) else int(r)) for a, r in zip(acts["act"], acts["response"], strict=True)}
    assert got == expected


@settings(max_examples=20)
@given(rows=event_rows(max_size=15, days=20, countries=["IRN", "PAK", "AFG"]))
def test_symmetric_under_relabelling_countries(rows):
    ev = frame(rows)
    swap = {"IRN": "PAK", "PAK": "IRN", "AFG": "AFG"}
    relabelled = ev.assign(source=ev["source"].map(swap), target=ev["target"].map(swap))
    a = tn.reciprocity(ev, directed=True).set_index("act").sort_index()
    b = tn.reciprocity(relabelled, directed=True).set_index("act").sort_index()
    assert (a["source"].map(swap) == b["source"]).all()
    pd.testing.assert_series_equal(a["response"], b["response"])
    pd.testing.assert_series_equal(a["lag"], b["lag"])
    pd.testing.assert_series_equal(a["relative_size"], b["relative_size"])


def test_kinds_restrict_acts_and_answers(seed_events):
    acts = tn.reciprocity(seed_events, directed=True, kinds=["airstrike"])
    assert acts["kind"].tolist() == ["airstrike", "airstrike"]
    assert acts["response_kind"].tolist() == ["airstrike", None]  # the gunmen's attack no longer counts


def test_collapse_keeps_the_largest_act_per_direction_and_day(seed_events):
    doubled = pd.concat([seed_events, seed_events.iloc[[0]].assign(killed=0)], ignore_index=True)
    assert len(tn.reciprocity(doubled, directed=True)) == 5
    acts = tn.reciprocity(doubled, directed=True, collapse=True)
    assert acts["act"].tolist() == [0, 1, 2, 3]  # the deadlier of the two Iranian strikes stands


def test_undirected_input_and_bad_window_are_refused(seed_events):
    with pytest.raises(ValueError, match="directed=True"):
        tn.reciprocity(seed_events)
    with pytest.raises(ValueError, match="window"):
        tn.reciprocity(seed_events, directed=True, window=-1)
    with pytest.raises(ValueError, match="by must be"):
        tn.reciprocity(seed_events, directed=True, by="country")


def test_the_answer_among_equal_sized_same_time_answers_does_not_depend_on_row_order():
    events = pd.DataFrame(
        {
            "date": ["2024-01-01", "2024-01-03", "2024-01-03"],
            "source": ["IRN", "PAK", "PAK"],
            "target": ["PAK", "IRN", "IRN"],
            "kind": ["airstrike", "armed_clash", "airstrike"],
            "weight": [5.0, 4.0, 4.0],
        }
    )
    answers = [
        tn.reciprocity(frame, directed=True).set_index("act").loc[0, ["response", "response_kind"]].tolist()
        for frame in (events, events.iloc[[0, 2, 1]])
    ]
    assert answers[0] == answers[1] == [2, "airstrike"]  # (the kind first in alphabetical order)


def test_window_of_numpy_number_is_days_and_a_bare_text_number_is_refused(seed_events):
    # pandas reads np.int64(14) and "14" as 14 nanoseconds: no answer would be found
    by_int = tn.reciprocity(seed_events, directed=True, window=14)
    for window in (np.int64(14), np.float32(14.0), np.timedelta64(14, "D"), "14D"):
        pd.testing.assert_frame_equal(tn.reciprocity(seed_events, directed=True, window=window), by_int)
    for window in ("14", " 14 ", True):
        with pytest.raises(ValueError, match="window"):
            tn.reciprocity(seed_events, directed=True, window=window)


def test_a_misspelt_kind_is_refused(seed_events):
    with pytest.raises(ValueError, match="airstrik"):
        tn.reciprocity(seed_events, directed=True, kinds=["airstrik", "armed_attack"])
