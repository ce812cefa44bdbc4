"""End-to-end benchmarks of the pandas API, the readers and streaming (in this process)."""

from __future__ import annotations

import os
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
    return _row(label, n, best, unit), result


def _row(benchmark: str, size: int, seconds: float, unit: str = "rows", note: str | None = None) -> dict:
    """One row of ``api.md``: the best time of ``size`` items and their rate."""
    row = {
        "benchmark": benchmark,
        "size": size,
        "seconds": round(seconds, 4),
        "rate": f"{size / seconds:,.0f} {unit}/s",
    }
    return row if note is None else {**row, "note": note}


def run_all(dry: bool = False) -> pd.DataFrame:
    rows = []
    n_small, n_large, dyads = (2_000, 4_000, 50) if dry else (1_000_000, 10_000_000, 1_000)
    small = events_frame(n_small, dyads)
    row, _ = _timed(
        "tn.read_events (validation only)", n_small, "events", lambda: tn.read_events(small, duplicates="keep")
    )
    rows.append(row)
    for fmt, peer in (
        ("%Y-%m-%d %H:%M:%S", dict(format="ISO8601")),
        ("%d/%m/%Y %H:%M:%S", dict(dayfirst=True)),
    ):
        # dates as text with seconds: almost every value distinct (the worst case of
        # reading each distinct text once); the peer is pandas told the format family
        text = small.assign(date=small["date"].dt.strftime(fmt))
        row, _ = _timed(
            f"tn.read_events, text dates {fmt!r}",
            n_small,
            "events",
            lambda t=text: tn.read_events(t, duplicates="keep"),
        )
        peer_row, _ = _timed("", n_small, "events", lambda t=text, k=peer: pd.to_datetime(t["date"], **k))
        row["note"] = (
            f"pd.to_datetime alone ({', '.join(f'{a}={b!r}' for a, b in peer.items())}): {peer_row['seconds']} s"
        )
        rows.append(row)
    row, _ = _timed("tn.score_events (DataFrame, end to end)", n_small, "events", lambda: tn.score_events(small))
    rows.append(row)
    row, daily = _timed("tn.score(freq='D'), 10 years", n_small, "events", lambda: tn.score(small))
    row["note"] = f"{len(daily):,} rows ({dyads:,} dyads x {daily['date'].nunique():,} days)"
    rows.append(row)
    rows.append(_csv_writer(daily.iloc[:1_000_000], dry))
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
    rows.extend(_gdelt_throughput(dry))
    rows.extend(_gdelt_small_files(dry))
    rows.extend(_icews_months(dry))
    rows.append(_reader_rows(dry))
    return pd.DataFrame(rows).fillna("")


def _csv_writer(grid: pd.DataFrame, dry: bool) -> dict:
    """The command's CSV writer against pandas' ``to_csv(index=False)`` on rows of a daily
    grid, both written to memory, in turns (best of 2), the bytes compared."""
    import io

    from tension.cli._csv import write_csv

    def writer() -> bytes:
        out = io.BytesIO()
        write_csv(grid, out.write)
        return out.getvalue()

    best, results = _best_times(
        {"writer": writer, "pandas": lambda: grid.to_csv(index=False).encode()}, 1 if dry else 2
    )
    return _row(
        "the command's CSV writer (tension score -o out.csv), rows of a daily grid",
        len(grid),
        best["writer"],
        note=f"pandas' to_csv {best['pandas']:.2f} s ({best['pandas'] / best['writer']:.1f}x); "
        f"{len(results['writer']) / 2**20:,.0f} MiB, the same bytes: {results['writer'] == results['pandas']}",
    )


def _best_times(functions: dict, turns: int) -> tuple[dict, dict]:
    """Each function's best time over ``turns`` turns, the functions called in turn (so
    that the machine's state is shared alike), and what each returned last."""
    best = dict.fromkeys(functions, np.inf)
    results: dict = {}
    for _ in range(turns):
        for name, function in functions.items():
            start = time.perf_counter()
            results[name] = function()
            best[name] = min(best[name], time.perf_counter() - start)
    return best, results


def _icews_months(dry: bool) -> list[dict]:
    """read_icews on ten months of real ICEWS records (the external data, when present),
    against pandas reading the same file as text alone (no checks, no mapping)."""
    path = EXTERNAL_DATA / "icews18" / "icews18_international.tab"
    if dry or not path.exists():
        return []
    best, results = _best_times(
        {
            "read_icews": lambda: tn.io.read_icews(path),
            "peer": lambda: pd.read_csv(path, sep="\t", dtype=str, quoting=3, keep_default_na=False),
        },
        3,
    )
    records = len(results["peer"])
    return [
        _row(
            "tension.io.read_icews, ten months of ICEWS (2018)",
            records,
            best["read_icews"],
            note=f"{path.stat().st_size / 2**20:.0f} MB; pd.read_csv of the file as text alone: {best['peer']:.3f} s",
        )
    ]


def _reader_rows(dry: bool) -> dict:
    """``iterrows`` over a reader's frame, whose report every row shares (read-only), against
    the same frame without a report: about the same time when the report is not copied. A
    real ACLED read (the external data, when present; a report naming hundreds of unmapped
    actors), else the bundled GDELT export."""
    import warnings

    path = EXTERNAL_DATA / "real" / "acled_2020_global_rpanlilio.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (the file's last record is cut off, and reported)
        if not dry and path.exists():
            events = tn.io.read_acled(path)
        else:
            path = Path(tn.datasets.path("gdelt2_20170101073000.export.CSV"))
            events = tn.io.read_gdelt(path)
    plain = events.copy()
    plain.attrs = {}
    best, _ = _best_times({"reader": lambda: list(events.iterrows()), "plain": lambda: list(plain.iterrows())}, 3)
    details = sum(len(values) for values in events.attrs["report"].details.values())
    return _row(
        f"iterrows over a reader's frame ({path.name})",
        len(events),
        best["reader"],
        note=f"the same frame without its report (report details: {details} entries): {best['plain']:.4f} s",
    )


def _copy(state):
    import copy

    return copy.deepcopy(state)


#: The GDELT 2.0 fields the pyarrow peer reads: those read_gdelt returns (Actor1/2 names
#: and country codes, EventCode, counts, tone, DATEADDED, SOURCEURL ...).
GDELT2_FIELDS = [0, 1, 6, 7, 16, 17, 25, 26, 29, 30, 31, 32, 33, 34, 59, 60]


def gdelt_peer(path) -> pd.DataFrame:
    """The peer of read_gdelt: pyarrow's CSV reader (tab-separated, no header, the fields
    read_gdelt returns, as strings) and the country-pair filter (both Actor1CountryCode
    and Actor2CountryCode present and different), to pandas. No checks, no report."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    names = [f"f{i}" for i in range(61)]
    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(column_names=names),
        parse_options=pacsv.ParseOptions(delimiter="\t", quote_char=False),
        convert_options=pacsv.ConvertOptions(
            include_columns=[names[i] for i in GDELT2_FIELDS],
            column_types={names[i]: pa.string() for i in GDELT2_FIELDS},
            strings_can_be_null=False,
        ),
    )
    source, target = table["f7"], table["f17"]
    pair = pc.and_(pc.and_(pc.not_equal(source, ""), pc.not_equal(target, "")), pc.not_equal(source, target))
    return table.filter(pair).to_pandas()


#: Real GDELT files read by the benchmarks when present (never part of the project); the
#: ``TENSION_DATA`` environment variable points elsewhere.
EXTERNAL_DATA = Path(os.environ.get("TENSION_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data")


def _gdelt_small_files(dry: bool) -> list[dict]:
    """read_gdelt and its pyarrow peer on single 15-minute exports as GDELT publishes them
    (the bundled one, and the real ones of the external data when present), timed in
    turns, best of 30: fixed costs dominate files of a thousand records."""
    files = [Path(tn.datasets.path("gdelt2_20170101073000.export.CSV"))]
    files += sorted((EXTERNAL_DATA / "real").glob("gdelt2_*.export.CSV"))
    turns = 1 if dry else 30
    rows = []
    for path in files[:1] if dry else files:
        tn.io.read_gdelt(path, progress=False), gdelt_peer(path)  # (warm: imports, tables)
        best, _ = _best_times(
            {
                "read_gdelt": lambda path=path: tn.io.read_gdelt(path, progress=False),
                "peer": lambda path=path: gdelt_peer(path),
            },
            turns,
        )
        with open(path, "rb") as handle:
            records = sum(1 for _ in handle)
        rows.append(
            _row(
                f"tension.io.read_gdelt, one export ({path.name})",
                records,
                best["read_gdelt"],
                note=f"peer {best['peer'] * 1000:.1f} ms; {best['peer'] / best['read_gdelt']:.2f}x the speed of the peer",
            )
        )
    rows.append(_gdelt_day(files, dry))
    return rows


def _gdelt_day(files: list[Path], dry: bool) -> dict:
    """A day of 15-minute exports (96 files: the exports above, in turn) read in one call,
    against the peer reading each file and concatenating: the next file is parsed while
    this one is checked. Timed in turns, best of 5."""
    count, turns = (2, 1) if dry else (96, 5)
    with tempfile.TemporaryDirectory() as folder:
        day = []
        for k in range(count):
            day.append(Path(folder) / f"{k:02d}.{files[k % len(files)].name}")
            shutil.copyfile(files[k % len(files)], day[-1])
        functions = {
            "read_gdelt": lambda: tn.io.read_gdelt(day, progress=False),
            "peer": lambda: pd.concat([gdelt_peer(path) for path in day], ignore_index=True),
        }
        for function in functions.values():
            function()  # (warm)
        best, _ = _best_times(functions, turns)
        records = 0
        for path in day:
            with open(path, "rb") as handle:
                records += sum(1 for _ in handle)
    ratio = best["peer"] / best["read_gdelt"]
    return _row(
        f"tension.io.read_gdelt, {count} exports in one call (a day)",
        records,
        best["read_gdelt"],
        note=f"peer (file by file, concatenated) {best['peer']:.3f} s; {ratio:.2f}x the speed of the peer",
    )


def _gdelt_throughput(dry: bool) -> list[dict]:
    """read_gdelt and its pyarrow peer on the bundled 2.0 export repeated into one larger
    file (700 times: 504,000 records, 198 MB), timed in turns, best of 5: the machine may
    be shared, so the ratio is the number to read."""
    repeats, turns = (3, 1) if dry else (700, 5)
    source = Path(tn.datasets.path("gdelt2_20170101073000.export.CSV"))
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "big.export.CSV"
        with open(big, "wb") as out:
            for _ in range(repeats):
                with open(source, "rb") as chunk:
                    shutil.copyfileobj(chunk, out)
        rows = 720 * repeats
        best, results = _best_times(
            {"read_gdelt": lambda: tn.io.read_gdelt(big, progress=False), "peer": lambda: gdelt_peer(big)}, turns
        )
        kept = len(results["peer"])
        size = f"{big.stat().st_size / 2**20:.0f} MB"
        ratio = best["peer"] / best["read_gdelt"]
        return [
            _row(
                "tension.io.read_gdelt (GDELT 2.0)",
                rows,
                best["read_gdelt"],
                note=f"{size}; {ratio:.2f}x the speed of the pyarrow peer (>= 1: at least as fast)",
            ),
            _row(
                "peer: pyarrow.csv.read_csv + country-pair filter",
                rows,
                best["peer"],
                note=f"{size}, {kept:,} rows with two different country codes (no checks, no report)",
            ),
        ]
