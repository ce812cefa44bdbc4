"""Event times as integer microseconds: exact, and no difference can overflow.

Dates reach the kernel as float days from a nearby origin. On the way they are held as
int64 microseconds since 1970-01-01 UTC ("ticks"): every date pandas can hold in years
1 to 9999 fits, and the difference of any two is below 3.2e17 << 2**63, so subtracting
never wraps (int64 nanoseconds overflow beyond 292 years). Times finer than a
microsecond are floored to it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Ticks (microseconds) per day.
PER_DAY = 86_400_000_000


def ticks(dates) -> np.ndarray:
    """Int64 microseconds since 1970-01-01 UTC of datetime-like values (naive = UTC), read
    only: for dates held in microseconds, a view of them (no copy)."""
    index = pd.DatetimeIndex(dates)
    if index.tz is not None:
        index = index.tz_convert("UTC").tz_localize(None)
    if index.unit == "ns":
        out = sliced(index.asi8, lambda values, out: np.floor_divide(values, 1000, out=out))
    else:
        out = index.as_unit("us").asi8.view()
    out.flags.writeable = False
    return out


def sliced(values: np.ndarray, write, dtype=None) -> np.ndarray:
    """``write(values, out)`` into a new array (of ``dtype``, default that of ``values``),
    slice by slice in threads when long (:data:`LONG`; an elementwise operation: the same
    values as in one call)."""
    out = np.empty(values.shape, dtype=values.dtype if dtype is None else dtype)
    if values.ndim != 1 or len(values) < LONG:
        write(values, out)
        return out
    from ._scan import in_slices

    in_slices(lambda lo, hi: write(values[lo:hi], out[lo:hi]), len(values), LONG // 4)
    return out


def tick(stamp: pd.Timestamp) -> int:
    """One timestamp's ticks (time-zone-aware stamps in UTC, naive ones as they are)."""
    return int(ticks(pd.DatetimeIndex([stamp]))[0])


def days(values: np.ndarray, origin: int) -> np.ndarray:
    """Float days from ``origin`` (ticks); the integer difference is exact. Long arrays
    slice by slice in threads (the same operations, the same bits)."""
    values = np.asarray(values, dtype=np.int64)
    return sliced(values, lambda v, out: np.divide(np.subtract(v, np.int64(origin)), PER_DAY, out=out), float)


#: Length from which :func:`sliced` works in slices and threads.
LONG = 1 << 20


def dates(values, tz=None) -> pd.DatetimeIndex:
    """Ticks back to dates: nanosecond resolution when they fit it, else microseconds."""
    index = resolution(pd.DatetimeIndex(np.asarray(values, dtype=np.int64).astype("datetime64[us]")))
    return index.tz_localize("UTC").tz_convert(tz) if tz is not None else index


def resolution(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Nanoseconds when every date fits them (1677-09-22 to 2262-04-11), else microseconds."""
    naive = index.tz_convert("UTC").tz_localize(None) if index.tz is not None else index
    if len(naive) == 0 or (naive.min() >= pd.Timestamp.min and naive.max() <= pd.Timestamp.max):
        return index.as_unit("ns")
    return index.as_unit("us")
