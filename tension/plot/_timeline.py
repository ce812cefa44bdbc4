"""One dyad's tension over time, its events marked and the largest labelled."""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
import pandas as pd

from ._labels import label_occasions, occasions_of
from ._style import PALETTE, date_axis, grid_offset, naive, new_ax, one_dyad, set_ylim

__all__ = ["timeline", "timeline_body"]


def timeline(
    daily: pd.DataFrame,
    events: pd.DataFrame | None = None,
    *,
    dyad: str | None = None,
    label_top: int = 5,
    index_axis: bool = True,
    title: str | None = None,
    episodes: pd.DataFrame | None = None,
    band: pd.DataFrame | None = None,
    ax=None,
):
    """One dyad's tension over time, with its events marked and the drivers labelled.

    Parameters
    ----------
    daily : DataFrame
        Output of :func:`tension.score` (columns ``dyad``, ``date``, ``tension``,
        ``hostile``, ``cooperative``).
    events : DataFrame, optional
        The events that were scored, or the output of :func:`tension.score_events`
        (alone, or joined to the events): a frame with ``dyad`` and ``score`` columns is
        drawn with those scores, other events are scored with the model recorded in
        ``daily.attrs``. Without ``source``, ``target`` and ``kind`` (the output of
        :func:`tension.score_events` alone) the labels give the occasion's score.
        Dates must be zoned when ``daily``'s are, and naive when they are naive.
    dyad : str, optional
        Which dyad; needed when ``daily`` holds several.
    label_top : int, default 5
        Label the largest occasions (a day's same-signed events), placed so that labels
        do not overlap.
    index_axis : bool, default True
        Show tension on the fixed 0-100 scale of :func:`tension.tension_index` (the
        model's ``scale``) on a right-hand axis. The ``index`` column is not a function
        of tension alone (see :func:`tension.flow_index`) and is not drawn here.
    title : str, optional
    episodes : DataFrame, optional
        Output of :func:`tension.episodes`: the dyad's episodes are shaded, from their
        start to the grid point after their end.
    band : DataFrame, optional
        Output of :func:`tension.bands`: its ``low``-``high`` band is drawn around the
        tension line.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    The net tension is the black line; the hostile stock is shaded above zero and the
    cooperative stock below, so the line is their sum. Each marker is one occasion (the
    dyad's hostile or cooperative events that first show at one grid point: those after
    the grid point before it, up to and including it) placed on the line at that grid
    point, its area proportional to the occasion's total ``|score|``. Events before the
    grid point preceding the first one (from ``daily.attrs["freq"]``), or after the
    last, are not marked.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import tension as tn
    >>> ev = tn.datasets.pakistan_iran_2024()
    >>> ax = tn.plot.timeline(tn.score(ev, start="2024-01-10", end="2024-02-29"), ev)
    >>> ax.get_title(loc="left")
    'Tension between IRN and PAK'
    >>> daily = tn.score(ev, end="2024-03-31")
    >>> ax = tn.plot.timeline(daily, ev, episodes=tn.episodes(daily, threshold=20),
    ...                       band=tn.bands(ev, weight_spread=0.3, end="2024-03-31", draws=100))
    >>> ax = tn.plot.timeline(tn.score(ev, freq="W"), tn.score_events(ev))
    >>> len(ax.collections[-1].get_offsets())  # 21 Jan: 17-18 Jan; 28 Jan: 27 Jan; 4 Feb: 29 Jan
    3
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    ax = new_ax(ax)
    job = timeline_body(
        ax,
        daily,
        events,
        dyad=dyad,
        label_top=label_top,
        index_axis=index_axis,
        title=title,
        episodes=episodes,
        band=band,
    )
    set_ylim(ax, job["ylim"])
    label_occasions(ax, job)
    return ax


def _shade_episodes(ax, episodes, dyad, x_plot) -> bool:
    """Shade each of the dyad's episodes from its start to the grid point after its end."""
    for column in ("dyad", "start", "end"):
        if column not in episodes.columns:
            raise ValueError(f"episodes needs column {column!r}: pass the output of tension.episodes")
    mine = episodes[episodes["dyad"] == dyad]
    for start, end in zip(naive(mine["start"]), naive(mine["end"]), strict=True):
        after = x_plot[x_plot > end]
        ax.axvspan(
            start,
            after[0] if len(after) else end,
            color=PALETTE["hostile"],
            alpha=0.08,
            lw=0,
            zorder=0,
            label="_episode",
        )
    return len(mine) > 0


def _draw_band(ax, band, dyad):
    """The band's low-high range for the dyad, or None when it has no rows."""
    for column in ("dyad", "date", "low", "high"):
        if column not in band.columns:
            raise ValueError(f"band needs column {column!r}: pass the output of tension.bands")
    mine = band[band["dyad"] == dyad].sort_values("date")
    if mine.empty:
        return None
    ax.fill_between(
        naive(mine["date"]),
        mine["low"],
        mine["high"],
        color=PALETTE["tension"],
        alpha=0.13,
        lw=0,
        step="post",
        label="_band",
        zorder=1,
    )
    return float(mine["low"].min()), float(mine["high"].max())


def _scored(events: pd.DataFrame, daily: pd.DataFrame) -> pd.DataFrame:
    """The events with their ``dyad``, signed ``score`` and parsed ``date``.

    A frame that has ``dyad`` and ``score`` (the output of :func:`tension.score_events`,
    or events joined with it) is used as it is; other events are scored with the model
    recorded in ``daily.attrs``.
    """
    if "score" in events.columns and "dyad" in events.columns:
        if "date" not in events.columns:
            raise ValueError("events needs column 'date': pass the events or the output of tension.score_events")
        return events.assign(date=pd.to_datetime(events["date"]))
    from ..model import Model
    from ..score import event_scores

    model = Model(**daily.attrs["model"]) if "model" in daily.attrs else None
    ev = events.drop(columns="score") if "score" in events.columns else events
    scores = event_scores(ev, model=model)
    return ev.assign(score=scores["score"].to_numpy(), dyad=scores["dyad"].to_numpy(), date=scores["date"].array)


def _first_showing(dates: pd.DatetimeIndex, x: pd.DatetimeIndex, attrs: dict) -> np.ndarray:
    """Each event's grid point: the position of the first grid time at or after it, or -1.

    An event shows first at grid time ``g`` when it falls after the grid point before
    ``g`` and at or before ``g`` (the value at ``g`` includes it). Events after the last
    grid time, or before the grid point preceding the first (the grid's step from
    ``attrs["freq"]`` or the dates), are not on the figure: -1.
    """
    if (dates.tz is None) != (x.tz is None):
        zoned, plain = ("events", "daily") if dates.tz is not None else ("daily", "events")
        raise ValueError(
            f"the dates of {zoned} carry a time zone and those of {plain} do not: pass the events "
            "that daily was scored from"
        )
    if x.tz is not None:  # compare instants: the grid's local midnights are not the events' UTC days
        dates, x = dates.tz_convert("UTC"), x.tz_convert("UTC")
    if len(x) == 0:
        return np.full(len(dates), -1)
    pos = np.asarray(x.searchsorted(dates, side="left"))
    offset = grid_offset(attrs, naive(x))
    if offset is not None:
        before = x[0] - offset
    elif len(x) > 1:
        before = x[0] - (x[1] - x[0])
    else:
        before = None  # one reading and no known step: every earlier event first shows there
    shown = (pos < len(x)) & np.asarray(dates.notna())
    if before is not None:
        shown &= dates > before
    return np.where(shown, pos, -1)


def timeline_body(ax, daily, events, *, dyad, label_top, index_axis, title, episodes=None, band=None) -> dict:
    """Draw a timeline without its labels; return what labelling and limits need."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    series, dyad = one_dyad(daily, dyad, "daily")
    series = series.sort_values("date")
    x = pd.DatetimeIndex(series["date"])
    x_plot = x.tz_localize(None) if x.tz is not None else x
    shaded = _shade_episodes(ax, episodes, dyad, x_plot) if episodes is not None else False
    band_range = _draw_band(ax, band, dyad) if band is not None else None
    ax.fill_between(x_plot, 0, series["hostile"], color=PALETTE["hostile"], alpha=0.18, lw=0, step="post")
    ax.fill_between(x_plot, 0, -series["cooperative"], color=PALETTE["cooperative"], alpha=0.18, lw=0, step="post")
    ax.plot(x_plot, series["hostile"], color=PALETTE["hostile"], lw=0.9, drawstyle="steps-post", label="hostile stock")
    ax.plot(
        x_plot,
        -series["cooperative"],
        color=PALETTE["cooperative"],
        lw=0.9,
        drawstyle="steps-post",
        label="cooperative stock (shown below 0)",
    )
    ax.plot(x_plot, series["tension"], color=PALETTE["tension"], lw=2.2, drawstyle="steps-post", label="tension")
    ax.axhline(0, color=PALETTE["neutral"], lw=0.8)
    job: dict[str, Any] = {"points": [], "texts": [], "colors": [], "avoid": None}
    if events is not None:
        scored = _scored(events, daily)
        scored = scored[(scored["dyad"] == dyad).to_numpy()]
        points = _first_showing(pd.DatetimeIndex(scored["date"]), x, daily.attrs)
        occasions = occasions_of(scored[points >= 0], points[points >= 0])
        if len(occasions):
            pos = occasions["point"].to_numpy(dtype=int)
            y = series["tension"].to_numpy()[pos]
            xs = x_plot[pos]
            colors = np.where(occasions["sign"] > 0, PALETTE["hostile"], PALETTE["cooperative"])
            ax.scatter(
                xs,
                y,
                s=30 + 14 * occasions["size"].to_numpy(),
                c=list(colors),
                edgecolors="white",
                linewidths=1.0,
                zorder=4,
            )
            import matplotlib.dates as mdates

            top = occasions["size"].to_numpy().argsort(kind="stable")[::-1][:label_top]  # largest first
            xnum, yval = mdates.date2num(x_plot), series["tension"].to_numpy()
            # the step line as points: each day's level, densified along the vertical jumps
            jumps = [
                np.column_stack([np.full(8, xnum[i]), np.linspace(yval[i - 1], yval[i], 8)])
                for i in range(1, len(xnum))
            ]
            flats = [
                np.column_stack([np.linspace(xnum[i], xnum[i + 1], 4), np.full(4, yval[i])])
                for i in range(len(xnum) - 1)
            ]
            job = {
                "points": [(mdates.date2num(xs[i]), y[i]) for i in top],
                "texts": [
                    "\n".join(textwrap.fill(line, 46) for line in occasions["label"].iloc[i].split("\n")) for i in top
                ],
                "colors": [colors[i] for i in top],
                "avoid": np.concatenate(jumps + flats) if len(xnum) > 1 else None,
            }
    date_axis(ax)
    ax.set_ylabel("tension (decayed event score)")
    ax.set_title(title or f"Tension between {dyad.replace('->', ' and ').replace('-', ' and ')}", loc="left")
    handles: list[Line2D | Patch] = [
        Line2D([], [], color=PALETTE["tension"], lw=2.2, label="tension = hostile − cooperative"),
        Line2D([], [], color=PALETTE["hostile"], lw=6, alpha=0.3, label="hostile stock"),
        Line2D([], [], color=PALETTE["cooperative"], lw=6, alpha=0.3, label="cooperative stock (below 0)"),
    ]
    if band_range is not None:
        quantiles = band.attrs.get("bands", {}).get("quantiles")
        what = f"{quantiles[0]:.0%}–{quantiles[1]:.0%} band" if quantiles else "uncertainty band"
        handles.append(Patch(color=PALETTE["tension"], alpha=0.13, lw=0, label=what))
    if shaded:
        handles.append(Patch(color=PALETTE["hostile"], alpha=0.12, lw=0, label="episode"))
    if events is not None:
        handles += [
            Line2D([], [], ls="", marker="o", color=PALETTE["hostile"], label="hostile events (area ∝ score)"),
            Line2D([], [], ls="", marker="o", color=PALETTE["cooperative"], label="cooperative events"),
        ]
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.1),
        fontsize=8,
        frameon=False,
        ncols=min(len(handles), 5),
    )
    if index_axis and "model" in daily.attrs:
        from scipy.special import expit, logit

        scale = daily.attrs["model"]["scale"]
        sec = ax.secondary_yaxis(
            "right",
            functions=(
                lambda t: 100 * expit(np.asarray(t) / scale),
                lambda i: scale * logit(np.clip(np.asarray(i) / 100, 1e-12, 1 - 1e-12)),
            ),
        )
        sec.set_ylabel("tension on a fixed 0–100 scale (tn.tension_index)")
        sec.set_yticks([10, 25, 50, 75, 90, 97])
    ax.grid(axis="y", color="#dddddd", lw=0.6)
    ax.set_axisbelow(True)
    values = series[["tension", "hostile"]].to_numpy()
    low = min(0.0, float(np.min(values, initial=0.0)), -float(series["cooperative"].max() if len(series) else 0.0))
    high = max(0.0, float(np.max(values, initial=0.0)))
    if band_range is not None:
        low, high = min(low, band_range[0]), max(high, band_range[1])
    job["ylim"] = (low, high)
    return job
