"""The events behind one dyad's tension at one date: the output of :func:`tension.contributions`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._style import PALETTE, arrow, event_label, kind_labels, new_ax, one_dyad, positive

__all__ = ["drivers"]


def drivers(why: pd.DataFrame, *, dyad: str | None = None, top: int = 10, ax=None):
    """The events behind one dyad's tension at one date, as horizontal bars.

    Parameters
    ----------
    why : DataFrame
        Output of :func:`tension.contributions`.
    dyad : str, optional
        Needed when ``why`` holds several dyads.
    top : int, default 10
        Bars for the ``top`` largest ``|contribution|``; the rest share one bar.
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
    top = positive("top", top)
    frame, dyad = one_dyad(why, dyad, "why")
    frame = frame[frame["contribution"] != 0]
    # ranked and split by position: the index may repeat labels (events from pd.concat)
    order = np.argsort(-frame["contribution"].abs().to_numpy(dtype=float), kind="stable")
    head, rest = frame.iloc[order[:top]], frame.iloc[order[top:]]
    labels = kind_labels()
    names = [f"{pd.Timestamp(r['date']):%d %b %Y}  {event_label(r, labels)}" for _, r in head.iterrows()]
    values = head["contribution"].tolist()
    if len(rest):
        names.append(f"{len(rest)} other events")
        values.append(float(rest["contribution"].sum()))
    ax = new_ax(ax, figsize=(10, 0.45 * len(values) + 1.5))
    y = np.arange(len(values))[::-1]
    colors = [PALETTE["hostile"] if v > 0 else PALETTE["cooperative"] for v in values]
    if len(rest):
        colors[-1] = PALETTE["neutral"]
    ax.barh(y, values, color=colors, height=0.7)
    span = max((abs(v) for v in values), default=1.0)
    for yi, v in zip(y, values, strict=True):
        ax.text(
            v + (0.01 * span if v >= 0 else -0.01 * span),
            yi,
            f"{v:+.1f}",
            va="center",
            ha="left" if v >= 0 else "right",
            fontsize=8,
        )
    ax.set_yticks(y, names)
    ax.axvline(0, color=PALETTE["neutral"], lw=0.8)
    lo, hi = ax.get_xlim()
    ax.set_xlim(lo - 0.08 * (hi - lo), hi + 0.08 * (hi - lo))
    drawn = float(np.sum(values))
    total = why.attrs.get("tension", {}).get(dyad, drawn)
    at = why.attrs.get("at")
    when = f" on {pd.Timestamp(at):%d %b %Y}" if at else ""
    title = f"{arrow(dyad)}{when}: tension {total:.1f}, and what drives it"
    if not np.isclose(drawn, total, rtol=1e-6, atol=1e-6 * max(1.0, abs(total))):
        # some of the dyad's events are not in ``why`` (a filtered frame): say so, not a silent mismatch
        title += f"\n(the events shown sum to {drawn:.1f}: the others are not in the frame)"
    ax.set_title(title, loc="right")
    ax.set_xlabel("contribution to tension (hostile > 0, cooperative < 0)")
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    ax.set_axisbelow(True)
    return ax
