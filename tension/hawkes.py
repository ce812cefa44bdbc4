"""Self-excitation: a multivariate Hawkes process with an exponential kernel.

Each direction of a dyad (``"IRN->PAK"``, ``"PAK->IRN"``) is one dimension ``i`` with
intensity

.. math:: \\lambda_i(t) = \\mu_i + \\sum_j \\alpha_{ij} \\sum_{t_k^j < t} \\beta e^{-\\beta (t - t_k^j)}

so ``alpha[i, j]`` (``result.branching.loc[i, j]``) is the expected number of ``i``
events triggered by one ``j`` event, and ``ln 2 / beta`` the half-life of the excitation.
The likelihood and its gradient are computed from decayed prefix sums over the merged,
time-sorted events (re-based per block so no exponent overflows): no loop over events.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import _grid, _params
from .events import read_events
from .exceptions import TensionError, TensionWarning
from .model import Model
from .score import event_scores

__all__ = ["fit", "fit_times", "HawkesResult", "HawkesDataError"]

_BLOCK = 300.0  # largest beta * (t - block start) inside one block: e**300 stays finite
#: Fewest events per free parameter below which ``fit`` refuses.
MIN_EVENTS_PER_PARAMETER = 3
#: Fewest events below which ``fit`` warns that the estimates are imprecise.
FEW_EVENTS = 100


class HawkesDataError(TensionError, ValueError):
    """The data cannot support a Hawkes fit (too few events, an empty direction)."""


def _prefix(t: np.ndarray, x: np.ndarray, beta: float) -> tuple[np.ndarray, np.ndarray]:
    """Decayed sums over strictly earlier events, for every event.

    ``S[n, j] = sum_{k: t_k < t_n} x[k, j] exp(-beta (t_n - t_k))`` and
    ``U[n, j] = sum_{k: t_k < t_n} x[k, j] (t_n - t_k) exp(-beta (t_n - t_k))`` (which
    gives ``dS/dbeta = -U``), for sorted ``t``. Events at the same time do not excite
    each other. Loops over blocks of ``_BLOCK / beta`` days, not over events.
    """
    n, d = x.shape
    S = np.zeros((n, d))
    U = np.zeros((n, d))
    if n == 0:
        return S, U
    first_of_tie = np.searchsorted(t, t, side="left")  # index of the first event at t_n
    block = np.floor(beta * (t - t[0]) / _BLOCK).astype(np.int64)
    edges = np.flatnonzero(np.r_[True, block[1:] != block[:-1], True])
    c0 = np.zeros(d)
    c1 = np.zeros(d)
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        base = t[lo]
        rel = t[lo:hi] - base
        grow = np.exp(beta * rel)[:, None]
        p0 = np.cumsum(x[lo:hi] * grow, axis=0)
        p1 = np.cumsum(x[lo:hi] * (rel[:, None] * grow), axis=0)
        prev = first_of_tie[lo:hi] - lo - 1  # last strictly earlier event within the block
        has = prev >= 0
        q0 = np.where(has[:, None], p0[np.maximum(prev, 0)], 0.0)
        q1 = np.where(has[:, None], p1[np.maximum(prev, 0)], 0.0)
        shrink = np.exp(-beta * rel)[:, None]
        S[lo:hi] = shrink * (c0 + q0)
        U[lo:hi] = shrink * (c1 + rel[:, None] * c0 + rel[:, None] * q0 - q1)
        if hi < n:
            gap = t[hi] - base
            c1 = math.exp(-beta * gap) * (c1 + gap * c0 + gap * p0[-1] - p1[-1])
            c0 = math.exp(-beta * gap) * (c0 + p0[-1])
    return S, U


def _negloglik(theta, t, kind, x, T, d, start):
    """Negative log-likelihood and its gradient in (mu, alpha, beta)."""
    mu = theta[:d]
    alpha = theta[d : d + d * d].reshape(d, d)
    beta = theta[-1]
    S, U = _prefix(t, x, beta)
    rates = mu[kind] + beta * np.einsum("nj,nj->n", alpha[kind], S)
    if np.any(rates <= 0):
        return np.inf, np.zeros_like(theta)
    left = T - t
    tail = np.exp(-beta * left)
    G = x.T @ (1.0 - tail)  # (d,)
    dG = x.T @ (left * tail)
    ll = np.log(rates).sum() - mu.sum() * (T - start) - (alpha @ G).sum()
    inv = 1.0 / rates
    g_mu = np.bincount(kind, weights=inv, minlength=d) - (T - start)
    weighted = beta * S * inv[:, None]  # (n, d)
    g_alpha = np.zeros((d, d))
    np.add.at(g_alpha, kind, weighted)
    g_alpha -= G[None, :]
    g_beta = np.sum(np.einsum("nj,nj->n", alpha[kind], S - beta * U) * inv) - (alpha @ dG).sum()
    grad = np.concatenate([g_mu, g_alpha.ravel(), [g_beta]])
    return -ll, -grad


@dataclass(frozen=True)
class HawkesResult:
    """A fitted exponential-kernel Hawkes process.

    Attributes
    ----------
    baseline : pandas.Series
        Background rate per dimension [events per day].
    branching : pandas.DataFrame
        ``branching.loc[triggered, triggering]``: expected events of the row dimension
        triggered by one event of the column dimension.
    decay : float
        ``beta`` [1/day]; ``half_life = ln 2 / beta`` [days].
    loglik : float
        Maximised log-likelihood.
    stderr : pandas.Series
        Standard errors from the inverse Hessian of the log-likelihood, indexed like
        :meth:`summary` (NaN where the Hessian is singular or the estimate is on a bound).
    n_events : pandas.Series
        Events per dimension.
    start, end : float
        The observation window [days from ``origin``].
    origin : pandas.Timestamp or None
        The date of time 0 when fitted from dated events, in their time zone (naive
        for naive dates).
    """

    baseline: pd.Series
    branching: pd.DataFrame
    decay: float
    loglik: float
    stderr: pd.Series
    n_events: pd.Series
    start: float
    end: float
    origin: pd.Timestamp | None = None
    converged: bool = True
    message: str = field(default="", repr=False)

    @property
    def half_life(self) -> float:
        """Half-life of the excitation [days]."""
        return math.log(2) / self.decay

    @property
    def dimensions(self) -> list[str]:
        return list(self.baseline.index)

    @property
    def spectral_radius(self) -> float:
        """Largest absolute eigenvalue of the branching matrix: below 1 the process is stable."""
        return float(np.max(np.abs(np.linalg.eigvals(self.branching.to_numpy()))))

    def summary(self) -> pd.DataFrame:
        """One row per parameter: ``estimate`` and ``stderr``."""
        est = {f"baseline[{i}]": v for i, v in self.baseline.items()}
        for i in self.dimensions:
            for j in self.dimensions:
                est[f"branching[{i}, {j}]"] = self.branching.loc[i, j]
        est["half_life"] = self.half_life
        return pd.DataFrame({"estimate": pd.Series(est), "stderr": self.stderr.reindex(list(est))})

    def simulate(self, *, end: float | None = None, start: float = 0.0, seed: int) -> pd.DataFrame:
        """Simulate the fitted process by Ogata's thinning.

        Parameters
        ----------
        end : float [days], optional
            End of the simulated window (default the fitted window's length after ``start``).
        start : float [days], default 0
        seed : int
            Seed of the random generator (results are reproducible).

        Returns
        -------
        pandas.DataFrame
            Columns ``time`` [days] and ``dimension``, sorted by time (the input of
            :func:`fit_times`), and ``date`` (``origin + time``, to the microsecond) when fitted from dated events.
        """
        out = simulate(
            self.baseline,
            self.branching,
            self.decay,
            start=start,
            end=end if end is not None else start + (self.end - self.start),
            seed=seed,
        )
        if self.origin is not None:
            # (to the microsecond, the resolution tension keeps times in)
            out["date"] = (self.origin + pd.to_timedelta(out["time"], unit="D")).dt.floor("us")
        return out


def simulate(baseline, branching, decay: float, *, start: float = 0.0, end: float, seed: int) -> pd.DataFrame:
    """Ogata thinning for an exponential-kernel Hawkes process (see :class:`HawkesResult`).

    Examples
    --------
    >>> import pandas as pd
    >>> from tension import hawkes
    >>> mu = pd.Series({"A": 0.2, "B": 0.1})
    >>> alpha = pd.DataFrame([[0.2, 0.3], [0.4, 0.0]], index=["A", "B"], columns=["A", "B"])
    >>> sim = hawkes.simulate(mu, alpha, 1.0, end=100.0, seed=1)
    >>> list(sim.columns), bool(sim["time"].is_monotonic_increasing)
    (['time', 'dimension'], True)
    """
    mu = pd.Series(baseline, dtype=float)
    names = list(mu.index)
    alpha = pd.DataFrame(branching).loc[names, names].to_numpy(dtype=float)
    mu_v = mu.to_numpy()
    if np.any(mu_v < 0) or np.any(alpha < 0) or not decay > 0:
        raise ValueError("baseline and branching must be >= 0 and decay > 0")
    if np.max(np.abs(np.linalg.eigvals(alpha))) >= 1:
        raise ValueError("the branching matrix has spectral radius >= 1: the process explodes; nothing to simulate")
    rng = np.random.default_rng(seed)
    t, excite = float(start), np.zeros(len(names))
    times, dims = [], []
    while True:
        bound = mu_v.sum() + decay * (alpha @ excite).sum()
        wait = rng.exponential(1.0 / bound)
        t += wait
        if t > end:
            break
        excite *= math.exp(-decay * wait)
        rates = mu_v + decay * (alpha @ excite)
        total = rates.sum()
        if rng.uniform() * bound <= total:
            i = int(np.searchsorted(np.cumsum(rates), rng.uniform() * total, side="right"))
            i = min(i, len(names) - 1)
            times.append(t)
            dims.append(names[i])
            excite[i] += 1.0
    return pd.DataFrame({"time": np.asarray(times, dtype=float), "dimension": pd.Series(dims, dtype=object)})


def fit_times(times: pd.DataFrame, *, end: float, start: float = 0.0, dimensions=None, origin=None) -> HawkesResult:
    """Fit a Hawkes process to event times [days] by maximum likelihood.

    Parameters
    ----------
    times : DataFrame
        Columns ``time`` [days] and ``dimension`` (a label), e.g. from
        :meth:`HawkesResult.simulate`.
    end : float [days]
        End of the observation window (>= the last time).
    start : float [days], default 0
        Start of the window (<= the first time).
    dimensions : list of str, optional
        The dimensions, in order (default the labels present, sorted). A dimension
        without events is refused.

    Returns
    -------
    HawkesResult

    Examples
    --------
    >>> import pandas as pd
    >>> from tension import hawkes
    >>> mu = pd.Series({"A": 0.2, "B": 0.1})
    >>> alpha = pd.DataFrame([[0.2, 0.3], [0.4, 0.0]], index=["A", "B"], columns=["A", "B"])
    >>> sim = hawkes.simulate(mu, alpha, 1.0, end=3000.0, seed=3)
    >>> res = hawkes.fit_times(sim, end=3000.0)
    >>> res.branching.round(1)
    triggering    A    B
    triggered
    A           0.2  0.3
    B           0.4  0.0
    >>> round(res.half_life, 1), bool(res.stderr["half_life"] < 0.1)
    (0.7, True)
    """
    from scipy.optimize import minimize  # (imported on use: a quick `import tension`)

    for column in ("time", "dimension"):
        if column not in times.columns:
            raise ValueError(f"times needs columns 'time' [days] and 'dimension'; missing {column!r}")
    t = times["time"].to_numpy(dtype=float)
    if not np.all(np.isfinite(t)):
        rows = times.index[~np.isfinite(t)].tolist()[:5]
        raise ValueError(f"times has non-finite 'time' at row(s) {rows}")
    names = sorted(pd.unique(times["dimension"])) if dimensions is None else list(dimensions)
    unknown = sorted(set(times["dimension"]) - set(names))
    if unknown:
        raise ValueError(f"times has dimension(s) {unknown} not in dimensions={names}")
    if len(t) and (t.min() < start or t.max() > end):
        raise ValueError(f"times must lie in [start, end] = [{start}, {end}]; found {t.min()} .. {t.max()}")
    d = len(names)
    counts = times["dimension"].value_counts().reindex(names, fill_value=0)
    n_params = d + d * d + 1
    empty = counts.index[counts == 0].tolist()
    if d == 0 or empty:
        raise HawkesDataError(
            f"no events in dimension(s) {empty or names}: a Hawkes fit needs events in every direction"
        )
    if len(t) < MIN_EVENTS_PER_PARAMETER * n_params:
        raise HawkesDataError(
            f"too few events to fit a {d}-dimensional Hawkes process: {len(t)} events for {n_params} "
            f"parameters (need at least {MIN_EVENTS_PER_PARAMETER * n_params}; {dict(counts)}). "
            "Use a longer period, more dyads' events pooled, or a 1-dimensional fit."
        )
    if len(t) < FEW_EVENTS:
        warnings.warn(
            f"only {len(t)} events for {n_params} parameters: Hawkes estimates will be imprecise "
            "(see the standard errors)",
            TensionWarning,
            stacklevel=2,
        )
    order = np.lexsort((pd.Categorical(times["dimension"], categories=names).codes, t))
    t = t[order]
    kind = pd.Categorical(times["dimension"].to_numpy()[order], categories=names).codes.astype(np.int64)
    x = np.zeros((len(t), d))
    x[np.arange(len(t)), kind] = 1.0
    span = end - start
    # start: background takes half the events, excitation the rest, decay of one day
    mu0 = np.maximum(counts.to_numpy(dtype=float) / span * 0.5, 1e-6)
    theta0 = np.concatenate([mu0, np.full(d * d, 0.5 / d), [1.0]])
    bounds = [(1e-10, None)] * d + [(0.0, None)] * (d * d) + [(1e-6 / max(span, 1.0), 1e3)]
    args = (t, kind, x, end, d, start)
    # starting decay: the best of a coarse grid (cheap likelihood evaluations), then L-BFGS-B
    grid = np.geomspace(0.01, 100.0, 13)
    theta0[-1] = grid[int(np.argmin([_negloglik(np.r_[theta0[:-1], b], *args)[0] for b in grid]))]
    best = minimize(
        _negloglik,
        theta0,
        args=args,
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": 3000, "ftol": 1e-13, "gtol": 1e-8},
    )
    theta = best.x
    stderr = _stderr(theta, args, bounds)
    mu = pd.Series(theta[:d], index=names, name="baseline")
    alpha = pd.DataFrame(theta[d : d + d * d].reshape(d, d), index=names, columns=names)
    alpha.index.name, alpha.columns.name = "triggered", "triggering"
    labels = [f"baseline[{i}]" for i in names] + [f"branching[{i}, {j}]" for i in names for j in names]
    beta = float(theta[-1])
    se = pd.Series(np.r_[stderr[:-1], math.log(2) / beta**2 * stderr[-1]], index=labels + ["half_life"])
    result = HawkesResult(
        mu,
        alpha,
        beta,
        float(-best.fun),
        se,
        counts.rename("events"),
        float(start),
        float(end),
        origin,
        bool(best.success),
        str(best.message),
    )
    if not best.success:
        warnings.warn(f"the Hawkes fit did not converge: {best.message}", TensionWarning, stacklevel=2)
    return result


def _stderr(theta, args, bounds) -> np.ndarray:
    """Standard errors from a central-difference Hessian of the analytic gradient."""
    k = len(theta)
    hess = np.zeros((k, k))
    for i in range(k):  # a loop over parameters (few), not events
        h = 1e-5 * max(abs(theta[i]), 1e-3)
        up, down = theta.copy(), theta.copy()
        up[i] += h
        down[i] = max(down[i] - h, 0.0 if i < k - 1 else 1e-12)
        if i < k - 1 and bounds[i][0] and down[i] < bounds[i][0]:
            down[i] = bounds[i][0]
        g_up = _negloglik(up, *args)[1]
        g_down = _negloglik(down, *args)[1]
        hess[:, i] = (g_up - g_down) / (up[i] - down[i])
    hess = 0.5 * (hess + hess.T)
    on_bound = np.array([lo is not None and theta[i] <= lo + 1e-8 for i, (lo, _) in enumerate(bounds)])
    free = ~on_bound
    out = np.full(k, np.nan)
    try:
        cov = np.linalg.inv(hess[np.ix_(free, free)])
    except np.linalg.LinAlgError:
        return out
    diag = np.diag(cov)
    out[free] = np.where(diag > 0, np.sqrt(np.abs(diag)), np.nan)
    return out


def _zone_of(events):
    """The time zone of a DataFrame's ``date`` column, or None (naive, a path, no such column)."""
    dtype = getattr(events["date"], "dtype", None) if isinstance(events, pd.DataFrame) and "date" in events else None
    return dtype.tz if isinstance(dtype, pd.DatetimeTZDtype) else None


def _days_of(dates: pd.DatetimeIndex) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
    """The first instant of each date's day and of the next, in the dates' own zone.

    A local day starts at midnight; where the clocks skip midnight, at the first time
    after it, and where midnight occurs twice, at the first of the two. Naive dates are
    UTC: their days are 24 hours.
    """
    if dates.tz is None:
        day = dates.normalize()
        return day, day + pd.Timedelta(days=1)
    wall = dates.tz_localize(None).normalize()
    first = np.ones(len(dates), dtype=bool)  # (of an ambiguous midnight, the first)

    def localize(days: pd.DatetimeIndex) -> pd.DatetimeIndex:
        return days.tz_localize(dates.tz, ambiguous=first, nonexistent="shift_forward")

    return localize(wall), localize(wall + pd.Timedelta(days=1))


def fit(
    events,
    *,
    dyads=None,
    start=None,
    end=None,
    jitter: bool = True,
    seed: int = 0,
    model: Model | None = None,
) -> HawkesResult:
    """Fit a Hawkes process to the directed hostile events of some dyads (or of all events).

    Parameters
    ----------
    events : DataFrame or path
        Events in the schema of :func:`tension.read_events`. Only hostile events
        (positive score under ``model``) enter; each direction ``"A->B"`` is one dimension.
    dyads : str or list of str, optional
        Unordered pairs, ``"IRN-PAK"``: both directions of each are dimensions. Default
        every direction present. More than 6 dimensions are refused (too many parameters).
    start, end : date-like, optional
        Observation window; default from the start of the first event's day to the start
        of the day after the last. Days are those of the events' own time zone (see
        Returns); a date without a zone is read in it.
    jitter : bool, default True
        Events at midnight (day-precision dates) are spread uniformly over their day,
        reproducibly from ``seed``, so that same-day events are ordered; without jitter,
        events at the same time do not excite each other. Midnight and the day are
        local to the events' zone: a day across a clock change lasts 23 or 25 hours
        (where the clocks skip midnight, the day starts at the first time after it).
    seed : int, default 0
    model : Model, optional
        Decides which events are hostile (weights); direction is always kept.

    Returns
    -------
    HawkesResult
        With ``origin`` = ``start``, in the events' time zone: that of a DataFrame's
        tz-aware ``date`` column (``Asia/Karachi`` events give an ``origin`` in
        ``Asia/Karachi``), naive for naive dates (read as UTC), UTC for dates read with
        offsets from a file. Times are elapsed days from ``origin``. Dimensions labelled
        ``"PAK->IRN"``.

    Notes
    -----
    The log-likelihood of a multivariate point process on ``[0, T]``:
    ``sum_n log lambda_{i_n}(t_n) - sum_i int_0^T lambda_i(t) dt``; maximised under
    ``mu > 0``, ``alpha >= 0``, ``beta > 0`` with L-BFGS-B, starting from the best decay
    of a coarse grid (0.01 to 100 per day).

    References
    ----------
    Hawkes, A. G. (1971). Spectra of some self-exciting and mutually exciting point
    processes. Biometrika 58(1), 83-90.
    Ogata, Y. (1981). On Lewis' simulation method for point processes. IEEE
    Transactions on Information Theory 27(1), 23-31.

    Examples
    --------
    >>> import tension as tn
    >>> tn.hawkes.fit(tn.datasets.pakistan_iran_2024(), dyads="IRN-PAK")
    Traceback (most recent call last):
    ...
    tension.hawkes.HawkesDataError: too few events to fit a 2-dimensional Hawkes process: 4 events for 7 parameters ...
    """
    m = model or Model()
    import dataclasses

    m = dataclasses.replace(m, directed=True)
    zone = _zone_of(events)
    ev = read_events(events, weights=m.weights, duplicates="keep")
    scores = event_scores(ev, model=m)
    hostile = (scores["score"] > 0).to_numpy()
    ev = ev[hostile]
    src, tgt = ev["source"].to_numpy(dtype=object), ev["target"].to_numpy(dtype=object)
    labels = pd.Series(src + "->" + tgt, index=ev.index, dtype=object)
    if dyads is not None:
        names = []
        for dyad in [dyads] if isinstance(dyads, str) else list(dyads):
            a, sep, b = str(dyad).partition("-")
            if not sep or ">" in str(dyad) or not a or not b:
                raise ValueError(f"dyads must be unordered pairs like 'IRN-PAK', got {dyad!r}")
            names += [f"{a}->{b}", f"{b}->{a}"]
        names = sorted(set(names))
        keep = labels.isin(names).to_numpy()
        ev, labels = ev[keep], labels[keep]
    else:
        names = sorted(pd.unique(labels))
    if len(names) > 6:
        raise ValueError(
            f"{len(names)} directions ({len(names) ** 2 + len(names) + 1} parameters): choose at most "
            "three dyads with dyads=['A-B', ...] (or filter the events)"
        )
    dates = pd.DatetimeIndex(ev["date"])
    if zone is not None:  # (read_events converts to UTC: back to the events' own zone)
        dates = dates.tz_convert(zone)
    tz = dates.tz  # (days, midnights and origin in the events' own zone; naive dates are UTC)
    start, end = (
        None if v is None else _grid.timestamp(_params.timestamp(k, v), tz) for k, v in (("start", start), ("end", end))
    )
    if tz is not None:
        start, end = (None if v is None else v.tz_convert(tz) for v in (start, end))
    day, next_day = _days_of(dates)
    lo = start if start is not None else (day.min() if len(dates) else None)
    if lo is None:
        raise HawkesDataError("no hostile events to fit")
    hi = end if end is not None else next_day.max()
    t = ((dates - lo) / pd.Timedelta(days=1)).to_numpy(dtype=float)
    span = (hi - lo) / pd.Timedelta(days=1)
    outside = (t < 0) | (t > span)
    if outside.any():
        rows = ev.index[outside].tolist()[:5]
        raise ValueError(
            f"events at row(s) {rows} fall outside start..end = {lo} .. {hi}; widen the window or filter them"
        )
    if jitter:
        wall = dates.tz_localize(None) if tz is not None else dates
        midnight = (wall == wall.normalize()) | (dates == day)  # (or the day's first instant, if 00:00 is skipped)
        rng = np.random.default_rng(seed)
        # the draws go to the events in (time, dimension) order, not row order: the same
        # events in any row order get the same times (events alike in both are interchangeable)
        shift = np.empty(len(t))
        shift[np.lexsort((labels.to_numpy(dtype=str), t))] = rng.uniform(0.0, 1.0, len(t))
        first = ((day - lo) / pd.Timedelta(days=1)).to_numpy(dtype=float)
        length = ((next_day - day) / pd.Timedelta(days=1)).to_numpy(dtype=float)  # (23 or 25 h across a clock change)
        t = np.minimum(np.where(midnight, first + shift * length, t), span)
    frame = pd.DataFrame({"time": t, "dimension": labels.to_numpy()})
    return fit_times(frame, end=span, start=0.0, dimensions=names, origin=lo)
