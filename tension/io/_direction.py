"""Direction of events whose actor order means nothing: :func:`check_direction`."""

from __future__ import annotations

import pandas as pd

from ..exceptions import DirectionError

__all__ = ["check_direction", "DirectionError"]


def check_direction(events: pd.DataFrame, *, directed: bool) -> None:
    """Refuse ``directed=True`` on events whose order of source and target is arbitrary.

    Readers mark such events with a boolean column ``ordered`` (False where the data
    does not say who acted on whom, e.g. ACLED battles, whose two sides ACLED lists in
    no particular order). Scoring them directed would invent a direction.

    Scoring calls it (``tension._prepare.prepare``, shared by :func:`tension.score`,
    :func:`tension.score_events`, :func:`tension.contributions`, :class:`tension.State`
    and Dask) with the model's ``directed``; it does nothing for events without the
    column.

    Raises
    ------
    DirectionError
        If ``directed`` and any event has ``ordered == False``; the message counts them,
        names their first rows and says how to proceed.

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"source": ["PAK", "IND"], "target": ["IND", "PAK"], "ordered": [True, False]})
    >>> check_direction(ev, directed=False)
    >>> check_direction(ev, directed=True)
    Traceback (most recent call last):
    ...
    tension.exceptions.DirectionError: directed=True, but 1 event has no direction (column 'ordered' is False, rows [1]): its data lists the two sides in no particular order (ACLED battles: actor1 is not the attacker). Score undirected, or keep only the ordered events: events[events['ordered']]
    """
    if not directed or not isinstance(events, pd.DataFrame) or "ordered" not in events.columns:
        return
    ordered = events["ordered"]
    unordered = ~ordered.fillna(False).astype(bool)
    n = int(unordered.sum())
    if n:
        rows = events.index[unordered.to_numpy()][:5].tolist()
        raise DirectionError(
            f"directed=True, but {n} event{'s' if n > 1 else ''} {'have' if n > 1 else 'has'} no direction "
            f"(column 'ordered' is False, rows {rows}{'…' if n > 5 else ''}): "
            f"{'their' if n > 1 else 'its'} data lists the two sides in no particular order "
            "(ACLED battles: actor1 is not the attacker). Score undirected, or keep only the ordered events: "
            "events[events['ordered']]"
        )
