"""GDELT 1.0 and 2.0 event files to the event schema."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from ..countries import from_cameo
from ..taxonomy import _goldstein_table, cameo_to_kinds
from ._files import MAX_LINE_BYTES, _zip_member, open_binary, reading
from ._report import ReadError, ReadReport, check_errors, expand_paths, finish

__all__ = ["read_gdelt", "GDELT1_COLUMNS", "GDELT2_COLUMNS", "LAYOUTS"]

_ACTOR = [
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
]
_HEAD = (
    ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
    + [f"Actor1{a}" for a in _ACTOR]
    + [f"Actor2{a}" for a in _ACTOR]
    + [
        "IsRootEvent",
        "EventCode",
        "EventBaseCode",
        "EventRootCode",
        "QuadClass",
        "GoldsteinScale",
        "NumMentions",
        "NumSources",
        "NumArticles",
        "AvgTone",
    ]
)
_GEO1 = ["Type", "FullName", "CountryCode", "ADM1Code", "Lat", "Long", "FeatureID"]
_GEO2 = ["Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID"]

#: GDELT 1.0 daily-update layout (58 fields; the historical back-files have the first 57).
GDELT1_COLUMNS = (
    _HEAD + [f"{w}Geo_{g}" for w in ("Actor1", "Actor2", "Action") for g in _GEO1] + ["DATEADDED", "SOURCEURL"]
)
#: GDELT 2.0 Events export layout (61 fields).
GDELT2_COLUMNS = (
    _HEAD + [f"{w}Geo_{g}" for w in ("Actor1", "Actor2", "Action") for g in _GEO2] + ["DATEADDED", "SOURCEURL"]
)
#: Field count -> layout name.
LAYOUTS = {57: "1.0-historical", 58: "1.0-daily", 61: "2.0"}

_POS = {name: i for i, name in enumerate(_HEAD)}
_USE = [
    _POS[c]
    for c in (
        "GLOBALEVENTID",
        "SQLDATE",
        "Actor1Name",
        "Actor1CountryCode",
        "Actor2Name",
        "Actor2CountryCode",
        "IsRootEvent",
        "EventCode",
        "QuadClass",
        "GoldsteinScale",
        "NumMentions",
        "NumSources",
        "NumArticles",
        "AvgTone",
    )
] + [56, 57, 59, 60]
_WEIGHT_BY = {"mentions": "NumMentions", "sources": "NumSources", "articles": "NumArticles"}
_TRANSFORMS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "log": lambda n: 1.0 + np.log(n),
    "sqrt": np.sqrt,
    "linear": lambda n: n.astype(float),
}


def _size(path: str) -> int:
    """Bytes the stream of :func:`open_binary` will yield (compressed size for gzip)."""
    if path.lower().endswith(".zip"):
        try:
            with zipfile.ZipFile(path) as archive:
                return _zip_member(archive, path).file_size
        except zipfile.BadZipFile as err:
            raise ReadError(f"{path}: not a readable zip archive ({err})") from None
        except IsADirectoryError:
            raise ReadError(f"{path} is a directory, not a file; pass the files inside it (e.g. '{path}/*')") from None
    return Path(path).stat().st_size


def _chunks(handle, chunk_bytes: int, max_line: int):
    """Yield ``(block, consumed, overlong)``: byte blocks that end at a line end (the
    last may not), and, as ``(None, consumed, True)``, each line longer than
    ``max_line`` bytes, which is skipped without ever being held whole."""
    rest = b""
    skipping = False
    while True:
        block = handle.read(chunk_bytes)
        if not block:
            if skipping:
                yield None, len(rest), True
            elif rest:
                yield rest, len(rest), False
            return
        if skipping:
            cut = block.find(b"\n")
            if cut < 0:
                continue
            skipping = False
            yield None, cut + 1, True
            block = block[cut + 1 :]
        block = rest + block
        cut = block.rfind(b"\n")
        if cut < 0:
            rest = block
            if len(rest) > max_line:
                rest, skipping = b"", True
            continue
        rest = block[cut + 1 :]
        if len(rest) > max_line:
            rest, skipping = b"", True
        yield block[: cut + 1], cut + 1, False


def _count_non_utf8(block: bytes, starts, ends, path: str, first_line: int, report: ReadReport) -> None:
    """Note the lines whose bytes are not UTF-8 (their text fields get U+FFFD)."""
    try:
        block.decode("utf-8")
        return
    except UnicodeDecodeError:
        pass
    bad = [i for i, (a, b) in enumerate(zip(starts, ends, strict=True)) if not _is_utf8(block[a:b])]
    if bad:
        report.note(
            f"lines with bytes that are not UTF-8, replaced by U+FFFD in text fields (first {path}:"
            f"{first_line + bad[0] + 1})",
            len(bad),
        )


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _line_table(block: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start, end (exclusive, without newline) and field count of every line."""
    buf = np.frombuffer(block, dtype=np.uint8)
    newline = np.flatnonzero(buf == 10)
    if len(buf) and buf[-1] != 10:
        newline = np.append(newline, len(buf))
    starts = np.concatenate([[0], newline[:-1] + 1]).astype(np.int64)
    ends = newline.astype(np.int64)
    ends = np.where((ends > starts) & (buf[np.maximum(ends - 1, 0)] == 13), ends - 1, ends)  # CRLF
    nonempty = ends > starts
    fields = np.zeros(len(starts), dtype=np.int64)
    if nonempty.any():
        # tabs per line: a sum over each line's bytes (empty lines are left out, since
        # reduceat would return the byte at an empty segment's start)
        tabs = np.add.reduceat(buf == 9, starts[nonempty], dtype=np.int32)
        # reduceat runs to the next start: the newline and any CR in between are not tabs
        fields[nonempty] = tabs + 1
    return starts, ends, fields


def _select_lines(block: bytes, starts, ends, keep) -> bytes:
    """The kept lines of a block, newline-terminated, without a Python loop."""
    buf = np.frombuffer(block, dtype=np.uint8)
    lengths = ends - starts
    # mark each kept line's bytes through a difference array
    delta = np.zeros(len(buf) + 1, dtype=np.int64)
    np.add.at(delta, starts[keep], 1)
    np.add.at(delta, ends[keep], -1)
    mask = np.cumsum(delta[:-1]) > 0
    body = buf[mask]
    # re-insert a newline after each kept line
    cut = np.cumsum(lengths[keep])
    out = np.insert(body, cut, 10) if len(cut) else body
    return out.tobytes()


_FRAME_COLUMNS = [
    "gdelt_id",
    "sqldate",
    "source_code",
    "target_code",
    "source_actor",
    "target_actor",
    "is_root",
    "cameo",
    "quad_class",
    "goldstein",
    "num_mentions",
    "num_sources",
    "num_articles",
    "avg_tone",
    "date_added",
    "url",
    "layout",
    "file",
    "line",
]


def _parse_block(block, fields, starts, ends, ok, path, first_line):
    """The records of a block's well-formed lines, as strings, with file and line."""
    text = block if ok.all() else _select_lines(block, starts, ends, ok)
    nf = fields[ok]
    width = int(nf.max())
    frame = pd.read_csv(
        io.BytesIO(text),
        sep="\t",
        header=None,
        names=range(width),
        usecols=[c for c in _USE if c < width],
        dtype=str,
        quoting=csv.QUOTE_NONE,
        na_filter=False,
        encoding="utf-8",
        encoding_errors="replace",
        engine="c",
    )
    for column in _USE:
        if column >= width:
            frame[column] = ""
    v2 = pd.Series(nf == 61, index=frame.index)
    columns = {
        name: frame[_POS[field]]
        for name, field in (
            ("gdelt_id", "GLOBALEVENTID"),
            ("sqldate", "SQLDATE"),
            ("source_code", "Actor1CountryCode"),
            ("target_code", "Actor2CountryCode"),
            ("source_actor", "Actor1Name"),
            ("target_actor", "Actor2Name"),
            ("is_root", "IsRootEvent"),
            ("cameo", "EventCode"),
            ("quad_class", "QuadClass"),
            ("goldstein", "GoldsteinScale"),
            ("num_mentions", "NumMentions"),
            ("num_sources", "NumSources"),
            ("num_articles", "NumArticles"),
            ("avg_tone", "AvgTone"),
        )
    }
    columns["date_added"] = frame[59].where(v2, frame[56])
    columns["url"] = frame[60].where(v2, frame[57].where(pd.Series(nf == 58, index=frame.index), ""))
    out = pd.DataFrame(columns)
    out["layout"] = pd.Series(nf).map(LAYOUTS).to_numpy()
    out["file"] = path
    out["line"] = first_line + np.flatnonzero(ok) + 1
    return out


def _malformed(frame: pd.DataFrame, weight_by: str | None) -> np.ndarray:
    """Why each row is malformed ("" if it is not)."""
    why = np.full(len(frame), "", dtype=object)
    date = pd.to_datetime(frame["sqldate"], format="%Y%m%d", errors="coerce")
    code = frame["cameo"].astype(str)
    valid = {c: bool(re.fullmatch(r"\d{2,4}", c)) and 1 <= int(c[:2]) <= 20 for c in code.unique()}
    code_ok = code.map(valid).astype(bool)
    gold = pd.to_numeric(frame["goldstein"], errors="coerce")
    checks = [
        (date.isna(), "SQLDATE is not a YYYYMMDD date", "sqldate"),
        (~code_ok, "EventCode is not a CAMEO code", "cameo"),
        (~gold.between(-10, 10), "GoldsteinScale is not a number in [-10, 10]", "goldstein"),
    ]
    if weight_by:
        column = {"mentions": "num_mentions", "sources": "num_sources", "articles": "num_articles"}[weight_by]
        count = pd.to_numeric(frame[column], errors="coerce")
        checks.append((~(count >= 1), f"{_WEIGHT_BY[weight_by]} is not a count >= 1", column))
    for bad, message, column in reversed(checks):
        bad = bad.to_numpy(dtype=bool)
        why[bad] = [f"{message} ({v!r})" for v in frame.loc[bad, column]]
    return why


def read_gdelt(
    path_or_paths,
    *,
    version: str = "auto",
    root_only: bool = False,
    dedupe: str | None = None,
    weight_by: str | None = None,
    transform: str = "log",
    errors: str = "report",
    chunk_bytes: int = 32 * 2**20,
    max_line_bytes: int = MAX_LINE_BYTES,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Read GDELT event files into the event schema.

    Parameters
    ----------
    path_or_paths : str, path, glob pattern or list of them
        GDELT 1.0 historical back-files (57 tab-separated fields), 1.0 daily files (58)
        or 2.0 15-minute exports (61); headerless, plain, ``.zip`` or ``.gz``. The
        layout is detected line by line, so files that mix layouts read completely.
    version : {"auto", "1", "2"}
        ``"1"`` or ``"2"`` makes lines of the other version malformed.
    root_only : bool, default False
        Keep only records with ``IsRootEvent == 1`` (events of an article's lead).
    dedupe : {None, "event", "article"}
        GDELT repeats events heavily. ``"event"`` keeps one record per (day, source,
        target, CAMEO code); ``"article"`` one per (day, source, target, code,
        SOURCEURL). The record with the smallest GLOBALEVENTID is kept; ``records``
        counts what it stands for and the mention, source and article counts are summed.
    weight_by : {None, "mentions", "sources", "articles"}
        Multiply each weight by a function of ``NumMentions``, ``NumSources`` or
        ``NumArticles`` (after ``dedupe``).
    transform : {"log", "sqrt", "linear"}, default "log"
        That function: ``1 + ln(n)`` (1 for a single mention), ``sqrt(n)`` or ``n``.
    errors : {"report", "raise"}, default "report"
        Malformed lines (wrong field count, bad SQLDATE, bad EventCode, non-numeric
        GoldsteinScale) are skipped and reported with file and line number, or raise
        :class:`tension.io.ReadError` at the first.
    chunk_bytes : int [bytes], >= 1
        Bytes read at a time: memory stays bounded by the chunk, plus the longest line
        (at most ``max_line_bytes``), plus the kept events.
    max_line_bytes : int [bytes], >= 1, default 1 MiB
        A longer line (a damaged file, a file without newlines) is skipped and reported
        as malformed with its file and line, never held in memory whole. GDELT lines
        are under 3 kB.
    progress : bool, optional
        A progress bar on stderr; by default shown for inputs over 20 MB on a terminal.

    Returns
    -------
    pandas.DataFrame
        The event schema (see :func:`tension.read_events`), one row per kept record, in
        file and line order: ``date`` (SQLDATE), ``source``/``target`` (ISO 3166-1
        alpha-3 from Actor1/Actor2CountryCode), ``kind`` (:func:`tension.cameo_kinds`),
        ``cameo`` (EventCode), ``weight`` (``-GoldsteinScale``, times the ``weight_by``
        factor), ``url`` (SOURCEURL), ``description`` (the CAMEO description), plus
        ``gdelt_id``, ``source_actor``, ``target_actor``, ``is_root``, ``quad_class``,
        ``goldstein``, ``num_mentions``, ``num_sources``, ``num_articles``,
        ``avg_tone``, ``date_added``, ``layout``, ``file``, ``line`` (and ``records``
        with ``dedupe``). ``attrs["report"]`` is a :class:`tension.io.ReadReport`.

    Notes
    -----
    GDELT files are UTF-8; bytes that are not (in actor names or URLs) are replaced by
    U+FFFD and the lines counted in the report's notes, since they never touch a number.

    Only country-to-country records are kept: both actor country codes present, both
    countries, and different. CAMEO actor codes that differ from ISO are mapped
    (:data:`tension.countries.CAMEO_TO_ISO`, e.g. ``ROM`` -> ``ROU``); regional codes
    (``AFR``, ``EUR``, ``WST`` …) are skipped and counted, never silently dropped.

    References
    ----------
    Leetaru, K. and Schrodt, P. (2013). GDELT: Global Data on Events, Location and Tone.
    GDELT Event Codebooks 1.0 and 2.0, http://gdeltproject.org/.

    Examples
    --------
    >>> import tension as tn
    >>> from tension.io import read_gdelt
    >>> ev = read_gdelt(tn.datasets.path("gdelt2_20170101073000.export.CSV"))
    >>> print(ev.attrs["report"])
    read_gdelt: read 720 records from 1 file, kept 62, skipped 658
      no actor country: 617
      same country: 40
      regional actor code: 1 (EUR 1)
    >>> ev[["date", "source", "target", "kind", "weight"]].head(2)
            date source target    kind  weight
    0 2017-01-01    BOL    USA  coerce     5.0
    1 2017-01-01    BOL    USA  coerce     5.0
    """
    if version not in ("auto", "1", "2"):
        raise ValueError(f"version must be 'auto', '1' or '2', not {version!r}")
    if dedupe not in (None, "event", "article"):
        raise ValueError(f"dedupe must be None, 'event' or 'article', not {dedupe!r}")
    if weight_by not in (None, *_WEIGHT_BY):
        raise ValueError(f"weight_by must be None or one of {sorted(_WEIGHT_BY)}, not {weight_by!r}")
    if transform not in _TRANSFORMS:
        raise ValueError(f"transform must be one of {sorted(_TRANSFORMS)}, not {transform!r}")
    for name, value in (("chunk_bytes", chunk_bytes), ("max_line_bytes", max_line_bytes)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise ValueError(f"{name} must be a whole number of bytes >= 1, not {value!r}")
    check_errors(errors)
    allowed = {"auto": (57, 58, 61), "1": (57, 58), "2": (61,)}[version]
    files = expand_paths(path_or_paths)
    report = ReadReport("read_gdelt", files)
    parts = []
    from tqdm import tqdm

    total = sum(_size(f) for f in files)
    show = progress if progress is not None else (None if total > 20 * 2**20 else False)
    with tqdm(total=total or None, unit="B", unit_scale=True, desc="read_gdelt", disable=show is False) as bar:
        for path in files:
            line_no = 0
            with open_binary(path) as handle, reading(path, lambda: line_no):  # noqa: B023  (live count, read on error)
                for block, consumed, overlong in _chunks(handle, chunk_bytes, max_line_bytes):
                    bar.update(consumed)
                    if overlong:
                        line_no += 1
                        report.rows += 1
                        report.skipped["malformed"] = report.skipped.get("malformed", 0) + 1
                        report.problem(
                            f"{path}:{line_no}: line longer than {max_line_bytes} bytes (no line end?); skipped", errors
                        )
                        continue
                    starts, ends, fields = _line_table(block)
                    blank = fields == 0
                    ok = np.isin(fields, allowed)
                    bad = ~ok & ~blank
                    report.rows += int((~blank).sum())
                    for i in np.flatnonzero(bad)[: 1000 if errors == "report" else 1]:
                        expected = " or ".join(map(str, allowed))
                        report.problem(
                            f"{path}:{line_no + i + 1}: expected {expected} tab-separated fields, found {fields[i]}",
                            errors,
                        )
                    if bad.any():
                        report.skipped["malformed"] = report.skipped.get("malformed", 0) + int(bad.sum())
                    if ok.any():
                        parts.append(_parse_block(block, fields, starts, ends, ok, path, line_no))
                        _count_non_utf8(block, starts, ends, path, line_no, report)
                    line_no += len(fields)
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=_FRAME_COLUMNS, dtype=object)
    why = _malformed(frame, weight_by)
    for i in np.flatnonzero(why != ""):
        report.problem(f"{frame['file'].iat[i]}:{frame['line'].iat[i]}: {why[i]}", errors)
    source, source_why = from_cameo(frame["source_code"])
    target, target_why = from_cameo(frame["target_code"])
    actor_why = np.where(source_why != "", source_why, target_why)
    actor_code = np.where(source_why != "", frame["source_code"], frame["target_code"])
    reason = np.where(why != "", "malformed", actor_why)
    reason = np.where((reason == "") & (source == target), "same country", reason)
    if root_only:
        reason = np.where((reason == "") & (frame["is_root"].to_numpy() != "1"), "not a root event", reason)
    report.skip(reason.astype(object), actor_code.astype(object), detail={"regional actor code", "unknown actor code"})
    keep = reason == ""
    kept = frame.loc[keep].copy()
    kept["source"], kept["target"] = source[keep], target[keep]
    for column in ("goldstein", "avg_tone"):
        kept[column] = pd.to_numeric(kept[column])
    for column in ("num_mentions", "num_sources", "num_articles", "quad_class", "is_root"):
        kept[column] = pd.to_numeric(kept[column], errors="coerce").astype("Int64")
    table = _goldstein_table()
    lookup = {c: table.get(c, table.get(c[:3], table.get(c[:2]))) for c in kept["cameo"].unique()}
    differs = kept["goldstein"].to_numpy() != kept["cameo"].map(lookup).to_numpy(dtype=float)
    report.note("GoldsteinScale differs from the lookup table for its EventCode (file value used)", int(differs.sum()))
    if dedupe:
        keys = ["sqldate", "source", "target", "cameo"] + (["url"] if dedupe == "article" else [])
        kept["_id"] = pd.to_numeric(kept["gdelt_id"], errors="coerce")
        kept = kept.sort_values(["_id", "file", "line"], kind="stable")
        grouped = kept.groupby(keys, sort=False)
        sums = grouped[["num_mentions", "num_sources", "num_articles"]].transform("sum")
        kept[["num_mentions", "num_sources", "num_articles"]] = sums
        kept["records"] = grouped["gdelt_id"].transform("size")
        duplicate = kept.duplicated(keys, keep="first").to_numpy()
        report.skip(np.where(duplicate, f"duplicate (dedupe={dedupe!r})", "").astype(object))
        kept = kept.loc[~duplicate].sort_values(["file", "line"], kind="stable").drop(columns="_id")
    weight = -kept["goldstein"].to_numpy(dtype=float)
    if weight_by:
        counts = kept[{"mentions": "num_mentions", "sources": "num_sources", "articles": "num_articles"}[weight_by]]
        weight = weight * _TRANSFORMS[transform](counts.to_numpy(dtype=float))
    from ..taxonomy import _cameo_descriptions

    descriptions = _cameo_descriptions()
    out = pd.DataFrame(
        {
            "date": pd.to_datetime(kept["sqldate"], format="%Y%m%d"),
            "source": kept["source"],
            "target": kept["target"],
            "kind": cameo_to_kinds(kept["cameo"]),
            "weight": weight,
            "cameo": kept["cameo"],
            "description": kept["cameo"].map(
                {c: descriptions.get(c, descriptions.get(c[:3], "")) for c in kept["cameo"].unique()}
            ),
            "url": kept["url"].replace("", pd.NA),
        }
    )
    extra = [
        "gdelt_id",
        "source_actor",
        "target_actor",
        "is_root",
        "quad_class",
        "goldstein",
        "num_mentions",
        "num_sources",
        "num_articles",
        "avg_tone",
        "date_added",
        "layout",
        "file",
        "line",
    ]
    if dedupe:
        extra.append("records")
    out = pd.concat([out, kept[extra]], axis=1)
    return finish(out, report, errors=errors)
