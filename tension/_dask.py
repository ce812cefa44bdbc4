"""Scoring Dask DataFrames: shuffle by dyad, run the same numpy core on every partition.

Needs the optional extra ``tension[dask]`` (``dask[dataframe]`` and ``distributed``).
:mod:`tension.score` dispatches here and passes its in-memory function, which every
partition runs (so this module never imports :mod:`tension.score`).
"""

from __future__ import annotations

import pandas as pd

from ._grid import grid_bounds
from ._prepare import dyad_labels
from .events import read_events

__all__ = ["is_dask", "score_events", "score"]

_DYAD = "__tension_dyad__"


def is_dask(obj) -> bool:
    """True for a ``dask.dataframe.DataFrame`` (without importing dask)."""
    return type(obj).__module__.split(".")[0] in ("dask", "dask_expr") and hasattr(obj, "map_partitions")


def _by_dyad(frame, model, *, bounds=None):
    """Validate every partition, label its dyads and shuffle so that each dyad lives in one
    partition (the model's same-occasion discount and the scan need all of a dyad's events).

    With ``bounds`` also compute the first and last (validated) event date."""

    dates = _one_date_rule(frame)

    def label(part: pd.DataFrame) -> pd.DataFrame:
        if dates is not None and "date" in part.columns:
            part = part.assign(date=part["date"].map(dates))
        events = read_events(part, weights=model.weights, duplicates="keep")
        events[_DYAD] = dyad_labels(events["source"], events["target"], directed=model.directed)
        return events

    labelled = frame.map_partitions(label, meta=label(frame._meta))
    shuffled = labelled.shuffle(on=_DYAD)
    if not bounds:
        return shuffled
    import dask

    first, last = dask.compute(labelled["date"].min(), labelled["date"].max())
    return shuffled, pd.Timestamp(first), pd.Timestamp(last)


def _one_date_rule(frame):
    """For a column of dates written as text: each distinct text -> its date, read by one
    rule for the whole column (as :func:`tension.read_events` reads a pandas column), so
    that no partition reads ``01/02/2024`` by a rule of its own. None for datetimes and
    numbers (read value by value). A problem of the whole column is an EventError."""
    import warnings

    from . import _dates
    from .exceptions import EventError, Problem, TensionWarning

    if "date" not in frame.columns:
        return None
    dtype = frame._meta["date"].dtype
    if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
        return None
    if isinstance(dtype, pd.CategoricalDtype) and frame["date"].cat.known:
        distinct = frame["date"].cat.categories.to_series()  # (known categories: nothing to compute)
    else:
        distinct = frame["date"].dropna().unique().compute()
    values = pd.Series(sorted(set(distinct.tolist()), key=repr), dtype=object)  # (the same whatever the partitions)
    parsed, problems, said = _dates.collect(values)
    if problems:
        named = [Problem("date", tuple(repr(v) for v in values[mask].tolist()), message) for mask, message in problems]
        raise EventError(named, "the events (a Dask DataFrame whose date column is read as one: rows named by value)")
    for text in said:
        warnings.warn(text, TensionWarning, stacklevel=5)
    return dict(zip(values.tolist(), parsed.tolist(), strict=True))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Dyad labels as a string dtype, so that Dask's schema inference (to_parquet) sees text."""
    return frame.assign(dyad=frame["dyad"].astype("string"))


def score_events(frame, model, *, score_in_memory):
    """:func:`tension.score_events` on a Dask DataFrame: a Dask DataFrame back.

    Rows keep their index labels; their order across partitions is the shuffle's
    (``.compute().sort_index()`` restores the input order of a RangeIndex).
    ``score_in_memory`` is the pandas :func:`tension.score_events`.
    """

    def run(part: pd.DataFrame) -> pd.DataFrame:
        return _typed(score_in_memory(part.drop(columns=_DYAD), model=model))

    shuffled = _by_dyad(frame, model)
    return shuffled.map_partitions(run, meta=run(shuffled._meta))


def score(frame, model, *, score_in_memory, freq, start, end, threshold, at):
    """:func:`tension.score` on a Dask DataFrame: every partition on one shared grid.

    ``score_in_memory`` is the pandas :func:`tension.score`.
    """
    if at is None and (start is None or end is None):
        shuffled, first, last = _by_dyad(frame, model, bounds=True)
        if not pd.isna(first):  # (no events: every partition's grid is empty, as in memory)
            start, end = grid_bounds(first, last, freq, start, end, first.tz)
    else:
        shuffled = _by_dyad(frame, model)

    def run(part: pd.DataFrame) -> pd.DataFrame:
        return _typed(
            score_in_memory(
                part.drop(columns=_DYAD), model=model, freq=freq, start=start, end=end, threshold=threshold, at=at
            )
        )

    return shuffled.map_partitions(run, meta=run(shuffled._meta))
