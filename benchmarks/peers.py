"""The same decayed event sum, computed every way a user might: the methods compared.

Every method takes the same input, arrays ``groups`` (int64 dyad codes), ``times`` (float64
days) and ``scores`` (float64, signed), and a half-life in days, and returns the decayed
sum at every event, in input order (the value right after the event):

    out_i = sum over j of i's group with t_j <= t_i of s_j * 2 ** (-(t_i - t_j) / H)
"""

from __future__ import annotations

import math

import numpy as np

from tension import core
from tension._sort import is_sorted

__all__ = ["METHODS", "SLOW", "generate", "tension_core", "memory_floor"]


def generate(n: int, n_groups: int, *, years: float = 10.0, seed: int = 0, time_sorted: bool = True):
    """Events uniform over ``years``, dyads drawn at random (input not grouped by dyad),
    signed scores; in time order (as event data arrive) unless ``time_sorted=False``."""
    rng = np.random.default_rng(seed)
    times = rng.uniform(0.0, 365.25 * years, n)
    if time_sorted:
        times.sort()
    groups = rng.integers(0, n_groups, n, dtype=np.int64)
    scores = rng.normal(0.0, 5.0, n)
    return groups, times, scores


def tension_core(groups, times, scores, half_life):
    """tension's kernel: ``tension.core.decayed_sum``."""
    return core.decayed_sum(groups, times, scores, half_life)


def plain_loop(groups, times, scores, half_life):
    """A plain Python loop with a dict of per-dyad state (value, last time)."""
    rate = math.log(2.0) / half_life
    order = sorted(range(len(times)), key=times.__getitem__)
    state: dict[int, tuple[float, float]] = {}
    out = [0.0] * len(times)
    g, t, s = groups.tolist(), times.tolist(), scores.tolist()
    for i in order:
        previous = state.get(g[i])
        value = s[i] if previous is None else previous[0] * math.exp(-rate * (t[i] - previous[1])) + s[i]
        state[g[i]] = (value, t[i])
        out[i] = value
    return np.asarray(out)


def pandas_groupby_loop(groups, times, scores, half_life):
    """pandas groupby over dyads, a Python loop inside each group."""
    import pandas as pd

    rate = math.log(2.0) / half_life
    frame = pd.DataFrame({"g": groups, "t": times, "s": scores}).sort_values(["g", "t"], kind="stable")
    out = np.empty(len(times))

    def decay(group):
        t, s = group["t"].to_numpy(), group["s"].to_numpy()
        values = np.empty(len(t))
        value, last = 0.0, t[0]
        for i in range(len(t)):
            value = value * math.exp(-rate * (t[i] - last)) + s[i]
            last = t[i]
            values[i] = value
        return pd.Series(values, index=group.index)

    result = frame.groupby("g", sort=False, group_keys=False)[["t", "s"]].apply(decay)
    out[result.index.to_numpy()] = result.to_numpy()
    return out


def polars_ewm_sum_by(groups, times, scores, half_life):
    """polars ``ewm_sum_by`` over dyads (the closest ready-made peer: the same update)."""
    import polars as pl

    nanoseconds = np.round(times * 86_400e9).astype(np.int64)
    frame = pl.DataFrame({"g": groups, "t": nanoseconds, "s": scores}).with_columns(pl.col("t").cast(pl.Datetime("ns")))
    half = f"{int(round(half_life * 86_400e9))}ns"
    if not (np.diff(times) >= 0).all():
        frame = frame.with_row_index("row").sort("t")
        out = frame.select("row", pl.col("s").ewm_sum_by("t", half_life=half).over("g").alias("v")).sort("row")
        return out["v"].to_numpy()
    return frame.select(pl.col("s").ewm_sum_by("t", half_life=half).over("g")).to_series().to_numpy()


_numba_loop = None


def _compiled():
    global _numba_loop
    if _numba_loop is None:
        import numba

        @numba.njit(cache=False)
        def loop(order, groups, times, scores, rate):
            out = np.empty(len(times))
            value, last, previous = 0.0, 0.0, -1
            for k in range(len(order)):
                i = order[k]
                if groups[i] != previous:
                    value = scores[i]
                else:
                    value = value * np.exp(-rate * (times[i] - last)) + scores[i]
                previous, last = groups[i], times[i]
                out[i] = value
            return out

        _numba_loop = loop
    return _numba_loop


_numba_pass = None


def _compiled_pass():
    global _numba_pass
    if _numba_pass is None:
        import numba

        @numba.njit(cache=False)
        def one_pass(order, groups, times, scores, rate, n_groups):
            out = np.empty(len(times))
            value = np.zeros(n_groups)
            last = np.full(n_groups, -np.inf)
            for k in range(len(order)):
                i = order[k]
                g = groups[i]
                value[g] = value[g] * np.exp(-rate * (times[i] - last[g])) + scores[i]
                last[g] = times[i]
                out[i] = value[g]
            return out

        _numba_pass = one_pass
    return _numba_pass


def numba_one_pass(groups, times, scores, half_life):
    """The best loop a performance-minded user would write: numba ``@njit``, one pass over
    the time-ordered events (``np.argsort`` by time first when they are not), per-dyad
    state in arrays, no sort by dyad. (Ties at one time are not merged: the data here
    have none.)"""
    order = np.arange(len(times)) if is_sorted(times) else np.argsort(times, kind="stable")
    return _compiled_pass()(order, groups, times, scores, math.log(2.0) / half_life, int(groups.max()) + 1)


def tension_numba(groups, times, scores, half_life):
    """tension's compiled engine: ``tension.core.decayed_sum(..., engine="numba")``."""
    return core.decayed_sum(groups, times, scores, half_life, engine="numba")


def numba_lexsort(groups, times, scores, half_life):
    """A numba ``@njit`` loop over the rows sorted with ``np.lexsort``."""
    order = np.lexsort((times, groups))
    return _compiled()(order, groups, times, scores, math.log(2.0) / half_life)


def memory_floor(groups, times, scores, half_life):
    """Not a method: reading the three input arrays and writing the output once."""
    out = np.add(times, scores)
    np.add(out, groups, out=out)
    return out


#: name -> function, in the order of the report.
METHODS = {
    "tension.core.decayed_sum": tension_core,
    "tension.core.decayed_sum(engine='numba')": tension_numba,
    "numba @njit one pass (per-dyad state)": numba_one_pass,
    "numba @njit + np.lexsort": numba_lexsort,
    "polars ewm_sum_by": polars_ewm_sum_by,
    "pandas groupby + loop": pandas_groupby_loop,
    "plain Python loop": plain_loop,
    "memory floor": memory_floor,
}
#: Methods run once (not best of several) because one run takes long.
SLOW = {"pandas groupby + loop", "plain Python loop"}
