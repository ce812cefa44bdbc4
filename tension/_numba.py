"""The kernel's compiled engine (``engine="numba"``): passes over time-ordered events.

Used only when asked for, following pandas' convention; needs the optional extra
``tension[numba]``. It computes what :func:`tension.core.decayed_sum` computes, by the
plain recurrence a performance-minded user would write: events in time order, each
group's state (value and last time) in arrays, ``S = S * 2 ** (-dt / H) + s``. In the
common case (one channel, one half-life) the gaps ``dt`` are found in one compiled pass,
their factors by numpy's vectorised ``exp`` and the recurrence in a second pass: a
compiled loop calls the scalar ``exp``, which costs more than the rest of the pass. Every
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

__all__ = ["decayed_sum", "sorted_parts", "inspect"]


@numba.njit(cache=True, nogil=True)
def _one_pass(order, groups, times, scores, rates, life_of, n_groups, signed):  # pragma: no cover - compiled
    n = times.shape[0]
    channels = 2 if signed else scores.shape[1]
    lives = rates.shape[0]
    ordered = order.shape[0] > 0
    out = np.empty((n, channels))
    state = np.zeros((n_groups, channels))
    last_time = np.full(n_groups, -np.inf)  # exp(-inf) = 0: a group's first event starts from 0
    factor = np.empty(lives)
    ties = False
    for k in range(n):
        i = order[k] if ordered else k
        g = groups[i]
        t = times[i]
        if t == last_time[g]:
            ties = True
            for u in range(lives):
                factor[u] = 1.0
        else:
            for u in range(lives):
                factor[u] = np.exp(-rates[u] * (t - last_time[g]))
        if signed:
            s = scores[i, 0]
            state[g, 0] = state[g, 0] * factor[0] + (s if s > 0.0 else 0.0)
            state[g, 1] = state[g, 1] * factor[0] + (-s if s < 0.0 else 0.0)
        else:
            for c in range(channels):
                state[g, c] = state[g, c] * factor[life_of[c]] + scores[i, c]
        last_time[g] = t
        for c in range(channels):
            out[i, c] = state[g, c]
    if ties:
        _spread_ties(order, groups, times, n_groups, out)
    return out


@numba.njit(cache=True, nogil=True)
def _spread_ties(order, groups, times, n_groups, out):  # pragma: no cover - compiled
    """Every event of a tie block (one group, one time) takes the state after the block's
    last event: walk back in time, remembering each group's latest (time, row)."""
    n, channels = out.shape
    ordered = order.shape[0] > 0
    seen_time = np.full(n_groups, np.nan)
    seen_row = np.zeros(n_groups, dtype=np.int64)
    for k in range(n - 1, -1, -1):
        i = order[k] if ordered else k
        g = groups[i]
        if times[i] == seen_time[g]:
            for c in range(channels):
                out[i, c] = out[seen_row[g], c]
        else:
            seen_time[g] = times[i]
            seen_row[g] = i


@numba.njit(cache=True, nogil=True)
def _gaps(order, groups, times, n_groups, gaps):  # pragma: no cover - compiled
    """``gaps[k]``: the time since the previous event of the k-th event's group (in time
    order; inf for a group's first event, 0 for a tie). Whether any gap is 0."""
    ordered = order.shape[0] > 0
    last_time = np.full(n_groups, -np.inf)
    ties = False
    for k in range(times.shape[0]):
        i = order[k] if ordered else k
        g = groups[i]
        t = times[i]
        gaps[k] = t - last_time[g]
        ties = ties or t == last_time[g]
        last_time[g] = t
    return ties


@numba.njit(cache=True, nogil=True)
def _recurrence(order, groups, scores, decay, n_groups, out):  # pragma: no cover - compiled
    """``S = S * decay + s`` per group over the events in time order (one channel)."""
    ordered = order.shape[0] > 0
    value = np.zeros(n_groups)
    for k in range(decay.shape[0]):
        i = order[k] if ordered else k
        g = groups[i]
        value[g] = value[g] * decay[k] + scores[i, 0]
        out[i, 0] = value[g]


def _single(order, groups, times, scores, rate, n_groups) -> np.ndarray:
    """The common case (one channel, one half-life) in three passes: the gaps (compiled),
    their decay factors ``exp(-rate * gap)`` by numpy's vectorised ``exp`` (a compiled
    loop calls the scalar one, five times slower), the recurrence (compiled). A tie's gap
    is 0 and its factor exactly 1; a first event's gap is inf and its factor 0."""
    n = len(times)
    decay = np.empty(n)
    ties = _gaps(order, groups, times, n_groups, decay)
    np.multiply(decay, -rate, out=decay)
    np.exp(decay, out=decay)
    out = np.empty((n, 1))
    _recurrence(order, groups, scores, decay, n_groups, out)
    if ties:
        _spread_ties(order, groups, times, n_groups, out)
    return out


def decayed_sum(groups, times, scores, half_lives, by_time, n_groups, *, by_sign=False) -> np.ndarray:
    """States (n, C) in input order; ``by_time`` is a stable time order or None when the
    events are already in time order; ``groups`` are dense codes below ``n_groups``;
    ``by_sign``: ``scores`` is one column of signed scores, split into two channels."""
    lives, life_of = np.unique(half_lives, return_inverse=True)
    rates = np.log(2.0) / lives
    order = np.zeros(0, dtype=np.int64) if by_time is None else np.asarray(by_time, dtype=np.int64)
    scores = np.ascontiguousarray(scores, dtype=np.float64).reshape(len(times), -1)
    if len(rates) == 1 and scores.shape[1] == 1 and not by_sign:
        groups = np.asarray(groups, dtype=np.int64)
        return _single(order, groups, np.ascontiguousarray(times, dtype=np.float64), scores, rates[0], int(n_groups))
    return _one_pass(
        order,
        np.asarray(groups, dtype=np.int64),
        np.ascontiguousarray(times, dtype=np.float64),
        scores,
        rates,
        life_of.astype(np.int64),
        int(n_groups),
        bool(by_sign),
    )


#: Part codes of :func:`sorted_parts` (see :data:`tension._scan.PARTS`).
PART_CODES = {None: 0, "positive": 1, "negative": 2, "size": 3}


@numba.njit(cache=True, nogil=True)
def _sorted_pass(groups, times, first, second, source_of, part_of, rates, life_of, out):  # pragma: no cover - compiled
    n = times.shape[0]
    channels = out.shape[0]
    lives = rates.shape[0]
    factor = np.empty(lives)
    state = np.zeros(channels)
    for k in range(n):
        new = k == 0 or groups[k] != groups[k - 1]
        if not new:
            gap = times[k] - times[k - 1]
            for u in range(lives):
                factor[u] = 1.0 if gap == 0.0 else np.exp(-rates[u] * gap)
        for c in range(channels):
            v = first[k] if source_of[c] == 0 else second[k]
            part = part_of[c]
            if part == 1:
                v = v if v > 0.0 else 0.0
            elif part == 2:
                v = -v if v < 0.0 else 0.0
            elif part == 3:
                v = abs(v)
            state[c] = v if new else state[c] * factor[life_of[c]] + v
            out[c, k] = state[c]
    # every event of a tie block (one group, one time) takes the state after the block
    for k in range(n - 2, -1, -1):
        if groups[k] == groups[k + 1] and times[k] == times[k + 1]:
            for c in range(channels):
                out[c, k] = out[c, k + 1]


def sorted_parts(groups, times, sources, parts, half_lives, out) -> None:
    """Decayed sums of parts of one or two source columns over events sorted by (group,
    time), written to ``out`` (C, n): one compiled pass, the parts taken on the way, no
    copy of the sources (which may be strided views). Releases the GIL."""
    lives, life_of = np.unique(np.asarray(half_lives, dtype=float), return_inverse=True)
    first = sources[0]
    second = sources[1] if len(sources) > 1 else first
    _sorted_pass(
        groups,
        times,
        first,
        second,
        np.asarray([k for k, _ in parts], dtype=np.int64),
        np.asarray([PART_CODES[part] for _, part in parts], dtype=np.int64),
        np.log(2.0) / lives,
        life_of.astype(np.int64),
        out,
    )


@numba.njit(cache=True, nogil=True)
def _inspect(groups, times):  # pragma: no cover - compiled
    low = groups[0]
    high = groups[0]
    in_order = True
    for i in range(groups.shape[0]):
        g = groups[i]
        if g < low:
            low = g
        if g > high:
            high = g
        if i and times[i] < times[i - 1]:
            in_order = False
    return low, high, in_order


def inspect(groups: np.ndarray, times: np.ndarray) -> tuple[int, int, bool]:
    """The smallest and largest group code and whether the times are in order, in one
    compiled pass (integer codes, at least one event)."""
    low, high, in_order = _inspect(groups, times)
    return int(low), int(high), bool(in_order)
