"""The naive peers, the daily series of every measure and the validity report.

:func:`peers` computes the naive measures of tension, :func:`series` adds the model's
readings to them on a calendar's dyads and :func:`report` evaluates them all on a crisis
calendar. Part of :mod:`tension.validate`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _params
from ..model import Model
from ._calendar import crises_2018, read_calendar
from ._evaluate import PLACEBOS, evaluate, saturation, table

#: The default model of tension 0.1 (30-day half-life, index scale 20): the
#: ``eventnet30`` peer and the old ``index``.
MODEL_0_1 = Model(half_life=30.0, killed_coef=0.5, injured_coef=0.25, repeat_discount=0.5, scale=20.0)


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
          kind's weight), times ``confidence``. An event counts on the first day
          (00:00 UTC) at or after it, the day the model's daily reading first holds it:
          day-precision dates on their day, an event at noon on the next;
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
    from ..score import event_scores, score

    plain = event_scores(events, model=Model(repeat_discount=1.0))
    if dyads is not None:
        plain = plain[plain["dyad"].isin(list(dyads))]
    # an event counts on the first day (00:00, UTC) at or after it: the day the model's daily
    # reading first holds it (events at a time of day count on the next day, for both)
    day = pd.DatetimeIndex(plain["date"]).tz_localize(None).ceil("D") if len(plain) else pd.DatetimeIndex([])
    start, end = _params.timestamp("start", start), _params.timestamp("end", end)
    lo = start.normalize() if start is not None else day.min()
    hi = end.normalize() if end is not None else day.max()
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
    from .._prepare import dyad_labels
    from ..model import tension_index
    from ..score import score

    cal = crises_2018() if calendar is None else read_calendar(calendar)
    model = model or Model()
    labels = dyad_labels(events["source"], events["target"])
    dyads = sorted(set(cal["dyad"]) & set(labels))
    day = pd.DatetimeIndex(events["date"])
    day = day.tz_convert("UTC").tz_localize(None) if day.tz is not None else day
    start = day.min().normalize() if start is None else _params.timestamp("start", start)
    end = day.max().ceil("D") if end is None else _params.timestamp("end", end)  # (the day that holds the last)
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
