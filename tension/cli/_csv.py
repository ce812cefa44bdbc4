"""The command's tables as CSV text: the bytes pandas writes, written faster.

``frame.to_csv(index=False)`` spends most of its time turning numbers into text: NumPy
formats each float (about 1 µs a value), and a daily grid of ten years over ten thousand
dyads has 200 million of them. :func:`write_csv` writes exactly the bytes pandas writes
(pandas itself is the reference of the tests) for tables of the columns it knows:

- float64: pyarrow's text of a float has the same shortest round-trip digits as NumPy's,
  and the same layout for magnitudes from 1e-4 to 1e10 once a whole number gets NumPy's
  ``.0``; other magnitudes and infinities are written by Python's ``repr`` (which NumPy's
  text of a float64 equals), NaN as an empty field;
- integers of NumPy's integer dtypes;
- dates without time zone that are all midnight (every grid of days, weeks or months), each
  distinct date formatted once by pandas;
- text that needs no quoting (no separator, quote or line end), missing values empty.

Any other table (another dtype, text that needs quotes, dates with times of day, a single
column, repeated column names, a platform whose lines end otherwise) is written by pandas.
The rows are formatted piece by piece, in threads (pyarrow lets go of the GIL), and
written in order.
"""

from __future__ import annotations

import functools
import os

import numpy as np
import pandas as pd

from .._scan import map_in_threads, workers_for

__all__ = ["write_csv"]

#: Rows per piece formatted at a time.
PIECE = 1 << 17
#: Magnitudes whose pyarrow text is NumPy's (with ``.0`` after a whole number).
_LOW, _HIGH = 1e-4, 1e10


def write_csv(frame: pd.DataFrame, write, *, sep: str = ",") -> bool:
    """Write the UTF-8 bytes of ``frame.to_csv(index=False, sep=sep)`` through
    ``write(data)`` (``data`` a bytes-like object), a piece at a time; False, with nothing
    written, when pandas must write this table itself.

    Examples
    --------
    >>> import io
    >>> out = io.BytesIO()
    >>> frame = pd.DataFrame({"dyad": ["IRN-PAK"], "tension": [5.0], "flow": [2.5e-05]})
    >>> write_csv(frame, out.write), out.getvalue().decode() == frame.to_csv(index=False)
    (True, True)
    """
    columns = _writers(frame, sep)
    if columns is None:
        return False
    import pyarrow as pa
    import pyarrow.csv as pacsv

    options = pacsv.WriteOptions(include_header=False, delimiter=sep, quoting_style="none")

    def piece(lo: int):
        # one chunk per column (pyarrow 16 writes a row twice when its columns are cut into
        # chunks differently, with empty ones)
        table = pa.table({str(k): text(lo, lo + PIECE) for k, text in enumerate(columns)}).combine_chunks()
        sink = pa.BufferOutputStream()
        pacsv.write_csv(table, sink, options)
        return sink.getvalue()  # (an arrow buffer: written as it is, no copy)

    write(frame.iloc[:0].to_csv(index=False, sep=sep).encode("utf-8"))  # the header, as pandas writes it
    starts = list(range(0, len(frame), PIECE))
    workers = workers_for(None, len(frame))
    for first in range(0, len(starts), workers):
        for text in map_in_threads(piece, starts[first : first + workers], workers):
            write(text)
    return True


def _writers(frame: pd.DataFrame, sep: str):
    """Per column, a function of a row range giving its text as an arrow array; None when
    pandas must write the table."""
    if sep not in (",", "\t") or os.linesep != "\n":
        return None  # (other separators may occur in numbers; pandas ends lines with os.linesep)
    if len(frame.columns) < 2 or not len(frame) or not frame.columns.is_unique:
        return None  # (a lone column quotes an empty field)
    if isinstance(frame.columns, pd.MultiIndex):
        return None
    writers = []
    for _, column in frame.items():
        writer = _writer(column, sep)
        if writer is None:
            return None
        writers.append(writer)
    return writers


def _writer(column: pd.Series, sep: str):
    import pyarrow as pa
    import pyarrow.compute as pc

    dtype = column.dtype
    if dtype == np.float64:
        if not _arrow_agrees():
            return None
        values = column.to_numpy()
        return lambda lo, hi: _floats(values[lo:hi])
    if isinstance(dtype, np.dtype) and dtype.kind in "iu" and dtype.isnative:  # (pyarrow: no byte-swapped arrays)
        values = column.to_numpy()
        return lambda lo, hi: pc.cast(pa.array(values[lo:hi]), pa.string())
    if isinstance(dtype, np.dtype) and dtype.kind == "M":
        values = column.to_numpy()
        if not _midnights(values):
            return None  # (times of day: pandas chooses their format piece by piece)
        return lambda lo, hi: _days(values[lo:hi], sep)
    if isinstance(dtype, pd.CategoricalDtype):
        if len(dtype.categories) and pd.api.types.infer_dtype(dtype.categories) != "string":
            return None
        codes = column.cat.codes.to_numpy()
        text = pa.array([*dtype.categories, ""], pa.string())  # (code -1, missing: the last)
        array = text.take(pa.array(np.where(codes < 0, len(text) - 1, codes)))
    elif isinstance(dtype, np.dtype) and dtype.kind == "O":
        if pd.api.types.infer_dtype(column, skipna=True) not in ("string", "empty"):
            return None  # (bytes, numbers, mixed values: written by pandas through str())
        try:
            array = pa.array(column.to_numpy(), pa.string(), from_pandas=True)
        except (pa.ArrowException, TypeError, ValueError):  # (a float32 NaN, a lone surrogate ...)
            return None
    elif isinstance(dtype, pd.StringDtype):
        array = column.array.__arrow_array__()  # (arrow-backed: its chunks, no copy)
    else:
        return None
    if pc.any(pc.match_substring_regex(array, "[" + {",": ",", "\t": "\\t"}[sep] + '"\r\n]')).as_py():
        return None  # (quoted by pandas)
    return lambda lo, hi: array.slice(lo, hi - lo)


def _midnights(values: np.ndarray) -> bool:
    """Whether every date of a datetime64 array is a midnight (missing dates aside),
    checked a slice at a time (no temporary as long as the column)."""
    unit, count = np.datetime_data(values.dtype)
    if unit not in ("s", "ms", "us", "ns") or count != 1:
        return False
    per_day = 86_400 * {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}[unit]
    ticks = values.view(np.int64)
    for lo in range(0, len(values), 1 << 20):
        part = ticks[lo : lo + (1 << 20)]
        if ((part % per_day != 0) & ~np.isnat(values[lo : lo + (1 << 20)])).any():
            return False
    return True


def _days(values: np.ndarray, sep: str):
    """The text pandas gives dates that are all midnights (missing: empty), each distinct
    date formatted once, by pandas."""
    import pyarrow as pa

    codes, days = pd.factorize(values, use_na_sentinel=True)
    # (beside a second column: pandas quotes a lone empty field)
    lines = pd.DataFrame({"d": days, "e": 0}).to_csv(index=False, header=False, sep=sep).split("\n")[:-1]
    text = pa.array([line[: -len(sep) - 1] for line in lines] + [""], pa.string())
    return text.take(pa.array(np.where(codes < 0, len(days), codes)))  # (code -1: the empty text)


@functools.cache
def _arrow_agrees() -> bool:
    """Whether this pyarrow's text of floats, as :func:`_floats` completes it, is NumPy's on
    values at the edges of its rules and of every magnitude (checked once per process: a
    pyarrow that formats otherwise leaves the floats to pandas)."""
    rng = np.random.default_rng(0)
    whole = np.round(rng.normal(0, 10.0 ** rng.integers(0, 11, 500)))
    scaled = rng.normal(0, 10.0 ** rng.integers(-12, 14, 1500))
    bits = rng.integers(-(2**63), 2**63 - 1, 2000, dtype=np.int64).view(np.float64)
    edges = [0.0, -0.0, 1e-4, 1e10, 1e16, 5e-324, np.inf, -np.inf, np.nan]
    near = np.nextafter(np.array([1e-4, 1e-4, 1e10, 1e10]), [0.0, 1.0, 0.0, 2e10])
    probe = np.concatenate([edges, near, whole, scaled, bits])
    want = probe.astype(str).astype(object)
    want[np.isnan(probe)] = ""
    return _floats(probe).to_pylist() == want.tolist()


def _floats(values: np.ndarray):
    """The text NumPy gives each float64 (NaN: empty), as an arrow string array."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.cast(pa.array(values), pa.string())
    size = np.abs(values)
    with np.errstate(invalid="ignore"):
        whole = (values == np.floor(values)) & (size < _HIGH)  # "5" -> "5.0", "-0" -> "-0.0"
        other = ((size < _LOW) & (values != 0)) | (size >= _HIGH)  # (infinities too; NaN neither)
    if whole.any():
        mask = pa.array(whole)
        text = pc.replace_with_mask(text, mask, pc.binary_join_element_wise(text.filter(mask), ".0", ""))
    if other.any():
        text = pc.replace_with_mask(
            text, pa.array(other), pa.array(list(map(repr, values[other].tolist())), pa.string())
        )
    missing = np.isnan(values)
    if missing.any():
        text = pc.if_else(pa.array(missing), "", text)
    return text
