"""End-to-end benchmarks of the pandas API, the readers and streaming (in this process)."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import tension as tn
from tension.countries import country_codes


def events_frame(n: int, n_dyads: int, *, years: float = 10.0, seed: int = 0) -> pd.DataFrame:
    """Events in the tension schema: ``n_dyads`` country pairs, uniform over ``years``."""
    rng = np.random.default_rng(seed)
    countries = np.array(sorted(c for c in country_codes() if len(c) == 3))[:250]
    if n_dyads > len(countries) * (len(countries) - 1) // 2:
        raise ValueError(f"{n_dyads} dyads need more than {len(countries)} countries")
    pairs = set()
    while len(pairs) < n_dyads:
        a, b = rng.choice(len(countries), 2, replace=False)
        pairs.add((min(a, b), max(a, b)))
    pairs = np.array(sorted(pairs))
    pick = rng.integers(0, len(pairs), n)
    flip = rng.random(n) < 0.5
    source = np.where(flip, pairs[pick, 1], pairs[pick, 0])
    target = np.where(flip, pairs[pick, 0], pairs[pick, 1])
    days = np.sort(rng.uniform(0, 365.25 * years, n))
    return pd.DataFrame(
        {
            "date": pd.Timestamp("2015-01-01") + pd.to_timedelta(np.round(days * 86400), unit="s"),
            "source": countries[source],
            "target": countries[target],
            "kind": rng.choice(["airstrike", "threat", "condemnation", "talks", "pledge_cooperation", "agreement"], n),
            "killed": rng.poisson(0.2, n),
        }
    )


def _timed(label, n, unit, function, repeat=1):
    best = np.inf
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return {"benchmark": label, "size": n, "seconds": round(best, 4), "rate": f"{n / best:,.0f} {unit}/s"}, result


def run_all(dry: bool = False) -> pd.DataFrame:
    rows = []
    n_small, n_large, dyads = (2_000, 4_000, 50) if dry else (1_000_000, 10_000_000, 1_000)
    small = events_frame(n_small, dyads)
    row, _ = _timed(
        "tn.read_events (validation only)", n_small, "events", lambda: tn.read_events(small, duplicates="keep")
    )
    rows.append(row)
    row, _ = _timed("tn.score_events (DataFrame, end to end)", n_small, "events", lambda: tn.score_events(small))
    rows.append(row)
    row, daily = _timed("tn.score(freq='D'), 10 years", n_small, "events", lambda: tn.score(small))
    row["note"] = f"{len(daily):,} rows ({dyads:,} dyads x {daily['date'].nunique():,} days)"
    rows.append(row)
    spread = events_frame(n_small, 10 * dyads, seed=2)  # fewer events per dyad: most days are quiet
    row, sparse = _timed(
        f"tn.score(freq='D', threshold=0.01, half_life=7), {10 * dyads:,} dyads",
        n_small,
        "events",
        lambda: tn.score(spread, threshold=0.01, half_life=7),
    )
    row["note"] = f"{len(sparse):,} rows kept of {10 * dyads * daily['date'].nunique():,} (dense grid never built)"
    rows.append(row)
    large = events_frame(n_large, 20 * dyads if not dry else dyads, seed=1)
    row, snap = _timed("tn.score(at=...) snapshot", n_large, "events", lambda: tn.score(large, at="2025-01-01"))
    row["note"] = f"{len(snap):,} dyads, O(N)"
    rows.append(row)
    history, today = large.iloc[: -n_large // 100], large.iloc[-n_large // 100 :]
    state = tn.State.from_events(history)
    row, _ = _timed(
        "tn.State.update (one batch onto a state)", len(today), "events", lambda: _copy(state).update(today)
    )
    row["note"] = f"state of {len(state):,} dyads"
    rows.append(row)
    rows.append(_gdelt_throughput(dry))
    return pd.DataFrame(rows).fillna("")


def _copy(state):
    import copy

    return copy.deepcopy(state)


def _gdelt_throughput(dry: bool) -> dict:
    """read_gdelt on the bundled 2.0 export repeated into one larger file."""
    repeats = 3 if dry else 500
    source = Path(tn.datasets.path("gdelt2_20170101073000.export.CSV"))
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "big.export.CSV"
        with open(big, "wb") as out:
            for _ in range(repeats):
                with open(source, "rb") as chunk:
                    shutil.copyfileobj(chunk, out)
        rows = 720 * repeats
        row, events = _timed(
            "tension.io.read_gdelt (GDELT 2.0)", rows, "rows", lambda: tn.io.read_gdelt(big, progress=False)
        )
        row["note"] = f"{big.stat().st_size / 2**20:.0f} MB, {len(events):,} events kept"
    return row
