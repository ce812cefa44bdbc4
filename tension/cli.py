"""The ``tension`` command line: ``demo``, ``score``, ``plot``, ``extract``, ``kinds``, ``episodes`` and ``alerts``."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import pandas as pd

__all__ = ["main", "build_parser"]

DEMO_START, DEMO_END, DEMO_AT = "2024-01-10", "2024-02-29", "2024-01-29"
DEMO_DAYS = [
    "2024-01-16",
    "2024-01-17",
    "2024-01-18",
    "2024-01-26",
    "2024-01-27",
    "2024-01-28",
    "2024-01-29",
    "2024-01-30",
    "2024-02-15",
    "2024-02-29",
]
READERS = ("events", "gdelt", "icews", "acled", "plover")
PLOTS = ("timeline", "decomposition", "drivers", "heatmap", "small-multiples", "contributions")  # the last: 0.1 name
_PROGRESS_BYTES = 50 * 2**20


class CliError(Exception):
    """A usage problem found after parsing (reported as one line, exit code 2)."""


# --- input and parameters ------------------------------------------------------------


def _half_life(text: str):
    """``30`` or ``material_conflict=60,verbal_cooperation=10,default=30``."""
    if "=" not in text:
        try:
            return float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number of days: {text!r}") from None
    return _pairs(text, "a name=days pair")


def _pairs(text: str, what: str) -> dict[str, float]:
    """``a=1,b=-2`` as a dict of floats."""
    out = {}
    for item in text.split(","):
        name, _, value = item.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not {what}: {item!r}") from None
    return out


def _weights(text: str):
    """``drone_incursion=6,talks=-2`` or a CSV file with columns kind and weight."""
    if Path(text).suffix.lower() in (".csv", ".tsv") or Path(text).exists():
        if not Path(text).exists():
            raise argparse.ArgumentTypeError(f"no such weights file: {text}")
        table = pd.read_csv(text, sep="\t" if text.lower().endswith(".tsv") else ",", dtype={"cameo": str})
        if not {"kind", "weight"} <= set(table.columns):
            raise argparse.ArgumentTypeError(f"{text}: a weights file needs columns kind and weight")
        return dict(zip(table["kind"], table["weight"], strict=True))
    return _pairs(text, "a kind=weight pair")


def _read_events(path: str, source: str, progress: bool | None, weights=None):
    """Read the events; a reader's kept/skipped report goes to stderr, and an input
    that yields no events is a CliError with the reasons (and the right ``--from``)."""
    try:
        events = _read(path, source, progress, weights)
    except (ValueError, OSError) as err:
        from .events import EventError

        hint = _format_hint(path, source)
        text = _message(err)
        if not isinstance(err, EventError) and path not in text:
            text = f"{path}: {text}"  # e.g. pandas' "No columns to parse from file"
        if hint or text != _message(err):
            raise CliError(text + (f"\n{hint}" if hint else "")) from None
        raise
    report = events.attrs.get("report")
    if report is not None:
        for line in str(report).splitlines():
            print(f"tension: {line}", file=sys.stderr)
    if len(events) == 0:
        reasons = (
            "; ".join(f"{why}: {n}" for why, n in sorted(report.skipped.items(), key=lambda kv: -kv[1]))
            if report
            else ""
        )
        text = f"no events to score in {path}" + (f" (skipped: {reasons})" if reasons else "")
        hint = _format_hint(path, source)
        raise CliError(text + (f"\n{hint}" if hint else ""))
    return events


def _format_hint(path: str, source: str) -> str:
    """ "the file looks like X: use --from X" when its first line says so."""
    import tension as tn

    guess = tn.io.guess_format(path) if not any(ch in path for ch in "*?[") else None
    if guess and guess != source:
        return (
            f"{path} looks like {guess.upper() if guess != 'events' else 'a tension events'} data: use --from {guess}"
        )
    return ""


def _read(path: str, source: str, progress: bool | None, weights=None):
    import tension as tn

    if source == "gdelt":
        return tn.io.read_gdelt(path, progress=progress)
    if source != "events":
        return getattr(tn.io, f"read_{source}")(path)
    file = Path(path)
    if not file.exists():
        raise FileNotFoundError(f"no such events file: {path}")
    if file.is_dir():
        raise CliError(f"{path} is a directory, not an events file")
    big = file.stat().st_size > _PROGRESS_BYTES if progress is None else progress
    if big and file.suffix.lower() == ".csv":
        from tqdm import tqdm

        chunks = []
        with tqdm(total=file.stat().st_size, unit="B", unit_scale=True, desc="reading", file=sys.stderr) as bar:
            with open(file, "rb") as handle:
                for chunk in pd.read_csv(handle, dtype={"cameo": str}, chunksize=200_000):
                    chunks.append(chunk)
                    bar.update(handle.tell() - bar.n)
        frame = pd.concat(chunks, ignore_index=True)
        return tn.read_events(frame, weights=weights)
    try:
        return tn.read_events(path, weights=weights)
    except UnicodeDecodeError as err:
        raise CliError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start}); save it as UTF-8") from None


def _check_options(args) -> None:
    """Options that argparse cannot check, each refused in one line."""
    freq = getattr(args, "freq", None)
    if freq is not None:
        try:
            offset = pd.tseries.frequencies.to_offset(freq)
        except (ValueError, TypeError):
            raise CliError(f"--freq {freq!r} is not a pandas frequency (D, W, MS, 6h, …)") from None
        if getattr(offset, "n", 1) <= 0:
            raise CliError(f"--freq {freq!r} must be a positive step, e.g. 1D")
    top = getattr(args, "top", None)
    if top is not None and top < 1:
        raise CliError(f"--top must be at least 1, not {top}")
    for name in ("start", "end", "at"):
        value = getattr(args, name, None)
        if value is not None:
            try:
                stamp = pd.Timestamp(value)
            except (ValueError, TypeError):
                stamp = pd.NaT
            if pd.isna(stamp) or str(value).strip().lower() in ("now", "today"):
                raise CliError(f"--{name} {value!r} is not a date (write it as YYYY-MM-DD)")
    if getattr(args, "start", None) and getattr(args, "end", None):
        start, end = pd.Timestamp(args.start), pd.Timestamp(args.end)
        if (start.tz is None) != (end.tz is None):
            raise CliError(f"--start {args.start} and --end {args.end}: give a time zone on both or on neither")
        if start > end:
            raise CliError(f"--start {args.start} is after --end {args.end}")
    dpi = getattr(args, "dpi", None)
    if dpi is not None and dpi < 1:
        raise CliError(f"--dpi must be at least 1, not {dpi}")
    output = getattr(args, "output", None)
    if output and output != "-":
        folder = Path(output).resolve().parent
        if Path(output).is_dir():
            raise CliError(f"-o {output} is a directory; give a file name")
        if not folder.is_dir():
            raise CliError(f"cannot write {output}: no such directory {folder}")


def _check_direction(events, args) -> None:
    """Refuse --directed on events without a direction, and a grid outside the events."""
    import tension as tn

    tn.io.check_direction(events, directed=bool(args.directed))
    first, last = events["date"].min(), events["date"].max()
    if args.start and not args.end and pd.Timestamp(args.start).tz_localize(None) > last.tz_localize(None):
        raise CliError(f"--start {args.start} is after the last event ({last:%Y-%m-%d}); give --end as well")
    if args.end and not args.start and pd.Timestamp(args.end).tz_localize(None) < first.tz_localize(None):
        raise CliError(f"--end {args.end} is before the first event ({first:%Y-%m-%d}); give --start as well")


def _score_kwargs(args) -> dict:
    kwargs = {"directed": args.directed or None, "weights": args.weights}
    if args.half_life is not None:
        kwargs["half_life"] = args.half_life
    return kwargs


def _check_dyads(known, wanted):
    missing = [d for d in wanted or [] if d not in set(known)]
    if missing:
        shown = ", ".join(sorted(set(known))[:12])
        raise CliError(f"no events for dyad {', '.join(missing)}; dyads present: {shown}")


def _write(frame: pd.DataFrame, output: str):
    if output == "-":
        frame.to_csv(sys.stdout, index=False)
        sys.stdout.flush()
        return
    path = Path(output)
    suffix = path.suffix.lower()
    if suffix not in (".parquet", ".csv", ".tsv"):
        raise CliError(f"cannot write {output!r}: use a .csv, .tsv or .parquet file name, or - for standard output")
    try:
        if suffix == ".parquet":
            frame.to_parquet(path, index=False)
        else:
            frame.to_csv(path, index=False, sep="\t" if suffix == ".tsv" else ",")
    except OSError as err:
        raise CliError(f"cannot write {output}: {(err.strerror or str(err)).lower()}") from None
    print(f"wrote {len(frame)} rows to {path}", file=sys.stderr)


# --- commands ----------------------------------------------------------------------


def _demo(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import tension as tn

    events = tn.datasets.pakistan_iran_2024()
    daily = tn.score(events, start=DEMO_START, end=DEMO_END)
    why = tn.contributions(events, at=DEMO_AT)
    labels = tn.kinds().set_index("kind")["label"]
    happened = (
        events.assign(day=events["date"].dt.strftime("%Y-%m-%d"), label=events["kind"].map(labels))
        .groupby("day")["label"]
        .agg(lambda k: ", ".join(f"{n}× {kind}" if n > 1 else kind for kind, n in k.value_counts(sort=False).items()))
    )
    table = daily.set_index(daily["date"].dt.strftime("%Y-%m-%d")).loc[DEMO_DAYS]
    table = table[["tension", "hostile", "cooperative", "index"]].round(1)
    print(
        "Pakistan–Iran, January 2024: daily tension (the memory: half-life 30 days) and index (the last days'\n"
        "net hostility against the pair's usual flow of events: 50 = balanced, above = hostile, below = warm)\n"
    )
    header = f"{'date':<11}{'tension':>8}{'hostile':>9}{'cooperative':>12}{'index':>7}   events that day"
    print(header)
    print("-" * len(header))
    for day, row in table.iterrows():
        what = happened.get(day, "")
        print(
            f"{day:<11}{row['tension']:>8.1f}{row['hostile']:>9.1f}{row['cooperative']:>12.1f}{row['index']:>7.1f}   {what}"
        )
    total = why.attrs["tension"]["IRN-PAK"]
    print(f"\nWhat makes up the tension on {DEMO_AT} ({total:.1f}): the top drivers\n")
    top = why.reindex(why["contribution"].abs().sort_values(ascending=False, kind="stable").index).head(6)
    for _, row in top.iterrows():
        event = f"{row['source']}→{row['target']} {labels[row['kind']]}" + (
            f", {row['killed']} killed" if row["killed"] else ""
        )
        print(f"  {row['date']:%d %b}  {event:<42}{row['contribution']:>+7.2f}  ({100 * row['share']:.0f}%)")
    rest = why["contribution"].sum() - top["contribution"].sum()
    print(f"  {'':6} {'all other events':<42}{rest:>+7.2f}")
    ax = tn.plot.timeline(
        daily, events, title="Pakistan–Iran, January 2024: strikes spike tension, talks bring it down"
    )
    out = Path(args.output)
    ax.figure.savefig(out, dpi=args.dpi)
    plt.close(ax.figure)
    print(f"\nwrote {out}")
    return 0


def _score(args) -> int:
    import tension as tn

    _check_options(args)
    events = _read_events(args.events, args.source, args.progress, args.weights)
    _check_direction(events, args)
    daily = tn.score(events, freq=args.freq, start=args.start, end=args.end, **_score_kwargs(args))
    _check_dyads(daily["dyad"], args.dyad)
    if args.dyad:
        daily = daily[daily["dyad"].isin(args.dyad)]
    _write(daily, args.output)
    return 0


def _plot(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import tension as tn

    _check_options(args)
    events = _read_events(args.events, args.source, args.progress, args.weights)
    _check_direction(events, args)
    kwargs = _score_kwargs(args)
    dyad = args.dyad[0] if args.dyad else None
    daily = tn.score(events, freq=args.freq, start=args.start, end=args.end, **kwargs)
    _check_dyads(daily["dyad"], args.dyad)
    if args.kind == "timeline":
        ax = tn.plot.timeline(daily, events, dyad=dyad)
    elif args.kind in ("decomposition", "contributions"):
        if args.kind == "contributions":
            print(
                "note: --kind contributions is renamed --kind decomposition; the old name goes in the next release",
                file=sys.stderr,
            )
        parts = tn.decompose(events, by=args.by, freq=args.freq, start=args.start, end=args.end, dyads=dyad, **kwargs)
        ax = tn.plot.decomposition(parts, dyad=dyad)
    elif args.kind == "drivers":
        at = args.at or str(daily["date"].max())
        ax = tn.plot.drivers(tn.contributions(events, at=at, dyads=dyad, **kwargs), dyad=dyad, top=args.top)
    elif args.kind == "heatmap":
        subset = daily[daily["dyad"].isin(args.dyad)] if args.dyad else daily
        ax = tn.plot.heatmap(subset, top=args.top)
    else:
        ax = tn.plot.small_multiples(daily, events, top=min(args.top, 12))[0]
    try:
        ax.figure.savefig(args.output, dpi=args.dpi)
    finally:
        plt.close("all")
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


def _extract(args) -> int:
    import tension as tn

    path = Path(args.story)
    if not path.is_file():
        raise CliError(f"{args.story}: no such file; give the path of a plain-text story")
    found = tn.extract.events(path.read_text(encoding="utf-8"), published=args.published)
    if not args.all_columns:
        found = found.drop(columns=["story", "start", "end"])
    _write(found, args.output)
    return 0


def _kinds(args) -> int:
    import tension as tn

    if args.cameo:
        table = tn.cameo_kinds()[["cameo", "kind", "goldstein", "quad_class", "description"]]
    else:
        table = tn.kinds()[["kind", "cameo", "goldstein", "weight", "quad_class", "definition"]]
    with pd.option_context("display.width", 250, "display.max_colwidth", 90, "display.max_rows", 1000):
        print(table.to_string(index=False))
    return 0


def _daily_for(args):
    """Events and their daily scores for the analysis commands (episodes, alerts)."""
    import tension as tn

    events = _read_events(args.events, args.source, args.progress, args.weights)
    daily = tn.score(events, freq=args.freq, start=args.start, end=args.end, **_score_kwargs(args))
    _check_dyads(daily["dyad"], args.dyad)
    if args.dyad:
        daily = daily[daily["dyad"].isin(args.dyad)]
    return events, daily


def _episodes(args) -> int:
    import tension as tn

    events, daily = _daily_for(args)
    table = tn.episodes(daily, threshold=args.threshold, baseline=args.baseline, events=events, top=args.top)
    table["top_drivers"] = table["top_drivers"].map(lambda labels: ";".join(map(str, labels)))
    _write(table, args.output)
    return 0


def _alerts(args) -> int:
    import tension as tn

    _, daily = _daily_for(args)
    _write(tn.alerts(daily, threshold=args.threshold, top=args.top, on=args.on), args.output)
    return 0


# --- the parser ----------------------------------------------------------------------


def _add_model_options(parser):
    group = parser.add_argument_group("model")
    group.add_argument(
        "--half-life",
        type=_half_life,
        metavar="DAYS",
        help="half-life in days (default 30), or per kind / quad class: "
        "material_conflict=60,verbal_cooperation=10,default=30",
    )
    group.add_argument(
        "--weights",
        type=_weights,
        metavar="KIND=W,…",
        help="signed weights (positive = hostile) to add or override kinds: drone_incursion=6,talks=-2, "
        "or a CSV file with columns kind,weight",
    )
    group.add_argument(
        "--directed", action="store_true", help="score source->target pairs (PAK->IRN) instead of unordered pairs"
    )
    group.add_argument(
        "--freq", default="D", help="grid frequency, any pandas frequency: D, W, MS, 6h (default: %(default)s)"
    )
    group.add_argument("--start", help="first grid date (default: the first event's day)")
    group.add_argument("--end", help="last grid date (default: the last event's day)")
    parser.add_argument(
        "--from",
        dest="source",
        choices=READERS,
        default="events",
        help="input format: the tension event schema (CSV/Parquet, default) or a dataset read by tension.io",
    )
    progress = parser.add_mutually_exclusive_group()
    progress.add_argument("--progress", action="store_true", default=None, help="always show a progress bar on stderr")
    progress.add_argument("--no-progress", dest="progress", action="store_false", help="never show one")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tension",
        description="Score diplomatic tension between countries from dated events: hostile events raise a "
        "decaying index per country pair, cooperative ones lower it.",
        epilog="Run 'tension COMMAND --help' for the options of a command.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser(
        "demo",
        help="the worked example: Pakistan–Iran, January 2024",
        description="Score the bundled Pakistan–Iran episode (10 Jan – 29 Feb 2024), print daily tension "
        "on the key days and the top drivers on 29 January, and write the timeline plot.",
    )
    demo.add_argument("-o", "--output", default="tension_demo.png", help="plot file to write (default: %(default)s)")
    demo.add_argument("--dpi", type=int, default=150, help="plot resolution (default: %(default)s)")
    demo.set_defaults(func=_demo)

    score = sub.add_parser(
        "score",
        help="score an events file on a time grid",
        description="Read events (CSV or Parquet in the tension schema, or GDELT/ICEWS/ACLED/PLOVER with "
        "--from) and write the tension of every dyad on a regular grid: dyad, date, tension, "
        "hostile, cooperative, index.",
        epilog="example: tension score events.csv --dyad IRN-PAK --half-life 30 -o scores.csv",
    )
    score.add_argument("events", metavar="EVENTS", help="events file (or glob of GDELT files with --from gdelt)")
    score.add_argument(
        "--dyad",
        action="append",
        metavar="DYAD",
        help="keep only this dyad (IRN-PAK, or PAK->IRN with --directed); repeatable",
    )
    score.add_argument(
        "-o", "--output", default="-", help="output .csv, .tsv or .parquet, or - for standard output (default)"
    )
    _add_model_options(score)
    score.set_defaults(func=_score)

    plot = sub.add_parser(
        "plot",
        help="draw a figure from an events file",
        description="Read events and draw one figure: a dyad's timeline (default), its decomposition "
        "into parts, the drivers at one date, a heat map of many dyads, or small multiples of the most "
        "tense dyads.",
        epilog="example: tension plot events.csv --dyad IRN-PAK -o irn_pak.png",
    )
    plot.add_argument("events", metavar="EVENTS", help="events file")
    plot.add_argument("-o", "--output", required=True, help="image file to write (.png, .svg, .pdf)")
    plot.add_argument("--kind", choices=PLOTS, default="timeline", help="which figure (default: %(default)s)")
    plot.add_argument(
        "--dyad", action="append", metavar="DYAD", help="the dyad to draw (needed when the events hold several)"
    )
    plot.add_argument("--at", help="date of the drivers figure (default: the last grid date)")
    plot.add_argument(
        "--by", choices=("quad_class", "kind", "sign"), default="quad_class", help="parts of the decomposition figure"
    )
    plot.add_argument("--top", type=int, default=10, help="bars, rows or panels to show (default: %(default)s)")
    plot.add_argument("--dpi", type=int, default=150, help="resolution (default: %(default)s)")
    _add_model_options(plot)
    plot.set_defaults(func=_plot)

    extract = sub.add_parser(
        "extract",
        help="code a news story into candidate events to review",
        description="Read an English news story (plain text) and write candidate events in the "
        "tension schema, each with the sentence it came from, the trigger and actor words, "
        "a confidence and a description of how it was coded. Review (edit) the file, then "
        "'tension score' it. Needs: pip install 'tension[extract]'.",
        epilog="example: tension extract story.txt --published 2024-01-29 -o events.csv",
    )
    extract.add_argument("story", metavar="STORY", help="plain-text story (UTF-8)")
    extract.add_argument(
        "--published", required=True, help="publication date, YYYY-MM-DD (relative dates are read against it)"
    )
    extract.add_argument(
        "-o", "--output", default="-", help="output .csv, .tsv or .parquet, or - for standard output (default)"
    )
    extract.add_argument(
        "--all-columns", action="store_true", help="also write story, start and end (character span of the sentence)"
    )
    extract.set_defaults(func=_extract)

    kinds = sub.add_parser(
        "kinds",
        help="list the kinds of events with CAMEO codes and weights",
        description="List the default kinds: CAMEO code, Goldstein value, weight (= -Goldstein), quad class "
        "and definition. With --cameo, every CAMEO code and the kind it maps to.",
    )
    kinds.add_argument("--cameo", action="store_true", help="list all 311 CAMEO codes and their kinds")
    kinds.set_defaults(func=_kinds)

    episodes = sub.add_parser(
        "episodes",
        help="list the spans where tension stays above a threshold",
        description="Score events and list each span where a dyad's tension stays above a level "
        "(or, with --baseline, a z-score against its own trailing window): start, peak, "
        "end, whether it is ongoing, the event that began it and the drivers at the peak.",
        epilog="example: tension episodes events.csv --threshold 20 -o episodes.csv",
    )
    episodes.add_argument("events", metavar="EVENTS", help="events file")
    episodes.add_argument("--threshold", type=float, required=True, help="level of tension, or z-score with --baseline")
    episodes.add_argument(
        "--baseline", type=int, metavar="POINTS", help="trailing window in grid points for a z-score (e.g. 90)"
    )
    episodes.add_argument("--top", type=int, default=3, help="drivers to name per episode (default: %(default)s)")
    episodes.add_argument("--dyad", action="append", metavar="DYAD", help="keep only this dyad; repeatable")
    episodes.add_argument(
        "-o", "--output", default="-", help="output .csv, .tsv or .parquet, or - for standard output (default)"
    )
    _add_model_options(episodes)
    episodes.set_defaults(func=_episodes)

    alerts = sub.add_parser(
        "alerts",
        help="threshold crossings and the sharpest rises, for a daily job",
        description="Score events and list the grid points where a dyad's tension crosses a level and "
        "the largest day-on-day and week-on-week rises.",
        epilog="example: tension alerts events.csv --threshold 20 --on 2024-01-18",
    )
    alerts.add_argument("events", metavar="EVENTS", help="events file")
    alerts.add_argument("--threshold", type=float, help="report crossings of this level of tension")
    alerts.add_argument(
        "--top", type=int, default=10, help="largest rises of each kind to report (default: %(default)s)"
    )
    alerts.add_argument("--on", metavar="DATE", help="only alerts on this date (the daily job's today)")
    alerts.add_argument("--dyad", action="append", metavar="DYAD", help="keep only this dyad; repeatable")
    alerts.add_argument(
        "-o", "--output", default="-", help="output .csv, .tsv or .parquet, or - for standard output (default)"
    )
    _add_model_options(alerts)
    alerts.set_defaults(func=_alerts)
    return parser


def _message(err: BaseException) -> str:
    """The user-facing text of an error: OSErrors as "file: reason"."""
    if isinstance(err, OSError) and not isinstance(err, (FileNotFoundError,)) and err.strerror:
        return f"{err.filename}: {err.strerror.lower()}" if err.filename else err.strerror
    if isinstance(err, FileNotFoundError) and err.strerror and err.filename:
        return f"no such file: {err.filename}"
    return str(err)


def _error(text: str) -> None:
    """One line per problem on stderr."""
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    for line in lines or ["failed (no message)"]:
        print(f"tension: error: {line[2:] if line.startswith('- ') else line}", file=sys.stderr)


def _quiet_stdout() -> None:
    """After the reader of our output went away (``| head``): no more writes, no
    "Exception ignored" message at exit."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``tension`` command; returns the exit code.

    A user's mistake (a bad option, a missing, damaged or unreadable file, input that
    yields no events, an unwritable output) is printed as one line per problem and
    returns 2; a closed output pipe ends quietly; anything else is a bug and keeps its
    traceback.
    """
    from .events import EventError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            warnings.showwarning = lambda message, *rest, **kw: print(f"tension: warning: {message}", file=sys.stderr)
            return args.func(args)
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except EventError as err:
        for problem in err.problems:
            _error(f"{err.where}: {problem}")
        return 2
    except (CliError, ValueError, OSError, ImportError) as err:
        _error(_message(err))
        return 2
    except KeyboardInterrupt:
        print("tension: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
