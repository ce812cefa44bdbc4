"""The independent reference: the model of DESIGN section 1 as plain Python loops.

No numpy, no pandas arithmetic, no code from ``tension.core`` or ``tension.score``:
dates are Python datetimes, time differences are timedeltas, every sum is a loop.
The only things shared with the library are the kind weights (checked on their own
against the Goldstein table in test_taxonomy.py).
"""

from __future__ import annotations

import math
from datetime import datetime, timezone

import pandas as pd


def _as_datetime(value) -> datetime:
    stamp = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(timezone.utc).replace(tzinfo=None)
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
    """Signed effective score of each row (a list of dicts), in row order."""
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
    for row, s, h in zip(rows, scores, half_lives):
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
