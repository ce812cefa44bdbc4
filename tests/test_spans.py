"""Exact time arithmetic over any span, checked against the plain-loop reference.

Event times reach the kernel as float days from a nearby origin, through int64
microseconds (tension._time): no difference can overflow, whatever the span. The
reference (tests/reference.py) works on Python datetimes and timedeltas.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import RTOL
from reference import dyad_of, event_scores, rows_of, tension_at

import tension as tn
from tension.taxonomy import resolve_weights

#: A century: events centuries apart still weigh something on each other.
CENTURY = 36_525.0

SPANS = {
    "300 years": ["1724-01-17", "2024-01-17", "2024-02-01 06:00", "2024-02-01 06:00"],
    "1000 years": ["1024-01-17", "2024-01-17", "2024-02-01", "1024-01-17 12:00"],
    "5000 years": ["0024-06-30", "5024-01-17", "2024-02-01", "3000-12-31"],
    "292 years, the int64 nanosecond limit": ["1677-09-22", "1969-12-31", "2262-04-10", "2262-04-11"],
}


def frame(dates) -> pd.DataFrame:
    n = len(dates)
    return pd.DataFrame(
        {
            "date": dates,
            "source": ["IRN", "PAK", "IRN", "PAK"][:n],
            "target": ["PAK", "IRN", "PAK", "IRN"][:n],
            "kind": ["airstrike", "talks", "armed_clash", "agreement"][:n],
            "killed": [3, 0, 1, 0][:n],
        }
    )


def reference(ev, when_list, half_life=CENTURY):
    rows = rows_of(tn.read_events(ev, duplicates="keep"))
    scores = event_scores(rows, resolve_weights())
    lives = [half_life] * len(rows)
    dyad = dyad_of(rows[0]["source"], rows[0]["target"], False)
    return [tension_at(rows, scores, lives, dyad, w) for w in when_list]


def close(value, want):
    t, h, c = want
    return abs(value - t) <= RTOL * max(h + c, 1e-300)


@pytest.mark.parametrize("span", list(SPANS))
def test_score_events_over_long_spans_equals_the_plain_loop(span):
    ev = frame(SPANS[span])
    out = tn.score_events(ev, half_life=CENTURY)
    assert np.isfinite(out["tension"]).all()
    want = reference(ev, list(tn.read_events(ev, duplicates="keep")["date"]))
    assert all(close(v, w) for v, w in zip(out["tension"], want, strict=True))


@pytest.mark.parametrize("span", list(SPANS))
def test_snapshot_and_contributions_over_long_spans_equal_the_plain_loop(span):
    ev = frame(SPANS[span])
    at = max(pd.Timestamp(d) for d in SPANS[span]) + pd.Timedelta(days=400)
    want = reference(ev, [at])[0]
    snap = tn.score(ev, at=at, half_life=CENTURY)
    assert close(snap["tension"].iloc[0], want)
    why = tn.contributions(ev, at=at, half_life=CENTURY)
    assert close(why["contribution"].sum(), want)


@pytest.mark.parametrize("span", list(SPANS))
def test_a_state_carried_over_long_spans_equals_the_plain_loop(span):
    ev = frame(SPANS[span])
    when = pd.to_datetime(ev["date"], format="ISO8601")
    state = tn.State(tn.Model(half_life=CENTURY))
    # one batch per timestamp, in time order (a batch sees the events of its time so far)
    outs = [state.update(ev[when == t]) for t in sorted(set(when))]
    got = pd.concat([o["tension"] for o in outs]).loc[ev.index]
    want = reference(ev, list(tn.read_events(ev, duplicates="keep")["date"]))
    assert all(close(v, w) for v, w in zip(got, want, strict=True))


@pytest.mark.parametrize(("start", "freq"), [("1731-01-01", "MS"), ("1500-01-01", "YS"), ("1024-01-01", "100YS")])
def test_a_grid_that_starts_centuries_early_is_exactly_zero_before_the_first_event(start, freq):
    ev = tn.datasets.pakistan_iran_2024()
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # no overflow, hidden or not
        out = tn.score(ev, start=start, freq=freq)
    before = out[out["date"] < ev["date"].min()]
    assert len(before) > 0 and (before[["tension", "hostile", "cooperative"]].to_numpy() == 0.0).all()
    assert (before["index"] == 50.0).all()
    after = out[out["date"] >= ev["date"].min()]
    want = reference(ev, list(after["date"]), half_life=30.0)
    assert all(close(v, w) for v, w in zip(after["tension"], want, strict=True))


@pytest.mark.parametrize("span", list(SPANS))
def test_a_grid_over_long_spans_equals_the_plain_loop(span):
    ev = frame(SPANS[span])
    out = tn.score(ev, freq="100YS", half_life=CENTURY)
    assert len(out) > 2 and np.isfinite(out["tension"]).all()
    want = reference(ev, list(out["date"]))
    assert all(close(v, w) for v, w in zip(out["tension"], want, strict=True))
