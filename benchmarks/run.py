"""``make bench``: every method on the same input, in one run, with ratios and memory.

    python -m benchmarks.run                       # the full grid (several minutes)
    python -m benchmarks.run --dry-run             # one tiny size, every method (run by make test)
    python -m benchmarks.run --events 1e6 --dyads 1e3 --methods tension.core.decayed_sum,polars
    python -m benchmarks.run --parts e2e --e2e-sizes 4000000/30000   # end to end only, one size
    python -m benchmarks.run --parts targets       # the grid and snapshot targets, in one process

Four parts: ``kernel`` (the decayed sum on arrays against its peers, ``kernel.md``,
``kernel.csv``, ``events_per_second.png``), ``e2e`` (from one pandas DataFrame, against the
polars equivalent, random and time order, ``e2e.md``, ``e2e.csv``,
``e2e_events_per_second.png``; see :mod:`benchmarks.bench_e2e`), ``targets`` (the speed
targets in one process: the ``tn.score`` daily grid of 1,000 dyads x 10 years in cells per
second, and ``tn.score(at=...)`` against ``tn.score_events`` on 4M events and 30,000
dyads, ``targets.md``) and ``api`` (readers, grids, streaming, ``api.md``, ``api.csv``).
Except ``targets``, each method runs in a fresh process: peak memory is that process's peak resident set size
(VmHWM, reset before each run) above what it held once the input was built, with glibc
told to return large blocks to the system (so that resident memory follows use). Times are the best of
``--repeat`` runs (one run for the slow pure-Python methods). Every output is checked against
tension's: ``|a - b| <= 1e-9 * gross``, where ``gross`` is the same decayed sum of ``|scores|``
(the honest scale of a signed sum). Results go to ``benchmarks/results/``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from . import bench_api, bench_e2e, bench_kernel, peers

RESULTS = Path(__file__).parent / "results"
TOLERANCE = 1e-9
#: The pure-Python methods run up to this many events (the ratios are taken at 1 million).
SLOW_UP_TO = 1_000_000


def _status_mb(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    """Reset the process's peak resident set size (Linux: clear_refs 5)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _peak_rss_mb() -> float:
    peak = _status_mb("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(name: str, n: int, d: int, repeat: int, sorted_input: bool, out_path: str) -> dict:
    """Run one method in this process; save its output; return timings and memory."""
    bench_kernel.warm_up(name)
    cls = bench_kernel.DecayedSum if sorted_input else bench_kernel.DecayedSumUnsorted
    bench = cls()
    bench.setup(n, d)
    timer = getattr(bench, bench_kernel.TIMERS[name])
    times, peak = [], 0.0
    for _ in range(1 if name in peers.SLOW else repeat):
        out = None
        base = _status_mb("VmRSS") if _reset_peak() else _peak_rss_mb()
        start = time.perf_counter()
        out = timer(n, d)
        times.append(time.perf_counter() - start)
        peak = max(peak, _peak_rss_mb() - base)
    np.save(out_path, np.asarray(out, dtype=float))
    return {"seconds": min(times), "peak_mb": peak, "input_mb": 3 * 8 * n / 2**20}


def e2e_worker(name: str, frame_path: str, repeat: int, out_path: str) -> dict:
    """Run one end-to-end method on the frame stored at ``frame_path``; save its tension."""
    from . import bench_e2e

    bench_e2e.warm_up(name)
    frame = bench_e2e.prepare(name, pd.read_parquet(frame_path))
    input_mb = frame.memory_usage(deep=True).sum() / 2**20
    function = bench_e2e.METHODS[name][0]
    times, peak, result = [], 0.0, None
    for _ in range(repeat):
        result = None
        base = _status_mb("VmRSS") if _reset_peak() else _peak_rss_mb()
        start = time.perf_counter()
        result = function(frame)
        times.append(time.perf_counter() - start)
        peak = max(peak, _peak_rss_mb() - base)
    values = bench_e2e.tension_of(name, result)
    np.save(out_path, values if values is not None else np.zeros(0))
    return {"seconds": min(times), "peak_mb": peak, "input_mb": input_mb}


def path_of(folder: str, method: str) -> str:
    """Where a method's tension is saved (one file per method)."""
    return os.path.join(folder, f"out_{zlib.crc32(method.encode()):08x}.npy")


def _subprocess(args: list[str], memory: bool) -> dict:
    command = [sys.executable, "-m", "benchmarks.run", *args]
    env = dict(os.environ, PYTHONHASHSEED="0")
    if memory:
        env.update(MALLOC_MMAP_THRESHOLD_="131072", MALLOC_TRIM_THRESHOLD_="131072")
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


#: Turns of the end-to-end methods, in fresh processes: the order of the methods, then the
#: reverse (a method's speed in a fresh process depends on what the process before it left
#: in the machine's memory; each method's best turn counts).
TURNS = 2


def e2e_grid(sizes, orders, methods, repeat, progress=print, *, fresh: bool = True) -> pd.DataFrame:
    """Every end-to-end method on the same stored frame, each in a fresh process in
    :data:`TURNS` turns (or, with ``fresh=False``, for the dry run, once, all in this one)."""
    from . import bench_e2e

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, d in sizes:
            for order in orders:
                frame_path = os.path.join(tmp, "events.parquet")
                frame = bench_e2e.user_frame(n, d, order=order)
                frame.to_parquet(frame_path)
                # the reference scale: the polars sum of |weight|
                gross = bench_e2e.polars_score_events(frame.assign(weight=frame["weight"].abs()))["tension"].to_numpy()
                del frame
                reference = None
                names = [bench_e2e.PEER] + [m for m in methods if m != bench_e2e.PEER]
                best: dict = {}
                for turn in range(TURNS if fresh else 1):
                    for name in names if turn % 2 == 0 else names[::-1]:
                        args = ["--e2e-worker", name, "--frame", frame_path, "--out-array", path_of(tmp, name)]
                        if fresh:
                            stats = _subprocess([*args, "--repeat", str(repeat)], memory=False)
                        else:
                            stats = e2e_worker(name, frame_path, repeat, path_of(tmp, name))
                        if name not in best or stats["seconds"] < best[name]["seconds"]:
                            best[name] = stats
                for name in names:
                    stats = best[name]
                    if fresh and name in bench_e2e.MEMORY:  # a second process, allocator returning memory
                        args = ["--e2e-worker", name, "--frame", frame_path, "--out-array", path_of(tmp, name)]
                        stats["peak_mb"] = _subprocess([*args, "--repeat", "1"], memory=True)["peak_mb"]
                    out = np.load(path_of(tmp, name))
                    if name == bench_e2e.PEER:
                        reference = out
                    error = float(np.max(np.abs(out - reference) / np.maximum(gross, 1e-300))) if len(out) else np.nan
                    rows.append(
                        {
                            "events": n,
                            "dyads": d,
                            "order": order,
                            "method": name,
                            **stats,
                            "events_per_s": n / stats["seconds"],
                            "max_rel_error": error,
                        }
                    )
                    progress(
                        f"  n={n:>10,} d={d:>7,} {order:<6} {name:<40} {stats['seconds']:8.3f} s  "
                        f"peak +{stats['peak_mb']:7.0f} MB ({stats['peak_mb'] / stats['input_mb']:.2f}x input)"
                    )
    frame = pd.DataFrame(rows)
    peer = frame[frame["method"] == bench_e2e.PEER].set_index(["events", "dyads", "order"])["seconds"]
    keys = list(zip(frame["events"], frame["dyads"], frame["order"], strict=True))
    frame["speedup_vs_polars"] = peer.loc[keys].to_numpy() / frame["seconds"].to_numpy()
    frame["agrees"] = (frame["max_rel_error"] <= TOLERANCE) | frame["max_rel_error"].isna()
    return frame


def _e2e_markdown(frame: pd.DataFrame) -> str:
    table = frame.assign(
        seconds=frame["seconds"].map("{:.3f}".format),
        events_per_s=frame["events_per_s"].map("{:,.0f}".format),
        speedup_vs_polars=frame["speedup_vs_polars"].map("{:.2f}×".format),
        peak_mb=frame["peak_mb"].map("{:.0f}".format),
        input_mb=frame["input_mb"].map("{:.0f}".format),
        peak_over_input=(frame["peak_mb"] / frame["input_mb"]).map("{:.2f}".format),
        max_rel_error=frame["max_rel_error"].map(lambda e: "—" if np.isnan(e) else f"{e:.1e}"),
    )[
        [
            "events",
            "dyads",
            "order",
            "method",
            "seconds",
            "events_per_s",
            "speedup_vs_polars",
            "input_mb",
            "peak_mb",
            "peak_over_input",
            "max_rel_error",
            "agrees",
        ]
    ]
    return markdown(table)


def _run_worker(name, n, d, repeat, sorted_input, out_path) -> dict:
    """Time a method (best of ``repeat``, default allocator) and measure its memory (one run
    with large blocks always mmapped and returned on free, so that resident memory follows
    use; that costs page faults, hence the separate process). Slow methods: one run for both."""

    def once(repeat, memory):
        command = [
            sys.executable,
            "-m",
            "benchmarks.run",
            "--worker",
            name,
            "--events",
            str(n),
            "--dyads",
            str(d),
            "--repeat",
            str(repeat),
            "--out-array",
            out_path,
        ] + ([] if sorted_input else ["--unsorted"])
        env = dict(os.environ, PYTHONHASHSEED="0")
        if memory:
            env.update(MALLOC_MMAP_THRESHOLD_="131072", MALLOC_TRIM_THRESHOLD_="131072")
        result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"{name} at n={n}, d={d} failed:\n{result.stderr[-3000:]}")
        return json.loads(result.stdout.strip().splitlines()[-1])

    if name in peers.SLOW:
        return once(1, memory=True)
    timing = once(repeat, memory=False)
    timing["peak_mb"] = once(1, memory=True)["peak_mb"]
    return timing


def kernel_grid(events, dyads, methods, repeat, sorted_input=True, progress=print) -> pd.DataFrame:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in events:
            for d in dyads:
                groups, times, scores = peers.generate(n, d, time_sorted=sorted_input)
                reference = peers.tension_core(groups, times, scores, bench_kernel.HALF_LIFE)
                gross = peers.tension_core(groups, times, np.abs(scores), bench_kernel.HALF_LIFE)
                del groups, times, scores
                for name in methods:
                    if name in peers.SLOW and n > SLOW_UP_TO:
                        continue
                    path = os.path.join(tmp, "out.npy")
                    stats = _run_worker(name, n, d, repeat, sorted_input, path)
                    out = np.load(path)
                    error = (
                        float(np.max(np.abs(out - reference) / np.maximum(gross, 1e-300)))
                        if name != "memory floor"
                        else np.nan
                    )
                    rows.append(
                        {
                            "events": n,
                            "dyads": d,
                            "method": name,
                            "time_sorted": sorted_input,
                            **stats,
                            "events_per_s": n / stats["seconds"],
                            "max_rel_error": error,
                        }
                    )
                    progress(
                        f"  n={n:>10,} d={d:>7,} {name:<28} {stats['seconds']:9.3f} s  peak +{stats['peak_mb']:8.1f} MB"
                    )
    frame = pd.DataFrame(rows)
    ours = frame[frame["method"] == "tension.core.decayed_sum"].set_index(["events", "dyads"])["seconds"]
    frame["ratio_to_tension"] = (
        frame["seconds"].to_numpy() / ours.loc[list(zip(frame["events"], frame["dyads"], strict=True))].to_numpy()
    )
    frame["agrees"] = (frame["max_rel_error"] <= TOLERANCE) | frame["max_rel_error"].isna()
    return frame


def markdown(table: pd.DataFrame) -> str:
    """A DataFrame as a Markdown table (without the optional tabulate package)."""
    header = "| " + " | ".join(map(str, table.columns)) + " |\n|" + "---|" * len(table.columns) + "\n"
    return header + "\n".join("| " + " | ".join(str(v) for v in row) + " |" for row in table.itertuples(index=False))


def _markdown(frame: pd.DataFrame) -> str:
    table = frame.assign(
        seconds=frame["seconds"].map("{:.3f}".format),
        events_per_s=frame["events_per_s"].map("{:,.0f}".format),
        ratio_to_tension=frame["ratio_to_tension"].map("{:.2f}×".format),
        peak_mb=frame["peak_mb"].map("{:.0f}".format),
        peak_over_input=(frame["peak_mb"] / frame["input_mb"]).map("{:.2f}".format),
        max_rel_error=frame["max_rel_error"].map(lambda e: "—" if np.isnan(e) else f"{e:.1e}"),
    )[
        [
            "events",
            "dyads",
            "method",
            "seconds",
            "events_per_s",
            "ratio_to_tension",
            "peak_mb",
            "peak_over_input",
            "max_rel_error",
            "agrees",
        ]
    ]
    return markdown(table)


def plot(frame: pd.DataFrame, path: Path, *, panels: str = "dyads", title: str = "") -> None:
    """Events per second against the number of events, one line per method, one panel per
    value of ``panels`` (log-log)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from tension.plot import QUALITATIVE

    keys = list(dict.fromkeys(frame[panels]))
    fig, axes = plt.subplots(
        1, len(keys), figsize=(5.5 * len(keys), 4.4), sharey=True, layout="constrained", squeeze=False
    )
    colors = dict(zip(dict.fromkeys(frame["method"]), QUALITATIVE * 3, strict=False))
    for ax, key in zip(axes[0], keys, strict=True):
        for name, group in frame[frame[panels] == key].groupby("method", sort=False):
            style = ":" if name == "memory floor" else "-"
            ax.plot(group["events"], group["events_per_s"], style, marker="o", color=colors[name], label=name)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"{key:,} dyads" if panels == "dyads" else f"rows in {key} order", loc="left")
        ax.set_xlabel("events")
        ax.grid(color="#dddddd", lw=0.6, which="both")
    axes[0][0].set_ylabel("events per second (higher is faster)")
    axes[0][-1].legend(fontsize=7, frameon=False, loc="lower left")
    fig.suptitle(title, x=0.01, ha="left")
    fig.savefig(path, dpi=120)
    plt.close(fig)


def machine() -> str:
    import numpy

    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, numpy {numpy.__version__}"


def summary(out: Path) -> str | None:
    """The README's table, from ``kernel.csv`` and ``e2e.csv`` in ``out`` (None if missing)."""
    if not ((out / "kernel.csv").exists() and (out / "e2e.csv").exists()):
        return None
    kernel, e2e = pd.read_csv(out / "kernel.csv"), pd.read_csv(out / "e2e.csv")
    lines = [
        "| end to end, from one pandas DataFrame | rows in | tn.score_events | polars | speed-up | "
        "read_events frame | peak memory / input frame |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for (n, d, order), group in e2e.groupby(["events", "dyads", "order"], sort=False):
        row = group.set_index("method")
        if "tn.score_events" not in row.index or bench_e2e.PEER not in row.index:
            continue
        ours, peer = row.loc["tn.score_events"], row.loc[bench_e2e.PEER]
        validated = (
            row.loc["tn.score_events (read_events frame)"]
            if "tn.score_events (read_events frame)" in row.index
            else None
        )
        lines.append(
            f"| {n:,} events, {d:,} dyads | {order} order | {ours['seconds']:.2f} s | {peer['seconds']:.2f} s | "
            f"{peer['seconds'] / ours['seconds']:.2f}× | "
            f"{'' if validated is None else format(validated['seconds'], '.2f') + ' s'} | "
            f"{ours['peak_mb'] / ours['input_mb']:.1f} |"
        )
    lines += [
        "",
        "| kernel on arrays (time order) | tension numpy | tension numba | best numba loop | polars | "
        "plain Python loop | numpy vs loop | numba vs loop |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    sorted_ = kernel[kernel["time_sorted"]]
    for (n, d), group in sorted_.groupby(["events", "dyads"], sort=False):
        if n < 1_000_000:
            continue
        s = group.set_index("method")["seconds"]
        loop = s.get("plain Python loop", np.nan)
        numpy_, numba_ = s["tension.core.decayed_sum"], s.get("tension.core.decayed_sum(engine='numba')", np.nan)
        cells = [
            f"{v:.3f} s" if np.isfinite(v) else "—"
            for v in (
                numpy_,
                numba_,
                s.get("numba @njit one pass (per-dyad state)", np.nan),
                s.get("polars ewm_sum_by", np.nan),
                loop,
            )
        ]
        ratios = [f"{loop / v:.0f}×" if np.isfinite(loop) else "—" for v in (numpy_, numba_)]
        lines.append(f"| {n:,} events, {d:,} dyads | " + " | ".join(cells + ratios) + " |")
    return "\n".join(lines) + "\n"


def targets(*, dry: bool = False, repeat: int = 3) -> str:
    """Issue 11's targets measured in this one process: the daily grid's cells per second
    (at least 5 million) and the snapshot's time against ``score_events`` (at most 1)."""
    grid = {"n_dyads": 20, "years": 1, "events": 2_000, "repeat": 1} if dry else {"repeat": max(repeat, 1)}
    seconds, cells, grid_size = bench_e2e.grid_cells(**grid)
    sizes = {"events": 3_000, "n_dyads": 50, "repeat": 1} if dry else {"repeat": max(repeat, 1)}
    snap, events, snap_size = bench_e2e.snapshot_against_events(**sizes)
    return (
        f"`tn.score` daily grid ({grid_size}): {cells:,} cells (dyads x days) in {seconds:.3f} s, "
        f"{cells / seconds:,.0f} cells/s (target >= 5,000,000).\n\n"
        f"`tn.score(at=...)` snapshot ({snap_size}): {snap:.3f} s; `tn.score_events`: {events:.3f} s; "
        f"ratio {snap / events:.2f} (target <= 1). Best of {grid.get('repeat', 1)} each, in one process.\n"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", default="1e5,1e6,1e7", help="kernel grid: comma-separated event counts")
    parser.add_argument("--dyads", default="10,1e3,1e5", help="kernel grid: comma-separated dyad counts")
    parser.add_argument("--methods", default="all", help="comma-separated names (or prefixes) of methods, or all")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--unsorted", action="store_true", help="kernel grid: input not in time order")
    parser.add_argument("--dry-run", action="store_true", help="one tiny size, results to a temporary folder")
    parser.add_argument("--out", default=str(RESULTS), help="results folder")
    parser.add_argument(
        "--parts", default="kernel,e2e,targets,api", help="which parts: kernel, e2e, targets, api (comma-separated)"
    )
    parser.add_argument(
        "--e2e-sizes",
        default=",".join(f"{n}/{d}" for n, d in bench_e2e.SIZES),
        help="end to end: comma-separated events/dyads",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--e2e-worker", help=argparse.SUPPRESS)
    parser.add_argument("--frame", help=argparse.SUPPRESS)
    parser.add_argument("--out-array", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    events = [int(float(x)) for x in args.events.split(",")]
    dyads = [int(float(x)) for x in args.dyads.split(",")]
    if args.worker:
        print(json.dumps(worker(args.worker, events[0], dyads[0], args.repeat, not args.unsorted, args.out_array)))
        return 0
    if args.e2e_worker:
        print(json.dumps(e2e_worker(args.e2e_worker, args.frame, args.repeat, args.out_array)))
        return 0
    wanted = [w.strip() for w in args.methods.split(",")]
    pick = (
        (lambda names: list(names))
        if args.methods == "all"
        else (lambda names: [m for m in names if any(m.startswith(w) for w in wanted)])
    )
    parts = {p.strip() for p in args.parts.split(",")}
    sizes = [tuple(int(float(x)) for x in s.split("/")) for s in args.e2e_sizes.split(",")]
    if args.dry_run:
        events, dyads, args.repeat, sizes = [2_000], [7], 1, [(3_000, 50)]
        args.out = tempfile.mkdtemp(prefix="tension-bench-")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    header = f"Machine: {machine()}\n\n"
    print(f"machine: {machine()}")
    bad = []
    if "kernel" in parts:
        names = pick(peers.METHODS)
        grid = kernel_grid(events, dyads, names, args.repeat, sorted_input=not args.unsorted)
        if not args.unsorted and not args.dry_run:
            unsorted = kernel_grid(
                [max(events)], [max(dyads)], [m for m in names if m not in peers.SLOW], args.repeat, sorted_input=False
            )
            grid = pd.concat([grid, unsorted], ignore_index=True)
        grid.to_csv(out / "kernel.csv", index=False)
        (out / "kernel.md").write_text(header + _markdown(grid) + "\n")
        plot(
            grid[grid["time_sorted"]],
            out / "events_per_second.png",
            title="The decayed event sum on arrays (kernel only): tension against its peers, same input, one run",
        )
        print(_markdown(grid))
        bad.append(grid[~grid["agrees"]])
    if "e2e" in parts:
        e2e = e2e_grid(sizes, ["random", "time"], pick(bench_e2e.METHODS), args.repeat, fresh=not args.dry_run)
        e2e.to_csv(out / "e2e.csv", index=False)
        (out / "e2e.md").write_text(header + _e2e_markdown(e2e) + "\n")
        plot(
            e2e,
            out / "e2e_events_per_second.png",
            panels="order",
            title="End to end from one pandas DataFrame (validation, dyads, grouping, kernel, output frame)",
        )
        print(_e2e_markdown(e2e))
        bad.append(e2e[~e2e["agrees"]])
    if "targets" in parts:
        note = targets(dry=args.dry_run, repeat=args.repeat)
        (out / "targets.md").write_text(header + note)
        print(note)
    if "api" in parts:
        api = bench_api.run_all(dry=args.dry_run)
        api.to_csv(out / "api.csv", index=False)
        (out / "api.md").write_text(header + markdown(api) + "\n")
        print(api.to_string(index=False))
    table = summary(out)
    if table is not None:
        (out / "summary.md").write_text(header + table)
        print(table)
    bad = [b for b in bad if len(b)]
    if bad:
        print(f"DISAGREEMENT beyond {TOLERANCE} relative:\n{pd.concat(bad).to_string()}", file=sys.stderr)
        return 1
    print(f"results in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
