"""Crisis calendars: their columns, the checks of :func:`read_calendar` and the 2018 calendar.

Part of :mod:`tension.validate` (the definitions are in its docstring).
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

from ..exceptions import TensionError

#: The columns of a crisis calendar.
CALENDAR_COLUMNS = ("episode", "dyad", "expectation", "date", "window_days", "reason", "source", "split")
#: What a measure should do at a key date.
EXPECTATIONS = ("rise", "peak", "fall")


class CalendarError(TensionError, ValueError):
    """A crisis calendar that cannot be used as it is (the message says where and why)."""


def crises_2018() -> pd.DataFrame:
    """Key dates of bilateral crises of January-October 2018, split in two halves.

    Written from the public record before any measure was computed on the data it is
    used with (ICEWS, January-October 2018); the calibration/held-out split was frozen
    before any tuning. Source of each row in its ``source`` column; provenance in
    ``tension/datasets/PROVENANCE.md``.

    Returns
    -------
    pandas.DataFrame
        Validated by :func:`read_calendar`: ``episode``, ``dyad`` (``"GBR-RUS"``),
        ``expectation`` (``rise``, ``peak``, ``fall``), ``date``, ``window_days``,
        ``reason``, ``source``, ``split`` (``calibration`` or ``heldout``).

    Examples
    --------
    >>> from tension import validate
    >>> cal = validate.crises_2018()
    >>> sorted(cal["split"].unique())
    ['calibration', 'heldout']
    """
    with resources.as_file(resources.files("tension.datasets").joinpath("crises_2018.csv")) as csv:
        return read_calendar(csv)


def read_calendar(path_or_frame) -> pd.DataFrame:
    """Read and check a crisis calendar.

    Parameters
    ----------
    path_or_frame : str, path or DataFrame
        A CSV file or a frame with the columns :data:`CALENDAR_COLUMNS`.

    Returns
    -------
    pandas.DataFrame
        The same rows in the same order, ``date`` as datetime64 (a day; a date with a UTC
        offset is the UTC day it falls on, as event dates are converted to UTC),
        ``window_days`` as int,
        ``dyad`` as an unordered pair with codes sorted (``"RUS-GBR"`` becomes
        ``"GBR-RUS"``).

    Raises
    ------
    CalendarError
        Missing columns, unknown expectations, unparsable dates, windows that are not
        positive whole days, dyads that are not two 3-letter codes: the message names
        the rows.

    Examples
    --------
    >>> import pandas as pd
    >>> from tension import validate
    >>> raw = pd.DataFrame({"episode": ["x"], "dyad": ["RUS-GBR"], "expectation": ["rise"],
    ...     "date": ["2018-03-04"], "window_days": ["7"], "reason": ["r"], "source": ["s"],
    ...     "split": ["calibration"]})
    >>> validate.read_calendar(raw)[["dyad", "date", "window_days"]]
          dyad       date  window_days
    0  GBR-RUS 2018-03-04            7
    """
    frame = path_or_frame.copy() if isinstance(path_or_frame, pd.DataFrame) else pd.read_csv(path_or_frame, dtype=str)
    missing = [c for c in CALENDAR_COLUMNS if c not in frame.columns]
    if missing:
        raise CalendarError(f"the calendar lacks column(s) {missing}; it needs {list(CALENDAR_COLUMNS)}")

    def bad(mask, what):
        rows = np.flatnonzero(np.asarray(mask, dtype=bool))
        if len(rows):
            raise CalendarError(f"calendar row(s) {rows[:10].tolist()}: {what}")

    exp = frame["expectation"].astype(str).str.strip().str.lower()
    bad(~exp.isin(EXPECTATIONS), f"expectation must be one of {list(EXPECTATIONS)}")
    # dates by tension's one rule for a column (as read_events reads events: never a guess per
    # row; offsets converted to UTC, as the events are)
    from .. import _dates

    date, problems, _ = _dates.collect(frame["date"].reset_index(drop=True))  # (offsets: UTC days, said in Returns)
    for mask, message in problems:
        bad(mask, f"date: {message.split(';')[0]}; write the calendar's dates as YYYY-MM-DD")
    bad(date.isna(), "date is missing or not a date (write YYYY-MM-DD)")
    if date.dt.tz is not None:
        date = date.dt.tz_convert("UTC")
    window = pd.to_numeric(frame["window_days"], errors="coerce")
    bad(~(window > 0) | (window % 1 != 0), "window_days must be a positive whole number of days")
    parts = frame["dyad"].astype(str).str.strip().str.upper().str.split(r"\s*(?:->|-|\|)\s*", regex=True)
    ok = parts.map(lambda p: len(p) == 2 and all(len(c) == 3 and c.isalpha() for c in p) and p[0] != p[1])
    bad(~ok, "dyad must be two different 3-letter country codes, e.g. 'GBR-RUS'")
    frame["dyad"] = parts.map(lambda p: "-".join(sorted(p)))
    frame["expectation"] = exp
    date = date.dt.tz_localize(None) if date.dt.tz is not None else date
    frame["date"] = date.dt.normalize().to_numpy()
    frame["window_days"] = window.astype(int)
    frame["split"] = frame["split"].astype(str).str.strip()
    return frame
