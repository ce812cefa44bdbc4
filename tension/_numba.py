"""The kernel's compiled engine (``engine="numba"``): one pass over time-ordered events.

Used only when asked for, following pandas' convention; needs the optional extra
``tension[numba]``. It computes what :func:`tension.core.decayed_sum` computes, by the
plain recurrence a performance-minded user would write: events in time order, each
group's state (value and last time) in arrays, ``S = S * 2 ** (-dt / H) + s``. Every
event of a tie block (one group, one time) sees the state after the whole block, as in
the numpy engine. The two engines agree to rounding (1e-12 of the gross sum); the numpy
engine is the default and the reference for exactness.
"""

from __future__ import annotations

import numpy as np

try:
    import numba
except ImportError as err:  # pragma: no cover - depends on the environment
    raise ImportError("engine='numba' needs the numba package: pip install 'tension[numba]'") from err

__all__ = ["decayed_sum"]


@numba.njit(cache=True, nogil=True)
def _one_pass(order, groups, times, scores, rates, life_of, n_groups):  # pragma: no cover - compiled
    n, channels = scores.shape
    lives = rates.shape[0]
    out = np.empty((n, channels))
    state = np.zeros((n_groups, channels))
    last_time = np.zeros(n_groups)
    last_row = np.full(n_groups, -1, dtype=np.int64)
    next_tie = np.full(n, -1, dtype=np.int64)
    factor = np.empty(lives)
    for k in range(n):
        i = order[k] if order.shape[0] else k
        g = groups[i]
        t = times[i]
        previous = last_row[g]
        if previous < 0:
            for c in range(channels):
                state[g, c] = scores[i, c]
        elif t == last_time[g]:
            next_tie[previous] = i
            for c in range(channels):
                state[g, c] += scores[i, c]
        else:
            dt = t - last_time[g]
            for u in range(lives):
                factor[u] = np.exp(-rates[u] * dt)
            for c in range(channels):
                state[g, c] = state[g, c] * factor[life_of[c]] + scores[i, c]
        last_time[g] = t
        last_row[g] = i
        for c in range(channels):
            out[i, c] = state[g, c]
    # every event of a tie block takes the state after the block's last event
    for k in range(n - 1, -1, -1):
        i = order[k] if order.shape[0] else k
        j = next_tie[i]
        if j >= 0:
            for c in range(channels):
                out[i, c] = out[j, c]
    return out


def decayed_sum(groups, times, scores, half_lives, by_time, n_groups) -> np.ndarray:
    """States (n, C) in input order; ``by_time`` is a stable time order or None when the
    events are already in time order; ``groups`` are dense codes below ``n_groups``."""
    lives, life_of = np.unique(half_lives, return_inverse=True)
    rates = np.log(2.0) / lives
    order = np.zeros(0, dtype=np.int64) if by_time is None else np.asarray(by_time, dtype=np.int64)
    return _one_pass(order, np.asarray(groups, dtype=np.int64), np.ascontiguousarray(times, dtype=np.float64),
                     np.ascontiguousarray(scores, dtype=np.float64), rates, life_of.astype(np.int64),
                     int(n_groups))  # fmt: skip
