"""Times and grids: from prepared events to readings on a time grid or at one date.

Shared by :mod:`tension.score` and the Dask path. :func:`on_grid` runs the kernel and
samples it on a grid; :func:`snapshot` reads every dyad at one date in O(N).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import core
from ._prepare import NS_PER_DAY, Prepared, attrs, kernel_order
from .model import Model, flow_index

__all__ = [
    "SCORE_ADVICE",
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


def days(ns: np.ndarray, origin: int) -> np.ndarray:
    """Times in days since ``origin`` (both in ns since the epoch)."""
    return (ns - origin) / NS_PER_DAY


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
    if end is not None:
        return lo, timestamp(end, tz)
    points = pd.date_range(lo, last + pd.tseries.frequencies.to_offset(freq), freq=freq)
    return lo, points[min(points.searchsorted(last, side="left"), len(points) - 1)]


def grid(p: Prepared, freq: str, start, end) -> pd.DatetimeIndex:
    """The time grid of the prepared events (see :func:`grid_bounds`)."""
    if len(p.ns) == 0 and (start is None or end is None):
        return pd.DatetimeIndex([], tz=p.tz)
    first = last = None
    if len(p.ns):
        first, last = (pd.Timestamp(int(v), tz="UTC") for v in (p.ns.min(), p.ns.max()))
        if p.tz is None:
            first, last = first.tz_localize(None), last.tz_localize(None)
    lo, hi = grid_bounds(first, last, freq, start, end, p.tz)
    return pd.date_range(lo, hi, freq=freq).as_unit("ns")


def on_grid(p: Prepared, times: pd.DatetimeIndex, matrix, half_lives, threshold=None, *, limit, advice=SCORE_ADVICE):
    """Channel values of every dyad on the grid: (dyad code, grid position, values) per row.

    Without ``threshold`` a dense grid of more than ``limit`` rows is refused with ``advice``.
    """
    if threshold is None and len(p.names) * len(times) > limit:
        raise ValueError(
            f"a dense grid of {len(p.names):,} dyads x {len(times):,} times would have "
            f"{len(p.names) * len(times):,} rows (limit {limit:,}); {advice}"
        )
    grid_ns = pd.DatetimeIndex(times).as_unit("ns").asi8
    origin = int(min(p.ns.min() if len(p.ns) else 0, grid_ns.min() if len(grid_ns) else 0))
    kernel = core.run(p.codes, days(p.ns, origin), matrix, half_lives, order=kernel_order(p))
    return core.on_grid(kernel, days(grid_ns, origin), len(p.names), threshold=threshold)


def readings(states: np.ndarray, signs: np.ndarray, model: Model) -> dict:
    """The output columns from channel states whose last two channels are the index's heat
    and flow (:func:`tension._prepare.with_index_channels`): tension, hostile,
    cooperative, index, heat, flow."""
    hostile = states[:, :-2][:, signs > 0].sum(axis=1)
    cooperative = states[:, :-2][:, signs < 0].sum(axis=1)
    heat, flow = states[:, -2], states[:, -1]
    return {"tension": hostile - cooperative, "hostile": hostile, "cooperative": cooperative,
            "index": flow_index(heat, flow, model=model), "heat": heat, "flow": flow}  # fmt: skip


def _ns_of(when: pd.Timestamp) -> int:
    return when.tz_convert("UTC").value if when.tz is not None else when.value


def decayed_to(p: Prepared, at) -> tuple[pd.Timestamp, np.ndarray, np.ndarray]:
    """``at``, each event's signed contribution then (0 for later events) and whether the
    event is at or before ``at``."""
    when = timestamp(at, p.tz)
    elapsed = (_ns_of(when) - p.ns) / NS_PER_DAY
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
    elapsed = np.where(past, (_ns_of(when) - p.ns) / NS_PER_DAY, np.inf)
    heat = np.bincount(p.codes, weights=p.raw * np.exp2(-elapsed / model.heat_half_life), minlength=size)
    flow = np.bincount(p.codes, weights=np.abs(p.raw) * np.exp2(-elapsed / model.flow_half_life), minlength=size)
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
