"""What each event brings: its score before decay and its part of a dyad's tension.

:func:`contributions` (each event's part at one date) and :func:`event_scores` (each
event's score before decay): tables in the events' index and order, from
:mod:`tension._prepare` and :func:`tension._grid.decayed_to`, with no time grid.
:mod:`tension.score` re-exports both.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _params
from ._deprecate import renamed
from ._grid import decayed_to
from ._prepare import attrs, check_dyads, kernel_order, prepare, resolve_model
from .model import Model

__all__ = ["contributions", "event_scores"]


def contributions(
    events,
    *,
    at,
    dyads=None,
    half_life=None,
    directed: bool | None = None,
    weights=None,
    model: Model | None = None,
    dyad: str | None = None,
) -> pd.DataFrame:
    """Each event's exact part of its dyad's tension at one time.

    Parameters
    ----------
    events : DataFrame or path
    at : date-like
        The time of the reading; events after it contribute 0.
    dyads : str or list of str, optional
        Keep only these dyads' rows (``"IRN-PAK"``, or ``"PAK->IRN"`` when directed).
    half_life, directed, weights, model
        As in :func:`tension.score`.
    dyad : str, optional
        Deprecated name of ``dyads`` (a FutureWarning; removed in the next release).

    Returns
    -------
    pandas.DataFrame
        The events' index and row order (only the rows of ``dyads`` if given), columns
        ``dyad``, ``date``, ``source``, ``target``, ``kind``, ``killed``, ``injured``,
        ``description``, ``score`` (signed score at the event),
        ``contribution`` (``score * 2 ** (-(at - date) / half_life)``; per dyad they sum
        to the dyad's tension at ``at``) and ``share`` (contribution / dyad tension; NaN
        where the tension is 0). ``attrs["at"]`` and ``attrs["tension"]`` (dyad -> value)
        record the reading.

    Examples
    --------
    >>> import tension as tn
    >>> why = tn.contributions(tn.datasets.pakistan_iran_2024(), at="2024-01-29")
    >>> top = why.sort_values("contribution", key=abs, ascending=False)  # (by position: labels may repeat)
    >>> top[["kind", "contribution"]].head(3).round(2)
               kind  contribution
    1     airstrike         16.68
    0     airstrike         14.37
    2  armed_attack          8.81
    >>> print(f'{why["contribution"].sum():.6f} = {why.attrs["tension"]["IRN-PAK"]:.6f}')
    30.539116 = 30.539116
    """
    dyads = renamed("contributions", "dyad", dyad, "dyads", dyads)
    _params.check(at=at, at_required=True, dyads=dyads)
    m = resolve_model(model, half_life=half_life, directed=directed, weights=weights)
    p = prepare(events, m)
    wanted = None if dyads is None else check_dyads(p, dyads)
    when, contribution, _ = decayed_to(p, at)
    ev = p.events
    out = pd.DataFrame(
        {
            "dyad": p.dyads,
            "date": ev["date"],
            "source": ev["source"],
            "target": ev["target"],
            "kind": ev["kind"],
            "killed": ev["killed"],
            "injured": ev["injured"],
            "description": ev["description"],
            "score": p.score,
            "contribution": contribution,
        },
        index=ev.index,
    )
    # per dyad, summed in the canonical kernel order: the same bits for any row order
    order = kernel_order(p)
    totals = np.bincount(p.codes[order], weights=contribution[order], minlength=len(p.names))
    dyad_total = totals[p.codes]
    out["share"] = np.divide(contribution, dyad_total, out=np.full(len(out), np.nan), where=dyad_total != 0)
    if wanted is not None:
        out = out[out["dyad"].isin(wanted)]
    out.attrs = attrs(m, at=str(when), tension=dict(zip(p.names.tolist(), totals.tolist(), strict=True)))
    return out


def event_scores(
    events,
    *,
    dyads=None,
    half_life=None,
    directed: bool | None = None,
    weights=None,
    model: Model | None = None,
) -> pd.DataFrame:
    """Each event's signed score under a model, before decay.

    Parameters
    ----------
    events : DataFrame or path
        Events in the schema of :func:`tension.read_events`.
    dyads : str or list of str, optional
        Keep only these dyads' rows.
    half_life, directed, weights, model
        As in :func:`tension.score`.

    Returns
    -------
    pandas.DataFrame
        Input index and order (only the rows of ``dyads`` if given); columns ``dyad``, ``date``, ``base_weight`` (``w(kind)``),
        ``magnitude`` (``m``, 1 for cooperative kinds), ``raw_score``
        (``confidence * w * m``, or ``confidence * weight`` where the event has a
        ``weight``), ``repeat_factor`` and ``score`` (``raw_score * repeat_factor``,
        what enters the kernel), ``half_life`` [days].

    Examples
    --------
    >>> import tension as tn
    >>> ev = tn.datasets.pakistan_iran_2024()
    >>> s = tn.event_scores(ev)
    >>> s.loc[s["date"] == "2024-01-18", ["dyad", "base_weight", "raw_score"]].round(2)
          dyad  base_weight  raw_score
    1  IRN-PAK         10.0      21.51
    """
    _params.check(dyads=dyads)
    m = resolve_model(model, half_life=half_life, directed=directed, weights=weights)
    p = prepare(events, m)
    out = pd.DataFrame(
        {
            "dyad": p.dyads,
            "date": p.events["date"],
            "base_weight": p.base,
            "magnitude": p.magnitude,
            "raw_score": p.raw,
            "repeat_factor": np.divide(p.score, p.raw, out=np.ones_like(p.raw), where=p.raw != 0),
            "score": p.score,
            "half_life": p.half_life,
        },
        index=p.events.index,
    )
    return out if dyads is None else out[p.rows_of(dyads)]
