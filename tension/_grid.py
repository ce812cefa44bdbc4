"""Times and grids: from prepared events to readings on a time grid or at one date.

Shared by :mod:`tension.score` and the Dask path. :func:`on_grid` runs the kernel and
samples it on a grid; :func:`snapshot` reads every dyad at one date in O(N).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _params, _time, core
from ._prepare import Prepared, attrs, kernel_order
from .model import Model, flow_index, index_channels

__all__ = [
    "SCORE_ADVICE",
    "MAX_KEPT_ROWS",
    "days",
    "decayed_to",
    "grid",
    "grid_bounds",
    "on_grid",
    "readings",
    "snapshot",
    "timestamp",
]

#: What to do about a grid that is too dense, as :func:`tension.score` allows.
SCORE_ADVICE = (
    "pass threshold=0.01 to keep only the values that matter, dyads=[...] to choose dyads, "
    "at=<date> for one snapshot, or a coarser freq"
)


#: Largest number of grid values kept with a ``threshold``.
MAX_KEPT_ROWS = 50_000_000


def days(ticks: np.ndarray, origin: int) -> np.ndarray:
    """Times in days since ``origin`` (both in µs since the epoch; the integer difference
    cannot overflow, see :mod:`tension._time`)."""
    return _time.days(ticks, origin)


def timestamp(value, tz) -> pd.Timestamp:
    """``value`` as a Timestamp in the events' time zone (naive if they are naive)."""
    stamp = pd.Timestamp(value)
    if tz is not None and stamp.tz is None:
        stamp = stamp.tz_localize(tz)
    elif tz is None and stamp.tz is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp


def grid_bounds(first, last, freq: str, start, end, tz=None):
    """First and last grid time: from ``start`` (default the first event's day) to ``end``
    (default the first grid point at or after the last event)."""
    lo = timestamp(start, tz) if start is not None else first.normalize()
    offset = _params.freq(freq)
    if end is not None:
        hi = timestamp(end, tz)
        _params.check_grid(lo, hi, offset, freq)
        return lo, hi
    if lo > last:
        return lo, lo
    beyond = last.as_unit("us") + offset
    _params.check_grid(lo, beyond, offset, freq)  # before building anything
    points = pd.date_range(lo.ceil("us"), beyond.floor("us"), freq=freq, unit="us")
    return lo, points[min(points.searchsorted(last, side="left"), len(points) - 1)]


def grid(p: Prepared, freq: str, start, end) -> pd.DatetimeIndex:
    """The time grid of the prepared events (see :func:`grid_bounds`)."""
    if len(p.ticks) == 0 and (start is None or end is None):
        return pd.DatetimeIndex([], tz=p.tz)
    first = last = None
    if len(p.ticks):
        first, last = _time.dates([p.ticks.min(), p.ticks.max()], None if p.tz is None else "UTC")
    lo, hi = grid_bounds(first, last, freq, start, end, p.tz)
    # grid times are held to the microsecond (see tension._time): bounds rounded inwards
    return _time.resolution(pd.date_range(lo.ceil("us"), hi.floor("us"), freq=freq, unit="us"))


def on_grid(p: Prepared, times: pd.DatetimeIndex, matrix, half_lives, threshold=None, *, limit, advice=SCORE_ADVICE):
    """Channel values of every dyad on the grid: (dyad code, grid position, values) per row.

    Without ``threshold`` a dense grid of more than ``limit`` rows is refused with ``advice``.
    """
    if threshold is None and len(p.names) * len(times) > limit:
        raise ValueError(
            f"a dense grid of {len(p.names):,} dyads x {len(times):,} times would have "
            f"{len(p.names) * len(times):,} rows (limit {limit:,}); {advice}"
        )
    grid_ticks = _time.ticks(times)
    # float days from the first time: int64 microsecond differences never overflow
    origin = int(min(p.ticks.min() if len(p.ticks) else 0, grid_ticks.min() if len(grid_ticks) else 0))
    kernel = core.run(p.codes, days(p.ticks, origin), matrix, half_lives, order=kernel_order(p))
    try:
        return core.on_grid(kernel, days(grid_ticks, origin), len(p.names), threshold=threshold, max_rows=MAX_KEPT_ROWS)
    except core.TooManyRows as err:
        raise _params.ParameterError(
            f"threshold={threshold!r} keeps {err.rows:,} grid values (limit {MAX_KEPT_ROWS:,}); pass a larger "
            "threshold (e.g. 0.01), dyads=[...] to choose dyads, a coarser freq or a shorter start/end"
        ) from None


def readings(states: np.ndarray, signs: np.ndarray, model: Model) -> dict:
    """The output columns from channel states whose last three channels are the index's
    (:func:`tension._prepare.with_index_channels`): tension, hostile, cooperative, index,
    heat (the first two of them), flow (the third)."""
    hostile = states[:, :-3][:, signs > 0].sum(axis=1)
    cooperative = states[:, :-3][:, signs < 0].sum(axis=1)
    heat, flow = states[:, -3] + states[:, -2], states[:, -1]
    return {
        "tension": hostile - cooperative,
        "hostile": hostile,
        "cooperative": cooperative,
        "index": flow_index(heat, flow, model=model),
        "heat": heat,
        "flow": flow,
    }


def decayed_to(p: Prepared, at) -> tuple[pd.Timestamp, np.ndarray, np.ndarray]:
    """``at``, each event's signed contribution then (0 for later events) and whether the
    event is at or before ``at``."""
    when = timestamp(at, p.tz)
    elapsed = -days(p.ticks, _time.tick(when))
    past = elapsed >= 0
    return when, np.where(past, p.score * np.exp2(-np.where(past, elapsed, 0.0) / p.half_life), 0.0), past


def snapshot(p: Prepared, at, model: Model) -> pd.DataFrame:
    """One row per dyad at one time, from per-event contributions: O(N), no sort."""
    when, signed, past = decayed_to(p, at)
    decayed = np.abs(signed)
    size = len(p.names)
    hostile = np.bincount(p.codes, weights=np.where(p.score > 0, decayed, 0.0), minlength=size)
    cooperative = np.bincount(p.codes, weights=np.where(p.score < 0, decayed, 0.0), minlength=size)
    seen = np.bincount(p.codes, weights=past, minlength=size) > 0
    elapsed = np.where(past, -days(p.ticks, _time.tick(when)), np.inf)
    values, lives = index_channels(p.raw, model=model)
    decay = np.exp2(-elapsed[:, None] / lives[None, :])
    heat = np.bincount(p.codes, weights=(values[:, :2] * decay[:, :2]).sum(axis=1), minlength=size)
    flow = np.bincount(p.codes, weights=values[:, 2] * decay[:, 2], minlength=size)
    tension = hostile - cooperative
    out = pd.DataFrame(
        {
            "dyad": p.names,
            "date": pd.DatetimeIndex([when] * size),
            "tension": tension,
            "hostile": hostile,
            "cooperative": cooperative,
            "index": flow_index(heat, flow, model=model),
            "heat": heat,
            "flow": flow,
        }
    )[seen]
    out = out.sort_values(["tension", "dyad"], ascending=[False, True], kind="stable").reset_index(drop=True)
    out.attrs = attrs(model, at=str(when))
    return out
