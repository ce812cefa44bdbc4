"""The scoring kernel: segmented, decayed cumulative sums on plain numpy arrays.

Nothing here knows about pandas, dates or country codes. Inputs are integer group codes
(one per dyad), float times (in days, any origin), a score matrix with one column per
channel (a channel is a half-life, optionally split by sign) and the channels'
half-lives. For every event the kernel gives each channel's state right after the event:

    S_c(t_i) = sum_{j in group(i), t_j <= t_i} b_jc * 2 ** (-(t_i - t_j) / H_c)

computed by the linear recurrence ``S_i = a_i * S_{i-1} + b_i`` with
``a_i = 2 ** (-(t_i - t_{i-1}) / H)`` (``a_i = 0`` where a new group starts) over the
events sorted by (group, time). The recurrence is solved by a blocked associative scan:
every factor ``a`` lies in [0, 1], so nothing can overflow for any span or half-life
(factors underflow to 0 where the true weight is below 1e-308), and the sum has no
cancellation for same-signed channels. The only Python loop runs over the positions
inside one block (a fixed ``BLOCK``), never over events or groups.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["BLOCK", "Kernel", "sort_order", "linear_scan", "run", "at_events", "evaluate", "final_states"]

#: Positions per block of the associative scan.
BLOCK = 64


class Kernel(NamedTuple):
    """States of every channel right after every event, in (group, time) order.

    Attributes
    ----------
    order : ndarray of int64, shape (n,)
        Permutation that sorts the input by (group, time); ties keep input order.
    groups, times : ndarray, shape (n,)
        Group codes and times in sorted order.
    states : ndarray of float64, shape (n, C)
        Channel states right after each sorted event, ties at one time included.
    half_lives : ndarray of float64, shape (C,)
    """

    order: np.ndarray
    groups: np.ndarray
    times: np.ndarray
    states: np.ndarray
    half_lives: np.ndarray


def sort_order(groups: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Stable permutation sorting by group, then time (ties keep input order)."""
    return np.lexsort((times, groups))


def linear_scan(a: np.ndarray, b: np.ndarray, block: int = BLOCK) -> np.ndarray:
    """Solve ``S_i = a_i * S_{i-1} + b_i`` with ``S_{-1} = 0`` for every column.

    Parameters
    ----------
    a, b : ndarray of float64, shape (n, C)
        Decay factors (in [0, 1]) and increments.
    block : int
        Block length of the two-level scan.

    Returns
    -------
    ndarray of float64, shape (n, C)

    Notes
    -----
    The rows are cut into blocks of ``block`` positions. Within every block the
    recurrence runs from a zero state, all blocks at once (one vectorised step per
    position), together with the running product ``P`` of the factors. The state at the
    end of each block then obeys the same recurrence one level up, with factor ``P`` at
    the block's end; it is solved by recursion and added back as ``S += P * carry``.

    Examples
    --------
    >>> a = np.array([[0.0], [0.5], [0.5]]); b = np.array([[4.0], [2.0], [0.0]])
    >>> linear_scan(a, b)[:, 0].tolist()
    [4.0, 4.0, 2.0]
    """
    n, channels = b.shape
    if n == 0:
        return np.empty((0, channels))
    nblocks = -(-n // block)
    pad = nblocks * block - n
    if pad:
        a = np.concatenate([a, np.ones((pad, channels))])
        b = np.concatenate([b, np.zeros((pad, channels))])
    # position-major layout: row j holds position j of every block, contiguous
    A = np.ascontiguousarray(a.reshape(nblocks, block, channels).transpose(1, 0, 2))
    S = np.ascontiguousarray(b.reshape(nblocks, block, channels).transpose(1, 0, 2))
    P = A  # running product of factors, computed in place over A
    for j in range(1, block):
        S[j] += A[j] * S[j - 1]
        P[j] *= P[j - 1]
    if nblocks > 1:
        ends = linear_scan(P[-1], S[-1], block)  # true state at each block's end
        S[:, 1:] += P[:, 1:] * ends[None, :-1]
    return S.transpose(1, 0, 2).reshape(nblocks * block, channels)[:n]


def run(
    groups: np.ndarray,
    times: np.ndarray,
    scores: np.ndarray,
    half_lives: np.ndarray,
    order: np.ndarray | None = None,
) -> Kernel:
    """Channel states right after every event.

    Parameters
    ----------
    groups : ndarray of int, shape (n,)
        Group (dyad) code of each event.
    times : ndarray of float64, shape (n,)
        Event times [days].
    scores : ndarray of float64, shape (n, C)
        Each event's increment to each channel (zero outside its channel).
    half_lives : ndarray of float64, shape (C,)
        Half-life of each channel [days], > 0.
    order : ndarray of int, optional
        A precomputed :func:`sort_order`.

    Returns
    -------
    Kernel

    Examples
    --------
    >>> k = run(np.array([0, 0]), np.array([0.0, 30.0]), np.array([[8.0], [0.0]]),
    ...         np.array([30.0]))
    >>> k.states[:, 0].tolist()
    [8.0, 4.0]
    """
    groups = np.asarray(groups)
    times = np.asarray(times, dtype=float)
    scores = np.asarray(scores, dtype=float)
    half_lives = np.asarray(half_lives, dtype=float)
    if scores.ndim == 1:
        scores = scores[:, None]
    if order is None:
        order = sort_order(groups, times)
    g = groups[order]
    t = times[order]
    b = scores[order]
    n = len(t)
    dt = np.empty(n)
    if n:
        dt[0] = 0.0
        np.subtract(t[1:], t[:-1], out=dt[1:])
        np.maximum(dt, 0.0, out=dt)  # negative only where a new group starts (reset below)
    a = np.exp2(-dt[:, None] / half_lives[None, :])
    new_group = np.ones(n, dtype=bool)
    if n:
        new_group[1:] = g[1:] != g[:-1]
    a[new_group] = 0.0
    states = linear_scan(a, b)
    # ties: every event at one (group, time) sees the state after the whole tie block
    if n:
        last = _last_of_run(g, t)
        states = states[last]
    return Kernel(order, g, t, states, half_lives)


def _last_of_run(g: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Index of the last element of each element's run of equal (g, t)."""
    n = len(t)
    is_end = np.ones(n, dtype=bool)
    is_end[:-1] = (g[1:] != g[:-1]) | (t[1:] != t[:-1])
    ends = np.flatnonzero(is_end)
    run_id = np.cumsum(np.r_[True, is_end[:-1]]) - 1
    return ends[run_id]


def at_events(kernel: Kernel) -> np.ndarray:
    """Channel states right after each event, back in input order, shape (n, C)."""
    out = np.empty_like(kernel.states)
    out[kernel.order] = kernel.states
    return out


def evaluate(kernel: Kernel, query_groups: np.ndarray, query_times: np.ndarray) -> np.ndarray:
    """Channel values at arbitrary (group, time) points, shape (q, C).

    Each value is the state of the group's last event at or before the query time,
    decayed to that time; 0 before a group's first event or for an unknown group.

    Examples
    --------
    >>> k = run(np.array([0]), np.array([0.0]), np.array([[8.0]]), np.array([30.0]))
    >>> evaluate(k, np.array([0, 0, 1]), np.array([-1.0, 60.0, 60.0]))[:, 0].tolist()
    [0.0, 2.0, 0.0]
    """
    query_groups = np.asarray(query_groups)
    query_times = np.asarray(query_times, dtype=float)
    channels = kernel.states.shape[1]
    if len(query_times) == 0 or len(kernel.times) == 0:
        return np.zeros((len(query_times), channels))
    # exact lexicographic search via integer ranks of all time values
    all_times = np.concatenate([kernel.times, query_times])
    _, rank = np.unique(all_times, return_inverse=True)
    width = np.int64(rank.max() + 1)
    event_keys = kernel.groups.astype(np.int64) * width + rank[: len(kernel.times)]
    query_keys = query_groups.astype(np.int64) * width + rank[len(kernel.times) :]
    pos = np.searchsorted(event_keys, query_keys, side="right") - 1
    safe = np.maximum(pos, 0)
    valid = (pos >= 0) & (kernel.groups[safe] == query_groups)
    elapsed = query_times - kernel.times[safe]
    values = kernel.states[safe] * np.exp2(-elapsed[:, None] / kernel.half_lives[None, :])
    values[~valid] = 0.0
    return values


def final_states(kernel: Kernel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each group's last event time and channel states (for streaming updates).

    Returns
    -------
    groups : ndarray, shape (G,)
    times : ndarray of float64, shape (G,)
    states : ndarray of float64, shape (G, C)
    """
    g = kernel.groups
    if len(g) == 0:
        return g[:0], kernel.times[:0], kernel.states[:0]
    last = np.ones(len(g), dtype=bool)
    last[:-1] = g[1:] != g[:-1]
    return g[last], kernel.times[last], kernel.states[last]
