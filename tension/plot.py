"""Figures from the outputs of :func:`tension.score` and friends.

Every function takes ``ax=None`` (a new figure when None), returns the Axes, imports
matplotlib inside the function and never calls ``plt.show()``. Colours come from the
Okabe-Ito palette, which stays distinct under the common colour-vision deficiencies.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

__all__ = ["PALETTE", "QUALITATIVE", "timeline", "contributions", "drivers", "heatmap", "small_multiples", "date_axis"]

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


def _new_ax(ax, figsize=(10, 5)):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _one_dyad(frame: pd.DataFrame, dyad: str | None, what: str) -> tuple[pd.DataFrame, str]:
    dyads = pd.unique(frame["dyad"])
    if dyad is None:
        if len(dyads) != 1:
            raise ValueError(f"{what} holds {len(dyads)} dyads; choose one with dyad= (e.g. {list(dyads[:3])})")
        dyad = dyads[0]
    if dyad not in set(dyads):
        raise ValueError(f"dyad {dyad!r} is not in {what}; dyads present: {list(dyads[:10])}")
    return frame[frame["dyad"] == dyad], dyad


def _arrow(dyad: str) -> str:
    return dyad.replace("->", "→").replace("-", "–")


def _kind_labels() -> dict[str, str]:
    from .taxonomy import kinds

    table = kinds()
    return dict(zip(table["kind"], table["label"], strict=True))


def _label(labels: dict, kind) -> str:
    return labels.get(kind, str(kind).replace("_", " "))


def _event_label(row, labels) -> str:
    text = f"{row['source']}→{row['target']} {_label(labels, row['kind'])}"
    harm = []
    if row.get("killed", 0):
        harm.append(f"{int(row['killed'])} killed")
    if row.get("injured", 0):
        harm.append(f"{int(row['injured'])} injured")
    return text + (", " + ", ".join(harm) if harm else "")


def _occasions(scored: pd.DataFrame) -> pd.DataFrame:
    """One row per (day, sign) of one dyad's events: total |score|, count and a label."""
    labels = _kind_labels()
    frame = scored.assign(
        day=pd.DatetimeIndex(scored["date"]).normalize(),
        sign=np.sign(scored["score"].to_numpy()),
        size=np.abs(scored["score"].to_numpy()),
    )
    frame = frame[frame["sign"] != 0]
    rows = []
    for (day, sign), group in frame.groupby(["day", "sign"], sort=True):
        group = group.sort_values(["size", "kind"], ascending=[False, True], kind="stable")
        text = _event_label(group.iloc[0], labels)
        if len(group) > 1:
            pairs = set(zip(group["source"], group["target"], strict=True))
            direction = "{}→{}".format(*next(iter(pairs))) if len(pairs) == 1 else "↔".join(sorted(set(group["source"])))
            counts = group.groupby("kind", sort=False)["size"].agg(["sum", "size"])
            counts = counts.sort_values("sum", ascending=False, kind="stable")
            names = [f"{_label(labels, k)} ×{n}" if n > 1 else _label(labels, k) for k, n in counts["size"].items()]
            listed = ", ".join(names[:4]) + (", …" if len(names) > 4 else "")
            if group["killed"].iloc[0] or group["injured"].iloc[0]:
                text += f"\n+{len(group) - 1} more: " + ", ".join(names[1:4] if counts["size"].iloc[0] == 1 else names[:4])
            else:
                text = f"{direction}: {len(group)} {'hostile' if sign > 0 else 'cooperative'} events\n{listed}"
        rows.append({"day": day, "sign": sign, "size": group["size"].sum(), "count": len(group), "label": text})
    return pd.DataFrame(rows, columns=["day", "sign", "size", "count", "label"])


def _place_labels(ax, points, texts, colors, *, avoid=None, fontsize=8.5):
    """Annotate data points so that no two labels overlap.

    Each label's box is predicted in display pixels from its measured text size and a
    candidate offset; the first candidate (nearest first) whose box stays inside the
    Axes and clears every earlier label, every anchor point and the data points in
    ``avoid`` (an (m, 2) array, e.g. the plotted line) is used. If none does, the
    nearest candidate that clears the labels and anchors is kept, else the nearest one:
    an overlapping label beats a missing one.
    """
    from matplotlib.transforms import Bbox

    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    px = ax.figure.dpi / 72.0
    pad = 0.25 * fontsize * px + 3
    anchors = [ax.transData.transform(p) for p in points]
    offsets = sorted(
        ((dx, dy) for dx in (12, -12, 48, -48, 96, -96) for dy in (30, -34, 56, -60, 84, -88, 112, -116, 140)),
        key=lambda o: np.hypot(o[0], 1.5 * o[1]),
    )
    line = ax.transData.transform(avoid) if avoid is not None and len(avoid) else np.empty((0, 2))
    placed = [Bbox.from_extents(x - 8, y - 8, x + 8, y + 8) for x, y in anchors]
    annotations = []
    for (x, y), anchor, text, color in zip(points, anchors, texts, colors, strict=True):
        probe = ax.text(0, 0, text, fontsize=fontsize, transform=None)
        size = probe.get_window_extent(renderer)
        probe.remove()
        candidates = []
        for dx, dy in offsets:
            left = anchor[0] + dx * px - (size.width if dx < 0 else 0) - pad
            bottom = anchor[1] + dy * px - size.height / 2 - pad
            box = Bbox.from_bounds(left, bottom, size.width + 2 * pad, size.height + 2 * pad)
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
            clear = not any(box.overlaps(other) for other in placed)
            on_line = bool(
                ((line[:, 0] >= box.x0) & (line[:, 0] <= box.x1) & (line[:, 1] >= box.y0) & (line[:, 1] <= box.y1)).any()
            )
            # rank: inside and clear of labels first, then off the line, then nearest
            candidates.append(((not (inside and clear), on_line, len(candidates)), (dx, dy), box))
        _, chosen, box = min(candidates, key=lambda c: c[0])
        placed.append(box)
        ann = ax.annotate(
            text,
            xy=(x, y),
            xytext=chosen,
            textcoords="offset points",
            fontsize=fontsize,
            ha="left" if chosen[0] >= 0 else "right",
            va="center",
            color="#222222",
            bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": color, "lw": 0.8, "alpha": 0.92},
            arrowprops={"arrowstyle": "-", "color": color, "lw": 0.8},
            zorder=5,
        )
        ann.set_in_layout(False)
        annotations.append(ann)
    return annotations


def timeline(
    daily: pd.DataFrame,
    events: pd.DataFrame | None = None,
    *,
    dyad: str | None = None,
    label_top: int = 5,
    index_axis: bool = True,
    title: str | None = None,
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
        (then its ``score`` column sizes the markers). Without a ``score`` column the
        events are scored with the model recorded in ``daily.attrs``.
    dyad : str, optional
        Which dyad; needed when ``daily`` holds several.
    label_top : int, default 5
        Label the largest occasions (a day's same-signed events), placed so that labels
        do not overlap.
    index_axis : bool, default True
        Show the 0-100 index on a right-hand axis.
    title : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    The net tension is the black line; the hostile stock is shaded above zero and the
    cooperative stock below, so the line is their sum. Each marker is one occasion (a
    day's hostile or cooperative events of the dyad) placed on the line where the
    occasion first shows, its area proportional to the occasion's total ``|score|``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import tension as tn
    >>> ev = tn.datasets.pakistan_iran_2024()
    >>> ax = tn.plot.timeline(tn.score(ev, start="2024-01-10", end="2024-02-29"), ev)
    >>> ax.get_title(loc="left")
    'Tension between IRN and PAK'
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    ax = _new_ax(ax)
    job = _timeline_body(ax, daily, events, dyad=dyad, label_top=label_top, index_axis=index_axis, title=title)
    _set_ylim(ax, job["ylim"])
    _label_occasions(ax, job)
    return ax


def _set_ylim(ax, limits):
    lo, hi = limits
    span = max(hi - lo, 1e-9)
    ax.set_ylim(lo - 0.08 * span, hi + 0.25 * span)


def _timeline_body(ax, daily, events, *, dyad, label_top, index_axis, title) -> dict:
    """Draw a timeline without its labels; return what labelling and limits need."""
    from matplotlib.lines import Line2D

    series, dyad = _one_dyad(daily, dyad, "daily")
    series = series.sort_values("date")
    x = pd.DatetimeIndex(series["date"])
    x_plot = x.tz_localize(None) if x.tz is not None else x
    ax.fill_between(x_plot, 0, series["hostile"], color=PALETTE["hostile"], alpha=0.18, lw=0, step="post")
    ax.fill_between(x_plot, 0, -series["cooperative"], color=PALETTE["cooperative"], alpha=0.18, lw=0, step="post")
    ax.plot(x_plot, series["hostile"], color=PALETTE["hostile"], lw=0.9, drawstyle="steps-post", label="hostile stock")
    ax.plot(x_plot, -series["cooperative"], color=PALETTE["cooperative"], lw=0.9, drawstyle="steps-post",
            label="cooperative stock (shown below 0)")  # fmt: skip
    ax.plot(x_plot, series["tension"], color=PALETTE["tension"], lw=2.2, drawstyle="steps-post", label="tension")
    ax.axhline(0, color=PALETTE["neutral"], lw=0.8)
    job = {"points": [], "texts": [], "colors": [], "avoid": None}
    if events is not None:
        if "score" in events.columns and "source" in events.columns:
            scored = events
        else:
            from .model import Model
            from .score import event_scores

            model = Model(**daily.attrs["model"]) if "model" in daily.attrs else None
            ev = events.drop(columns="score") if "score" in events.columns else events
            scores = event_scores(ev, model=model)
            scored = ev.assign(score=scores["score"].to_numpy(), dyad=scores["dyad"].to_numpy())
        scored = scored[scored["dyad"] == dyad]
        dates = pd.DatetimeIndex(scored["date"])
        scored = scored[(dates >= x.min().normalize()) & (dates <= x.max())]
        occasions = _occasions(scored)
        if len(occasions):
            days = _naive(occasions["day"])
            pos = np.clip(np.searchsorted(x_plot, days, side="left"), 0, len(x_plot) - 1)
            y = series["tension"].to_numpy()[pos]
            xs = x_plot[pos]
            colors = np.where(occasions["sign"] > 0, PALETTE["hostile"], PALETTE["cooperative"])
            ax.scatter(xs, y, s=30 + 14 * occasions["size"].to_numpy(), c=list(colors), edgecolors="white",
                       linewidths=1.0, zorder=4)  # fmt: skip
            import matplotlib.dates as mdates

            top = occasions["size"].to_numpy().argsort(kind="stable")[::-1][:label_top]  # largest first
            xnum, yval = mdates.date2num(x_plot), series["tension"].to_numpy()
            # the step line as points: each day's level, densified along the vertical jumps
            jumps = [np.column_stack([np.full(8, xnum[i]), np.linspace(yval[i - 1], yval[i], 8)]) for i in range(1, len(xnum))]
            flats = [np.column_stack([np.linspace(xnum[i], xnum[i + 1], 4), np.full(4, yval[i])]) for i in range(len(xnum) - 1)]
            job = {
                "points": [(mdates.date2num(xs[i]), y[i]) for i in top],
                "texts": ["\n".join(textwrap.fill(line, 46) for line in occasions["label"].iloc[i].split("\n")) for i in top],
                "colors": [colors[i] for i in top],
                "avoid": np.concatenate(jumps + flats) if len(xnum) > 1 else None,
            }
    date_axis(ax)
    ax.set_ylabel("tension (decayed event score)")
    ax.set_title(title or f"Tension between {dyad.replace('->', ' and ').replace('-', ' and ')}", loc="left")
    handles = [
        Line2D([], [], color=PALETTE["tension"], lw=2.2, label="tension = hostile − cooperative"),
        Line2D([], [], color=PALETTE["hostile"], lw=6, alpha=0.3, label="hostile stock"),
        Line2D([], [], color=PALETTE["cooperative"], lw=6, alpha=0.3, label="cooperative stock (below 0)"),
    ]
    if events is not None:
        handles += [
            Line2D([], [], ls="", marker="o", color=PALETTE["hostile"], label="hostile events (area ∝ score)"),
            Line2D([], [], ls="", marker="o", color=PALETTE["cooperative"], label="cooperative events"),
        ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.1), fontsize=8, frameon=False,
              ncols=len(handles))  # fmt: skip
    if index_axis and "model" in daily.attrs:
        from scipy.special import expit, logit

        scale = daily.attrs["model"]["scale"]
        sec = ax.secondary_yaxis(
            "right",
            functions=(lambda t: 100 * expit(np.asarray(t) / scale),
                       lambda i: scale * logit(np.clip(np.asarray(i) / 100, 1e-12, 1 - 1e-12))),
        )  # fmt: skip
        sec.set_ylabel("index (0–100, 50 = neutral)")
        sec.set_yticks([10, 25, 50, 75, 90, 97])
    ax.grid(axis="y", color="#dddddd", lw=0.6)
    ax.set_axisbelow(True)
    values = series[["tension", "hostile"]].to_numpy()
    low = min(0.0, float(np.min(values, initial=0.0)), -float(series["cooperative"].max() if len(series) else 0.0))
    job["ylim"] = (low, max(0.0, float(np.max(values, initial=0.0))))
    return job


def _label_occasions(ax, job):
    if job["points"]:
        ax.figure.canvas.draw()  # final layout first: labels are placed in display pixels
        _place_labels(ax, job["points"], job["texts"], job["colors"], avoid=job["avoid"])


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


def _naive(dates) -> pd.DatetimeIndex:
    index = pd.DatetimeIndex(dates)
    return index.tz_localize(None) if index.tz is not None else index


def contributions(parts: pd.DataFrame, *, dyad: str | None = None, top: int = 7, ax=None):
    """What makes up one dyad's tension over time: stacked parts and the net line.

    Parameters
    ----------
    parts : DataFrame
        Output of :func:`tension.decompose` (``dyad``, ``date``, ``part``, ``value``).
    dyad : str, optional
        Needed when ``parts`` holds several dyads.
    top : int, default 7
        Parts beyond the ``top`` largest (by peak |value|) are drawn together as "other".
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Positive parts stack upwards from zero and negative parts downwards, each in its
    own colour (quad classes in the palette's conflict-cooperation colours); the black
    line is their sum, the tension.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import tension as tn
    >>> parts = tn.decompose(tn.datasets.pakistan_iran_2024(), start="2024-01-10", end="2024-02-29")
    >>> ax = tn.plot.contributions(parts)
    >>> [t.get_text() for t in ax.get_legend().get_texts()][:2]
    ['tension (sum of the parts)', 'material conflict']
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    frame, dyad = _one_dyad(parts, dyad, "parts")
    wide = frame.pivot_table(index="date", columns="part", values="value", aggfunc="sum", sort=True).fillna(0.0)
    peak = wide.abs().max().sort_values(ascending=False, kind="stable")
    keep = list(peak.index[:top])
    if len(peak) > top:
        wide["other"] = wide[list(peak.index[top:])].sum(axis=1)
        keep.append("other")
    wide = wide[keep]
    ax = _new_ax(ax)
    x = _naive(wide.index)
    colors = iter(QUALITATIVE)
    up = np.zeros(len(wide))
    down = np.zeros(len(wide))
    from matplotlib.patches import Patch

    handles = []
    for part in keep:
        color = PALETTE.get(part) or next(colors, "#777777")
        values = wide[part].to_numpy()
        pos, neg = np.clip(values, 0, None), np.clip(values, None, 0)
        if pos.any():
            ax.fill_between(x, up, up + pos, color=color, alpha=0.75, lw=0, step="post")
            up = up + pos
        if neg.any():
            ax.fill_between(x, down, down + neg, color=color, alpha=0.75, lw=0, step="post")
            down = down + neg
        handles.append(Patch(color=color, alpha=0.75, label=str(part).replace("_", " ")))
    (net,) = ax.plot(x, wide.sum(axis=1), color=PALETTE["tension"], lw=2.0, drawstyle="steps-post",
                     label="tension (sum of the parts)")  # fmt: skip
    ax.axhline(0, color=PALETTE["neutral"], lw=0.8)
    ax.legend(handles=[net, *handles], loc="upper right", fontsize=8, frameon=False)
    date_axis(ax)
    by = parts.attrs.get("by", "part")
    ax.set_title(f"What makes up the tension between {_arrow(dyad)}, by {by.replace('_', ' ')}", loc="left")
    ax.set_ylabel("contribution to tension")
    ax.grid(axis="y", color="#dddddd", lw=0.6)
    ax.set_axisbelow(True)
    return ax


def drivers(why: pd.DataFrame, *, dyad: str | None = None, top: int = 10, ax=None):
    """The events behind one dyad's tension at one date, as horizontal bars.

    Parameters
    ----------
    why : DataFrame
        Output of :func:`tension.contributions`.
    dyad : str, optional
        Needed when ``why`` holds several dyads.
    top : int, default 10
        Bars for the ``top`` largest |contributions|; the rest share one bar.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import tension as tn
    >>> why = tn.contributions(tn.datasets.pakistan_iran_2024(), at="2024-01-29")
    >>> ax = tn.plot.drivers(why, top=3)
    >>> [t.get_text() for t in ax.get_yticklabels()]  # doctest: +NORMALIZE_WHITESPACE
    ['18 Jan 2024  PAK→IRN airstrike, 9 killed', '17 Jan 2024  IRN→PAK airstrike, 2 killed, 3 injured',
     '27 Jan 2024  IRN→PAK armed attack, 4 killed, 3 injured', '13 other events']
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    frame, dyad = _one_dyad(why, dyad, "why")
    frame = frame[frame["contribution"] != 0]
    order = frame["contribution"].abs().sort_values(ascending=False, kind="stable").index
    head, rest = frame.loc[order[:top]], frame.loc[order[top:]]
    labels = _kind_labels()
    names = [f"{pd.Timestamp(r['date']):%d %b %Y}  {_event_label(r, labels)}" for _, r in head.iterrows()]
    values = head["contribution"].tolist()
    if len(rest):
        names.append(f"{len(rest)} other events")
        values.append(float(rest["contribution"].sum()))
    ax = _new_ax(ax, figsize=(10, 0.45 * len(values) + 1.5))
    y = np.arange(len(values))[::-1]
    colors = [PALETTE["hostile"] if v > 0 else PALETTE["cooperative"] for v in values]
    if len(rest):
        colors[-1] = PALETTE["neutral"]
    ax.barh(y, values, color=colors, height=0.7)
    span = max((abs(v) for v in values), default=1.0)
    for yi, v in zip(y, values, strict=True):
        ax.text(v + (0.01 * span if v >= 0 else -0.01 * span), yi, f"{v:+.1f}", va="center",
                ha="left" if v >= 0 else "right", fontsize=8)  # fmt: skip
    ax.set_yticks(y, names)
    ax.axvline(0, color=PALETTE["neutral"], lw=0.8)
    lo, hi = ax.get_xlim()
    ax.set_xlim(lo - 0.08 * (hi - lo), hi + 0.08 * (hi - lo))
    total = why.attrs.get("tension", {}).get(dyad, frame["contribution"].sum())
    at = why.attrs.get("at")
    when = f" on {pd.Timestamp(at):%d %b %Y}" if at else ""
    ax.set_title(f"{_arrow(dyad)}{when}: tension {total:.1f}, and what drives it", loc="right")
    ax.set_xlabel("contribution to tension (hostile > 0, cooperative < 0)")
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    ax.set_axisbelow(True)
    return ax


def _ranked(daily: pd.DataFrame, value: str, order: str) -> list[str]:
    if order not in ("peak", "latest", "name"):
        raise ValueError(f"order must be 'peak', 'latest' or 'name', not {order!r}")
    if order == "name":
        return sorted(pd.unique(daily["dyad"]))
    grouped = daily.sort_values("date", kind="stable").groupby("dyad")[value]
    score = grouped.max() if order == "peak" else grouped.last()
    return list(score.sort_values(ascending=False, kind="stable").index)


def heatmap(daily: pd.DataFrame, *, value: str = "tension", order: str = "peak", top: int = 30, cmap: str = "RdBu_r", ax=None):
    """Many dyads over time as a heat map, diverging colours centred on zero.

    Parameters
    ----------
    daily : DataFrame
        Output of :func:`tension.score`.
    value : str, default "tension"
        Column to show (``"tension"``, ``"hostile"``, ``"cooperative"``, ``"index"``;
        the index is centred on 50).
    order : {"peak", "latest", "name"}, default "peak"
        Dyads from the highest peak, or the highest latest value, down; or by name.
    top : int, default 30
        How many dyads (rows).
    cmap : str, default "RdBu_r"
        A diverging colour map (red = tense, blue = warm).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import tension as tn
    >>> ev = tn.io.read_gdelt(tn.datasets.path("gdelt2_20170101073000.export.CSV"))
    >>> ax = tn.plot.heatmap(tn.score(ev, freq="D"), top=10)
    >>> len(ax.get_yticklabels()), ax.images[0].get_cmap().name
    (10, 'RdBu_r')
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    import matplotlib.dates as mdates
    from matplotlib.colors import TwoSlopeNorm

    dyads = _ranked(daily, value, order)[:top]
    wide = daily[daily["dyad"].isin(dyads)].pivot_table(index="dyad", columns="date", values=value, aggfunc="sum")
    wide = wide.reindex(dyads)
    center = 50.0 if value == "index" else 0.0
    data = wide.to_numpy(dtype=float)
    half = max(np.nanmax(np.abs(data - center)) if data.size else 1.0, 1e-9)
    ax = _new_ax(ax, figsize=(10, 0.28 * len(dyads) + 1.8))
    dates = _naive(wide.columns)
    if len(dates) > 1:
        step = (dates[-1] - dates[0]) / (len(dates) - 1)
    else:
        step = pd.Timedelta(days=1)
    x0, x1 = mdates.date2num(dates[0] - step / 2), mdates.date2num(dates[-1] + step / 2)
    image = ax.imshow(data, aspect="auto", interpolation="nearest", cmap=cmap,
                      norm=TwoSlopeNorm(vcenter=center, vmin=center - half, vmax=center + half),
                      extent=(x0, x1, len(dyads) - 0.5, -0.5))  # fmt: skip
    ax.set_yticks(range(len(dyads)), [_arrow(d) for d in dyads], fontsize=8)
    ax.xaxis_date()
    date_axis(ax)
    colorbar = ax.figure.colorbar(image, ax=ax, pad=0.01)
    colorbar.set_label(f"{value} (red = tense, blue = warm)")
    ranking = {"peak": "highest peak first", "latest": "highest latest value first", "name": "by name"}[order]
    ax.set_title(f"{value.capitalize()} of the {len(dyads)} dyads, {ranking}", loc="left")
    return ax


def small_multiples(
    daily: pd.DataFrame,
    events: pd.DataFrame | None = None,
    *,
    n: int = 6,
    order: str = "peak",
    ncols: int = 3,
    label_top: int = 2,
    ax=None,
):
    """Timelines of the ``n`` most tense dyads in a grid with shared axes.

    Parameters
    ----------
    daily : DataFrame
        Output of :func:`tension.score`.
    events : DataFrame, optional
        The scored events, to mark and label them (see :func:`timeline`).
    n : int, default 6
    order : {"peak", "latest", "name"}, default "peak"
    ncols : int, default 3
    label_top : int, default 2
        Occasions labelled per panel.
    ax : array of matplotlib Axes, optional
        At least ``n`` Axes to draw on; a new figure with shared axes when None.

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes
        The panels used, one per dyad, most tense first.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import tension as tn
    >>> ev = tn.io.read_gdelt(tn.datasets.path("gdelt2_20170101073000.export.CSV"))
    >>> axes = tn.plot.small_multiples(tn.score(ev), n=4, ncols=2)
    >>> len(axes)
    4
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    import matplotlib.pyplot as plt

    dyads = _ranked(daily, "tension", order)[:n]
    if ax is None:
        nrows = -(-len(dyads) // ncols)
        _, grid = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 2.8 * nrows), sharex=True, sharey=True,
                               layout="constrained", squeeze=False)  # fmt: skip
        panels = grid.ravel()
        for extra in panels[len(dyads):]:
            extra.set_visible(False)
    else:
        panels = np.asarray(ax, dtype=object).ravel()
        if len(panels) < len(dyads):
            raise ValueError(f"ax holds {len(panels)} Axes; {len(dyads)} are needed")
    jobs = []
    for panel, dyad in zip(panels, dyads, strict=False):
        jobs.append(_timeline_body(panel, daily, events, dyad=dyad, label_top=label_top, index_axis=False, title=_arrow(dyad)))
        panel.get_legend().remove()
        panel.set_ylabel("")
    if jobs:
        lows, highs = zip(*(job["ylim"] for job in jobs), strict=True)
        for panel in panels[: len(jobs)]:
            _set_ylim(panel, (min(lows), max(highs)))
        for panel, job in zip(panels, jobs, strict=False):
            _label_occasions(panel, job)
    return np.asarray(panels[: len(dyads)])
