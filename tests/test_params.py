"""Parameters are checked at the edge: each bad value is refused naming the parameter."""

from __future__ import annotations

import sys
import tracemalloc

import numpy as np
import pandas as pd
import pytest

import tension as tn


@pytest.fixture(scope="module")
def ev():
    return tn.datasets.pakistan_iran_2024()


def refused(name, call):
    with pytest.raises(tn.ParameterError, match=rf"\b{name}\b") as info:
        call()
    assert isinstance(info.value, ValueError) and isinstance(info.value, tn.TensionError)
    return str(info.value)


@pytest.mark.parametrize("freq", ["0D", "-1D", "0s", "-2W", "fortnightly", "", 5, None, True])
@pytest.mark.parametrize("function", ["score", "decompose"])
def test_freq_must_be_a_forward_step(ev, function, freq):
    refused("freq", lambda: getattr(tn, function)(ev, freq=freq))


@pytest.mark.parametrize(
    ("freq", "start", "end"),
    [
        ("1s", "2000-01-01", "2024-01-01"),  # 757 million seconds
        ("1min", "1700-01-01", "2200-01-01"),
        ("1ms", "2024-01-17", "2024-01-30"),
        ("1s", None, "2224-01-01"),
        ("1s", "1824-01-01", None),
    ],
)
def test_a_grid_too_large_is_refused_before_anything_is_built(ev, freq, start, end):
    tracemalloc.start()
    try:
        text = refused("freq", lambda: tn.score(ev, freq=freq, start=start, end=end, threshold=0.01))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "grid times" in text and "coarser freq" in text
    assert peak < 50 * 2**20  # a grid of that size would take gigabytes


@pytest.mark.parametrize("function", ["score", "decompose"])
@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2024-02-01", "2024-01-01"),
        ("2024-01-01T00:00:01", "2024-01-01"),
        ("2024-01-01T06:00+05:00", "2024-01-01T00:30Z"),
    ],
)
def test_start_after_end_is_refused(ev, function, start, end):
    text = refused("start", lambda: getattr(tn, function)(ev, start=start, end=end))
    assert "end=" in text


@pytest.mark.parametrize("name", ["start", "end"])
@pytest.mark.parametrize(
    "value", ["today", "now", " Yesterday ", pd.NaT, np.datetime64("NaT"), "someday", 20240117, True]
)
def test_grid_bounds_must_be_dates(ev, name, value):
    refused(name, lambda: tn.score(ev, **{name: value}))


@pytest.mark.parametrize("value", [None, pd.NaT, "now", "today", "not a date", 3.5, False])
def test_contributions_need_a_real_date(ev, value):
    refused("at", lambda: tn.contributions(ev, at=value))


@pytest.mark.parametrize("value", [pd.NaT, "now", "tomorrow", 0])
def test_score_at_must_be_a_real_date(ev, value):
    refused("at", lambda: tn.score(ev, at=value))


@pytest.mark.parametrize(
    "value",
    [
        "10/01/2024",
        "13/01/2024",
        "1.2.24",
        "01-02-2024",
        " 10/01/2024 12:00",
        "10 01 2024",
        "10,01,2024",
        "Tue 10/01/2024",
        "1-2-3",
        "01/29",
    ],
)
@pytest.mark.parametrize(
    ("name", "call"),
    [
        ("at", lambda ev, v: tn.score(ev, at=v)),
        ("at", lambda ev, v: tn.contributions(ev, at=v)),
        ("start", lambda ev, v: tn.score(ev, freq="D", start=v)),
        ("end", lambda ev, v: tn.score(ev, freq="D", end=v)),
        ("on", lambda ev, v: tn.alerts(tn.score(ev, freq="D"), on=v)),
        ("start", lambda ev, v: tn.validate.peers(ev, start=v)),
    ],
)
def test_a_day_and_month_in_numbers_is_refused_not_guessed(ev, name, call, value):
    """pandas reads "10/01/2024" as 1 October and "13/01/2024" as 13 January: a parameter
    has no column to tell the order from, so both are refused, with the unambiguous way."""
    message = refused(name, lambda: call(ev, value))
    assert "'2024-01-31'" in message


def test_unambiguous_written_dates_are_read():
    written = ("2024-01-20", "20 Jan 2024", "2024/01/20", "Jan 20, 2024", "20240120", "2024-01-20T00:00Z")
    quarter = tn.score(tn.datasets.pakistan_iran_2024(), at="2024Q2")
    pd.testing.assert_frame_equal(quarter, tn.score(tn.datasets.pakistan_iran_2024(), at="2024-04-01"))
    at = [tn.score(tn.datasets.pakistan_iran_2024(), at=v)["tension"].sum() for v in written]
    assert len(set(at)) == 1 and at[0] > 0


@pytest.mark.parametrize("value", [0, 0.0, -0.01, np.nan, np.inf, True, "0.01", [0.01]])
def test_threshold_must_be_a_positive_number(ev, value):
    refused("threshold", lambda: tn.score(ev, threshold=value))


def test_threshold_zero_no_longer_bypasses_the_dense_grid_guard(ev, monkeypatch):
    monkeypatch.setattr(sys.modules["tension.score"], "MAX_DENSE_ROWS", 5)
    with pytest.raises(ValueError, match="dense grid"):
        tn.score(ev)
    refused("threshold", lambda: tn.score(ev, threshold=0))


def test_a_tiny_threshold_is_refused_before_allocating_what_it_keeps(ev, monkeypatch):
    monkeypatch.setattr(sys.modules["tension._grid"], "MAX_KEPT_ROWS", 5)
    text = refused("threshold", lambda: tn.score(ev, threshold=1e-300))
    assert "larger threshold" in text
    assert len(tn.score(ev, threshold=5.0, start="2024-01-17", end="2024-01-18")) <= 5


@pytest.mark.parametrize("value", [np.int64(30), np.int32(30), np.float32(30.0), np.float64(30.0), 30, 30.0])
def test_half_life_of_any_real_number_type_gives_the_same_values(ev, value):
    want = tn.score_events(ev, half_life=30.0)
    got = tn.score_events(ev, half_life=value)
    pd.testing.assert_frame_equal(got, want)
    assert got.attrs["model"]["half_life"] == 30.0 and type(got.attrs["model"]["half_life"]) is float


@pytest.mark.parametrize(
    "value",
    [
        True,
        False,
        "30",
        0,
        -5,
        np.nan,
        np.inf,
        [30],
        {"talks": True},
        {"talks": 0},
        {"talks": "7"},
        {"talks": np.nan},
        {3: 7.0},
    ],
)
def test_half_life_must_be_a_positive_number_of_days(ev, value):
    refused("half_life", lambda: tn.score_events(ev, half_life=value))


def test_half_life_mapping_accepts_numpy_numbers(ev):
    a = tn.score_events(ev, half_life={"talks": np.int64(7), "default": np.float32(20)})
    b = tn.score_events(ev, half_life={"talks": 7.0, "default": 20.0})
    pd.testing.assert_frame_equal(a, b)


MODEL_FIELDS = [
    ("scale", "20"),
    ("scale", np.nan),
    ("scale", -1.0),
    ("scale", 0),
    ("scale", True),
    ("scale", None),
    ("directed", "no"),
    ("directed", 1),
    ("directed", "False"),
    ("killed_coef", -0.5),
    ("killed_coef", np.nan),
    ("killed_coef", "0.5"),
    ("killed_coef", True),
    ("injured_coef", np.inf),
    ("injured_coef", [1]),
    ("repeat_discount", 0),
    ("repeat_discount", 1.5),
    ("repeat_discount", np.nan),
    ("repeat_discount", True),
    ("repeat_discount", "0.5"),
    ("half_life", "30"),
    ("half_life", True),
    ("heat_half_life", -1.0),
    ("flow_half_life", "30"),
    ("flow_floor", np.nan),
    ("index_scale", True),
    ("weights", {"talks": True}),
    ("weights", {"talks": "-1"}),
    ("weights", {"talks": None}),
]


@pytest.mark.parametrize(("field", "value"), MODEL_FIELDS)
def test_model_fields_are_type_checked(field, value):
    refused(field, lambda: tn.Model(**{field: value}))


def test_model_fields_accept_numpy_numbers_and_store_plain_ones():
    m = tn.Model(
        scale=np.int64(20),
        killed_coef=np.float32(0.5),
        repeat_discount=np.float64(0.5),
        directed=np.bool_(True),
        half_life=np.int16(30),
    )
    assert m == tn.Model(scale=20.0, killed_coef=0.5, repeat_discount=0.5, directed=True, half_life=30.0)
    assert all(type(v) in (float, bool) for k, v in m.as_dict().items() if k not in ("weights", "quad_classes"))


@pytest.mark.parametrize("directed", ["no", 1, "yes"])
def test_directed_keyword_is_checked_in_every_function(ev, directed):
    for function in (tn.score_events, tn.event_scores):
        refused("directed", lambda f=function: f(ev, directed=directed))


@pytest.mark.parametrize("dyads", [5, [], [1, 2], ["IRN-PAK", None]])
def test_dyads_must_be_labels(ev, dyads):
    refused("dyads", lambda: tn.score(ev, dyads=dyads))


@pytest.mark.parametrize("scale", [0, -1, np.nan, "20", True])
def test_tension_index_scale(scale):
    refused("scale", lambda: tn.tension_index(1.0, scale=scale))


def test_good_parameters_still_work(ev):
    out = tn.score(
        ev,
        freq=pd.offsets.Day(1),
        start=pd.Timestamp("2024-01-16"),
        end=np.datetime64("2024-01-20"),
        threshold=np.float64(0.01),
        half_life=np.int64(30),
    )
    assert len(out) == 4  # 16 January has no value above the threshold
    assert len(tn.score(ev, start="2024-02-01")) == 1  # start after the last event: one reading at start


@pytest.mark.parametrize("value", [None, pd.NaT, "now", "today", 7])
def test_state_snapshot_needs_a_real_date(ev, value):
    state = tn.State.from_events(ev)
    refused("at", lambda: state.snapshot(at=value))


def test_grid_bounds_finer_than_a_microsecond_are_rounded_inwards(ev):
    start, end = pd.Timestamp("2024-01-17 00:00:00.0000005"), pd.Timestamp("2024-01-20 00:00:00.0000001")
    out = tn.score(ev, start=start, end=end, freq="12h")
    assert out["date"].min() >= start and out["date"].max() <= end and len(out) == 6


def test_grid_bounds_with_other_offsets_than_the_events_are_the_same_instants(ev):
    """Bounds on either side of a daylight-saving change carry two offsets: a bare pandas
    TypeError before; now each is read as its instant in the events' zone."""
    aware = ev.assign(date=pd.DatetimeIndex(ev["date"]).tz_localize("UTC"))
    got = tn.score(aware, start="2024-01-16T00:00+03:30", end="2024-02-01T00:00+04:30")
    want = tn.score(aware, start="2024-01-16T00:00+03:30", end="2024-01-31T23:30+03:30")  # (the grid: the start's zone)
    pd.testing.assert_frame_equal(got, want)
    # bounds in one zone keep their zone's grid (local midnights across the clock change)
    london = tn.score(
        aware, start=pd.Timestamp("2024-03-20", tz="Europe/London"), end=pd.Timestamp("2024-04-05", tz="Europe/London")
    )
    assert str(london["date"].dt.tz) == "Europe/London" and len(london) == 17
    assert (london["date"].dt.hour == 0).all()


def test_a_grid_across_a_skipped_midnight_says_what_to_do():
    """Tehran's clocks skipped 22 March 2018 00:00: a daily grid in that zone was pandas'
    bare "nonexistent time" error; the same events in UTC score as before."""
    ev = tn.datasets.pakistan_iran_2024().copy()
    ev["date"] = pd.Timestamp("2018-03-15", tz="Asia/Tehran") + pd.to_timedelta(range(len(ev)), unit="D")
    with pytest.raises(tn.ParameterError, match=r"freq='D': .*Asia/Tehran passes a wall time .*2018-03-22 00:00:00"):
        with pytest.warns(tn.TensionWarning):
            tn.score(ev, start=pd.Timestamp("2018-03-20", tz="Asia/Tehran"))
    with pytest.warns(tn.TensionWarning):
        daily = tn.score(ev, start=pd.Timestamp("2018-03-20", tz="UTC"))
    assert len(daily) and daily["date"].dt.tz is not None


def test_a_grid_across_a_repeated_wall_time_says_what_to_do():
    """London's clocks went back at 02:00 on 27 October 2024 and 01:00 came twice: a daily
    grid at 01:00 in that zone passes that wall time (pandas' "Cannot infer dst time")."""
    from tension import _params

    lo, hi = pd.Timestamp("2024-10-25 01:00", tz="Europe/London"), pd.Timestamp("2024-10-30", tz="Europe/London")
    with pytest.raises(tn.ParameterError, match=r"freq='D': .*Europe/London passes a wall time .*daylight saving"):
        _params.date_range(lo, hi, "D")
    assert len(_params.date_range(lo.tz_convert("UTC"), hi.tz_convert("UTC"), "D")) == 6
    # other errors of pandas are pandas' own, not a word of daylight saving
    with pytest.raises(ValueError, match="Invalid frequency") as err:
        _params.date_range(lo, hi, "fortnightly")
    assert not isinstance(err.value, tn.ParameterError)


@pytest.mark.parametrize("freq", ["D", "h", "7D", "W", "MS", "ME", "BME", "QS", "YS", "B", "SMS"])
@pytest.mark.parametrize("tz", [None, "Europe/London"])
def test_grid_size_is_at_least_the_number_of_grid_times(freq, tz):
    from pandas.tseries.frequencies import to_offset

    from tension import _params

    for start in pd.date_range("1999-01-01", periods=12, freq="31D", tz=tz):
        for years in (1, 30):
            end = start + pd.DateOffset(years=years)
            assert _params.grid_size(start, end, to_offset(freq)) >= len(pd.date_range(start, end, freq=freq))
    assert _params.grid_size(start, start - pd.Timedelta(days=1), to_offset(freq)) == 0


def test_a_bound_a_fraction_of_a_microsecond_before_a_skipped_hour_is_rounded_in_utc():
    # rounded in wall time it fell into the hour London skips on 31 March 2024, and even an
    # hourly grid (which crosses the change without trouble) was refused
    ev = tn.datasets.pakistan_iran_2024()
    ev = ev.assign(date=pd.to_datetime(ev["date"]).dt.tz_localize("UTC"))  # zoned: the grid is in the start's zone
    start = pd.Timestamp("2024-03-31 00:59:59.9999995", tz="Europe/London")
    hourly = tn.score(ev, freq="h", start=start, end=pd.Timestamp("2024-03-31 04:00", tz="Europe/London"))
    times = hourly["date"].drop_duplicates().dt.tz_convert("UTC").tolist()
    assert times == [pd.Timestamp(f"2024-03-31 0{h}:00", tz="UTC") for h in range(1, 4)]
