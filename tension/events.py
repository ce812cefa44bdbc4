"""The event schema: reading, validating and normalising events (DESIGN section 2)."""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from . import _columns
from .countries import country_codes
from .exceptions import ROWS_SHOWN, EventError, Problem, TensionWarning
from .taxonomy import resolve_weights

__all__ = ["EventError", "TensionWarning", "read_events", "REQUIRED", "OPTIONAL"]

#: Required columns of the event schema.
REQUIRED = ("date", "source", "target", "kind")
#: Optional columns, in the order of the normalised frame.
OPTIONAL = ("killed", "injured", "confidence", "weight", "cameo", "description", "evidence", "url")

_SHOW = ROWS_SHOWN  # rows listed per problem before "and N more"


def _flag(problems: list, mask: np.ndarray, labels, column: str, message) -> None:
    """A problem for the rows where ``mask`` is set; ``message(rows)`` writes its text."""
    if mask.any():
        rows = _labels(mask, labels)
        problems.append(Problem(column, rows, message(rows)))


def _values(series: pd.Series, rows) -> str:
    shown = [repr(v) for v in series.loc[list(rows[:_SHOW])].tolist()]
    return ", ".join(shown) + (", ..." if len(rows) > _SHOW else "")


def _labels(mask: np.ndarray, labels: np.ndarray) -> tuple:
    return tuple(labels[np.flatnonzero(mask)].tolist())


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
        sep = "\t" if name.endswith((".tsv", ".tsv.gz", ".tab")) else ","
        frame = pd.read_csv(path, sep=sep, dtype={"cameo": str}, keep_default_na=True)
    return frame, str(path)


def _parse_dates(raw: pd.Series, labels, problems) -> pd.Series:
    if isinstance(raw.dtype, pd.DatetimeTZDtype):
        if str(raw.dtype.tz) != "UTC":
            warnings.warn(
                f"dates in column 'date' are in time zone {raw.dtype.tz}; converted to UTC",
                TensionWarning,
                stacklevel=4,
            )
        parsed = raw.dt.tz_convert("UTC")
    elif pd.api.types.is_datetime64_dtype(raw.dtype):
        parsed = raw
    else:
        text = raw.where(raw.notna(), None)
        try:
            parsed = pd.to_datetime(text, errors="coerce", format="mixed")
        except (ValueError, TypeError):  # several UTC offsets in one column
            parsed = pd.to_datetime(text, errors="coerce", format="mixed", utc=True)
            warnings.warn(
                "dates in column 'date' carry different time zones; all converted to UTC "
                "(dates without a time zone are taken as UTC)",
                TensionWarning,
                stacklevel=4,
            )
        if isinstance(parsed.dtype, pd.DatetimeTZDtype) and str(parsed.dtype.tz) != "UTC":
            warnings.warn(
                f"dates in column 'date' are in time zone {parsed.dtype.tz}; converted to UTC",
                TensionWarning,
                stacklevel=4,
            )
            parsed = parsed.dt.tz_convert("UTC")
    bad = parsed.isna().to_numpy()
    _flag(problems, bad, labels, "date",
          lambda rows: f"missing or unparsable date ({_values(raw, rows)}); write dates as YYYY-MM-DD or an ISO 8601 "
                       "timestamp")  # fmt: skip
    return parsed.dt.as_unit("ns")


def _normalised(raw: pd.Series, clean, allowed) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Clean and check the distinct values once, then spread back to the rows.

    Returns the cleaned value, a missing mask and an unknown mask per row; the cost of
    cleaning and checking follows the number of distinct values, not of rows.
    """
    codes, uniques = _columns.text_codes(raw)  # pd.factorize, fast on millions of rows
    cleaned = [clean(str(u)) for u in uniques]
    ok = np.asarray([c in allowed for c in cleaned] + [True], dtype=bool)
    empty = np.asarray([c == "" for c in cleaned] + [True], dtype=bool)
    values = np.asarray(cleaned + [""], dtype=object)
    return values[codes], empty[codes], ~ok[codes]


def _country_column(frame, column, labels, problems) -> pd.Series:
    raw = frame[column]
    values, missing, unknown = _normalised(raw, lambda v: v.strip().upper(), country_codes())
    _flag(problems, missing, labels, column, lambda rows: "missing country code")
    unknown &= ~missing
    _flag(problems, unknown, labels, column,
          lambda rows: f"not an ISO 3166-1 alpha-3 country code ({_values(raw, rows)}); use codes such as 'PAK', "
                       "'IRN' (see pycountry.countries; former codes such as 'SUN' and 'XKX' for Kosovo are "
                       "accepted too)")  # fmt: skip
    return pd.Series(values, index=frame.index, dtype=object, copy=False)


def _numeric(raw: pd.Series, column, labels, problems) -> pd.Series:
    """Numbers of a column (NaN for empty cells); non-numbers become a problem."""
    number = pd.to_numeric(raw, errors="coerce")
    not_number = number.isna().to_numpy() & ~raw.isna().to_numpy()
    _flag(problems, not_number, labels, column, lambda rows: f"not a number ({_values(raw, rows)})")
    return number


def _count_column(frame, column, labels, problems) -> pd.Series:
    if column not in frame:
        return pd.Series(0, index=frame.index, dtype="int64")
    raw = frame[column]
    values = _numeric(raw, column, labels, problems).to_numpy(dtype=float, na_value=0.0)
    negative = values < 0
    _flag(problems, negative, labels, column, lambda rows: f"negative count ({_values(raw, rows)}); casualties are ≥ 0")
    not_whole = ~np.isfinite(values) | (values != np.round(values))
    _flag(problems, not_whole, labels, column,
          lambda rows: f"not a whole number ({_values(raw, rows)}); code 'at least N' as N")  # fmt: skip
    values = np.where(np.isfinite(values), values, 0.0)
    return pd.Series(values.astype("int64"), index=frame.index, copy=False)


def _float_column(frame, column, default, labels, problems) -> pd.Series:
    if column not in frame:
        return pd.Series(default, index=frame.index, dtype="float64")
    number = _numeric(frame[column], column, labels, problems)
    return pd.Series(number.to_numpy(dtype=float, na_value=np.nan), index=frame.index).fillna(default)


def _cameo_column(frame, labels, problems) -> pd.Series:
    if "cameo" not in frame:
        return _columns.missing_text(frame.index)
    raw = frame["cameo"]
    if pd.api.types.is_numeric_dtype(raw.dtype):
        problems.append(
            Problem(
                "cameo",
                (),
                "holds numbers; CAMEO codes are strings with leading zeros ('036', not 36): "
                "read the column as text, e.g. pd.read_csv(..., dtype={'cameo': str})",
            )
        )
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    text = raw.astype("string").str.strip()
    text = text.mask(text == "")
    bad = (text.notna() & ~text.fillna("").str.fullmatch(r"\d{2,4}")).to_numpy(dtype=bool)
    _flag(problems, bad, labels, "cameo", lambda rows: f"not a CAMEO event code of 2-4 digits ({_values(raw, rows)})")
    return text


def read_events(
    source,
    *,
    weights: Mapping[str, float] | pd.DataFrame | None = None,
    duplicates: str = "warn",
) -> pd.DataFrame:
    """Read, validate and normalise events.

    Parameters
    ----------
    source : str, path or pandas.DataFrame
        A CSV file (``.csv``, ``.tsv``, optionally compressed), a Parquet file
        (``.parquet``, needs pyarrow) or a DataFrame. The input is never modified.
    weights : mapping kind -> float, DataFrame or None
        The user's own kinds and weights (see :func:`tension.kinds`). A kind must be a
        default kind or a key of ``weights``.
    duplicates : {"warn", "keep", "raise"}, default "warn"
        Identical rows are kept (they may be separate events reported alike);
        ``"warn"`` names them in a :class:`TensionWarning`, ``"raise"`` makes them an
        error, ``"keep"`` says nothing.

    Returns
    -------
    pandas.DataFrame
        Same rows, same index, same order as the input, with columns ``date``
        (datetime64[ns]; UTC-aware if any input date had a time zone), ``source``,
        ``target`` (upper-case ISO 3166-1 alpha-3; former ISO 3166-3 codes such as
        ``SUN`` and ``YUG`` and ``XKX`` for Kosovo are accepted), ``kind``, ``killed``, ``injured``
        (int, empty cells count 0), ``confidence`` (float in (0, 1], empty = 1),
        ``weight`` (float, NaN = derive from kind), ``cameo`` (string or NA),
        ``description``, ``evidence``, ``url`` (string or NA), followed by any other
        columns of the input unchanged.

    Raises
    ------
    EventError
        Listing every problem with its column and rows (index labels): a missing required
        column; a missing or unparsable date; a country code that is not ISO 3166-1
        alpha-3; ``source == target``; an unknown kind; negative, fractional or
        non-numeric casualties; confidence outside (0, 1]; a non-finite weight; a
        malformed CAMEO code.

    Warns
    -----
    TensionWarning
        When dates are converted to UTC, and for duplicated rows (``duplicates="warn"``).

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
    frame, where = _load(source)
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise EventError(
            [
                Problem(
                    c,
                    (),
                    f"required column is missing (columns present: {list(map(str, frame.columns))}); "
                    f"the schema needs {list(REQUIRED)}",
                )
                for c in missing
            ],
            where,
        )
    labels = frame.index.to_numpy() if frame.index.is_unique else np.arange(len(frame))
    problems: list[Problem] = []
    out = pd.DataFrame(index=frame.index)
    out["date"] = _parse_dates(frame["date"], labels, problems)
    out["source"] = _country_column(frame, "source", labels, problems)
    out["target"] = _country_column(frame, "target", labels, problems)
    same = _columns.equal_text(out["source"], out["target"], unless="")
    _flag(
        problems,
        same,
        labels,
        "target",
        lambda rows: f"target equals source ({_values(out['source'], rows)}); a dyad needs two countries",
    )
    known = resolve_weights(weights)
    kind, kind_missing, unknown = _normalised(frame["kind"], str.strip, known)
    unknown |= kind_missing
    if unknown.any():
        rows = _labels(unknown, labels)
        names = sorted({str(v) for v in frame["kind"].loc[list(rows)].tolist()})
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
    out["kind"] = pd.Series(kind, index=frame.index, dtype=object, copy=False)
    out["killed"] = _count_column(frame, "killed", labels, problems)
    out["injured"] = _count_column(frame, "injured", labels, problems)
    out["confidence"] = _float_column(frame, "confidence", 1.0, labels, problems)
    conf = out["confidence"].to_numpy()
    bad_conf = ~((conf > 0) & (conf <= 1))
    _flag(
        problems, bad_conf, labels, "confidence", lambda rows: f"outside (0, 1] ({_values(frame['confidence'], rows)})"
    )
    out["weight"] = _float_column(frame, "weight", np.nan, labels, problems)
    if "weight" in frame:
        w = out["weight"].to_numpy()
        bad_w = np.isinf(w)
        _flag(
            problems,
            bad_w,
            labels,
            "weight",
            lambda rows: f"not finite ({_values(frame['weight'], rows)}); leave it empty to use the kind's weight",
        )
    out["cameo"] = _cameo_column(frame, labels, problems)
    for column in ("description", "evidence", "url"):
        out[column] = frame[column].astype("string") if column in frame else _columns.missing_text(frame.index)
    if problems:
        raise EventError(problems, where)
    for column in frame.columns:
        if column not in out.columns:
            out[column] = frame[column]
    if duplicates != "keep" and len(out):
        core = [c for c in (*REQUIRED, *OPTIONAL) if c in out.columns]
        dup = out.duplicated(subset=core, keep=False).to_numpy()
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
    return _columns.mark(out, known)  # scoring this frame will not validate it again
