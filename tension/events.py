"""The event schema: reading, validating and normalising events."""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import math
import os
import re
import warnings
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from . import _columns, _dates
from .countries import country_codes
from .exceptions import ROWS_SHOWN, EventError, Problem, TensionWarning
from .taxonomy import MAX_WEIGHT, resolve_weights

__all__ = ["EventError", "TensionWarning", "read_events", "for_scoring", "REQUIRED", "OPTIONAL"]

#: Whether read_events fingerprints the frame it returns: False while it reads a frame for
#: scoring that is never handed back (see :func:`for_scoring`).
_FINGERPRINT: contextvars.ContextVar[bool] = contextvars.ContextVar("fingerprint", default=True)

#: Whether a CSV is read with a progress bar on stderr (set by the command line for large
#: files; the same reading, checks and messages as without).
_PROGRESS: contextvars.ContextVar[bool] = contextvars.ContextVar("progress", default=False)

#: Required columns of the event schema.
REQUIRED = ("date", "source", "target", "kind")
#: Optional columns, in the order of the normalised frame.
OPTIONAL = ("killed", "injured", "confidence", "weight", "cameo", "description", "evidence", "url")

_SHOW = ROWS_SHOWN  # rows listed per problem before "and N more"


def _flag(problems: list, mask: np.ndarray, labels, column: str, message) -> None:
    """A problem for the rows where ``mask`` is set; ``message(positions)`` writes its text."""
    if mask.any():
        pos = np.flatnonzero(mask)
        problems.append(Problem(column, tuple(labels[pos].tolist()), message(pos)))


def _values(series: pd.Series, pos) -> str:
    """The values at some positions, as they were written (repr), for messages."""
    shown = [repr(v) for v in series.iloc[list(pos[:_SHOW])].tolist()]
    return ", ".join(shown) + (", ..." if len(pos) > _SHOW else "")


def _labels(mask: np.ndarray, labels: np.ndarray) -> tuple:
    return tuple(labels[np.flatnonzero(mask)].tolist())


def _hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:  # (a list, or a tuple holding one)
        return False
    return True


@contextlib.contextmanager
def _single_values(frame: pd.DataFrame, labels, where: str):
    """Turn the TypeError of hashing a cell that holds a list, a dict or a set into an
    :class:`EventError` naming its column and rows (looked for only then)."""
    try:
        yield
    except TypeError:
        problems: list[Problem] = []
        for column in _columns.READ:  # (the columns read, and hashed: the others pass through)
            if column in frame and pd.api.types.is_object_dtype(frame[column].dtype):
                values = frame[column]
                bad = np.fromiter((not _hashable(v) for v in values.tolist()), dtype=bool, count=len(values))
                _flag(
                    problems,
                    bad,
                    labels,
                    column,
                    lambda pos, values=values: f"not a single value ({_values(values, pos)}); write one value per cell",
                )
        if problems:
            raise EventError(problems, where) from None
        raise


#: Columns read from files as text, so that values are checked (and quoted) as written.
_AS_TEXT = ("date", "killed", "injured", "confidence", "weight", "cameo")


def _load(source) -> tuple[pd.DataFrame, str]:
    if isinstance(source, pd.DataFrame):
        return source.copy(deep=False), "the events"  # never written to: no copy of the data
    if not isinstance(source, str | os.PathLike):
        raise TypeError(f"read_events takes a path or a pandas DataFrame, not {type(source).__name__}")
    path = Path(source)
    if not path.exists():
        raise FileNotFoundError(f"no such events file: {path}")
    name = path.name.lower()
    if name.endswith((".parquet", ".pq")):
        try:
            frame = pd.read_parquet(path)
        except ImportError as err:  # pragma: no cover - depends on the environment
            raise ImportError("reading Parquet needs pyarrow: pip install 'tension[parquet]'") from err
    else:
        table = re.sub(r"\.(gz|bz2|xz|zip)$", "", name)  # (the name under its compression)
        sep = "\t" if table.endswith((".tsv", ".tab")) else ","
        frame = _read_table(path, sep)
        if any(re.search(r"\.\d+$", str(c)) for c in frame.columns):
            # pandas renames a repeated header "x" to "x.1": read the header as written
            header = pd.read_csv(path, sep=sep, header=None, nrows=1, dtype=str).iloc[0].tolist()
            if len(header) == len(frame.columns):
                frame.columns = header
    return frame, str(path)


def _read_table(path: Path, sep: str) -> pd.DataFrame:
    """A CSV or TSV file of events, the columns of :data:`_AS_TEXT` as text.

    Lines with more fields than the header: empty fields beyond it (a delimiter at the end
    of lines) are ignored; one more field on every line is a row name before the first
    column (R's ``write.table``), read as the index, as pandas reads it; any other value
    beyond the header is an error naming its line. Bytes that are not UTF-8 are an error
    naming their line.
    """
    from .exceptions import ReadError

    options = {"sep": sep, "dtype": dict.fromkeys(_AS_TEXT, str), "keep_default_na": True, "index_col": False}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)  # (more fields than the header)
            try:
                return _no_short_lines(_read_csv(path, options), path, sep)
            except (pd.errors.ParserWarning, pd.errors.ParserError) as err:
                failed = err
        width, lines = _line_widths(path, sep)
        longer = [(number, fields[width:]) for number, fields in lines if len(fields) > width]
        if longer and all(not any(f.strip() for f in extra) for _, extra in longer):
            frame = pd.read_csv(path, **{**options, "usecols": range(width)})  # (empty fields beyond the header)
            return _no_short_lines(frame, path, sep)
        if longer and len(longer) == len(lines) and all(len(fields) == width + 1 for _, fields in lines):
            return pd.read_csv(path, **{**options, "index_col": None})  # (a row name before each line)
        if longer:
            number, extra = next((n, e) for n, e in longer if any(f.strip() for f in e))
            raise ReadError(
                f"{path}:{number}: more fields than the header ({extra!r} beyond its last column, or a row name "
                "before its first): name the column in the header, or remove the values"
            )
        raise ReadError(f"{path}: not a table that can be read ({failed})") from None
    except UnicodeDecodeError:
        line, byte = _first_not_utf8(path)
        raise ReadError(
            f"{path}:{line}: byte {byte!r} is not UTF-8; save the file as UTF-8, or read it with "
            "pandas.read_csv(path, encoding=...) and pass the frame"
        ) from None


def _read_csv(path: Path, options: dict) -> pd.DataFrame:
    """``pd.read_csv(path, **options)``, with a progress bar when :data:`_PROGRESS` is set
    (uncompressed files only: the bar counts the file's bytes)."""
    if not _PROGRESS.get() or str(path).lower().endswith((".gz", ".bz2", ".xz", ".zip", ".zst", ".tar")):
        return pd.read_csv(path, **options)
    import sys

    from tqdm import tqdm

    with (
        open(path, "rb") as raw,
        tqdm.wrapattr(
            raw, "read", total=path.stat().st_size, unit="B", unit_scale=True, desc="reading", file=sys.stderr
        ) as handle,
    ):
        return pd.read_csv(handle, **options)


def _open_file(path: Path):
    """The file's bytes, decompressed as pandas does by its name (.gz, .bz2, .xz, .zip)."""
    import bz2
    import lzma

    from .io._files import open_binary

    name = str(path).lower()
    if name.endswith((".tar", ".tar.gz", ".tar.bz2", ".tar.xz", ".zst")):  # (as pandas opens them)
        import io

        from pandas.io.common import get_handle

        with get_handle(str(path), "rb", compression="infer", is_text=False) as handles:
            return io.BytesIO(handles.handle.read())
    if name.endswith(".bz2"):
        return bz2.open(path, "rb")
    if name.endswith(".xz"):
        return lzma.open(path, "rb")
    return open_binary(str(path))


def _first_not_utf8(path: Path) -> tuple[int, bytes]:
    """The first line (from 1) that is not UTF-8, and its first byte that is not."""
    with _open_file(path) as raw:
        for number, line in enumerate(raw, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as err:
                return number, line[err.start : err.start + 1]
    return 0, b""  # pragma: no cover - pandas found one


def _no_short_lines(frame: pd.DataFrame, path: Path, sep: str) -> pd.DataFrame:
    """``frame``, read from ``path``, unless a line has fewer fields than the header (a
    line cut short, as in a file cut off while it was written): pandas reads the missing
    fields as empty, which would silently become zero counts and full confidence; that
    is an error naming the line. Lines are counted only when the last column has an
    empty value (every short line leaves it empty)."""
    from .exceptions import ReadError

    if not len(frame) or not len(frame.columns) or not frame.iloc[:, -1].isna().any():
        return frame
    width, short = _short_lines(path, sep)
    if short:
        (number, fields), more = short[0], len(short) - 1
        others = f" (and {more} more line{'s' if more > 1 else ''})" if more else ""
        raise ReadError(
            f"{path}:{number}: {fields} field{'s' if fields != 1 else ''} where the header has {width}{others}: "
            "a line cut short, or a missing delimiter; complete the line, or write its empty fields "
            f"(e.g. {sep.join(['a', 'b', '', ''])!r})"
        )
    return frame


def _short_lines(path: Path, sep: str) -> tuple[int, list[tuple[int, int]]]:
    """The header's number of fields, and (line number, fields) of every non-blank line
    with fewer. Delimiters are counted with numpy on the bytes, block by block (the memory
    of a few blocks, whatever the file's size), while the file has no quotes; a file with
    quotes is read by Python's csv module (a quoted field may hold delimiters and line
    ends). Lines end in ``\n``, ``\r\n`` or ``\r`` alone, mixed as pandas reads them; the
    header is the first line not blank."""
    # pandas skips a line of spaces and tabs (but the delimiter) as a blank line
    spaces = b" \t".replace(sep.encode(), b"")
    with _open_file(path) as raw:
        counted = _count_fields(iter(lambda: raw.read(_SCAN_BLOCK), b""), ord(sep), spaces)
    if counted is not None:
        return counted
    width, records = _line_widths(path, sep)
    return width, [(number, len(fields)) for number, fields in records if len(fields) < width]


def _count_fields(blocks, sep: int, spaces: bytes) -> tuple[int, list[tuple[int, int]]] | None:
    """:func:`_short_lines` of a file given as blocks of bytes; None at the first quote."""
    width, lines, carry, header = 0, 0, b"", -1  # (header: its line, once found)
    short: list[tuple[int, int]] = []
    for block in itertools.chain(blocks, [None]):  # (None: the end of the file)
        if block is not None and b'"' in block:
            return None
        data = carry + (block or b"")
        codes = np.frombuffer(data, dtype=np.uint8)
        # lines end in \n, \r\n or a lone \r, mixed in one file as pandas reads them; a
        # \r at the end of a block may begin a \r\n: it is decided with the next block
        end = codes == ord("\n")
        lone = codes == ord("\r")
        lone[:-1] &= ~end[1:]
        if block is not None and len(lone):
            lone[-1] = False
        ends = np.flatnonzero(end | lone)
        if block is None and len(codes) and not (end[-1] or lone[-1]):
            ends = np.append(ends, len(codes))  # (a last line without its line end)
        if not len(ends):
            carry = data
            continue
        starts = np.r_[0, ends[:-1] + 1]
        before = np.searchsorted(np.flatnonzero(codes[: ends[-1]] == sep), ends)  # delimiters before each end
        fields = np.diff(before, prepend=0) + 1
        if header < 0:  # the header: the first line not blank (pandas skips blank lines before it)
            for k in range(len(ends)):
                if data[starts[k] : ends[k]].strip(spaces + b"\r\n"):
                    header, width = lines + k, int(fields[k])
                    break
        length = ends - starts
        blank = (length == 0) | ((length == 1) & (codes[np.minimum(starts, len(codes) - 1)] == ord("\r")))
        for k in np.flatnonzero((fields < width) & ~blank).tolist():
            if lines + k > header and data[starts[k] : ends[k]].strip(spaces + b"\r\n"):
                short.append((lines + k + 1, int(fields[k])))
        lines += len(ends)
        carry = data[int(ends[-1]) + 1 :]
    return width, short


#: Bytes per block of :func:`_short_lines`.
_SCAN_BLOCK = 1 << 22


def _line_widths(path: Path, sep: str) -> tuple[int, list[tuple[int, list[str]]]]:
    """The header's number of fields, and (line, fields) of each record after it; blank
    lines and lines of spaces and tabs (but the delimiter) are no records, as pandas reads
    them (before the header too)."""
    import csv
    import io

    spaces = " \t".replace(sep, "")

    def record(row: list[str]) -> bool:
        return bool(row) and not (len(row) == 1 and not row[0].strip(spaces))

    records: list[tuple[int, list[str]]] = []
    with _open_file(path) as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as text:
        reader = csv.reader(text, delimiter=sep)
        header = next((row for row in reader if record(row)), [])
        start = reader.line_num + 1
        for fields in reader:
            if record(fields):
                records.append((start, fields))
            start = reader.line_num + 1
    return len(header), records


def _duplicated_columns(frame: pd.DataFrame, where: str) -> None:
    names = pd.Index(frame.columns)
    if names.has_duplicates:
        repeated = sorted({str(c) for c in names[names.duplicated()]})
        raise EventError(
            [
                Problem(
                    c,
                    (),
                    f"appears {int((names == c).sum())} times in the header; rename or drop the copies "
                    "so that each column has one name",
                )
                for c in repeated
            ],
            where,
        )


def _nanoseconds_possible(raw: pd.Series) -> bool:
    """Whether dates read from ``raw`` may have parts finer than a microsecond: text may,
    datetimes only of a unit finer than microseconds (those of microseconds, seconds …
    are converted to nanoseconds exactly)."""
    if not pd.api.types.is_datetime64_any_dtype(raw.dtype):
        return True
    arrow = getattr(raw.dtype, "pyarrow_dtype", None)
    if arrow is not None:  # (Arrow's date32 and date64 have no unit: whole days)
        return getattr(arrow, "unit", None) == "ns"
    unit = getattr(raw.dtype, "unit", None) or np.datetime_data(raw.dtype)[0]
    return unit == "ns"


def _same_microsecond(stamps: np.ndarray, missing: np.ndarray, labels, parsed: pd.Series) -> None:
    """Warn when dates that differ fall in one microsecond: scoring keeps microseconds, so
    such events of one dyad are one occasion. Parts finer than a microsecond alone (dates
    made from fractions of days) change nothing and are not warned about."""
    finer = ((stamps // 1000) * 1000 != stamps) & ~missing
    if not finer.any():
        return
    rows = np.flatnonzero(~missing)
    order = rows[np.lexsort((stamps[rows], stamps[rows] // 1000))]
    same = (stamps[order][1:] // 1000 == stamps[order][:-1] // 1000) & (stamps[order][1:] != stamps[order][:-1])
    if same.any():
        first = int(order[1:][same][0])
        warnings.warn(
            f"{int(same.sum())} dates fall in the same microsecond as another, different date (first: row "
            f"{labels[first]!r}, {parsed.iloc[first]}); tension keeps times to the microsecond, so such events "
            "of one dyad are one occasion",
            TensionWarning,
            stacklevel=4,
        )


def _parse_dates(raw: pd.Series, labels, problems, date_format=None, dayfirst=None) -> pd.Series:
    named = np.zeros(len(raw), dtype=bool)
    flagged = []

    def flag(mask, message):
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            named[mask] = True
            flagged.append(mask)
            _flag(problems, mask, labels, "date", message)

    said = []

    def warn(text):
        if text not in said:
            said.append(text)

    parsed = _dates.parse(raw, flag, date_format=date_format, dayfirst=dayfirst, warn=warn)
    for text in said:
        warnings.warn(text, TensionWarning, stacklevel=3)
    # anything not read and not already named is unparsable (never a silent NaT); datetimes
    # are kept as they are, their missing values named already
    if not (pd.api.types.is_datetime64_any_dtype(raw.dtype) and parsed.dtype.kind == "M" and not flagged):
        flag(parsed.isna().to_numpy() & ~named, lambda pos: f"unparsable date ({_values(raw, pos)})")
    if parsed.dtype.kind == "M" and _nanoseconds_possible(raw):
        index = pd.DatetimeIndex(parsed)
        if index.unit == "ns":
            _same_microsecond(index.asi8, parsed.isna().to_numpy(), labels, parsed)
    return parsed


def _normalised(raw: pd.Series, clean, allowed, coded=None):
    """Clean and check the distinct values once, then spread back to the rows.

    Returns the cleaned column, a missing mask and an unknown mask per row (both None
    when every value is present and allowed), and the codes: ``(codes, cleaned)`` with
    ``cleaned[codes]`` the cleaned column (code -1: missing).
    The cost of cleaning and checking follows the number of distinct values, not of
    rows; a text column that cleaning leaves as it is (no missing value, every value a
    ``str`` already clean) is returned itself, not copied. The cleaned column has the
    dtype of the input (pandas ``str`` stays ``str``, a categorical stays categorical with
    its categories cleaned; anything else becomes object).
    """
    codes, uniques = coded if coded is not None else _columns.text_codes(raw)  # fast on millions of rows
    cleaned = [clean(str(u)) for u in uniques]
    ok = np.asarray([c in allowed for c in cleaned] + [True], dtype=bool)
    empty = np.asarray([c == "" for c in cleaned] + [True], dtype=bool)
    clean = all(type(u) is str and c == u for u, c in zip(uniques, cleaned, strict=True))
    complete = len(codes) == 0 or int(codes.min()) >= 0
    categorical = isinstance(raw.dtype, pd.CategoricalDtype)
    text = pd.api.types.is_object_dtype(raw.dtype) or isinstance(raw.dtype, pd.StringDtype)
    if clean and (categorical or (text and complete)):
        values = raw
    elif categorical:  # categories stay categories, cleaned
        merged = list(dict.fromkeys(c for c in cleaned if c != ""))  # ("pak", "PAK" -> one)
        at = {c: k for k, c in enumerate(merged)}
        remap = np.asarray([at.get(c, -1) for c in cleaned] + [-1], dtype=np.int64)
        values = pd.Series(
            pd.Categorical.from_codes(remap[codes], categories=merged, ordered=raw.cat.ordered),
            index=raw.index,
            copy=False,
        )
    elif isinstance(raw.dtype, pd.StringDtype):  # text stays text of the same dtype
        values = pd.Series(_columns.spread_text(cleaned + [""], codes, raw.dtype), index=raw.index, copy=False)
    else:
        spread = np.asarray(cleaned + [""], dtype=object)[codes]
        values = pd.Series(spread, index=raw.index, dtype=object, copy=False)
    if ok.all() and not empty[:-1].any() and complete:
        return values, None, None, (codes, cleaned)  # every value present and allowed: no masks
    return values, empty[codes], ~ok[codes], (codes, cleaned)


def _country_column(raw: pd.Series, column, labels, problems, coded=None) -> tuple[pd.Series, tuple]:
    values, missing, unknown, coded = _normalised(raw, lambda v: v.strip().upper(), country_codes(), coded)
    if missing is None:  # every code present and known
        return values, coded
    _flag(problems, missing, labels, column, lambda pos: "missing country code")
    unknown &= ~missing
    _flag(
        problems,
        unknown,
        labels,
        column,
        lambda pos: (
            f"not an ISO 3166-1 alpha-3 country code ({_values(raw, pos)}); use codes such as 'PAK', "
            "'IRN' (see pycountry.countries; former codes such as 'SUN' and 'XKX' for Kosovo are "
            "accepted too)"
        ),
    )
    return values, coded


#: Largest casualty count: larger numbers cannot be held exactly as floats.
MAX_COUNT = 2**53


def _plain(value):
    """A distinct value of a text or object number column, as ``pandas.to_numeric`` can
    take it: text stripped (blank: missing), a complex number not a number (pandas would
    keep its real part), an integer beyond the floats infinite (as its digits would be)."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, complex | np.complexfloating):
        return "not a real number"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**1024:
        return math.inf if value > 0 else -math.inf
    return value


def _category_codes(raw: pd.Series) -> tuple[np.ndarray, list]:
    """``(codes, values)`` of a categorical or an Arrow dictionary column: ``values[codes]``
    its values, code -1 where missing."""
    if isinstance(raw.dtype, pd.CategoricalDtype):
        return raw.cat.codes.to_numpy().astype(np.intp), list(raw.cat.categories)
    import pyarrow as pa

    data = pa.array(raw.array)
    chunked = data if isinstance(data, pa.ChunkedArray) else pa.chunked_array([data])
    chunked = chunked.unify_dictionaries()  # (one dictionary for every chunk)
    if not chunked.num_chunks:
        return np.zeros(0, dtype=np.intp), []
    indices = pa.chunked_array([chunk.indices for chunk in chunked.chunks]).fill_null(-1)
    return indices.to_numpy().astype(np.intp), chunked.chunk(0).dictionary.to_pylist()


def _numeric(raw: pd.Series, column, labels, problems) -> pd.Series:
    """Numbers of a column (NaN for empty cells); non-numbers and booleans become problems.

    Text and object columns are read once per distinct value, then spread to the rows.
    """

    def refused(message) -> pd.Series:
        """Every value of the column a problem (``message(positions)``), none read."""
        _flag(problems, raw.notna().to_numpy(dtype=bool), labels, column, message)
        return pd.Series(np.nan, index=raw.index)

    if pd.api.types.is_bool_dtype(raw.dtype):
        return refused(lambda pos: f"a boolean ({_values(raw, pos)}), not a number; write numbers")
    if raw.dtype == np.float64:
        return raw  # (pandas' to_numeric would copy it)
    arrow = getattr(raw.dtype, "pyarrow_dtype", None)
    if arrow is not None:
        import pyarrow.types as arrow_types

        if arrow_types.is_decimal(arrow):  # (to_numeric fails on their missing values)
            return pd.Series(raw.array.to_numpy(dtype=float, na_value=np.nan), index=raw.index)
    categorical = isinstance(raw.dtype, pd.CategoricalDtype) or (arrow is not None and arrow_types.is_dictionary(arrow))
    if not categorical and not (pd.api.types.is_string_dtype(raw.dtype) or pd.api.types.is_object_dtype(raw.dtype)):
        if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_complex_dtype(raw.dtype):
            return pd.to_numeric(raw)
        return refused(lambda pos: f"not a number ({_values(raw, pos)}, a {raw.dtype} column); write real numbers")
    if categorical:  # numbers or text as categories: read as the values they stand for, once each
        codes, values = _category_codes(raw)
        boolean = np.array([isinstance(v, bool | np.bool_) for v in values] + [False], dtype=bool)[codes]
    else:
        boolean = np.zeros(len(raw), dtype=bool)
        if pd.api.types.is_object_dtype(raw.dtype):  # found row by row: factorize takes True for 1
            boolean = np.fromiter((isinstance(v, bool | np.bool_) for v in raw.tolist()), dtype=bool, count=len(raw))
    _flag(
        problems, boolean, labels, column, lambda pos: f"a boolean ({_values(raw, pos)}), not a number; write numbers"
    )
    if categorical:
        codes = np.where(boolean, -1, codes)
    else:
        codes, uniques = pd.factorize(raw.mask(boolean) if boolean.any() else raw, use_na_sentinel=True)
        values = uniques.tolist() if not isinstance(uniques, list) else uniques
    text = pd.Series([_plain(v) for v in values], dtype=object)
    number = pd.to_numeric(text, errors="coerce")
    not_number = number.isna().to_numpy() & text.notna().to_numpy()
    _flag(
        problems, np.append(not_number, False)[codes], labels, column, lambda pos: f"not a number ({_values(raw, pos)})"
    )
    if pd.api.types.is_integer_dtype(number.dtype) and number.dtype != np.uint64 and (codes >= 0).all():
        return pd.Series(number.to_numpy()[codes], index=raw.index)
    if number.dtype == np.uint64 or number.dtype == object:
        # beyond int64: keep as exact Python ints in an object column (then refused as too large)
        spread = np.append(number.to_numpy(dtype=object), np.nan)[codes]
        return pd.Series(spread, index=raw.index, dtype=object)
    spread = np.append(number.to_numpy(dtype=float, na_value=np.nan), np.nan)[codes]
    return pd.Series(spread, index=raw.index)


def _count_column(raw: pd.Series | None, index, column, labels, problems, *, internal: bool = False) -> pd.Series:
    """The counts of ``raw`` (None: the column is absent, every count 0)."""
    if raw is None:
        if internal:  # a frame read for scoring only: one read-only zero, not one per row
            return pd.Series(np.broadcast_to(np.int64(0), (len(index),)), index=index, copy=False)
        # zeros from calloc: no memory used until written
        return pd.Series(np.zeros(len(index), dtype=np.int64), index=index, copy=False)
    number = _numeric(raw, column, labels, problems)
    if pd.api.types.is_integer_dtype(number.dtype):  # exact: compared as integers
        ints = (number.fillna(0) if number.isna().any() else number).to_numpy()
        negative, too_big = ints < 0, ints > MAX_COUNT
        not_whole = np.zeros(len(ints), dtype=bool)
    else:
        values = number.to_numpy(dtype=float, na_value=np.nan)
        negative = values < 0
        not_whole = np.isfinite(values) & (values != np.round(values))
        too_big = values > MAX_COUNT  # (infinity too)
        ints = np.where(np.isnan(values), 0.0, values)
    _flag(problems, negative, labels, column, lambda pos: f"negative count ({_values(raw, pos)}); casualties are ≥ 0")
    _flag(
        problems,
        not_whole,
        labels,
        column,
        lambda pos: f"not a whole number ({_values(raw, pos)}); code 'at least N' as N",
    )
    too_big &= ~not_whole
    _flag(
        problems,
        too_big,
        labels,
        column,
        lambda pos: f"too large to be a count ({_values(raw, pos)}); counts above {MAX_COUNT:,} are refused",
    )
    bad = negative | not_whole | too_big
    return pd.Series(np.where(bad, 0, ints).astype("int64"), index=index)


def _beyond(values: np.ndarray, limit: float) -> bool:
    """Whether a float column holds a value beyond ``±limit`` (an infinite one too), NaN
    ignored: two reductions, no temporary as long as the column (a column of millions
    allocated anew costs more than the comparison).

    Examples
    --------
    >>> _beyond(np.array([1.0, np.nan, -np.inf]), 1e100), _beyond(np.array([np.nan, 5.0]), 1e100)
    (True, False)
    """
    if not len(values):
        return False
    return bool(np.fmax.reduce(values) > limit or np.fmin.reduce(values) < -limit)


def _float_column(raw: pd.Series | None, index, column, default, labels, problems, *, internal=False) -> pd.Series:
    """The numbers of ``raw`` (None: the column is absent, every value ``default``)."""
    if raw is None:
        if internal:  # a frame read for scoring only: one read-only value, not one per row
            return pd.Series(np.broadcast_to(np.float64(default), (len(index),)), index=index, copy=False)
        return pd.Series(np.full(len(index), default, dtype=np.float64), index=index, copy=False)
    number = _numeric(raw, column, labels, problems)
    if number.dtype == np.float64:  # the column itself (pandas copies it on write)
        values = number.rename(None)
    else:
        values = pd.Series(number.to_numpy(dtype=float, na_value=np.nan), index=index)
    return values.fillna(default) if not np.isnan(default) and values.hasnans else values


def _cameo_column(raw: pd.Series | None, index, labels, problems) -> pd.Series:
    if raw is None:
        return _columns.missing_text(index)
    if pd.api.types.is_numeric_dtype(raw.dtype):
        problems.append(
            Problem(
                "cameo",
                (),
                "holds numbers; CAMEO codes are strings with leading zeros ('036', not 36): "
                "read the column as text, e.g. pd.read_csv(..., dtype={'cameo': str})",
            )
        )
        return pd.Series(pd.NA, index=index, dtype="string")
    # the checks on the distinct values as they are (a few hundred codes in millions of rows)
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    values = [v.decode("ascii", "replace") if isinstance(v, bytes) else v for v in uniques]  # (bytes: as text)
    is_text = [isinstance(v, str) for v in values]
    text = [(v.strip() or None) if t else None for v, t in zip(values, is_text, strict=True)]  # blank: missing
    # 2-4 ASCII digits (no regular expression to compile for a few hundred values)
    wrong = [v is not None and not (2 <= len(v) <= 4 and v.isascii() and v.isdigit()) for v in text]
    bad = np.array(wrong + [False], dtype=bool)[codes]  # (code -1, missing: not wrong)
    _flag(problems, bad, labels, "cameo", lambda pos: f"not a CAMEO event code of 2-4 digits ({_values(raw, pos)})")
    not_text = np.array([not t for t in is_text] + [False], dtype=bool)[codes]
    _flag(
        problems,
        not_text,
        labels,
        "cameo",
        lambda pos: f"not text ({_values(raw, pos)}); CAMEO codes are strings with leading zeros ('036', not 36)",
    )
    return pd.Series(pd.array(text, dtype="string").take(codes, allow_fill=True), index=index)


def read_events(
    source,
    *,
    weights: Mapping[str, float] | pd.DataFrame | None = None,
    duplicates: str = "warn",
    date_format: str | None = None,
    dayfirst: bool | None = None,
) -> pd.DataFrame:
    """Read, validate and normalise events.

    Parameters
    ----------
    source : str, path or pandas.DataFrame
        A CSV file (``.csv``, or tab-separated ``.tsv``/``.tab``; any of them ``.gz``, ``.bz2``,
        ``.xz`` or ``.zip``), a Parquet file
        (``.parquet``, needs pyarrow) or a DataFrame. The input is never modified.
    weights : mapping kind -> float, DataFrame or None
        The user's own kinds and weights (see :func:`tension.kinds`). A kind must be a
        default kind or a key of ``weights``.
    duplicates : {"warn", "keep", "raise"}, default "warn"
        Identical rows are kept (they may be separate events reported alike);
        ``"warn"`` names them in a :class:`TensionWarning`, ``"raise"`` makes them an
        error, ``"keep"`` says nothing.
    date_format : str, optional
        The ``strftime`` format of every text date (``"%d/%m/%Y"``), or ``"ISO8601"``.
        By default one format is inferred for the whole column (see Notes).
    dayfirst : bool, optional
        For text dates whose day/month order the values leave open (``01/02/2024``):
        True reads day first, False month first. By default such a column is refused.

    Returns
    -------
    pandas.DataFrame
        Same rows, same index, same order as the input, with columns ``date``
        (datetime64[ns], or datetime64[us] when a date lies outside 1677-09-22 to
        2262-04-11; UTC-aware if the input dates had time zones), ``source``,
        ``target`` (upper-case ISO 3166-1 alpha-3; former ISO 3166-3 codes such as
        ``SUN`` and ``YUG`` and ``XKX`` for Kosovo are accepted), ``kind``, ``killed``, ``injured``
        (int, empty cells count 0), ``confidence`` (float in (0, 1], empty = 1),
        ``weight`` (float, NaN = derive from kind), ``cameo`` (string or NA),
        ``description``, ``evidence``, ``url`` (string or NA), followed by any other
        columns of the input unchanged.

    Raises
    ------
    EventError
        Listing every problem with its column and rows (index labels; positions from 0
        when the index has duplicate labels) and the values as written: a missing
        required column or a repeated column name; a missing, unparsable, ambiguous,
        relative (``"today"``) or numeric date other than ``YYYYMMDD``; a country code
        that is not ISO 3166-1 alpha-3; ``source == target``; an unknown kind; negative,
        fractional, boolean, non-numeric or too large (> 2**53) casualties; confidence
        outside (0, 1]; a weight that is not finite or beyond ±1e100; a malformed CAMEO
        code.

    Warns
    -----
    TensionWarning
        When dates are converted to UTC, and for duplicated rows (``duplicates="warn"``).

    Notes
    -----
    Dates follow one rule per column, never a guess per row:

    - datetime64 values are kept (time-zone-aware ones converted to UTC);
    - numbers are dates only as 8-digit ``YYYYMMDD`` integers, the way GDELT writes
      ``SQLDATE`` (``20240117`` is 17 January 2024). Other numbers (Excel serial days,
      bare years, seconds since 1970) are refused; convert them first;
    - text is read with one format for the whole column: ``date_format`` if given, ISO
      8601 if every value is ISO 8601, else the one format (inferred from the values)
      that reads every value. A column that reads as day-first and as month-first with
      different results is refused until ``dayfirst`` or ``date_format`` says which;
    - ``"today"``, ``"now"``, ``"yesterday"`` and ``"tomorrow"`` are refused;
    - dates with and without time zones in one column are refused; several zones are
      converted to UTC with a :class:`TensionWarning`.

    Examples
    --------
    >>> import pandas as pd
    >>> import tension as tn
    >>> raw = pd.DataFrame({"date": ["2024-01-17"], "source": ["irn"],
    ...                     "target": ["PAK"], "kind": ["airstrike"], "killed": [2]})
    >>> tn.read_events(raw)[["date", "source", "target", "kind", "killed", "confidence"]]
            date source target       kind  killed  confidence
    0 2024-01-17    IRN    PAK  airstrike       2         1.0
    >>> bad = raw.assign(kind="air_strike")
    >>> tn.read_events(bad)
    Traceback (most recent call last):
    ...
    tension.exceptions.EventError: bad input in the events: column 'kind', row 0: unknown kind 'air_strike'; ...
    """
    if duplicates not in ("warn", "keep", "raise"):
        raise ValueError(f"duplicates must be 'warn', 'keep' or 'raise', not {duplicates!r}")
    if date_format is not None and not isinstance(date_format, str):
        raise TypeError(f"date_format must be a strftime format string such as '%d/%m/%Y', not {date_format!r}")
    if dayfirst is not None and not isinstance(dayfirst, bool | np.bool_):
        raise TypeError(f"dayfirst must be True, False or None, not {dayfirst!r}")
    frame, where = _load(source)
    _duplicated_columns(frame, where)
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        hint = ""
        if len(frame.columns) == 1:  # one column whose name holds the header: another delimiter
            from .io._files import delimiter_in

            sep = delimiter_in(frame.columns[0])
            if sep is not None:
                advice = {
                    ",": "give the file a .csv name (a .tsv or .tab name is read with tabs)",
                    "\t": "give the file a .tsv name (a .csv name is read with commas)",
                }.get(sep, "save it with commas (.csv) or tabs (.tsv)")
                hint = (
                    f"; the header looks like fields separated by {sep!r}: {advice}, or read it with "
                    f"pandas.read_csv(path, sep={sep!r}) and pass the frame"
                )
                missing = missing[:1]  # (one message, not one per column)
        raise EventError(
            [
                Problem(
                    c,
                    (),
                    f"required column is missing (columns present: {list(map(str, frame.columns))}); "
                    f"the schema needs {list(REQUIRED)}{hint}",
                )
                for c in missing
            ],
            where,
        )
    if frame.index.is_unique:
        labels = frame.index  # looked up only for the rows of a problem
    else:
        labels = pd.RangeIndex(len(frame))
        where = f"{where} (rows counted by position from 0: the index has duplicate labels)"
    problems: list[Problem] = []
    made: dict = {}  # the columns, made into one frame at the end (one construction, no inserts)
    # each column looked up once (a pandas lookup makes a new Series each time)
    col = dict(frame.items())
    index = frame.index
    with _single_values(frame, labels, where):  # (a list in a cell: its rows named)
        made["date"] = _parse_dates(col["date"], labels, problems, date_format, dayfirst)
        # the three text columns coded at once (in threads on long inputs)
        text_columns = ("source", "target", "kind")
        known = resolve_weights(weights)
        kinds = sorted(known)  # (valid kinds are looked up, not hashed into a dictionary)
        coded = dict(
            zip(text_columns, _columns.text_codes_of([col[c] for c in text_columns], [None, None, kinds]), strict=True)
        )
        made["source"], source_codes = _country_column(col["source"], "source", labels, problems, coded["source"])
        made["target"], target_codes = _country_column(col["target"], "target", labels, problems, coded["target"])
        # one key per row for its (source, target) pair: decides "target equals source" and
        # gives the dyads' keys when scoring
        pairs = _columns.pair_keys(source_codes, target_codes, equal=True, unless="")
        same = pairs.same if pairs is not None else None
        if same is None:  # (a country missing: the pairs have no table)
            same = _columns.equal_text(source_codes, target_codes, unless="")
        _flag(
            problems,
            same,
            labels,
            "target",
            lambda pos: f"target equals source ({_values(made['source'], pos)}); a dyad needs two countries",
        )
        kind, kind_missing, unknown, kind_codes = _normalised(col["kind"], str.strip, known, coded["kind"])
        if unknown is not None and kind_missing.any():
            _flag(problems, kind_missing, labels, "kind", lambda pos: "missing kind; every event needs one")
        if unknown is not None and (unknown & ~kind_missing).any():
            unknown = unknown & ~kind_missing
            rows = _labels(unknown, labels)
            names = sorted({str(v) for v in col["kind"].iloc[np.flatnonzero(unknown)].tolist()})
            problems.append(
                Problem(
                    "kind",
                    rows,
                    f"unknown kind {', '.join(map(repr, names[:_SHOW]))}; known kinds: "
                    f"{', '.join(sorted(known))}. To add a kind, give it a signed weight (positive = hostile): "
                    "weights={'<kind>': <weight>} in Python (read_events and score), --weights <kind>=<weight> "
                    "on the command line",
                )
            )
        made["kind"] = kind
        internal = not _FINGERPRINT.get()  # read for scoring, never handed back
        for column in ("killed", "injured"):
            made[column] = _count_column(col.get(column), index, column, labels, problems, internal=internal)
        made["confidence"] = _float_column(
            col.get("confidence"), index, "confidence", 1.0, labels, problems, internal=internal
        )
        if "confidence" in col:  # (an absent column is all 1)
            conf = made["confidence"].to_numpy()
            bad_conf = ~((conf > 0) & (conf <= 1))
            _flag(
                problems,
                bad_conf,
                labels,
                "confidence",
                lambda pos: f"outside (0, 1] ({_values(col['confidence'], pos)})",
            )
        made["weight"] = _float_column(col.get("weight"), index, "weight", np.nan, labels, problems)
        w = made["weight"].to_numpy()
        if "weight" in col and _beyond(w, MAX_WEIGHT):  # (infinite or too large; NaN is empty)
            _flag(
                problems,
                np.isinf(w),
                labels,
                "weight",
                lambda pos: f"not finite ({_values(col['weight'], pos)}); leave it empty to use the kind's weight",
            )
            _flag(
                problems,
                np.isfinite(w) & (np.abs(w) > MAX_WEIGHT),
                labels,
                "weight",
                lambda pos: (
                    f"too large ({_values(col['weight'], pos)}); weights are limited to ±{MAX_WEIGHT:g} so "
                    "that sums stay finite: rescale them"
                ),
            )
        made["cameo"] = _cameo_column(col.get("cameo"), index, labels, problems)
    absent = None  # one empty column, shared by the absent ones (copied on write, as any column)
    for column in ("description", "evidence", "url"):
        if column in col:
            made[column] = col[column].astype("string")
        else:
            absent = _columns.missing_text(frame.index) if absent is None else absent
            made[column] = absent
    if problems:
        raise EventError(problems, where)
    for column, values in col.items():
        if column not in made:
            made[column] = values
    # Series on the frame's own index object: no alignment (duplicate labels are fine), and
    # pandas tracks the columns shared with the input (copied on write, never changed)
    out = pd.DataFrame(made, index=frame.index, copy=False)
    if duplicates != "keep" and len(out):
        core = [c for c in (*REQUIRED, *OPTIONAL) if c in out.columns]
        coded = {"source": source_codes, "target": target_codes, "kind": kind_codes}
        dup = _duplicate_rows(out, core, coded)
        if dup.any():
            rows = _labels(dup, labels)
            text = str(Problem("*", rows, f"{dup.sum()} rows are identical to another row"))
            if duplicates == "raise":
                raise EventError([Problem("*", rows, "identical to another row (duplicates='raise')")], where)
            warnings.warn(
                f"{text}; they are kept as separate events (pass duplicates='keep' to silence)",
                TensionWarning,
                stacklevel=2,
            )
    # scoring this frame will not validate it again, nor code its text columns again
    codes = {"source": source_codes, "target": target_codes, "kind": kind_codes, "pairs": pairs}
    return _columns.mark(out, known, codes=codes, fingerprint=not internal, columns=made)


def _duplicate_rows(out: pd.DataFrame, core: list, coded: dict) -> np.ndarray:
    """``out.duplicated(subset=core, keep=False)``, the text columns of ``coded`` compared
    by their codes (``(codes, cleaned)``, ``cleaned[codes]`` the column; two codes of one
    cleaned value, ``"pak"`` and ``"PAK"``, made one first) instead of string by string."""
    keys = {}
    for column in core:
        if column in coded:
            codes, cleaned = coded[column]
            same = pd.factorize(pd.Series(cleaned + [None], dtype=object), use_na_sentinel=False)[0]
            keys[column] = same[codes]  # (code -1, a missing value: the None)
        else:
            keys[column] = out[column].array  # (the values alone: no index to align)
    return pd.DataFrame(keys, copy=False).duplicated(keep=False).to_numpy()


def for_scoring(source, *, weights=None) -> pd.DataFrame:
    """:func:`read_events` (``duplicates="keep"``) of a frame about to be scored and never
    handed back: it keeps its text columns' codes for scoring but is not fingerprinted, so
    it is never taken for a validated frame (:func:`tension._columns.is_marked`)."""
    token = _FINGERPRINT.set(False)
    try:
        return read_events(source, weights=weights, duplicates="keep")
    finally:
        _FINGERPRINT.reset(token)
