"""The tests of a crisis calendar: rise, peak, fall and placebo dates, their summaries.

:func:`evaluate` tests calendar rows and placebo dates on daily series; :func:`summary`
and :func:`table` sum the results up; :func:`saturation` counts crisis-window days at a
bounded measure's bounds. Part of :mod:`tension.validate` (the definitions are in its
docstring).
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

from ._calendar import EXPECTATIONS, CalendarError, read_calendar

#: A rise or a fall must exceed this many standard deviations of the dyad's own series.
MARGIN = 0.5
#: Days either side of a named week that its maximum must beat (``peak``).
PEAK_CONTEXT = 21
#: Placebo dates lie at least this many days from any key date of their dyad.
PLACEBO_DISTANCE = 14
#: Placebo dates per calendar row.
PLACEBOS = 50

_DAY = pd.Timedelta(days=1)


def _check_series(series, *columns) -> None:
    missing = [c for c in ("dyad", "date", *columns) if c not in series.columns]
    if missing:
        raise ValueError(
            f"series lacks column(s) {missing}: give a long frame with dyad, date and one column per measure "
            f"(as tension.validate.series or tension.score return); it has {list(series.columns)}"
        )


def _windows(
    expectation: str, date: pd.Timestamp, w: int, fall_from: str = "date"
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day a test reads."""
    if expectation == "rise":
        return date - _DAY, date + w * _DAY
    if expectation == "peak":
        return date - PEAK_CONTEXT * _DAY, date + (w + PEAK_CONTEXT) * _DAY
    return date - int(fall_from == "eve") * _DAY, date + 2 * w * _DAY


def _met(x: np.ndarray, i: int, expectation: str, w: int, margin: float, fall_from: str = "date") -> bool:
    """The test on a daily array ``x`` at position ``i`` (all positions read are valid)."""
    if expectation == "rise":
        return bool(x[i : i + w + 1].max() - x[i - 1] > margin)
    if expectation == "peak":
        inside = x[i : i + w + 1].max()
        outside = max(x[i - PEAK_CONTEXT : i].max(), x[i + w + 1 : i + w + PEAK_CONTEXT + 1].max())
        return bool(inside > outside)
    return bool(x[i + w + 1 : i + 2 * w + 1].mean() < x[i - int(fall_from == "eve")] - margin)


def _placebo_dates(grid, keys, expectation, w, n, rng, fall_from="date") -> list:
    lo, hi = _windows(expectation, grid[0], w, fall_from)
    first = grid[0] + (grid[0] - lo)  # earliest date whose test starts inside the grid
    last = grid[-1] - (hi - grid[0])
    candidates = grid[(grid >= first) & (grid <= last)]
    if len(keys):
        gap = np.abs(candidates.to_numpy()[:, None] - np.asarray(keys, dtype="datetime64[ns]")[None, :]).min(axis=1)
        candidates = candidates[gap >= np.timedelta64(PLACEBO_DISTANCE, "D")]
    if len(candidates) == 0:
        return []
    pick = rng.choice(len(candidates), size=min(n, len(candidates)), replace=False)
    return list(candidates[np.sort(pick)])


def evaluate(
    series: pd.DataFrame,
    calendar: pd.DataFrame,
    *,
    measures=None,
    split: str | None = None,
    placebos: int = PLACEBOS,
    seed: int = 0,
    fall_from: str = "date",
) -> pd.DataFrame:
    """Test every calendar row, and its placebo dates, on daily series of measures.

    Parameters
    ----------
    series : DataFrame
        Long format: ``dyad``, ``date`` (daily, no gaps) and one column per measure.
    calendar : DataFrame
        A crisis calendar (:func:`read_calendar` is applied). All its rows give the key
        dates that placebo dates avoid, whichever rows are tested.
    measures : list of str, optional
        Columns of ``series`` to test; default every column but ``dyad`` and ``date``.
    split : str, optional
        Test only the calendar rows of this split (e.g. ``"calibration"``).
    placebos : int, default 50
        Placebo dates per calendar row.
    seed : int, default 0
    fall_from : {"date", "eve"}, default "date"
        The level a fall is measured from: the series on the date of the de-escalation,
        or on the day before it (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        One row per calendar row x measure x date tested: ``episode``, ``dyad``,
        ``expectation``, ``split``, ``key_date`` (the calendar's date), ``date`` (the date
        tested), ``placebo`` (bool), ``measure``, ``margin`` and ``met`` (bool; NaN where
        the test is not evaluable: its days are not all in the series, the measure is
        missing (NaN) on one of them, e.g. in a rolling measure's warm-up, or the dyad has
        no series).

    Notes
    -----
    The definitions of rise, peak, fall, margin and placebo are in the module docstring.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from tension import validate
    >>> days = pd.date_range("2018-01-01", "2018-04-30")
    >>> flat = pd.DataFrame({"dyad": "GBR-RUS", "date": days, "flat": 1.0})
    >>> cal = pd.DataFrame({"episode": ["x"], "dyad": ["GBR-RUS"], "expectation": ["rise"],
    ...     "date": ["2018-03-04"], "window_days": [7], "reason": ["r"], "source": ["s"],
    ...     "split": ["calibration"]})
    >>> validate.evaluate(flat, cal, placebos=0)[["measure", "met"]]
      measure    met
    0    flat  False
    """
    if fall_from not in ("date", "eve"):
        raise ValueError(f"fall_from must be 'date' or 'eve', got {fall_from!r}")
    cal = read_calendar(calendar)
    keys = cal.groupby("dyad")["date"].apply(lambda s: sorted(set(s))).to_dict()
    rows = cal if split is None else cal[cal["split"] == split]
    if split is not None and rows.empty:
        raise CalendarError(f"no calendar rows with split {split!r}; splits present: {sorted(cal['split'].unique())}")
    rows = rows.sort_values(["dyad", "date", "expectation", "episode", "window_days"], kind="stable")
    _check_series(series)
    measures = [c for c in series.columns if c not in ("dyad", "date")] if measures is None else list(measures)
    unknown = sorted(set(measures) - set(series.columns))
    if unknown:
        raise ValueError(f"measures {unknown} are not columns of series ({list(series.columns)})")
    dates = pd.DatetimeIndex(series["date"])
    if dates.tz is not None:
        dates = dates.tz_localize(None)
    dates = dates.as_unit("ns")
    by_dyad = {}
    for dyad, idx in series.groupby("dyad", sort=False).indices.items():
        order = np.argsort(dates[idx].asi8, kind="stable")
        grid = dates[idx][order]
        if len(grid) > 1 and (np.diff(grid.asi8) != _DAY.value).any():
            raise ValueError(f"the series of dyad {dyad!r} is not daily without gaps")
        values = {m: series[m].to_numpy(dtype=float)[idx][order] for m in measures}
        sd = {m: float(np.nanstd(v)) if len(v) else 0.0 for m, v in values.items()}
        by_dyad[dyad] = (grid, values, sd)
    out = []
    for row in rows.itertuples(index=False):
        w = int(row.window_days)
        rng = np.random.default_rng(
            [seed, zlib.crc32(f"{row.episode}|{row.dyad}|{row.expectation}|{row.date:%Y-%m-%d}|{w}".encode())]
        )
        base = {
            "episode": row.episode,
            "dyad": row.dyad,
            "expectation": row.expectation,
            "split": row.split,
            "key_date": row.date,
        }
        if row.dyad not in by_dyad:
            for m in measures:
                out.append({**base, "date": row.date, "placebo": False, "measure": m, "margin": np.nan, "met": np.nan})
            continue
        grid, values, sd = by_dyad[row.dyad]
        drawn = _placebo_dates(grid, keys[row.dyad], row.expectation, w, placebos, rng, fall_from)
        tested = [(row.date, False)] + [(d, True) for d in drawn]
        for when, placebo in tested:
            lo, hi = _windows(row.expectation, when, w, fall_from)
            inside = lo >= grid[0] and hi <= grid[-1]
            i = int((when - grid[0]) / _DAY)
            first, last = int((lo - grid[0]) / _DAY), int((hi - grid[0]) / _DAY)  # (the positions read)
            for m in measures:
                margin = MARGIN * sd[m]
                read = inside and not np.isnan(values[m][first : last + 1]).any()  # (a reading missing: no test)
                met = _met(values[m], i, row.expectation, w, margin, fall_from) if read else np.nan
                out.append({**base, "date": when, "placebo": placebo, "measure": m, "margin": margin, "met": met})
    columns = ["episode", "dyad", "expectation", "split", "key_date", "date", "placebo", "measure", "margin", "met"]
    return pd.DataFrame(out, columns=columns)


def summary(results: pd.DataFrame) -> pd.DataFrame:
    """Hit rate, placebo rate and their difference per split, measure and expectation.

    Parameters
    ----------
    results : DataFrame
        The output of :func:`evaluate`.

    Returns
    -------
    pandas.DataFrame
        One row per ``split``, ``measure``, ``expectation`` (and ``"all"``): ``tests``
        (calendar rows), ``evaluable``, ``hits``, ``hit_rate`` (hits / evaluable),
        ``placebo_rate`` (share of evaluable placebo tests met) and ``difference``
        (hit_rate - placebo_rate).

    Examples
    --------
    >>> import pandas as pd
    >>> from tension import validate
    >>> res = pd.DataFrame({"split": "c", "measure": "m", "expectation": ["rise", "rise", "rise"],
    ...     "placebo": [False, True, True], "met": [True, False, True]})
    >>> validate.summary(res)[["expectation", "hits", "hit_rate", "placebo_rate", "difference"]]
      expectation  hits  hit_rate  placebo_rate  difference
    0         all     1       1.0           0.5         0.5
    1        rise     1       1.0           0.5         0.5
    """
    both = pd.concat([results, results.assign(expectation="all")], ignore_index=True)
    key = ["split", "measure", "expectation"]
    real = both[~both["placebo"].astype(bool)]
    fake = both[both["placebo"].astype(bool)]
    met = real["met"].astype(float)
    agg = (
        real.assign(m=met)
        .groupby(key, sort=True)
        .agg(tests=("m", "size"), evaluable=("m", "count"), hits=("m", "sum"), hit_rate=("m", "mean"))
    )
    agg["hits"] = agg["hits"].astype(int)
    agg["placebo_rate"] = fake.assign(m=fake["met"].astype(float)).groupby(key, sort=True)["m"].mean()
    agg["difference"] = agg["hit_rate"] - agg["placebo_rate"]
    return agg.reset_index()


def saturation(
    series: pd.DataFrame,
    calendar: pd.DataFrame,
    *,
    measure: str = "index",
    split: str | None = None,
    bounds=(0.0, 100.0),
    within: float = 1.0,
) -> float:
    """Share of crisis-window days on which a bounded measure sits at its bounds.

    Parameters
    ----------
    series : DataFrame
        ``dyad``, ``date`` and the measure's column.
    calendar : DataFrame
        A crisis calendar; its window days are ``[date, date + window_days]`` of every
        row (a day in two rows' windows counts twice).
    measure : str, default "index"
    split : str, optional
        Only the rows of this split.
    bounds : (float, float), default (0, 100)
    within : float, default 1
        A day is saturated when the measure is within this distance of a bound.

    Returns
    -------
    float
        Saturated days / window days present in ``series`` (NaN when none are).

    Examples
    --------
    >>> import pandas as pd
    >>> from tension import validate
    >>> days = pd.date_range("2018-03-01", "2018-03-31")
    >>> s = pd.DataFrame({"dyad": "GBR-RUS", "date": days, "index": [50.0] * 9 + [99.5] * 22})
    >>> cal = pd.DataFrame({"episode": ["x"], "dyad": ["GBR-RUS"], "expectation": ["rise"],
    ...     "date": ["2018-03-08"], "window_days": [3], "reason": ["r"], "source": ["s"],
    ...     "split": ["calibration"]})
    >>> validate.saturation(s, cal)
    0.5
    """
    cal = read_calendar(calendar)
    _check_series(series, measure)
    if split is not None:
        cal = cal[cal["split"] == split]
    dates = pd.DatetimeIndex(series["date"])
    if dates.tz is not None:
        dates = dates.tz_localize(None)
    values = pd.Series(series[measure].to_numpy(dtype=float), index=pd.MultiIndex.from_arrays([series["dyad"], dates]))
    at_bound = (values <= bounds[0] + within) | (values >= bounds[1] - within)
    days, saturated = 0, 0
    for row in cal.itertuples(index=False):
        window = pd.date_range(row.date, row.date + row.window_days * _DAY, freq="D")
        keys = pd.MultiIndex.from_arrays([[row.dyad] * len(window), window])
        present = keys[keys.isin(values.index)]
        days += len(present)
        saturated += int(at_bound.loc[present].sum())
    return saturated / days if days else float("nan")


def table(results: pd.DataFrame, saturated: dict | None = None) -> pd.DataFrame:
    """Wide summary, one row per split and measure: hits and hit - placebo per expectation.

    Parameters
    ----------
    results : DataFrame
        The output of :func:`evaluate`.
    saturated : mapping (split, measure) -> float, optional
        Shares from :func:`saturation`, shown in a ``saturated`` column.

    Returns
    -------
    pandas.DataFrame
        Columns ``split``, ``measure``, ``met`` (``"hits/evaluable"`` over all rows),
        ``rise``, ``peak``, ``fall``, ``all`` (hit rate - placebo rate, each) and
        ``saturated`` when given.

    Examples
    --------
    >>> import pandas as pd
    >>> from tension import validate
    >>> res = pd.DataFrame({"split": "c", "measure": "m", "expectation": ["rise", "rise", "fall"],
    ...     "placebo": [False, True, False], "met": [True, False, False]})
    >>> validate.table(res)[["measure", "met", "rise", "all"]]
      measure  met  rise  all
    0       m  1/2   1.0  0.5
    """
    s = summary(results)
    wide = s.pivot_table(index=["split", "measure"], columns="expectation", values="difference", aggfunc="first")
    total = s[s["expectation"] == "all"].set_index(["split", "measure"])
    out = pd.DataFrame(index=wide.index)
    out["met"] = total["hits"].astype(str) + "/" + total["evaluable"].astype(str)
    for col in (*EXPECTATIONS, "all"):
        if col in wide.columns:
            out[col] = wide[col]
    if saturated is not None:
        out["saturated"] = [saturated.get(k, np.nan) for k in out.index]
    return out.reset_index()
