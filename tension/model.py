"""Model parameters travelling together: one frozen :class:`Model`."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from types import MappingProxyType

import pandas as pd

from . import _params
from .taxonomy import QUAD_CLASSES, _kind_quad_classes, _user_weights, resolve_weights

__all__ = [
    "Model",
    "DEFAULT_HALF_LIFE",
    "DEFAULT_KILLED_COEF",
    "DEFAULT_INJURED_COEF",
    "DEFAULT_REPEAT_DISCOUNT",
    "DEFAULT_SCALE",
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
#: Scale of the 0-100 index: ``index = 100 / (1 + exp(-tension / scale))``. With 20,
#: one fresh airstrike without casualties (+10) reads 62, two deadly ones about 88.
DEFAULT_SCALE = 20.0


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
        Signed base weights overriding or extending the defaults (``-Goldstein``).
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
        Scale of the 0-100 index.

    Examples
    --------
    >>> import tension as tn
    >>> m = tn.Model(half_life={"material_conflict": 60, "default": 20})
    >>> m.half_life_of(["airstrike", "talks"])
    [60.0, 20.0]
    >>> tn.Model(repeat_discount=0)
    Traceback (most recent call last):
    ...
    tension._params.ParameterError: repeat_discount=0: must be a number in (0, 1]
    """

    half_life: float | Mapping[str, float] = DEFAULT_HALF_LIFE
    weights: Mapping[str, float] | None = None
    directed: bool = False
    killed_coef: float = DEFAULT_KILLED_COEF
    injured_coef: float = DEFAULT_INJURED_COEF
    repeat_discount: float = DEFAULT_REPEAT_DISCOUNT
    scale: float = DEFAULT_SCALE

    def __post_init__(self):
        weights = self.weights
        if isinstance(weights, pd.DataFrame):
            weights = _user_weights(weights)
        elif weights is not None:
            weights = _user_weights(weights)
        object.__setattr__(self, "weights", _freeze(weights))
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
        object.__setattr__(self, "scale", _params.positive("scale", self.scale))
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
        quads = _kind_quad_classes()
        out = []
        for kind in kinds:
            if kind in table:
                out.append(float(table[kind]))
            elif quads.get(kind) in table:
                out.append(float(table[quads[kind]]))
            else:
                out.append(fallback)
        return out

    def as_dict(self) -> dict:
        """Plain-dict view of the parameters (mappings as dicts), for ``attrs``."""
        out = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            out[field.name] = dict(value) if isinstance(value, Mapping) else value
        return out
