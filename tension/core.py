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

import os
from typing import NamedTuple

import numpy as np

__all__ = [
    "BLOCK",
    "Kernel",
    "group_order",
    "linear_scan",
    "run",
    "decayed_sum",
    "at_events",
    "on_grid",
    "final_states",
]

#: Positions per block of the associative scan.
BLOCK = 128
_LN2 = float(np.log(2.0))


class TooManyRows(ValueError):
    """:func:`on_grid` would return more rows than ``max_rows`` (``rows`` says how many)."""

    def __init__(self, rows: int):
        self.rows = rows
        super().__init__(f"{rows:,} rows")


class Kernel(NamedTuple):
    """States of every channel right after every event, in (group, time) order.

    Attributes
    ----------
    order : ndarray of int, shape (n,)
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


def _counting_sort(groups: np.ndarray, n_groups: int, data=None):
    """Stable counting sort by integer group code, in C through scipy.sparse.

    SciPy's COO -> CSR conversion places every entry of a row after the row's earlier
    entries, in input order: a stable counting sort in O(n + G). The column indices are
    the input positions, so ``indices`` is the permutation; ``data`` (optional) is moved
    along with it, which saves a gather.

    Returns (order, row pointers of length G + 1, data in sorted order or None).
    """
    from scipy import sparse

    n = len(groups)
    index_type = np.int32 if max(n, n_groups) < 2**31 - 1 else np.int64
    columns = np.arange(n, dtype=index_type)
    values = np.ones(n, dtype=bool) if data is None else data
    matrix = sparse.coo_array((values, (groups.astype(index_type, copy=False), columns)), shape=(n_groups, n)).tocsr()
    return matrix.indices, matrix.indptr, (None if data is None else matrix.data)


def _is_sorted(values: np.ndarray) -> bool:
    return bool(len(values) < 2 or (values[1:] >= values[:-1]).all())


def group_order(groups: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Stable permutation sorting events by group code, then time.

    Events of one group at one time keep their input order. Non-negative integer codes
    below ``4 * n`` are grouped by a counting sort (after a stable sort by time when
    the input is not already in time order); other codes fall back to ``np.lexsort``.

    Examples
    --------
    >>> group_order(np.array([1, 0, 1, 0]), np.array([0.0, 1.0, 2.0, 3.0])).tolist()
    [1, 3, 0, 2]
    """
    groups = np.asarray(groups)
    times = np.asarray(times)
    n = len(groups)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if not np.issubdtype(groups.dtype, np.integer) or groups.min() < 0 or groups.max() >= 4 * n + 1024:
        return np.lexsort((times, groups))
    n_groups = int(groups.max()) + 1
    if _is_sorted(times):
        order, _, _ = _counting_sort(groups, n_groups)
        return order
    by_time = np.argsort(times, kind="stable")
    order, _, _ = _counting_sort(groups[by_time], n_groups)
    return by_time[order]


def linear_scan(a: np.ndarray, b: np.ndarray, block: int = BLOCK) -> np.ndarray:
    """Solve ``S_i = a_i * S_{i-1} + b_i`` with ``S_{-1} = 0`` for every column.

    Parameters
    ----------
    a, b : ndarray of float64, shape (n, C) or (n,)
        Decay factors (in [0, 1]) and increments.
    block : int
        Block length of the two-level scan.

    Returns
    -------
    ndarray of float64, same shape as ``b``

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
    flat = b.ndim == 1
    if flat:
        a, b = a[:, None], b[:, None]
    n, channels = b.shape
    if n == 0:
        return np.empty((0, channels))[:, 0] if flat else np.empty((0, channels))
    nblocks = -(-n // block)
    # position-major layout: row j holds position j of every block, contiguous; padding
    # positions get a = 1, b = 0 and change nothing
    A = np.ones((block, nblocks, channels))
    S = np.zeros((block, nblocks, channels))
    _fill(A.transpose(1, 0, 2), a, n)
    _fill(S.transpose(1, 0, 2), b, n)
    out = _scan_blocks(A, S).transpose(1, 0, 2).reshape(nblocks * block, channels)[:n]
    return out[:, 0] if flat else out


def _scan_blocks(A: np.ndarray, S: np.ndarray) -> np.ndarray:
    """The scan on position-major blocks, in place: ``A``, ``S`` of shape (block, nblocks, ...)."""
    block, nblocks = A.shape[:2]
    tmp = np.empty_like(S[0])
    for j in range(1, block):
        np.multiply(A[j], S[j - 1], out=tmp)
        S[j] += tmp
        A[j] *= A[j - 1]
    if nblocks > 1:
        ends = linear_scan(A[-1], S[-1], block)  # true state at each block's end
        np.multiply(A[:, 1:], ends[None, :-1], out=A[:, 1:])
        S[:, 1:] += A[:, 1:]
    return S


def _fill(view: np.ndarray, values: np.ndarray, n: int) -> None:
    """Copy ``values`` (n, C) into the first n positions of a (blocks, block, C) view."""
    nblocks, block, channels = view.shape
    full = n // block
    if full:
        view[:full] = values[: full * block].reshape(full, block, channels)
    if n > full * block:
        view[full, : n - full * block] = values[full * block :]


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
        A precomputed :func:`group_order`.

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
        order = group_order(groups, times)
    g = groups[order]
    t = times[order]
    b = scores[order]
    new_group = np.ones(len(t), dtype=bool)
    new_group[1:] = g[1:] != g[:-1]
    dt = _gaps(t, new_group)
    a = np.exp(dt[:, None] * (-_LN2 / half_lives[None, :]))
    a[new_group] = 0.0
    states = _inclusive(linear_scan(a, b), g, t, dt, new_group)
    return Kernel(order, g, t, states, half_lives)


def _gaps(t: np.ndarray, new_group: np.ndarray) -> np.ndarray:
    """Time since the previous event, 0 where a group starts."""
    dt = np.empty(len(t))
    if len(t):
        dt[0] = 0.0
        np.subtract(t[1:], t[:-1], out=dt[1:])
        dt[new_group] = 0.0
    return dt


def _inclusive(states: np.ndarray, g: np.ndarray, t: np.ndarray, dt: np.ndarray, new_group: np.ndarray) -> np.ndarray:
    """Every event at one (group, time) sees the state after the whole tie block."""
    if not ((dt == 0) & ~new_group).any():
        return states
    return states[_last_of_run(g, t)]


def decayed_sum(
    groups: np.ndarray, times: np.ndarray, scores: np.ndarray, half_life: float, *, threads: int | None = None
) -> np.ndarray:
    """The decayed sum at every event, in input order: the kernel's fast path.

    ``out_i = sum over j of the same group with t_j <= t_i of s_j * 2 ** (-(t_i - t_j) / H)``

    Parameters
    ----------
    groups : ndarray of int, shape (n,)
        Group codes (non-negative; dense codes are fastest).
    times : ndarray of float64, shape (n,)
        Event times [days]; any order (time-ordered input skips one sort).
    scores : ndarray of float64, shape (n,)
        Signed scores.
    half_life : float
        [days] > 0.
    threads : int, optional
        Worker threads; by default one per core for inputs of 400,000 events or more.

    Returns
    -------
    ndarray of float64, shape (n,)

    Notes
    -----
    The time-ordered events are cut into one chunk per thread, at a change of time. In
    each chunk (in parallel: numpy and scipy release the GIL) a stable counting sort
    groups the events and moves times and scores along (packed as one complex array),
    one exponential gives the decay factors and the blocked :func:`linear_scan` the
    states. Each group's state at the end of a chunk then carries into the next chunk,
    decayed to each later event: ``S_i += C_g * 2 ** (-(t_i - T_g) / H)``. The result is
    scattered back to input order.

    Examples
    --------
    >>> decayed_sum(np.array([0, 1, 0]), np.array([0.0, 1.0, 30.0]), np.array([8.0, 1.0, 1.0]), 30.0).tolist()
    [8.0, 1.0, 5.0]
    """
    groups = np.asarray(groups)
    times = np.asarray(times, dtype=float)
    scores = np.asarray(scores, dtype=float)
    n = len(times)
    if n == 0:
        return np.zeros(0)
    if not np.issubdtype(groups.dtype, np.integer) or groups.min() < 0 or groups.max() >= 4 * n + 1024:
        _, groups = np.unique(groups, return_inverse=True)
    by_time = None
    if not _is_sorted(times):
        # introsort by time: ties within a group may then be summed in any order, which
        # changes nothing but the last bits of a tie block's sum
        by_time = np.argsort(times)
        groups, times, scores = groups[by_time], times[by_time], scores[by_time]
    n_groups = int(groups.max()) + 1
    rate = _LN2 / float(half_life)
    if threads is None:
        threads = min(os.cpu_count() or 1, 8) if n >= 400_000 else 1
    bounds = _chunk_bounds(times, max(1, int(threads)))
    out = np.empty(n)

    def scan(lo, hi):
        return _scan_chunk(groups[lo:hi], times[lo:hi], scores[lo:hi], n_groups, rate)

    if len(bounds) > 2:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(len(bounds) - 1) as pool:
            parts = list(pool.map(lambda k: scan(bounds[k], bounds[k + 1]), range(len(bounds) - 1)))
            carries = _carries(parts, n_groups, rate)
            list(pool.map(lambda k: _finish_chunk(parts[k], carries[k], rate, out, bounds[k]), range(len(parts))))
    else:
        part = scan(0, n)
        _finish_chunk(part, None, rate, out, 0)
    if by_time is not None:
        unsorted = np.empty(n)
        unsorted[by_time] = out
        out = unsorted
    return out


def _chunk_bounds(times: np.ndarray, parts: int) -> list[int]:
    """Chunk boundaries of time-sorted events, each at a change of time (no tie is cut)."""
    n = len(times)
    bounds = [0]
    for k in range(1, parts):
        cut = int(np.searchsorted(times, times[k * n // parts], side="left"))
        if cut > bounds[-1]:
            bounds.append(cut)
    bounds.append(n)
    return bounds


def _scan_chunk(groups, times, scores, n_groups, rate) -> dict:
    """Group one chunk and scan it from zero states."""
    n = len(times)
    packed = np.empty(n, dtype=np.complex128)
    packed.real, packed.imag = times, scores
    order, indptr, packed = _counting_sort(groups, n_groups, data=packed)
    t = packed.real
    counts = np.diff(indptr)
    starts = indptr[:-1][counts > 0]
    nblocks = -(-n // BLOCK)
    gaps = np.zeros(nblocks * BLOCK)  # padding: gap 0, factor 1, score 0
    np.subtract(t[1:], t[:-1], out=gaps[1:n])
    # factors and scores written straight into the scan's position-major layout
    A = np.multiply(gaps.reshape(nblocks, BLOCK).T, -rate, out=np.empty((BLOCK, nblocks)))
    np.exp(A, out=A)
    A[starts % BLOCK, starts // BLOCK] = 0.0
    S = np.zeros((BLOCK, nblocks))
    _fill(S.T[:, :, None], packed.imag[:, None], n)
    states = _scan_blocks(A, S).T.reshape(-1)[:n]
    tied = (gaps[1:n] == 0.0)
    if tied.any():
        tied[starts[starts > 0] - 1] = False
        if tied.any():
            g = np.repeat(np.arange(n_groups), counts)
            states = states[_last_of_run(g, t)]
    present = counts > 0
    last = indptr[1:][present] - 1
    return {"order": order, "indptr": indptr, "t": t, "states": states, "present": present,
            "last_time": t[last], "last_state": states[last]}  # fmt: skip


def _carries(parts: list[dict], n_groups: int, rate: float) -> list:
    """For each chunk, every group's state and its time at the end of the chunks before
    (state 0 and time -inf for groups not seen yet, so that they add nothing)."""
    state = np.zeros(n_groups)
    when = np.full(n_groups, -np.inf)
    carries = [None]
    for part in parts[:-1]:
        idx = np.flatnonzero(part["present"])
        state[idx] = part["last_state"] + state[idx] * np.exp((when[idx] - part["last_time"]) * rate)
        when[idx] = part["last_time"]
        carries.append((state.copy(), when.copy()))
    return carries


def _finish_chunk(part: dict, carry, rate: float, out: np.ndarray, offset: int) -> None:
    """Add the carried states to a chunk and scatter it back to input order."""
    states = part["states"]  # a fresh array of this chunk: updated in place
    if carry is not None:
        state, when = carry
        counts = np.diff(part["indptr"])
        decay = np.subtract(np.repeat(when, counts), part["t"])
        np.multiply(decay, rate, out=decay)
        np.exp(decay, out=decay)
        np.multiply(decay, np.repeat(state, counts), out=decay)
        states += decay
    chunk = out[offset : offset + len(states)]
    chunk[part["order"]] = states


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


def on_grid(
    kernel: Kernel, grid: np.ndarray, n_groups: int, *, threshold: float | None = None, max_rows: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every group's channel values on a sorted time grid, from the event-level states.

    Parameters
    ----------
    kernel : Kernel
    grid : ndarray of float64, shape (T,)
        Sorted grid times [days].
    n_groups : int
        Groups are ``0 .. n_groups - 1``.
    threshold : float, optional
        Keep only the points where the sum of the channels' absolute values is at least
        this; without it every (group, grid time) pair is returned.
    max_rows : int, optional
        With ``threshold``: raise :class:`TooManyRows` before allocating more rows than this.

    Returns
    -------
    groups, grid_index : ndarray of int64, shape (R,)
        The group and grid position of each row, sorted by group, then time.
    values : ndarray of float64, shape (R, C)

    Notes
    -----
    Each grid point takes the state of its group's last event at or before it, decayed.
    Without a threshold the (group, time) cells are filled forward from the events, in
    O(G·T + N log T). With one, only the points a state can reach before it decays below
    the threshold are visited: after an event with total state ``G`` the channels sum to
    at most ``G · 2 ** (-dt / H_max)``, so no point later than ``H_max · log2(G / threshold)``
    can qualify; O(N log T + R), exact (every returned point is checked).

    Examples
    --------
    >>> k = run(np.array([0, 1]), np.array([0.0, 2.0]), np.array([[8.0], [1.0]]), np.array([1.0]))
    >>> g, j, v = on_grid(k, np.array([0.0, 1.0, 2.0, 3.0]), 2, threshold=0.6)
    >>> g.tolist(), j.tolist(), v[:, 0].tolist()
    ([0, 0, 0, 0, 1], [0, 1, 2, 3, 2], [8.0, 4.0, 2.0, 1.0, 1.0])
    """
    grid = np.asarray(grid, dtype=float)
    channels = kernel.states.shape[1]
    n, T = len(kernel.times), len(grid)
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros((0, channels)))
    if T == 0 or n_groups == 0 or (threshold is not None and n == 0):
        return empty
    # the last event of each tie block stands for the block (its state includes the block)
    last = np.ones(n, dtype=bool)
    last[:-1] = (kernel.groups[1:] != kernel.groups[:-1]) | (kernel.times[1:] != kernel.times[:-1])
    events = np.flatnonzero(last)
    g, t = kernel.groups[events].astype(np.int64), kernel.times[events]
    first_point = np.searchsorted(grid, t, side="left")  # grid points at or after each event
    if threshold is None:
        cell = np.full(n_groups * T, -1, dtype=np.int64)
        inside = first_point < T
        np.maximum.at(cell, g[inside] * T + first_point[inside], np.flatnonzero(inside))
        cell = np.maximum.accumulate(cell.reshape(n_groups, T), axis=1).ravel()
        rows = np.arange(n_groups * T, dtype=np.int64)
        owner = cell
    else:
        gross = np.abs(kernel.states[events]).sum(axis=1)
        with np.errstate(divide="ignore"):
            reach = t + kernel.half_lives.max() * np.log2(np.maximum(gross, 1e-300) / threshold)
        reach = np.where(gross >= threshold, reach, -np.inf)
        following = np.r_[t[1:], np.inf]
        following[np.r_[g[1:] != g[:-1], True]] = np.inf
        stop = np.searchsorted(grid, np.minimum(reach, np.nextafter(following, -np.inf)), side="right")
        count = np.maximum(stop - first_point, 0)
        if max_rows is not None and int(count.sum()) > max_rows:
            raise TooManyRows(int(count.sum()))
        owner = np.repeat(np.arange(len(events)), count)
        offset = np.arange(len(owner)) - np.repeat(np.cumsum(count) - count, count)
        rows = g[owner] * T + first_point[owner] + offset
    valid = owner >= 0
    safe = np.maximum(owner, 0)
    # cells before their group's first event have no owner: elapsed 0 (then zeroed), never
    # a negative span whose exponential would overflow
    elapsed = np.where(valid, grid[rows % T] - t[safe], 0.0)
    values = kernel.states[events[safe]] * np.exp(elapsed[:, None] * (-_LN2 / kernel.half_lives[None, :]))
    values[~valid] = 0.0
    if threshold is not None:
        keep = np.abs(values).sum(axis=1) >= threshold
        rows, values = rows[keep], values[keep]
    return rows // T, rows % T, values


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
