"""Parameters checked once, at the edge of every public function.

:func:`check` takes the parameters a public function received, by name, and returns
them normalised (a frequency as a ``DateOffset``, dates as ``Timestamp``) or raises a
:class:`ParameterError` that names the parameter, the value and how to fix it. Nothing
is built before the parameters are known to be sane: the size of a grid is computed
from its bounds and frequency before a single point is allocated.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping
from typing import Literal, NoReturn, overload

import numpy as np
import pandas as pd

from .exceptions import ParameterError

#: Most grid times :func:`tension.score` and :func:`tension.decompose` build.
MAX_GRID_POINTS = 10_000_000

_RELATIVE = ("today", "now", "yesterday", "tomorrow")
#: Dates written so that day and month cannot be swapped: year first ("2024/01/10"; ISO
#: 8601 is read by pandas' ISO parser) or with the month's name ("10 Jan 2024"). A
#: parameter has no column of other dates to tell "10/01/2024" or "10 01 2024" apart.
_YEAR_FIRST = re.compile(r"\s*\d{4}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{1,2}(?!\d)")
_MONTH_NAME = re.compile(r"(?i)(?<![a-z])(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)")
_QUARTER = re.compile(r"(?i)\s*\d{4}\s*-?\s*q[1-4]\s*$")  # ("2024Q1", "2024-Q1")


def _unambiguous(text: str) -> bool:
    if _YEAR_FIRST.match(text) or _MONTH_NAME.search(text) or _QUARTER.match(text):
        return True
    try:
        pd.to_datetime(text.strip(), format="ISO8601")
    except (ValueError, TypeError):
        return False
    return True


def _fail(name: str, value, message: str) -> NoReturn:
    raise ParameterError(f"{name}={value!r}: {message}")


def is_number(value) -> bool:
    """A real number, not a boolean (numpy integers and floats included)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def positive(name: str, value, *, unit: str = "", allow_zero: bool = False) -> float:
    """A finite number > 0 (>= 0 with ``allow_zero``), as a float."""
    if not is_number(value):
        _fail(name, value, f"must be a number{unit}, not {type(value).__name__}")
    number = float(value)
    if not math.isfinite(number) or number < 0 or (number == 0 and not allow_zero):
        _fail(name, value, f"must be a finite number {'>= 0' if allow_zero else '> 0'}{unit}")
    return number


def boolean(name: str, value) -> bool:
    if not isinstance(value, bool | np.bool_):
        _fail(name, value, "must be True or False")
    return bool(value)


def freq(value) -> pd.offsets.BaseOffset:
    """A pandas frequency that steps forward in time."""
    if isinstance(value, bool) or not isinstance(value, str | pd.offsets.BaseOffset | pd.Timedelta | np.timedelta64):
        _fail("freq", value, "must be a pandas frequency string such as 'D', 'W', 'MS' or '6h'")
    try:
        offset = pd.tseries.frequencies.to_offset(value)
    except (ValueError, TypeError):
        _fail(
            "freq",
            value,
            "is not a pandas frequency; use e.g. 'D' (days), 'W' (weeks), 'MS' (month starts), '6h' (six hours)",
        )
    step = offset.n
    if isinstance(offset, pd.offsets.Tick):
        step = offset.nanos
    if step <= 0:
        _fail("freq", value, "must step forward in time (a positive step such as '1D')")
    return offset


@overload
def timestamp(name: str, value, *, required: Literal[True]) -> pd.Timestamp: ...
@overload
def timestamp(name: str, value, *, required: bool = False) -> pd.Timestamp | None: ...
def timestamp(name: str, value, *, required: bool = False) -> pd.Timestamp | None:
    """A date: not None when required, never NaT, a relative word or a day and month in
    numbers whose order only the reader knows ("10/01/2024")."""
    if value is None:
        if required:
            _fail(name, value, "is required: give a date such as '2024-01-31'")
        return None
    if isinstance(value, str) and value.strip().lower() in _RELATIVE:
        _fail(name, value, "a relative date means another day each time it is read; give the date itself")
    if isinstance(value, bool | np.bool_) or is_number(value):
        _fail(name, value, "must be a date such as '2024-01-31', not a number")
    try:
        if isinstance(value, str) and _QUARTER.match(value):  # (pandas stops reading quarters as Timestamps)
            stamp = pd.Period("".join(value.split()).replace("-", "").upper(), freq="Q").to_timestamp()
        else:
            stamp = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError) as err:
        _fail(name, value, f"is not a date ({err}); give a date such as '2024-01-31'")
    if pd.isna(stamp):
        _fail(name, value, "is not a date (NaT); give a date such as '2024-01-31'")
    if isinstance(value, str) and not _unambiguous(value):
        _fail(
            name,
            value,
            "is not written year first nor with the month's name, so its day and month could be read "
            "either way; give the date as year-month-day, e.g. '2024-01-31', or as a pandas Timestamp",
        )
    return stamp


def threshold(value) -> float | None:
    if value is None:
        return None
    return positive("threshold", value)


def half_life(value):
    """A number of days > 0, or a mapping of names to such numbers."""
    if isinstance(value, Mapping):
        for key, days in value.items():
            if not isinstance(key, str):
                _fail("half_life", dict(value), f"keys must be kind or quad-class names, not {key!r}")
            positive(f"half_life[{key!r}]", days, unit=" of days")
        return value
    return positive("half_life", value, unit=" of days")


def grid_size(lo: pd.Timestamp, hi: pd.Timestamp, offset: pd.offsets.BaseOffset) -> int:
    """Upper bound of the number of grid times from ``lo`` to ``hi``, without building them."""
    lo_us, hi_us = lo.as_unit("us"), hi.as_unit("us")
    span = (hi_us - lo_us) // pd.Timedelta(microseconds=1)
    if span < 0:
        return 0
    if isinstance(offset, pd.offsets.Tick):
        step = max(offset.nanos // 1000, 1)
    else:
        # (stepped in UTC: an estimate, and no step lands on a wall time the clocks skip)
        steps, here = [], lo_us.tz_convert("UTC") if lo_us.tz is not None else lo_us
        for _ in range(3):  # shortest of a few steps: month starts, business days vary
            there = here + offset
            steps.append((there - here) // pd.Timedelta(microseconds=1))
            here = there
        step = max(min(steps), 1)
    return int(span // step) + 2


#: What to do about a grid that passes a wall time its clocks skip or repeat.
_DST_ADVICE = (
    "give start and end in UTC or with a fixed offset (e.g. '+03:30'), or convert the events' dates "
    "with tz_convert('UTC')"
)


def date_range(lo: pd.Timestamp, hi: pd.Timestamp, freq, advice: str = _DST_ADVICE) -> pd.DatetimeIndex:
    """``pd.date_range(lo, hi, freq=freq)`` to the microsecond, bounds rounded inwards; a
    grid that would pass a wall time the clocks skip or repeat (daylight saving) in the
    bounds' zone is a :class:`tension.ParameterError` saying what to do, not pandas' error."""
    try:
        return pd.date_range(_rounded(lo, "ceil"), _rounded(hi, "floor"), freq=freq, unit="us")
    except ValueError as err:
        if "nonexistent" not in str(err) and "ambiguous" not in str(err).lower():
            raise
        when = re.search(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?", str(err))
        _fail(
            "freq",
            freq,
            (
                f"the grid from {lo} to {hi} in zone {lo.tz} passes a wall time its clocks skip or repeat "
                f"({when.group(0) + ', ' if when else ''}daylight saving); {advice}"
            ),
        )


def _rounded(stamp: pd.Timestamp, how: str) -> pd.Timestamp:
    """``stamp`` rounded to the microsecond (``how``: "ceil" or "floor"), in UTC for a
    zoned stamp (offsets are whole seconds: the same instant, and never a wall time the
    clocks skip)."""
    if stamp.tz is None:
        return getattr(stamp, how)("us")
    return getattr(stamp.tz_convert("UTC"), how)("us").tz_convert(stamp.tz)


def check_grid(lo, hi, offset, freq_value) -> None:
    """Refuse a grid of more than :data:`MAX_GRID_POINTS` times before building it."""
    size = grid_size(lo, hi, offset)
    if size > MAX_GRID_POINTS:
        _fail(
            "freq",
            freq_value,
            (
                f"from {lo} to {hi} makes about {size:,} grid times (limit {MAX_GRID_POINTS:,}); use a coarser freq "
                "(e.g. 'D' or 'W'), a shorter start/end, or at=<date> for one snapshot"
            ),
        )


def bounds(start, end) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    lo, hi = timestamp("start", start), timestamp("end", end)
    if lo is not None and hi is not None:
        a = lo.tz_convert("UTC").tz_localize(None) if lo.tz is not None else lo
        b = hi.tz_convert("UTC").tz_localize(None) if hi.tz is not None else hi
        if a > b:
            raise ParameterError(f"start={start!r} is after end={end!r}: give start <= end")
    return lo, hi


def dyads(value):
    if value is None:
        return None
    items = [value] if isinstance(value, str) else value
    try:
        items = list(items)
    except TypeError:
        _fail("dyads", value, "must be a dyad label ('IRN-PAK') or a list of them")
    if not items or not all(isinstance(d, str) for d in items):
        _fail("dyads", value, "must be a dyad label ('IRN-PAK') or a non-empty list of them")
    return items


def positive_int(name: str, value, *, allow_none: bool = True):
    if value is None and allow_none:
        return None
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral) or value <= 0:
        _fail(name, value, "must be a whole number > 0")
    return int(value)


def check(**given) -> None:
    """Check the parameters a public function received, by name; raise on the first bad one.

    Known names: ``freq``, ``start``/``end`` (also their order), ``at`` (required when
    passed as ``at=...`` to a function that needs it: pass ``at_required=True``),
    ``threshold``, ``half_life``, ``directed``, ``dyads``, ``dyad``, ``top``.
    """
    at_required = given.pop("at_required", False)
    for name, value in given.items():
        if name == "freq":
            freq(value)
        elif name == "at":
            timestamp("at", value, required=at_required)
        elif name == "threshold":
            threshold(value)
        elif name == "half_life":
            if value is not None:
                half_life(value)
        elif name == "directed":
            if value is not None:
                boolean("directed", value)
        elif name == "dyads":
            dyads(value)
        elif name == "dyad":
            if value is not None and not isinstance(value, str):
                _fail("dyad", value, "must be one dyad label such as 'IRN-PAK'")
        elif name == "top":
            positive_int("top", value)
        elif name not in ("start", "end"):
            raise TypeError(f"no check for parameter {name!r}")  # a bug in the caller, not user input
    if "start" in given or "end" in given:
        bounds(given.get("start"), given.get("end"))
