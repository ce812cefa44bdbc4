"""The ``tension`` command line: ``tension demo``, ``tension score``, ``tension kinds``."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import pandas as pd

__all__ = ["main"]

DEMO_START, DEMO_END, DEMO_AT = "2024-01-10", "2024-02-29", "2024-01-29"
DEMO_DAYS = ["2024-01-16", "2024-01-17", "2024-01-18", "2024-01-26", "2024-01-27", "2024-01-28",
             "2024-01-29", "2024-01-30", "2024-02-15", "2024-02-29"]


def _demo(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import tension as tn

    events = tn.datasets.pakistan_iran_2024()
    daily = tn.score(events, start=DEMO_START, end=DEMO_END)
    why = tn.contributions(events, at=DEMO_AT)
    happened = (
        events.assign(day=events["date"].dt.strftime("%Y-%m-%d"))
        .groupby("day")["kind"]
        .agg(lambda k: ", ".join(f"{n}×{kind}" if n > 1 else kind for kind, n in k.value_counts(sort=False).items()))
    )
    table = daily.set_index(daily["date"].dt.strftime("%Y-%m-%d")).loc[DEMO_DAYS]
    table = table[["tension", "hostile", "cooperative", "index"]].round(1)
    table["events that day"] = happened.reindex(table.index).fillna("")
    print("Pakistan-Iran, January 2024: daily tension (half-life 30 days; index 50 = neutral)\n")
    with pd.option_context("display.width", 200, "display.max_colwidth", 90):
        print(table.rename_axis("date").to_string())
    print(f"\nWhat makes up the tension on {DEMO_AT} ({why.attrs['tension']['IRN-PAK']:.1f}): top drivers\n")
    top = why.reindex(why["contribution"].abs().sort_values(ascending=False, kind="stable").index).head(6)
    drivers = pd.DataFrame(
        {
            "date": top["date"].dt.strftime("%Y-%m-%d"),
            "event": top["source"] + "→" + top["target"] + " " + top["kind"],
            "killed": top["killed"],
            "contribution": top["contribution"].round(2),
            "share %": (100 * top["share"]).round(1),
        }
    )
    rest = why["contribution"].sum() - top["contribution"].sum()
    with pd.option_context("display.width", 200):
        print(drivers.to_string(index=False))
    print(f"{'(all other events)':>42} {rest:12.2f}")
    ax = tn.plot.timeline(daily, events, title="Pakistan–Iran, January 2024: strikes spike tension, talks bring it down")
    out = Path(args.output)
    ax.figure.savefig(out, dpi=args.dpi)
    plt.close(ax.figure)
    print(f"\nwrote {out}")
    return 0


def _kinds(args) -> int:
    import tension as tn

    table = tn.kinds()[["kind", "cameo", "goldstein", "weight", "quad_class", "definition"]]
    with pd.option_context("display.width", 200, "display.max_colwidth", 80, "display.max_rows", 500):
        print(table.to_string(index=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tension",
        description="Score diplomatic tension between countries from dated events.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = sub.add_parser(
        "demo",
        help="score the bundled Pakistan-Iran January 2024 episode, print a table, write a plot",
        description="Score the bundled Pakistan-Iran episode (10 Jan - 29 Feb 2024), print daily "
        "tension on the key days and the top drivers on 29 January, and write the timeline plot.",
    )
    demo.add_argument("-o", "--output", default="tension_demo.png", help="where to write the plot (default: %(default)s)")
    demo.add_argument("--dpi", type=int, default=150, help="resolution of the plot (default: %(default)s)")
    demo.set_defaults(func=_demo)
    kinds = sub.add_parser("kinds", help="list the taxonomy of kinds with CAMEO codes and weights",
                           description="List every default kind, its CAMEO code, Goldstein value and weight.")
    kinds.set_defaults(func=_kinds)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``tension`` command."""
    from .events import EventError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            return args.func(args)
    except (EventError, ValueError, FileNotFoundError) as err:
        print(f"tension: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
