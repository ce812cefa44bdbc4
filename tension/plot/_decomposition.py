"""What makes up one dyad's tension over time: the output of :func:`tension.decompose`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._style import PALETTE, QUALITATIVE, arrow, date_axis, naive, new_ax, one_dyad, positive

__all__ = ["decomposition"]


def decomposition(parts: pd.DataFrame, *, dyad: str | None = None, top: int = 7, ax=None):
    """What makes up one dyad's tension over time: stacked parts and the net line.

    Draws the output of :func:`tension.decompose` (called ``contributions`` in 0.1).

    Parameters
    ----------
    parts : DataFrame
        Output of :func:`tension.decompose` (``dyad``, ``date``, ``part``, ``value``).
    dyad : str, optional
        Needed when ``parts`` holds several dyads.
    top : int, default 7
        Parts beyond the ``top`` largest (by peak ``|value|``) are drawn together as "other".
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
    >>> ax = tn.plot.decomposition(parts)
    >>> [t.get_text() for t in ax.get_legend().get_texts()][:2]
    ['tension (sum of the parts)', 'material conflict']
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    top = positive("top", top)
    missing = [c for c in ("dyad", "date", "part", "value") if not isinstance(parts, pd.DataFrame) or c not in parts]
    if missing:
        raise ValueError(
            f"parts must be the output of tension.decompose (columns dyad, date, part, value); missing {missing}"
        )
    frame, dyad = one_dyad(parts, dyad, "parts")
    wide = frame.pivot_table(index="date", columns="part", values="value", aggfunc="sum", sort=True).fillna(0.0)
    peak = wide.abs().max().sort_values(ascending=False, kind="stable")
    keep = list(peak.index[:top])
    if len(peak) > top:
        wide["other"] = wide[list(peak.index[top:])].sum(axis=1)
        keep.append("other")
    wide = wide[keep]
    ax = new_ax(ax)
    x = naive(wide.index)
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
    (net,) = ax.plot(
        x,
        wide.sum(axis=1),
        color=PALETTE["tension"],
        lw=2.0,
        drawstyle="steps-post",
        label="tension (sum of the parts)",
    )
    ax.axhline(0, color=PALETTE["neutral"], lw=0.8)
    ax.legend(handles=[net, *handles], loc="upper right", fontsize=8, frameon=False)
    date_axis(ax)
    by = parts.attrs.get("by", "part")
    ax.set_title(f"What makes up the tension between {arrow(dyad)}, by {by.replace('_', ' ')}", loc="left")
    ax.set_ylabel("contribution to tension")
    ax.grid(axis="y", color="#dddddd", lw=0.6)
    ax.set_axisbelow(True)
    return ax
