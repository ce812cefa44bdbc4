"""The dense grid (the step scan of tension._steps) and the snapshot against the plain-loop
reference (tests/reference.py), for drawn models, frequencies, bounds and chunkings."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pandas as pd
import pytest
from conftest import RTOL, model_reference
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import Reference, params_of, rows_of
from strategies import event_rows, frame, models

import tension as tn
from tension import _grid, _steps
from tension.taxonomy import kind_quad_classes, resolve_weights

WEIGHTS = resolve_weights()
QUADS = kind_quad_classes()
DRAWN = settings(max_examples=30, deadline=None)


def assert_matches(out: pd.DataFrame, ref: Reference) -> None:
    for row in out.itertuples():
        t, h, c, index, heat, flow = ref.reading(row.dyad, row.date)
        assert row.hostile == pytest.approx(h, rel=RTOL, abs=1e-12)
        assert row.cooperative == pytest.approx(c, rel=RTOL, abs=1e-12)
        assert abs(row.tension - t) <= RTOL * (h + c) + 1e-12
        assert abs(row.heat - heat) <= RTOL * flow + 1e-12
        assert row.flow == pytest.approx(flow, rel=RTOL, abs=1e-12)
        assert abs(row.index - index) <= 1e-7 * max(flow, 1.0)


@DRAWN
@given(
    models(),
    event_rows(min_size=1, max_size=12, days=40, hours=True),
    st.sampled_from(["D", "6h", "W", "MS", "3D"]),
    st.sampled_from([(None, None), ("2023-12-20", "2024-02-20"), ("2024-01-15", "2024-01-25")]),
    st.booleans(),
    st.booleans(),
)
def test_grid_matches_the_reference_for_drawn_models_and_frequencies(model, rows, freq, bounds, small_chunks, staged):
    ev = frame(rows)
    start, end = bounds
    # the smallest chunks (8 steps) carry the state across many chunk boundaries; staged, the
    # columns go into the output through spans of many chunks (the last one short) and tiles
    # of one dyad
    stage = (
        {"_STAGE_FROM": 0, "_STAGE_BYTES": 1 << 40, "_TILE_BYTES": 1} if staged else {"_STAGE_FROM": _grid._STAGE_FROM}
    )
    with (
        mock.patch.object(_steps, "CHUNK_BINS", 1 if small_chunks else _steps.CHUNK_BINS),
        mock.patch.multiple(_grid, **stage),
    ):
        out = tn.score(ev, model=model, freq=freq, start=start, end=end)
    ref = model_reference(ev, model)
    times = out["date"].unique()
    assert len(out) == len(set(ref.dyads)) * len(times)
    assert list(out.columns) == ["dyad", "date", "tension", "hostile", "cooperative", "index", "heat", "flow"]
    assert_matches(out, ref)
    # the chunking never changes a bit, nor does the input's row order
    shuffled = ev.sample(frac=1.0, random_state=len(ev))
    with mock.patch.object(_steps, "CHUNK_BINS", _steps.CHUNK_BINS if small_chunks else 1):
        again = tn.score(shuffled, model=model, freq=freq, start=start, end=end)
    pd.testing.assert_frame_equal(out, again, check_exact=True)


@DRAWN
@given(models(), event_rows(min_size=1, max_size=12, days=40, hours=True), st.integers(-2, 45))
def test_snapshot_matches_the_reference_for_drawn_models(model, rows, day):
    ev = frame(rows)
    at = pd.Timestamp("2024-01-01 12:00") + pd.Timedelta(days=day)
    snap = tn.score(ev, model=model, at=at)
    ref = model_reference(ev, model)
    started = {d for d, r in zip(ref.dyads, ref.rows, strict=True) if r["date"] <= at}
    assert sorted(snap["dyad"]) == sorted(started)
    assert (snap["date"] == at).all()
    assert_matches(snap, ref)


@DRAWN
@given(event_rows(min_size=1, max_size=25, days=40, hours=True), st.integers(0, 45), st.integers(0, 2**32 - 1))
def test_snapshot_is_independent_of_row_order_to_the_last_bit(rows, day, seed):
    ev = frame(rows)
    at = pd.Timestamp("2024-01-01") + pd.Timedelta(days=day)
    snap = tn.score(ev, at=at, half_life={"verbal_cooperation": 5.0})
    again = tn.score(ev.sample(frac=1.0, random_state=seed), at=at, half_life={"verbal_cooperation": 5.0})
    pd.testing.assert_frame_equal(snap, again, check_exact=True)


def test_snapshot_in_small_chunks_is_the_same(seed_events, monkeypatch):
    from tension import _grid

    whole = tn.score(seed_events, at="2024-02-10")
    monkeypatch.setattr(_grid, "SNAPSHOT_CHUNK", 2)
    pd.testing.assert_frame_equal(tn.score(seed_events, at="2024-02-10"), whole, check_exact=False, rtol=1e-12)


@pytest.mark.parametrize(
    "stage_bytes, tile_bytes, chunks", [(1, 1, 0), (5 << 20, 1, 2), (5 << 20, 1 << 10, 2), (1 << 24, 1 << 16, 4)]
)
def test_a_grid_of_many_dyads_gathered_before_it_is_written_is_the_same(stage_bytes, tile_bytes, chunks):
    """Through spans of two and four chunks (the last one short) and tiles of one and many
    dyads, every value and label as written straight into the output; a span that would be
    one chunk is not gathered at all."""
    rng = np.random.default_rng(7)
    countries = sorted(c for c in tn.countries.country_codes() if len(c) == 3)[:40]
    n = 3000
    source, target = rng.choice(40, n), rng.choice(39, n)
    ev = pd.DataFrame(
        {
            "date": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 700 * 86_400, n), unit="s"),
            "source": np.asarray(countries)[source],
            "target": np.asarray(countries)[(source + 1 + target) % 40],
            "kind": rng.choice(["airstrike", "talks", "threat", "aid"], n),
        }
    )
    direct = tn.score(ev, freq="D")
    assert direct["dyad"].nunique() > 500 and len(direct) % 8 != 0
    # (no cell left unwritten; and the staging array's shape, if one is made)
    poisoned = mock.Mock(empty=lambda shape, dtype=float: np.full(shape, -7.5, dtype=dtype))
    made = []

    class Spy:  # (numpy, with a note of each np.empty's shape)
        def __getattr__(self, name):
            return getattr(np, name)

        def empty(self, shape, *args, **kwargs):
            made.append(shape)
            return np.empty(shape, *args, **kwargs)

    spy = Spy()
    settings = {
        "_STAGE_FROM": 0,
        "_STAGE_BYTES": stage_bytes,
        "_TILE_BYTES": tile_bytes,
        "_memory": poisoned,
        "np": spy,
    }
    with mock.patch.multiple(_grid, **settings):
        staged = tn.score(ev, freq="D")
    pd.testing.assert_frame_equal(direct, staged, check_exact=True)
    spans = [shape[1] for shape in made if isinstance(shape, tuple) and len(shape) == 3 and shape[0] == 6]
    length = _steps.chunk_steps(5, direct["dyad"].nunique(), direct["date"].nunique())  # (5 channels: one half-life)
    assert spans == ([chunks * length] if chunks else [])


def test_time_zone_aware_events_across_a_daylight_saving_change():
    ev = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-03-29 12:00", "2024-04-02 06:00"]).tz_localize("Europe/Paris"),
            "source": ["FRA", "DEU"],
            "target": ["DEU", "FRA"],
            "kind": ["threat", "talks"],
        }
    )
    with pytest.warns(tn.TensionWarning, match="converted to UTC"):
        daily = tn.score(ev, freq="6h", start="2024-03-29", end="2024-04-04")
    assert str(daily["date"].dt.tz) == "UTC"
    with pytest.warns(tn.TensionWarning, match="converted to UTC"):
        norm = tn.read_events(ev, duplicates="keep")
    ref = Reference(rows_of(norm), params_of(tn.Model()), WEIGHTS, QUADS)
    assert_matches(daily, ref)
    assert daily["flow"].iloc[1] == 0 < daily["flow"].iloc[2]  # 11:00 UTC: counted from 12:00


def test_a_start_with_another_offset_than_the_events_and_no_end():
    # events read in UTC, a start at +05:00: the grid is in the start's zone and ends at its
    # first point at or after the last event (03:00+05:00 on 5 January: 6 January, 00:00+05:00)
    ev = pd.DataFrame({"date": ["2024-01-05T03:00+05:00"], "source": ["IRN"], "target": ["PAK"], "kind": ["airstrike"]})
    with pytest.warns(tn.TensionWarning):
        daily = tn.score(ev, start="2024-01-01T00:00+05:00")
    want = pd.date_range("2024-01-01", "2024-01-06", freq="D", tz="UTC+05:00")
    assert daily["date"].tolist() == want.tolist()
    assert daily["tension"].iloc[-1] == pytest.approx(10 * 2 ** (-21 / 24 / 30))  # 21 hours after the strike
    assert (daily["tension"].iloc[:-1] == 0).all()


def test_an_empty_grid_and_a_grid_before_every_event():
    ev = pd.DataFrame({"date": ["2024-03-01"], "source": ["PAK"], "target": ["IRN"], "kind": ["threat"]})
    before = tn.score(ev, start="2024-01-01", end="2024-01-03")
    assert len(before) == 3 and (before[["tension", "hostile", "heat", "flow"]] == 0).all().all()
    assert (before["index"] == 50).all()
    none = tn.score(ev.iloc[:0], start="2024-01-01", end="2024-01-03")
    assert none.empty and list(none.columns) == list(before.columns)


def test_step_scan_against_plain_sums_on_many_groups_and_an_uneven_grid():
    rng = np.random.default_rng(5)
    n, groups = 2_000, 37
    g = rng.integers(0, groups, n)
    t = rng.uniform(-5, 100, n)
    grid = np.sort(rng.choice(np.arange(0.0, 90.0, 0.25), 150, replace=False))
    lives = np.array([0.5, 3.0, 40.0])
    channel = rng.integers(0, 3, n)
    value = rng.uniform(0, 10, n)
    seen = np.zeros((3, groups, len(grid)))

    def emit(k0, k1, states):
        seen[:, :, k0:k1] = states.transpose(1, 2, 0)

    with mock.patch.object(_steps, "CHUNK_BINS", 1):
        _steps.step_scan(g, t, grid, [(channel, value), (2, value)], lives, groups, emit)
    want = np.zeros_like(seen)
    for e in range(n):
        past = grid >= t[e]
        for c, v in ((channel[e], value[e]), (2, value[e])):
            want[c, g[e], past] += v * 2.0 ** (-(grid[past] - t[e]) / lives[c])
    assert np.allclose(seen, want, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("ties", [True, False])
def test_snapshot_of_many_events_in_threads_is_independent_of_row_order(monkeypatch, ties):
    """Long inputs are summed chunk by chunk in threads, the chunks added in order."""
    from tension import _grid

    rng = np.random.default_rng(11)
    n = 420_000  # long enough for threads
    countries = np.array(["PAK", "IRN", "AFG", "IND", "CHN", "USA"])
    pick = rng.integers(0, 6, (n, 2))
    pick[:, 1] = (pick[:, 0] + 1 + rng.integers(0, 5, n)) % 6
    ev = pd.DataFrame(
        {
            "date": pd.Timestamp("2020-01-01")
            + (
                pd.to_timedelta(rng.integers(0, 4 * 365 * 24, n), unit="h")
                if ties
                else pd.to_timedelta(rng.permutation(n) * 300, unit="s")
            ),
            "source": countries[pick[:, 0]],
            "target": countries[pick[:, 1]],
            "kind": rng.choice(["threat", "talks", "airstrike", "visit"], n),
        }
    )
    monkeypatch.setattr(_grid, "SNAPSHOT_CHUNK", 50_000)
    snap = tn.score(ev, at="2022-06-01")
    again = tn.score(ev.sample(frac=1.0, random_state=3), at="2022-06-01")
    pd.testing.assert_frame_equal(snap, again, check_exact=True)
    monkeypatch.setattr(_grid, "SNAPSHOT_CHUNK", 10**9)
    pd.testing.assert_frame_equal(tn.score(ev, at="2022-06-01"), snap, check_exact=False, rtol=1e-12)
