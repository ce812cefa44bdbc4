"""The public scoring functions: pandas in, pandas out, over the kernel.

:func:`score` (a time grid or one date), :func:`score_events` (right after each event),
:func:`contributions` (each event's part at one date), :func:`decompose` (parts over
time) and :func:`event_scores` (each event's score before decay). Events are prepared by
:mod:`tension._prepare`, sampled on grids by :mod:`tension._grid` and decayed by
:mod:`tension.core`; Dask input goes to :mod:`tension._dask`. :func:`contributions` and
:func:`event_scores`, which need no time grid, live in :mod:`tension.attribution` and are
re-exported here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _columns, _dask, _memory, _params, _stocks, core
from ._dask import is_dask
from ._deprecate import renamed
from ._grid import days, dense, grid, on_grid, on_steps, readings, snapshot
from ._prepare import (
    PARTS,
    attrs,
    channels,
    distinct_half_lives,
    part_labels,
    prepare,
    resolve_model,
    select_dyads,
    with_index_channels,
)
from .attribution import contributions, event_scores
from .model import Model, index_channels

#: How many channels the index adds (:func:`tension.model.index_channels`).
INDEX_CHANNELS = index_channels([0.0])[0].shape[1]

__all__ = ["score", "score_events", "contributions", "decompose", "event_scores", "MAX_DENSE_ROWS"]

#: Largest dense grid (dyads x grid times) :func:`score` builds without ``threshold``.
MAX_DENSE_ROWS = 50_000_000


def score(
    events,
    *,
    freq: str = "D",
    half_life=None,
    directed: bool | None = None,
    weights=None,
    start=None,
    end=None,
    dyads=None,
    at=None,
    threshold: float | None = None,
    model: Model | None = None,
) -> pd.DataFrame:
    """Tension of every dyad on a regular time grid, or at one date.

    Parameters
    ----------
    events : DataFrame or path
        Events in the schema of :func:`tension.read_events`.
    freq : str, default "D"
        Any pandas frequency (``"D"``, ``"W"``, ``"MS"``, ``"6h"``).
    half_life : float or mapping [days], optional
        Half-life of every kind, or per kind / quad class (see :class:`tension.Model`).
        Default 30.
    directed : bool, optional
        Score ``source -> target`` pairs; default unordered pairs.
    weights : mapping kind -> float or DataFrame, optional
        Base weights overriding or extending the defaults.
    start, end : date-like, optional
        Grid bounds; default from the first event's day to the first grid point at or
        after the last event.
    dyads : str or list of str, optional
        Score only these dyads (``"IRN-PAK"``, or ``"PAK->IRN"`` when directed).
    at : date-like, optional
        One snapshot instead of a grid: one row per dyad with events up to ``at``, most
        tense first, computed in O(N) (the "most tense pairs today" table).
    threshold : float, optional
        Drop the grid points where ``hostile + cooperative`` is below it (eventnet uses
        0.01): before a dyad's first event and once its events have decayed away. Needed
        for many dyads over long spans; a dense grid of more than
        :data:`MAX_DENSE_ROWS` rows is refused with advice.
    model : Model, optional
        All model parameters at once (then not ``half_life``, ``directed``, ``weights``).

    Returns
    -------
    pandas.DataFrame
        Long format, one row per dyad and grid time (those kept by ``threshold``), sorted
        by dyad then date (with ``at``: one row per dyad, most tense first), columns
        ``dyad``, ``date``, ``tension`` (hostile - cooperative), ``hostile``,
        ``cooperative`` (decayed stocks, >= 0), ``index`` (0-100: the recent net
        hostility against the dyad's usual flow of events, 50 = balanced; see
        :func:`tension.flow_index`), ``heat`` (net decayed sum of the scores before the
        same-occasion discount: hostile ones with half-life ``heat_half_life``,
        cooperative ones with ``cooling_half_life`` counted ``heat_half_life /
        cooling_half_life``) and ``flow`` (decayed sum of their sizes, half-life
        ``flow_half_life``).
        A value at a grid time includes every event at or before it.
        ``attrs`` records the model, ``freq``, ``start``, ``end`` and versions.

    Notes
    -----
    For dyad d at time t, with each event's signed score ``s_e`` and half-life ``H_e``:

    .. math:: T_d(t) = \\sum_{e \\in d,\\, t_e \\le t} s_e \\, 2^{-(t - t_e)/H_e}

    ``s_e = confidence * w(kind) * m * r``, with ``w = -Goldstein(CAMEO of kind)``,
    casualty magnitude ``m = 1 + a ln(1 + killed) + b ln(1 + injured)`` for hostile
    kinds, and ``r`` the same-occasion discount (see :class:`tension.Model`).

    The index reads the last days against the dyad's own usual activity, so that it
    neither saturates on busy dyads nor lags:
    ``index = 100 / (1 + exp(-ratio / 2))``, ``ratio = (heat ln2 / 5) / (flow ln2 / 30 + 1)``
    (heat and flow as rates per day, the flow at least one score point a day; the
    heat forgets hostility in 5 days and cooperation in 30); chosen on a crisis
    calendar against naive measures (``tension.validate``).

    References
    ----------
    Goldstein, J. S. (1992). A Conflict-Cooperation Scale for WEIS Events Data.
    Journal of Conflict Resolution 36(2), 369-385.
    Leetaru, K. and Schrodt, P. (2013). GDELT: Global Data on Events, Location and Tone.

    Examples
    --------
    >>> import tension as tn
    >>> daily = tn.score(tn.datasets.pakistan_iran_2024(), start="2024-01-16", end="2024-01-20")
    >>> daily[["dyad", "date", "tension", "index"]].round({"tension": 1, "index": 1})
          dyad       date  tension  index
    0  IRN-PAK 2024-01-16      0.0   50.0
    1  IRN-PAK 2024-01-17     19.0   71.4
    2  IRN-PAK 2024-01-18     40.0   79.7
    3  IRN-PAK 2024-01-19     39.1   76.9
    4  IRN-PAK 2024-01-20     38.2   74.3
    """
    _params.check(freq=freq, start=start, end=end, at=at, threshold=threshold, dyads=dyads)
    m = resolve_model(model, half_life=half_life, directed=directed, weights=weights)
    if is_dask(events):
        if dyads is not None:
            raise ValueError("dyads= is not supported for Dask input: filter the frame before scoring")
        return _dask.score(
            events, m, score_in_memory=score, freq=freq, start=start, end=end, threshold=threshold, at=at
        )
    p = prepare(events, m)
    if at is not None:
        return snapshot(p if dyads is None else select_dyads(p, dyads), at, m)
    times = grid(p, freq, start, end)  # from all events, whichever dyads are kept
    if dyads is not None:
        p = select_dyads(p, dyads)
    if threshold is None or len(p.names) * len(times) <= MAX_DENSE_ROWS:
        # the step scan along the grid: every (dyad, time), or those above the threshold
        out = dense(p, times, m, threshold=threshold, limit=MAX_DENSE_ROWS)
    else:  # a grid too large to scan: the points that matter, sampled from the event-level kernel
        matrix, half_lives, signs = channels(p)
        matrix, half_lives = with_index_channels(p, m, matrix, half_lives)
        codes, positions, states = on_grid(p, times, matrix, half_lives, threshold, limit=MAX_DENSE_ROWS)
        keep = states[:, :-3].sum(axis=1) >= threshold  # on hostile + cooperative, as documented
        codes, positions, states = codes[keep], positions[keep], states[keep]
        out = _readings(states, signs, m)
        del states
        out.insert(0, "date", times[positions])
        out.insert(0, "dyad", _columns.labels(p.names, codes))
    out.attrs = attrs(
        m,
        freq=freq,
        start=str(times[0]) if len(times) else None,
        end=str(times[-1]) if len(times) else None,
        threshold=threshold,
    )
    return out


def _readings(states: np.ndarray, signs: np.ndarray, model: Model, *, score=None, index=None) -> pd.DataFrame:
    """The float columns (``score``,) and :func:`tension._grid.readings` of channel
    states, as one block that pandas takes without a copy."""
    columns = readings(states, signs, model)
    names = (["score"] if score is not None else []) + list(columns)
    block = _memory.empty((len(names), len(states)))  # (the output)
    for row, values in zip(block, ([score] if score is not None else []) + list(columns.values()), strict=True):
        row[:] = values
    return pd.DataFrame(block.T, columns=names, index=index, copy=False)


def score_events(
    events,
    *,
    dyads=None,
    half_life=None,
    directed: bool | None = None,
    weights=None,
    model: Model | None = None,
    engine: str = "numpy",
) -> pd.DataFrame:
    """Tension of each event's dyad right after the event.

    Parameters
    ----------
    events : DataFrame or path
        Events in the schema of :func:`tension.read_events`.
    dyads : str or list of str, optional
        Keep only these dyads' rows (each dyad is scored from its own events only, so
        the values do not change).
    half_life : float or mapping [days], optional
    directed : bool, optional
    weights : mapping kind -> float or DataFrame, optional
        As in :class:`tension.Model`; or pass ``model``, not both.
    model : Model, optional
    engine : {"numpy", "numba"}, default "numpy"
        The kernel's engine (see :func:`tension.core.decayed_sum`): ``"numba"`` needs
        the optional extra ``tension[numba]``; both give the same values to rounding.

    Returns
    -------
    pandas.DataFrame
        The events' index and row order (only the rows of ``dyads`` if given), columns ``dyad``, ``date``, ``score`` (the
        event's signed score), ``tension``, ``hostile``, ``cooperative``, ``index``
        (0-100, see :func:`tension.flow_index`), ``heat`` and ``flow`` (values at the
        event's time, every event at that time included). ``attrs`` records the
        parameters.

    Examples
    --------
    >>> import tension as tn
    >>> ev = tn.datasets.pakistan_iran_2024()
    >>> tn.score_events(ev)[["date", "tension"]].head(2).round({"tension": 2})
            date  tension
    0 2024-01-17    18.96
    1 2024-01-18    40.03
    """
    _params.check(dyads=dyads)
    m = resolve_model(model, half_life=half_life, directed=directed, weights=weights)
    if is_dask(events):
        if dyads is not None:
            raise ValueError("dyads= is not supported for Dask input: filter the frame before scoring")
        return _dask.score_events(events, m, score_in_memory=score_events)
    p = prepare(events, m)
    n = len(p.score)
    origin = int(p.ticks.min()) if n else 0
    lives = distinct_half_lives(p)
    if len(lives) == 1:  # one half-life: the stocks from a few shared channels
        same = p.score is p.raw or bool(np.array_equal(p.score, p.raw))
        plan = _stocks.plan(m, float(lives[0]), same=same)
        block = _memory.empty((len(_stocks.COLUMNS), n))  # the output: the scan scatters into its rows
        sorted_codes, sorted_ticks = p.by_dyad
        states = core.decayed_parts(
            p.codes,
            None,  # the sorted times (ordered=) are enough
            [p.score] if same else [p.score, p.raw],
            plan.parts,
            plan.half_lives,
            order=p.grouped,
            ordered=(sorted_codes, days(sorted_ticks, origin)),
            moved=[p.raw_by_dyad] if same and p.score is p.raw else None,
            engine=engine,
            out=_stocks.targets(block, plan),
        )
        del sorted_codes, sorted_ticks
        p.forget_order()
        _stocks.fill(block, states, p.score, plan, m)
        del states
        out = pd.DataFrame(block.T, columns=list(_stocks.COLUMNS), index=p.events.index, copy=False)
        return _finish(out, p, m, dyads)
    by_event, half_lives, signs = channels(p)
    matrix = np.empty((len(half_lives) + INDEX_CHANNELS, n))
    matrix[: len(half_lives)] = by_event.T
    del by_event
    # the index's channels, last (as with_index_channels lays them out)
    extra, extra_lives = index_channels(p.raw, model=m)
    matrix[len(half_lives) :] = extra.T
    del extra
    half_lives = np.r_[half_lives, extra_lives]
    states = core.decayed_sum(p.codes, days(p.ticks, origin), matrix.T, half_lives, order=p.grouped, engine=engine)
    del matrix
    out = _readings(states, signs, m, score=p.score, index=p.events.index)
    del states
    return _finish(out, p, m, dyads)


def _sorted_parts(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the parts and their names, sorted: the same for any row order (event labels
    of several types, which do not compare, by type name, then text, then value)."""
    try:
        codes, names = pd.factorize(pd.Series(labels, dtype=object), sort=True)
        return codes, np.asarray(names, dtype=object)
    except TypeError:
        codes, names = pd.factorize(pd.Series(labels, dtype=object), sort=False)
        names = np.asarray(names, dtype=object)
        rank = sorted(range(len(names)), key=lambda k: (type(names[k]).__name__, str(names[k])))
        new = np.empty(len(names), dtype=np.int64)
        new[rank] = np.arange(len(names))
        return new[codes], names[rank]


def _finish(out: pd.DataFrame, p, m: Model, dyads) -> pd.DataFrame:
    """``score_events``' frame: the dyad and date first, the rows of ``dyads``, the attrs."""
    out.insert(0, "date", p.events["date"])
    out.insert(0, "dyad", p.labels())
    if dyads is not None:
        out = out[p.rows_of(dyads)]
    out.attrs = attrs(m)
    return out


#: What to do about a grid too dense for :func:`decompose` (it has no ``threshold`` or ``at``).
_DECOMPOSE_ADVICE = (
    "pass dyads=[...] to choose dyads, start=/end= for a shorter span or a coarser freq; "
    "for one date use contributions(events, at=...)"
)


def decompose(
    events,
    *,
    by: str = "quad_class",
    freq: str = "D",
    start=None,
    end=None,
    dyads=None,
    half_life=None,
    directed: bool | None = None,
    weights=None,
    model: Model | None = None,
    dyad: str | None = None,
) -> pd.DataFrame:
    """Tension over time split into parts that add up to it exactly.

    Parameters
    ----------
    events : DataFrame or path
    by : {"quad_class", "kind", "sign", "event"}, default "quad_class"
        What the parts are: CAMEO quad classes (material conflict, verbal conflict,
        verbal cooperation, material cooperation; ``"unclassified"`` for user kinds
        without a CAMEO code), kinds, ``"hostile"``/``"cooperative"``, or single events
        (labelled by their index).
    freq, start, end, half_life, directed, weights, model
        As in :func:`tension.score`.
    dyads : str or list of str, optional
        Only these dyads.
    dyad : str, optional
        Deprecated name of ``dyads`` (a FutureWarning; removed in the next release).

    Returns
    -------
    pandas.DataFrame
        Long format sorted by dyad, date, part: columns ``dyad``, ``date``, ``part``
        and ``value`` (the part's signed contribution to tension; per dyad and date the
        values sum to :func:`tension.score`'s ``tension``). Parts that never contribute
        to a dyad are left out. ``attrs`` records the parameters and ``by``.

    Notes
    -----
    The index is linear in the events' scores, so every part is the same decayed sum
    restricted to its events; the kernel computes all parts at once as channels.

    Examples
    --------
    >>> import tension as tn
    >>> parts = tn.decompose(tn.datasets.pakistan_iran_2024(), start="2024-01-29", end="2024-01-29")
    >>> parts[["part", "value"]].round(2)
                     part  value
    0   material_conflict  39.86
    1     verbal_conflict   0.91
    2  verbal_cooperation -10.23
    """
    if by not in PARTS:
        raise _params.ParameterError(f"by must be one of {list(PARTS)}, not {by!r}")
    dyads = renamed("decompose", "dyad", dyad, "dyads", dyads)
    _params.check(freq=freq, start=start, end=end, dyads=dyads)
    m = resolve_model(model, half_life=half_life, directed=directed, weights=weights)
    p = prepare(events, m)
    if dyads is not None:
        p = select_dyads(p, dyads)
    labels = part_labels(p, by, m)
    part_codes, part_names = _sorted_parts(labels)
    times = grid(p, freq, start, end)
    matrix, half_lives, channel_part = channels(p, groups=part_codes)
    query_codes, positions, states = on_steps(
        p, times, matrix, half_lives, limit=MAX_DENSE_ROWS, advice=_DECOMPOSE_ADVICE
    )
    values = np.zeros((len(query_codes), len(part_names)))
    np.add.at(values.T, channel_part, states.T)  # channels of one part add up
    present = np.zeros((len(p.names), len(part_names)), dtype=bool)
    present[p.codes, part_codes] = True
    d_idx, k_idx = np.nonzero(present[query_codes])
    out = pd.DataFrame(
        {
            "dyad": p.names[query_codes[d_idx]] if len(d_idx) else np.array([], dtype=object),
            "date": times[positions[d_idx]] if len(d_idx) else times[:0],
            "part": np.asarray(part_names, dtype=object)[k_idx],
            "value": values[d_idx, k_idx],
        }
    )
    out.attrs = attrs(
        m, by=by, freq=freq, start=str(times[0]) if len(times) else None, end=str(times[-1]) if len(times) else None
    )
    return out
