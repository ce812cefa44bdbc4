"""The model: its parameters (one frozen :class:`Model`) and its rules as pure functions.

The rules, each on numpy arrays: :func:`magnitude` (casualties), :func:`repeat_factor`
(the same-occasion discount) and :func:`tension_index` (the 0-100 reading). The decayed
sum itself is the kernel's (:mod:`tension.core`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import pandas as pd

from . import _params, core
from .taxonomy import QUAD_CLASSES, kind_quad_classes, resolve_weights, user_quad_classes, user_weights

__all__ = [
    "Model",
    "magnitude",
    "repeat_factor",
    "tension_index",
    "DEFAULT_HALF_LIFE",
    "DEFAULT_KILLED_COEF",
    "DEFAULT_INJURED_COEF",
    "DEFAULT_REPEAT_DISCOUNT",
    "DEFAULT_SCALE",
    "DEFAULT_HEAT_HALF_LIFE",
    "DEFAULT_COOLING_HALF_LIFE",
    "DEFAULT_FLOW_HALF_LIFE",
    "DEFAULT_FLOW_FLOOR",
    "DEFAULT_INDEX_SCALE",
    "flow_index",
    "index_channels",
]

#: Half-life of every kind by default [days], as in Lerner's eventnet models.
DEFAULT_HALF_LIFE = 30.0
#: Magnitude coefficient of deaths: ``m = 1 + a ln(1 + killed) + b ln(1 + injured)``.
#: With a = 0.5 an airstrike that kills 9 weighs 2.15 times one that kills nobody,
#: one that kills 100 weighs 3.3 times.
DEFAULT_KILLED_COEF = 0.5
#: Magnitude coefficient of injuries (half that of deaths).
DEFAULT_INJURED_COEF = 0.25
#: Same-occasion discount: the k-th largest of a dyad's same-signed events at one
#: timestamp (one day in day-precision data) counts ``0.5 ** k`` of its score.
DEFAULT_REPEAT_DISCOUNT = 0.5
#: Scale of the fixed-scale 0-100 reading of tension, :func:`tension.tension_index`
#: ``100 / (1 + exp(-tension / scale))`` (the ``index`` of tension 0.1). With 20, one
#: fresh airstrike without casualties (+10) reads 62, two deadly ones about 88.
DEFAULT_SCALE = 20.0
#: Half-life of the index's *heat* [days]: the net hostility of the last few days.
#: Chosen on the calibration half of the 2018 crisis calendar (``tension.validate``).
DEFAULT_HEAT_HALF_LIFE = 5.0
#: Half-life of *cooperative* events in the heat [days] (second round, 2018 calendar):
#: hostility heats fast and is forgotten fast, a de-escalation cools for weeks. Equal
#: to the flow's half-life, so that a summit lowers the reading for about a month
#: instead of one warm day. ``cooling_half_life = heat_half_life`` gives round 1's heat.
DEFAULT_COOLING_HALF_LIFE = 30.0
#: Half-life of the index's *flow* [days]: the dyad's usual volume of events, all signs.
DEFAULT_FLOW_HALF_LIFE = 30.0
#: Least flow a dyad is read against [score points per day]: the cold start (a dyad
#: without history reads its first events against this) and a floor for quiet dyads.
DEFAULT_FLOW_FLOOR = 1.0
#: Spread of the index: ``index = 100 / (1 + exp(-ratio / index_scale))``.
DEFAULT_INDEX_SCALE = 2.0


def _freeze(value):
    if isinstance(value, Mapping):
        return MappingProxyType(dict(value))
    return value


@dataclasses.dataclass(frozen=True)
class Model:
    """The parameters of the tension model.

    Parameters
    ----------
    half_life : float or mapping, default 30
        Half-life of an event's contribution [days]. A mapping gives half-lives per
        kind (``{"talks": 7}``), per CAMEO quad class (``{"material_conflict": 60}``,
        see :data:`tension.MEMORY_BY_QUAD`) and a fallback under ``"default"``; a kind's
        own entry beats its quad class, which beats ``"default"``, which beats 30.
    weights : mapping kind -> float, DataFrame or None
        Signed base weights overriding or extending the defaults (``-Goldstein``). A
        DataFrame's ``cameo`` column gives the user's new kinds their quad class (for
        per-class half-lives and :func:`tension.decompose`), kept in ``quad_classes``.
    quad_classes : mapping kind -> quad class, optional
        The quad class of the user's new kinds (``{"drone_incursion":
        "material_conflict"}``); filled from a weights table's ``cameo`` column. Default
        kinds keep the class of their CAMEO code; a user kind with none is unclassified.
    directed : bool, default False
        Score ``source -> target`` pairs (``"PAK->IRN"``) instead of unordered pairs
        (``"IRN-PAK"``, codes sorted).
    killed_coef, injured_coef : float, default 0.5 and 0.25
        Casualty magnitude of hostile events ``m = 1 + a ln(1 + killed) + b ln(1 + injured)``.
    repeat_discount : float in (0, 1], default 0.5
        Diminishing returns for same-signed events of one dyad at one timestamp: ranked
        by size, the k-th counts ``repeat_discount ** k`` (0-based) of its score. 1
        gives the plain sum.
    scale : float, default 20
        Scale of the fixed-scale reading :func:`tension.tension_index` (tension 0.1's
        index); not used by ``index``.
    heat_half_life : float, default 5
        Half-life [days] of the hostile events in the index's heat (the events' scores
        before the same-occasion discount: every report counts).
    cooling_half_life : float, default 30
        Half-life [days] of the cooperative events in the index's heat: a de-escalation
        lowers the index for weeks. Equal to ``heat_half_life``, the heat is the plain
        net decayed sum (the index of the first 2018 round).
    flow_half_life : float, default 30
        Half-life [days] of the index's flow: the decayed sum of the same scores' sizes.
    flow_floor : float, default 1
        Least flow [score points per day] the heat is read against (cold start).
    index_scale : float, default 2
        Spread of the index (see :func:`tension.flow_index`).

    Examples
    --------
    >>> import tension as tn
    >>> m = tn.Model(half_life={"material_conflict": 60, "default": 20})
    >>> m.half_life_of(["airstrike", "talks"])
    [60.0, 20.0]
    >>> tn.Model(repeat_discount=0)
    Traceback (most recent call last):
    ...
    tension.exceptions.ParameterError: repeat_discount=0: must be a number in (0, 1]
    """

    half_life: float | Mapping[str, float] = DEFAULT_HALF_LIFE
    weights: Mapping[str, float] | None = None
    quad_classes: Mapping[str, str] | None = None
    directed: bool = False
    killed_coef: float = DEFAULT_KILLED_COEF
    injured_coef: float = DEFAULT_INJURED_COEF
    repeat_discount: float = DEFAULT_REPEAT_DISCOUNT
    scale: float = DEFAULT_SCALE
    heat_half_life: float = DEFAULT_HEAT_HALF_LIFE
    cooling_half_life: float = DEFAULT_COOLING_HALF_LIFE
    flow_half_life: float = DEFAULT_FLOW_HALF_LIFE
    flow_floor: float = DEFAULT_FLOW_FLOOR
    index_scale: float = DEFAULT_INDEX_SCALE

    def __post_init__(self):
        weights = self.weights
        classes = user_quad_classes(weights)  # (a table's cameo column)
        if isinstance(weights, pd.DataFrame):
            weights = user_weights(weights)
        elif weights is not None:
            for kind, value in weights.items() if isinstance(weights, Mapping) else ():
                if not _params.is_number(value):
                    raise _params.ParameterError(
                        f"weights[{kind!r}]={value!r}: must be a number (positive = hostile, negative = cooperative)"
                    )
            weights = user_weights(weights)
        object.__setattr__(self, "weights", _freeze(weights))
        given = self.quad_classes
        if given is not None and not isinstance(given, Mapping):
            raise _params.ParameterError(f"quad_classes={given!r}: must be a mapping kind -> quad class")
        derived = classes
        classes = {**classes, **(given or {})}
        defaults = kind_quad_classes()
        for kind, quad in classes.items():
            if quad not in QUAD_CLASSES.values():
                raise _params.ParameterError(
                    f"quad_classes[{kind!r}]={quad!r}: must be one of {', '.join(QUAD_CLASSES.values())}"
                )
            if kind in defaults and defaults[kind] != quad:
                raise _params.ParameterError(
                    f"quad_classes[{kind!r}]={quad!r}: {kind!r} is a default kind, of class {defaults[kind]!r}"
                )
        clash = sorted(k for k in set(derived) & set(given or {}) if derived[k] != given[k])
        if clash:
            kind = clash[0]
            raise _params.ParameterError(
                f"quad_classes[{kind!r}]={given[kind]!r}, but the weights table's cameo column makes it "
                f"{derived[kind]!r}; give one of the two (after dataclasses.replace with a new table, pass "
                "quad_classes=None)"
            )
        user = {kind: quad for kind, quad in classes.items() if kind not in defaults}
        object.__setattr__(self, "quad_classes", _freeze(user) if user else None)
        half_life = _params.half_life(self.half_life)
        if isinstance(half_life, Mapping):
            half_life = {key: float(days) for key, days in half_life.items()}
        else:
            half_life = float(half_life)
        object.__setattr__(self, "half_life", _freeze(half_life))
        object.__setattr__(self, "directed", _params.boolean("directed", self.directed))
        for name in ("killed_coef", "injured_coef"):
            object.__setattr__(self, name, _params.positive(name, getattr(self, name), allow_zero=True))
        discount = self.repeat_discount
        if not (_params.is_number(discount) and 0 < float(discount) <= 1):
            raise _params.ParameterError(f"repeat_discount={discount!r}: must be a number in (0, 1]")
        object.__setattr__(self, "repeat_discount", float(discount))
        for name in ("scale", "heat_half_life", "cooling_half_life", "flow_half_life", "flow_floor", "index_scale"):
            object.__setattr__(self, name, _params.positive(name, getattr(self, name)))
        if isinstance(self.half_life, Mapping):
            known = set(resolve_weights(self.weights)) | set(QUAD_CLASSES.values()) | {"default"}
            unknown = sorted(set(self.half_life) - known)
            if unknown:
                raise ValueError(
                    f"half_life names {unknown}, which are neither kinds nor quad classes "
                    f"({', '.join(QUAD_CLASSES.values())}) nor 'default'"
                )

    def half_life_of(self, kinds) -> list[float]:
        """Half-life [days] of each kind under this model."""
        if not isinstance(self.half_life, Mapping):
            return [float(self.half_life)] * len(kinds)
        table = self.half_life
        fallback = float(table.get("default", DEFAULT_HALF_LIFE))
        quads = self.kind_classes()
        out = []
        for kind in kinds:
            if kind in table:
                out.append(float(table[kind]))
            elif quads.get(kind) in table:
                out.append(float(table[quads[kind]]))
            else:
                out.append(fallback)
        return out

    def kind_classes(self) -> dict[str, str]:
        """Quad class of every kind this model knows a class for: the default kinds and
        the user's kinds of :attr:`quad_classes`."""
        return kind_quad_classes() | dict(self.quad_classes or {})

    def as_dict(self) -> dict:
        """Plain-dict view of the parameters (mappings as dicts), for ``attrs``."""
        out = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if field.name == "quad_classes" and value is None:
                continue  # (absent unless set: files and attrs read as before by older versions)
            out[field.name] = dict(value) if isinstance(value, Mapping) else value
        return out


def magnitude(
    killed,
    injured,
    *,
    hostile=True,
    killed_coef: float = DEFAULT_KILLED_COEF,
    injured_coef: float = DEFAULT_INJURED_COEF,
) -> np.ndarray:
    """Casualty magnitude of each event: ``m = 1 + a ln(1 + killed) + b ln(1 + injured)``.

    Only hostile events are scaled; cooperative ones (``hostile`` False) have ``m = 1``.

    Examples
    --------
    >>> magnitude([0, 9], [0, 0]).round(3).tolist()
    [1.0, 2.151]
    >>> magnitude([9], [0], hostile=[False]).tolist()
    [1.0]
    """
    killed = np.asarray(killed, dtype=float)
    injured = np.asarray(injured, dtype=float)
    return np.where(hostile, 1.0 + killed_coef * np.log1p(killed) + injured_coef * np.log1p(injured), 1.0)


def repeat_factor(dyad_codes, ns, raw, discount, order=None, ordered=None) -> np.ndarray:
    """Factor taking each raw score to its share of its occasion's combined score.

    An occasion is one dyad, one timestamp and one sign. Ranked by ``|score|`` (largest
    first), the k-th counts ``discount ** k``; the combined score is shared among the
    occasion's events in proportion to their raw scores, so the result does not depend
    on row order. ``order`` is :func:`tension.core.group_order` of the events, if known,
    and ``ordered`` the pair ``(dyad_codes[order], ns[order])``, if the caller has it.

    Examples
    --------
    Two hostile events of one dyad on one day, scores 4 and 2: combined ``4 + 0.5 * 2 = 5``
    shared in proportion, so each keeps 5/6 of its score; a third on another day keeps all.

    >>> import numpy as np
    >>> repeat_factor(np.array([0, 0, 0]), np.array([0, 0, 1]), np.array([4.0, 2.0, 3.0]), 0.5).round(4).tolist()
    [0.8333, 0.8333, 1.0]
    """
    factor = np.ones(len(raw))
    found = discounted(dyad_codes, ns, raw, discount, order, ordered)
    if found is not None:
        members, share = found
        factor[members] = share
    return factor


def discounted(dyad_codes, ns, raw, discount, order=None, ordered=None):
    """:func:`repeat_factor` of the events it can change: ``(rows, factors)``, or None
    when no event shares its dyad and timestamp with another (no factor to make)."""
    n = len(raw)
    if discount == 1.0 or n == 0:
        return None
    # only events that share their dyad and timestamp with another can be discounted
    if order is None:
        order = core.group_order(dyad_codes, ns)
    g, t = ordered if ordered is not None else (dyad_codes[order], ns[order])
    same = g[1:] == g[:-1]
    same &= t[1:] == t[:-1]
    shared = np.zeros(n, dtype=bool)
    shared[1:] |= same
    shared[:-1] |= same
    members = order[shared]
    if len(members) == 0:
        return None
    size = np.abs(raw[members])
    sign = np.sign(raw[members])
    sub = np.lexsort((-size, sign, ns[members], dyad_codes[members]))
    members, size, sign = members[sub], size[sub], sign[sub]
    g, t = dyad_codes[members], ns[members]
    start = np.ones(len(members), dtype=bool)
    start[1:] = (g[1:] != g[:-1]) | (t[1:] != t[:-1]) | (sign[1:] != sign[:-1])
    occasion = np.cumsum(start) - 1
    rank = np.arange(len(members)) - np.flatnonzero(start)[occasion]
    combined = np.bincount(occasion, weights=size * discount**rank)
    total = np.bincount(occasion, weights=size)
    ratio = np.divide(combined, total, out=np.ones_like(total), where=total > 0)
    return members, ratio[occasion]


def tension_index(tension, *, scale: float = DEFAULT_SCALE):
    """Fixed-scale 0-100 reading of a tension value: ``100 / (1 + exp(-tension / scale))``.

    50 is neutral, above is tense, below is warm. This was the ``index`` column of
    tension 0.1; on real feeds it saturates (busy dyads reach tensions of several
    hundred), so the ``index`` column is now :func:`flow_index`.

    Examples
    --------
    >>> round(float(tension_index(10.0)), 1), float(tension_index(0.0))
    (62.2, 50.0)
    """
    scale = _params.positive("scale", scale)
    from scipy.special import expit  # (scipy imported on use: a quick `import tension`)

    return 100.0 * expit(np.asarray(tension, dtype=float) / scale)


def flow_index(heat, flow, *, model: Model | None = None):
    """The 0-100 index: the recent net hostility against the dyad's usual flow of events.

    ``index = 100 / (1 + exp(-ratio / index_scale))`` with

    ``ratio = (heat * ln 2 / heat_half_life) / (flow * ln 2 / flow_half_life + flow_floor)``

    where ``flow`` is the decayed sum of the sizes of the dyad's scores (half-life 30
    days; every event counted, no same-occasion discount) and ``heat`` their net
    decayed sum on two clocks (:func:`index_channels`): hostile scores with half-life
    ``heat_half_life`` (5 days), cooperative ones with ``cooling_half_life`` (30 days),
    the latter counted ``heat_half_life / cooling_half_life`` so that ``heat * ln 2 /
    heat_half_life`` is the hostile score per day of the last few days minus the
    cooperative score per day of the last month. A steady flow of ``r`` score points a
    day holds a stock of ``r * H / ln 2``, so a balanced flow reads 50 whatever the
    half-lives. ``ratio`` is the net hostile score per day in units of the dyad's total
    score per day of the last month (at least ``flow_floor``): 73 is a recent flow net
    hostile by 2 units of the usual flow. ``ratio`` is at most about ``flow_half_life /
    heat_half_life`` (6 by default: a burst on a silent dyad, 95) and, with the default
    equal cooling and flow half-lives, above -1 (cooperation cannot exceed the whole
    flow): the index stays within about 38-95, below 50 when the month's cooperation
    outweighs the last days' hostility.

    Parameters
    ----------
    heat, flow : array-like
        The stocks (columns ``heat`` and ``flow`` of :func:`tension.score`).
    model : Model, optional
        Default ``tension.Model()``.

    Returns
    -------
    numpy.ndarray
        The index, 0-100.

    Examples
    --------
    >>> import tension as tn
    >>> import numpy as np
    >>> # one airstrike (+10) on a dyad without history, the day it happens
    >>> round(float(tn.flow_index(10.0, 10.0)), 1)
    63.7
    >>> # by hand: ratio = (10 ln2 / 5) / (10 ln2 / 30 + 1)
    >>> r = (10 * np.log(2) / 5) / (10 * np.log(2) / 30 + 1)
    >>> round(float(100 / (1 + np.exp(-r / 2))), 1)
    63.7
    >>> # one summit (-10) on a dyad without history: heat = -10 * 5 / 30
    >>> round(float(tn.flow_index(-10 * 5 / 30, 10.0)), 1)
    47.7
    """
    heat, flow = np.broadcast_arrays(np.asarray(heat, dtype=float), np.asarray(flow, dtype=float))
    if (flow < 0).any():  # (a sum of sizes; a negative one is a mistaken input, e.g. a swapped column)
        raise ValueError(f"flow must be >= 0 (a decayed sum of the sizes of scores), got {float(flow.min())}")
    return stock_index(heat, flow, model or Model())


def stock_index(heat, flow, model: Model):
    """:func:`flow_index` of the package's own stocks (not checked again)."""
    heat, flow = np.broadcast_arrays(np.asarray(heat, dtype=float), np.asarray(flow, dtype=float))
    out = np.empty(heat.shape)
    index_into(heat.reshape(-1), flow.reshape(-1), model, out=out.reshape(-1))
    return out if out.ndim else out[()]


def index_into(heat: np.ndarray, flow: np.ndarray, model: Model, *, out: np.ndarray) -> np.ndarray:
    """:func:`flow_index` of 1-D float arrays written into ``out`` (which may be neither
    input), with one temporary: the one computation behind every ``index`` column."""
    ln2 = math.log(2.0)
    np.multiply(heat, ln2, out=out)
    out /= model.heat_half_life
    scratch = np.multiply(flow, ln2)
    scratch /= model.flow_half_life
    scratch += model.flow_floor
    out /= scratch
    out /= model.index_scale
    # 100 / (1 + exp(-ratio)), four passes cheaper than scipy's expit (exp(-ratio) may
    # overflow to inf for ratio < -709: the index is then 0, the formula's own limit)
    np.negative(out, out=out)
    with np.errstate(over="ignore"):
        np.exp(out, out=out)
    out += 1.0
    np.divide(100.0, out, out=out)
    return out


def index_channels(raw, *, model: Model | None = None):
    """The index's three stocks as kernel channels: their values per event and half-lives.

    Channel 0 holds the hostile scores (half-life ``heat_half_life``), channel 1 the
    cooperative scores times ``heat_half_life / cooling_half_life`` (half-life
    ``cooling_half_life``), channel 2 the sizes ``|score|`` (half-life
    ``flow_half_life``). ``heat`` is the sum of channels 0 and 1, ``flow`` channel 2
    (see :func:`flow_index`).

    Parameters
    ----------
    raw : array-like
        The events' signed scores before the same-occasion discount.
    model : Model, optional
        Default ``tension.Model()``.

    Returns
    -------
    values : numpy.ndarray, shape (n, 3)
    half_lives : numpy.ndarray, shape (3,)

    Examples
    --------
    >>> values, lives = index_channels([10.0, -6.0])
    >>> values.round(2).tolist(), lives.tolist()
    ([[10.0, 0.0, 10.0], [0.0, -1.0, 6.0]], [5.0, 30.0, 30.0])
    """
    m = model or Model()
    raw = np.asarray(raw, dtype=float).reshape(-1)
    values = np.stack(
        [
            np.where(raw > 0, raw, 0.0),
            np.where(raw < 0, raw * (m.heat_half_life / m.cooling_half_life), 0.0),
            np.abs(raw),
        ],
        axis=1,
    )
    return values, np.array([m.heat_half_life, m.cooling_half_life, m.flow_half_life])
