"""The ``date`` column: one reading rule per column, never a guess per row.

The rules, in order (documented in :func:`tension.read_events`):

- datetime64 columns are taken as they are (time-zone-aware ones converted to UTC);
- numbers are dates only as 8-digit ``YYYYMMDD`` integers (GDELT's ``SQLDATE``); any
  other number (an Excel serial day, a bare year, seconds since 1970) is refused,
  because it could mean several things;
- text is read with ONE format for the whole column: the one given (``date_format=``),
  ISO 8601 when every value is ISO 8601, else the single format that reads every value
  (inferred from the values, day-first or month-first as ``dayfirst=`` says); a column
  that two formats read differently (``01/02/2024``) is refused with the choice to make;
- relative words (``today``, ``now``, ...) are refused: a file must mean the same thing
  tomorrow;
- objects with time zones: all aware (converted to UTC, with a warning when they were
  not all UTC) or all naive; a mix is refused.

Dates between 1677-09-22 and 2262-04-11 come out as ``datetime64[ns]``; a column with a
date outside that range comes out as ``datetime64[us]`` (years 1 to 9999), so nothing
is lost or wrapped.
"""

from __future__ import annotations

import datetime as _dt
import warnings

import numpy as np
import pandas as pd

from . import _fixed_dates, _time

#: Formats tried besides those pandas guesses from the values (ACLED writes ``9-May-20``);
#: each must still read every value of the column, and two that disagree are refused.
COMMON_FORMATS = (
    "%d-%b-%y",
    "%d-%b-%Y",
    "%d-%B-%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d/%m/%y",
    "%m/%d/%y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%y/%m/%d",
)

#: Words that name a different day each time they are read.
RELATIVE = ("today", "now", "yesterday", "tomorrow")

_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
#: Python's whitespace (``str.isspace``) as a character class of the characters
#: themselves: the same in Python's ``re`` and in pyarrow's regex engine (RE2), whose
#: ``\s`` is ASCII only.
_SPACE = "[" + "".join(c for c in map(chr, range(0x3001)) if c.isspace()) + "]"


def _digit_class() -> str:
    """Python's ``\\d`` (the Unicode decimal digits, ``str.isdecimal``; all of them in the
    first two planes) as a character class of ranges of the characters themselves: RE2's
    ``\\d`` is ASCII only, and an offset in other digits (``10:00+٠٥:٠٠``) must still be
    found, as Python's ``re`` found it."""
    ranges: list[list[int]] = []
    for code in range(0x20000):
        if chr(code).isdecimal():
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return "[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in ranges) + "]"


#: Python's digits (``\\d``) as a class, for pyarrow's regex engine (see :data:`_SPACE`).
_DIGIT = _digit_class()
#: A UTC offset or zone name after a time of day (``10:00+05:00``, ``10:00:00Z``, or an
#: ISO hour alone, ``T10+05:00``), in a named group, read by pyarrow's ``extract_regex``
#: (see :func:`_zones`).
_TZ_SUFFIX = (
    r"(?:\d:\d{2}(?::\d{2}(?:\.\d+)?)?|T\d{2})".replace(r"\d", _DIGIT)
    + _SPACE
    + r"*(?P<zone>Z|[+-]\d{2}:?\d{2}|[+-]\d{2}|UTC|GMT)$".replace(r"\d", _DIGIT)
)
#: The same, without a capture group: for ``str.contains`` (whether a date has an offset).
HAS_ZONE = _TZ_SUFFIX.replace("(?P<zone>Z|", "(?:Z|")
_NUMBERS_ADVICE = (
    "numbers are read as dates only as 8-digit YYYYMMDD (GDELT's SQLDATE: 20240117 is 17 January 2024); "
    "Excel serial days, bare years and seconds since 1970 are refused as ambiguous: convert the column first "
    "(pd.to_datetime(x, unit='D', origin='1899-12-30') for Excel serials, pd.to_datetime(x, unit='s') for epoch "
    "seconds) or write dates as YYYY-MM-DD"
)


#: How the messages of a column that reads both ways, and of a date without a UTC offset
#: among dates with one, begin (the readers raise them as errors of the column).
AMBIGUOUS = "ambiguous dates"
NAIVE_AMONG_ZONED = "a date without a time zone"

#: Message for an empty cell.
MISSING = "missing date; every event needs one (YYYY-MM-DD or an ISO 8601 timestamp)"

#: Text stored in pyarrow (its regular expressions run in C++, not row by row in Python).
_ARROW_TEXT = pd.StringDtype("pyarrow")


def parse(raw: pd.Series, flag, *, date_format: str | None = None, dayfirst: bool | None = None, warn=None):
    """The column as datetimes (NaT where a problem was flagged).

    ``flag(mask, message)`` records a problem for the rows of a boolean mask;
    ``message(positions)`` writes its text. ``warn(text)`` issues a TensionWarning.
    Empty cells are flagged as missing. Text and numbers are read once per distinct
    value (a date column has few), then spread back to the rows.
    """
    if pd.api.types.is_bool_dtype(raw.dtype):
        flag(raw.isna().to_numpy(), lambda pos: MISSING)
        flag(raw.notna().to_numpy(), lambda pos: "True/False is not a date; the column holds booleans")
        return _empty(raw)
    if isinstance(raw.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(raw.dtype):
        flag(raw.isna().to_numpy(), lambda pos: MISSING)
        return _to_utc(raw, warn) if isinstance(raw.dtype, pd.DatetimeTZDtype) else _resolution(raw)
    if date_format is None:
        fixed = _fixed_dates.read(raw, dayfirst)
        if fixed is not None:  # dates of one fixed width, read from their bytes as below
            return fixed
    boolean = np.zeros(len(raw), dtype=bool)
    if pd.api.types.is_object_dtype(raw.dtype):  # factorize takes True for 1: booleans first
        boolean = np.fromiter((isinstance(v, bool | np.bool_) for v in raw.tolist()), dtype=bool, count=len(raw))
        if boolean.any():
            flag(boolean, lambda pos: f"True/False is not a date ({_shown(raw, pos)})")
            raw = raw.mask(boolean)
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    if pd.api.types.is_numeric_dtype(raw.dtype):
        distinct = pd.Series(uniques, dtype=uniques.dtype)
        blank = np.zeros(len(distinct), dtype=bool)
    elif isinstance(uniques.dtype, pd.StringDtype):  # text: kept in pyarrow, blanks found there
        distinct = pd.Series(uniques).astype(_ARROW_TEXT)
        blank = (distinct.str.strip() == "").to_numpy(dtype=bool, na_value=False)
        distinct = distinct.mask(blank)
    else:
        distinct = pd.Series(uniques, dtype=object)
        blank = np.fromiter(
            (isinstance(v, str) and not v.strip() for v in distinct.tolist()), dtype=bool, count=len(distinct)
        )
        distinct = distinct.mask(blank, None).astype(object)
    flag(((codes < 0) | np.append(blank, False)[codes]) & ~boolean, lambda pos: MISSING)

    def each(mask, message):
        """A problem found on the distinct values, flagged on their rows."""
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            flag(np.append(mask, False)[codes], lambda pos: message(codes[pos]))

    if pd.api.types.is_numeric_dtype(raw.dtype):
        parsed = _numbers(distinct, pd.to_numeric(distinct), each)
    else:
        parsed = _objects(distinct, each, date_format, dayfirst, warn)
    # back to the rows: position len(distinct) is the missing value
    spread = pd.concat([parsed.reset_index(drop=True), pd.Series([pd.NaT], dtype=parsed.dtype)], ignore_index=True)
    return spread.iloc[np.where(codes < 0, len(distinct), codes)].set_axis(raw.index)


def collect(raw: pd.Series, *, dayfirst: bool | None = None) -> tuple[pd.Series, list, list]:
    """:func:`parse` with its problems and warnings collected instead of raised:
    ``(parsed, problems, said)``, ``problems`` a list of ``(mask, message)`` over the
    values, ``said`` the texts of the warnings (each once). For callers that report
    problems in their own terms (the readers, Dask, crisis calendars)."""
    problems: list[tuple[np.ndarray, str]] = []
    said: list[str] = []

    def flag(mask, message) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            problems.append((mask, message(np.flatnonzero(mask))))

    parsed = parse(raw, flag, dayfirst=dayfirst, warn=lambda text: said.append(text) if text not in said else None)
    return parsed, problems, said


def _empty(raw):
    return pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")


def _resolution(parsed: pd.Series) -> pd.Series:
    """Nanoseconds when every date fits them, microseconds otherwise."""
    if parsed.dtype == np.dtype("datetime64[ns]") or getattr(parsed.dtype, "unit", None) == "ns":
        return parsed  # nanoseconds already (not copied)
    tz = getattr(parsed.dtype, "tz", None)
    if tz is None and isinstance(parsed.dtype, np.dtype):  # the extremes from the integers, NaT skipped
        stamps = parsed.to_numpy().view(np.int64)
        factor = _NANOSECONDS.get(np.datetime_data(parsed.dtype)[0])
        if factor is not None and len(stamps) >= _time.LONG:
            low = int(stamps.min())
            if low != np.iinfo(np.int64).min:  # no NaT, long: in threads
                return _as_nanoseconds(parsed, stamps, low, factor)
        present = stamps[stamps != np.iinfo(np.int64).min] if parsed.hasnans else stamps
        if len(present) == 0:
            return parsed.dt.as_unit("ns")
        lo, hi = (pd.Timestamp(np.array([f(present)]).view(parsed.dtype)[0]) for f in (np.min, np.max))
    else:
        valid = parsed.dropna()
        if len(valid) == 0:
            return parsed.dt.as_unit("ns") if hasattr(parsed, "dt") else parsed
        lo, hi = valid.min(), valid.max()
    bounds = (
        (pd.Timestamp.min, pd.Timestamp.max)
        if tz is None
        else (pd.Timestamp.min.tz_localize("UTC"), pd.Timestamp.max.tz_localize("UTC"))
    )
    if bounds[0] <= lo and hi <= bounds[1]:
        return parsed.dt.as_unit("ns")
    return parsed.dt.as_unit("us")


#: Nanoseconds per unit of the datetime64 units :func:`_as_nanoseconds` converts.
_NANOSECONDS = {"s": 10**9, "ms": 10**6, "us": 10**3}


def _as_nanoseconds(parsed: pd.Series, stamps: np.ndarray, low: int, factor: int) -> pd.Series:
    """:func:`_resolution` of a long naive column of seconds, milliseconds or microseconds
    (``factor`` nanoseconds each) without NaT: nanoseconds when every date fits them,
    made by one multiplication per slice in threads (exact: the extremes are checked
    first), else microseconds."""
    high = int(stamps.max())
    if not (pd.Timestamp.min.value <= low * factor and high * factor <= pd.Timestamp.max.value):
        return parsed.dt.as_unit("us")
    out = _time.sliced(stamps, lambda values, into: np.multiply(values, factor, out=into))
    return pd.Series(out.view("datetime64[ns]"), index=parsed.index, name=parsed.name, copy=False)


def _to_utc(parsed: pd.Series, warn) -> pd.Series:
    if str(parsed.dtype.tz) != "UTC" and warn is not None:
        warn(f"dates in column 'date' are in time zone {parsed.dtype.tz}; converted to UTC")
    return _resolution(parsed.dt.tz_convert("UTC"))


def _numbers(raw: pd.Series, number: pd.Series, flag) -> pd.Series:
    """8-digit YYYYMMDD integers; any other number is a problem."""
    values = number.to_numpy(dtype=float, na_value=np.nan)
    present = ~np.isnan(values)
    whole = present & np.isfinite(values) & (values == np.round(values))
    eight = whole & (values >= 10_000_101) & (values <= 99_991_231)
    text = pd.Series(
        [str(int(v)) if ok else None for v, ok in zip(values, eight, strict=True)], index=raw.index, dtype=object
    )
    parsed = pd.to_datetime(text, format="%Y%m%d", errors="coerce")
    bad = present & parsed.isna().to_numpy()
    flag(bad, lambda pos: f"a number, not a date ({_shown(raw, pos)}); {_NUMBERS_ADVICE}")
    return _resolution(parsed)


def _objects(raw, flag, date_format, dayfirst, warn) -> pd.Series:
    kind = pd.api.types.infer_dtype(raw, skipna=True)
    if kind == "empty":
        return _empty(raw)
    if kind == "boolean":
        flag(raw.notna().to_numpy(), lambda pos: "True/False is not a date; the column holds booleans")
        return _empty(raw)
    if kind in ("integer", "floating", "mixed-integer-float", "decimal"):
        return _numbers(raw, pd.to_numeric(raw, errors="coerce"), flag)
    if kind in ("datetime", "datetime64", "date"):
        return _datetime_objects(raw, flag, warn)
    if kind not in ("string",):
        return _text(_as_text(raw, flag), flag, date_format, dayfirst, warn, shown=raw)
    return _text(raw, flag, date_format, dayfirst, warn)


def _as_text(raw: pd.Series, flag) -> pd.Series:
    """A column mixing strings with other objects: numbers and datetimes become text
    (then read by the column's one rule); booleans and other objects are problems."""
    out: list[str | None] = []
    bad = np.zeros(len(raw), dtype=bool)
    for i, value in enumerate(raw.tolist()):
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT or value is pd.NA:
            out.append(None)
        elif isinstance(value, str):
            out.append(value)
        elif isinstance(value, bool | np.bool_):
            bad[i] = True
            out.append(None)
        elif isinstance(value, int | np.integer):
            out.append(str(int(value)))
        elif isinstance(value, float | np.floating) and float(value).is_integer():
            out.append(str(int(value)))
        elif isinstance(value, float | np.floating):
            out.append(repr(float(value)))
        elif isinstance(value, _dt.date | np.datetime64):
            out.append(pd.Timestamp(value).isoformat())
        else:
            bad[i] = True
            out.append(None)
    flag(bad, lambda pos: f"not a date ({_shown(raw, pos)}); write dates as YYYY-MM-DD or an ISO 8601 timestamp")
    return pd.Series(out, index=raw.index, dtype=object)


def _datetime_objects(raw, flag, warn) -> pd.Series:
    present = raw.notna().to_numpy()
    aware = np.zeros(len(raw), dtype=bool)
    zones = set()
    for i, value in enumerate(raw.tolist()):
        if present[i]:
            tz = getattr(value, "tzinfo", None)
            if tz is not None and tz.utcoffset(value if isinstance(value, _dt.datetime) else None) is not None:
                aware[i] = True
                zones.add(str(tz))
    if aware.any() and (present & ~aware).any():
        flag(
            present & ~aware,
            lambda pos: (
                f"{NAIVE_AMONG_ZONED} ({_shown(raw, pos)}) in a column of dates with time zones; give every "
                "date a time zone (e.g. tz_localize('UTC')) or none"
            ),
        )
        raw = raw.where(aware)  # (those with a zone are read, not called unparsable)
    if aware.any():
        parsed = pd.to_datetime(raw, utc=True)
        if zones - {"UTC", "UTC+00:00", "+00:00"} and warn is not None:
            warn(f"dates in column 'date' carry time zones {sorted(zones)}; all converted to UTC")
        return _resolution(parsed)
    return _resolution(pd.to_datetime(raw))


def _text(raw: pd.Series, flag, date_format, dayfirst, warn, shown=None) -> pd.Series:
    shown = raw if shown is None else shown  # the values as written, for messages
    # pyarrow strings: the regular expressions below run in pyarrow, not row by row
    text = raw.astype(_ARROW_TEXT).str.strip()
    text = text.mask(text == "")
    present = text.notna().to_numpy()
    relative = text.str.lower().isin(RELATIVE).fillna(False).to_numpy(dtype=bool)
    flag(
        relative,
        lambda pos: (
            f"a relative date ({_shown(shown, pos)}) means another day each time the file is read; write the date "
            "itself (YYYY-MM-DD)"
        ),
    )
    usable = present & ~relative
    if date_format is None:
        numeric = text.str.fullmatch(_NUMBER).fillna(False).to_numpy(dtype=bool) & usable
        eight = text.str.fullmatch(r"\d{8}").fillna(False).to_numpy(dtype=bool)
        if numeric.any():
            if (numeric & ~eight).any() or numeric.sum() == usable.sum():
                # numbers, or a column of 8-digit numbers: the numeric rule, quoted as written
                number = pd.to_numeric(text.where(numeric), errors="coerce")
                parsed = _numbers(shown.where(numeric), number, flag)
                if numeric.sum() == usable.sum():
                    return parsed
                usable &= ~(numeric & ~eight)
    zone = _zones(text)  # each date's UTC offset or zone name
    has_zone = zone.notna().to_numpy(dtype=bool)
    if (usable & has_zone).any() and (usable & ~has_zone).any():
        naive = usable & ~has_zone
        flag(
            naive,
            lambda pos: (
                f"{NAIVE_AMONG_ZONED} ({_shown(shown, pos)}) in a column of dates with time zones; "
                "give every date a UTC offset (e.g. +00:00) or none"
            ),
        )
        usable &= has_zone
    values = text.where(usable)
    if not usable.any():
        return _empty(raw)
    zoned = bool(has_zone[usable].any())  # then every usable date has a zone

    def read(fmt: str) -> pd.Series:
        return _read(values, fmt, zoned)

    def done(parsed: pd.Series) -> pd.Series:
        if zoned and warn is not None:
            _warn_zones(zone[usable], warn)
        return _resolution(parsed)

    if date_format is not None:
        fmt = date_format
        parsed = read(fmt)
        bad = usable & parsed.isna().to_numpy()
        flag(bad, lambda pos: f"does not match date_format={fmt!r} ({_shown(shown, pos)})")
        return done(parsed)
    # a format that misses one value cannot read the whole column: ISO 8601 is read on
    # the whole column only if it reads the first few values, the other formats first
    # only if they read all of a sample of the values (and all of them when none of
    # those reads every value, to find the one that reads the most)
    if _read(values[usable].iloc[:64], "ISO8601", zoned).notna().all():
        iso = read("ISO8601")
        if (iso.notna().to_numpy() | ~usable).all():  # ISO 8601 is year-first: nothing to choose
            return done(iso)
    sample = _sample(values[usable])
    candidates = _candidates(sample, dayfirst)
    tried: dict[str, tuple[int, pd.Series]] = {}

    def count(fmt: str) -> tuple[int, pd.Series]:
        if fmt not in tried:
            parsed = read(fmt)
            tried[fmt] = int((usable & parsed.notna().to_numpy()).sum()), parsed
        return tried[fmt]

    full = [(fmt, count(fmt)[1]) for fmt in candidates if _read(sample, fmt, zoned).notna().all()]
    full = [(fmt, parsed) for fmt, parsed in full if tried[fmt][0] == usable.sum()]
    results = [] if full else [(*count(fmt), fmt) for fmt in candidates]
    if full:
        distinct: list[tuple[str, pd.Series]] = []
        for fmt, parsed in full:
            if not any(parsed.equals(other) for _, other in distinct):
                distinct.append((fmt, parsed))
        if len(distinct) > 1:
            formats = [fmt for fmt, _ in distinct]
            example = values[usable].iloc[0]
            flag(usable, lambda pos: f"{AMBIGUOUS}: {_which(formats, example)}")
            return _empty(raw)
        fmt, parsed = distinct[0]
        if _year_first(fmt) and not _year_proved(parsed[usable]):
            # read wholly only with a two-digit year first, which no date proves: as likely a
            # day- or month-first column with a date that is no day ('29/02/23'); the dates
            # the best other format does not read are named (all when it reads none)
            most, other = max(((count(f)[0], f) for f in candidates if not _year_first(f)), key=lambda r: r[0])
            missed = usable & tried[other][1].isna().to_numpy() if most else usable
            flag(
                missed,
                lambda pos: (
                    f"{AMBIGUOUS} ({_shown(shown, pos)}):"
                    + (f" no day as {other!r}, the format of the column's other dates, but" if most else "")
                    + f" the whole column reads as {fmt!r}, a two-digit year first, which no date proves (a first "
                    f"number over 31); fix the dates, or say the year comes first with read_events(..., "
                    f"date_format={fmt!r})"
                ),
            )
            return done(tried[other][1]) if most else _empty(raw)
        return done(parsed)
    best = max(results, key=lambda r: r[0]) if results else None  # (the first of the most)
    if best is None or best[0] == 0:
        flag(
            usable,
            lambda pos: (
                f"unparsable date ({_shown(shown, pos)}); write dates as YYYY-MM-DD or an ISO 8601 timestamp, or give "
                "the format with read_events(..., date_format='%d.%m.%Y')"
            ),
        )
        return _empty(raw)
    _, parsed, fmt = best
    bad = usable & parsed.isna().to_numpy()
    flag(
        bad,
        lambda pos: (
            f"unparsable date ({_shown(shown, pos)}): it does not match the format {fmt!r} of the column's other dates "
            "(one format is used per column, never a guess per row); fix these values or give the format with "
            "read_events(..., date_format=...)"
        ),
    )
    return done(parsed)


def _zones(text: pd.Series) -> pd.Series:
    """Each date's UTC offset or zone name (:data:`_TZ_SUFFIX`), else missing: pyarrow's
    ``extract_regex`` (pandas runs ``str.extract`` in Python, row by row)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    found = pc.struct_field(pc.extract_regex(pa.array(text.array), _TZ_SUFFIX), [0])
    return pd.Series(pd.array(found, dtype=_ARROW_TEXT), index=text.index)


def _sample(values: pd.Series) -> pd.Series:
    """A spread of the sorted distinct values (at most about 400; the same for any row
    order), to guess formats from and to rule formats out on."""
    import pyarrow as pa
    import pyarrow.compute as pc

    distinct = pc.unique(pa.array(values.astype(_ARROW_TEXT).array))
    distinct = distinct.take(pc.sort_indices(distinct))
    return pd.Series(pd.array(distinct[:: max(1, len(distinct) // 200)], dtype=_ARROW_TEXT))


def _candidates(sample: pd.Series, dayfirst) -> list[str]:
    """ISO 8601 first, then the formats guessed from the ``sample`` (:func:`_sample`)."""
    from pandas.tseries.api import guess_datetime_format

    formats = ["ISO8601"]
    preferences = [False, True] if dayfirst is None else [bool(dayfirst)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for value in sample.tolist():
            for first in preferences:
                fmt = guess_datetime_format(str(value), dayfirst=first)
                if fmt is not None and fmt not in formats and _plausible(fmt):
                    formats.append(fmt)
    formats += [f for f in COMMON_FORMATS if f not in formats]
    if dayfirst is not None:
        # ISO 8601 is year-first: no day/month order to choose
        formats = [f for f in formats if f == "ISO8601" or _order_ok(f, dayfirst)]
    return formats


def _order_ok(fmt: str, dayfirst: bool) -> bool:
    """Whether ``fmt`` may be read under ``dayfirst``: day before month if True, month
    before day if False; a four-digit year first leaves no order to choose, and a
    two-digit year first (``%y/%m/%d``) is never what ``dayfirst`` says (only
    ``date_format`` asks for it)."""
    d, m = fmt.find("%d"), fmt.find("%m")
    if d < 0 or m < 0:
        return True
    if 0 <= fmt.find("%Y") < min(d, m):
        return True
    if _year_first(fmt):
        return False
    return (d < m) == dayfirst


def _year_first(fmt: str) -> bool:
    """Whether ``fmt`` puts a two-digit year before the day and the month (``%y/%m/%d``)."""
    return 0 <= fmt.find("%y") < min(fmt.find("%d"), fmt.find("%m"))


def _year_proved(parsed: pd.Series) -> bool:
    """Whether a date read with a two-digit year first could not have that number first
    as a day or a month: a year ending in 00 or in 32 to 99."""
    last = parsed.dt.year % 100
    return bool(((last == 0) | (last > 31)).any())


def _which(formats: list, example) -> str:
    """The ambiguity of a column that reads wholly in two formats or more (each named:
    ``01/02/03`` reads day first, month first and year first), and how to choose."""
    reads = " and as ".join(", as ".join(repr(f) for f in formats).rsplit(", as ", 1))
    if not any(_year_first(f) for f in formats):
        return (
            f"the whole column reads as {reads} (e.g. {example!r}), with different "
            "days; say which with read_events(..., dayfirst=True) or dayfirst=False, or date_format='...'"
        )
    ways = [
        f"date_format={f!r} for year first" if _year_first(f) else f"dayfirst={f.find('%d') < f.find('%m')} for {f!r}"
        for f in formats
    ]
    choice = " or ".join(", ".join(ways).rsplit(", ", 1))
    return (
        f"the whole column reads as {reads} (e.g. {example!r}), with different days: "
        f"a two-digit year may come first or last; say which with read_events(..., {choice})"
    )


def _plausible(fmt: str) -> bool:
    """Nobody writes year, day, month: such a guess is dropped."""
    y, d, m = fmt.find("%Y"), fmt.find("%d"), fmt.find("%m")
    return not (0 <= y < d < m)


def _read(values: pd.Series, fmt: str, zoned: bool) -> pd.Series:
    """One format over the whole column (NaT where it does not read); dates with UTC
    offsets (``zoned``: every date has one) end in UTC."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return pd.to_datetime(values, format=fmt, errors="coerce", utc=zoned or None)
        except ValueError:  # offsets the zone pattern did not see ("Mixed timezones"): none read
            return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")


def _warn_zones(zone: pd.Series, warn) -> None:
    """Say that dates were converted to UTC, unless every one was in UTC already."""
    written = set(zone.dropna().tolist())
    zones = written - {"Z", "+00:00", "+0000", "+00", "UTC", "GMT"}
    if zones:
        if len(written) > 1:
            warn("dates in column 'date' carry different time zones; all converted to UTC")
        else:
            warn(f"dates in column 'date' are in time zone {zones.pop()}; converted to UTC")


def _shown(series: pd.Series, pos, limit: int = 8) -> str:
    shown = [repr(v) for v in series.iloc[list(pos[:limit])].tolist()]
    return ", ".join(shown) + (", ..." if len(pos) > limit else "")
