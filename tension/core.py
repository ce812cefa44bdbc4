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

This module holds :func:`decayed_parts` (the event-level path behind ``score_events``)
and :func:`decayed_sum` (score columns as they are, through it), and re-exports the rest
of the kernel: the scan and its threaded parts from
:mod:`tension._scan`, :func:`run`, its :class:`Kernel` and their readers (``at_events``,
``on_grid``, ``final_states``) from :mod:`tension._kernel`.
"""

from __future__ import annotations

import numpy as np

from ._kernel import Kernel, TooManyRows, at_events, final_states, on_grid, run
from ._scan import BLOCK, gather, linear_scan, parallel, part_bounds, scan_scatter, take_part, workers_for
from ._scan import PARTS as _SCAN_PARTS
from ._sort import dense_codes, group_order, is_sorted, time_order

__all__ = [
    "BLOCK",
    "Kernel",
    "group_order",
    "time_order",
    "linear_scan",
    "run",
    "decayed_sum",
    "decayed_parts",
    "PARTS",
    "ENGINES",
    "at_events",
    "on_grid",
    "final_states",
    "TooManyRows",
]


#: The engines of :func:`decayed_sum` (and of the API's ``engine=``).
ENGINES = ("numpy", "numba")


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
        ``"numba"`` runs compiled passes over the time-ordered events with per-group
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
    of one half-life. The states are scattered straight back to input order. (This is
    :func:`decayed_parts` with every column taken as it is.)

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
    if engine == "numba":
        from . import _numba

        # the codes' range and the time order in one compiled pass (not three of numpy)
        low, high, in_order = (
            _numba.inspect(groups, times) if np.issubdtype(groups.dtype, np.integer) else (-1, 0, False)
        )
        if not np.issubdtype(groups.dtype, np.integer) or low < 0 or high >= 4 * n + 1024:
            _, groups = np.unique(groups, return_inverse=True)
            low, high, in_order = 0, int(groups.max()), bool(is_sorted(times))
        by_time = None if in_order else time_order(times)
        result = _numba.decayed_sum(groups, times, scores, half_lives, by_time, high + 1, by_sign=by_sign)
        if out is not None:
            out[...] = result
            result = out
        return result[:, 0] if flat else result
    if not dense_codes(groups):
        _, groups = np.unique(groups, return_inverse=True)
    # the numpy engine: the parts of the score columns through decayed_parts
    columns = [scores] if scores.ndim == 1 else [scores[:, c] for c in range(scores.shape[1])]
    parts = [(0, "positive"), (0, "negative")] if by_sign else [(c, None) for c in range(channels)]
    if out is None:
        out = np.empty((channels, n)).T
    decayed_parts(
        groups,
        times,
        columns,
        parts,
        half_lives,
        threads=threads,
        order=order,
        out=[out[:, c] for c in range(channels)],
    )
    return out[:, 0] if flat else out


#: The parts of a source column :func:`decayed_parts` can decay: the column as it is
#: (None), its positive values, the magnitudes of its negative values, or all magnitudes.
PARTS = _SCAN_PARTS


def decayed_parts(
    groups: np.ndarray,
    times: np.ndarray | None,
    sources,
    parts,
    half_lives,
    *,
    threads: int | None = None,
    engine: str = "numpy",
    order: np.ndarray | None = None,
    ordered: tuple[np.ndarray, np.ndarray] | None = None,
    moved=None,
    out=None,
) -> np.ndarray | list:
    """Decayed sums of parts of a few signed columns, in input order, moving only the columns.

    Channel ``c`` decays part ``parts[c] = (k, part)`` of column ``sources[k]`` with
    half-life ``half_lives[c]``; ``part`` is None (the column as it is), ``"positive"``
    (the positive values, 0 elsewhere), ``"negative"`` (the magnitudes of the negative
    values) or ``"size"`` (all magnitudes). The result equals :func:`decayed_sum` of the matrix of those parts, but
    only the source columns are moved into (group, time) order; the parts are made
    there. This is how ``score_events`` computes its stocks from one or two score columns.

    Parameters
    ----------
    groups, times
        As in :func:`decayed_sum`; ``times`` may be None when ``order`` and ``ordered``
        are given.
    sources : sequence of ndarray of float64, shape (n,)
        Signed columns.
    parts : sequence of (int, str)
        Per channel: which source, which part.
    half_lives : array-like of float, shape (C,)
        Half-life [days] of each channel.
    threads, engine, order
        As in :func:`decayed_sum`.
    ordered : (ndarray, ndarray), optional
        ``(groups[order], times[order])`` if the caller has them (with ``order``).
    moved : sequence of ndarray, optional
        ``[s[order] for s in sources]`` if the caller has them (with ``order`` and
        ``ordered``); never written.
    out : sequence of C ndarrays of float64, shape (n,), optional
        Where to write each channel's states (e.g. rows of the caller's output block).

    Returns
    -------
    ndarray of float64, shape (n, C), or ``out``
        Channel-major in memory: every column is contiguous.

    Examples
    --------
    >>> s = np.array([8.0, -2.0, 1.0])
    >>> decayed_parts(np.array([0, 0, 0]), np.array([0.0, 0.0, 30.0]), [s], [(0, "positive"), (0, "size")], [30.0, 30.0]).tolist()
    [[8.0, 10.0], [8.0, 10.0], [5.0, 6.0]]
    """
    groups = np.asarray(groups)
    if times is None:  # the sorted times are enough
        if ordered is None or order is None:
            raise ValueError("times=None needs order= and ordered=")
        times = np.empty(len(groups))  # never read
    times = np.asarray(times, dtype=float)
    sources = [np.asarray(s, dtype=float) for s in sources]
    parts = [(int(k), None if part is None else str(part)) for k, part in parts]
    channels = len(parts)
    half_lives = np.asarray(half_lives, dtype=float).reshape(-1)
    if len(half_lives) != channels:
        raise ValueError(f"{channels} parts need {channels} half-lives, got {len(half_lives)}")
    for k, part in parts:
        if not 0 <= k < len(sources):
            raise ValueError(f"part of source {k}: there are {len(sources)} sources")
        if part not in PARTS:
            raise ValueError(f"part must be one of {list(PARTS)}, not {part!r}")
    n = len(times)
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {list(ENGINES)}, not {engine!r}")
    if n == 0 or (engine != "numpy" and (order is None or ordered is None)):
        matrix = np.empty((channels, n))
        for c, (k, part) in enumerate(parts):
            take_part(sources[k], matrix[c], part)
        result = decayed_sum(groups, times, matrix.T, half_lives, threads=threads, engine=engine, order=order)
        result = result.reshape(n, channels)
        if out is None:
            return result
        for c in range(channels):
            out[c][:] = result[:, c]
        return out
    if not (np.isfinite(half_lives).all() and (half_lives > 0).all()):
        raise ValueError(f"half-lives must be positive finite numbers of days, got {half_lives.tolist()}")
    if not dense_codes(groups):
        _, groups = np.unique(groups, return_inverse=True)
        ordered = None
    if order is None:
        order, ordered = group_order(groups, times), None
    if ordered is None:
        g, t, *moved = gather(order, groups, times, *sources, threads=threads)
    else:
        g, t = ordered
        if moved is None or len(moved) != len(sources):
            moved = gather(order, *sources, threads=threads)
    tied = g[1:] == g[:-1]
    tied &= t[1:] == t[:-1]
    if tied.any():
        # events of one group at one time: a canonical order (by the source values), so
        # that every state is the same, to the last bit, for any input row order
        moved = [np.array(m, dtype=float) for m in moved]  # (the caller's never written)
        order = order.copy()
        run = np.cumsum(np.r_[True, ~tied])
        members = np.flatnonzero(np.r_[tied, False] | np.r_[False, tied])
        sub = members[np.lexsort([*(m[members] for m in moved[::-1]), run[members]])]
        order[members] = order[sub]
        for m in moved:
            m[members] = m[sub]
    del tied
    if out is None:
        result = np.empty((channels, n)).T
        targets = [result[:, c] for c in range(channels)]
    else:
        result = targets = out
    if engine == "numba":
        # one compiled pass over the (group, time)-sorted events, the parts taken on the
        # way (contiguous reads, the state of one group at a time), the events cut at group
        # boundaries into one part per thread; then the states scattered to input order
        from . import _numba

        states = np.empty((channels, n))
        # one pass reads one or two source columns: more sources, one pass per channel
        passes = (
            [(list(range(channels)), moved, parts)]
            if len(moved) <= 2
            else [([c], [moved[k]], [(0, part)]) for c, (k, part) in enumerate(parts)]
        )

        def one_part(lo: int, hi: int) -> None:
            for rows, columns, taken in passes:
                into = states[rows[0] : rows[-1] + 1, lo:hi]
                lives = half_lives[rows[0] : rows[-1] + 1]
                _numba.sorted_parts(g[lo:hi], t[lo:hi], [m[lo:hi] for m in columns], taken, lives, into)

        bounds = part_bounds(g, workers_for(threads, n))
        parallel(
            [(lambda lo=lo, hi=hi: one_part(lo, hi)) for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)],
            threads,
            n,
        )
        parallel([(lambda c=c: targets[c].__setitem__(order, states[c])) for c in range(channels)], threads, n)
        return result
    # the parts are made inside the scan, the states scattered from it: no (C, n) copies
    scan_scatter(g, t, [(moved[k], part) for k, part in parts], half_lives, order, targets, threads)
    return result
