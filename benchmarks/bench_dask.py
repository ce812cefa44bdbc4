"""``make bench-dask``: score_events out of core on Parquet files, on a local Dask cluster.

    python -m benchmarks.bench_dask --events 1e8 --files 100 --data /tmp/tension-dask

Writes the events as Parquet files (once; reused when present), reads them with
``dask.dataframe.read_parquet``, scores them with ``tn.score_events`` on a
``distributed.LocalCluster`` and writes the result back to Parquet, never holding all of it
in memory. Reports the wall time and each worker's peak resident memory, sampled every
half second. Results go to ``benchmarks/results/dask.md``.
"""

from __future__ import annotations

import argparse
import threading
import time
from pathlib import Path

from .bench_api import events_frame
from .run import RESULTS, machine, markdown


def write_events(folder: Path, events: int, files: int, dyads: int):
    folder.mkdir(parents=True, exist_ok=True)
    per_file = events // files
    for k in range(files):
        path = folder / f"events-{k:04d}.parquet"
        if not path.exists():
            frame = events_frame(per_file, dyads, seed=1000 + k)
            frame.to_parquet(path, index=False)


def _worker_rss(client) -> dict:
    import psutil

    return client.run(lambda: psutil.Process().memory_info().rss)


def main(argv=None) -> int:
    import dask.dataframe as dd
    import distributed
    import pandas as pd

    import tension as tn

    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_dask", description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", default="1e8")
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--dyads", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-limit", default="6GB", help="per worker")
    parser.add_argument("--data", default="/tmp/tension-dask-bench")
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args(argv)
    events = int(float(args.events))
    data = Path(args.data)
    start = time.perf_counter()
    write_events(data / "events", events, args.files, args.dyads)
    prepared = time.perf_counter() - start
    size = sum(p.stat().st_size for p in (data / "events").glob("*.parquet"))
    print(f"{events:,} events in {args.files} Parquet files ({size / 2**30:.2f} GiB), prepared in {prepared:.0f} s")
    with (
        distributed.LocalCluster(
            n_workers=args.workers, threads_per_worker=1, memory_limit=args.memory_limit, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        peaks: dict[str, int] = {}
        done = threading.Event()

        def sample():
            while not done.is_set():
                try:
                    for worker, rss in _worker_rss(client).items():
                        peaks[worker] = max(peaks.get(worker, 0), rss)
                except Exception:  # noqa: BLE001 - a worker restarting must not stop the sampling
                    pass
                done.wait(0.5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        start = time.perf_counter()
        frame = dd.read_parquet(data / "events")
        scored = tn.score_events(frame)
        scored.to_parquet(data / "scored", overwrite=True)
        elapsed = time.perf_counter() - start
        done.set()
        sampler.join()
    written = len(dd.read_parquet(data / "scored"))
    result = pd.DataFrame(
        [
            {
                "events": f"{events:,}",
                "files": args.files,
                "dyads": f"{args.dyads:,}",
                "workers": args.workers,
                "memory limit per worker": args.memory_limit,
                "seconds": round(elapsed, 1),
                "events/s": f"{events / elapsed:,.0f}",
                "rows written": f"{written:,}",
                "peak RSS per worker (GiB)": ", ".join(f"{v / 2**30:.2f}" for v in peaks.values()),
            }
        ]
    )
    text = f"Machine: {machine()}\n\n{markdown(result)}\n"
    print(text)
    Path(args.out).mkdir(parents=True, exist_ok=True)
    (Path(args.out) / "dask.md").write_text(text)
    return 0 if written == events else 1


if __name__ == "__main__":
    raise SystemExit(main())
