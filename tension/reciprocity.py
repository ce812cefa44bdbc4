"""Reciprocity: who answered whose hostile act, how fast and how hard."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _params
from .events import read_events
from .model import Model
from .score import event_scores
from .taxonomy import resolve_weights

__all__ = ["reciprocity"]

_ACT_COLUMNS = [
    "dyad",
    "act",
    "date",
    "source",
    "target",
    "kind",
    "size",
    "response",
    "response_date",
    "response_kind",
    "lag",
    "relative_size",
]
_SUMMARY_COLUMNS = ["dyad", "acts", "answered", "share_answered", "median_lag", "median_relative_size", "proportionate"]


def _window_days(window) -> float:
    """The window in days: a number (numpy's too) is days; a duration needs its unit
    (pandas reads a bare ``"14"`` as 14 nanoseconds)."""
    message = f"window must be a number of days or a duration like '14D', got {window!r}"
    if isinstance(window, bool | np.bool_):
        raise ValueError(message)
    if _params.is_number(window) and not isinstance(window, np.timedelta64):  # (numpy's durations are integers)
        days = float(window)
    else:
        if isinstance(window, str):
            try:
                float(window)
            except ValueError:
                pass
            else:
                bare = window.strip()
                raise ValueError(f"{message}, a duration without a unit: write {bare} (days) or '{bare}D'")
        try:
            days = pd.Timedelta(window) / pd.Timedelta(days=1)
        except (ValueError, TypeError):
            raise ValueError(message) from None
    if not (np.isfinite(days) and days > 0):
        raise ValueError(f"window must be a positive number of days, got {window!r}")
    return days


def reciprocity(
    events,
    *,
    window=14,
    directed: bool | None = None,
    band: tuple[float, float] = (0.5, 2.0),
    by: str = "act",
    kinds=None,
    collapse: bool = False,
    model: Model | None = None,
) -> pd.DataFrame:
    """For each hostile act A->B, B's first hostile response towards A within a window.

    Parameters
    ----------
    events : DataFrame or path
        Events in the schema of :func:`tension.read_events`; direction matters, so the
        model must be directed.
    window : float [days] or duration string, default 14
        A response is a hostile event of B towards A strictly after the act and at most
        ``window`` days after it (a same-day act of B is simultaneous, not an answer).
    directed : bool, optional
        Must be True (or left out with a directed ``model``): reciprocity needs
        ``source -> target``.
    band : (float, float), default (0.5, 2.0)
        A response is proportionate when its size relative to the act lies in this
        closed range.
    by : {"act", "dyad"}, default "act"
        One row per hostile act, or the per-dyad summary.
    kinds : list of str, optional
        Only events of these kinds count, as acts and as answers (e.g. the material
        conflict kinds, leaving out the stream of verbal accusations in news-coded data).
    collapse : bool, default False
        Count one act per direction and timestamp (the largest; ties by input order):
        news-coded data report one act many times the same day.
    model : Model, optional
        The model whose event scores measure the size of acts and responses.

    Returns
    -------
    pandas.DataFrame
        With ``by="act"``, one row per hostile act (score > 0), sorted by dyad, date and input order:
        ``dyad`` (the unordered pair, ``"IRN-PAK"``), ``act`` (its index label),
        ``date``, ``source``, ``target``, ``kind``, ``size`` (its score), ``response``
        (index label of the first answer, NaN if none), ``response_date``,
        ``response_kind``, ``lag`` [days] and ``relative_size`` (response size / act
        size). Several same-time answers: the largest is taken (of equal sizes, the kind
        first in alphabetical order; of events alike in both, the first in input order).
        With ``by="dyad"``, one row per unordered dyad: ``dyad``, ``acts``, ``answered``, ``share_answered``,
        ``median_lag`` [days], ``median_relative_size`` and ``proportionate`` (the
        share of answered acts whose relative size lies in ``band``).

    Examples
    --------
    >>> import tension as tn
    >>> acts = tn.reciprocity(tn.datasets.pakistan_iran_2024(), directed=True)
    >>> acts[["source", "target", "kind", "response_kind", "lag"]]
      source target          kind response_kind  lag
    0    IRN    PAK     airstrike     airstrike  1.0
    1    PAK    IRN     airstrike  armed_attack  9.0
    2    IRN    PAK  armed_attack          None  NaN
    3    PAK    IRN  condemnation          None  NaN
    """
    m = model or Model(directed=bool(directed))
    if directed is not None and model is not None and bool(directed) != model.directed:
        raise ValueError("give direction once: directed= disagrees with model.directed")
    if not m.directed:
        raise ValueError(
            "reciprocity needs directed events (who acted on whom): call with directed=True, "
            "or a tension.Model(directed=True)"
        )
    if by not in ("act", "dyad"):
        raise ValueError(f"by must be 'act' or 'dyad', not {by!r}")
    days = _window_days(window)
    lo, hi = band
    if not (0 <= lo <= hi):
        raise ValueError(f"band must be (low, high) with 0 <= low <= high, got {band!r}")
    ev = read_events(events, weights=m.weights, duplicates="keep")
    scores = event_scores(ev, model=m)
    hostile = scores["score"].to_numpy() > 0
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else list(kinds)
        known = resolve_weights(m.weights)
        unknown = [k for k in kinds if k not in known]
        if unknown:  # (a misspelt kind would silently leave no act to count)
            raise ValueError(
                f"kinds names {unknown[:5]}, which are not kinds of the model; known kinds: "
                f"{', '.join(sorted(known)[:12])}, … (tension.kinds() lists them all)"
            )
        hostile &= ev["kind"].isin(kinds).to_numpy()
    src = ev["source"].to_numpy(dtype=object)
    tgt = ev["target"].to_numpy(dtype=object)
    pair = np.where(src < tgt, src + "-" + tgt, tgt + "-" + src)
    frame = pd.DataFrame(
        {
            "dyad": pair,
            "act": ev.index,
            "date": ev["date"].to_numpy(),
            "source": src,
            "target": tgt,
            "kind": ev["kind"].to_numpy(dtype=object),
            "size": scores["score"].to_numpy(),
            "pos": np.arange(len(ev)),
        }
    )[hostile]
    frame["date"] = ev["date"][hostile].to_numpy()
    if collapse:
        largest = frame.sort_values(["size", "pos"], ascending=[False, True], kind="stable")
        frame = frame.loc[~largest.duplicated(["source", "target", "date"]).reindex(frame.index)]
    frame = frame.sort_values(["dyad", "date", "pos"], kind="stable").reset_index(drop=True)
    # the first answer: per direction and time the largest act stands for its occasion, then an
    # as-of join forwards (strictly later, within the window) against the reverse direction
    # (equal sizes: the kind first in alphabetical order, then input order, for events alike in both)
    resp = frame.sort_values(["date", "size", "kind", "pos"], ascending=[True, False, True, True], kind="stable")
    resp = resp.drop_duplicates(["source", "target", "date"], keep="first")
    resp = resp.rename(columns={c: f"r_{c}" for c in frame.columns})
    acts = frame.reset_index().rename(columns={"index": "row"}).sort_values(["date", "row"], kind="stable")
    joined = pd.merge_asof(
        acts,
        resp,
        left_on="date",
        right_on="r_date",
        left_by=["source", "target"],
        right_by=["r_target", "r_source"],
        direction="forward",
        allow_exact_matches=False,
        tolerance=pd.Timedelta(days=days),
    )
    joined = joined[joined["r_date"].notna()]
    joined["lag"] = (joined["r_date"] - joined["date"]) / pd.Timedelta(days=1)
    first = joined.set_index("row")
    out = frame.drop(columns="pos")
    out["response"] = first["r_act"].reindex(out.index).astype(object)
    out["response_date"] = first["r_date"].reindex(out.index)
    out["response_kind"] = first["r_kind"].reindex(out.index).astype(object).where(out["response"].notna(), None)
    out["lag"] = first["lag"].reindex(out.index).astype(float)
    out["relative_size"] = (first["r_size"].reindex(out.index) / out["size"]).astype(float)
    out = out[_ACT_COLUMNS]
    attrs = {"window": days, "band": (lo, hi), "model": m.as_dict()}
    if by == "act":
        out.attrs = attrs
        return out
    answered = out["response"].notna()
    proportionate = answered & out["relative_size"].between(lo, hi)
    g = out.assign(answered=answered, prop=proportionate).groupby("dyad", sort=True)
    summary = pd.DataFrame(
        {
            "acts": g.size(),
            "answered": g["answered"].sum().astype(int),
            "median_lag": g["lag"].median(),
            "median_relative_size": g["relative_size"].median(),
            "prop": g["prop"].sum(),
        }
    ).reset_index()
    summary["share_answered"] = summary["answered"] / summary["acts"]
    summary["proportionate"] = np.divide(
        summary["prop"], summary["answered"], out=np.full(len(summary), np.nan), where=summary["answered"] > 0
    )
    summary = summary[_SUMMARY_COLUMNS]
    summary.attrs = attrs
    return summary
