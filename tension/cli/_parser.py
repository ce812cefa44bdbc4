"""The argparse parser of the ``tension`` command: its subcommands, their options and the
converters of ``--half-life`` and ``--weights``."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from ._commands import run_alerts, run_demo, run_episodes, run_extract, run_kinds, run_plot, run_score

__all__ = ["READERS", "PLOTS", "build_parser"]

READERS = ("events", "gdelt", "icews", "acled", "plover")
PLOTS = ("timeline", "decomposition", "drivers", "heatmap", "small-multiples", "contributions")  # the last: 0.1 name


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
        if name.strip() in out:
            raise argparse.ArgumentTypeError(f"{name.strip()!r} is given twice in {text!r}; give it once")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not {what}: {item!r}") from None
    return out


def _weights(text: str):
    """``drone_incursion=6,talks=-2``, or a CSV file with columns kind and weight (and
    cameo: a new kind's CAMEO code), checked as the Python API checks a weights table."""
    if Path(text).suffix.lower() in (".csv", ".tsv") or Path(text).exists():
        if not Path(text).exists():
            raise argparse.ArgumentTypeError(f"no such weights file: {text}")
        table = pd.read_csv(text, sep="\t" if text.lower().endswith(".tsv") else ",", dtype={"cameo": str})
        if not {"kind", "weight"} <= set(table.columns):
            raise argparse.ArgumentTypeError(f"{text}: a weights file needs columns kind and weight")
        from ..exceptions import ParameterError
        from ..model import Model

        try:
            Model(weights=table)  # (a kind given twice, a weight that is not a number, a wrong code …)
        except ParameterError as err:
            raise argparse.ArgumentTypeError(f"{text}: {err}") from None
        return table
    return _pairs(text, "a kind=weight pair")


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
        "or a CSV file with columns kind,weight (and cameo: a new kind's CAMEO code, for its quad class)",
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
    dates = parser.add_mutually_exclusive_group()
    dates.add_argument(
        "--dayfirst",
        action="store_true",
        default=None,
        help="numeric dates are day first (13/02/24); a date column that reads several ways is refused "
        "until this, --monthfirst or --date-format says which",
    )
    dates.add_argument("--monthfirst", dest="dayfirst", action="store_false", help="numeric dates are month first")
    dates.add_argument(
        "--date-format",
        metavar="FORMAT",
        help="the format of every date of a tension events file, e.g. %%y/%%m/%%d (two-digit year first)",
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
    demo.set_defaults(func=run_demo)

    score = sub.add_parser(
        "score",
        help="score an events file on a time grid",
        description="Read events (CSV or Parquet in the tension schema, or GDELT/ICEWS/ACLED/PLOVER with "
        "--from) and write the tension of every dyad on a regular grid: dyad, date, tension, "
        "hostile, cooperative, index, heat, flow.",
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
    score.set_defaults(func=run_score)

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
    plot.set_defaults(func=run_plot)

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
    extract.set_defaults(func=run_extract)

    kinds = sub.add_parser(
        "kinds",
        help="list the kinds of events with CAMEO codes and weights",
        description="List the default kinds: CAMEO code, Goldstein value, weight (= -Goldstein), quad class "
        "and definition. With --cameo, every CAMEO code and the kind it maps to.",
    )
    kinds.add_argument("--cameo", action="store_true", help="list all 311 CAMEO codes and their kinds")
    kinds.set_defaults(func=run_kinds)

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
    episodes.set_defaults(func=run_episodes)

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
    alerts.set_defaults(func=run_alerts)
    return parser
