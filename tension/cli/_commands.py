"""The commands of ``tension``: one function per subcommand (``demo``, ``score``, ``plot``,
``extract``, ``kinds``, ``episodes``, ``alerts``), each taking the parsed arguments and
returning the exit code."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from ._options import CliError, check_dyads, events_of, score_kwargs, write

__all__ = [
    "DEMO_START",
    "DEMO_END",
    "DEMO_AT",
    "DEMO_DAYS",
    "run_demo",
    "run_score",
    "run_plot",
    "run_extract",
    "run_kinds",
    "run_episodes",
    "run_alerts",
]

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


def run_demo(args) -> int:
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
    top = why.sort_values("contribution", key=abs, ascending=False, kind="stable").head(6)  # (labels may repeat)
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


def run_score(args) -> int:
    import tension as tn

    events = events_of(args)
    daily = tn.score(events, freq=args.freq, start=args.start, end=args.end, **score_kwargs(args))
    check_dyads(daily["dyad"], args.dyad)
    if args.dyad:
        daily = daily[daily["dyad"].isin(args.dyad)]
    write(daily, args.output)
    return 0


def run_plot(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import tension as tn

    events = events_of(args)
    kwargs = score_kwargs(args)
    if args.dyad and len(set(args.dyad)) > 1 and args.kind not in ("heatmap", "small-multiples"):
        raise CliError(
            f"--kind {args.kind} draws one dyad, not {', '.join(dict.fromkeys(args.dyad))}: give --dyad once "
            "(--kind heatmap or small-multiples draws several)"
        )
    dyad = args.dyad[0] if args.dyad else None
    daily = tn.score(events, freq=args.freq, start=args.start, end=args.end, **kwargs)
    check_dyads(daily["dyad"], args.dyad)
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
    else:
        subset = daily[daily["dyad"].isin(args.dyad)] if args.dyad else daily
        if args.kind == "heatmap":
            ax = tn.plot.heatmap(subset, top=args.top)
        else:
            ax = tn.plot.small_multiples(subset, events, top=min(args.top, 12))[0]
    try:
        ax.figure.savefig(args.output, dpi=args.dpi)
    finally:
        plt.close("all")
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


def run_extract(args) -> int:
    import tension as tn

    path = Path(args.story)
    if not path.is_file():
        raise CliError(f"{args.story}: no such file; give the path of a plain-text story")
    found = tn.extract.events(path.read_text(encoding="utf-8"), published=args.published)
    if not args.all_columns:
        found = found.drop(columns=["story", "start", "end"])
    write(found, args.output)
    return 0


def run_kinds(args) -> int:
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

    events = events_of(args)  # (the checks of `tension score`, and its messages)
    daily = tn.score(events, freq=args.freq, start=args.start, end=args.end, **score_kwargs(args))
    check_dyads(daily["dyad"], args.dyad)
    if args.dyad:
        daily = daily[daily["dyad"].isin(args.dyad)]
    return events, daily


def run_episodes(args) -> int:
    import tension as tn

    events, daily = _daily_for(args)
    table = tn.episodes(daily, threshold=args.threshold, baseline=args.baseline, events=events, top=args.top)
    table["top_drivers"] = table["top_drivers"].map(lambda labels: ";".join(map(str, labels)))
    write(table, args.output)
    return 0


def run_alerts(args) -> int:
    import tension as tn

    _, daily = _daily_for(args)
    write(tn.alerts(daily, threshold=args.threshold, top=args.top, on=args.on), args.output)
    return 0
