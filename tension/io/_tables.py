"""Helpers shared by the readers of tabular sources."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .. import _dates
from ..taxonomy import goldstein
from ._files import delimiter_in

__all__ = ["load_tables", "add_problems", "cameo_codes", "parse_dates"]


def load_tables(source, *, sep: str, required, what: str, encoding: str = "utf-8", canonical=None):
    """Files (a path, glob or list) or a DataFrame as one string table with ``file`` and
    ``line``; a missing required column is an error naming it.

    ``canonical`` maps a header name to the name the reader uses (e.g. lower case), so
    that column names are matched as the reader documents. Returns the files, the table
    and the problems of the malformed records (``"file:line: message"``).
    """
    from ._files import check_encoding, read_records
    from ._report import expand_paths

    check_encoding(encoding)
    problems: list[str] = []
    if isinstance(source, pd.DataFrame):
        files = ["<DataFrame>"]
        frame = source.astype(object).where(source.notna(), "").astype(str)
        frame.columns = [str(c).strip() for c in frame.columns]
        frame = frame.assign(file="<DataFrame>", line=np.arange(len(source)) + 2)
        frames = [frame]
    else:
        files = expand_paths(source)
        frames = []
        for f in files:
            frame, bad = read_records(f, sep=sep, encoding=encoding)
            frames.append(frame)
            problems.extend(bad)
    # each file's header as written (canonical names join a header's words with "_": a tab
    # between them would be lost)
    headers = [[c for c in frame.columns if c not in ("file", "line")] for frame in frames]
    if canonical is not None:
        renamed = []
        for frame in frames:
            names = {c: canonical(c) for c in frame.columns if c not in ("file", "line")}
            frame = frame.rename(columns=names)
            if frame.columns.duplicated().any():
                twice = sorted(set(frame.columns[frame.columns.duplicated()]))
                raise ValueError(
                    f"{frame['file'].iat[0] if len(frame) else files[0]}: columns {twice} appear twice "
                    "(names are matched ignoring case); rename one"
                )
            renamed.append(frame)
        frames = renamed
    for f, frame, header in zip(files, frames, headers, strict=True):
        missing = [c for c in required if c not in frame.columns]
        if missing:
            found = [c for c in frame.columns if c not in ("file", "line")]
            hint = ""
            if len(header) == 1:  # one column whose name holds the header: another delimiter
                other = delimiter_in(header[0], sep)
                if other is not None:
                    hint = (
                        f"; the header looks like fields separated by {other!r}, not {sep!r} (a spreadsheet "
                        f"re-save?): read it with pandas.read_csv(path, sep={other!r}, dtype=str) and pass the frame"
                    )
            raise ValueError(f"{f}: not {what}: missing columns {missing}; found {found[:12]}{hint}")
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)
    text = [c for c in frame.columns if c != "line"]
    frame[text] = frame[text].fillna("")  # columns that only some of the files have
    return files, frame, problems


def add_problems(report, problems: list[str], errors: str) -> None:
    """Count the malformed records a table reader left out, with file and line."""
    report.rows += len(problems)
    if problems:
        report.skipped["malformed"] = report.skipped.get("malformed", 0) + len(problems)
    for message in problems:
        report.problem(message, errors)


def _valid(code: str) -> bool:
    if not (code.isdigit() and 2 <= len(code) <= 4 and 1 <= int(code[:2]) <= 20):
        return False
    try:
        goldstein(code)
    except ValueError:
        return False
    return True


def cameo_codes(values) -> tuple[pd.Series, np.ndarray]:
    """CAMEO event codes of 3 or 4 digits (as ICEWS writes them) as strings, restoring a
    leading zero lost in a spreadsheet.

    Returns the codes (NA where not a CAMEO code) and a mask of restored ones. A code of
    two digits has lost its zero: ``10`` is ``010`` (make a statement), not the root code
    of demands.

    Examples
    --------
    >>> codes, restored = cameo_codes(["043", "43", "311", "190", "x", "43.0", "10", 20])
    >>> codes.tolist(), restored.tolist()
    (['043', '043', '0311', '190', <NA>, '043', '010', '020'], [False, True, True, False, False, True, True, True])
    """
    text = pd.Series(values, dtype=object).fillna("").astype(str).str.strip().str.replace(r"\.0$", "", regex=True)
    mapping, fixed = {}, {}
    for code in text.unique():
        if _valid(code) and len(code) >= 3:
            mapping[code], fixed[code] = code, False
        elif len(code) in (2, 3) and _valid("0" + code):
            mapping[code], fixed[code] = "0" + code, True
        else:
            mapping[code], fixed[code] = pd.NA, False
    return text.map(mapping).astype("string"), text.map(fixed).to_numpy(dtype=bool)


_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})$")
#: A numeric day and month, maybe followed by a time of day.
_NUMERIC_LEAD = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?:$|[ T])")


def parse_dates(values, *, column: str, dayfirst: bool | None = None, by=None) -> pd.Series:
    """Dates of a text column, one rule for the whole column (NaT where not a date); with
    ``by`` (the file of each value), one rule for each file's part of the column, and
    its errors name the file.

    - ``YYYYMMDD`` (8 digits, as GDELT and some exports write them) is that day; any
      other bare number (a spreadsheet serial, a year) is not a date.
    - Numeric ``d/m/y`` or ``m/d/y`` (``/``, ``.`` or ``-``; two-digit years as
      pandas reads ``%y``) take one order for the whole column: the one its values
      prove (a first part over 12 means day first), or ``dayfirst``. A column whose
      values prove both orders, or neither (all parts 12 or less) without
      ``dayfirst``, is a ReadError naming the column and saying how to choose. A first
      part over 12 proves nothing when it may be a two-digit year (``24/01/17``: 24
      January 2017, or 17 January 2024 year first): a column that reads wholly year
      first too, with other days, is a ReadError until ``dayfirst`` says (as
      :func:`tension.read_events` refuses it; a reader has no year-first rule).
    - "today", "now" and the like are not dates (they would change with the run).
    - Dates with a month's name ("9-May-20", "21 March 2020") are read each as written:
      the name says which part is the month.
    - Anything else (ISO dates, dates with a time: "13/02/2020 00:00") is read as
      :func:`tension.read_events` reads a date column: ISO 8601 if every value is, else the one format that reads every value,
      in the day/month order ``dayfirst`` or the numeric dates gave; a value that does not
      match it is NaT. A column that reads both ways with different days is a ReadError.
      Dates with UTC offsets are converted to UTC (a TensionWarning says so); dates with
      and without offsets in one column are a ReadError.

    Examples
    --------
    >>> parse_dates(["13/02/2024", "01/02/2024", "20240117", "9-May-20", "45308"], column="d").tolist()
    [Timestamp('2024-02-13 00:00:00'), Timestamp('2024-02-01 00:00:00'), Timestamp('2024-01-17 00:00:00'), Timestamp('2020-05-09 00:00:00'), NaT]
    """
    from ._report import ReadError

    if by is not None:
        values = pd.Series(values, dtype=object)
        if not _rule_matters(values):  # (ISO dates, YYYYMMDD, month names: the same in every file)
            return parse_dates(values, column=column, dayfirst=dayfirst)
        groups, names = pd.factorize(np.asarray(by, dtype=object))
        out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
        order = np.argsort(groups, kind="stable")
        cuts = np.searchsorted(groups[order], np.arange(len(names) + 1))
        for k, name in enumerate(names):
            rows = order[cuts[k] : cuts[k + 1]]
            try:
                out.iloc[rows] = parse_dates(values.iloc[rows], column=column, dayfirst=dayfirst).to_numpy()
            except ReadError as err:
                raise ReadError(f"{name}: {err}") from None
        return out
    text = pd.Series(values, dtype=object).fillna("").astype(str).str.strip()
    codes, uniques = pd.factorize(text, use_na_sentinel=False)
    if len(uniques) < len(text):  # the rules read the distinct values (a date column has few), once each
        distinct = parse_dates(pd.Series(uniques, dtype=object), column=column, dayfirst=dayfirst)
        return pd.Series(distinct.to_numpy()[codes], index=text.index)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    parts = text.str.extract(_NUMERIC)
    numeric = parts[0].notna().to_numpy()
    # the day/month order is proved by every numeric date, those with a time of day too
    led = text.str.extract(_NUMERIC_LEAD)
    dated = led[0].notna().to_numpy()
    if dated.any():
        first, second = led.loc[dated, 0].astype(int), led.loc[dated, 1].astype(int)
        day_proof, month_proof = text[dated][first > 12], text[dated][second > 12]
        if dayfirst is None:
            if len(day_proof) and len(month_proof):
                raise ReadError(
                    f"column {column!r} mixes day-first dates ({day_proof.iat[0]!r}) and month-first dates "
                    f"({month_proof.iat[0]!r}); fix the file or split it"
                )
            year_first = _year_first_too(text[dated], led.loc[dated])
            if numeric.any() and not len(day_proof) and not len(month_proof):
                raise ReadError(
                    f"column {column!r}: dates such as {text[numeric].iat[0]!r} may be day/month or "
                    "month/day and no value says which; pass dayfirst=True or dayfirst=False"
                    + (f"; and {year_first}" if year_first else "")
                )
            if year_first and not len(month_proof):  # (as read_events: refused until dayfirst says)
                raise ReadError(f"column {column!r}: {year_first}")
            if len(day_proof) or len(month_proof):
                dayfirst = bool(len(day_proof))
    if numeric.any():
        first, second = parts.loc[numeric, 0].astype(int), parts.loc[numeric, 1].astype(int)
        day, month = (first, second) if dayfirst else (second, first)
        out[numeric] = _calendar_dates(parts.loc[numeric, 2], month, day).to_numpy()
    eight = text.str.fullmatch(r"\d{8}").to_numpy()
    if eight.any():
        out[eight] = pd.to_datetime(text[eight], format="%Y%m%d", errors="coerce").to_numpy()
    relative = text.str.lower().isin(_dates.RELATIVE).to_numpy()  # not a fixed day
    rest = ~numeric & ~eight & ~relative & ~text.str.fullmatch(r"[\d.]*").to_numpy()
    named = rest & text.str.contains(_MONTH_NAME, regex=True).to_numpy()
    if named.any():  # a month's name says which part is the month: each value as written
        out[named] = _named_months(text[named], column).to_numpy()
    rest &= ~named
    if rest.any():
        out[rest] = _one_format(text[rest], column, dayfirst).to_numpy()
    return out


def _calendar_dates(year: pd.Series, month, day) -> pd.Series:
    """Dates of numeric parts, NaT where they make none; ``year`` as written: four digits
    as they are, fewer as pandas reads ``%y`` (69-99 in the 1900s, the rest in the 2000s)."""
    number = year.astype(int)
    full = number.where(year.str.len() == 4, number + np.where(number >= 69, 1900, 2000))
    return pd.to_datetime(pd.DataFrame({"year": full, "month": month, "day": day}), errors="coerce")


def _year_first_too(text: pd.Series, parts: pd.DataFrame) -> str:
    """Numeric dates of two-digit years (``24/01/17``) that read wholly as year/month/day
    too, with other days than day first: a first part over 12 proves nothing when it may be
    the year. Then the ambiguity in words (one value, read both ways), else ``""``."""
    if not (parts[2].str.len() == 2).all():  # a four-digit year is last
        return ""
    month = parts[1].astype(int)
    year_first = _calendar_dates(parts[0], month, parts[2].astype(int))
    day_first = _calendar_dates(parts[2], month, parts[0].astype(int))
    # a value that is no date either way (damaged: '35/01/40') proves nothing; one that is a
    # date day first only ('13/01/00') proves the year last
    differ = (year_first.notna() & (year_first != day_first)).to_numpy()
    if (year_first.isna() & day_first.notna()).any() or not differ.any():
        return ""
    k = int(np.argmax(differ))
    example, sep = text.iat[k], re.findall(r"[/.\-]", text.iat[k])[0]
    day = "no date" if pd.isna(day_first.iat[k]) else f"{day_first.iat[k]:%Y-%m-%d}"
    return (
        f"dates such as {example!r} may have a two-digit year last or first ({day} day first, "
        f"{year_first.iat[k]:%Y-%m-%d} year first) and the whole column reads year first; pass dayfirst=True if "
        "the year is last, or if it is first write the dates as YYYY-MM-DD "
        f"(pandas.to_datetime(dates, format='%y{sep}%m{sep}%d')) and pass the frame"
    )


def _rule_matters(values: pd.Series) -> bool:
    """Whether a column's dates may read differently by file: numeric day/month dates, or
    other text that is not ISO 8601 or carries a UTC offset (each file takes its own rule
    for those). YYYYMMDD, month names and ISO dates read the same in every file."""
    text = pd.Series(pd.unique(values.fillna("").astype(str).str.strip().to_numpy()), dtype=object)
    if text.str.extract(_NUMERIC_LEAD)[0].notna().any():
        return True
    rest = text[~text.str.fullmatch(r"[\d.]*") & ~text.str.contains(_MONTH_NAME, regex=True)]
    rest = rest[~rest.str.lower().isin(_dates.RELATIVE)]
    if not len(rest):
        return False
    if rest.str.contains(_dates.HAS_ZONE, regex=True).any():
        return True
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return bool(pd.to_datetime(rest, format="ISO8601", errors="coerce").isna().any())


#: A month's name or its abbreviation, as a word.
_MONTH_NAME = r"(?i)(?<![a-z])(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?(?![a-z])"


def _named_months(text: pd.Series, column: str) -> pd.Series:
    """Dates written with a month's name ("9-May-20", "21 March 2020"), each read as
    written (no day/month order to choose), naive UTC."""
    import warnings

    from ..exceptions import TensionWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            parsed = pd.to_datetime(text, format="mixed", errors="coerce")
        except (ValueError, TypeError):  # with and without time zones
            parsed = pd.to_datetime(text, format="mixed", errors="coerce", utc=True)
    if getattr(parsed.dt, "tz", None) is not None:
        warnings.warn(f"dates in column {column!r} carry UTC offsets; converted to UTC", TensionWarning, stacklevel=4)
        parsed = parsed.dt.tz_convert(None)
    return parsed


def _one_format(text: pd.Series, column: str, dayfirst: bool | None) -> pd.Series:
    """Dates read by one format for the whole column (tension's date rule), naive UTC;
    NaT where a value does not match. The column-wide problems are ReadErrors."""
    import warnings

    from ..exceptions import TensionWarning
    from ._report import ReadError

    parsed, problems, converted = _dates.collect(text.reset_index(drop=True), dayfirst=dayfirst)
    for mask, message in problems:
        example = text.iloc[int(np.argmax(mask))]
        if message.startswith(_dates.AMBIGUOUS):
            raise ReadError(
                f"column {column!r}: dates such as {example!r} read as day/month and as month/day with different "
                "days; pass dayfirst=True or dayfirst=False"
            )
        if message.startswith(_dates.NAIVE_AMONG_ZONED):
            raise ReadError(
                f"column {column!r} mixes dates with a UTC offset and dates without one (such as {example!r}); "
                "give every date an offset or none"
            )
    if converted:
        warnings.warn(f"dates in column {column!r} carry UTC offsets; converted to UTC", TensionWarning, stacklevel=4)
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert(None)
    return pd.Series(parsed.to_numpy(), index=text.index)
