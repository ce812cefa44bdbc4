"""ICEWS coded event data (Dataverse tab-separated files) to the event schema."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..countries import from_name
from ..taxonomy import cameo_to_kinds
from ._report import ReadReport, check_errors, finish
from ._tables import add_problems, cameo_codes, load_tables, parse_dates

__all__ = ["read_icews", "ICEWS_COLUMNS"]

#: The columns read_icews needs (ICEWS also has Source/Target Name and Sectors, Story
#: ID, Publisher, City, … which are kept when present).
ICEWS_COLUMNS = ("Event Date", "Source Country", "Target Country", "CAMEO Code", "Intensity")
_EXTRA = {
    "Event ID": "icews_id",
    "Source Name": "source_actor",
    "Target Name": "target_actor",
    "Story ID": "story_id",
    "Sentence Number": "sentence",
    "Publisher": "publisher",
}


def _canonical(name: str) -> str:
    known = {c.lower(): c for c in (*ICEWS_COLUMNS, *_EXTRA, "Event Text")}
    return known.get(" ".join(name.split()).lower(), name)


def read_icews(
    path_or_paths, *, errors: str = "report", encoding: str = "utf-8", dayfirst: bool | None = None
) -> pd.DataFrame:
    """Read ICEWS event files into the event schema.

    Parameters
    ----------
    path_or_paths : str, path, glob pattern, list of them, or DataFrame
        ICEWS tab-separated files with a header (``Event ID``, ``Event Date``,
        ``Source Name``, ``Source Sectors``, ``Source Country``, ``Event Text``,
        ``CAMEO Code``, ``Intensity``, ``Target Name``, …; names matched ignoring
        case), plain, ``.gz`` or a one-file ``.zip``.
    errors : {"report", "raise"}, default "report"
        Malformed rows (too few or too many fields, a line over 1 MiB, bad date, CAMEO
        code or Intensity) are skipped and reported with file and line, or raise
        :class:`tension.io.ReadError` at the first.
    encoding : str, default "utf-8"
        The files' text encoding. A byte that is not valid in it is a
        :class:`tension.io.ReadError` naming file and line (never replaced silently).

    dayfirst : bool, optional
        For numeric dates such as ``01/02/2018`` (a spreadsheet re-save): the order of
        day and month, for each file's whole column. By default the values decide (a
        part over 12 is the day, unless it may be a two-digit year first: ``24/01/17``);
        a column they do not decide is an error asking for this. A reader has no
        year-first rule: write such dates as YYYY-MM-DD. ISO dates need nothing.
    Returns
    -------
    pandas.DataFrame
        The event schema, one row per kept record: ``source``/``target`` from the
        country names (pycountry plus :data:`tension.countries.NAME_ALIASES`), ``kind``
        from the CAMEO code, ``weight = -Intensity`` (ICEWS's Intensity is on the
        Goldstein scale, negative = hostile), ``description`` (Event Text), plus
        ``icews_id``, ``source_actor``, ``target_actor``, ``story_id``, ``sentence``,
        ``publisher``, ``intensity``, ``file``, ``line`` where present.
        ``attrs["report"]`` is a :class:`tension.io.ReadReport`.

    Notes
    -----
    Skipped and counted: rows without a source or target country (``NA``), with a
    country name that is not known, or with the same country on both sides. ICEWS writes
    CAMEO codes of 3 or 4 digits; codes that lost their leading zero in a spreadsheet or
    in ``pandas.read_csv`` (``43`` for ``043``, ``10`` for ``010``, not the root code 10)
    are restored and counted in the report's notes.

    Examples
    --------
    >>> import io, pandas as pd
    >>> from tension.io import read_icews
    >>> raw = pd.DataFrame({"Event Date": ["2018-06-01"], "Source Country": ["India"],
    ...     "Target Country": ["Pakistan"], "CAMEO Code": ["030"], "Intensity": ["4"]})
    >>> read_icews(raw)[["date", "source", "target", "kind", "weight"]]
            date source target                kind  weight
    0 2018-06-01    IND    PAK  pledge_cooperation    -4.0
    """
    check_errors(errors)
    if dayfirst is not None and not isinstance(dayfirst, bool):
        raise TypeError(f"dayfirst must be True, False or None, not {dayfirst!r}")
    files, frame, problems = load_tables(
        path_or_paths, sep="\t", required=ICEWS_COLUMNS, what="an ICEWS table", encoding=encoding, canonical=_canonical
    )
    report = ReadReport("read_icews", files, rows=len(frame))
    add_problems(report, problems, errors)
    date = parse_dates(frame["Event Date"], column="Event Date", dayfirst=dayfirst, by=frame["file"])
    code, restored = cameo_codes(frame["CAMEO Code"])
    intensity = pd.to_numeric(frame["Intensity"], errors="coerce").astype(float)  # (float when empty too)
    why = np.full(len(frame), "", dtype=object)
    for bad, message, column in reversed(
        [
            (date.isna(), "Event Date is not a date", "Event Date"),
            (code.isna(), "CAMEO Code is not a CAMEO code", "CAMEO Code"),
            (~intensity.between(-10, 10), "Intensity is not a number in [-10, 10]", "Intensity"),
        ]
    ):
        bad = bad.to_numpy(dtype=bool)
        why[bad] = [f"{message} ({v!r})" for v in frame.loc[bad, column]]
    for i in np.flatnonzero(why != ""):
        report.problem(f"{frame['file'].iat[i]}:{frame['line'].iat[i]}: {why[i]}", errors)
    source = from_name(frame["Source Country"])
    target = from_name(frame["Target Country"])
    reason = np.where(why != "", "malformed", "")
    reason = np.where((reason == "") & ((source == "") | (target == "")), "no country", reason)
    unknown = (reason == "") & ((source == "?") | (target == "?"))
    reason = np.where(unknown, "unknown country name", reason)
    reason = np.where((reason == "") & (source == target), "same country", reason)
    report.skip(reason.astype(object))
    for side, names in ((source, frame["Source Country"]), (target, frame["Target Country"])):
        picked = names.to_numpy(dtype=object)[unknown & (side == "?")]
        bucket = report.details.setdefault("unknown country name", {}) if len(picked) else {}
        for name, n in pd.Series(picked).value_counts(sort=False).items():
            bucket[name] = bucket.get(name, 0) + int(n)
    keep = reason == ""
    report.note("CAMEO Code missing its leading zero, restored", int((restored & keep).sum()))
    kept = frame.loc[keep]
    out = pd.DataFrame(
        {
            "date": date[keep],
            "source": source[keep],
            "target": target[keep],
            "kind": cameo_to_kinds(code[keep].astype(object)),
            "weight": -intensity[keep],
            "cameo": code[keep],
            "description": kept["Event Text"] if "Event Text" in kept else pd.NA,
        }
    )
    for column, name in _EXTRA.items():
        if column in kept:
            out[name] = kept[column]
    out["intensity"] = intensity[keep]
    out["file"], out["line"] = kept["file"], kept["line"]
    return finish(out, report, errors=errors)
