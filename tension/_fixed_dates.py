"""Text dates of one fixed width read straight from their bytes: the fast path of
:func:`tension._dates.parse` for the date columns ``pd.read_csv`` leaves as text.

A column qualifies when every value is written in one of these layouts, all of one width:

- year first (ISO 8601): ``YYYY-MM-DD``, ``YYYY-MM-DD hh:mm``, ``YYYY-MM-DD hh:mm:ss``
  (a space or ``T`` between);
- day or month first: ``NN/NN/YYYY``, ``NN/NN/YYYY hh:mm``, ``NN/NN/YYYY hh:mm:ss``;

with every date in the years 1678 to 2261 (all of them fit ``datetime64[ns]``). The values
are viewed as a (rows, width) array of bytes, slice by slice in threads: digits and
separators checked against the layout, the numbers made by arithmetic, the day checked
against its month (leap years too), the hour, minute and second against theirs, and the
days since 1970 computed by the civil calendar's formula.

The result is, exactly, what the general rules make of the column: ISO 8601; day first or
month first when only one of them reads every date (or both read each date alike, as
``01/01/2024``), or the one ``dayfirst=`` names when it reads every date. Anything else
(a column that reads both ways with different days, a damaged value, a missing one, a
time zone, fractions of a second, a year out of range) gives None: the general rules
read the column and name what they find.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from ._columns import _arrow_chunks, string_buffers
from ._scan import map_in_threads, workers_for

__all__ = ["read"]

#: The layouts read (:func:`read` tells them by the first value: "-" at position 4, or
#: "/" at position 2).
ISO, SLASHED = "iso", "slashed"
#: Each layout's template (a digit where "0" is) and where its year, first and second
#: numbers are (start, digits): the month and the day in ISO 8601, the day and the month
#: (or the month and the day) with slashes.
_LAYOUT = {
    ISO: (b"0000-00-00 00:00:00", (0, 4), (5, 2), (8, 2)),
    SLASHED: (b"00/00/0000 00:00:00", (6, 4), (0, 2), (3, 2)),
}
#: The widths read: a date, with hours and minutes, with seconds too.
WIDTHS = (10, 16, 19)
#: The years read (every date of them fits nanoseconds: 1677-09-22 to 2262-04-11).
YEARS = (1678, 2261)
#: Days in each month of a common year (index 1 to 12; 0 for a month 0: no day fits).
_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int32)
#: Rows per slice (in threads on long columns).
SLICE = 1 << 18


def _templates() -> dict:
    """Per layout and width: the lowest byte allowed at each position and the span above
    it (a digit, the separators exactly; anything where the date and the time meet, which
    is checked on its own)."""
    out = {}
    for layout, (template, *_) in _LAYOUT.items():
        for width in WIDTHS:
            low = np.frombuffer(template[:width], dtype=np.uint8).copy()
            span = np.where(low == ord("0"), 9, 0).astype(np.uint8)
            if width > 10:
                low[10], span[10] = 0, 255
            out[layout, width] = (low, span)
    return out


_TEMPLATES = _templates()
#: The bytes allowed between the date and the time: ISO 8601's space or ``T``, and a
#: space after a date with slashes.
_BETWEEN = {ISO: (ord(" "), ord("T")), SLASHED: (ord(" "), ord(" "))}


def read(raw: pd.Series, dayfirst: bool | None = None) -> pd.Series | None:
    """The column as ``datetime64[ns]`` (on ``raw``'s index) when every value is a date of
    one layout and width of this module, read as the general rules read it; else None.

    The text is pyarrow strings (pandas' own under pandas 3), or Python strings alone (an
    object column or pandas' Python-backed strings); no value is missing.

    Examples
    --------
    >>> read(pd.Series(["2024-01-17 10:30:00", "2024-02-29 00:00:00"])).tolist()
    [Timestamp('2024-01-17 10:30:00'), Timestamp('2024-02-29 00:00:00')]
    >>> read(pd.Series(["17/01/2024", "18/01/2024"])).tolist()  # 17 is no month: day first
    [Timestamp('2024-01-17 00:00:00'), Timestamp('2024-01-18 00:00:00')]
    >>> read(pd.Series(["2023-02-29"])) is None  # no such day: the general rules say so
    True
    >>> read(pd.Series(["01/02/2024"])) is None  # day or month first: the general rules ask
    True
    """
    chunks = _chunks(raw)
    if not chunks:
        return None
    width = 0  # (that of the first value)
    for chunk in chunks:  # every value of one width
        offsets, _ = string_buffers(chunk)
        width = width or int(offsets[1]) - int(offsets[0])
        if width not in WIDTHS or (offsets[1:] - offsets[:-1] != width).any():
            return None
    first = _bytes(chunks[0], 0, 1, width)[0]
    layout = ISO if first[4] == ord("-") else SLASHED if first[2] == ord("/") else None
    if layout is None:
        return None
    starts = np.cumsum([0] + [len(chunk) for chunk in chunks]).tolist()
    slices = [
        (chunk, lo, min(lo + SLICE, len(chunk)), start)
        for chunk, start in zip(chunks, starts, strict=False)
        for lo in range(0, len(chunk), SLICE)
    ]
    out = np.empty(len(raw), dtype=np.int64)
    # the first number as the day (day first) unless dayfirst=False says month first;
    # a slice that reads only the other way is written that way (and redone if needed).
    # ISO 8601 is read as "month first": its first number (after the year) is the month
    day_first = layout == SLASHED and (dayfirst is None or bool(dayfirst))

    def one(item, order: bool):
        chunk, lo, hi, start = item
        return _slice(_bytes(chunk, lo, hi, width), layout, order, out[start + lo : start + hi])

    found = map_in_threads(lambda item: one(item, day_first), slices, workers_for(None, len(raw)))
    if any(f is None for f in found):
        return None
    if layout == ISO:
        return _series(out, raw) if all(f.month_first for f in found) else None
    reads = {True: all(f.day_first for f in found), False: all(f.month_first for f in found)}
    same = all(f.same for f in found)
    if dayfirst is not None:
        reads[not dayfirst] = False  # (dayfirst= names the order: the other is not tried)
    if not (reads[True] or reads[False]) or (reads[True] and reads[False] and not same):
        return None  # no order reads every date, or both do with different days
    order = reads[True]
    again = [item for item, f in zip(slices, found, strict=True) if f.written != order]
    map_in_threads(lambda item: one(item, order), again, workers_for(None, len(raw)))
    return _series(out, raw)


def _series(stamps: np.ndarray, raw: pd.Series) -> pd.Series:
    return pd.Series(stamps.view("datetime64[ns]"), index=raw.index, copy=False)


def _chunks(raw: pd.Series) -> list | None:
    """The non-empty pyarrow string chunks of a text column without missing values, or
    None (not text, a missing value, or a value that is no ``str``)."""
    import pyarrow as pa

    if len(raw) == 0:
        return None
    chunked = _arrow_chunks(raw)
    if chunked is None:
        if not (pd.api.types.is_object_dtype(raw.dtype) or isinstance(raw.dtype, pd.StringDtype)):
            return None
        if pd.api.types.infer_dtype(raw, skipna=False) != "string":
            return None  # (bytes are no dates, though pyarrow would take them as text)
        try:  # (a str pyarrow cannot hold, a lone surrogate, is left to the general rules)
            chunked = pa.chunked_array([pa.array(raw.to_numpy(dtype=object), type=pa.string(), from_pandas=False)])
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return None
    if chunked.null_count:
        return None
    return [chunk for chunk in chunked.chunks if len(chunk)]


def _bytes(chunk, lo: int, hi: int, width: int) -> np.ndarray:
    """Rows ``lo`` .. ``hi`` of an arrow string array of values of ``width`` bytes, as a
    (rows, width) array of their bytes (a view, no copy)."""
    offsets, data = string_buffers(chunk)
    return np.frombuffer(data, dtype=np.uint8, count=width * (hi - lo), offset=int(offsets[lo])).reshape(-1, width)


class _Slice(NamedTuple):
    """What one slice of dates holds: whether every row reads as a day with the first
    number the day, with the first number the month (ISO 8601: its month), whether the two
    numbers are equal in every row (both orders read alike), and the order written
    (``True``: day first)."""

    day_first: bool
    month_first: bool
    same: bool
    written: bool


def _slice(text: np.ndarray, layout: str, day_first: bool, out: np.ndarray) -> _Slice | None:
    """Read one slice of dates (their bytes, one row each) into ``out`` (nanoseconds since
    1970): None unless every row is written in ``layout`` with a year, hour, minute and
    second in range; else a :class:`_Slice`, written day first if ``day_first`` and it
    reads so, else the other way if that reads (else not written)."""
    width = text.shape[1]
    low, span = _TEMPLATES[layout, width]
    if ((text - low) > span).any():  # (bytes below the lowest wrap to large numbers)
        return None
    if width > 10:
        between = text[:, 10]
        a, b = _BETWEEN[layout]
        if ((between != a) & (between != b)).any():
            return None
    _, year_at, first_at, second_at = _LAYOUT[layout]
    year, first, second = (_number(text, *at) for at in (year_at, first_at, second_at))
    if year.min() < YEARS[0] or year.max() > YEARS[1]:
        return None
    clock = 0
    if width > 10:
        hour, minute = _number(text, 11, 2), _number(text, 14, 2)
        seconds = _number(text, 17, 2) if width == 19 else 0
        if hour.max() > 23 or minute.max() > 59 or np.max(seconds) > 59:
            return None
        clock = hour * 3600 + minute * 60 + seconds
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    reads = {False: _valid(first, second, leap)}  # the first number the month
    reads[True] = layout == SLASHED and _valid(second, first, leap)  # the first number the day
    written = day_first if reads[day_first] else not day_first
    if reads[written]:
        month, day = (second, first) if written else (first, second)
        _stamps(year, month, day, clock, out)
    same = layout == SLASHED and bool((first == second).all())
    return _Slice(bool(reads[True]), bool(reads[False]), same, written)


def _valid(month: np.ndarray, day: np.ndarray, leap: np.ndarray) -> bool:
    """Whether every (month, day) is a day of its year (``leap``: a leap year)."""
    if month.min() < 1 or month.max() > 12 or day.min() < 1:
        return False
    return not (day > _MONTH_DAYS[month] + (leap & (month == 2))).any()


def _stamps(year: np.ndarray, month: np.ndarray, day: np.ndarray, clock, out: np.ndarray) -> None:
    """Nanoseconds since 1970 of valid dates (``clock``: seconds into the day) into ``out``:
    days by the civil calendar's formula, years counted from March (the leap day last)."""
    march = month <= 2
    y = year - march
    m = month + np.where(march, 9, -3)
    days = y * 365 + y // 4 - y // 100 + y // 400 + (153 * m + 2) // 5 + day - 719_469
    seconds = days.astype(np.int64)
    seconds *= 86_400
    seconds += clock
    np.multiply(seconds, 10**9, out=out)


def _number(text: np.ndarray, start: int, size: int) -> np.ndarray:
    """The decimal number written by the digits at ``start`` .. ``start + size`` of each
    row of ``text``, as int32 (the caller has checked that those bytes are digits)."""
    value = text[:, start].astype(np.int32)
    for k in range(start + 1, start + size):
        value *= 10
        value += text[:, k]
    value -= ord("0") * int("1" * size)
    return value
