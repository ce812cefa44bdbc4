"""Episodes (spans above a threshold) and alerts (crossings and sharp rises)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from . import _grid, _params
from .model import Model
from .score import contributions

__all__ = ["episodes", "alerts"]

_EPISODE_COLUMNS = [
    "dyad",
    "start",
    "peak",
    "peak_tension",
    "end",
    "ongoing",
    "trigger",
    "trigger_kind",
    "top_drivers",
    "drivers",
]
_ALERT_COLUMNS = ["dyad", "date", "alert", "tension", "previous", "change"]


def _check_daily(daily) -> pd.DataFrame:
    if not isinstance(daily, pd.DataFrame):
        raise TypeError(f"daily must be the DataFrame returned by tension.score, not {type(daily).__name__}")
    missing = [c for c in ("dyad", "date", "tension") if c not in daily.columns]
    if missing:
        raise ValueError(
            f"daily lacks column(s) {missing} (columns present: {list(daily.columns)}); "
            "pass the frame returned by tension.score(events)"
        )
    thinned = daily.attrs.get("threshold") if hasattr(daily, "attrs") else None
    if thinned is not None:  # (its gaps would read as neighbouring points: spans merged, crossings missed)
        raise ValueError(
            f"daily keeps only tension >= {thinned} (tension.score(threshold={thinned})): spans and rises need every "
            "grid point; score without threshold= (dyads= keeps the grid small)"
        )
    if daily["tension"].isna().any():
        rows = daily.index[daily["tension"].isna()].tolist()[:5]
        raise ValueError(f"daily has missing tension values at row(s) {rows}; score the events again")
    if daily.duplicated(["dyad", "date"]).any():
        rows = daily.index[daily.duplicated(["dyad", "date"], keep=False)].tolist()[:5]
        raise ValueError(f"daily has repeated (dyad, date) rows {rows}; pass one tension.score frame")
    frame = daily.sort_values(["dyad", "date"], kind="stable")
    _no_gaps(frame, daily.attrs.get("freq") if hasattr(daily, "attrs") else None)
    return frame


def _no_gaps(frame: pd.DataFrame, freq) -> None:
    """The frame is a grid: its dates evenly spaced (by pandas' inference, or by the step
    of ``attrs["freq"]``) and no dyad skipping one of them inside its span. Rows filtered
    out of a grid (``daily[daily.tension > 1]``) would read as neighbours; a grid resampled
    to weeks or months is a grid too."""
    dates = pd.DatetimeIndex(frame["date"])
    grid = dates.unique().sort_values()
    if len(grid) >= 3 and not _inferred(grid) and not _steps_by(grid, freq):
        i = int(np.argmax(np.diff(grid.asi8) != np.median(np.diff(grid.asi8))))
        raise ValueError(
            f"daily's dates are not evenly spaced (from {grid[i]} to {grid[i + 1]}): spans and rises need every "
            "point of a grid; pass the whole tension.score frame (choose dyads with dyads=, not rows)"
        )
    position = grid.get_indexer(dates)
    dyad = frame["dyad"].to_numpy()
    gap = (dyad[1:] == dyad[:-1]) & (position[1:] != position[:-1] + 1)
    if gap.any():
        i = int(np.argmax(gap))
        raise ValueError(
            f"daily skips grid points ({dyad[i]} from {dates[i]} to {dates[i + 1]}): spans and rises need every "
            "point; pass the whole tension.score frame (choose dyads with dyads=, not rows)"
        )


def _inferred(grid: pd.DatetimeIndex) -> bool:
    """Whether pandas finds a frequency that steps through ``grid``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (pandas announces that infer_freq will return an offset)
        return pd.infer_freq(grid) is not None


def _steps_by(grid: pd.DatetimeIndex, freq) -> bool:
    """Whether every date of ``grid`` is the one before plus the step ``freq``."""
    try:
        offset = pd.tseries.frequencies.to_offset(freq) if freq else None
    except ValueError:
        return False
    if offset is None:
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pd.errors.PerformanceWarning)  # (offsets that are not vectorised)
        return bool((grid[1:] == grid[:-1] + offset).all())


def _model_of(daily: pd.DataFrame, model: Model | None) -> Model:
    """The model a score frame was computed with (from ``attrs``), unless one is given."""
    if model is not None:
        return model
    params = daily.attrs.get("model") if hasattr(daily, "attrs") else None
    return Model(**params) if params else Model()


def _signal(frame: pd.DataFrame, baseline) -> np.ndarray:
    """Tension, or its z-score against the dyad's own trailing ``baseline`` grid points
    (the current point excluded: causal)."""
    tension = frame["tension"].to_numpy(dtype=float)
    if baseline is None:
        return tension
    if isinstance(baseline, bool) or not isinstance(baseline, int | np.integer) or baseline < 2:
        raise ValueError(f"baseline must be a number of grid points >= 2 (e.g. 90 for a daily grid), got {baseline!r}")
    grouped = frame.groupby("dyad", sort=False)["tension"]
    mean = grouped.transform(lambda s: s.rolling(baseline, min_periods=2).mean().shift(1)).to_numpy()
    std = grouped.transform(lambda s: s.rolling(baseline, min_periods=2).std(ddof=0).shift(1)).to_numpy()
    diff = tension - mean
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(std > 0, diff / std, np.where(diff > 0, np.inf, np.where(diff < 0, -np.inf, np.nan)))
    return z


def _runs(frame: pd.DataFrame, above: np.ndarray) -> pd.DataFrame:
    """Start and end positions of each run of consecutive ``above`` rows within a dyad."""
    dyad = frame["dyad"].to_numpy()
    new_dyad = np.r_[True, dyad[1:] != dyad[:-1]]
    prev_above = np.r_[False, above[:-1]] & ~new_dyad
    starts = np.flatnonzero(above & ~prev_above)
    last_of_dyad = np.r_[dyad[1:] != dyad[:-1], True]
    next_above = np.r_[above[1:], False] & ~last_of_dyad
    ends = np.flatnonzero(above & ~next_above)
    return starts, ends, last_of_dyad


def episodes(
    daily: pd.DataFrame,
    *,
    threshold: float,
    baseline: int | None = None,
    events=None,
    top: int = 3,
    model: Model | None = None,
) -> pd.DataFrame:
    """Spans where a dyad's tension stays above a threshold: one row per span.

    Parameters
    ----------
    daily : DataFrame
        The output of :func:`tension.score` (columns ``dyad``, ``date``, ``tension``).
    threshold : float
        With ``baseline=None`` a level of tension: a span is the consecutive grid
        points with ``tension > threshold``. With ``baseline`` a z-score: the points
        where ``(tension - mean) / std > threshold``, mean and standard deviation taken
        over the dyad's own previous ``baseline`` grid points (causal: the current
        point is not part of its baseline). A rise from a perfectly flat baseline counts
        as an infinite z-score.
    baseline : int, optional
        Length of the trailing window [grid points], e.g. 90 on a daily grid.
    events : DataFrame, optional
        The scored events; when given, each episode names the events behind its peak
        and the event that began it.
    top : int, default 3
        How many drivers to name.
    model : Model, optional
        The model ``daily`` was scored with; default the one recorded in ``daily.attrs``.

    Returns
    -------
    pandas.DataFrame
        Sorted by dyad and start, columns ``dyad``, ``start``, ``peak`` (date of the
        highest tension), ``peak_tension``, ``end`` (last grid point above the
        threshold), ``ongoing`` (the span reaches the dyad's last grid point),
        ``trigger`` (index label of the event that began it: the largest contributor
        at ``start`` among the events after the previous grid point, NaN if the
        crossing came from the baseline falling), ``trigger_kind``, ``top_drivers``
        (index labels of the ``top`` largest contributions at the peak, largest first)
        and ``drivers`` (the same, readable). The last four are empty without
        ``events``. ``attrs`` records ``threshold`` and ``baseline``.

    Examples
    --------
    >>> import tension as tn
    >>> ev = tn.datasets.pakistan_iran_2024()
    >>> daily = tn.score(ev, end="2024-03-31")
    >>> ep = tn.episodes(daily, threshold=20, events=ev)
    >>> ep[["dyad", "start", "peak", "end", "ongoing", "trigger_kind"]]
          dyad      start       peak        end  ongoing trigger_kind
    0  IRN-PAK 2024-01-18 2024-01-27 2024-02-16    False    airstrike
    >>> ep.loc[0, "drivers"]
    'airstrike PAK->IRN 2024-01-18 (+17.5); airstrike IRN->PAK 2024-01-17 (+15.0); armed_attack IRN->PAK 2024-01-27 (+9.2)'
    """
    if not (_params.is_number(threshold) and np.isfinite(threshold)):
        raise ValueError(f"threshold must be a finite number, got {threshold!r}")
    if isinstance(top, bool) or not isinstance(top, int | np.integer) or top < 0:  # (head(-1) drops the last)
        raise ValueError(f"top must be a whole number >= 0, got {top!r}")
    if isinstance(events, pd.DataFrame) and events.index.has_duplicates:
        label = events.index[events.index.duplicated()].tolist()[0]
        raise ValueError(
            f"the events' index repeats labels ({label!r} names {int((events.index == label).sum())} events, e.g. "
            "after pd.concat), and the drivers are named by label: reset_index() the events first"
        )
    frame = _check_daily(daily)
    signal = _signal(frame, baseline)
    above = signal > threshold
    if baseline is not None:
        above &= np.isfinite(signal) | (signal == np.inf)
    starts, ends, last_of_dyad = _runs(frame, above)
    tension = frame["tension"].to_numpy(dtype=float)
    dates = frame["date"].to_numpy()
    peaks = np.array([s + int(np.argmax(tension[s : e + 1])) for s, e in zip(starts, ends, strict=True)], dtype=int)
    out = pd.DataFrame(
        {
            "dyad": frame["dyad"].to_numpy()[starts],
            "start": frame["date"].iloc[starts].to_numpy(),
            "peak": frame["date"].iloc[peaks].to_numpy() if len(peaks) else dates[:0],
            "peak_tension": tension[peaks] if len(peaks) else np.array([]),
            "end": frame["date"].iloc[ends].to_numpy(),
            "ongoing": last_of_dyad[ends],
        }
    )
    if len(out):
        out["start"] = frame["date"].iloc[starts].reset_index(drop=True)
        out["peak"] = frame["date"].iloc[peaks].reset_index(drop=True)
        out["end"] = frame["date"].iloc[ends].reset_index(drop=True)
    out["trigger"] = pd.Series([np.nan] * len(out), dtype=object)
    out["trigger_kind"] = pd.Series([None] * len(out), dtype=object)
    out["top_drivers"] = pd.Series([[] for _ in range(len(out))], dtype=object)
    out["drivers"] = ""
    if events is not None and len(out):
        _name_drivers(out, frame, starts, events, _model_of(daily, model), top)
    out = out[_EPISODE_COLUMNS].reset_index(drop=True)
    out.attrs = {"threshold": threshold, "baseline": baseline}
    return out


def _name_drivers(out, frame, starts, events, model, top) -> None:
    dyad_col = frame["dyad"].to_numpy()
    dates = frame["date"]
    for i, (dyad, start, peak) in enumerate(zip(out["dyad"], out["start"], out["peak"], strict=True)):
        why = contributions(events, at=peak, dyads=dyad, model=model)
        size = why["contribution"].abs().to_numpy()
        ranked = why.iloc[np.argsort(-size, kind="stable")]  # (by position: largest first, ties in input order)
        ranked = ranked[ranked["contribution"] != 0].head(top)
        out.at[i, "top_drivers"] = ranked.index.tolist()
        out.at[i, "drivers"] = "; ".join(
            f"{r.kind} {r.source}->{r.target} {pd.Timestamp(r.date):%Y-%m-%d} ({r.contribution:+.1f})"
            for r in ranked.itertuples()
        )
        pos = starts[i]
        before = dates.iloc[pos - 1] if pos > 0 and dyad_col[pos - 1] == dyad else None
        at_start = contributions(events, at=start, dyads=dyad, model=model)
        new = at_start["date"] <= start
        if before is not None:
            new &= at_start["date"] > before
        new &= at_start["contribution"] > 0
        if new.any():
            first = int(np.argmax(np.where(new.to_numpy(), at_start["contribution"].to_numpy(), -np.inf)))
            out.at[i, "trigger"] = at_start.index[first]
            out.at[i, "trigger_kind"] = at_start["kind"].iloc[first]


def _lookback(frame: pd.DataFrame, days: int) -> np.ndarray:
    """Each row's tension at the same local time ``days`` calendar days earlier (by date,
    not by row), NaN where no grid point.

    Calendar days in the grid's own zone: across a daylight-saving change the point
    looked up is 23 or 25 hours (and so on) earlier, not ``days`` x 24 hours. Where that
    local time occurs twice (the clocks going back), the one exactly ``days`` x 24 hours
    earlier; where it does not occur (the clocks going forward), no grid point.
    """
    dates = pd.DatetimeIndex(frame["date"])
    wall = dates.tz_localize(None) if dates.tz is not None else dates  # (local clock time; naive is as it is)
    dyad = frame["dyad"].to_numpy()
    wanted = pd.DataFrame({"dyad": dyad, "wall": wall - pd.Timedelta(days=days), "row": np.arange(len(frame))})
    earlier = pd.DataFrame({"dyad": dyad, "wall": wall, "at": dates, "tension": frame["tension"].to_numpy(dtype=float)})
    merged = wanted.merge(earlier, on=["dyad", "wall"], how="left")
    if len(merged) > len(frame):  # (a local time that occurs twice: the one exactly days x 24 h earlier)
        exact = merged["at"].to_numpy() == (dates - pd.Timedelta(days=days))[merged["row"].to_numpy()]
        merged = merged.assign(exact=exact).sort_values(["row", "exact"], ascending=[True, False], kind="stable")
        merged = merged.drop_duplicates("row")
    return merged["tension"].to_numpy(dtype=float)


def alerts(
    daily: pd.DataFrame,
    *,
    threshold: float | None = None,
    top: int = 10,
    on=None,
) -> pd.DataFrame:
    """Threshold crossings and the sharpest rises, as one table a daily job can send.

    Parameters
    ----------
    daily : DataFrame
        The output of :func:`tension.score`.
    threshold : float, optional
        Report each grid point where a dyad's tension crosses this level, upwards
        (``"crossed_above"``) or downwards (``"crossed_below"``).
    top : int, default 10
        Report the ``top`` largest day-on-day rises (``"rise_1d"``: tension minus the
        tension at the same local time one calendar day earlier) and the ``top`` largest
        week-on-week rises (``"rise_7d"``: the same local time seven calendar days
        earlier), only where they are positive. Calendar days are counted in the grid's
        own zone (a naive grid's is UTC): across a daylight-saving change "one calendar
        day earlier" is 23 or 25 hours earlier, as the same local days on a UTC grid.
        Where that local time occurs twice (the clocks going back), the earlier value is
        the one exactly 24 (168) hours earlier; where it does not occur (the clocks going
        forward), there is no such rise. Earlier values are looked up by date, so the
        grid need not be daily or regular (where no grid point lies at exactly that
        local time, there is no such rise: a weekly grid has only ``"rise_7d"``, a
        monthly grid neither).
    on : date-like, optional
        Only alerts on this date (the daily job's "today").

    Returns
    -------
    pandas.DataFrame
        Columns ``dyad``, ``date``, ``alert``, ``tension``, ``previous`` (the value it
        is compared with) and ``change`` (``tension - previous``); crossings first by
        date, then rises largest first.

    Examples
    --------
    >>> import tension as tn
    >>> daily = tn.score(tn.datasets.pakistan_iran_2024(), end="2024-03-31")
    >>> tn.alerts(daily, threshold=20, top=1).round({"tension": 1, "previous": 1, "change": 1})
          dyad       date          alert  tension  previous  change
    0  IRN-PAK 2024-01-18  crossed_above     40.0      19.0    21.1
    1  IRN-PAK 2024-02-17  crossed_below     19.7      20.1    -0.5
    2  IRN-PAK 2024-01-18        rise_1d     40.0      19.0    21.1
    3  IRN-PAK 2024-01-24        rise_7d     34.9      19.0    15.9
    """
    frame = _check_daily(daily).reset_index(drop=True)
    if on is not None:
        # in the grid's zone, as tn.score reads at=: an instant with a zone on a naive (UTC) grid is converted
        on = _grid.timestamp(_params.timestamp("on", on), pd.DatetimeIndex(frame["date"]).tz)
    if isinstance(top, bool) or not isinstance(top, int | np.integer) or top < 0:
        raise ValueError(f"top must be a whole number >= 0, got {top!r}")
    tension = frame["tension"].to_numpy(dtype=float)
    parts = []
    if threshold is not None:
        if not np.isfinite(threshold):
            raise ValueError(f"threshold must be a finite number, got {threshold!r}")
        dyad = frame["dyad"].to_numpy()
        same = np.r_[False, dyad[1:] == dyad[:-1]]
        prev = np.r_[np.nan, tension[:-1]]
        up = same & (prev <= threshold) & (tension > threshold)
        down = same & (prev > threshold) & (tension <= threshold)
        for mask, name in ((up, "crossed_above"), (down, "crossed_below")):
            part = frame.loc[mask, ["dyad", "date", "tension"]].assign(alert=name, previous=prev[mask])
            parts.append(part)
        crossings = pd.concat(parts).sort_values(["date", "dyad", "alert"], kind="stable") if parts else None
        parts = [crossings]
    for days, name in ((1, "rise_1d"), (7, "rise_7d")):
        previous = _lookback(frame, days)
        part = frame[["dyad", "date", "tension"]].assign(alert=name, previous=previous)
        part = part[(part["tension"] - part["previous"]) > 0]
        if on is not None:
            part = part[part["date"] == on]
        part = part.assign(change=part["tension"] - part["previous"])
        part = part.sort_values(["change", "dyad", "date"], ascending=[False, True, True], kind="stable").head(top)
        parts.append(part)
    out = pd.concat([p for p in parts if p is not None], ignore_index=True)
    out["change"] = out["tension"] - out["previous"]
    if on is not None:
        out = out[out["date"] == on]
    return out[_ALERT_COLUMNS].reset_index(drop=True)
