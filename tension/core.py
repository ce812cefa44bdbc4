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
inside one block (a fixed ``BLOCK``), never over events or groups. Sorting events by
(group, time) lives in :mod:`tension._sort`.
"""

from __future__ import annotations

import os
from typing import NamedTuple

import numpy as np

from ._sort import counting_sort, dense_codes, group_order, is_sorted, time_order

__all__ = [
    "BLOCK",
    "Kernel",
    "group_order",
    "time_order",
    "linear_scan",
    "run",
    "decayed_sum",
    "ENGINES",
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


def linear_scan(a: np.ndarray, b: np.ndarray, block: int = BLOCK) -> np.ndarray:
    """Solve ``S_i = a_i * S_{i-1} + b_i`` with ``S_{-1} = 0`` for every column.

    Parameters
    ----------
    a : ndarray of float64, shape (n, C) or (n,)
        Decay factors (in [0, 1]); one column shared by every column of ``b`` when
        ``a`` is 1-D and ``b`` 2-D.
    b : ndarray of float64, shape (n, C) or (n,)
        Increments.
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
    b2 = b[:, None] if flat else b
    n, channels = b2.shape
    if n == 0:
        return np.empty(b.shape)
    if a.ndim == 2 and channels > 1:
        return np.stack([linear_scan(a[:, c], b2[:, c], block) for c in range(channels)], axis=1)
    a1 = a.reshape(n)
    nblocks = -(-n // block)
    # position-major layout: row j holds position j of every block, contiguous; padding
    # positions get a = 1, b = 0 and change nothing
    A = np.ones((block, nblocks))
    S = np.zeros((channels, block, nblocks))
    _fill(A.T, a1, n)
    for c in range(channels):
        _fill(S[c].T, b2[:, c], n)
    S = _scan_blocks(A, S, block)
    out = np.stack([S[c].T.reshape(-1)[:n] for c in range(channels)], axis=1)
    return out[:, 0] if flat else out


def _scan_blocks(A: np.ndarray, S: np.ndarray, block: int = BLOCK) -> np.ndarray:
    """The scan in place on position-major blocks: factors ``A`` of shape (block, nblocks),
    shared by the channels of ``S``, shape (C, block, nblocks)."""
    nblocks = A.shape[1]
    tmp = np.empty_like(S[:, 0])
    for j in range(1, A.shape[0]):
        np.multiply(A[j], S[:, j - 1], out=tmp)
        S[:, j] += tmp
        A[j] *= A[j - 1]
    if nblocks > 1:
        ends = linear_scan(A[-1], S[:, -1].T, block)  # true state at each block's end, (nblocks, C)
        S[:, :, 1:] += A[None, :, 1:] * ends.T[:, None, :-1]
    return S


def _fill(view: np.ndarray, values: np.ndarray, n: int) -> None:
    """Copy ``values`` (n,) into the first n positions of a (blocks, block) view."""
    nblocks, block = view.shape
    full = n // block
    if full:
        view[:full] = values[: full * block].reshape(full, block)
    if n > full * block:
        view[full, : n - full * block] = values[full * block :]


def run(
    groups: np.ndarray,
    times: np.ndarray,
    scores: np.ndarray,
    half_lives: np.ndarray,
    order: np.ndarray | None = None,
    *,
    threads: int | None = None,
) -> Kernel:
    """Channel states right after every event, in (group, time) order.

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
    threads : int, optional
        As in :func:`decayed_sum`.

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
    b = scores[order].T
    states = _scan_parts(g, t, b, half_lives, threads).T
    return Kernel(order, g, t, states, half_lives)


def _scan_sorted(g: np.ndarray, t: np.ndarray, b: np.ndarray, half_lives: np.ndarray) -> np.ndarray:
    """The one scan: channel states right after each event, for events sorted by
    (group, time); every event of a tie block sees the state after the whole block.

    ``b`` and the result are channel-major, shape (C, n). The decay factors
    ``2 ** (-gap / H)`` are computed once per distinct half-life and shared by its
    channels; factors and scores are written straight into the scan's position-major
    layout and the states straight back (no copy of the events in between).
    """
    channels, n = b.shape
    out = np.empty((channels, n))
    if n == 0:
        return out
    new_group = np.ones(n, dtype=bool)
    np.not_equal(g[1:], g[:-1], out=new_group[1:])
    starts = np.flatnonzero(new_group)
    nblocks = -(-n // BLOCK)
    gaps = np.zeros(nblocks * BLOCK)  # padding: gap 0, factor 1, score 0
    np.subtract(t[1:], t[:-1], out=gaps[1:n])
    gaps[starts] = 0.0  # factor set to 0 below; no overflow across groups
    lives = np.unique(half_lives)
    for life in lives:
        columns = np.flatnonzero(half_lives == life)
        A = np.multiply(gaps.reshape(nblocks, BLOCK).T, -_LN2 / life, out=np.empty((BLOCK, nblocks)))
        np.exp(A, out=A)
        A[starts % BLOCK, starts // BLOCK] = 0.0
        S = np.zeros((len(columns), BLOCK, nblocks))
        for k, c in enumerate(columns):
            _fill(S[k].T, b[c], n)
        S = _scan_blocks(A, S)
        for k, c in enumerate(columns):
            _unfill(S[k].T, out[c], n)
    tied = gaps[1:n] == 0.0
    tied &= ~new_group[1:]
    if tied.any():
        out = out[:, _last_of_run(g, t)]
    return out


def _unfill(view: np.ndarray, values: np.ndarray, n: int) -> None:
    """Copy the first n positions of a (blocks, block) view into ``values`` (n,)."""
    nblocks, block = view.shape
    full = n // block
    if full:
        values[: full * block].reshape(full, block)[...] = view[:full]
    if n > full * block:
        values[full * block :] = view[full, : n - full * block]


def decayed_sum(
    groups: np.ndarray,
    times: np.ndarray,
    scores: np.ndarray,
    half_life,
    *,
    threads: int | None = None,
    engine: str = "numpy",
    by_sign: bool = False,
    order: np.ndarray | None = None,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """The decayed sum at every event, in input order: the kernel behind ``score_events``.

    ``out_i = sum over j of the same group with t_j <= t_i of s_j * 2 ** (-(t_i - t_j) / H)``

    Parameters
    ----------
    groups : ndarray of int, shape (n,)
        Group codes (non-negative; dense codes are fastest).
    times : ndarray of float64, shape (n,)
        Event times [days]; any order.
    scores : ndarray of float64, shape (n,) or (n, C)
        Signed scores; one column per channel.
    half_life : float or ndarray of float, shape (C,)
        Half-life [days] > 0, of every channel or of each.
    threads : int, optional
        Worker threads; by default one per core for inputs of 400,000 events or more.
    engine : {"numpy", "numba"}, default "numpy"
        ``"numba"`` runs one compiled pass over the time-ordered events with per-group
        state (needs the optional ``numba`` package: ``pip install 'tension[numba]'``).
        Both engines agree to rounding (1e-12 of the gross sum).
    by_sign : bool, default False
        Split one column of signed scores into two channels, the positive scores and the
        magnitudes of the negative ones (hostile and cooperative): returns shape (n, 2).
    order : ndarray of int, optional
        A precomputed :func:`group_order` of the events, if the caller has one.
    out : ndarray of float64, shape (n, C), optional
        Where to write the result (numpy engine), e.g. columns of a caller's block.

    Returns
    -------
    ndarray of float64, shape (n,), (n, C) or, with ``by_sign``, (n, 2)

    Notes
    -----
    Every event sees the state after all events of its group at its time (ties
    included). The numpy engine sorts the events by (group, time) with one sort of packed
    integer keys (:func:`group_order`), puts the events of one group at one time in a
    canonical order (by score, so that the result does not depend on row order, to the
    last bit), cuts the sorted events into one part per thread at group boundaries (the
    parts are independent: numpy releases the GIL and they run in parallel) and solves
    each part with the blocked :func:`linear_scan`, decay factors shared by the channels
    of one half-life. The states are scattered straight back to input order.

    Examples
    --------
    >>> decayed_sum(np.array([0, 1, 0]), np.array([0.0, 1.0, 30.0]), np.array([8.0, 1.0, 1.0]), 30.0).tolist()
    [8.0, 1.0, 5.0]
    """
    groups = np.asarray(groups)
    times = np.asarray(times, dtype=float)
    scores = np.asarray(scores, dtype=float)
    flat = scores.ndim == 1 and not by_sign
    if by_sign and scores.ndim != 1:
        raise ValueError("by_sign=True takes one column of signed scores")
    channels = 2 if by_sign else (1 if scores.ndim == 1 else scores.shape[1])
    half_lives = np.broadcast_to(np.asarray(half_life, dtype=float), (channels,)).copy()
    if not (np.isfinite(half_lives).all() and (half_lives > 0).all()):
        raise ValueError(f"half-lives must be positive finite numbers of days, got {half_lives.tolist()}")
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {list(ENGINES)}, not {engine!r}")
    n = len(times)
    if n == 0:
        return np.zeros((0, channels)) if not flat else np.zeros(0)
    if not dense_codes(groups):
        _, groups = np.unique(groups, return_inverse=True)
    if engine == "numba":
        from . import _numba

        by_time = None if is_sorted(times) else time_order(times)
        result = _numba.decayed_sum(groups, times, scores, half_lives, by_time, int(groups.max()) + 1, by_sign=by_sign)
        if out is not None:
            out[...] = result
            result = out
        return result[:, 0] if flat else result
    if order is None and scores.ndim == 1 and is_sorted(times):
        # time-ordered input: a stable counting sort by group moves times and scores along
        n_groups = int(groups.max()) + 1
        packed = np.empty(n, dtype=np.complex128)
        packed.real, packed.imag = times, scores
        order, indptr, packed = counting_sort(groups, n_groups, packed)
        g = np.repeat(np.arange(n_groups), np.diff(indptr))
        t, b = packed.real, packed.imag[None, :]
    else:
        if order is None:
            order = group_order(groups, times)
        columns = [scores] if scores.ndim == 1 else [scores[:, c] for c in range(scores.shape[1])]
        g, t, *columns = _gather(order, groups, times, *columns, threads=threads)
        b = np.stack(columns) if len(columns) > 1 else columns[0][None, :]
        del columns
    tied = (g[1:] == g[:-1]) & (t[1:] == t[:-1])
    if tied.any():
        # events of one group at one time: a canonical order (by score), so that the
        # block's sum, hence every state, is the same for any input row order
        order = order.copy()
        run = np.cumsum(np.r_[True, ~tied])
        members = np.flatnonzero(np.r_[tied, False] | np.r_[False, tied])
        sub = members[np.lexsort([*b[::-1, members], run[members]])]
        order[members], b[:, members] = order[sub], b[:, sub]
    if by_sign:
        s = b[0]
        b = np.empty((2, n))
        np.maximum(s, 0.0, out=b[0])
        np.minimum(s, 0.0, out=b[1])
        np.negative(b[1], out=b[1])
        del s
    states = _scan_parts(g, t, b, half_lives, threads)
    del b
    if out is None:
        out = np.empty((channels, n)).T
    # channel by channel, contiguous scatters back to input order (in threads)
    _parallel([(lambda c=c: out[:, c].__setitem__(order, states[c])) for c in range(channels)], threads, n)
    return out[:, 0] if flat else out


def _threads(threads, n: int) -> int:
    return min(os.cpu_count() or 1, 8) if threads is None and n >= 400_000 else int(threads or 1)


def _parallel(tasks, threads, n: int) -> None:
    """Run independent numpy tasks (which release the GIL) in threads."""
    if _threads(threads, n) > 1 and len(tasks) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(min(len(tasks), _threads(threads, n))) as pool:
            list(pool.map(lambda task: task(), tasks))
    else:
        for task in tasks:
            task()


def _gather(order, *arrays, threads=None):
    """``a[order]`` for each array, in threads."""
    out = [None] * len(arrays)

    def take(k):
        out[k] = arrays[k][order]

    _parallel([(lambda k=k: take(k)) for k in range(len(arrays))], threads, len(order))
    return out


#: The engines of :func:`decayed_sum` (and of the API's ``engine=``).
ENGINES = ("numpy", "numba")


def _scan_parts(g, t, b, half_lives, threads) -> np.ndarray:
    """:func:`_scan_sorted` on (group, time)-sorted events (``b`` channel-major, (C, n)),
    cut at group boundaries into one part per thread, the parts in parallel."""
    n = len(t)
    threads = _threads(threads, n)
    bounds = [0]
    for k in range(1, max(1, int(threads))):
        cut = k * n // threads
        cut = int(np.searchsorted(g, g[cut], side="left")) if cut < n else n  # the group's first event
        if cut > bounds[-1]:
            bounds.append(cut)
    bounds.append(n)
    if len(bounds) == 2:
        return _scan_sorted(g, t, b, half_lives)
    from concurrent.futures import ThreadPoolExecutor

    out = np.empty(b.shape)

    def part(k):
        lo, hi = bounds[k], bounds[k + 1]
        out[:, lo:hi] = _scan_sorted(g[lo:hi], t[lo:hi], b[:, lo:hi], half_lives)

    with ThreadPoolExecutor(len(bounds) - 1) as pool:
        list(pool.map(part, range(len(bounds) - 1)))
    return out


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
        # events are sorted by (group, time): a cell's owner is the last event reaching it
        key = g[inside] * T + first_point[inside]
        final = np.r_[key[1:] != key[:-1], True][: len(key)]
        cell[key[final]] = np.flatnonzero(inside)[final]
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
    lives, life_of = np.unique(kernel.half_lives, return_inverse=True)  # one exponential per half-life
    values = kernel.states[events[safe]] * np.exp(elapsed[:, None] * (-_LN2 / lives[None, :]))[:, life_of]
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
