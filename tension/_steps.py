"""Decayed sums on a time grid, step by step: the dense path of :func:`tension.score`.

A grid value is the decayed sum of a group's events at or before the grid time. From one
grid time to the next it is the previous value decayed over the step plus the events of
the step decayed to its end, the same factor for every group:

    S_k = 2 ** (-(g_k - g_{k-1}) / H) * S_{k-1} + B_k,   B_k = sum_{g_{k-1} < t_e <= g_k} s_e 2 ** (-(g_k - t_e) / H)

:func:`step_scan` bins the events into (step, channel, group) with one weighted
``bincount`` per chunk of steps, each bin summed in a canonical order of the events, then
runs the recurrence along the grid, one vectorised step for all groups and channels at
once (the factor is the same for every group). Every weight is a power of two of a
non-positive exponent: nothing can overflow (weights below 1e-308 underflow to 0) and a
channel of one sign sums without cancellation. Each value is computed by the same
operations whatever the other groups, the chunking or the input row order, so a dyad's
values do not depend on which other dyads are scored, to the last bit. Temporaries are a
chunk's size; the caller gets each chunk's states and writes them where it wants. Plain
numpy arrays only, nothing of pandas.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = ["step_scan", "chunk_steps"]

#: Target number of (step, channel, group) bins per chunk (a few MB, cache-sized).
CHUNK_BINS = 1 << 18


def chunk_steps(channels: int, groups: int, steps: int) -> int:
    """Grid steps per chunk: a power of two from 8 to 256, about :data:`CHUNK_BINS` bins
    (the values do not depend on it)."""
    per_step = max(channels * groups, 1)
    length = 8
    while length < 256 and 2 * length * per_step <= CHUNK_BINS:
        length *= 2
    return max(1, min(length, steps))


def step_scan(
    groups: np.ndarray,
    times: np.ndarray,
    grid: np.ndarray,
    entries: Sequence[tuple[Any, np.ndarray]],
    half_lives: np.ndarray,
    n_groups: int,
    emit: Callable[[int, int, np.ndarray], None],
    *,
    order: np.ndarray | None = None,
) -> None:
    """Every group's channel values on a sorted grid, handed to ``emit`` chunk by chunk.

    Parameters
    ----------
    groups : ndarray of int, shape (n,)
        Group code of each event, ``0 .. n_groups - 1``.
    times : ndarray of float64, shape (n,)
        Event times [days], any order, the same origin as ``grid``.
    grid : ndarray of float64, shape (T,)
        Strictly increasing grid times [days].
    entries : sequence of (channel, value)
        What each event adds: to channel ``channel`` (an int, or one per event, shape
        (n,)) the value ``value`` (shape (n,)). Each channel should hold values of one
        sign (then its sums have no cancellation).
    half_lives : ndarray of float64, shape (C,)
        Half-life of each channel [days], > 0.
    n_groups : int
    emit : callable ``emit(k0, k1, states)``
        Called for consecutive chunks ``k0 .. k1 - 1`` of grid positions, in order, with
        ``states`` of shape (k1 - k0, C, n_groups): each channel's value of each group at
        each grid time of the chunk (every event at or before it included). The array is
        only valid during the call.
    order : ndarray of int, shape (n,), optional
        A canonical order of the events (e.g. by group, time and value): within a bin the
        values are summed in this order, so that a permutation of the input rows gives
        the same bits. Default: input order.

    Examples
    --------
    >>> seen = []
    >>> step_scan(np.array([0, 0]), np.array([0.5, 1.0]), np.array([0.0, 1.0, 2.0]),
    ...           [(0, np.array([8.0, 2.0]))], np.array([1.0]), 1,
    ...           lambda k0, k1, s: seen.append(s[:, 0, 0].tolist()))
    >>> seen
    [[0.0, 7.656854249492381, 3.8284271247461903]]
    """
    grid = np.asarray(grid, dtype=float)
    half_lives = np.asarray(half_lives, dtype=float)
    n_steps, n_channels = len(grid), len(half_lives)
    if n_steps == 0 or n_groups == 0:
        return
    times = np.asarray(times, dtype=float)
    step = np.searchsorted(grid, times, side="left")  # the first grid time at or after each event
    length = chunk_steps(n_channels, n_groups, n_steps)
    n_chunks = -(-n_steps // length)
    # the events that count (those after the last grid time never do), in canonical order,
    # then stably by chunk (a radix sort of small integers)
    picked = np.flatnonzero(step < n_steps) if order is None else order[step[order] < n_steps]
    chunk = (step[picked] // length).astype(np.uint16 if n_chunks < 1 << 16 else np.int64)
    by_chunk = np.argsort(chunk, kind="stable")
    picked = picked[by_chunk]
    bounds = np.searchsorted(chunk[by_chunk], np.arange(n_chunks + 1), side="left")
    del chunk, by_chunk
    g = np.asarray(groups)[picked].astype(np.int64, copy=False)
    t = times[picked]
    step = step[picked]
    # each entry as (fixed channel or None, channel per event or None, value per event)
    gathered: list[tuple[int | None, np.ndarray | None, np.ndarray]] = []
    for channel, value in entries:
        value = np.asarray(value, dtype=float)[picked]
        if np.ndim(channel) == 0:
            gathered.append((int(channel), None, value))
        else:
            gathered.append((None, np.asarray(channel)[picked], value))
    del picked
    # the decay over each step, per channel (shape (T, C, 1)); no state before the first
    factors = np.exp2(-np.diff(grid, prepend=grid[0])[:, None, None] / half_lives[None, :, None])
    carry = None
    spare = np.empty((n_channels, n_groups))
    for c in range(n_chunks):
        lo, hi = int(bounds[c]), int(bounds[c + 1])
        k0, k1 = c * length, min((c + 1) * length, n_steps)
        cells = n_channels * n_groups  # per step
        s, ts = step[lo:hi], t[lo:hi]
        place = (s - k0) * cells + g[lo:hi]
        elapsed = grid[s] - ts  # >= 0: to the end of the event's step
        keys = np.empty(len(gathered) * (hi - lo), dtype=np.int64)
        weights = np.empty(len(keys))
        decays: dict[float, np.ndarray] = {}
        for k, (fixed, channel, value) in enumerate(gathered):
            part = slice(k * (hi - lo), (k + 1) * (hi - lo))
            if channel is None:
                assert fixed is not None
                life = float(half_lives[fixed])
                if life not in decays:
                    decays[life] = np.exp2(-elapsed / life)
                np.multiply(value[lo:hi], decays[life], out=weights[part])
                np.add(place, fixed * n_groups, out=keys[part])
            else:
                ch = channel[lo:hi].astype(np.int64)
                np.multiply(value[lo:hi], np.exp2(-elapsed / half_lives[ch]), out=weights[part])
                np.multiply(ch, n_groups, out=ch)
                np.add(place, ch, out=keys[part])
        # B: the events of each (step, channel, group), summed in canonical order
        states = np.bincount(keys, weights=weights, minlength=(k1 - k0) * cells).astype(float, copy=False)
        states = states.reshape(k1 - k0, n_channels, n_groups)
        del keys, weights, decays, elapsed, place
        for j in range(k1 - k0):  # S_k = a_k S_{k-1} + B_k, in place, all groups at once
            if carry is not None:
                np.multiply(carry, factors[k0 + j], out=spare)
                states[j] += spare
            carry = states[j]
        emit(k0, k1, states)
        carry = states[-1].copy()
