"""The :class:`Kernel` path of :mod:`tension.core`: ``run`` and the readers of its states.

:func:`run` gives every channel's state right after every event, in (group, time) order
(a :class:`Kernel`); :func:`at_events` puts them back in input order, :func:`on_grid`
samples them on a time grid (for ``score``) and :func:`final_states` keeps each group's last
(for ``State``). Plain numpy arrays only, nothing of pandas.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._scan import LN2, scan_parts
from ._sort import group_order

__all__ = ["Kernel", "TooManyRows", "run", "at_events", "on_grid", "final_states"]


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
    states = scan_parts(g, t, b, half_lives, threads).T
    return Kernel(order, g, t, states, half_lives)


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
    values = kernel.states[events[safe]] * np.exp(elapsed[:, None] * (-LN2 / lives[None, :]))[:, life_of]
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
