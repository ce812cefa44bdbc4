"""Calibration: fit half-lives and kind weights to a reference series for one dyad."""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import _basis, _params
from .exceptions import TensionError, TensionWarning
from .model import Model
from .score import score

__all__ = ["calibrate", "Calibration", "CalibrationError", "ROUNDS"]

#: Most rounds of rebuilding the same-occasion discount at the fitted weights; the weights
#: have settled when no round moves one by more than 1e-6 of its size (every third round,
#: rounds that creep geometrically are extrapolated to their limit, then checked).
ROUNDS = 24

#: Search range of half-lives [days].
HALF_LIFE_BOUNDS = (0.5, 3650.0)
_EPS = 1e-9


class CalibrationError(TensionError, ValueError):
    """The reference or the events cannot support a calibration."""


@dataclass(frozen=True)
class Calibration:
    """The result of :func:`calibrate`.

    Attributes
    ----------
    model : Model
        The input model with the fitted weights and half-life(s).
    parameters : pandas.DataFrame
        One row per fitted parameter (``half_life`` or ``half_life[class]``, then
        ``weight[kind]``): ``estimate``, ``stderr`` (weights, from the residual variance
        and the design at the fitted half-lives; NaN for half-lives and at bounds),
        ``at_bound`` and ``identified``.
    fitted : pandas.DataFrame
        ``date``, ``reference``, ``fitted`` (:func:`tension.score` under ``model``).
    rmse, r2 : float
        Fit quality on the reference dates.
    identified : bool
        False when some parameter is not identified (see ``parameters``); a
        :class:`tension.TensionWarning` says which.
    converged : bool
        False when the weights still moved in the last of :data:`ROUNDS` rounds of
        rebuilding the same-occasion discount (see Notes of :func:`calibrate`): the
        estimates may not be the least-squares ones, their standard errors are NaN, and a
        :class:`tension.TensionWarning` says so.
    """

    model: Model
    parameters: pd.DataFrame
    fitted: pd.DataFrame
    rmse: float
    r2: float
    identified: bool
    converged: bool = True


def _reference(reference) -> pd.Series:
    if isinstance(reference, pd.DataFrame):
        cols = [c for c in reference.columns if c != "date"]
        if "date" not in reference.columns or len(cols) != 1:
            raise CalibrationError(
                f"reference must be a Series indexed by date, or a DataFrame with 'date' and one value column "
                f"(columns present: {list(reference.columns)})"
            )
        reference = reference.set_index("date")[cols[0]]
    if not isinstance(reference, pd.Series):
        raise TypeError(f"reference must be a pandas Series indexed by date, not {type(reference).__name__}")
    ref = pd.to_numeric(reference, errors="coerce").astype(float)
    bad = ~np.isfinite(ref.to_numpy())
    if bad.any():
        raise CalibrationError(f"reference has missing or non-numeric values at {list(reference.index[bad][:5])}")
    ref.index = pd.DatetimeIndex(ref.index)
    if ref.index.has_duplicates:
        raise CalibrationError(f"reference has repeated dates {list(ref.index[ref.index.duplicated()][:5])}")
    ref = ref.sort_index()
    if len(ref) < 3 or np.ptp(ref.to_numpy()) == 0:
        raise CalibrationError(
            f"reference is flat or too short ({len(ref)} values, range {np.ptp(ref.to_numpy()) if len(ref) else 0}): "
            "nothing to calibrate against"
        )
    return ref


def calibrate(
    events,
    reference,
    *,
    dyads: str,
    half_life: str | None = "global",
    fit_weights=None,
    freq: str = "D",
    model: Model | None = None,
) -> Calibration:
    """Fit the half-life (global or per quad class) and kind weights to a reference series.

    Parameters
    ----------
    events : DataFrame or path
        Events in the schema of :func:`tension.read_events`.
    reference : Series or DataFrame
        The series to match for the dyad, indexed by date (or columns ``date`` and one
        value column), on dates of the ``freq`` grid.
    dyads : str
        The one dyad the reference describes (``"IRN-PAK"``, or ``"PAK->IRN"`` with a
        directed model).
    half_life : {"global", "class", None}, default "global"
        Fit one half-life, one per CAMEO quad class present, or keep the model's.
    fit_weights : list of str, optional
        Kinds whose weights are fitted (default every kind of the dyad's events; events
        with an explicit ``weight`` stay as they are). Bounds keep hostile kinds (weight
        > 0 in the model) positive and cooperative kinds negative.
    freq : str, default "D"
    model : Model, optional
        Start and everything not fitted (default :class:`tension.Model`).

    Returns
    -------
    Calibration

    Notes
    -----
    Least squares. For given half-lives the index is linear in the kind weights, so the
    weights come from a bounded linear least-squares problem (``scipy.optimize.lsq_linear``)
    on the per-kind basis series; the half-lives are found by minimising that profile
    over ``log(half_life)``. The same-occasion discount depends on the weights, so the
    basis is rebuilt at the fitted weights and the fit repeated, until no weight moves by
    more than 1e-6 of its size (at most :data:`ROUNDS` rounds). Where the discount shares
    an occasion between fitted kinds, these rounds can creep towards the least-squares
    weights slowly; if they have not settled, ``converged`` is False, the weights'
    standard errors are NaN and a :class:`tension.TensionWarning` says so (fix some of
    those kinds' weights, or fit with ``repeat_discount=1``).
    A parameter is reported as not identified when it sits on a bound, when its kind's
    basis series is (nearly) collinear with the others, or when the profile does not
    change over the half-life's range.

    Examples
    --------
    >>> import tension as tn
    >>> ev = tn.datasets.pakistan_iran_2024()
    >>> truth = tn.Model(half_life=12.0)
    >>> ref = tn.score(ev, model=truth, end="2024-03-31").set_index("date")["tension"]
    >>> cal = tn.calibrate(ev, ref, dyads="IRN-PAK", fit_weights=[])
    >>> round(cal.model.half_life, 3), round(cal.rmse, 6)
    (12.0, 0.0)
    """
    m = model or Model()
    if half_life not in ("global", "class", None):
        raise ValueError(f"half_life must be 'global', 'class' or None, not {half_life!r}")
    if not isinstance(dyads, str):
        many = list(dyads)
        if len(many) != 1:
            raise CalibrationError(f"calibrate fits one dyad against one reference; got dyads={many!r}")
        dyads = many[0]
    dyad = dyads
    ref = _reference(reference)
    ev, scores = _basis.prepared(events, m)
    mine = (scores["dyad"] == dyad).to_numpy()
    if not mine.any():
        raise CalibrationError(f"no events for dyad {dyad!r}; dyads present: {sorted(set(scores['dyad']))[:10]}")
    ev, scores = ev[mine], scores[mine]
    zone = pd.DatetimeIndex(ev["date"]).tz
    if (zone is None) != (ref.index.tz is None):  # (no reference date would line up with a score)
        which = (
            "the reference's dates have a time zone and the events' dates have none"
            if zone is None
            else f"the events' dates are in {zone} and the reference's dates have no time zone"
        )
        raise CalibrationError(f"{which}: give both a time zone, or neither (e.g. reference.index.tz_localize('UTC'))")
    kinds = ev["kind"].to_numpy(dtype=object)
    explicit = ev["weight"].notna().to_numpy()
    present = sorted(set(kinds[~explicit]))
    fit_kinds = present if fit_weights is None else list(fit_weights)
    unknown = sorted(set(fit_kinds) - set(present))
    if unknown:
        raise CalibrationError(
            f"fit_weights names kinds without events of {dyad} (or with explicit weights): {unknown}"
        )
    base = dict(zip(kinds, scores["base_weight"].to_numpy(dtype=float), strict=True))
    quads = m.kind_classes()
    classes = sorted({quads.get(k, "default") for k in kinds}) if half_life == "class" else []
    grid = _params.date_range(
        ref.index[0].normalize(), ref.index[-1], freq, "give the reference's dates in UTC: reference.tz_convert('UTC')"
    )
    off = ref.index.difference(grid)
    if len(off):
        raise CalibrationError(f"reference dates {list(off[:3])} are not on the {freq!r} grid from {grid[0]}")
    rows = pd.MultiIndex.from_arrays([[dyad] * len(ref), ref.index])
    y = ref.to_numpy()
    n_params = len(fit_kinds) + (1 if half_life == "global" else len(classes))
    if len(y) < n_params + 2:
        raise CalibrationError(f"{len(y)} reference values for {n_params} parameters: too few to calibrate")

    def model_with(weights: dict, hl) -> Model:
        new = dict(m.weights or {})
        new.update(weights)
        return dataclasses.replace(m, weights=new or None, half_life=hl)

    def half_life_of(theta):
        if half_life == "global":
            return float(math.exp(theta[0]))
        if half_life == "class":
            return {c: float(math.exp(t)) for c, t in zip(classes, theta, strict=True)}
        return m.half_life

    cache: dict[tuple, pd.DataFrame] = {}  # the scores of the last weights

    def design(weights: dict, hl):
        """Unit-weight basis of the fitted kinds (len(y), K) and the fixed rest (len(y),)."""
        cur = model_with(weights, hl)
        key = tuple(sorted(weights.items()))
        if key not in cache:  # the scores depend on the weights only (half-lives passed below)
            cache.clear()
            cache[key] = _basis.prepared(ev, cur)[1]
        sc = cache[key]
        units = np.where(np.isin(kinds, fit_kinds) & ~explicit, "fit ", "fixed ").astype(object) + kinds
        matrix, labels = _basis.basis(
            ev,
            sc,
            units,
            model=cur,
            rows=rows,
            freq=freq,
            start=grid[0],
            end=grid[-1],
            half_lives=_event_half_lives(cur, kinds),
        )
        cols = {label: matrix[:, i] for i, label in enumerate(labels)}
        fixed = sum((v for k, v in cols.items() if k.startswith("fixed ")), np.zeros(len(y)))
        X = (
            np.column_stack([cols.get("fit " + k, np.zeros(len(y))) / weights.get(k, base[k]) for k in fit_kinds])
            if fit_kinds
            else np.zeros((len(y), 0))
        )
        return X, fixed

    zero = sorted(k for k in fit_kinds if base[k] == 0)
    if zero:
        raise CalibrationError(f"kinds {zero} have weight 0 in the model: no sign to keep; give them a start weight")
    lower = np.array([_EPS if base[k] > 0 else -np.inf for k in fit_kinds])
    upper = np.array([np.inf if base[k] > 0 else -_EPS for k in fit_kinds])

    from scipy.optimize import lsq_linear  # (imported on use: a quick `import tension`)

    def solve(weights, hl):
        X, fixed = design(weights, hl)
        if not fit_kinds:
            return np.array([]), X, fixed, float(np.sum((y - fixed) ** 2))
        sol = lsq_linear(X, y - fixed, bounds=(lower, upper), method="bvls")
        return sol.x, X, fixed, float(np.sum((X @ sol.x + fixed - y) ** 2))

    weights = {k: base[k] for k in fit_kinds}
    theta = _start(half_life, m, classes)
    rounds = ROUNDS if fit_kinds and m.repeat_discount < 1 else 1
    settled = True
    history: list[np.ndarray] = []  # the weights after each round since the last extrapolation
    for _round in range(rounds):

        def profile(th, w=weights):
            return solve(w, half_life_of(np.atleast_1d(th)))[3]

        theta = _minimise(profile, theta, half_life)
        w, X, fixed, sse = solve(weights, half_life_of(theta))
        new = dict(zip(fit_kinds, map(float, w), strict=True))
        settled = all(abs(new[k] - weights[k]) <= 1e-6 * max(abs(weights[k]), 1.0) for k in fit_kinds)
        weights = new
        if settled:
            break
        history.append(np.asarray(w, dtype=float))
        if len(history) == 3:  # rounds that creep geometrically: jump to their limit (Aitken)
            jump = _aitken(history[0], history[1], history[2], lower, upper)
            weights = dict(zip(fit_kinds, map(float, jump), strict=True))
            history = []  # (the next rounds check the jump: only a round that moves nothing settles)
    fitted_model = model_with(weights, half_life_of(theta))
    parameters = _parameters(
        theta, half_life, classes, fit_kinds, w, X, y, fixed, lower, upper, solve, weights, half_life_of
    )
    converged = bool(settled) or not fit_kinds or m.repeat_discount >= 1  # (no discount: one linear fit is the fit)
    if not converged:  # the shares still moved: no claim of precision
        parameters.loc[[f"weight[{k}]" for k in fit_kinds], "stderr"] = np.nan
        warnings.warn(
            f"the kind weights did not settle in {rounds} rounds of the same-occasion discount (fitted kinds "
            "share occasions): the estimates may not be the least-squares ones and have no standard errors; "
            "fix some of those kinds' weights, or calibrate with repeat_discount=1",
            TensionWarning,
            stacklevel=2,
        )
    daily = score(ev, model=fitted_model, dyads=[dyad], freq=freq, start=grid[0], end=grid[-1])
    fit = daily.set_index("date")["tension"].reindex(ref.index).to_numpy()
    if np.isnan(fit).any():  # (a reference date the scores do not reach: never a fit on nothing)
        missing = ref.index[np.isnan(fit)]
        raise CalibrationError(
            f"no score at reference dates {list(missing[:3])}: the events and the reference do not line up"
        )
    rmse = float(np.sqrt(np.mean((fit - y) ** 2)))
    r2 = float(1 - np.sum((fit - y) ** 2) / np.sum((y - y.mean()) ** 2))
    identified = bool(parameters["identified"].all())
    if not identified:
        bad = parameters.index[~parameters["identified"]].tolist()
        warnings.warn(
            f"parameters not identified by this reference: {bad} (on a bound, collinear with others, "
            "or without effect on the fit); fix them (fit_weights=, half_life=None) or use a longer reference",
            TensionWarning,
            stacklevel=2,
        )
    fitted = pd.DataFrame({"date": ref.index, "reference": y, "fitted": fit})
    return Calibration(fitted_model, parameters, fitted, rmse, r2, identified, converged)


def _aitken(w0: np.ndarray, w1: np.ndarray, w2: np.ndarray, lower, upper) -> np.ndarray:
    """Aitken's extrapolation of three successive rounds, weight by weight, where they
    converge geometrically (steps of one sign, shrinking); ``w2`` elsewhere. Within the
    bounds. A jump is never taken as the answer: the rounds go on from it."""
    d1, d2 = w1 - w0, w2 - w1
    ratio = np.divide(d2, d1, out=np.zeros_like(d2), where=d1 != 0)
    geometric = (ratio > 0) & (ratio < 1)
    jump = np.where(geometric, d2 * ratio / np.where(geometric, 1 - ratio, 1.0), 0.0)
    return np.clip(w2 + jump, lower, upper)


def _event_half_lives(model: Model, kinds) -> np.ndarray:
    names, codes = np.unique(np.asarray(kinds, dtype=object), return_inverse=True)
    return np.asarray(model.half_life_of(list(names)), dtype=float)[codes]


def _start(half_life, m: Model, classes):
    """Starting log half-lives: the model's own."""
    table = m.half_life if isinstance(m.half_life, Mapping) else {"default": float(m.half_life)}
    fallback = float(table.get("default", 30.0))
    if half_life == "global":
        return np.array([math.log(fallback)])
    if half_life == "class":
        return np.log(np.array([float(table.get(c, fallback)) for c in classes]))
    return np.array([])


def _minimise(profile, theta, half_life):
    from scipy.optimize import minimize, minimize_scalar  # (imported on use)

    lo, hi = (math.log(b) for b in HALF_LIFE_BOUNDS)
    if half_life is None:
        return theta
    if half_life == "global":
        grid = np.linspace(lo, hi, 15)  # coarse grid against local minima, then refine
        values = [profile(np.array([g])) for g in grid]
        i = int(np.argmin(values))
        res = minimize_scalar(
            lambda t: profile(np.array([t])),
            bounds=(grid[max(i - 1, 0)], grid[min(i + 1, 14)]),
            method="bounded",
            options={"xatol": 1e-6},
        )
        return np.array([res.x])
    res = minimize(profile, theta, method="L-BFGS-B", bounds=[(lo, hi)] * len(theta))
    return res.x


def _parameters(theta, half_life, classes, fit_kinds, w, X, y, fixed, lower, upper, solve, weights, half_life_of):
    rows = []
    names = ["half_life"] if half_life == "global" else [f"half_life[{c}]" for c in classes] if half_life else []
    lo, hi = (math.log(b) for b in HALF_LIFE_BOUNDS)
    base_sse = solve(weights, half_life_of(theta))[3]
    scale = max(base_sse, 1e-12 * float(np.sum(y**2)) + 1e-300)
    for i, name in enumerate(names):
        at_bound = bool(theta[i] <= lo + 1e-3 or theta[i] >= hi - 1e-3)
        # identified when doubling or halving this half-life changes the fit noticeably
        changes = []
        for step in (math.log(2), -math.log(2)):
            th = theta.copy()
            th[i] = min(max(th[i] + step, lo), hi)
            changes.append(solve(weights, half_life_of(th))[3])
        flat = min(changes) <= base_sse + 1e-6 * scale + 1e-9 * float(np.sum(y**2))
        rows.append((name, float(math.exp(theta[i])), np.nan, at_bound, not (at_bound or flat)))
    if len(fit_kinds):
        resid = X @ w + fixed - y
        dof = max(len(y) - len(w) - len(names), 1)
        sigma2 = float(resid @ resid) / dof
        xtx = X.T @ X
        sv = np.linalg.svd(X, compute_uv=False)
        rank_ok = sv.size and sv[-1] > 1e-8 * sv[0]
        try:
            cov = sigma2 * np.linalg.inv(xtx) if rank_ok else None
        except np.linalg.LinAlgError:
            cov = None
        for j, kind in enumerate(fit_kinds):
            at_bound = bool(abs(w[j] - lower[j]) < 1e-7 or abs(w[j] - upper[j]) < 1e-7)
            se = float(np.sqrt(cov[j, j])) if cov is not None and cov[j, j] >= 0 and not at_bound else np.nan
            empty = not np.any(X[:, j])
            rows.append((f"weight[{kind}]", float(w[j]), se, at_bound, not (at_bound or cov is None or empty)))
    return pd.DataFrame(rows, columns=["parameter", "estimate", "stderr", "at_bound", "identified"]).set_index(
        "parameter"
    )
