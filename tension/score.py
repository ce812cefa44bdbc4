"""The pandas API over the kernel: ``score``, ``score_events``, ``contributions``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit

from . import _dask, _params, _time, core
from .events import read_events
from .model import Model
from .taxonomy import TAXONOMY_VERSION, _kind_quad_classes, resolve_weights

__all__ = ["score", "score_events", "contributions", "decompose", "event_scores", "dyad_labels", "tension_index"]

def _model(model, **given) -> Model:
    """One Model from either ``model=`` or loose keyword parameters, never both."""
    loose = {k: v for k, v in given.items() if v is not None}
    if model is None:
        return Model(**loose)
    if not isinstance(model, Model):
        raise TypeError(f"model must be a tension.Model, not {type(model).__name__}")
    if loose:
        raise ValueError(
            f"give the parameters either as model= or as keywords, not both (got model and {sorted(loose)})"
        )
    return model


def dyad_labels(source, target, *, directed: bool = False) -> np.ndarray:
    """Dyad label of each event: ``"IRN-PAK"`` (codes sorted) or ``"PAK->IRN"``.

    Examples
    --------
    >>> dyad_labels(["PAK", "IRN"], ["IRN", "PAK"]).tolist()
    ['IRN-PAK', 'IRN-PAK']
    >>> dyad_labels(["PAK"], ["IRN"], directed=True).tolist()
    ['PAK->IRN']
    """
    names, codes = _dyad_codes(np.asarray(source, dtype=object), np.asarray(target, dtype=object), directed)
    return names[codes]


def _dyad_codes(source: np.ndarray, target: np.ndarray, directed: bool) -> tuple[np.ndarray, np.ndarray]:
    """Sorted dyad labels and each event's integer code into them.

    Countries are factorised once; labels are built per distinct dyad, not per event.
    """
    n = len(source)
    country_codes, countries = pd.factorize(np.concatenate([source, target]), sort=True)
    src, tgt = country_codes[:n].astype(np.int64), country_codes[n:].astype(np.int64)
    if not directed:
        src, tgt = np.minimum(src, tgt), np.maximum(src, tgt)
    pair_codes, pairs = pd.factorize(src * len(countries) + tgt, sort=True)
    countries = np.asarray(countries, dtype=object)
    sep = "->" if directed else "-"
    first = countries[pairs // max(len(countries), 1)].astype(str)
    second = countries[pairs % max(len(countries), 1)].astype(str)
    names = np.char.add(np.char.add(first, sep), second).astype(object)
    return names, pair_codes.astype(np.int64)


def tension_index(tension, *, scale: float = 20.0):
    """Bounded 0-100 reading of a tension value: ``100 / (1 + exp(-tension / scale))``.

    50 is neutral, above is tense, below is warm.

    Examples
    --------
    >>> round(float(tension_index(10.0)), 1), float(tension_index(0.0))
    (62.2, 50.0)
    """
    scale = _params.positive("scale", scale)
    return 100.0 * expit(np.asarray(tension, dtype=float) / scale)


def _repeat_factor(dyad_codes, times, raw, discount, order=None) -> np.ndarray:
    """Factor taking each raw score to its share of its occasion's combined score.

    An occasion is one dyad, one timestamp and one sign. Ranked by |score| (largest
    first), the k-th counts ``discount ** k``; the combined score is shared among the
    occasion's events in proportion to their raw scores, so the result does not depend
    on row order. ``order`` is :func:`tension.core.group_order` of the events, if known.
    """
    n = len(raw)
    factor = np.ones(n)
    if discount == 1.0 or n == 0:
        return factor
    # only events that share their dyad and timestamp with another can be discounted
    if order is None:
        order = core.group_order(dyad_codes, times)
    g, t = dyad_codes[order], times[order]
    same = (g[1:] == g[:-1]) & (t[1:] == t[:-1])
    shared = np.zeros(n, dtype=bool)
    shared[1:] |= same
    shared[:-1] |= same
    members = order[shared]
    if len(members) == 0:
        return factor
    size = np.abs(raw[members])
    sign = np.sign(raw[members])
    sub = np.lexsort((-size, sign, times[members], dyad_codes[members]))
    members, size, sign = members[sub], size[sub], sign[sub]
    g, t = dyad_codes[members], times[members]
    start = np.ones(len(members), dtype=bool)
    start[1:] = (g[1:] != g[:-1]) | (t[1:] != t[:-1]) | (sign[1:] != sign[:-1])
    occasion = np.cumsum(start) - 1
    rank = np.arange(len(members)) - np.flatnonzero(start)[occasion]
    combined = np.bincount(occasion, weights=size * discount**rank)
    total = np.bincount(occasion, weights=size)
    ratio = np.divide(combined, total, out=np.ones_like(total), where=total > 0)
    factor[members] = ratio[occasion]
    return factor


@dataclass(frozen=True)
class _Prepared:
    events: pd.DataFrame
    dyads: np.ndarray  # label per event
    codes: np.ndarray  # int code per event
    names: np.ndarray  # label per code
    ticks: np.ndarray  # event time, int64 µs since epoch (UTC): see tension._time
    base: np.ndarray  # w(kind) per event
    magnitude: np.ndarray  # casualty magnitude m per event (1 for cooperative kinds)
    raw: np.ndarray  # signed score before the repeat discount
    score: np.ndarray  # signed effective score
    half_life: np.ndarray  # days, per event
    tz: object
    grouped: np.ndarray  # core.group_order(codes, ticks): by dyad, then time


def event_scores(events, *, model: Model | None = None) -> pd.DataFrame:
    """Each event's signed score under a model, before decay.

    Parameters
    ----------
    events : DataFrame or path
        Events in the schema of :func:`tension.read_events`.
    model : Model, optional

    Returns
    -------
    pandas.DataFrame
        Input index and order; columns ``dyad``, ``date``, ``base_weight`` (``w(kind)``),
        ``magnitude`` (``m``, 1 for cooperative kinds), ``raw_score``
        (``confidence * w * m``, or ``confidence * weight`` where the event has a
        ``weight``), ``repeat_factor`` and ``score`` (``raw_score * repeat_factor``,
        what enters the kernel), ``half_life`` [days].

    Examples
    --------
    >>> import tension as tn
    >>> ev = tn.datasets.pakistan_iran_2024()
    >>> s = tn.event_scores(ev)
    >>> s.loc[s["date"] == "2024-01-18", ["dyad", "base_weight", "raw_score"]].round(2)
          dyad  base_weight  raw_score
    1  IRN-PAK         10.0      21.51
    """
    p = _prepare(events, model or Model())
    return pd.DataFrame(
        {
            "dyad": p.dyads,
            "date": p.events["date"],
            "base_weight": p.base,
            "magnitude": p.magnitude,
            "raw_score": p.raw,
            "repeat_factor": np.divide(p.score, p.raw, out=np.ones_like(p.raw), where=p.raw != 0),
            "score": p.score,
            "half_life": p.half_life,
        },
        index=p.events.index,
    )


def _prepare(events, model: Model) -> _Prepared:
    ev = read_events(events, weights=model.weights, duplicates="keep")
    weights = resolve_weights(model.weights)
    kind_codes, kinds = pd.factorize(ev["kind"].to_numpy(dtype=object))
    base = np.asarray([weights[k] for k in kinds], dtype=float)[kind_codes]
    half_life = np.asarray(model.half_life_of(list(kinds)), dtype=float)[kind_codes]
    killed = ev["killed"].to_numpy(dtype=float)
    injured = ev["injured"].to_numpy(dtype=float)
    magnitude = np.where(
        base > 0, 1.0 + model.killed_coef * np.log1p(killed) + model.injured_coef * np.log1p(injured), 1.0
    )
    explicit = ev["weight"].to_numpy(dtype=float)
    raw = ev["confidence"].to_numpy(dtype=float) * np.where(np.isnan(explicit), base * magnitude, explicit)
    names, codes = _dyad_codes(ev["source"].to_numpy(), ev["target"].to_numpy(), model.directed)
    dyads = names[codes]
    dates = pd.DatetimeIndex(ev["date"])
    ticks = _time.ticks(dates)
    codes = codes.astype(np.int64)
    grouped = core.group_order(codes, ticks)  # once: for the discount and for the kernel
    factor = _repeat_factor(codes, ticks, raw, model.repeat_discount, order=grouped)
    return _Prepared(ev, dyads, codes, names, ticks, base, magnitude, raw, raw * factor, half_life, dates.tz, grouped)


def _order(p: _Prepared) -> np.ndarray:
    """Sort by (dyad, time); ties broken by half-life and score so that events that
    could trade places are numerically identical: results do not depend on row order."""
    order = p.grouped.copy()
    g, t = p.codes[order], p.ticks[order]
    tied = np.zeros(len(order), dtype=bool)
    same = (g[1:] == g[:-1]) & (t[1:] == t[:-1])
    tied[1:] |= same
    tied[:-1] |= same
    if tied.any():
        run = np.cumsum(np.r_[True, ~same])  # run id of every sorted position
        where = np.flatnonzero(tied)
        members = order[where]
        order[where] = members[np.lexsort((p.score[members], p.half_life[members], run[where]))]
    return order


def _channels(p: _Prepared, groups: np.ndarray | None = None):
    """Score matrix (n, C), each channel's half-life (C,) and group (C,).

    One channel per (half-life, group) pair present. By default the group is the sign
    (+1 hostile, -1 cooperative) and the matrix holds |score|; with ``groups`` (one
    integer per event) it holds the signed score.
    """
    signed = groups is not None
    if groups is None:
        groups = np.where(p.score < 0, -1, 1)
    n = len(p.score)
    if n == 0:
        return np.zeros((0, 0)), np.zeros(0), np.zeros(0, dtype=int)
    life_codes, lives = pd.factorize(p.half_life, sort=True)
    group_codes, group_values = pd.factorize(groups, sort=True)
    channel, keys = pd.factorize(life_codes.astype(np.int64) * len(group_values) + group_codes, sort=True)
    matrix = np.zeros((n, len(keys)))
    matrix[np.arange(n), channel] = p.score if signed else np.abs(p.score)
    keys = np.asarray(keys)
    return matrix, np.asarray(lives)[keys // len(group_values)], np.asarray(group_values)[keys % len(group_values)].astype(int)


#: Largest dense grid (dyads x grid times) :func:`score` builds without ``threshold``.
MAX_DENSE_ROWS = 50_000_000
#: Largest number of grid values :func:`score` keeps with a ``threshold``.
MAX_KEPT_ROWS = 50_000_000


def _on_grid(p: _Prepared, grid: pd.DatetimeIndex, matrix, half_lives, threshold=None):
    """Channel values of every dyad on the grid: (dyad code, grid position, values) per row."""
    if threshold is None and len(p.names) * len(grid) > MAX_DENSE_ROWS:
        raise ValueError(
            f"a dense grid of {len(p.names):,} dyads x {len(grid):,} times would have "
            f"{len(p.names) * len(grid):,} rows (limit {MAX_DENSE_ROWS:,}); pass threshold=0.01 to keep only the "
            "values that matter, dyads=[...] to choose dyads, at=<date> for one snapshot, or a coarser freq"
        )
    grid_ticks = _time.ticks(grid)
    # float days from the first time: int64 microsecond differences never overflow
    origin = int(min(p.ticks.min() if len(p.ticks) else 0, grid_ticks.min() if len(grid_ticks) else 0))
    kernel = core.run(p.codes, _time.days(p.ticks, origin), matrix, half_lives, order=_order(p))
    try:
        return core.on_grid(kernel, _time.days(grid_ticks, origin), len(p.names), threshold=threshold,
                            max_rows=MAX_KEPT_ROWS)  # fmt: skip
    except core.TooManyRows as err:
        raise _params.ParameterError(
            f"threshold={threshold!r} keeps {err.rows:,} grid values (limit {MAX_KEPT_ROWS:,}); pass a larger "
            "threshold (e.g. 0.01), dyads=[...] to choose dyads, a coarser freq or a shorter start/end"
        ) from None


def _readings(states: np.ndarray, signs: np.ndarray, scale: float):
    hostile = states[:, signs > 0].sum(axis=1)
    cooperative = states[:, signs < 0].sum(axis=1)
    tension = hostile - cooperative
    return tension, hostile, cooperative, tension_index(tension, scale=scale)


def _attrs(model: Model, **extra) -> dict:
    from . import __version__

    return {"model": model.as_dict(), "taxonomy_version": TAXONOMY_VERSION, "tension_version": __version__, **extra}


def score_events(
    events,
    *,
    half_life=None,
    directed: bool | None = None,
    weights=None,
    model: Model | None = None,
) -> pd.DataFrame:
    """Tension of each event's dyad right after the event.

    Parameters
    ----------
    events : DataFrame or path
        Events in the schema of :func:`tension.read_events`.
    half_life : float or mapping [days], optional
    directed : bool, optional
    weights : mapping kind -> float or DataFrame, optional
        As in :class:`tension.Model`; or pass ``model``, not both.
    model : Model, optional

    Returns
    -------
    pandas.DataFrame
        The events' index and row order, columns ``dyad``, ``date``, ``score`` (the
        event's signed score), ``tension``, ``hostile``, ``cooperative`` (values at the
        event's time, every event at that time included) and ``index`` (0-100).
        ``attrs`` records the parameters.

    Examples
    --------
    >>> import tension as tn
    >>> ev = tn.datasets.pakistan_iran_2024()
    >>> tn.score_events(ev)[["date", "tension"]].head(2).round({"tension": 2})
            date  tension
    0 2024-01-17    18.96
    1 2024-01-18    40.03
    """
    m = _model(model, half_life=half_life, directed=directed, weights=weights)
    if _dask.is_dask(events):
        return _dask.score_events(events, m)
    p = _prepare(events, m)
    matrix, half_lives, signs = _channels(p)
    origin = int(p.ticks.min()) if len(p.ticks) else 0
    kernel = core.run(p.codes, _time.days(p.ticks, origin), matrix, half_lives, order=_order(p))
    tension, hostile, cooperative, index = _readings(core.at_events(kernel), signs, m.scale)
    out = pd.DataFrame(
        {
            "dyad": p.dyads,
            "date": p.events["date"],
            "score": p.score,
            "tension": tension,
            "hostile": hostile,
            "cooperative": cooperative,
            "index": index,
        },
        index=p.events.index,
    )
    out.attrs = _attrs(m)
    return out


def _timestamp(value, tz) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    if tz is not None and stamp.tz is None:
        stamp = stamp.tz_localize(tz)
    elif tz is None and stamp.tz is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp


def _grid_bounds(first, last, freq: str, start, end, tz=None):
    """First and last grid time: from ``start`` (default the first event's day) to ``end``
    (default the first grid point at or after the last event)."""
    lo = _timestamp(start, tz) if start is not None else first.normalize()
    offset = _params.freq(freq)
    if end is not None:
        hi = _timestamp(end, tz)
        _params.check_grid(lo, hi, offset, freq)
        return lo, hi
    if lo > last:
        return lo, lo
    beyond = last.as_unit("us") + offset
    _params.check_grid(lo, beyond, offset, freq)  # before building anything
    grid = pd.date_range(lo, beyond, freq=freq, unit="us")
    return lo, grid[min(grid.searchsorted(last, side="left"), len(grid) - 1)]


def _grid(p: _Prepared, freq: str, start, end) -> pd.DatetimeIndex:
    if len(p.ticks) == 0 and (start is None or end is None):
        return pd.DatetimeIndex([], tz=p.tz)
    first = last = None
    if len(p.ticks):
        first, last = _time.dates([p.ticks.min(), p.ticks.max()], None if p.tz is None else "UTC")
    lo, hi = _grid_bounds(first, last, freq, start, end, p.tz)
    return _time.resolution(pd.date_range(lo, hi, freq=freq, unit="us"))


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
    dyads : list of str, optional
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
        ``cooperative`` (decayed stocks, >= 0) and ``index`` (0-100, 50 neutral).
        A value at a grid time includes every event at or before it.
        ``attrs`` records the model, ``freq``, ``start``, ``end`` and versions.

    Notes
    -----
    For dyad d at time t, with each event's signed score ``s_e`` and half-life ``H_e``:

    .. math:: T_d(t) = \\sum_{e \\in d,\\, t_e \\le t} s_e \\, 2^{-(t - t_e)/H_e}

    ``s_e = confidence * w(kind) * m * r``, with ``w = -Goldstein(CAMEO of kind)``,
    casualty magnitude ``m = 1 + a ln(1 + killed) + b ln(1 + injured)`` for hostile
    kinds, and ``r`` the same-occasion discount (see :class:`tension.Model`).

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
    1  IRN-PAK 2024-01-17     19.0   72.1
    2  IRN-PAK 2024-01-18     40.0   88.1
    3  IRN-PAK 2024-01-19     39.1   87.6
    4  IRN-PAK 2024-01-20     38.2   87.1
    """
    _params.check(freq=freq, start=start, end=end, at=at, threshold=threshold, dyads=dyads)
    m = _model(model, half_life=half_life, directed=directed, weights=weights)
    if _dask.is_dask(events):
        if dyads is not None:
            raise ValueError("dyads= is not supported for Dask input: filter the frame before scoring")
        return _dask.score(events, m, freq=freq, start=start, end=end, threshold=threshold, at=at)
    p = _prepare(events, m)
    grid = _grid(p, freq, start, end) if at is None else None  # from all events, whichever dyads are kept
    if dyads is not None:
        p = _only_dyads(p, dyads, m)
    if at is not None:
        return _snapshot(p, at, m)
    matrix, half_lives, signs = _channels(p)
    codes, positions, states = _on_grid(p, grid, matrix, half_lives, threshold)
    tension, hostile, cooperative, index = _readings(states, signs, m.scale)
    out = pd.DataFrame(
        {
            "dyad": p.names[codes] if len(codes) else np.array([], dtype=object),
            "date": grid[positions],
            "tension": tension,
            "hostile": hostile,
            "cooperative": cooperative,
            "index": index,
        }
    )
    out.attrs = _attrs(m, freq=freq, start=str(grid[0]) if len(grid) else None,
                       end=str(grid[-1]) if len(grid) else None, threshold=threshold)  # fmt: skip
    return out


def _check_dyads(p: _Prepared, wanted) -> list:
    wanted = [wanted] if isinstance(wanted, str) else list(wanted)
    missing = sorted(set(wanted) - set(p.names))
    if missing:
        raise ValueError(f"no events for dyad(s) {missing}; dyads present: {list(p.names)[:10]}")
    return wanted


def _only_dyads(p: _Prepared, dyads, model: Model) -> _Prepared:
    return _subset(p, np.isin(p.dyads, _check_dyads(p, dyads)), model)


def _decayed_to(p: _Prepared, at) -> tuple[pd.Timestamp, np.ndarray, np.ndarray]:
    """``at``, each event's signed contribution then (0 for later events) and whether the
    event is at or before ``at``."""
    when = _timestamp(at, p.tz)
    elapsed = -_time.days(p.ticks, _time.tick(when))
    past = elapsed >= 0
    return when, np.where(past, p.score * np.exp2(-np.where(past, elapsed, 0.0) / p.half_life), 0.0), past


def _snapshot(p: _Prepared, at, model: Model) -> pd.DataFrame:
    """One row per dyad at one time, from per-event contributions: O(N), no sort."""
    when, signed, past = _decayed_to(p, at)
    decayed = np.abs(signed)
    size = len(p.names)
    hostile = np.bincount(p.codes, weights=np.where(p.score > 0, decayed, 0.0), minlength=size)
    cooperative = np.bincount(p.codes, weights=np.where(p.score < 0, decayed, 0.0), minlength=size)
    seen = np.bincount(p.codes, weights=past, minlength=size) > 0
    tension = hostile - cooperative
    out = pd.DataFrame(
        {
            "dyad": p.names,
            "date": pd.DatetimeIndex([when] * size),
            "tension": tension,
            "hostile": hostile,
            "cooperative": cooperative,
            "index": tension_index(tension, scale=model.scale),
        }
    )[seen]
    out = out.sort_values(["tension", "dyad"], ascending=[False, True], kind="stable").reset_index(drop=True)
    out.attrs = _attrs(model, at=str(when))
    return out


def contributions(
    events,
    *,
    at,
    dyad: str | None = None,
    half_life=None,
    directed: bool | None = None,
    weights=None,
    model: Model | None = None,
) -> pd.DataFrame:
    """Each event's exact part of its dyad's tension at one time.

    Parameters
    ----------
    events : DataFrame or path
    at : date-like
        The time of the reading; events after it contribute 0.
    dyad : str, optional
        Keep only this dyad's rows (``"IRN-PAK"``, or ``"PAK->IRN"`` when directed).
    half_life, directed, weights, model
        As in :func:`tension.score`.

    Returns
    -------
    pandas.DataFrame
        The events' index and row order (only ``dyad``'s rows if given), columns
        ``dyad``, ``date``, ``source``, ``target``, ``kind``, ``killed``, ``injured``,
        ``description``, ``score`` (signed score at the event),
        ``contribution`` (``score * 2 ** (-(at - date) / half_life)``; per dyad they sum
        to the dyad's tension at ``at``) and ``share`` (contribution / dyad tension; NaN
        where the tension is 0). ``attrs["at"]`` and ``attrs["tension"]`` (dyad -> value)
        record the reading.

    Examples
    --------
    >>> import tension as tn
    >>> why = tn.contributions(tn.datasets.pakistan_iran_2024(), at="2024-01-29")
    >>> top = why.reindex(why["contribution"].abs().sort_values(ascending=False).index)
    >>> top[["kind", "contribution"]].head(3).round(2)
               kind  contribution
    1     airstrike         16.68
    0     airstrike         14.37
    2  armed_attack          8.81
    >>> print(f'{why["contribution"].sum():.6f} = {why.attrs["tension"]["IRN-PAK"]:.6f}')
    30.539116 = 30.539116
    """
    _params.check(at=at, at_required=True, dyad=dyad)
    m = _model(model, half_life=half_life, directed=directed, weights=weights)
    p = _prepare(events, m)
    if dyad is not None:
        _check_dyads(p, [dyad])
    when, contribution, _ = _decayed_to(p, at)
    ev = p.events
    out = pd.DataFrame(
        {
            "dyad": p.dyads,
            "date": ev["date"],
            "source": ev["source"],
            "target": ev["target"],
            "kind": ev["kind"],
            "killed": ev["killed"],
            "injured": ev["injured"],
            "description": ev["description"],
            "score": p.score,
            "contribution": contribution,
        },
        index=ev.index,
    )
    totals = out.groupby("dyad", sort=True)["contribution"].sum()
    dyad_total = totals.reindex(out["dyad"]).to_numpy()
    out["share"] = np.divide(contribution, dyad_total, out=np.full(len(out), np.nan), where=dyad_total != 0)
    if dyad is not None:
        out = out[out["dyad"] == dyad]
    out.attrs = _attrs(m, at=str(when), tension=totals.to_dict())
    return out


_PARTS = ("kind", "quad_class", "sign", "event")


def decompose(
    events,
    *,
    by: str = "quad_class",
    freq: str = "D",
    start=None,
    end=None,
    dyad: str | None = None,
    half_life=None,
    directed: bool | None = None,
    weights=None,
    model: Model | None = None,
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
    dyad : str, optional
        Only this dyad.

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
    if by not in _PARTS:
        raise _params.ParameterError(f"by must be one of {list(_PARTS)}, not {by!r}")
    _params.check(freq=freq, start=start, end=end, dyad=dyad)
    m = _model(model, half_life=half_life, directed=directed, weights=weights)
    p = _prepare(events, m)
    if dyad is not None:
        p = _only_dyads(p, dyad, m)
    if by == "kind":
        labels = p.events["kind"].to_numpy(dtype=object)
    elif by == "quad_class":
        quads = _kind_quad_classes()
        labels = p.events["kind"].map(lambda k: quads.get(k, "unclassified")).to_numpy(dtype=object)
    elif by == "sign":
        labels = np.where(p.score < 0, "cooperative", np.where(p.score > 0, "hostile", "neutral")).astype(object)
    else:
        if len(p.score) > 5_000:
            raise ValueError(
                f"by='event' makes one part per event ({len(p.score):,}); for many events use "
                "contributions(events, at=...) for one date, or by='kind'"
            )
        labels = p.events.index.to_numpy().astype(object)
    part_codes, part_names = pd.factorize(pd.Series(labels, dtype=object), sort=by != "event")
    grid = _grid(p, freq, start, end)
    matrix, half_lives, channel_part = _channels(p, groups=part_codes)
    query_codes, positions, states = _on_grid(p, grid, matrix, half_lives)
    values = np.zeros((len(query_codes), len(part_names)))
    np.add.at(values.T, channel_part, states.T)  # channels of one part add up
    present = np.zeros((len(p.names), len(part_names)), dtype=bool)
    present[p.codes, part_codes] = True
    d_idx, k_idx = np.nonzero(present[query_codes])
    out = pd.DataFrame(
        {
            "dyad": p.names[query_codes[d_idx]] if len(d_idx) else np.array([], dtype=object),
            "date": grid[positions[d_idx]] if len(d_idx) else grid[:0],
            "part": np.asarray(part_names, dtype=object)[k_idx],
            "value": values[d_idx, k_idx],
        }
    )
    out.attrs = _attrs(m, by=by, freq=freq, start=str(grid[0]) if len(grid) else None,
                       end=str(grid[-1]) if len(grid) else None)  # fmt: skip
    return out


def _subset(p: _Prepared, mask: np.ndarray, model: Model) -> _Prepared:
    """The prepared events of some dyads only (scores already combined, unchanged)."""
    names, codes = np.unique(p.dyads[mask], return_inverse=True)
    codes, ticks = codes.astype(np.int64), p.ticks[mask]
    return _Prepared(
        p.events[mask], p.dyads[mask], codes, names.astype(object), ticks, p.base[mask], p.magnitude[mask],
        p.raw[mask], p.score[mask], p.half_life[mask], p.tz, core.group_order(codes, ticks),
    )
