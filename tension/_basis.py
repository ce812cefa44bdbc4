"""Basis series: the index as a linear map of per-unit weights (public API only).

Each event's effective score ``s_e`` (from :func:`tension.event_scores`) becomes an
explicit ``weight`` under a model without the same-occasion discount, its kind replaced by
a *unit* label (a kind, or one event). :func:`tension.decompose` ``by="kind"`` then returns
one series per unit, and the tension under per-unit multipliers ``g`` is ``B @ g``.
The discount shares of each occasion are those of the point estimate (exact when every
occasion holds one kind, or with ``repeat_discount=1``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .events import read_events
from .model import Model
from .score import decompose, event_scores


def scaled_half_life(model: Model, factor: float):
    """The model's half-life(s), every value multiplied by ``factor``."""
    if isinstance(model.half_life, Mapping):
        return {k: float(v) * factor for k, v in model.half_life.items()}
    return float(model.half_life) * factor


def prepared(events, model: Model) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validated events (extra columns kept) and their scores under ``model``."""
    ev = read_events(events, weights=model.weights, duplicates="keep")
    return ev, event_scores(ev, model=model)


def basis(
    ev: pd.DataFrame,
    scores: pd.DataFrame,
    units,
    *,
    model: Model,
    rows: pd.MultiIndex,
    freq: str,
    start,
    end,
    half_life_factor: float = 1.0,
    half_lives: np.ndarray | None = None,
) -> tuple[np.ndarray, list]:
    """Matrix (len(rows), n_units) of unit series on ``rows`` (dyad, date) and the unit labels.

    ``units`` labels each event; every event of a unit must share its half-life.
    ``half_lives`` (per event) overrides the model's, before ``half_life_factor``.
    """
    codes, labels = pd.factorize(pd.Series(np.asarray(units, dtype=object)), sort=True)
    names = [f"basis_unit_{i}" for i in range(len(labels))]
    hl = scores["half_life"].to_numpy(dtype=float) if half_lives is None else np.asarray(half_lives, float)
    unit_hl = np.zeros(len(labels))
    unit_hl[codes] = hl
    if len(codes) and not np.allclose(unit_hl[codes], hl):
        raise ValueError("internal: a basis unit mixes half-lives")
    frame = pd.DataFrame(
        {
            "date": ev["date"].to_numpy(),
            "source": ev["source"].to_numpy(),
            "target": ev["target"].to_numpy(),
            "kind": np.asarray(names, dtype=object)[codes] if len(codes) else np.array([], dtype=object),
            "weight": scores["score"].to_numpy(dtype=float),
        }
    )
    frame["date"] = ev["date"].reset_index(drop=True)
    lin = Model(
        half_life={n: float(h) * half_life_factor for n, h in zip(names, unit_hl, strict=True)} or 30.0,
        weights={n: 1.0 for n in names} or None,
        directed=model.directed,
        repeat_discount=1.0,
        scale=model.scale,
    )
    parts = decompose(frame, by="kind", freq=freq, start=start, end=end, model=lin)
    out = np.zeros((len(rows), len(names)))
    where = rows.get_indexer(pd.MultiIndex.from_arrays([parts["dyad"], parts["date"]]))
    column = pd.Index(names).get_indexer(parts["part"])
    keep = where >= 0
    np.add.at(out, (where[keep], column[keep]), parts["value"].to_numpy(dtype=float)[keep])
    return out, list(labels)


def same_model(model: Model, **changes) -> Model:
    return dataclasses.replace(model, **changes)
