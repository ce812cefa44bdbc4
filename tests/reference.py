"""The independent reference: the model of DESIGN section 1 as plain Python loops.

No numpy, no pandas arithmetic, no code from ``tension.core`` or ``tension.score``:
dates are Python datetimes, time differences are timedeltas, every sum is a loop.
The only things shared with the library are the kind weights (checked on their own
against the Goldstein table in test_taxonomy.py).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pandas as pd


def _as_datetime(value) -> datetime:
    stamp = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(UTC).replace(tzinfo=None)
    return stamp


def dyad_of(source: str, target: str, directed: bool) -> str:
    if directed:
        return f"{source}->{target}"
    a, b = sorted([source, target])
    return f"{a}-{b}"


def half_life_of(kind, half_life, quads, default=30.0) -> float:
    if not isinstance(half_life, dict):
        return float(half_life)
    if kind in half_life:
        return float(half_life[kind])
    if quads.get(kind) in half_life:
        return float(half_life[quads[kind]])
    return float(half_life.get("default", default))


def event_scores(rows, weights, *, a=0.5, b=0.25, discount=0.5, directed=False):
    """Signed effective score of each row (a list of dicts), in row order.

    ``a`` and ``b`` are the casualty coefficients (``killed_coef``, ``injured_coef``),
    ``discount`` the same-occasion discount (``repeat_discount``)."""
    raw = []
    for row in rows:
        explicit = row.get("weight")
        if explicit is not None and not (isinstance(explicit, float) and math.isnan(explicit)):
            value = explicit
        else:
            w = weights[row["kind"]]
            m = 1.0
            if w > 0:
                m = 1.0 + a * math.log(1 + row.get("killed", 0)) + b * math.log(1 + row.get("injured", 0))
            value = w * m
        raw.append(row.get("confidence", 1.0) * value)
    occasions = {}
    for i, row in enumerate(rows):
        if raw[i] == 0:
            continue
        key = (dyad_of(row["source"], row["target"], directed), _as_datetime(row["date"]), raw[i] > 0)
        occasions.setdefault(key, []).append(i)
    out = list(raw)
    for members in occasions.values():
        sizes = sorted((abs(raw[i]) for i in members), reverse=True)
        combined = 0.0
        for k, size in enumerate(sizes):
            combined += size * discount**k
        total = sum(sizes)
        for i in members:
            out[i] = raw[i] * combined / total
    return out


def tension_at(rows, scores, half_lives, dyad, when, *, directed=False):
    """(tension, hostile, cooperative) of one dyad at one time, by the definition."""
    when = _as_datetime(when)
    hostile = cooperative = 0.0
    for row, s, h in zip(rows, scores, half_lives, strict=True):
        if dyad_of(row["source"], row["target"], directed) != dyad:
            continue
        t = _as_datetime(row["date"])
        if t > when:
            continue
        days = (when - t).total_seconds() / 86400.0
        decayed = abs(s) * 2.0 ** (-days / h)
        if s > 0:
            hostile += decayed
        else:
            cooperative += decayed
    return hostile - cooperative, hostile, cooperative


def rows_of(frame: pd.DataFrame) -> list[dict]:
    """Rows of a normalised event frame as plain dicts (NaN weights as None)."""
    out = []
    for record in frame.to_dict("records"):
        weight = record.get("weight")
        record["weight"] = None if weight is None or pd.isna(weight) else float(weight)
        out.append(record)
    return out


# --- whole models: every parameter of tn.Model, read as plain values ----------------------

#: The defaults of tn.Model, written out here (not imported) so that a changed default fails.
DEFAULTS = {
    "half_life": 30.0,
    "weights": None,
    "directed": False,
    "killed_coef": 0.5,
    "injured_coef": 0.25,
    "repeat_discount": 0.5,
    "scale": 20.0,
    "heat_half_life": 5.0,
    "cooling_half_life": 30.0,
    "flow_half_life": 30.0,
    "flow_floor": 1.0,
    "index_scale": 2.0,
}


def params_of(model) -> dict:
    """A model's parameters as plain Python values (mappings as dicts)."""
    out = {}
    for name in DEFAULTS:
        value = getattr(model, name)
        out[name] = dict(value) if hasattr(value, "items") else value
    return out


def weights_under(params: dict, default_weights: dict) -> dict:
    """The default kind weights with the model's own weights laid over them."""
    table = dict(default_weights)
    table.update({k: float(v) for k, v in (params["weights"] or {}).items()})
    return table


def index_of(tension: float, scale: float) -> float:
    """The fixed-scale 0-100 reading ``100 / (1 + exp(-tension / scale))``."""
    return _logistic(tension / scale)


def flow_index_of(heat: float, flow: float, p: dict) -> float:
    """The 0-100 index from heat and flow, by its definition (``tension.model.flow_index``)."""
    heat_rate = heat * math.log(2) / p["heat_half_life"]
    flow_rate = flow * math.log(2) / p["flow_half_life"]
    return _logistic(heat_rate / (flow_rate + p["flow_floor"]) / p["index_scale"])


def _logistic(x: float) -> float:
    if x >= 0:
        return 100.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return 100.0 * e / (1.0 + e)


class Reference:
    """The whole model by plain loops, for one model's parameters and one set of rows."""

    def __init__(self, rows, params: dict, default_weights: dict, quads: dict):
        self.rows = rows
        self.p = params
        weights = weights_under(params, default_weights)
        self.scores = event_scores(
            rows,
            weights,
            a=params["killed_coef"],
            b=params["injured_coef"],
            discount=params["repeat_discount"],
            directed=params["directed"],
        )
        self.raw = event_scores(
            rows, weights, a=params["killed_coef"], b=params["injured_coef"], discount=1.0, directed=params["directed"]
        )
        self.lives = [half_life_of(r["kind"], params["half_life"], quads) for r in rows]
        self.dyads = [dyad_of(r["source"], r["target"], params["directed"]) for r in rows]

    def reading(self, dyad: str, when) -> tuple[float, float, float, float, float, float]:
        """(tension, hostile, cooperative, index, heat, flow) of one dyad at one time.

        heat: the raw scores (no same-occasion discount), hostile ones decayed with
        ``heat_half_life``, cooperative ones with ``cooling_half_life`` and counted
        ``heat_half_life / cooling_half_life``; flow: their decayed sizes with ``flow_half_life``."""
        t, h, c = tension_at(self.rows, self.scores, self.lives, dyad, when, directed=self.p["directed"])
        when = _as_datetime(when)
        heat = flow = 0.0
        for row, d, r in zip(self.rows, self.dyads, self.raw, strict=True):
            stamp = _as_datetime(row["date"])
            if d != dyad or stamp > when:
                continue
            days = (when - stamp).total_seconds() / 86400.0
            if r > 0:
                heat += r * 2.0 ** (-days / self.p["heat_half_life"])
            else:
                ratio = self.p["heat_half_life"] / self.p["cooling_half_life"]
                heat += r * ratio * 2.0 ** (-days / self.p["cooling_half_life"])
            flow += abs(r) * 2.0 ** (-days / self.p["flow_half_life"])
        return t, h, c, flow_index_of(heat, flow, self.p), heat, flow

    def contribution(self, i: int, when) -> float:
        """Row ``i``'s signed part of its dyad's tension at ``when`` (0 if later)."""
        when = _as_datetime(when)
        t = _as_datetime(self.rows[i]["date"])
        if t > when:
            return 0.0
        days = (when - t).total_seconds() / 86400.0
        return self.scores[i] * 2.0 ** (-days / self.lives[i])
