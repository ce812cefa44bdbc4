"""Many dyads over time as a heat map."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._style import arrow, date_axis, naive, new_ax, ranked

__all__ = ["heatmap"]


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

    dyads = ranked(daily, value, order)[:top]
    wide = daily[daily["dyad"].isin(dyads)].pivot_table(index="dyad", columns="date", values=value, aggfunc="sum")
    wide = wide.reindex(dyads)
    center = 50.0 if value == "index" else 0.0
    data = wide.to_numpy(dtype=float)
    half = max(np.nanmax(np.abs(data - center)) if data.size else 1.0, 1e-9)
    ax = new_ax(ax, figsize=(10, 0.28 * len(dyads) + 1.8))
    dates = naive(wide.columns)
    if len(dates) > 1:
        step = (dates[-1] - dates[0]) / (len(dates) - 1)
    else:
        step = pd.Timedelta(days=1)
    x0, x1 = mdates.date2num(dates[0] - step / 2), mdates.date2num(dates[-1] + step / 2)
    image = ax.imshow(data, aspect="auto", interpolation="nearest", cmap=cmap,
                      norm=TwoSlopeNorm(vcenter=center, vmin=center - half, vmax=center + half),
                      extent=(x0, x1, len(dyads) - 0.5, -0.5))  # fmt: skip
    ax.set_yticks(range(len(dyads)), [arrow(d) for d in dyads], fontsize=8)
    ax.xaxis_date()
    date_axis(ax)
    colorbar = ax.figure.colorbar(image, ax=ax, pad=0.01)
    colorbar.set_label(f"{value} (red = tense, blue = warm)")
    ranking = {"peak": "highest peak first", "latest": "highest latest value first", "name": "by name"}[order]
    ax.set_title(f"{value.capitalize()} of the {len(dyads)} dyads, {ranking}", loc="left")
    return ax
