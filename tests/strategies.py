"""Hypothesis strategies for event frames."""

from __future__ import annotations

import pandas as pd
from hypothesis import strategies as st

COUNTRIES = ["IRN", "PAK", "AFG", "IND"]
KINDS = ["airstrike", "armed_attack", "condemnation", "threat", "talks", "visit",
         "pledge_security_cooperation", "agreement", "humanitarian_aid", "public_statement"]
BASE = pd.Timestamp("2024-01-01")


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
