"""End to end on one pandas DataFrame: ``tn.score_events`` against the polars equivalent.

Every method starts from the same user DataFrame (real ISO 3166 codes, explicit weights,
``date``/``source``/``target``/``kind``/``weight`` columns as a user builds them) and
returns the tension right after each event, in input row order:

- ``tn.score_events``: validation, dyad coding, grouping, kernel, output frame;
- ``tn.score_events`` on a frame that came out of ``tn.read_events`` (not validated again);
- ``tn.score_events(engine="numba")``;
- polars: ``from_pandas``, an unordered pair label, sort by time, ``ewm_sum_by(...).over(pair)``,
  back to input order and to pandas;
- ``tn.score(at=...)`` (one snapshot, every dyad) and ``tn.read_events`` alone.

``python -m benchmarks.run`` runs each in a fresh process (peak memory above the input
frame, best of ``repeat`` times) and checks every method's tension against polars to 1e-9
of the decayed sum of |weights|. Timestamps are distinct within a dyad, so that the
model's same-occasion discount (which polars has no equivalent of) never applies.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

HALF_LIFE = 30.0
KINDS = ["airstrike", "threat", "condemnation", "talks", "pledge_cooperation", "agreement"]
#: (events, dyads) of the end-to-end grid. Unordered pairs of 250 real ISO codes allow at
#: most 31,125 dyads, so the 10-million-event size has 30,000 (100,000 dyads of real codes
#: do not exist; the kernel grid has them).
SIZES = [(1_000_000, 10_000), (4_000_000, 30_000), (10_000_000, 30_000)]


def user_frame(n: int, n_dyads: int, *, order: str = "random", years: float = 10.0, seed: int = 0) -> pd.DataFrame:
    """Events as a user holds them: ``n`` over ``n_dyads`` pairs of 250 real ISO codes.

    ``order="time"``: rows in time order (as feeds arrive); ``"random"``: shuffled.
    Times are whole seconds, distinct across all events.
    """
    from tension.countries import country_codes

    rng = np.random.default_rng(seed)
    countries = np.array(sorted(c for c in country_codes() if len(c) == 3))[:250]
    limit = len(countries) * (len(countries) - 1) // 2
    if n_dyads > limit:
        raise ValueError(f"{n_dyads} dyads need more than {len(countries)} countries")
    pair_ids = np.sort(rng.choice(limit, n_dyads, replace=False))
    # pair id -> (i, j), i < j, over the upper triangle
    first = np.triu_indices(len(countries), 1)
    a, b = first[0][pair_ids], first[1][pair_ids]
    pick = rng.integers(0, n_dyads, n)
    flip = rng.random(n) < 0.5
    source = np.where(flip, b[pick], a[pick])
    target = np.where(flip, a[pick], b[pick])
    span = int(years * 365.25 * 86400)
    seconds = np.sort(rng.integers(0, span - n, n)) + np.arange(n)  # distinct, in time order
    if order == "random":
        perm = rng.permutation(n)
        seconds, source, target = seconds[perm], source[perm], target[perm]
    elif order != "time":
        raise ValueError(f"order must be 'random' or 'time', not {order!r}")
    return pd.DataFrame(
        {
            "date": pd.Timestamp("2015-01-01") + pd.to_timedelta(seconds, unit="s"),
            "source": countries[source],
            "target": countries[target],
            "kind": np.asarray(KINDS)[rng.integers(0, len(KINDS), n)],
            "weight": np.round(rng.normal(0.0, 5.0, n), 2),
        }
    )


def polars_score_events(frame: pd.DataFrame, half_life: float = HALF_LIFE) -> pd.DataFrame:
    """The polars equivalent: unordered pair label, sort, ewm_sum_by over the pair."""
    import polars as pl

    data = pl.from_pandas(frame[["date", "source", "target", "weight"]])
    lo = pl.min_horizontal("source", "target")
    hi = pl.max_horizontal("source", "target")
    data = data.with_row_index("row").with_columns(pl.concat_str([lo, pl.lit("-"), hi]).alias("dyad")).sort("date")
    half = f"{int(round(half_life * 86_400 * 10**6))}us"
    data = data.with_columns(pl.col("weight").ewm_sum_by("date", half_life=half).over("dyad").alias("tension"))
    return data.sort("row").select("dyad", "date", "tension").to_pandas()


def _tension(**kw):
    import tension as tn

    return lambda frame: tn.score_events(frame, half_life=HALF_LIFE, **kw)


def _validated(frame):
    import tension as tn

    return tn.score_events(frame, half_life=HALF_LIFE)


def _snapshot(frame):
    import tension as tn

    return tn.score(frame, at="2020-01-01", half_life=HALF_LIFE)


def _read(frame):
    import tension as tn

    return tn.read_events(frame, duplicates="keep")


#: name -> (function of the frame, whether it returns tension per event in input order)
METHODS = {
    "tn.score_events": (_tension(), True),
    "tn.score_events (read_events frame)": (_validated, True),
    "tn.score_events(engine='numba')": (_tension(engine="numba"), True),
    "polars (from_pandas, pair, sort, ewm_sum_by.over, input order)": (polars_score_events, True),
    "tn.score(at=...) snapshot": (_snapshot, False),
    "tn.read_events (validation)": (_read, False),
}
PEER = "polars (from_pandas, pair, sort, ewm_sum_by.over, input order)"
#: Methods whose peak memory is measured in a second process with the allocator returning
#: freed blocks (the others report the peak of their timed runs).
MEMORY = {PEER, "tn.score_events", "tn.score_events (read_events frame)"}


def prepare(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The input a method gets: a ``read_events`` frame for the validated variant."""
    if name == "tn.score_events (read_events frame)":
        return _read(frame)
    return frame


def warm_up(name: str) -> None:
    """Compile or load what a method needs, on a tiny input, outside the timing."""
    small = user_frame(500, 20)
    METHODS[name][0](prepare(name, small))


def tension_of(name: str, result) -> np.ndarray | None:
    if not METHODS[name][1]:
        return None
    return np.asarray(result["tension"], dtype=float)


def grid_cells(n_dyads: int = 1_000, years: int = 10, events: int = 1_000_000, repeat: int = 3):
    """``tn.score`` daily grid of ``n_dyads`` x ``years``: (seconds, cells, description)."""
    import time

    import tension as tn

    frame = user_frame(events, n_dyads, order="time", years=years, seed=3)
    best, cells = np.inf, 0
    for _ in range(repeat):
        start = time.perf_counter()
        daily = tn.score(frame, half_life=HALF_LIFE)
        best = min(best, time.perf_counter() - start)
        cells = len(daily)
        del daily
    return best, cells, f"{n_dyads:,} dyads x {years} years, {events:,} events"


def snapshot_against_events(events: int = 4_000_000, n_dyads: int = 30_000, repeat: int = 3):
    """``tn.score(at=...)`` against ``tn.score_events`` on one frame, in this one process,
    alternating (so that both see the same machine load): (snapshot s, score_events s,
    description), each the best of ``repeat``."""
    import time

    frame = user_frame(events, n_dyads)
    warm_up("tn.score(at=...) snapshot")
    warm_up("tn.score_events")
    best = {"snapshot": np.inf, "events": np.inf}
    for _ in range(repeat):
        for key, function in (("snapshot", _snapshot), ("events", _tension())):
            start = time.perf_counter()
            result = function(frame)
            best[key] = min(best[key], time.perf_counter() - start)
            del result
    return best["snapshot"], best["events"], f"{events:,} events, {n_dyads:,} dyads"
