"""The blocked associative scan behind :mod:`tension.core`, and its threaded parts.

``linear_scan`` solves ``S_i = a_i * S_{i-1} + b_i`` over blocks of ``BLOCK`` positions;
``scan_parts`` runs the one scan of (group, time)-sorted events (decay factors shared by
the channels of one half-life, ties at one time seeing their whole block), cut at group
boundaries into one part per thread; ``parallel`` and ``gather`` run independent numpy
tasks (which release the GIL) in threads. Plain numpy arrays only, nothing of pandas.
"""

from __future__ import annotations

import os
import threading

import numpy as np

from . import _memory

__all__ = [
    "BLOCK",
    "LN2",
    "PARTS",
    "take_part",
    "linear_scan",
    "scan_parts",
    "scan_scatter",
    "parallel",
    "map_in_threads",
    "in_slices",
    "gather",
    "gather_by_rank",
]

#: Positions per block of the associative scan.
BLOCK = 128
#: ``ln 2``: a decay ``2 ** (-dt / H)`` is ``exp(-dt * LN2 / H)``.
LN2 = float(np.log(2.0))


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


def _scan_blocks(A: np.ndarray, S: np.ndarray, block: int = BLOCK, carry=None) -> np.ndarray:
    """The scan in place on position-major blocks: factors ``A`` of shape (block, nblocks),
    shared by the channels of ``S``, shape (C, block, nblocks); ``carry``: scratch of
    shape (block, nblocks - 1), or None for a new array."""
    nblocks = A.shape[1]
    tmp = np.empty_like(S[:, 0])
    for j in range(1, A.shape[0]):
        np.multiply(A[j], S[:, j - 1], out=tmp)
        S[:, j] += tmp
        A[j] *= A[j - 1]
    if nblocks > 1:
        ends = linear_scan(A[-1], S[:, -1].T, block)  # true state at each block's end, (nblocks, C)
        carry = np.empty((block, nblocks - 1)) if carry is None else carry
        for k in range(S.shape[0]):  # one channel at a time: one temporary of n values
            np.multiply(A[:, 1:], ends[None, :-1, k], out=carry)
            S[k, :, 1:] += carry
    return S


#: Blocks per chunk of the transposing copies (a chunk of 256 blocks of 128 positions,
#: 256 KiB, stays in cache while it is transposed).
_CHUNK = 256


def _fill(view: np.ndarray, values: np.ndarray, n: int, part: str | None = None) -> None:
    """Copy ``values`` (n,) into the first n positions of a (blocks, block) view; with
    ``part``, its positive values, negative values' magnitudes or sizes (see
    :data:`PARTS`), made on the way."""
    nblocks, block = view.shape
    full = n // block
    source = values[: full * block].reshape(full, block)
    for start in range(0, full, _CHUNK):
        stop = min(start + _CHUNK, full)
        take_part(source[start:stop], view[start:stop], part)
    if n > full * block:
        take_part(values[full * block :], view[full, : n - full * block], part)


#: The parts of a signed column a channel can take: all of it (None), its positive
#: values, the magnitudes of its negative values, or all magnitudes.
PARTS = (None, "positive", "negative", "size")


def take_part(source: np.ndarray, target: np.ndarray, part: str | None) -> None:
    """Write ``part`` of ``source`` (see :data:`PARTS`) into ``target`` (any strides)."""
    if part is None:
        target[...] = source
    elif part == "positive":
        np.maximum(source, 0.0, out=target)
    elif part == "negative":
        np.minimum(source, 0.0, out=target)
        # not np.negative(target, out=target): numpy 2.4 negates large-stride views in
        # place wrongly (tests/test_core.py::test_parts_on_strided_views)
        np.subtract(0.0, target, out=target)
    elif part == "size":
        np.abs(source, out=target)
    else:
        raise ValueError(f"part must be one of {list(PARTS)}, not {part!r}")


def _scan_sorted(g: np.ndarray, t: np.ndarray, b: np.ndarray, half_lives: np.ndarray, out=None) -> np.ndarray:
    """The one scan: channel states right after each event, for events sorted by
    (group, time); every event of a tie block sees the state after the whole block.

    ``b`` and the result are channel-major, shape (C, n); the states go to ``out`` if
    given (which may be ``b`` itself: each channel is read before it is written). See
    :func:`_scan_channels`.
    """
    channels, n = b.shape
    out = np.empty((channels, n)) if out is None else out

    def write(c, view, last):
        _unfill(view, out[c], n)
        if last is not None:
            out[c] = out[c][last]

    _scan_channels(g, t, [(b[c], None) for c in range(channels)], half_lives, write)
    return out


def _scan_channels(g: np.ndarray, t: np.ndarray, sources, half_lives: np.ndarray, write) -> None:
    """The scan of events sorted by (group, time), one channel per ``(values, part)`` of
    ``sources`` (see :func:`_fill`), each channel's states handed to ``write(c, view,
    last)``: ``view`` the states in the scan's (blocks, block) layout, ``last`` None or
    the index of the last event of each event's tie block (whose state every event of the
    block takes).

    The decay factors ``2 ** (-gap / H)`` are computed once per distinct half-life and
    shared by its channels; the times and the channels' values are written straight into
    the scan's position-major layout (a chunked transpose that stays in cache), the gaps
    taken there, and nothing of the events is copied in between.
    """
    n = len(t)
    if n == 0:
        return
    new_group = np.ones(n, dtype=bool)
    np.not_equal(g[1:], g[:-1], out=new_group[1:])
    starts = np.flatnonzero(new_group)
    nblocks = -(-n // BLOCK)
    # the half-life with the most channels last: its states take the times' place
    lives, counts = np.unique(half_lives, return_counts=True)
    by_count = np.argsort(counts, kind="stable")
    lives, counts = lives[by_count], counts[by_count].tolist()
    # one scratch block for the whole scan, from the pool (kept for the next call, see
    # tension._memory): the factors, the times, the states of each half-life's channels
    # (after the times for all but the last, from the times' place for the last, whose
    # factors are the last use of the times), the carries of the second level
    slots = max([2 + c for c in counts[:-1]] + [1 + counts[-1]]) + 1
    scratch = _memory.empty((slots, BLOCK, nblocks))
    A, T, carry = scratch[0], scratch[1], scratch[-1][:, 1:]
    # the times in the scan's layout; the padding repeats the last time (gap 0, factor 1)
    _fill(T.T, t, n)
    T[n - (nblocks - 1) * BLOCK :, nblocks - 1] = t[-1]
    tied = t[1:] == t[:-1]
    tied &= ~new_group[1:]
    last = _last_of_run(g, t) if tied.any() else None
    del tied
    for number, life in enumerate(lives):
        columns = np.flatnonzero(half_lives == life)
        np.subtract(T[1:], T[:-1], out=A[1:])  # the gap before each position of a block
        np.subtract(T[0, 1:], T[-1, :-1], out=A[0, 1:])  # ... and before each block's first
        A[0, 0] = 0.0
        A[starts % BLOCK, starts // BLOCK] = 0.0  # no overflow across groups (factor 0 below)
        A *= -LN2 / life
        np.exp(A, out=A)
        A[starts % BLOCK, starts // BLOCK] = 0.0
        first = 1 if number == len(lives) - 1 else 2
        S = scratch[first : first + len(columns)]
        S[:, n - (nblocks - 1) * BLOCK :, nblocks - 1] = 0.0  # the padding adds nothing
        for k, c in enumerate(columns):
            values, part = sources[c]
            _fill(S[k].T, values, n, part)
        S = _scan_blocks(A, S, carry=carry)
        for k, c in enumerate(columns):
            write(c, S[k].T, last)


def _unfill(view: np.ndarray, values: np.ndarray, n: int) -> None:
    """Copy the first n positions of a (blocks, block) view into ``values`` (n,)."""
    nblocks, block = view.shape
    full = n // block
    target = values[: full * block].reshape(full, block)
    for start in range(0, full, _CHUNK):
        stop = min(start + _CHUNK, full)
        target[start:stop] = view[start:stop]
    if n > full * block:
        values[full * block :] = view[full, : n - full * block]


def workers_for(threads, n: int) -> int:
    return min(os.cpu_count() or 1, 8) if threads is None and n >= 400_000 else int(threads or 1)


#: The threads shared by every call (made on first use, again after a fork), and whether
#: the running thread is one of them.
_POOL: list = []
_POOL_LOCK = threading.Lock()
_WORKER = threading.local()


def map_in_threads(function, items, workers: int) -> list:
    """``[function(item) for item in items]`` in up to ``workers`` threads of one shared
    pool (threads are made once, not per call); the items are dealt to ``workers`` tasks,
    so that no more run at once. Called from one of those threads, it runs the items
    itself: a task never waits for the pool it runs in."""
    items = list(items)
    workers = min(int(workers), len(items))
    if workers <= 1 or getattr(_WORKER, "busy", False):
        return [function(item) for item in items]
    from concurrent.futures import ThreadPoolExecutor, wait

    with _POOL_LOCK:
        if not _POOL or _POOL[0] != os.getpid() or _POOL[1]._max_workers < workers:
            if _POOL and _POOL[0] == os.getpid():
                _POOL[1].shutdown(wait=False)  # (a larger pool replaces it)
            _POOL[:] = [os.getpid(), ThreadPoolExecutor(max(workers, os.cpu_count() or 1), "tension")]
        pool = _POOL[1]
    results: list = [None] * len(items)

    def task(first: int) -> None:
        _WORKER.busy = True
        try:
            for k in range(first, len(items), workers):
                results[k] = function(items[k])
        finally:
            _WORKER.busy = False

    futures = [pool.submit(task, first) for first in range(workers)]
    wait(futures)  # every task done before any error is raised
    for future in futures:
        future.result()
    return results


def parallel(tasks, threads, n: int) -> None:
    """Run independent numpy tasks (which release the GIL) in threads."""
    map_in_threads(lambda task: task(), tasks, workers_for(threads, n))


def in_slices(task, n: int, size: int, threads=None) -> None:
    """``task(lo, hi)`` over consecutive slices of ``size`` rows of ``range(n)``, in
    threads on long inputs (see :func:`workers_for`)."""
    cuts = list(range(0, n, size)) + [n]
    map_in_threads(lambda k: task(cuts[k], cuts[k + 1]), range(len(cuts) - 1), workers_for(threads, n))


def gather(order, *arrays, threads=None):
    """``a[order]`` for each array, in threads: every array cut into one slice of
    ``order`` per thread (``np.take`` releases the GIL)."""
    n = len(order)
    workers = workers_for(threads, n)
    out = [_memory.empty(n, dtype=np.asarray(a).dtype) for a in arrays]
    cuts = [k * n // workers for k in range(workers + 1)]
    tasks = [
        (lambda a=a, o=o, lo=lo, hi=hi: np.take(a, order[lo:hi], out=o[lo:hi]))
        for a, o in zip(arrays, out, strict=True)
        for lo, hi in zip(cuts[:-1], cuts[1:], strict=True)
    ]
    parallel(tasks, threads, n)
    return out


def gather_by_rank(order, *arrays, threads=None):
    """``a[order]`` for each array, as :func:`gather`, but written by scattering: the
    rank of each event (``rank[order] = arange(n)``) is made once, then each array is
    written ``out[rank] = a`` slice by slice of the input, in threads. A random store does
    not wait for memory as a random load does: on events in time order, moved into (dyad,
    time) order, this takes about three quarters of the time of :func:`gather` for two
    arrays of millions of events (below :data:`RANK_FROM` events, which fit the caches,
    it is :func:`gather`). ``order`` must be a permutation.

    Examples
    --------
    >>> gather_by_rank(np.array([2, 0, 1]), np.array([10.0, 11.0, 12.0]))[0].tolist()
    [12.0, 10.0, 11.0]
    """
    n = len(order)
    if n < RANK_FROM:
        return gather(order, *arrays, threads=threads)
    rank = np.empty(n, dtype=np.intp)
    out = [_memory.empty(n, dtype=np.asarray(a).dtype) for a in arrays]

    def ranks(lo: int, hi: int) -> None:
        rank[order[lo:hi]] = np.arange(lo, hi, dtype=np.intp)

    def write(lo: int, hi: int) -> None:
        where = rank[lo:hi]
        for a, o in zip(arrays, out, strict=True):
            o[where] = a[lo:hi]

    in_slices(ranks, n, MOVE_SLICE, threads)
    in_slices(write, n, MOVE_SLICE, threads)
    return out


#: Events per slice of :func:`gather_by_rank`.
MOVE_SLICE = 1 << 20
#: Events from which :func:`gather_by_rank` scatters (below, random loads hit the caches:
#: at a million events a gather takes half the time, at two million the scatter wins).
RANK_FROM = 3 << 19


def scan_parts(g, t, b, half_lives, threads, out=None) -> np.ndarray:
    """:func:`_scan_sorted` on (group, time)-sorted events (``b`` channel-major, (C, n)),
    cut at group boundaries into one part per thread, the parts in parallel; the states
    go to ``out`` if given (``b`` itself: the scan in place)."""
    n = len(t)
    bounds = part_bounds(g, workers_for(threads, n))
    if len(bounds) == 2:
        return _scan_sorted(g, t, b, half_lives, out)
    out = np.empty(b.shape) if out is None else out

    def part(k):
        lo, hi = bounds[k], bounds[k + 1]
        _scan_sorted(g[lo:hi], t[lo:hi], b[:, lo:hi], half_lives, out[:, lo:hi])

    map_in_threads(part, range(len(bounds) - 1), len(bounds) - 1)
    return out


def part_bounds(g: np.ndarray, threads: int) -> list:
    """Cuts of (group, time)-sorted events into about equal parts at group boundaries."""
    n = len(g)
    bounds = [0]
    for k in range(1, max(1, int(threads))):
        cut = k * n // threads
        cut = int(np.searchsorted(g, g[cut], side="left")) if cut < n else n  # the group's first event
        if cut > bounds[-1]:
            bounds.append(cut)
    bounds.append(n)
    return bounds


def scan_scatter(g, t, sources, half_lives, order, targets, threads=None) -> None:
    """The scan of (group, time)-sorted events, each channel's states scattered straight
    to input order: ``targets[c][order] = states of channel c``.

    ``sources`` holds one ``(values, part)`` per channel, values in sorted order (see
    :func:`_fill`); no (channels, n) array of scores or states is ever made. The events
    are cut at group boundaries into one part per thread, the parts in parallel.
    """
    n = len(t)
    bounds = part_bounds(g, workers_for(threads, n))

    def part(k):
        lo, hi = bounds[k], bounds[k + 1]
        m = hi - lo
        where = order[lo:hi]
        last_block = (m - 1) // BLOCK  # (full or not)
        laid = []  # the order in the scan's layout, made once for every channel

        def write(c, view, last):
            if last is not None:  # ties: each event takes its tie block's last state
                scratch = np.empty(m)
                _unfill(view, scratch, m)
                targets[c][where] = scratch[last]
                return
            # scattered straight from the scan's layout, through the order laid out alike;
            # the padding after the last event holds that event's state (gap 0, nothing
            # added) and is sent to it too: the same value written twice
            if not laid:
                positions = np.empty((BLOCK, -(-m // BLOCK)), dtype=where.dtype)
                _fill(positions.T, where, m)
                positions[m - last_block * BLOCK :, -1] = where[-1]
                laid.append(positions.reshape(-1))
            targets[c][laid[0]] = view.T.reshape(-1)

        _scan_channels(g[lo:hi], t[lo:hi], [(values[lo:hi], p) for values, p in sources], half_lives, write)

    map_in_threads(part, range(len(bounds) - 1), len(bounds) - 1)


def _last_of_run(g: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Index of the last element of each element's run of equal (g, t)."""
    n = len(t)
    is_end = np.ones(n, dtype=bool)
    is_end[:-1] = (g[1:] != g[:-1]) | (t[1:] != t[:-1])
    ends = np.flatnonzero(is_end)
    run_id = np.cumsum(np.r_[True, is_end[:-1]]) - 1
    return ends[run_id]
