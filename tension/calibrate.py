"""Calibration: fit half-lives and kind weights to a reference series for one dyad."""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import _basis, _time
from .exceptions import TensionError, TensionWarning
from .model import Model
from .score import score

__all__ = ["calibrate", "Calibration", "CalibrationError", "MAX_STEPS", "STEP_TOLERANCE"]

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
        ``weight[kind]``): ``estimate``, ``stderr``, ``at_bound`` and ``identified``.
        ``stderr`` of a weight is the usual least-squares one at the fitted half-lives,
        ``sqrt(diag(s2 * inv(J'J)))`` with ``s2`` the residual sum of squares over the
        degrees of freedom and ``J`` the derivative of the fitted series with respect to
        the weights at the estimate, the same-occasion discount's dependence on the
        weights included. It is NaN for the half-lives, for a weight that is not
        identified, and for every weight when the fit did not converge. A parameter is
        ``identified`` unless it sits on a bound (``at_bound``), its column of ``J`` is
        zero, or ``J`` is (nearly) rank-deficient (kinds that only ever move the series
        together, e.g. two kinds only ever reported on the same day with one half-life);
        a half-life unless halving and doubling it leave the fit as good.
    fitted : pandas.DataFrame
        ``date``, ``reference``, ``fitted`` (:func:`tension.score` under ``model``).
    rmse, r2 : float
        Fit quality on the reference dates.
    identified : bool
        False when some parameter is not identified (see ``parameters``); a
        :class:`tension.TensionWarning` says which.
    converged : bool
        False when the weights did not settle within :data:`MAX_STEPS` Gauss-Newton
        steps (no step of :data:`STEP_TOLERANCE` or less): the estimates may not
        minimise the squared error, their ``stderr`` are NaN, and a
        :class:`tension.TensionWarning` says so.
    """

    model: Model
    parameters: pd.DataFrame
    fitted: pd.DataFrame
    rmse: float
    r2: float
    identified: bool
    converged: bool


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
    Least squares. For given half-lives the weights minimise the squared error of the
    index under the full model: the same-occasion discount shares each occasion's
    combined score among its events by their sizes, so an occasion that holds a fitted
    kind and another event of its sign (by default every such day) makes the index a
    nonlinear function of the weights. The fit starts from the linear solution with the
    occasions' shares held at the model's weights (``scipy.optimize.lsq_linear``) and
    takes bounded Gauss-Newton steps with the exact derivative of the discount until no
    weight moves by more than :data:`STEP_TOLERANCE` relative to ``max(|w|, 1)``, at
    most :data:`MAX_STEPS` of them (else ``converged`` is False, with a warning). The
    half-lives are found by minimising that profile over ``log(half_life)``. A parameter
    is reported as not identified when it sits on a bound, when its column of the
    Jacobian is (nearly) collinear with the others, or when the profile does not change
    over the half-life's range (see :class:`Calibration`).

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
    grid = pd.date_range(ref.index[0].normalize(), ref.index[-1], freq=freq)
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

    zero = sorted(k for k in fit_kinds if base[k] == 0)
    if zero:
        raise CalibrationError(f"kinds {zero} have weight 0 in the model: no sign to keep; give them a start weight")
    lower = np.array([_EPS if base[k] > 0 else -np.inf for k in fit_kinds])
    upper = np.array([np.inf if base[k] > 0 else -_EPS for k in fit_kinds])
    problem = _Problem(ev, scores, kinds, explicit, fit_kinds, base, m, rows=rows, freq=freq, grid=grid, y=y)
    start = np.array([base[k] for k in fit_kinds], dtype=float)

    def profile(th):
        return problem.solve(half_life_of(np.atleast_1d(th)), start, lower, upper).sse

    theta = _minimise(profile, _start(half_life, m, classes), half_life)
    best = problem.solve(half_life_of(theta), start, lower, upper)
    weights = dict(zip(fit_kinds, map(float, best.w), strict=True))
    fitted_model = model_with(weights, half_life_of(theta))
    parameters = _parameters(theta, half_life, classes, fit_kinds, best, y, lower, upper, profile)
    daily = score(ev, model=fitted_model, dyads=[dyad], freq=freq, start=grid[0], end=grid[-1])
    fit = daily.set_index("date")["tension"].reindex(ref.index).to_numpy()
    if np.isnan(fit).any():  # (a reference date the scores do not reach: never a fit on nothing)
        missing = ref.index[np.isnan(fit)]
        raise CalibrationError(
            f"no score at reference dates {list(missing[:3])}: the events and the reference do not line up"
        )
    converged = best.converged
    gap = float(np.max(np.abs(fit - best.predicted))) if len(fit) else 0.0
    if gap > 1e-6 * (float(np.max(np.abs(y))) + 1.0):  # (the fit's own model of the index is not the score's)
        converged = False
        parameters["stderr"] = np.nan
        warnings.warn(
            f"calibrate: the fitted index differs from tension.score by up to {gap:.3g} at the fitted "
            "parameters; the estimates are not trustworthy (please report this)",
            TensionWarning,
            stacklevel=2,
        )
    elif not converged:
        warnings.warn(
            f"calibrate: the weights did not converge in {best.iterations} Gauss-Newton steps (last relative "
            f"step {best.step:.2g}, tolerance {STEP_TOLERANCE:g}): the estimates may not minimise the squared "
            "error and their standard errors are NaN",
            TensionWarning,
            stacklevel=2,
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


@dataclass(frozen=True)
class _Solution:
    """The weights that minimise the squared error at given half-lives."""

    w: np.ndarray  # (K,)
    sse: float
    predicted: np.ndarray  # the index at the reference dates under w
    jacobian: np.ndarray  # (len(y), K): d predicted / d w, the discount included
    converged: bool
    iterations: int
    step: float  # the last relative step


class _Problem:
    """The index on the reference dates as a function of the fitted kind weights.

    An event of a fitted kind scores ``w * u`` before the discount (``u``: magnitude times
    confidence); the others keep their scores. An occasion (one timestamp, one sign) that
    holds a fitted event and another event shares ``sum_r size_(r) * discount**r`` among
    its events in proportion to their sizes: a function of the weights, evaluated here
    with its derivative. Each such event enters through the series of its (timestamp,
    kind) *atom* with unit score; every other event through its unit's basis series
    (``u`` per unit weight for the fitted kinds, the fixed score for the rest).
    """

    def __init__(self, ev, scores, kinds, explicit, fit_kinds, base, model, *, rows, freq, grid, y):
        self.ev, self.kinds, self.model = ev.reset_index(drop=True), kinds, model
        self.rows, self.freq, self.grid, self.y = rows, freq, grid, y
        self.n_fit = len(fit_kinds)
        raw = scores["raw_score"].to_numpy(dtype=float)
        column = {k: j for j, k in enumerate(fit_kinds)}
        col = np.array([column.get(k, -1) for k in kinds], dtype=np.int64)
        col[explicit] = -1
        fitted = col >= 0
        unit = np.zeros(len(raw))
        unit[fitted] = raw[fitted] / np.array([base[k] for k in kinds[fitted]], dtype=float)
        sign = np.sign(raw)
        occasion, _ = pd.factorize(
            pd.MultiIndex.from_arrays([_time.ticks(ev["date"]), sign.astype(np.int8)]), sort=True
        )
        members = np.bincount(occasion)
        with_fit = np.bincount(occasion, weights=(fitted & (unit != 0)).astype(float)) > 0
        live = (model.repeat_discount < 1) & (members[occasion] >= 2) & with_fit[occasion] & (sign != 0)
        self.static = np.flatnonzero(~live)
        self.static_units = np.where(fitted, "fit ", "fixed ").astype(object) + kinds
        self.static_weight = np.where(fitted, unit, scores["score"].to_numpy(dtype=float))
        self.columns = list(fit_kinds)
        # the live events: their occasions, atoms and scores per unit weight
        at = np.flatnonzero(live)
        self.live = at
        self.occasion = pd.factorize(occasion[at], sort=True)[0]
        self.atom, first = _factorize_first(
            pd.MultiIndex.from_arrays([_time.ticks(ev["date"])[at], np.asarray(kinds[at], dtype=object)])
        )
        self.atom_rows = at[first]
        self.col, self.unit, self.raw, self.sign = col[at], unit[at], raw[at], sign[at]
        self.discount = model.repeat_discount
        self._cache: tuple | None = None

    def design(self, hl):
        """``(X, fixed, A)``: the fitted kinds' unit series outside live occasions, the fixed
        events' series, and the unit series of each live atom, at half-life(s) ``hl``."""
        key = tuple(sorted(hl.items())) if isinstance(hl, Mapping) else hl
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        cur = dataclasses.replace(self.model, half_life=hl)
        lives = _event_half_lives(cur, self.kinds)
        n_atoms = len(self.atom_rows)
        labels = np.concatenate(
            [self.static_units[self.static], np.array([f"atom {j}" for j in range(n_atoms)], dtype=object)]
        )
        which = np.concatenate([self.static, self.atom_rows])
        weight = np.concatenate([self.static_weight[self.static], np.ones(n_atoms)])
        ny = len(self.y)
        X, fixed, A = np.zeros((ny, self.n_fit)), np.zeros(ny), np.zeros((ny, n_atoms))
        if len(which):
            matrix, names = _basis.basis(
                self.ev.iloc[which],
                pd.DataFrame({"score": weight}),
                labels,
                model=cur,
                rows=self.rows,
                freq=self.freq,
                start=self.grid[0],
                end=self.grid[-1],
                half_lives=lives[which],
            )
            index = {k: j for j, k in enumerate(self.columns)}
            for i, name in enumerate(names):
                what, _, rest = name.partition(" ")
                if what == "fit":
                    X[:, index[rest]] += matrix[:, i]
                elif what == "fixed":
                    fixed += matrix[:, i]
                else:
                    A[:, int(rest)] = matrix[:, i]
        self._cache = (key, (X, fixed, A))
        return X, fixed, A

    def live_scores(self, w):
        """Scores of the live events under weights ``w``, their derivatives (n, K) and the
        discount ratio of each (the share of its raw score it keeps)."""
        n, K = len(self.live), self.n_fit
        if n == 0:
            return np.zeros(0), np.zeros((0, K)), np.ones(0), np.zeros((0, K))
        fitted = self.col >= 0
        r = self.raw.copy()
        r[fitted] = w[self.col[fitted]] * self.unit[fitted]
        size = np.abs(r)
        order = np.lexsort((-size, self.occasion))
        occ = self.occasion[order]
        head = np.r_[True, occ[1:] != occ[:-1]]
        rank = np.empty(n, dtype=float)
        rank[order] = np.arange(n) - np.flatnonzero(head)[np.cumsum(head) - 1]
        coef = self.discount**rank
        combined = np.bincount(self.occasion, weights=size * coef)
        total = np.bincount(self.occasion, weights=size)
        ratio = np.divide(combined, total, out=np.ones_like(total), where=total > 0)
        D = np.zeros((n, K))  # d r / d w
        D[np.flatnonzero(fitted), self.col[fitted]] = self.unit[fitted]
        d_size = self.sign[:, None] * D
        d_combined = np.zeros((len(total), K))
        d_total = np.zeros((len(total), K))
        np.add.at(d_combined, self.occasion, coef[:, None] * d_size)
        np.add.at(d_total, self.occasion, d_size)
        safe = np.where(total > 0, total, 1.0)[:, None]
        d_ratio = np.where(total[:, None] > 0, (d_combined * safe - combined[:, None] * d_total) / safe**2, 0.0)
        share = ratio[self.occasion]
        return r * share, D * share[:, None] + r[:, None] * d_ratio[self.occasion], share, D

    def _atoms(self, values):
        out = np.zeros((len(self.atom_rows),) + values.shape[1:])
        np.add.at(out, self.atom, values)
        return out

    def predict(self, w, X, fixed, A):
        """The index under ``w`` and its Jacobian."""
        s, ds, _, _ = self.live_scores(w)
        return fixed + X @ w + A @ self._atoms(s), X + A @ self._atoms(ds)

    def solve(self, hl, start, lower, upper) -> _Solution:
        """Least squares over the weights at half-life(s) ``hl``: the linear solution with the
        discount shares of ``start``, then bounded Gauss-Newton steps to convergence."""
        from scipy.optimize import lsq_linear  # (imported on use: a quick `import tension`)

        X, fixed, A = self.design(hl)
        y = self.y
        if not self.n_fit:
            pred = fixed + A @ self._atoms(self.live_scores(start)[0])
            return _Solution(start, float(np.sum((pred - y) ** 2)), pred, np.zeros((len(y), 0)), True, 0, 0.0)
        s, _, share, D = self.live_scores(start)
        frozen = X + A @ self._atoms(D * share[:, None])  # (the fitted events' shares held)
        held = fixed + A @ self._atoms(np.where(self.col >= 0, 0.0, s))
        w = lsq_linear(frozen, y - held, bounds=(lower, upper), method="bvls").x
        pred, J = self.predict(w, X, fixed, A)
        sse = float(np.sum((pred - y) ** 2))
        converged, step, it = False, np.inf, 0
        for it in range(1, MAX_STEPS + 1):  # noqa: B007 (it is reported)
            delta = _step(J, y - pred, w, lower, upper)
            step = float(np.max(np.abs(delta) / np.maximum(np.abs(w), 1.0)))
            if step <= STEP_TOLERANCE:
                converged = True
                break
            gain = sse - float(np.sum((J @ delta - (y - pred)) ** 2))  # the decrease the step promises
            scale, accepted = 1.0, False
            while gain > 0 and scale >= 2.0**-40:
                trial = np.clip(w + scale * delta, lower, upper)
                t_pred, t_J = self.predict(trial, X, fixed, A)
                t_sse = float(np.sum((t_pred - y) ** 2))
                if t_sse < sse - 1e-4 * scale * gain:
                    accepted = True
                    break
                scale /= 2
            if not accepted:  # no step lowers the error: a minimum to rounding, if the step was
                # small or promised nothing above rounding (along directions the data do not see)
                floor = 1e-10 * sse + 1e-24 * float(y @ y)
                converged = step <= ROUNDING_TOLERANCE or gain <= floor
                break
            w, pred, J, sse = trial, t_pred, t_J, t_sse
        return _Solution(w, sse, pred, J, converged, it, step)


#: Most Gauss-Newton steps of the weights at one set of half-lives.
MAX_STEPS = 100
#: The weights have converged when a step changes none by more than this, relative to
#: ``max(|w|, 1)``.
STEP_TOLERANCE = 1e-10
#: ... or when no step lowers the squared error (a minimum to rounding, which large
#: residuals and ill-conditioning can put above :data:`STEP_TOLERANCE`) and the step
#: proposed changes none by more than this, or promises to lower the squared error by
#: no more than 1e-10 of it (it moves only weights the reference does not identify).
ROUNDING_TOLERANCE = 1e-7


def _step(J, resid, w, lower, upper):
    """Bounded Gauss-Newton step: ``min |J d - resid|`` with ``lower <= w + d <= upper``,
    with a vanishing ridge that keeps ``d`` at 0 along directions the data do not see."""
    from scipy.optimize import lsq_linear

    norms = np.sum(J**2, axis=0)
    ridge = np.sqrt(1e-14 * (norms + norms.mean() + 1e-300))
    M = np.vstack([J, np.diag(ridge)])
    b = np.concatenate([resid, np.zeros(len(w))])
    lo, hi = lower - w, upper - w
    return lsq_linear(M, b, bounds=(np.minimum(lo, 0.0), np.maximum(hi, 0.0)), method="bvls").x


def _factorize_first(keys):
    """Codes of ``keys`` and the position of each code's first occurrence."""
    codes, uniques = pd.factorize(keys, sort=True)
    first = np.full(len(uniques), len(codes), dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(codes)))
    return codes, first


def _parameters(theta, half_life, classes, fit_kinds, best: _Solution, y, lower, upper, profile):
    rows = []
    names = ["half_life"] if half_life == "global" else [f"half_life[{c}]" for c in classes] if half_life else []
    lo, hi = (math.log(b) for b in HALF_LIFE_BOUNDS)
    base_sse = best.sse
    scale = max(base_sse, 1e-12 * float(np.sum(y**2)) + 1e-300)
    for i, name in enumerate(names):
        at_bound = bool(theta[i] <= lo + 1e-3 or theta[i] >= hi - 1e-3)
        # identified when doubling or halving this half-life changes the fit noticeably
        changes = []
        for step in (math.log(2), -math.log(2)):
            th = theta.copy()
            th[i] = min(max(th[i] + step, lo), hi)
            changes.append(profile(th))
        flat = min(changes) <= base_sse + 1e-6 * scale + 1e-9 * float(np.sum(y**2))
        rows.append((name, float(math.exp(theta[i])), np.nan, at_bound, not (at_bound or flat)))
    if len(fit_kinds):
        w, J = best.w, best.jacobian
        dof = max(len(y) - len(w) - len(names), 1)
        sigma2 = best.sse / dof
        sv = np.linalg.svd(J, compute_uv=False)
        rank_ok = sv.size and sv[-1] > 1e-8 * sv[0]
        try:
            cov = sigma2 * np.linalg.inv(J.T @ J) if rank_ok else None
        except np.linalg.LinAlgError:
            cov = None
        for j, kind in enumerate(fit_kinds):
            at_bound = bool(abs(w[j] - lower[j]) < 1e-7 or abs(w[j] - upper[j]) < 1e-7)
            variance = cov[j, j] if cov is not None else np.nan
            se = float(np.sqrt(variance)) if variance >= 0 and best.converged else np.nan
            empty = not np.any(J[:, j])
            rows.append((f"weight[{kind}]", float(w[j]), se, at_bound, not (at_bound or cov is None or empty)))
    return pd.DataFrame(rows, columns=["parameter", "estimate", "stderr", "at_bound", "identified"]).set_index(
        "parameter"
    )
