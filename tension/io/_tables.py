"""Helpers shared by the readers of tabular sources."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..taxonomy import goldstein

__all__ = ["load_tables", "add_problems", "cameo_codes"]


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
    if canonical is not None:
        renamed = []
        for frame in frames:
            names = {c: canonical(c) for c in frame.columns if c not in ("file", "line")}
            frame = frame.rename(columns=names)
            if frame.columns.duplicated().any():
                twice = sorted(set(frame.columns[frame.columns.duplicated()]))
                raise ValueError(f"{frame['file'].iat[0] if len(frame) else files[0]}: columns {twice} appear twice "
                                 "(names are matched ignoring case); rename one")
            renamed.append(frame)
        frames = renamed
    for f, frame in zip(files, frames, strict=True):
        missing = [c for c in required if c not in frame.columns]
        if missing:
            found = [c for c in frame.columns if c not in ("file", "line")]
            raise ValueError(f"{f}: not {what}: missing columns {missing}; found {found[:12]}")
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
