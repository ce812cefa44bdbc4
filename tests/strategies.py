"""Hypothesis strategies for event frames and whole models."""

from __future__ import annotations

import pandas as pd
from hypothesis import strategies as st

COUNTRIES = ["IRN", "PAK", "AFG", "IND"]
KINDS = [
    "airstrike",
    "armed_attack",
    "condemnation",
    "threat",
    "talks",
    "visit",
    "pledge_security_cooperation",
    "agreement",
    "humanitarian_aid",
    "public_statement",
]
BASE = pd.Timestamp("2024-01-01")
QUADS = ["material_conflict", "verbal_conflict", "verbal_cooperation", "material_cooperation"]


@st.composite
def event_rows(draw, min_size=0, max_size=25, days=60, countries=COUNTRIES, hours=False):
    n = draw(st.integers(min_size, max_size))
    rows = []
    for _ in range(n):
        source, target = draw(st.lists(st.sampled_from(countries), min_size=2, max_size=2, unique=True))
        offset = pd.Timedelta(days=draw(st.integers(0, days)))
        if hours:
            offset += pd.Timedelta(hours=draw(st.integers(0, 23)))
        row = {
            "date": BASE + offset,
            "source": source,
            "target": target,
            "kind": draw(st.sampled_from(KINDS)),
            "killed": draw(st.integers(0, 50)),
            "injured": draw(st.integers(0, 20)),
            "confidence": draw(st.sampled_from([1.0, 0.5, 0.25, 0.8])),
        }
        if draw(st.integers(0, 9)) == 0:
            row["weight"] = draw(st.floats(-10, 10, allow_nan=False).filter(lambda w: abs(w) > 1e-3))
        rows.append(row)
    return rows


def frame(rows) -> pd.DataFrame:
    columns = ["date", "source", "target", "kind", "killed", "injured", "confidence", "weight"]
    out = pd.DataFrame(rows, columns=columns)
    out["date"] = pd.to_datetime(out["date"])
    return out


events = event_rows().map(frame)


def joined(*frames: pd.DataFrame) -> pd.DataFrame:
    """The rows of several event frames in one (rebuilt from records: pandas 2.x warns when
    concatenating frames with empty or all-NA columns, and the suite turns that into an error)."""
    return frame([row for part in frames for row in part.to_dict("records")])


positive_days = st.floats(0.25, 400, allow_nan=False, allow_infinity=False)


@st.composite
def half_lives(draw):
    """One half-life for every kind, or a mapping over some kinds, quad classes and "default"."""
    if draw(st.booleans()):
        return draw(positive_days)
    keys = draw(st.lists(st.sampled_from([*KINDS, *QUADS, "default"]), max_size=6, unique=True))
    return {key: draw(positive_days) for key in keys}


@st.composite
def models(draw):
    """A tn.Model with every parameter drawn: half-lives (per kind, per class, default),
    weights overriding some kinds (either sign), direction, casualty coefficients, the
    same-occasion discount, the fixed scale and the index's heat, flow, floor and spread."""
    import tension as tn

    weights = None
    if draw(st.booleans()):
        kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=4, unique=True))
        weights = {k: draw(st.floats(-10, 10, allow_nan=False).filter(lambda w: abs(w) > 1e-3)) for k in kinds}
    return tn.Model(
        half_life=draw(half_lives()),
        weights=weights,
        directed=draw(st.booleans()),
        killed_coef=draw(st.floats(0, 3, allow_nan=False)),
        injured_coef=draw(st.floats(0, 3, allow_nan=False)),
        repeat_discount=draw(st.one_of(st.just(1.0), st.floats(0.05, 1.0, allow_nan=False))),
        scale=draw(st.floats(0.5, 200, allow_nan=False)),
        heat_half_life=draw(st.floats(0.5, 60, allow_nan=False)),
        cooling_half_life=draw(st.floats(0.5, 120, allow_nan=False)),
        flow_half_life=draw(st.floats(1, 200, allow_nan=False)),
        flow_floor=draw(st.floats(0.05, 10, allow_nan=False)),
        index_scale=draw(st.floats(0.25, 10, allow_nan=False)),
    )
