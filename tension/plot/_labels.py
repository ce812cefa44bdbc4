"""Labels that do not overlap: the occasions worth labelling and where to put their labels."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._style import event_label, kind_label, kind_labels, with_defaults

__all__ = ["label_occasions", "occasions_of", "place_labels"]


def occasions_of(scored: pd.DataFrame, points) -> pd.DataFrame:
    """One row per (grid point, sign) of one dyad's events: total ``|score|``, count and a label.

    ``points`` gives each event's grid point (the position of the first grid time at or
    after it: where it first shows). Events without ``source``, ``target`` and ``kind``
    (the output of :func:`tension.score_events`) are labelled by their score.
    """
    labels = kind_labels()
    scored = with_defaults(scored)
    frame = scored.assign(
        point=np.asarray(points),
        sign=np.sign(scored["score"].to_numpy()),
        size=np.abs(scored["score"].to_numpy()),
    )
    frame = frame[frame["sign"] != 0]
    described = all(c in frame.columns for c in ("source", "target", "kind"))
    rows = []
    for (point, sign), group in frame.groupby(["point", "sign"], sort=True):
        what = "hostile" if sign > 0 else "cooperative"
        if not described:
            total = float(group["score"].sum())
            text = (
                f"{what} event, score {total:+.1f}"
                if len(group) == 1
                else f"{len(group)} {what} events, score {total:+.1f}"
            )
            rows.append({"point": point, "sign": sign, "size": group["size"].sum(), "count": len(group), "label": text})
            continue
        group = group.sort_values(["size", "kind"], ascending=[False, True], kind="stable")
        text = event_label(group.iloc[0], labels)
        if len(group) > 1:
            pairs = set(zip(group["source"], group["target"], strict=True))
            direction = (
                "{}→{}".format(*next(iter(pairs))) if len(pairs) == 1 else "↔".join(sorted(set(group["source"])))
            )
            if group["killed"].iloc[0] or group["injured"].iloc[0]:
                # the headline event, then the others (without it) by kind
                text += f"\n+{len(group) - 1} more: " + _kinds(group.iloc[1:], labels)
            else:
                text = f"{direction}: {len(group)} {what} events\n" + _kinds(group, labels)
        rows.append({"point": point, "sign": sign, "size": group["size"].sum(), "count": len(group), "label": text})
    return pd.DataFrame(rows, columns=["point", "sign", "size", "count", "label"])


def _kinds(group: pd.DataFrame, labels: dict) -> str:
    """The events' kinds, largest total ``|score|`` first: "airstrike ×2, condemnation"."""
    counts = group.groupby("kind", sort=False)["size"].agg(["sum", "size"])
    counts = counts.sort_values("sum", ascending=False, kind="stable")
    names = [f"{kind_label(labels, k)} ×{n}" if n > 1 else kind_label(labels, k) for k, n in counts["size"].items()]
    return ", ".join(names[:4]) + (", …" if len(names) > 4 else "")


def place_labels(ax, points, texts, colors, *, avoid=None, fontsize=8.5):
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
                (
                    (line[:, 0] >= box.x0) & (line[:, 0] <= box.x1) & (line[:, 1] >= box.y0) & (line[:, 1] <= box.y1)
                ).any()
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


def label_occasions(ax, job):
    if job["points"]:
        ax.figure.canvas.draw()  # final layout first: labels are placed in display pixels
        place_labels(ax, job["points"], job["texts"], job["colors"], avoid=job["avoid"])
