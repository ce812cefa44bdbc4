"""Timelines of the most tense dyads in a grid of panels."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._deprecate import renamed
from ._labels import label_occasions
from ._style import arrow, positive, ranked, set_ylim
from ._timeline import timeline_body

__all__ = ["small_multiples"]


def small_multiples(
    daily: pd.DataFrame,
    events: pd.DataFrame | None = None,
    *,
    top: int | None = None,
    order: str = "peak",
    ncols: int = 3,
    label_top: int = 2,
    ax=None,
    n: int | None = None,
):
    """Timelines of the ``top`` most tense dyads in a grid with shared axes.

    Parameters
    ----------
    daily : DataFrame
        Output of :func:`tension.score`.
    events : DataFrame, optional
        The scored events, to mark and label them (see :func:`timeline`).
    top : int, default 6
        How many dyads (panels).
    order : {"peak", "latest", "name"}, default "peak"
    ncols : int, default 3
    label_top : int, default 2
        Occasions labelled per panel.
    ax : array of matplotlib Axes, optional
        At least ``top`` Axes to draw on; a new figure with shared axes when None.
    n : int, optional
        Deprecated name of ``top`` (a FutureWarning; removed in the next release).

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes
        The panels used, one per dyad, most tense first.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import tension as tn
    >>> ev = tn.io.read_gdelt(tn.datasets.path("gdelt2_20170101073000.export.CSV"))
    >>> axes = tn.plot.small_multiples(tn.score(ev), top=4, ncols=2)
    >>> len(axes)
    4
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    import matplotlib.pyplot as plt

    top = positive(
        "n" if n is not None and top is None else "top", renamed("small_multiples", "n", n, "top", top, default=6)
    )
    ncols = positive("ncols", ncols)
    dyads = ranked(daily, "tension", order)[:top]
    if ax is None:
        nrows = -(-len(dyads) // ncols)
        _, grid = plt.subplots(
            nrows,
            ncols,
            figsize=(4.2 * ncols, 2.8 * nrows),
            sharex=True,
            sharey=True,
            layout="constrained",
            squeeze=False,
        )
        panels = grid.ravel()
        for extra in panels[len(dyads) :]:
            extra.set_visible(False)
    else:
        panels = np.asarray(ax, dtype=object).ravel()
        if len(panels) < len(dyads):
            raise ValueError(f"ax holds {len(panels)} Axes; {len(dyads)} are needed")
    jobs = []
    for panel, dyad in zip(panels, dyads, strict=False):
        jobs.append(
            timeline_body(panel, daily, events, dyad=dyad, label_top=label_top, index_axis=False, title=arrow(dyad))
        )
        panel.get_legend().remove()
        panel.set_ylabel("")
    if jobs:
        lows, highs = zip(*(job["ylim"] for job in jobs), strict=True)
        for panel in panels[: len(jobs)]:
            set_ylim(panel, (min(lows), max(highs)))
        for panel, job in zip(panels, jobs, strict=False):
            label_occasions(panel, job)
    return np.asarray(panels[: len(dyads)])
