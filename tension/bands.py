"""Uncertainty bands: Monte Carlo over casualty ranges, confidence, kind weights and the half-life."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _basis
from ._prepare import resolve_model
from .events import MAX_COUNT
from .model import Model
from .score import score

__all__ = ["bands"]

#: Most events with their own random multiplier (casualty range or confidence < 1).
MAX_UNCERTAIN_EVENTS = 3000
#: Largest rows x draws matrix built at once.
MAX_CELLS = 50_000_000


def _ranges(ev: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    point = ev[column].to_numpy(dtype=float)
    lo = pd.to_numeric(ev[f"{column}_low"], errors="coerce").to_numpy(float) if f"{column}_low" in ev else point
    hi = pd.to_numeric(ev[f"{column}_high"], errors="coerce").to_numpy(float) if f"{column}_high" in ev else point
    for name, values in ((f"{column}_low", lo), (f"{column}_high", hi)):
        if name in ev and (ev[name].notna() & np.isnan(values)).any():
            rows = ev.index[ev[name].notna() & np.isnan(values)].tolist()[:5]
            raise ValueError(f"column {name!r} is not a number at row(s) {rows}")
        with np.errstate(invalid="ignore"):
            bad = ~np.isnan(values) & (~np.isfinite(values) | (values != np.round(values)) | (values > MAX_COUNT))
        if bad.any():  # (an infinite bound would make every draw NaN)
            rows = ev.index[bad].tolist()[:5]
            raise ValueError(
                f"column {name!r} must hold whole counts up to {MAX_COUNT:,}, not {float(values[bad][0])!r} "
                f"(row(s) {rows}); leave a bound empty for no uncertainty on that side"
            )
    lo, hi = np.where(np.isnan(lo), point, lo), np.where(np.isnan(hi), point, hi)
    bad = (lo < 0) | (lo > point) | (hi < point)
    if bad.any():
        rows = ev.index[bad].tolist()[:5]
        raise ValueError(
            f"casualty range must satisfy 0 <= {column}_low <= {column} <= {column}_high; not at row(s) {rows}. "
            f"Code 'at least N' as {column}=N, {column}_low=N and {column}_high the largest credible count"
        )
    return lo, hi


def _draws(ev, scores, model, *, draws, weight_spread, half_life_spread, nodes, casualties, confidence, rng):
    """Per-event units, the unit multiplier matrix (draws x units) and each draw's node."""
    n = len(ev)
    explicit = ev["weight"].notna().to_numpy() if "weight" in ev else np.zeros(n, dtype=bool)
    hostile = (scores["base_weight"].to_numpy() > 0) & ~explicit
    conf = ev["confidence"].to_numpy(dtype=float)
    random_conf = confidence & (conf < 1)
    lo, hi = _ranges(ev, "killed")
    random_killed = casualties & hostile & (hi > lo)
    own = random_conf | random_killed
    if own.sum() > MAX_UNCERTAIN_EVENTS:
        raise ValueError(
            f"{int(own.sum()):,} events carry their own uncertainty (more than {MAX_UNCERTAIN_EVENTS:,}); "
            "pass confidence=False or casualties=False, or fewer events"
        )
    kinds = ev["kind"].to_numpy(dtype=object)
    # per-event random numbers are assigned in a canonical event order: row order does not matter
    # (events tied on every key are alike: swapping their numbers changes nothing)
    canon = np.lexsort(
        (
            explicit,
            ev["injured"].to_numpy(dtype=float),
            hi,
            lo,
            scores["score"].to_numpy(dtype=float),
            ev["killed"].to_numpy(),
            conf,
            kinds.astype(str),
            ev["target"].to_numpy().astype(str),
            ev["source"].to_numpy().astype(str),
            pd.DatetimeIndex(ev["date"]).asi8,
        )
    )

    def uniform():
        out = np.empty((draws, n))
        out[:, canon] = rng.uniform(size=(draws, n))
        return out

    units = np.where(
        own,
        np.char.add("event ", np.arange(n).astype(str)).astype(object),
        np.where(explicit, "weight ", "kind ").astype(object) + kinds,
    )
    codes, labels = pd.factorize(pd.Series(units, dtype=object), sort=True)
    labels = list(labels)
    # kind weight factors: log-normal with median 1 (one per kind and draw)
    kind_codes, kind_names = pd.factorize(pd.Series(kinds, dtype=object), sort=True)
    factor = np.exp(weight_spread * rng.standard_normal((draws, len(kind_names))))
    per_event = np.where(explicit[None, :], 1.0, factor[:, kind_codes])  # (draws, n)
    if random_conf.any():
        happened = uniform() < conf[None, :]
        per_event = per_event * np.where(random_conf[None, :], happened / conf[None, :], 1.0)
    if random_killed.any():
        a, b = model.killed_coef, model.injured_coef
        u = uniform()
        log_killed = np.log1p(lo)[None, :] + u * (np.log1p(hi) - np.log1p(lo))[None, :]
        drawn = 1.0 + a * log_killed + b * np.log1p(ev["injured"].to_numpy(float))[None, :]
        per_event = per_event * np.where(random_killed[None, :], drawn / scores["magnitude"].to_numpy()[None, :], 1.0)
    # one multiplier per unit: the first event of each unit stands for it (identical within a unit)
    first = np.zeros(len(labels), dtype=np.int64)
    first[codes[::-1]] = np.arange(n)[::-1]
    multipliers = per_event[:, first]
    node = rng.integers(0, nodes, size=draws) if half_life_spread > 0 else np.zeros(draws, dtype=np.int64)
    return codes, labels, multipliers, node


def bands(
    events,
    *,
    draws: int = 500,
    quantiles: tuple[float, float] = (0.05, 0.95),
    weight_spread: float = 0.0,
    half_life_spread: float = 0.0,
    casualties: bool = True,
    confidence: bool = True,
    nodes: int = 7,
    seed: int = 0,
    freq: str = "D",
    start=None,
    end=None,
    dyads=None,
    half_life=None,
    directed: bool | None = None,
    weights=None,
    model: Model | None = None,
) -> pd.DataFrame:
    """The tension on a grid with a Monte Carlo uncertainty band.

    Parameters
    ----------
    events : DataFrame or path
        Events in the schema of :func:`tension.read_events`; optional columns
        ``killed_low`` and ``killed_high`` give a range of deaths around ``killed``
        (``killed_low <= killed <= killed_high``; "at least N" is ``killed=N``,
        ``killed_low=N``). Missing bounds mean no uncertainty on that side.
    draws : int, default 500
    quantiles : (float, float), default (0.05, 0.95)
        The band's lower and upper quantiles of the draws.
    weight_spread : float, default 0
        Prior spread of every kind weight: each kind's weight is multiplied by
        ``exp(weight_spread * Z)``, Z standard normal, one per kind and draw (sign kept,
        median the point weight). Explicit ``weight`` values are not varied.
    half_life_spread : float, default 0
        Prior spread of the half-life: every half-life is multiplied by
        ``exp(half_life_spread * Z)``, the normal represented by ``nodes`` equally
        probable quantiles (each draw takes one at random).
    casualties : bool, default True
        Draw each hostile event's deaths log-uniformly (uniform in ``ln(1 + killed)``)
        over its range; the casualty magnitude follows.
    confidence : bool, default True
        Treat ``confidence`` as the probability that the event happened: each draw
        keeps it with that probability at full score (so its expected score is the
        point score ``confidence * w * m``).
    nodes : int, default 7
    seed : int, default 0
        Seed of the random generator: the same seed gives the same band.
    freq, start, end, dyads, half_life, directed, weights, model
        As in :func:`tension.score`.

    Returns
    -------
    pandas.DataFrame
        :func:`tension.score`'s frame with columns ``low`` and ``high`` (tension). The
        band always contains the point estimate: where a quantile falls on the far side
        of it (e.g. when the point count is the lower end of a casualty range) the band
        stops at the point. ``attrs`` adds the settings.

    Notes
    -----
    The index is linear in the event scores. Events without a random factor of their
    own are grouped by kind; :func:`tension.decompose` gives one basis series per group
    and per uncertain event, so each draw is a matrix product, per half-life node. The
    same-occasion discount keeps the shares of the point estimate.

    Examples
    --------
    >>> import tension as tn
    >>> ev = tn.datasets.pakistan_iran_2024()
    >>> b = tn.bands(ev, weight_spread=0.3, draws=200, start="2024-01-28", end="2024-01-30")
    >>> b[["date", "tension", "low", "high"]].round({"tension": 1, "low": 1, "high": 1})
            date  tension   low  high
    0 2024-01-28     41.7  21.3  72.9
    1 2024-01-29     30.5  11.2  60.0
    2 2024-01-30     29.8  11.0  58.6
    """
    m = resolve_model(model, half_life=half_life, directed=directed, weights=weights)
    lo_q, hi_q = quantiles
    if not (0 <= lo_q < hi_q <= 1):
        raise ValueError(f"quantiles must be (low, high) with 0 <= low < high <= 1, got {quantiles!r}")
    for name, value in (("weight_spread", weight_spread), ("half_life_spread", half_life_spread)):
        if not (np.isfinite(value) and value >= 0):
            raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    if isinstance(draws, bool) or not isinstance(draws, int | np.integer) or draws < 2:
        raise ValueError(f"draws must be a whole number >= 2, got {draws!r}")
    if isinstance(nodes, bool) or not isinstance(nodes, int | np.integer) or nodes < 1:
        raise ValueError(f"nodes must be a whole number >= 1, got {nodes!r}")
    point = score(events, freq=freq, start=start, end=end, dyads=dyads, model=m)
    if draws * len(point) > MAX_CELLS:
        raise ValueError(
            f"{draws} draws x {len(point):,} grid rows is too large; use fewer draws, a coarser freq or start/end"
        )
    ev, scores = _basis.prepared(events, m)
    if dyads is not None:  # only the wanted dyads' events carry draws (the grid is the full one, as in score)
        keep = scores["dyad"].isin([dyads] if isinstance(dyads, str) else list(dyads)).to_numpy()
        ev, scores = ev[keep], scores[keep]
    rng = np.random.default_rng(seed)
    codes, labels, multipliers, node = _draws(
        ev,
        scores,
        m,
        draws=draws,
        weight_spread=weight_spread,
        half_life_spread=half_life_spread,
        nodes=nodes,
        casualties=casualties,
        confidence=confidence,
        rng=rng,
    )
    rows = pd.MultiIndex.from_frame(point[["dyad", "date"]])
    grid_start, grid_end = point.attrs.get("start"), point.attrs.get("end")
    values = np.zeros((len(point), draws))
    from scipy.stats import norm  # (imported on use: a quick `import tension`)

    factors = np.exp(half_life_spread * norm.ppf((np.arange(nodes) + 0.5) / nodes)) if half_life_spread else [1.0]
    for q, factor in enumerate(factors):  # a loop over a few half-life nodes
        chosen = node == q
        if not chosen.any() or not len(point):
            continue
        matrix, _ = _basis.basis(
            ev,
            scores,
            np.asarray(labels, dtype=object)[codes],
            model=m,
            rows=rows,
            freq=freq,
            start=grid_start,
            end=grid_end,
            half_life_factor=factor,
        )
        values[:, chosen] = matrix @ multipliers[chosen].T
    tension = point["tension"].to_numpy()
    if len(point):
        low, high = np.quantile(values, [lo_q, hi_q], axis=1)
    else:
        low = high = np.array([])
    out = point.copy()
    out["low"] = np.minimum(low, tension)
    out["high"] = np.maximum(high, tension)
    out.attrs = {
        **point.attrs,
        "bands": {
            "draws": draws,
            "quantiles": (lo_q, hi_q),
            "weight_spread": weight_spread,
            "half_life_spread": half_life_spread,
            "casualties": casualties,
            "confidence": confidence,
            "nodes": nodes,
            "seed": seed,
        },
    }
    return out
