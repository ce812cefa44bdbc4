"""Hawkes parameter recovery over many seeds: how often the truth lies within the stated
tolerance. Not part of `make test` except for a dry run (tests/test_hawkes.py).

    python -m benchmarks.bench_hawkes [--seeds 100] [--days 5000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from tension import hawkes

#: The process the recovery is measured on: two directions of one dyad.
TRUE_BASELINE = pd.Series({"A->B": 0.10, "B->A": 0.05})
TRUE_BRANCHING = pd.DataFrame([[0.30, 0.20], [0.40, 0.10]], index=["A->B", "B->A"], columns=["A->B", "B->A"])
TRUE_DECAY = 0.5  # half-life ln 2 / 0.5 = 1.386 days


def truth() -> pd.Series:
    est = {f"baseline[{i}]": v for i, v in TRUE_BASELINE.items()}
    for i in TRUE_BRANCHING.index:
        for j in TRUE_BRANCHING.columns:
            est[f"branching[{i}, {j}]"] = TRUE_BRANCHING.loc[i, j]
    est["half_life"] = np.log(2) / TRUE_DECAY
    return pd.Series(est)


def recovery(seeds, *, days: float = 5000.0) -> pd.DataFrame:
    """One row per seed and parameter: estimate, stderr, truth, z = (est - truth) / stderr."""
    rows = []
    want = truth()
    for seed in seeds:
        sim = hawkes.simulate(TRUE_BASELINE, TRUE_BRANCHING, TRUE_DECAY, end=days, seed=seed)
        summary = hawkes.fit_times(sim, end=days).summary()
        summary["truth"] = want
        summary["seed"] = seed
        summary["events"] = len(sim)
        rows.append(summary.rename_axis("parameter").reset_index())
    out = pd.concat(rows, ignore_index=True)
    out["z"] = (out["estimate"] - out["truth"]) / out["stderr"]
    out["relative_error"] = (out["estimate"] - out["truth"]).abs() / out["truth"]
    return out


def report(table: pd.DataFrame) -> pd.DataFrame:
    """Per parameter: share of seeds with |z| <= 1.96 (nominal 95 %), |z| <= 3, and the
    median and 95th percentile of the relative error."""
    g = table.assign(z2=table["z"].abs() <= 1.96, z3=table["z"].abs() <= 3).groupby("parameter", sort=False)
    return pd.DataFrame(
        {
            "within_1.96_se": g["z2"].mean(),
            "within_3_se": g["z3"].mean(),
            "median_rel_error": g["relative_error"].median(),
            "p95_rel_error": g["relative_error"].quantile(0.95),
        }
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--days", type=float, default=5000.0)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    table = recovery(range(args.seeds), days=args.days)
    print(
        f"{args.seeds} seeds x {args.days:g} days, {table.groupby('seed')['events'].first().mean():.0f} "
        f"events per series on average, {time.perf_counter() - started:.1f} s"
    )
    print(report(table).round(3).to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
