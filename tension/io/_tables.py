"""Helpers shared by the readers of tabular sources."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd

from ..taxonomy import goldstein

__all__ = ["read_table", "load_tables", "cameo_codes"]


def read_table(path: str, *, sep: str) -> pd.DataFrame:
    """A delimited file as strings, with ``file`` and ``line`` (or ``row``) columns.

    Tab-separated files are read without quoting, so ``line`` is the physical line (the
    header is line 1). Comma-separated files may quote fields across lines; for them
    ``line`` is the data row number plus one, which equals the line where no field
    spans lines.
    """
    frame = pd.read_csv(
        path,
        sep=sep,
        dtype=str,
        keep_default_na=False,
        quoting=csv.QUOTE_NONE if sep == "\t" else csv.QUOTE_MINIMAL,
        encoding="utf-8",
        encoding_errors="replace",
    )
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.assign(file=str(path), line=np.arange(len(frame)) + 2)


def load_tables(source, *, sep: str, required, what: str) -> tuple[list[str], pd.DataFrame]:
    """Files (a path, glob or list) or a DataFrame as one string table with ``file`` and
    ``line``; a missing required column is an error naming it."""
    from ._report import expand_paths

    if isinstance(source, pd.DataFrame):
        files = ["<DataFrame>"]
        frame = source.fillna("").astype(str).assign(file="<DataFrame>", line=np.arange(len(source)) + 2)
    else:
        files = expand_paths(source)
        frame = pd.concat([read_table(f, sep=sep) for f in files], ignore_index=True)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValueError(f"not {what}: missing columns {missing}; found {list(frame.columns)[:12]}")
    return files, frame


def _valid(code: str) -> bool:
    if not (code.isdigit() and 2 <= len(code) <= 4 and 1 <= int(code[:2]) <= 20):
        return False
    try:
        goldstein(code)
    except ValueError:
        return False
    return True


def cameo_codes(values) -> tuple[pd.Series, np.ndarray]:
    """CAMEO codes as strings, restoring a leading zero lost in a spreadsheet.

    Returns the codes (NA where not a CAMEO code) and a mask of restored ones.

    Examples
    --------
    >>> codes, restored = cameo_codes(["043", "43", "311", "190", "x", "43.0"])
    >>> codes.tolist(), restored.tolist()
    (['043', '043', '0311', '190', <NA>, '043'], [False, True, True, False, False, True])
    """
    text = pd.Series(values, dtype=object).fillna("").astype(str).str.strip().str.replace(r"\.0$", "", regex=True)
    mapping, fixed = {}, {}
    for code in text.unique():
        if _valid(code):
            mapping[code], fixed[code] = code, False
        elif _valid("0" + code):
            mapping[code], fixed[code] = "0" + code, True
        else:
            mapping[code], fixed[code] = pd.NA, False
    return text.map(mapping).astype("string"), text.map(fixed).to_numpy(dtype=bool)
