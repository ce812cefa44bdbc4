"""Whole drawn models (every parameter of tn.Model) through score, score_events,
contributions and event_scores, against the plain-loop reference (tests/reference.py)."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import RTOL, model_reference
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import event_rows, frame, models

import tension as tn

DRAWN = settings(max_examples=30, deadline=None)


def close(value: float, expected: float, gross: float) -> bool:
    return abs(value - expected) <= RTOL * max(gross, abs(expected)) + 1e-12


def index_close(value: float, expected: float, flow: float) -> bool:
    # the ratio's rounding (relative to the flow), carried through the logistic
    return abs(value - expected) <= 1e-7 * max(flow, 1.0)


@DRAWN
@given(models(), event_rows(max_size=12, days=30))
def test_score_matches_the_reference_for_drawn_models(model, rows):
    ev = frame(rows)
    daily = tn.score(ev, model=model, start="2024-01-01", end="2024-02-05")
    ref = model_reference(ev, model)
    assert set(daily["dyad"]) == set(ref.dyads)
    assert len(daily) == len(set(ref.dyads)) * 36
    for row in daily.itertuples():
        t, h, c, index, heat, flow = ref.reading(row.dyad, row.date)
        assert row.hostile == pytest.approx(h, rel=RTOL, abs=1e-12)
        assert row.cooperative == pytest.approx(c, rel=RTOL, abs=1e-12)
        assert close(row.tension, t, h + c)
        assert close(row.heat, heat, flow) and row.flow == pytest.approx(flow, rel=RTOL, abs=1e-12)
        assert index_close(row.index, index, flow)


@DRAWN
@given(models(), event_rows(min_size=1, max_size=12, days=30, hours=True))
def test_score_events_matches_the_reference_for_drawn_models(model, rows):
    ev = frame(rows)
    out = tn.score_events(ev, model=model)
    ref = model_reference(ev, model)
    assert list(out.index) == list(ev.index)
    for i, (_, row) in enumerate(out.iterrows()):
        t, h, c, index, heat, flow = ref.reading(ref.dyads[i], ref.rows[i]["date"])
        assert row["dyad"] == ref.dyads[i]
        assert close(row["score"], ref.scores[i], abs(ref.scores[i]))
        assert row["hostile"] == pytest.approx(h, rel=RTOL, abs=1e-12)
        assert row["cooperative"] == pytest.approx(c, rel=RTOL, abs=1e-12)
        assert close(row["tension"], t, h + c)
        assert close(row["heat"], heat, flow) and row["flow"] == pytest.approx(flow, rel=RTOL, abs=1e-12)
        assert index_close(row["index"], index, flow)


@DRAWN
@given(models(), event_rows(min_size=1, max_size=12, days=30), st.integers(0, 40))
def test_contributions_match_the_reference_for_drawn_models(model, rows, day):
    ev = frame(rows)
    at = pd.Timestamp("2024-01-01") + pd.Timedelta(days=day)
    why = tn.contributions(ev, at=at, model=model)
    ref = model_reference(ev, model)
    for i, value in enumerate(why["contribution"]):
        assert close(value, ref.contribution(i, at), abs(ref.scores[i]))
    for dyad, total in why.attrs["tension"].items():
        t, h, c, *_ = ref.reading(dyad, at)
        assert close(total, t, h + c)


@DRAWN
@given(models(), event_rows(min_size=1, max_size=12, days=30))
def test_event_scores_match_the_reference_for_drawn_models(model, rows):
    ev = frame(rows)
    scores = tn.event_scores(ev, model=model)
    ref = model_reference(ev, model)
    assert scores["half_life"].tolist() == ref.lives
    assert scores["dyad"].tolist() == ref.dyads
    for value, expected in zip(scores["score"], ref.scores, strict=True):
        assert close(value, expected, abs(expected))
