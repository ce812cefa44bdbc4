"""Does a measure tell real crises? A crisis calendar, a placebo and naive peers.

A *crisis calendar* lists key dates of bilateral crises, each with what a measure of
tension should do then: ``rise`` after a hostile act, ``peak`` in a named week, ``fall``
after a de-escalation. :func:`evaluate` tests every row of the calendar on daily series
of any number of measures (the tension index, its raw parts, naive peers), and tests the
same expectation on random *placebo* dates of the same dyad far from any key date: a
measure tells crises when it meets the expectations on the key dates much more often
than on the placebo dates. :func:`summary` gives, per expectation type, the hit rate, the
placebo rate and their difference; :func:`saturation` the share of crisis-window days a
bounded index spends at its bounds.

The definitions (one rule for every measure, so the comparison is fair):

- **margin**: :data:`MARGIN` (0.5) times the standard deviation of the measure's daily
  values on the dyad over the whole evaluated span (a flat series has margin 0);
- **rise** at date ``d`` with window ``w``: ``max(x[d .. d+w]) - x[d-1] > margin``;
- **peak**: the named period is ``[d, d+w]``, its context ``[d-21, d+w+21]``
  (:data:`PEAK_CONTEXT` days either side); met if ``max(x[d .. d+w])`` is strictly
  above the maximum over the rest of the context;
- **fall**: ``mean(x[d+w+1 .. d+2w]) < x[d] - margin`` (the ``w`` days after the window
  sit below the level on the date of the de-escalation); with ``fall_from="eve"``,
  below ``x[d-1] - margin``, the level on the eve (a robustness check: a measure that
  already reads the de-escalation's own day as warm is not penalised for it);
- a test whose days are not all inside the series is *not evaluable* (counted apart);
- **placebo**: for every calendar row, :data:`PLACEBOS` dates of the same dyad drawn
  without replacement (``numpy.random.default_rng([seed, crc32(row key)])``, the key
  being episode, dyad, expectation, date and window: a row's draw depends neither on
  the calendar's row order nor on the other rows tested) among the dates whose whole test is
  evaluable and that lie at least :data:`PLACEBO_DISTANCE` (14) days from every key date
  of that dyad in the calendar (all splits); every measure is tested on the same dates;
- **saturated day**: a day inside a row's window ``[d, d+w]`` on which a bounded
  measure is within 1 point of its bounds (0 or 100).

Examples
--------
>>> import numpy as np, pandas as pd
>>> from tension import validate
>>> days = pd.date_range("2018-01-01", "2018-06-30")
>>> step = np.where(days >= "2018-03-04", 10.0, 0.0)
>>> series = pd.DataFrame({"dyad": "GBR-RUS", "date": days, "step": step})
>>> cal = pd.DataFrame({"episode": ["Skripal"], "dyad": ["GBR-RUS"], "expectation": ["rise"],
...     "date": ["2018-03-04"], "window_days": [7], "reason": ["nerve agent attack"],
...     "source": ["public record"], "split": ["calibration"]})
>>> res = validate.evaluate(series, cal, placebos=5)
>>> res.groupby("placebo")["met"].mean().tolist()
[1.0, 0.0]
"""

from __future__ import annotations

import zlib
from importlib import resources

import numpy as np
import pandas as pd

from .model import Model

__all__ = [
    "CALENDAR_COLUMNS",
    "EXPECTATIONS",
    "MARGIN",
    "PEAK_CONTEXT",
    "PLACEBO_DISTANCE",
    "PLACEBOS",
    "MODEL_0_1",
    "CalendarError",
    "crises_2018",
    "read_calendar",
    "peers",
    "evaluate",
    "summary",
    "saturation",
    "table",
    "series",
    "report",
]

#: The columns of a crisis calendar.
CALENDAR_COLUMNS = ("episode", "dyad", "expectation", "date", "window_days", "reason", "source", "split")
#: What a measure should do at a key date.
EXPECTATIONS = ("rise", "peak", "fall")
#: A rise or a fall must exceed this many standard deviations of the dyad's own series.
MARGIN = 0.5
#: Days either side of a named week that its maximum must beat (``peak``).
PEAK_CONTEXT = 21
#: Placebo dates lie at least this many days from any key date of their dyad.
PLACEBO_DISTANCE = 14
#: Placebo dates per calendar row.
PLACEBOS = 50
#: The default model of tension 0.1 (30-day half-life, index scale 20): the
#: ``eventnet30`` peer and the old ``index``.
MODEL_0_1 = Model(half_life=30.0, killed_coef=0.5, injured_coef=0.25, repeat_discount=0.5, scale=20.0)

_DAY = pd.Timedelta(days=1)


class CalendarError(ValueError):
    """A crisis calendar that cannot be used as it is (the message says where and why)."""


def crises_2018() -> pd.DataFrame:
    """Key dates of bilateral crises of January-October 2018, split in two halves.

    Written from the public record before any measure was computed on the data it is
    used with (ICEWS, January-October 2018); the calibration/held-out split was frozen
    before any tuning. Source of each row in its ``source`` column; provenance in
    ``tension/datasets/PROVENANCE.md``.

    Returns
    -------
    pandas.DataFrame
        Validated by :func:`read_calendar`: ``episode``, ``dyad`` (``"GBR-RUS"``),
        ``expectation`` (``rise``, ``peak``, ``fall``), ``date``, ``window_days``,
        ``reason``, ``source``, ``split`` (``calibration`` or ``heldout``).

    Examples
    --------
    >>> from tension import validate
    >>> cal = validate.crises_2018()
    >>> sorted(cal["split"].unique())
    ['calibration', 'heldout']
    """
    with resources.as_file(resources.files("tension.datasets").joinpath("crises_2018.csv")) as csv:
        return read_calendar(csv)


def read_calendar(path_or_frame) -> pd.DataFrame:
    """Read and check a crisis calendar.

    Parameters
    ----------
    path_or_frame : str, path or DataFrame
        A CSV file or a frame with the columns :data:`CALENDAR_COLUMNS`.

    Returns
    -------
    pandas.DataFrame
        The same rows in the same order, ``date`` as datetime64, ``window_days`` as int,
        ``dyad`` as an unordered pair with codes sorted (``"RUS-GBR"`` becomes
        ``"GBR-RUS"``).

    Raises
    ------
    CalendarError
        Missing columns, unknown expectations, unparsable dates, windows that are not
        positive whole days, dyads that are not two 3-letter codes: the message names
        the rows.

    Examples
    --------
    >>> import pandas as pd
    >>> from tension import validate
    >>> raw = pd.DataFrame({"episode": ["x"], "dyad": ["RUS-GBR"], "expectation": ["rise"],
    ...     "date": ["2018-03-04"], "window_days": ["7"], "reason": ["r"], "source": ["s"],
    ...     "split": ["calibration"]})
    >>> validate.read_calendar(raw)[["dyad", "date", "window_days"]]
          dyad       date  window_days
    0  GBR-RUS 2018-03-04            7
    """
    frame = path_or_frame.copy() if isinstance(path_or_frame, pd.DataFrame) else pd.read_csv(path_or_frame, dtype=str)
    missing = [c for c in CALENDAR_COLUMNS if c not in frame.columns]
    if missing:
        raise CalendarError(f"the calendar lacks column(s) {missing}; it needs {list(CALENDAR_COLUMNS)}")

    def bad(mask, what):
        rows = np.flatnonzero(np.asarray(mask, dtype=bool))
        if len(rows):
            raise CalendarError(f"calendar row(s) {rows[:10].tolist()}: {what}")

    exp = frame["expectation"].astype(str).str.strip().str.lower()
    bad(~exp.isin(EXPECTATIONS), f"expectation must be one of {list(EXPECTATIONS)}")
    date = pd.to_datetime(frame["date"], errors="coerce", format="mixed")
    bad(date.isna(), "date is missing or not a date (write YYYY-MM-DD)")
    window = pd.to_numeric(frame["window_days"], errors="coerce")
    bad(~(window > 0) | (window % 1 != 0), "window_days must be a positive whole number of days")
    parts = frame["dyad"].astype(str).str.strip().str.upper().str.split(r"\s*(?:->|-|\|)\s*", regex=True)
    ok = parts.map(lambda p: len(p) == 2 and all(len(c) == 3 and c.isalpha() for c in p) and p[0] != p[1])
    bad(~ok, "dyad must be two different 3-letter country codes, e.g. 'GBR-RUS'")
    frame["dyad"] = parts.map(lambda p: "-".join(sorted(p)))
    frame["expectation"] = exp
    frame["date"] = date.dt.tz_localize(None) if date.dt.tz is not None else date
    frame["date"] = frame["date"].dt.normalize()
    frame["window_days"] = window.astype(int)
    frame["split"] = frame["split"].astype(str).str.strip()
    return frame


def peers(events, *, start=None, end=None, dyads=None) -> pd.DataFrame:
    """The naive measures of tension, daily per unordered dyad, hostile = positive.

    Parameters
    ----------
    events : DataFrame
        Events in the schema of :func:`tension.read_events` (e.g. from
        :func:`tension.io.read_icews`).
    start, end : date-like, optional
        The daily grid; default the first and last event's day.
    dyads : list of str, optional
        Only these dyads (``"GBR-RUS"``); default all.

    Returns
    -------
    pandas.DataFrame
        One row per dyad and day, sorted, columns ``dyad``, ``date`` and

        - ``goldstein_sum``: the day's sum of ``-Goldstein`` over the dyad's events (the
          event's ``weight`` where given, as ICEWS and GDELT readers set it, else the
          kind's weight), times ``confidence``;
        - ``goldstein_mean14``: the mean ``-Goldstein`` per event over the 14 days ending
          on the day (0 when there were none): a "temperature" as some dashboards show it;
        - ``eventnet30``: the raw ``tension`` of tension 0.1's default model (30-day
          half-life, same-occasion discount 0.5), as in Lerner's eventnet.

    Examples
    --------
    >>> import tension as tn
    >>> p = tn.validate.peers(tn.datasets.pakistan_iran_2024(), start="2024-01-16", end="2024-01-19")
    >>> p.round({"goldstein_sum": 2, "goldstein_mean14": 2, "eventnet30": 2})
          dyad       date  goldstein_sum  goldstein_mean14  eventnet30
    0  IRN-PAK 2024-01-16           0.00              0.00        0.00
    1  IRN-PAK 2024-01-17          18.96             18.96       18.96
    2  IRN-PAK 2024-01-18          21.51             20.24       40.03
    3  IRN-PAK 2024-01-19           0.00             20.24       39.12
    """
    from .score import event_scores, score

    plain = event_scores(events, model=Model(repeat_discount=1.0))
    if dyads is not None:
        plain = plain[plain["dyad"].isin(list(dyads))]
    day = pd.DatetimeIndex(plain["date"]).tz_localize(None).normalize() if len(plain) else pd.DatetimeIndex([])
    lo = pd.Timestamp(start).normalize() if start is not None else day.min()
    hi = pd.Timestamp(end).normalize() if end is not None else day.max()
    grid = pd.date_range(lo, hi, freq="D")
    names = sorted(plain["dyad"].unique()) if dyads is None else sorted(set(dyads))
    frame = pd.DataFrame({"dyad": plain["dyad"].to_numpy(), "day": day, "s": plain["raw_score"].to_numpy()})
    daily_sum = frame.pivot_table(index="day", columns="dyad", values="s", aggfunc="sum")
    daily_n = frame.pivot_table(index="day", columns="dyad", values="s", aggfunc="size")
    full = pd.date_range(min(lo, day.min()) if len(day) else lo, max(hi, day.max()) if len(day) else hi, freq="D")
    daily_sum = daily_sum.reindex(index=full, columns=names).fillna(0.0)
    daily_n = daily_n.reindex(index=full, columns=names).fillna(0.0)
    sum14 = daily_sum.rolling(14, min_periods=1).sum()
    n14 = daily_n.rolling(14, min_periods=1).sum()
    mean14 = (sum14 / n14.where(n14 > 0)).fillna(0.0)
    out = pd.DataFrame(
        {
            "dyad": np.repeat(names, len(grid)).astype(object),
            "date": np.tile(grid.to_numpy(), len(names)),
            "goldstein_sum": daily_sum.reindex(grid).to_numpy().T.ravel(),
            "goldstein_mean14": mean14.reindex(grid).to_numpy().T.ravel(),
        }
    )
    present = [d for d in names if d in set(plain["dyad"])]
    if present:
        s = score(events, model=MODEL_0_1, start=lo, end=hi, dyads=present)
        s["date"] = pd.DatetimeIndex(s["date"]).tz_localize(None) if s["date"].dt.tz is not None else s["date"]
        out = out.merge(s[["dyad", "date", "tension"]].rename(columns={"tension": "eventnet30"}), how="left")
    else:
        out["eventnet30"] = np.nan
    out["eventnet30"] = out["eventnet30"].fillna(0.0)
    return out


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
        the test is not evaluable: its days are not all in the series, or the dyad has no
        series).

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
            for m in measures:
                margin = MARGIN * sd[m]
                met = _met(values[m], i, row.expectation, w, margin, fall_from) if inside else np.nan
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


#: The measures :func:`report` compares: the model's bounded index, tension 0.1's index,
#: and the naive peers of :func:`peers`.
REPORT_MEASURES = ("index", "index_0_1", "goldstein_sum", "goldstein_mean14", "eventnet30")
#: The bounded measures whose saturation :func:`report` counts.
BOUNDED = ("index", "index_0_1")


def series(events, calendar=None, *, model: Model | None = None, start=None, end=None) -> pd.DataFrame:
    """Daily series of the model's readings and the naive peers on a calendar's dyads.

    Parameters
    ----------
    events : DataFrame
        Events in the schema of :func:`tension.read_events`.
    calendar : DataFrame, optional
        A crisis calendar (default :func:`crises_2018`); its dyads are scored.
    model : Model, optional
        The model whose ``index`` and ``tension`` are read (default ``tension.Model()``).
    start, end : date-like, optional
        The daily grid; default the first and last event's day.

    Returns
    -------
    pandas.DataFrame
        One row per calendar dyad (with events) and day: ``dyad``, ``date``, the peers of
        :func:`peers`, the model's ``tension`` and ``index``, and ``index_0_1``
        (tension 0.1's index: ``100 / (1 + exp(-eventnet30 / 20))``).

    Examples
    --------
    >>> import tension as tn
    >>> ev = tn.datasets.pakistan_iran_2024()
    >>> cal = tn.validate.read_calendar(__import__("pandas").DataFrame({"episode": ["strikes"],
    ...     "dyad": ["IRN-PAK"], "expectation": ["rise"], "date": ["2024-01-17"], "window_days": [7],
    ...     "reason": ["Iran strikes in Baluchistan"], "source": ["seed story"], "split": ["calibration"]}))
    >>> s = tn.validate.series(ev, cal, start="2024-01-10", end="2024-02-29")
    >>> s.columns.tolist()
    ['dyad', 'date', 'goldstein_sum', 'goldstein_mean14', 'eventnet30', 'tension', 'index', 'index_0_1']
    """
    from ._prepare import dyad_labels
    from .model import tension_index
    from .score import score

    cal = crises_2018() if calendar is None else read_calendar(calendar)
    model = model or Model()
    labels = dyad_labels(events["source"], events["target"])
    dyads = sorted(set(cal["dyad"]) & set(labels))
    day = pd.DatetimeIndex(events["date"])
    day = (day.tz_convert("UTC").tz_localize(None) if day.tz is not None else day).normalize()
    start = day.min() if start is None else pd.Timestamp(start)
    end = day.max() if end is None else pd.Timestamp(end)
    out = peers(events, start=start, end=end, dyads=dyads)
    if dyads:
        daily = score(events, model=model, start=start, end=end, dyads=dyads)
        daily["date"] = (
            pd.DatetimeIndex(daily["date"]).tz_localize(None) if daily["date"].dt.tz is not None else daily["date"]
        )
        out = out.merge(daily[["dyad", "date", "tension", "index"]], how="left", on=["dyad", "date"])
    else:
        out["tension"], out["index"] = np.nan, np.nan
    out["index_0_1"] = tension_index(out["eventnet30"].to_numpy(), scale=MODEL_0_1.scale)
    return out


def report(
    events, calendar=None, *, model: Model | None = None, placebos: int = PLACEBOS, seed: int = 0, start=None, end=None
) -> pd.DataFrame:
    """The validity table: the model's index against tension 0.1 and the naive peers.

    Parameters
    ----------
    events : DataFrame
        Events in the schema of :func:`tension.read_events` (e.g. ICEWS through
        :func:`tension.io.read_icews`).
    calendar : DataFrame, optional
        A crisis calendar (default :func:`crises_2018`).
    model : Model, optional
        Default ``tension.Model()``.
    placebos, seed : int
        As in :func:`evaluate`.
    start, end : date-like, optional
        As in :func:`series`.

    Returns
    -------
    pandas.DataFrame
        :func:`table` of the measures :data:`REPORT_MEASURES` for every split of the
        calendar, with the share of saturated crisis-window days of the bounded ones.
        ``attrs["results"]`` holds the output of :func:`evaluate`.

    Examples
    --------
    >>> import tension as tn, pandas as pd
    >>> ev = tn.datasets.pakistan_iran_2024()
    >>> cal = pd.DataFrame({"episode": ["strikes"], "dyad": ["IRN-PAK"], "expectation": ["rise"],
    ...     "date": ["2024-01-17"], "window_days": [7], "reason": ["Iran strikes in Baluchistan"],
    ...     "source": ["seed story"], "split": ["calibration"]})
    >>> r = tn.validate.report(ev, cal, start="2024-01-01", end="2024-02-29", placebos=0)
    >>> r[["measure", "met"]]
                measure  met
    0        eventnet30  1/1
    1  goldstein_mean14  1/1
    2     goldstein_sum  1/1
    3             index  1/1
    4         index_0_1  1/1
    """
    cal = crises_2018() if calendar is None else read_calendar(calendar)
    daily = series(events, cal, model=model, start=start, end=end)
    results = evaluate(daily, cal, measures=list(REPORT_MEASURES), placebos=placebos, seed=seed)
    saturated = {
        (split, m): saturation(daily, cal, measure=m, split=split)
        for split in sorted(cal["split"].unique())
        for m in BOUNDED
    }
    out = table(results, saturated)
    out.attrs["results"] = results
    return out
