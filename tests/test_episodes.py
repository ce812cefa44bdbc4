"""Episodes and alerts: against plain loops over the series, on the seed episode, and laws."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tension as tn

DAYS = pd.date_range("2024-01-01", periods=40, freq="D")


def _daily(values_by_dyad: dict) -> pd.DataFrame:
    rows = [(d, DAYS[i], v) for d, values in values_by_dyad.items() for i, v in enumerate(values)]
    return pd.DataFrame(rows, columns=["dyad", "date", "tension"])


def _runs_by_loop(values, threshold):
    """Plain loop: (start, end) positions of each run of values > threshold."""
    runs, start = [], None
    for i, v in enumerate(values):
        if v > threshold and start is None:
            start = i
        if v <= threshold and start is not None:
            runs.append((start, i - 1))
            start = None
    if start is not None:
        runs.append((start, len(values) - 1))
    return runs


series = st.lists(st.floats(-20, 60, allow_nan=False), min_size=1, max_size=40)


@settings(max_examples=30)
@given(a=series, b=series, threshold=st.floats(-5, 30))
def test_episodes_are_the_runs_above_threshold_contiguous_and_disjoint(a, b, threshold):
    daily = _daily({"AFG-PAK": a, "IND-PAK": b})
    ep = tn.episodes(daily, threshold=threshold)
    for dyad, values in (("AFG-PAK", a), ("IND-PAK", b)):
        mine = ep[ep["dyad"] == dyad]
        expected = _runs_by_loop(values, threshold)
        assert [(DAYS[s], DAYS[e]) for s, e in expected] == list(zip(mine["start"], mine["end"], strict=True))
        assert (mine["start"].iloc[1:].to_numpy() > mine["end"].iloc[:-1].to_numpy()).all()  # disjoint, ordered
        for row, (s, e) in zip(mine.itertuples(), expected, strict=True):
            assert row.peak_tension == max(values[s : e + 1])
            assert row.start <= row.peak <= row.end
            assert row.ongoing == (e == len(values) - 1)


@settings(max_examples=20)
@given(a=series, seed=st.integers(0, 1000))
def test_episodes_do_not_depend_on_row_order(a, seed):
    daily = _daily({"AFG-PAK": a, "IND-PAK": a[::-1]})
    shuffled = daily.sample(frac=1, random_state=seed)
    pd.testing.assert_frame_equal(tn.episodes(daily, threshold=5), tn.episodes(shuffled, threshold=5))


def test_z_score_baseline_by_hand():
    values = [1.0, 3.0, 1.0, 3.0, 10.0, 2.0]
    ep = tn.episodes(_daily({"AFG-PAK": values}), threshold=2.0, baseline=4)
    # at day 4 the previous four values have mean 2 and std 1: z = 8; day 5: z < 2
    assert len(ep) == 1 and ep.loc[0, "start"] == DAYS[4] and ep.loc[0, "end"] == DAYS[4]


def test_a_rise_from_a_flat_baseline_is_an_episode_and_a_flat_series_is_none():
    ep = tn.episodes(_daily({"AFG-PAK": [0.0] * 5 + [4.0]}), threshold=3.0, baseline=5)
    assert ep["start"].tolist() == [DAYS[5]]
    assert tn.episodes(_daily({"AFG-PAK": [2.0] * 10}), threshold=0.0, baseline=5).empty


def test_seed_episode_names_the_strikes(seed_events):
    daily = tn.score(seed_events, end="2024-03-31")
    ep = tn.episodes(daily, threshold=20, events=seed_events)
    assert len(ep) == 1
    row = ep.iloc[0]
    # 19.0 after Iran's strikes on the 17th, 40.0 after Pakistan's on the 18th
    assert row["start"] == pd.Timestamp("2024-01-18") and row["trigger"] == 1
    assert row["trigger_kind"] == "airstrike"
    assert row["peak"] == pd.Timestamp("2024-01-27")  # the gunmen's attack adds to the two strikes
    assert row["peak_tension"] == pytest.approx(daily.set_index("date").loc["2024-01-27", "tension"])
    assert set(row["top_drivers"]) == {0, 1, 2}
    assert not row["ongoing"]


def test_episodes_refuse_what_is_not_a_score_frame():
    with pytest.raises(ValueError, match="tension.score"):
        tn.episodes(pd.DataFrame({"dyad": ["A"], "when": [1]}), threshold=1)
    with pytest.raises(ValueError, match="baseline"):
        tn.episodes(_daily({"AFG-PAK": [1.0, 2.0]}), threshold=1, baseline=1)


def test_episodes_refuse_a_negative_top_and_a_threshold_that_is_no_number(seed_events):
    # top=-1 named every driver but the last (head(-1)), silently
    daily = tn.score(seed_events, end="2024-03-31")
    for top in (-1, 2.5, True):
        with pytest.raises(ValueError, match="top"):
            tn.episodes(daily, threshold=20, events=seed_events, top=top)
    with pytest.raises(ValueError, match="threshold"):
        tn.episodes(daily, threshold="20")
    assert tn.episodes(daily, threshold=20, events=seed_events, top=0).loc[0, "top_drivers"] == []


def _alerts_by_loop(values, threshold):
    out = []
    for i in range(1, len(values)):
        if values[i - 1] <= threshold < values[i]:
            out.append((DAYS[i], "crossed_above"))
        if values[i - 1] > threshold >= values[i]:
            out.append((DAYS[i], "crossed_below"))
    return out


@settings(max_examples=30)
@given(a=series, threshold=st.floats(-5, 30))
def test_alert_crossings_match_a_loop_and_rises_are_the_largest(a, threshold):
    daily = _daily({"AFG-PAK": a})
    al = tn.alerts(daily, threshold=threshold, top=3)
    cross = al[al["alert"].str.startswith("crossed")]
    assert sorted(zip(cross["date"], cross["alert"], strict=True)) == sorted(_alerts_by_loop(a, threshold))
    for days in (1, 7):
        rises = sorted((a[i] - a[i - days] for i in range(days, len(a)) if a[i] > a[i - days]), reverse=True)[:3]
        got = al.loc[al["alert"] == f"rise_{days}d", "change"].tolist()
        np.testing.assert_allclose(got, rises)


def test_alerts_on_one_day_and_by_date_not_by_row():
    # weekly grid: no point one day earlier, so no day-on-day rise; week-on-week found by date
    weekly = pd.DataFrame(
        {"dyad": "AFG-PAK", "date": pd.date_range("2024-01-01", periods=3, freq="7D"), "tension": [0.0, 5.0, 4.0]}
    )
    al = tn.alerts(weekly, top=5)
    assert al["alert"].tolist() == ["rise_7d"] and al["change"].tolist() == [5.0]
    assert tn.alerts(weekly, top=5, on="2024-01-15").empty


def test_alerts_on_a_day_of_a_time_zone_aware_series(seed_events):
    naive = tn.alerts(tn.score(seed_events), threshold=20, on="2024-01-18")
    aware = tn.score(seed_events.assign(date=pd.to_datetime(seed_events["date"]).dt.tz_localize("UTC")))
    got = tn.alerts(aware, threshold=20, on="2024-01-18")
    assert got["alert"].tolist() == naive["alert"].tolist() == ["crossed_above", "rise_1d"]


@pytest.mark.parametrize("on", ["2024-01-18T00:00Z", "2024-01-18T03:30+03:30", pd.Timestamp("2024-01-18", tz="UTC")])
def test_alerts_on_an_instant_with_a_zone_of_a_naive_series(seed_events, on):
    """A naive grid is UTC (as tn.score reads at=): an instant with a zone is converted, not
    compared as it is (which found no alert at all)."""
    daily = tn.score(seed_events)
    naive = tn.alerts(daily, threshold=20, on="2024-01-18")
    pd.testing.assert_frame_equal(tn.alerts(daily, threshold=20, on=on), naive)
    assert len(naive) == 2


def test_a_thinned_grid_is_refused_for_spans_and_rises(seed_events):
    """tn.score(threshold=) drops the points below it: two spans apart read as one, and
    crossings were missed."""
    thinned = tn.score(seed_events, threshold=1.0)
    for call in (lambda: tn.episodes(thinned, threshold=5), lambda: tn.alerts(thinned, threshold=5)):
        with pytest.raises(ValueError, match=r"keeps only tension >= 1.0 .*score without threshold="):
            call()


def test_rows_filtered_out_of_a_grid_are_refused(seed_events):
    """Rows dropped from a dense grid read as neighbours: spans merged across the gap."""
    daily = tn.score(seed_events, end="2024-03-31")
    kept = daily[daily["date"] != "2024-01-27"]  # (a row filtered out inside the grid)
    for call in (lambda: tn.episodes(kept, threshold=5), lambda: tn.alerts(kept, threshold=5)):
        with pytest.raises(ValueError, match=r"daily's dates are not evenly spaced \(from 2024-01-26 .* to 2024-01-28"):
            call()
    two = pd.concat([daily, daily.assign(dyad="AFG-PAK")[daily["date"] != "2024-02-10"]])  # (one dyad skips a date)
    with pytest.raises(ValueError, match=r"daily skips grid points \(AFG-PAK from 2024-02-09 .* to 2024-02-11"):
        tn.episodes(two, threshold=5)
    weekly = daily.set_index("date").groupby("dyad")[["tension"]].resample("W").mean().reset_index()
    assert weekly.attrs.get("freq") == "D"  # (stale: pandas carries attrs through resample)
    assert len(tn.episodes(weekly, threshold=5)) == 1  # (a grid of weeks is a grid)
    one = daily[daily["date"] >= "2024-02-01"]  # (a window of the grid: every point in it)
    assert len(tn.episodes(one, threshold=5)) == 1


def _concatenated():
    """Three events of one dyad as pd.concat leaves them: every index label 0."""
    rows = [
        {"date": "2024-01-01", "source": "PAK", "target": "IRN", "kind": "airstrike"},
        {"date": "2024-01-05", "source": "PAK", "target": "IRN", "kind": "agreement"},
        {"date": "2024-01-10", "source": "PAK", "target": "IRN", "kind": "airstrike", "killed": 10},
    ]
    return pd.concat([pd.DataFrame([r]) for r in rows])


def test_repeated_event_labels_are_refused_where_labels_name_events():
    ev = _concatenated()
    daily = tn.score(ev, end="2024-01-20")
    with pytest.raises(ValueError, match=r"repeats labels \(0 names 3 events.*reset_index\(\)"):
        tn.episodes(daily, threshold=5, events=ev)
    with pytest.raises(ValueError, match=r"by='event' names each part .* repeats 0"):
        tn.decompose(ev, by="event", start="2024-01-05", end="2024-01-05")
    # without the labels, the drivers are the largest contributions: the 10-killed strike,
    # 10 * (1 + 0.5 ln 11) = 21.99 at its own day, beats the first strike, decayed
    ep = tn.episodes(daily, threshold=5, events=ev.reset_index(drop=True), top=1)
    peak = ep.loc[ep["peak"] == pd.Timestamp("2024-01-10")].iloc[0]
    assert peak["top_drivers"] == [2]
    assert peak["drivers"] == "airstrike PAK->IRN 2024-01-10 (+22.0)"
    parts = tn.decompose(ev.reset_index(drop=True), by="event", start="2024-01-05", end="2024-01-05")
    # one part per event: the first strike decayed 4 days (half-life 30), the agreement, nothing yet
    assert parts["part"].tolist() == [0, 1, 2]
    assert parts["value"].tolist() == pytest.approx([10 * 2 ** (-4 / 30), -8.0, 0.0])


DST_DAYS = pd.date_range("2024-03-01", periods=40, freq="D")  # (clocks change in New York, London, Sydney)
long_series = st.lists(st.floats(-20, 60, allow_nan=False), min_size=38, max_size=40)  # (across all three)


@pytest.mark.parametrize("tz", ["Europe/London", "America/New_York", "Australia/Sydney", "UTC"])
@settings(max_examples=20)
@given(a=long_series)
def test_rises_on_a_zoned_grid_are_by_calendar_day_as_on_a_naive_grid(tz, a):
    """One (seven) calendar day(s) earlier in the grid's zone, as the same local days on a
    naive grid: across a daylight-saving change the 24-hour look-back found no point."""
    naive = pd.DataFrame({"dyad": "AFG-PAK", "date": DST_DAYS[: len(a)], "tension": a})
    zoned = naive.assign(date=naive["date"].dt.tz_localize(tz))
    got, want = tn.alerts(zoned, top=40), tn.alerts(naive, top=40)
    pd.testing.assert_frame_equal(got.assign(date=got["date"].dt.tz_localize(None)), want)
    for days in (1, 7):  # (and the naive grid's against a plain loop)
        rises = sorted((a[i] - a[i - days] for i in range(days, len(a)) if a[i] > a[i - days]), reverse=True)
        np.testing.assert_allclose(got.loc[got["alert"] == f"rise_{days}d", "change"].tolist(), rises)


def test_scored_rises_across_a_clock_change_as_in_utc():
    """The rises of a grid in Europe/London across 31 March 2024 (clocks forward): the
    same alerts on the same local days as the UTC grid, each against the London grid's
    own value at local midnight one (seven) calendar day(s) earlier."""
    ev = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-03-20T12:00Z", "2024-03-31T12:00Z"]),
            "source": "PAK",
            "target": "IRN",
            "kind": ["threat", "airstrike"],
        }
    )
    grids = {
        tz: tn.score(ev, start=pd.Timestamp("2024-03-25", tz=tz), end=pd.Timestamp("2024-04-05", tz=tz))
        for tz in ("Europe/London", "UTC")
    }
    london, utc = (tn.alerts(grids[tz], top=3) for tz in ("Europe/London", "UTC"))
    local = london["date"].dt.strftime("%Y-%m-%d").tolist()
    assert local == utc["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-04-01"] * 2 + ["2024-04-02", "2024-04-03"]
    assert london["alert"].tolist() == utc["alert"].tolist() == ["rise_1d", "rise_7d", "rise_7d", "rise_7d"]
    by_day = grids["Europe/London"].set_index(grids["Europe/London"]["date"].dt.strftime("%Y-%m-%d"))["tension"]
    for row in london.itertuples():
        day = pd.Timestamp(row.date.strftime("%Y-%m-%d")) - pd.Timedelta(days=1 if row.alert == "rise_1d" else 7)
        assert row.previous == by_day[f"{day:%Y-%m-%d}"]
        assert row.tension == by_day[f"{row.date:%Y-%m-%d}"]
    assert london.loc[0, "change"] == pytest.approx(9.8, abs=0.05)


def test_hourly_rises_where_a_local_time_occurs_twice_or_not_at_all():
    """Hand-checked: an increasing hourly series in Europe/London. Clocks back (27 October
    2024): 01:00 occurs twice; a day later 01:00 is compared with the 01:00 exactly 24 h
    earlier (GMT), and each 01:00 of the 27th with the 26th's. Clocks forward (31 March):
    no 01:00, so 1 April 01:00 has no day-on-day rise. No row repeated, none lost."""
    autumn = pd.date_range("2024-10-26", "2024-10-28 23:00", freq="h", tz="Europe/London")
    spring = pd.date_range("2024-03-30", "2024-04-01 23:00", freq="h", tz="Europe/London")
    assert (len(autumn), len(spring)) == (73, 71)

    def at(utc: str) -> pd.Timestamp:
        return pd.Timestamp(utc).tz_convert("Europe/London")

    for dates in (autumn, spring):
        daily = pd.DataFrame({"dyad": "AFG-PAK", "date": dates, "tension": np.arange(len(dates), dtype=float)})
        al = tn.alerts(daily, top=100)
        day = al[al["alert"] == "rise_1d"].set_index("date")["previous"]  # (previous = position in dates)
        assert not day.index.duplicated().any()
        assert (al.loc[al["alert"] == "rise_1d", "tension"] - day.to_numpy() >= 23).all()  # (23, 24 or 25 h)
        if dates is autumn:
            assert len(day) == 73 - 24  # (every hour after the first day)
            assert day[at("2024-10-28 01:00Z")] == dates.get_loc(at("2024-10-27 01:00Z")) == 26  # (01:00 GMT)
            assert day[at("2024-10-27 00:00Z")] == day[at("2024-10-27 01:00Z")] == 1  # (both 01:00: the 26th's)
            assert day[at("2024-10-28 00:00Z")] == 24  # (midnight BST of the 27th, 25 h earlier)
        else:
            assert len(day) == 23 + 24 - 1  # (the 31st's 23 hours and 1 April's but its 01:00)
            assert at("2024-04-01 00:00Z") not in day.index  # (01:00 BST on 1 April)
            assert day[at("2024-03-31 23:00Z")] == 24  # (1 April 00:00 BST: 31 March 00:00 GMT, 23 h earlier)
            assert day[at("2024-03-31 01:00Z")] == 2  # (02:00 BST: 30 March 02:00 GMT)


def test_weekly_and_monthly_zoned_grids_across_a_clock_change():
    """A weekly grid has week-on-week rises only (found across the clock change), a
    monthly grid neither, as documented."""
    weekly = pd.DataFrame(
        {"dyad": "AFG-PAK", "date": pd.date_range("2024-03-18", periods=3, freq="7D", tz="Europe/London")}
    )
    al = tn.alerts(weekly.assign(tension=[0.0, 0.0, 5.0]), top=5)
    assert al["alert"].tolist() == ["rise_7d"] and al["change"].tolist() == [5.0]
    assert al["date"].tolist() == [pd.Timestamp("2024-04-01", tz="Europe/London")]
    monthly = pd.DataFrame(
        {
            "dyad": "AFG-PAK",
            "date": pd.date_range("2024-01-01", periods=6, freq="MS", tz="Europe/London"),
            "tension": np.arange(6.0),
        }
    )
    assert tn.alerts(monthly, top=5).empty
