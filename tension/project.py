"""Projection (when will it cool if nothing new happens) and scenarios (what if)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _time
from ._prepare import resolve_model
from .events import read_events
from .model import Model
from .score import contributions, event_scores, score

__all__ = ["project", "what_if"]

_COLUMNS = ["dyad", "at", "tension", "below", "reached", "date", "days"]


def _value(coef: np.ndarray, half_lives: np.ndarray, tau):
    """``sum_h coef_h 2 ** (-tau / H_h)`` for scalar or array ``tau`` [days]."""
    tau = np.asarray(tau, dtype=float)
    return (
        (coef[:, None] * np.exp2(-tau[None, :] / half_lives[:, None])).sum(axis=0)
        if tau.ndim
        else float(np.sum(coef * np.exp2(-tau / half_lives)))
    )


def _crossing(coef: np.ndarray, half_lives: np.ndarray, level: float, horizon: float) -> float:
    """First ``tau >= 0`` with ``value(tau) <= level``; NaN if none within ``horizon``."""
    if _value(coef, half_lives, 0.0) <= level:
        return 0.0
    keep = coef != 0
    coef, half_lives = coef[keep], half_lives[keep]
    if not len(coef):
        return np.nan  # zero for ever, and zero is above the level
    if len(np.unique(half_lives)) == 1:  # one time scale: closed form
        total = coef.sum()
        if level <= 0 or total <= 0:
            return np.nan  # the value moves towards 0 from above level and never reaches it
        with np.errstate(over="ignore"):  # a level next to 0 is reached after an astronomically long time
            tau = half_lives[0] * np.log2(total / level)
        return float(tau) if tau <= horizon else np.nan
    # several time scales: bracket the first crossing on a fine grid, then Brent
    taus = np.r_[0.0, np.geomspace(1e-3 * half_lives.min(), horizon, 4000)]
    above = _value(coef, half_lives, taus) > level
    first = np.flatnonzero(~above)
    if not len(first):
        return np.nan
    i = first[0]
    from scipy.optimize import brentq  # (imported on use: a quick `import tension`)

    return float(brentq(lambda t: _value(coef, half_lives, t) - level, taus[i - 1], taus[i], xtol=1e-10, rtol=1e-12))


def project(
    events,
    *,
    below: float = 0.0,
    dyads=None,
    at=None,
    horizon: float = 36_500.0,
    half_life=None,
    directed: bool | None = None,
    weights=None,
    model: Model | None = None,
) -> pd.DataFrame:
    """The date each dyad's tension falls to a level if no new event happens.

    Parameters
    ----------
    events : DataFrame or path
    below : float, default 0
        The level: the projected date is the first time with ``tension <= below``.
    dyads : list of str, optional
        Only these dyads (default all).
    at : date-like, optional
        "Now": the projection starts from the tension at this time, counting only events
        up to it (default the last event's time).
    horizon : float [days], default 36500
        How far to look; beyond it the level counts as not reached.
    half_life, directed, weights, model
        As in :func:`tension.score`.

    Returns
    -------
    pandas.DataFrame
        One row per dyad (with events up to ``at``), sorted by dyad: ``dyad``, ``at``,
        ``tension`` (at ``at``), ``below``, ``reached`` (within ``horizon``), ``date``
        (NaT if not reached; ``at`` if already at or below) and ``days`` (``date - at``
        in days, NaN if not reached).

    Notes
    -----
    Without new events a dyad's tension is ``T(at + tau) = sum_H c_H 2 ** (-tau / H)``,
    with ``c_H`` the summed contributions at ``at`` of its events of half-life ``H``
    (:func:`tension.contributions`). With one half-life the crossing is
    ``tau = H log2(c / below)``; with several (per-kind memory), where tension can even
    rise as cooperation is forgotten faster, the first crossing is bracketed on a fine
    grid and refined with Brent's method.

    Examples
    --------
    >>> import tension as tn
    >>> ev = tn.datasets.pakistan_iran_2024()
    >>> p = tn.project(ev, below=10)
    >>> p[["dyad", "tension", "days"]].round(2).assign(day=p["date"].dt.floor("D"))
          dyad  tension   days        day
    0  IRN-PAK    30.54  48.32 2024-03-17

    One half-life (30 days): ``30 * log2(30.54 / 10) = 48.32`` days after 29 January.
    """
    m = resolve_model(model, half_life=half_life, directed=directed, weights=weights)
    if not np.isfinite(below):
        raise ValueError(f"below must be a finite number, got {below!r}")
    if not (np.isfinite(horizon) and horizon > 0):
        raise ValueError(f"horizon must be a positive number of days, got {horizon!r}")
    ev = read_events(events, weights=m.weights, duplicates="keep")
    if at is None:
        if not len(ev):
            return pd.DataFrame(columns=_COLUMNS)
        at = ev["date"].max()
    why = contributions(ev, at=at, model=m)
    when = pd.Timestamp(why.attrs["at"])
    why["half_life"] = event_scores(ev, model=m)["half_life"].to_numpy()  # same rows, same order
    why = why[why["date"] <= when]
    if dyads is not None:
        wanted = [dyads] if isinstance(dyads, str) else list(dyads)
        missing = sorted(set(wanted) - set(why["dyad"]))
        if missing:
            raise ValueError(
                f"no events up to {when} for dyad(s) {missing}; dyads present: {sorted(set(why['dyad']))[:10]}"
            )
        why = why[why["dyad"].isin(wanted)]
    # summed in an order of the values, not of the rows: the same bits for any row order
    why = why.sort_values(["dyad", "half_life", "contribution"], kind="stable")
    parts = why.groupby(["dyad", "half_life"], sort=True)["contribution"].sum()
    rows = []
    for dyad, part in parts.groupby(level="dyad", sort=True):  # a loop over dyads, each a closed form or one root
        coef = part.to_numpy(dtype=float)
        hls = part.index.get_level_values("half_life").to_numpy(dtype=float)
        tau = _crossing(coef, hls, below, horizon)
        rows.append((dyad, when, float(coef.sum()), below, bool(np.isfinite(tau)), pd.NaT, tau))
    out = pd.DataFrame(rows, columns=_COLUMNS)
    # the dates from ticks (microseconds): any year from 1 to 9999, nanoseconds where they fit
    reached = out["reached"].to_numpy(dtype=bool)
    days = np.where(reached, out["days"].to_numpy(dtype=float), 0.0)
    ticks = _time.tick(when) + np.round(days * _time.PER_DAY).astype(np.int64)
    out["date"] = pd.Series(_time.dates(ticks, when.tz)).where(reached)
    out.attrs = {"model": m.as_dict(), "at": str(when), "below": below, "horizon": horizon}
    return out


def what_if(
    events,
    *,
    add=None,
    drop=None,
    freq: str = "D",
    start=None,
    end=None,
    half_life=None,
    directed: bool | None = None,
    weights=None,
    model: Model | None = None,
) -> pd.DataFrame:
    """The change in every dyad's tension if some events were added or dropped.

    Parameters
    ----------
    events : DataFrame or path
    add : DataFrame, optional
        Events to add, in the same schema.
    drop : list of index labels or boolean Series, optional
        Events of ``events`` to leave out (labels of its index).
    freq, start, end, half_life, directed, weights, model
        As in :func:`tension.score`; by default the grid covers both scenarios.

    Returns
    -------
    pandas.DataFrame
        Sorted by dyad and date: ``dyad``, ``date``, ``before`` (tension as scored),
        ``after`` (with the change) and ``change`` (``after - before``). A dyad without
        events in one scenario has tension 0 there.

    Examples
    --------
    >>> import tension as tn
    >>> ev = tn.datasets.pakistan_iran_2024()
    >>> talks = ev["kind"].str.startswith("pledge") | ev["kind"].isin(["talks", "visit", "host_visit"])
    >>> w = tn.what_if(ev, drop=ev.index[talks], start="2024-01-29", end="2024-01-29")
    >>> w.round({"before": 2, "after": 2, "change": 2})
          dyad       date  before  after  change
    0  IRN-PAK 2024-01-29   30.54   40.77   10.23
    """
    m = resolve_model(model, half_life=half_life, directed=directed, weights=weights)
    ev = read_events(events, weights=m.weights, duplicates="keep")
    after, dropped = ev, 0
    if drop is not None:
        if isinstance(drop, pd.Series) and drop.dtype == bool:
            if not drop.index.equals(ev.index):
                raise ValueError("drop as a boolean Series must have the events' index")
            keep = ~drop.to_numpy()  # (by position: repeated labels are no problem here)
        else:
            labels = pd.Index(drop)
            missing = labels.difference(ev.index)
            if len(missing):
                raise ValueError(f"drop names event(s) {list(missing[:5])} that are not in the events' index")
            keep = ~ev.index.isin(labels)
            if ev.index.has_duplicates:
                counts = ev.index[~keep].value_counts()
                if (counts > 1).any():
                    label = counts.index[counts > 1].tolist()[0]
                    raise ValueError(
                        f"drop names {label!r}, a label {int(counts[label])} events share (the index repeats "
                        "labels, e.g. after pd.concat): pass a boolean Series, or reset_index() the events first"
                    )
        after, dropped = ev[keep], int((~keep).sum())
    if add is not None:
        extra = read_events(add, weights=m.weights, duplicates="keep")
        zones = pd.DatetimeIndex(ev["date"]).tz, pd.DatetimeIndex(extra["date"]).tz
        if len(ev) and len(extra) and (zones[0] is None) != (zones[1] is None):
            raise ValueError(
                f"the events' dates {'have no time zone' if zones[0] is None else f'are in {zones[0]}'} and the "
                f"added ones' {'have none' if zones[1] is None else f'are in {zones[1]}'}: give both a time zone, or neither"
            )
        after = pd.concat([after, extra], ignore_index=True)
    both = pd.concat([ev["date"], after["date"]])
    if not len(both):
        return pd.DataFrame(columns=["dyad", "date", "before", "after", "change"])
    lo = start if start is not None else both.min().normalize()
    if end is None:
        ends = [pd.Timestamp(score(x, freq=freq, start=lo, model=m).attrs["end"]) for x in (ev, after) if len(x)]
        end = max(ends)
    grid = {}
    for name, frame in (("before", ev), ("after", after)):
        grid[name] = (
            score(frame, freq=freq, start=lo, end=end, model=m)[["dyad", "date", "tension"]].rename(
                columns={"tension": name}
            )
            if len(frame)
            else pd.DataFrame(
                {
                    "dyad": pd.Series(dtype=object),
                    "date": pd.Series(dtype="datetime64[ns]"),
                    name: pd.Series(dtype=float),
                }
            )
        )
    out = grid["before"].merge(grid["after"], on=["dyad", "date"], how="outer").fillna({"before": 0.0, "after": 0.0})
    out = out.sort_values(["dyad", "date"], kind="stable").reset_index(drop=True)
    out["change"] = out["after"] - out["before"]
    out.attrs = {"model": m.as_dict(), "freq": freq, "added": 0 if add is None else len(add), "dropped": dropped}
    return out
