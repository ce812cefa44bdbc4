"""Sorting events by (group, time) and by time, exactly and fast (used by :mod:`tension.core`).

:func:`group_order` packs each event's group code, its time quantised to the bits left over
and its row into one 64-bit key and sorts the keys with one ``np.sort`` of integers (no
index array carried along); quantisation is monotone, so the order is exact except inside
runs of one group and one quantum, which are re-sorted exactly; for time-ordered events
the key is just (group, row).
"""

from __future__ import annotations

import functools

import numpy as np

from ._scan import in_slices, map_in_threads, workers_for

__all__ = ["group_order", "time_order", "packed_order", "sort_in_parts", "is_sorted", "dense_codes"]


def _bits(value: int) -> int:
    """Bits needed to write the integers 0 .. value."""
    return max(1, int(value).bit_length())


def packed_order(groups: np.ndarray, n_groups: int, times: np.ndarray | None, *, with_groups: bool = False):
    """Stable order by (group, time) from one sort of packed 64-bit keys.

    Each key holds the group code in its high bits, the time quantised to the bits left
    over in the middle, and the event's position in the low bits, so that one
    ``np.sort`` of integers (SIMD quicksort, no index array carried along) sorts by
    group, then time, then input position. Quantisation is monotone, so the order is
    exact except inside runs of one group and one quantum whose times are not in input
    order; those (rare) runs are re-sorted exactly. Integer times are quantised by a right
    shift of their offset, float times by scaling; the keys are built slice by slice (in
    threads on long inputs). ``times=None`` means the input is
    already in time order (a counting sort by group). Returns None when the codes leave
    too few bits for the time; with ``with_groups``, the pair ``(order, groups[order])``
    (the sorted groups are the keys' high bits: no gather).
    """
    n = len(groups)
    index_bits = _bits(n - 1)
    key = np.empty(n, dtype=np.int64)
    if times is None:
        in_slices(lambda lo, hi: _pack(key[lo:hi], groups[lo:hi], None, index_bits, lo), n, _SLICE)
        sort_in_parts(key)
        order = key & ((1 << index_bits) - 1)
        if with_groups:
            key >>= index_bits
            return order, key
        return order
    time_bits = min(52, 62 - index_bits - (_bits(n_groups - 1) if n_groups > 1 else 0))
    if time_bits < 8:
        return None
    low, high = times.min(), times.max()
    if np.issubdtype(times.dtype, np.integer):
        if int(high) - int(low) >= 2**63:
            return None
        # integers: the offset shifted right, exact and monotone, in one pass
        shift = max(0, _bits(int(high) - int(low)) - time_bits)
        quantise = functools.partial(_shifted, low=low, shift=shift)
    else:
        span = float(high - low) if n else 0.0
        if not np.isfinite(span):
            return None
        top = float(2**time_bits - 1)
        quantise = functools.partial(_scaled, low=low, scale=top / span if span > 0 else 0.0, top=top)
    in_slices(
        lambda lo, hi: _pack(key[lo:hi], groups[lo:hi], quantise(times[lo:hi]), index_bits, lo, time_bits), n, _SLICE
    )
    sort_in_parts(key)
    order = key & ((1 << index_bits) - 1)
    key >>= index_bits  # (group, quantum) of each sorted position
    same = np.flatnonzero(key[1:] == key[:-1])  # (few) positions followed by the same (group, quantum)
    if len(same):
        # only runs of one (group, quantum) can be out of time order: re-sort the runs
        # that are, each run a range of sorted positions found from ``same`` alone
        late = times[order[same + 1]] < times[order[same]]
        if late.any():
            new_run = np.r_[True, np.diff(same) != 1]
            run_of = np.cumsum(new_run) - 1  # the run of each entry of ``same``
            first = same[new_run]  # each run's first sorted position
            length = np.bincount(run_of) + 1  # its number of events
            bad = np.unique(run_of[late])
            sizes = length[bad]
            run = np.repeat(np.arange(len(bad)), sizes)
            members = np.repeat(first[bad], sizes) + np.arange(len(run)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
            sub = np.lexsort((order[members], times[order[members]], run))
            order[members] = order[members][sub]
    if with_groups:  # (re-sorting within a run of one group leaves the groups as they are)
        key >>= time_bits
        return order, key
    return order


def sort_in_parts(values: np.ndarray, workers: int | None = None) -> None:
    """``values.sort()`` in place, in threads on long arrays (or in ``workers`` parts):
    one ``np.partition`` at the boundaries of equal parts (each boundary value then in its
    sorted place, every value on its side of it), then each part sorted in its own
    thread. The same result as one sort.

    Examples
    --------
    >>> v = np.array([5, 3, 9, 1]); sort_in_parts(v); v.tolist()
    [1, 3, 5, 9]
    """
    n = len(values)
    if workers is None:
        workers = workers_for(None, n) if n >= _PARTS_FROM else 1
    workers = max(1, min(int(workers), n))
    if workers < 2:
        values.sort()
        return
    kth = [n * k // workers for k in range(1, workers)]
    values.partition(kth)
    cuts = [0, *[k + 1 for k in kth], n]  # (each kth value is already in place)
    map_in_threads(lambda p: values[cuts[p] : cuts[p + 1]].sort(), range(workers), workers)


#: Values from which :func:`sort_in_parts` sorts in threads.
_PARTS_FROM = 1 << 20


def _shifted(times: np.ndarray, low, shift: int) -> np.ndarray:
    """``(times - low) >> shift`` for integer times (exact: no difference overflows)."""
    offset = np.subtract(times, low, dtype=np.int64)
    offset >>= shift
    return offset


def _scaled(times: np.ndarray, low, scale: float, top: float) -> np.ndarray:
    """``min((times - low) * scale, top)`` as integers: float times quantised, monotone."""
    quantum = (times - low).astype(np.float64, copy=False) * scale
    np.minimum(quantum, top, out=quantum)
    return quantum.astype(np.int64)


def _pack(key, groups, quantum, index_bits: int, start: int, time_bits: int = 0) -> None:
    """``key = (group << time_bits | quantum) << index_bits | position`` for one slice."""
    key[...] = groups
    if quantum is not None:
        key <<= time_bits
        key |= quantum
    key <<= index_bits
    key |= np.arange(start, start + len(key), dtype=np.int64)


#: Events per slice of the key building (in threads on long inputs).
_SLICE = 1 << 18


def is_sorted(values: np.ndarray) -> bool:
    return bool(len(values) < 2 or (values[1:] >= values[:-1]).all())


def dense_codes(groups: np.ndarray) -> bool:
    """Non-negative integer codes small enough for a counting sort (or a packed key)."""
    n = len(groups)
    return bool(np.issubdtype(groups.dtype, np.integer) and n and groups.min() >= 0 and groups.max() < 4 * n + 1024)


def group_order(groups: np.ndarray, times: np.ndarray, *, with_groups: bool = False):
    """Stable permutation sorting events by group code, then time (with ``with_groups``,
    the pair ``(order, groups[order])``, the sorted groups as int64).

    Events of one group at one time keep their input order: the result equals
    ``np.lexsort((times, groups))``. Non-negative integer codes below ``4 * n`` are
    sorted by one ``np.sort`` of packed 64-bit keys (group, quantised time, position),
    with the rare runs that quantisation leaves out of time order re-sorted exactly;
    other codes fall back to ``np.lexsort``.

    Examples
    --------
    >>> group_order(np.array([1, 0, 1, 0]), np.array([0.0, 1.0, 2.0, 3.0])).tolist()
    [1, 3, 0, 2]
    """
    groups = np.asarray(groups)
    times = np.asarray(times)
    n = len(groups)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return (empty, empty.copy()) if with_groups else empty
    if dense_codes(groups):
        n_groups = int(groups.max()) + 1
        found = packed_order(groups, n_groups, None if is_sorted(times) else times, with_groups=with_groups)
        if found is not None:
            return found
    order = np.lexsort((times, groups))
    return (order, groups[order].astype(np.int64)) if with_groups else order


def time_order(times: np.ndarray) -> np.ndarray:
    """Stable permutation sorting events by time (``np.argsort(times, kind="stable")``).

    Examples
    --------
    >>> time_order(np.array([2.0, 1.0, 2.0, 0.5])).tolist()
    [3, 1, 0, 2]
    """
    times = np.asarray(times)
    if len(times) == 0:
        return np.zeros(0, dtype=np.int64)
    order = packed_order(np.zeros(len(times), dtype=np.int64), 1, times)
    return order if order is not None else np.argsort(times, kind="stable")
