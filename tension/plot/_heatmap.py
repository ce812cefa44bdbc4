"""Many dyads over time as a heat map."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._style import arrow, date_axis, grid_offset, naive, new_ax, positive, ranked

__all__ = ["heatmap"]


def heatmap(
    daily: pd.DataFrame, *, value: str = "tension", order: str = "peak", top: int = 30, cmap: str = "RdBu_r", ax=None
):
    """Many dyads over time as a heat map, diverging colours centred on zero.

    Parameters
    ----------
    daily : DataFrame
        Output of :func:`tension.score`: one row per dyad and grid time. Each cell is
        drawn at its own date, from halfway to the grid point before to halfway to the
        one after (the grid's ``freq`` from ``daily.attrs``, else inferred from the
        dates, else the smallest step between them). Cells without a row (a grid thinned
        by ``threshold``) are left blank.
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
    >>> len(ax.get_yticklabels()), ax.collections[0].get_cmap().name
    (10, 'RdBu_r')
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    import matplotlib.dates as mdates
    from matplotlib.colors import TwoSlopeNorm

    top = positive("top", top)
    for column in ("dyad", "date", value):
        if column not in daily.columns:
            raise ValueError(f"daily needs column {column!r}: pass the output of tension.score")
    dyads = ranked(daily, value, order)[:top]
    mine = daily[daily["dyad"].isin(dyads)]
    repeated = mine.duplicated(["dyad", "date"])
    if repeated.any():
        first = mine[repeated].iloc[0]
        raise ValueError(
            f"daily holds {int(repeated.sum())} repeated (dyad, date) rows (e.g. {first['dyad']} on {first['date']}); "
            "one value per cell is needed: drop the duplicates (e.g. from pd.concat of overlapping scores)"
        )
    wide = mine.pivot(index="dyad", columns="date", values=value).reindex(dyads)
    wide = wide.sort_index(axis=1)
    local = naive(wide.columns)
    if local.has_duplicates:
        raise ValueError(
            "daily's dates repeat a local time (a daylight-saving change): convert daily['date'] to UTC "
            "(daily.assign(date=daily['date'].dt.tz_convert('UTC'))) to draw it"
        )
    left, right = _cell_edges(local, grid_offset(daily.attrs, local))
    # one column per date, drawn from its own left to its right edge; a gap between two dates
    # (a sparse grid: the values below ``threshold`` are not in the frame) is a blank column
    edges, columns = [left[0]], []
    for i in range(len(local)):
        if left[i] > edges[-1]:
            columns.append(-1)
            edges.append(left[i])
        columns.append(i)
        edges.append(max(right[i], edges[-1]))
    center = 50.0 if value == "index" else 0.0
    values = wide.to_numpy(dtype=float)
    data = np.where(np.array(columns) >= 0, values[:, columns], np.nan)
    finite = np.abs(data[np.isfinite(data)] - center)
    half = max(float(finite.max()) if finite.size else 1.0, 1e-9)
    ax = new_ax(ax, figsize=(10, 0.28 * len(dyads) + 1.8))
    image = ax.pcolormesh(
        mdates.date2num(pd.DatetimeIndex(edges)),
        np.arange(len(dyads) + 1) - 0.5,
        np.ma.masked_invalid(data),
        cmap=cmap,
        norm=TwoSlopeNorm(vcenter=center, vmin=center - half, vmax=center + half),
        rasterized=True,  # (one image in a PDF or SVG, not a vector path per cell)
    )
    ax.set_ylim(len(dyads) - 0.5, -0.5)  # the first dyad on top
    ax.set_yticks(range(len(dyads)), [arrow(d) for d in dyads], fontsize=8)
    ax.xaxis_date()
    date_axis(ax)
    colorbar = ax.figure.colorbar(image, ax=ax, pad=0.01)
    colorbar.set_label(f"{value} (red = tense, blue = warm)")
    ranking = {"peak": "highest peak first", "latest": "highest latest value first", "name": "by name"}[order]
    ax.set_title(f"{value.capitalize()} of the {len(dyads)} dyads, {ranking}", loc="left")
    return ax


def _cell_edges(dates: pd.DatetimeIndex, offset) -> tuple[list, list]:
    """Each date's cell: from halfway to the grid point before to halfway to the one after.

    Without a known grid step, cells are as wide as the smallest step between dates (a
    day for a single date), centred on their date: never stretched over a gap.
    """
    if offset is not None:
        before, after = dates - offset, dates + offset
    else:
        step = (dates[1:] - dates[:-1]).min() if len(dates) > 1 else pd.Timedelta(days=1)
        before, after = dates - step, dates + step
    return list(dates - (dates - before) / 2), list(dates + (after - dates) / 2)
