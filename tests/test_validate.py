"""The validation harness: hand-built series with known answers, and the real ICEWS run."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tension as tn
from tension import validate

DAYS = pd.date_range("2018-01-01", "2018-10-31")


def _calendar(rows):
    """A small provisional calendar of the tests' own (never shipped)."""
    cols = ["episode", "dyad", "expectation", "date", "window_days"]
    cal = pd.DataFrame(rows, columns=cols)
    return cal.assign(reason="test", source="test", split="calibration")


@pytest.fixture
def skripal():
    # Salisbury poisoning 2018-03-04; expulsions announced 2018-03-14.
    return _calendar([("Skripal", "GBR-RUS", "rise", "2018-03-04", 7), ("Skripal", "GBR-RUS", "peak", "2018-03-12", 7)])


def _series(values, dyad="GBR-RUS", name="x"):
    return pd.DataFrame({"dyad": dyad, "date": DAYS, name: np.asarray(values, dtype=float)})


def test_a_step_rise_is_a_hit_and_a_flat_series_is_not(skripal):
    step = np.where(DAYS >= "2018-03-04", 10.0, 0.0)
    flat = np.ones(len(DAYS))
    s = _series(step).assign(flat=flat)
    res = validate.evaluate(s, skripal.iloc[:1], placebos=0)
    assert res.set_index("measure")["met"].to_dict() == {"x": True, "flat": False}


def test_a_rise_must_exceed_half_a_standard_deviation():
    # A series at 0 with a 1.0 on the key date: the SD of the whole series is
    # sqrt(1/n - 1/n^2); the rise of 1.0 exceeds half of it.
    x = np.zeros(len(DAYS))
    x[DAYS.get_loc(pd.Timestamp("2018-06-10"))] = 1.0
    cal = _calendar([("e", "GBR-RUS", "rise", "2018-06-10", 3)])
    res = validate.evaluate(_series(x), cal, placebos=0)
    n = len(DAYS)
    sd = np.sqrt(1 / n - (1 / n) ** 2)  # hand calculation
    assert res["margin"].iat[0] == pytest.approx(0.5 * sd, rel=1e-12)
    assert res["met"].iat[0]
    # the same rise in a series that also spends its first half at 20 (SD about 10) is not
    busy = x + np.where(np.arange(n) < n // 2, 20.0, 0.0)
    res = validate.evaluate(_series(busy), cal, placebos=0)
    assert res["margin"].iat[0] > 4.0
    assert not res["met"].iat[0]


def test_peak_in_the_named_week_and_not_outside():
    x = np.zeros(len(DAYS))
    i = DAYS.get_loc(pd.Timestamp("2018-04-16"))
    x[i] = 5.0
    cal = _calendar([("e", "SYR-USA", "peak", "2018-04-14", 7), ("e", "SYR-USA", "peak", "2018-05-01", 7)])
    res = validate.evaluate(_series(x, dyad="SYR-USA"), cal, placebos=0)
    assert res.sort_values("key_date")["met"].tolist() == [True, False]
    # a tie between the named week and its context is not a peak
    x[i + 14] = 5.0
    res = validate.evaluate(_series(x, dyad="SYR-USA"), cal.iloc[:1], placebos=0)
    assert not res["met"].iat[0]


def test_fall_compares_the_days_after_the_window_with_the_date():
    x = np.where(DAYS < "2018-06-12", 10.0, 2.0)  # drops two days after the date
    cal = _calendar([("e", "PRK-USA", "fall", "2018-06-10", 7)])
    assert validate.evaluate(_series(x, dyad="PRK-USA"), cal, placebos=0)["met"].iat[0]
    up = np.where(DAYS < "2018-06-12", 2.0, 10.0)
    assert not validate.evaluate(_series(up, dyad="PRK-USA"), cal, placebos=0)["met"].iat[0]


def test_a_fall_from_the_eve_reads_the_day_before_the_date():
    # a summit's own day reads warm (0), the days after come back to 6, the eve stood at 10:
    # by hand, the mean after the window (6) is above the date's 0 but below the eve's 10
    x = np.full(len(DAYS), 10.0)
    x[DAYS == "2018-06-12"] = 0.0
    x[DAYS > "2018-06-12"] = 6.0
    sd = x.std()
    assert 6.0 < 10.0 - 0.5 * sd  # the eve test's margin is met by hand
    cal = _calendar([("e", "PRK-USA", "fall", "2018-06-12", 7)])
    s = _series(x, dyad="PRK-USA")
    assert not validate.evaluate(s, cal, placebos=0)["met"].iat[0]
    eve = validate.evaluate(s, cal, placebos=0, fall_from="eve")
    assert eve["met"].iat[0] and eve["margin"].iat[0] == pytest.approx(0.5 * sd, rel=1e-12)
    # the first day of the series has no eve: not evaluable
    first = _calendar([("e", "PRK-USA", "fall", "2018-01-01", 7)])
    assert np.isnan(validate.evaluate(s, first, placebos=0, fall_from="eve")["met"].iat[0])
    with pytest.raises(ValueError, match="fall_from"):
        validate.evaluate(s, cal, fall_from="before")


def test_placebo_dates_keep_their_distance_and_are_deterministic(skripal):
    cal = pd.concat([skripal, _calendar([("Skripal", "GBR-RUS", "fall", "2018-07-01", 14)])], ignore_index=True)
    s = _series(np.random.default_rng(1).normal(size=len(DAYS)))
    res = validate.evaluate(s, cal, placebos=30, seed=7)
    fake = res[res["placebo"]]
    keys = pd.to_datetime(cal["date"]).to_numpy()
    gaps = np.abs(fake["date"].to_numpy()[:, None] - keys[None, :]).min(axis=1)
    assert (gaps >= np.timedelta64(validate.PLACEBO_DISTANCE, "D")).all()
    assert fake.groupby("expectation").size().to_dict() == {"fall": 30, "peak": 30, "rise": 30}
    assert fake["met"].notna().all()  # every placebo test fits inside the series
    again = validate.evaluate(s, cal.iloc[::-1], placebos=30, seed=7)  # row order does not matter
    pd.testing.assert_frame_equal(res.reset_index(drop=True), again.reset_index(drop=True))
    other = validate.evaluate(s, cal, placebos=30, seed=8)
    assert not other["date"].equals(res["date"])


def test_placebo_dates_avoid_key_dates_of_other_splits(skripal):
    cal = pd.concat([skripal, _calendar([("x", "GBR-RUS", "rise", "2018-08-01", 7)]).assign(split="heldout")])
    res = validate.evaluate(_series(np.zeros(len(DAYS))), cal, split="calibration", placebos=200)
    assert set(res["split"]) == {"calibration"}
    gaps = np.abs(res["date"] - pd.Timestamp("2018-08-01"))
    assert (gaps[res["placebo"]] >= pd.Timedelta(days=14)).all()


def test_tests_outside_the_series_and_unknown_dyads_are_not_evaluable():
    cal = _calendar([("e", "GBR-RUS", "rise", "2018-01-01", 7), ("e", "FRA-RUS", "rise", "2018-03-01", 7)])
    res = validate.evaluate(_series(np.zeros(len(DAYS))), cal, placebos=0)
    assert res["met"].isna().all()
    s = validate.summary(res)
    assert s.loc[s["expectation"] == "rise", ["tests", "evaluable"]].values.tolist() == [[2, 0]]


def test_summary_counts_hits_and_placebo_rates_by_hand():
    res = pd.DataFrame(
        {
            "split": "c",
            "measure": "m",
            "expectation": ["rise"] * 4 + ["fall"] * 3,
            "placebo": [False, False, True, True, False, True, True],
            "met": [True, False, True, False, True, False, False],
        }
    )
    s = validate.summary(res).set_index("expectation")
    assert s.loc["rise", ["hits", "hit_rate", "placebo_rate", "difference"]].tolist() == [1, 0.5, 0.5, 0.0]
    assert s.loc["fall", ["hits", "hit_rate", "placebo_rate", "difference"]].tolist() == [1, 1.0, 0.0, 1.0]
    assert s.loc["all", ["tests", "hits"]].tolist() == [3, 2]


def test_saturation_counts_window_days_at_the_bounds():
    x = np.full(len(DAYS), 50.0)
    x[DAYS >= "2018-03-06"] = 99.2
    cal = _calendar([("e", "GBR-RUS", "rise", "2018-03-04", 7)])  # 8 window days, 6 at the bound
    assert validate.saturation(_series(x, name="index"), cal) == pytest.approx(6 / 8)
    x[DAYS >= "2018-03-06"] = 98.9  # more than one point from 100
    assert validate.saturation(_series(x, name="index"), cal) == 0.0
    assert validate.saturation(_series(100.0 - x, name="index"), cal) == 0.0
    x[DAYS >= "2018-03-06"] = 0.7  # within one point of 0
    assert validate.saturation(_series(x, name="index"), cal) == pytest.approx(6 / 8)


def test_series_without_dyad_or_date_is_refused(skripal):
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['dyad'\]"):
        validate.evaluate(pd.DataFrame({"date": DAYS, "x": 0.0}), skripal)
    with pytest.raises(ValueError, match="index"):
        validate.saturation(_series(np.zeros(len(DAYS))), skripal)


def test_read_calendar_names_bad_rows():
    bad = _calendar([("e", "GBR-RUS", "soar", "2018-03-04", 7), ("e", "GBRRUS", "rise", "2018-13-04", 0)])
    with pytest.raises(validate.CalendarError, match=r"row\(s\) \[0\].*expectation"):
        validate.read_calendar(bad)
    with pytest.raises(validate.CalendarError, match="lacks column"):
        validate.read_calendar(bad.drop(columns="split"))
    with pytest.raises(validate.CalendarError, match=r"row\(s\) \[1\]"):
        validate.read_calendar(bad.assign(expectation="rise"))


def test_peers_by_hand_on_the_seed_episode(seed_events):
    p = validate.peers(seed_events, start="2024-01-10", end="2024-02-29").set_index("date")
    plain = tn.event_scores(seed_events, model=tn.Model(repeat_discount=1))
    day = plain.groupby(plain["date"].dt.normalize())["raw_score"].sum()
    assert p.loc["2024-01-29", "goldstein_sum"] == pytest.approx(day["2024-01-29"])
    # 14-day mean per event on 29 January: events of 16-29 January
    recent = plain[(plain["date"] >= "2024-01-16") & (plain["date"] <= "2024-01-29")]
    assert p.loc["2024-01-29", "goldstein_mean14"] == pytest.approx(recent["raw_score"].mean())
    old = tn.score(seed_events, half_life=30, start="2024-01-10", end="2024-02-29").set_index("date")
    np.testing.assert_allclose(p["eventnet30"], old["tension"], rtol=1e-12)


# --- the real run: ICEWS, January-October 2018, and the README's table --------------

README = Path(__file__).resolve().parents[1] / "README.md"
NAMES = {
    "index": "`index` (default model)",
    "index_0_1": "`index` of tension 0.1",
    "goldstein_sum": "daily Goldstein sum",
    "goldstein_mean14": "14-day mean Goldstein",
    "eventnet30": "eventnet 30-day sum (`tension`)",
}


def _markdown_rows(table: pd.DataFrame) -> list[str]:
    """The README's rows: split, measure, met, hit - placebo per expectation, saturated."""
    rows = []
    for r in table.itertuples(index=False):
        sat = "–" if np.isnan(r.saturated) else f"{100 * r.saturated:.1f} %"
        rows.append(
            f"| {r.split} | {NAMES[r.measure]} | {r.met} | {r.rise:+.2f} | {r.peak:+.2f} | {r.fall:+.2f} | "
            f"{r.all:+.2f} | {sat} |"
        )
    return rows


@pytest.fixture(scope="module")
def icews_report():
    from conftest import ICEWS18, need

    from tension.io import read_icews

    events = read_icews(need(ICEWS18 / "icews18_international.tab"))
    return validate.report(events)


def test_icews_report_has_every_split_and_measure(icews_report):
    r = icews_report
    assert list(r.columns) == ["split", "measure", "met", "rise", "peak", "fall", "all", "saturated"]
    assert sorted(set(zip(r["split"], r["measure"], strict=True))) == sorted(
        (s, m) for s in ("calibration", "heldout") for m in validate.REPORT_MEASURES
    )
    res = r.attrs["results"]
    real = res[~res["placebo"]]
    assert real.groupby("measure").size().unique().tolist() == [72]  # every calendar row, every measure
    assert (res[res["placebo"]].groupby(["measure"]).size() == 72 * validate.PLACEBOS).all()
    # the bounded index of this release never comes near its bounds (by construction: about 38-95)
    assert (r.loc[r["measure"] == "index", "saturated"] == 0).all()


def test_icews_report_reproduces_the_readme_table(icews_report):
    text = README.read_text(encoding="utf-8")
    section = text.split("<!-- validity-table -->")[1]
    readme_rows = [
        line for line in section.splitlines() if line.startswith("| calibration") or line.startswith("| heldout")
    ]
    assert readme_rows == _markdown_rows(icews_report)


def test_a_missing_reading_makes_a_test_not_evaluable(skripal):
    # a rolling measure is NaN in its warm-up: a test that reads such a day is not a miss
    step = np.where(DAYS >= "2018-03-04", 10.0, 0.0)
    s = _series(step).assign(smooth=pd.Series(step).rolling(70).mean().to_numpy())  # NaN until 10 March
    res = validate.evaluate(s, skripal.iloc[:1], placebos=0).set_index("measure")["met"]
    assert res["x"] == True and np.isnan(res["smooth"])  # noqa: E712
    counts = validate.summary(validate.evaluate(s, skripal.iloc[:1], placebos=0)).set_index("measure")
    assert counts.loc["smooth", "evaluable"].tolist() == [0, 0] and counts.loc["x", "evaluable"].tolist() == [1, 1]


@pytest.mark.parametrize("shift", ["zone", "noon"])
def test_the_peers_count_an_event_on_the_day_the_model_first_holds_it(shift):
    # five strikes on 4 March amid weekly talks: every measure must move on the same day
    talks = [
        {"date": d, "source": "GBR", "target": "RUS", "kind": "talks"}
        for d in pd.date_range("2018-01-01", "2018-06-30", freq="7D")
    ]
    strikes = [{"date": pd.Timestamp("2018-03-04"), "source": "RUS", "target": "GBR", "kind": "airstrike"}] * 5
    ev = pd.DataFrame(talks + strikes)
    if shift == "zone":  # local midnight in Karachi is 19:00 UTC the day before
        ev["date"] = ev["date"].dt.tz_localize("Asia/Karachi")
        day = pd.Timestamp("2018-03-04")
    else:  # at noon: held by the readings of the next day
        ev["date"] = ev["date"] + pd.Timedelta(hours=12)
        day = pd.Timestamp("2018-03-05")
    with pytest.warns(tn.TensionWarning) if shift == "zone" else warnings.catch_warnings():
        s = validate.series(ev, _calendar([("e", "GBR-RUS", "rise", "2018-03-04", 7)])).set_index("date")
    for measure in ("goldstein_sum", "eventnet30", "tension", "index"):
        assert s[measure].diff().idxmax() == day, measure


def test_read_calendar_reads_dates_by_one_rule():
    cal = _calendar([("e", "GBR-RUS", "rise", "04/03/2018", 7), ("f", "GBR-RUS", "rise", "13/03/2018", 7)])
    assert validate.read_calendar(cal)["date"].dt.strftime("%Y-%m-%d").tolist() == ["2018-03-04", "2018-03-13"]
    ambiguous = cal.assign(date=["04/03/2018", "05/03/2018"])
    with pytest.raises(validate.CalendarError, match=r"row\(s\) \[0, 1\]: date: ambiguous dates"):
        validate.read_calendar(ambiguous)
    mixed = cal.assign(date=["2018-03-04T23:00-05:00", "2018-03-04"])
    with pytest.raises(validate.CalendarError, match=r"row\(s\) \[1\]: date: a date without a time zone"):
        validate.read_calendar(mixed)
    # an offset: the UTC day, as the events' dates are converted to UTC
    zoned = cal.assign(date=["2018-03-04T23:00-05:00", "2018-03-04T10:00-05:00"])
    assert validate.read_calendar(zoned)["date"].dt.strftime("%Y-%m-%d").tolist() == ["2018-03-05", "2018-03-04"]
