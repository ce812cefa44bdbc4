"""Shared by every figure: the palette, a new Axes, dyad selection, labels and date axes."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "PALETTE",
    "QUALITATIVE",
    "arrow",
    "date_axis",
    "event_label",
    "grid_offset",
    "kind_labels",
    "kind_label",
    "naive",
    "new_ax",
    "one_dyad",
    "positive",
    "ranked",
    "with_defaults",
    "set_ylim",
]

#: Okabe-Ito colours used throughout: hostile, cooperative, net tension, neutral.
PALETTE = {
    "hostile": "#D55E00",  # vermillion
    "cooperative": "#0072B2",  # blue
    "tension": "#000000",
    "neutral": "#999999",
    "material_conflict": "#D55E00",
    "verbal_conflict": "#E69F00",  # orange
    "verbal_cooperation": "#56B4E9",  # sky blue
    "material_cooperation": "#0072B2",
    "unclassified": "#999999",
}
#: Okabe-Ito qualitative colours for parts without a colour of their own.
QUALITATIVE = ["#D55E00", "#0072B2", "#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#F0E442", "#000000"]


def new_ax(ax, figsize=(10, 5)):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def not_empty(frame: pd.DataFrame, what: str) -> None:
    """Refuse a result without rows: there are no events to plot."""
    if len(frame) == 0:
        raise ValueError(f"{what} is empty: no events to plot (check the dates, dyads or filters that produced it)")


def positive(name: str, value) -> int:
    """A count parameter (``top``, ``ncols``, …): a whole number >= 1, or a ValueError naming it."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be at least 1, not {value!r}")
    return int(value)


def with_defaults(events: pd.DataFrame) -> pd.DataFrame:
    """Events with the optional columns a figure reads (``killed``, ``injured``) set to
    their schema defaults where absent."""
    missing = {c: 0 for c in ("killed", "injured") if c not in events.columns}
    return events.assign(**missing) if missing else events


def one_dyad(frame: pd.DataFrame, dyad: str | None, what: str) -> tuple[pd.DataFrame, str]:
    not_empty(frame, what)
    dyads = pd.unique(frame["dyad"])
    if dyad is None:
        if len(dyads) != 1:
            raise ValueError(f"{what} holds {len(dyads)} dyads; choose one with dyad= (e.g. {list(dyads[:3])})")
        dyad = dyads[0]
    if dyad not in set(dyads):
        raise ValueError(f"dyad {dyad!r} is not in {what}; dyads present: {list(dyads[:10])}")
    return frame[frame["dyad"] == dyad], dyad


def arrow(dyad: str) -> str:
    return dyad.replace("->", "→").replace("-", "–")


def kind_labels() -> dict[str, str]:
    from ..taxonomy import kinds

    table = kinds()
    return dict(zip(table["kind"], table["label"], strict=True))


def kind_label(labels: dict, kind) -> str:
    return labels.get(kind, str(kind).replace("_", " "))


def event_label(row, labels) -> str:
    text = f"{row['source']}→{row['target']} {kind_label(labels, row['kind'])}"
    harm = []
    if row.get("killed", 0):
        harm.append(f"{int(row['killed'])} killed")
    if row.get("injured", 0):
        harm.append(f"{int(row['injured'])} injured")
    return text + (", " + ", ".join(harm) if harm else "")


def naive(dates) -> pd.DatetimeIndex:
    index = pd.DatetimeIndex(dates)
    return index.tz_localize(None) if index.tz is not None else index


def grid_offset(attrs: dict, dates: pd.DatetimeIndex):
    """The step of the grid that ``dates`` (sorted, unique) were read on, or None if unknown.

    ``attrs["freq"]`` of :func:`tension.score` when the dates lie on it, else the
    frequency pandas infers from three or more dates. Every date must be on the
    offset and at least one step after the one before, so that ``d - offset`` and
    ``d + offset`` are the grid points on either side of ``d``.
    """
    import warnings

    candidates = [attrs.get("freq")]
    if len(dates) >= 3:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (pandas 3 announces that infer_freq will return an offset)
            candidates.append(pd.infer_freq(dates))
    for freq in candidates:
        if freq is None:
            continue
        try:
            offset = pd.tseries.frequencies.to_offset(freq)
            after = dates + offset
        except (TypeError, ValueError):
            continue
        if after.isna().any() or not (after > dates).all():
            continue
        on_grid = all(offset.is_on_offset(d) for d in dates)
        if isinstance(offset, pd.offsets.Tick | pd.offsets.Day) and len(dates) > 1:  # (fixed steps from the first)
            on_grid = on_grid and bool(((dates - dates[0]) % pd.Timedelta(offset) == pd.Timedelta(0)).all())
        if on_grid and (dates[1:] >= after[:-1]).all():
            return offset
    return None


def set_ylim(ax, limits):
    lo, hi = limits
    span = max(hi - lo, 1e-9)
    ax.set_ylim(lo - 0.08 * span, hi + 0.25 * span)


def ranked(daily: pd.DataFrame, value: str, order: str) -> list[str]:
    not_empty(daily, "daily")
    if order not in ("peak", "latest", "name"):
        raise ValueError(f"order must be 'peak', 'latest' or 'name', not {order!r}")
    if order == "name":
        return sorted(pd.unique(daily["dyad"]))
    grouped = daily.sort_values("date", kind="stable").groupby("dyad")[value]
    score = grouped.max() if order == "peak" else grouped.last()
    return list(score.sort_values(ascending=False, kind="stable").index)


def date_axis(ax, *, axis: str = "x"):
    """Human-readable dates on an axis (concise labels: "Feb", "08", "2024-Mar").

    Parameters
    ----------
    ax : matplotlib Axes
    axis : {"x", "y"}

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt, pandas as pd
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot(pd.date_range("2024-01-01", periods=60), range(60))
    >>> type(date_axis(ax).xaxis.get_major_formatter()).__name__
    'ConciseDateFormatter'
    >>> plt.close("all")
    """
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(locator)
    target.set_major_formatter(mdates.ConciseDateFormatter(locator))
    return ax
