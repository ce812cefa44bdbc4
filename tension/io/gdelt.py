"""GDELT 1.0 and 2.0 event files to the event schema: :func:`read_gdelt` and its options
(version, root_only, dedupe, weight_by). Blocks of lines are parsed by pyarrow
(``_gdelt_arrow.py``) or, when a line is bad, byte by byte (``_gdelt_lines.py``); the
checks of each record are in ``_gdelt_rows.py``."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .._columns import string_buffers
from ..taxonomy import cameo_descriptions, cameo_to_kinds, goldstein_table
from ._files import MAX_LINE_BYTES, open_binary, reading
from ._gdelt_arrow import ahead, parse
from ._gdelt_lines import (
    FRAME_COLUMNS,
    GDELT1_COLUMNS,
    GDELT2_COLUMNS,
    LAYOUTS,
    Span,
    chunks,
    line_table,
    non_utf8_lines,
    note_non_utf8,
    parse_block,
    stream_size,
)
from ._gdelt_rows import COUNT_COLUMNS, Tally, checked_columns, classify, encode
from ._report import ReadReport, check_errors, expand_paths, finish

__all__ = ["read_gdelt", "GDELT1_COLUMNS", "GDELT2_COLUMNS", "LAYOUTS"]

_STEP = 8 << 20  #: bytes parsed at a time by pyarrow, at most about [bytes]
#: Bytes of the pieces a block with a bad line is cut into, and of the least piece parsed alone [bytes]
_PIECE = 1 << 20
#: The kept records of a block, as strings with the file and line.
_SCHEMA = pa.schema([(c, pa.string()) for c in FRAME_COLUMNS[:-1]] + [("line", pa.int64())])
_TRANSFORMS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "log": lambda n: 1.0 + np.log(n),
    "sqrt": np.sqrt,
    "linear": lambda n: n.astype(float),
}


def _smaller(blocks):
    """The blocks of :func:`chunks`, those over 2 MiB cut at line ends into pieces of
    about a quarter of the block, at least 1 MiB and at most 8 MiB (the last piece may be
    shorter): pyarrow parses each piece in one thread, and several are parsed at once (see
    :func:`ahead`); the first is checked sooner, and the last sooner after the file is
    parsed."""
    for span, consumed, overlong in blocks:
        if span is None or len(span) <= 2 * _PIECE:
            yield span, consumed, overlong
        else:
            size = min(_STEP, max(_PIECE, len(span) // 4))
            yield from ((piece, len(piece), False) for piece in span.pieces(size))


def _numeric(column: pd.Series, **options) -> pd.Series:
    """``pd.to_numeric(column, **options)``, computed once per distinct value."""
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    values = pd.to_numeric(pd.Series(uniques, dtype=column.dtype), **options)
    return pd.Series(values.take(codes).array, index=column.index)


#: Number columns -> their type, parsed by pyarrow when every value is plainly written (see
#: :func:`_parse`); otherwise by pandas.
_NUMBERS = {
    "goldstein": pa.float64(),
    "avg_tone": pa.float64(),
    **{c: pa.int64() for c in ("num_mentions", "num_sources", "num_articles", "quad_class", "is_root")},
}
#: Bytes a plainly written number may hold: digits and signs, and for a float the point and
#: the exponent's ``e``. (pyarrow also reads ``0x10``, ``-nan`` or ``nan(1)``, which pandas
#: does not, so those go the pandas way.)
_PLAIN = {
    False: np.isin(np.arange(256), np.frombuffer(b"0123456789+-", np.uint8)),
    True: np.isin(np.arange(256), np.frombuffer(b"0123456789+-.eE", np.uint8)),
}


def _parse(column: pa.ChunkedArray, kind: pa.DataType) -> pa.ChunkedArray | None:
    """``column`` (text) as numbers of type ``kind`` when every value is a plainly written
    number that pyarrow reads (and, for integers, below 2**53 in size): then the numbers
    are those of ``pandas.to_numeric``. None otherwise (an empty field, a float count, a
    value with spaces, ``inf`` …): the caller then parses the column with pandas."""
    plain = _PLAIN[pa.types.is_floating(kind)]
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return None
    for chunk in column.chunks:
        if chunk.null_count:
            return None
        if not len(chunk):
            continue
        offsets, data = string_buffers(chunk)
        if not plain[np.frombuffer(data or b"", dtype=np.uint8)[offsets[0] : offsets[-1]]].all():
            return None
    try:
        numbers = pc.cast(column, kind)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if pa.types.is_integer(kind) and len(numbers) and pc.max(pc.abs(numbers)).as_py() >= 2**53:
        return None
    return numbers


#: Frame column -> its GDELT field, as the report names it.
_FIELD_NAMES = {
    "avg_tone": "AvgTone",
    "num_mentions": "NumMentions",
    "num_sources": "NumSources",
    "num_articles": "NumArticles",
    "quad_class": "QuadClass",
    "is_root": "IsRootEvent",
}


def _missing_unless_number(kept: pd.DataFrame, column: str, whole: bool, report: ReadReport) -> pd.Series:
    """A text column of informational numbers (never part of a weight, unless checked
    before) as float64: empty fields and ``nan`` are missing; a value that is not a
    number (not a whole number that fits, with ``whole``) is read as missing too, and
    noted in the report with its count and the first such file and line."""
    text = kept[column]
    numbers = _numeric(text, errors="coerce").to_numpy(dtype=float)
    if whole:
        fits = np.isfinite(numbers) & (np.abs(numbers) < 2**53)
        fits[fits] = numbers[fits] == np.round(numbers[fits])
    else:
        fits = ~np.isnan(numbers)
    given = ~text.str.strip().str.lower().isin(["", "nan"]).to_numpy(dtype=bool)
    bad = ~fits & given
    if bad.any():
        i = int(np.argmax(bad))
        what = "a whole number below 2**53" if whole else "a number"
        example = f"{kept['file'].iloc[i]}:{kept['line'].iloc[i]}: {text.iloc[i]!r}"
        report.note(f"{_FIELD_NAMES[column]} is not {what}, read as missing (first: {example})", int(bad.sum()))
    return pd.Series(np.where(fits, numbers, np.nan), index=kept.index)


def _reads(kept: pd.DataFrame) -> np.ndarray:
    """The read (1, 2, …) each kept record came from: the records are in read and line
    order, and the lines of one read increase (a file given twice is read twice)."""
    line = kept["line"].to_numpy(dtype=np.int64)
    path = kept["file"].to_numpy(dtype=object)
    new_read = np.ones(len(kept), dtype=bool)
    new_read[1:] = (path[1:] != path[:-1]) | (line[1:] <= line[:-1])
    return np.cumsum(new_read)


def _blocks(files: list[str], chunk_bytes: int, max_line_bytes: int):
    """``(index, path, block)`` for the :func:`chunks` of every file in turn (cut by
    :func:`_smaller`). An error met while reading a file (a damaged archive) is yielded in
    place of its next block, and nothing after it: the caller raises it when it gets there,
    after the lines before it have been checked, as a one-file-at-a-time read would."""
    for index, path in enumerate(files):
        try:
            with open_binary(path) as handle:
                for block in _smaller(chunks(handle, chunk_bytes, max_line_bytes)):
                    yield index, path, block
        except Exception as err:  # noqa: BLE001  (raised by the caller, in order)
            yield index, path, err
            return


def _kept(parts: list[pa.Table], sources: list, targets: list, report: ReadReport) -> pd.DataFrame:
    """The kept records as one frame, their numbers parsed: ``goldstein`` and ``avg_tone``
    float64, the counts, ``is_root`` and ``quad_class`` Int64 (pyarrow parses a column when
    every value is plainly written, pandas otherwise), ``line`` Int64 and
    ``source``/``target`` their ISO codes; the other columns text. One conversion from
    arrow, empty or not: no column is inserted afterwards unless pandas parses it."""
    table = pa.concat_tables(parts) if parts else _SCHEMA.empty_table()
    table = table.replace_schema_metadata(None)  # (no pandas dtypes of the text)
    by_arrow = set()
    for column, kind in _NUMBERS.items():
        numbers = _parse(table[column], kind)
        if numbers is not None:
            table = table.set_column(table.column_names.index(column), column, numbers)
            by_arrow.add(column)
    for name, codes in (("source", sources), ("target", targets)):
        table = table.append_column(name, pa.array(np.concatenate([np.array([], dtype=object), *codes]), pa.string()))
    # (every int64 column, ``line`` too, as Int64: no value is missing)
    kept = table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get, ignore_metadata=True)
    if "goldstein" not in by_arrow:  # (every kept value was checked to be a number)
        kept["goldstein"] = _numeric(kept["goldstein"]).astype(float)
    for column, kind in _NUMBERS.items():
        if column != "goldstein" and column not in by_arrow:
            kept[column] = _missing_unless_number(kept, column, pa.types.is_integer(kind), report)
            if pa.types.is_integer(kind):
                kept[column] = kept[column].astype("Int64")
    return kept


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
        GoldsteinScale, and with ``weight_by`` a count that is not a whole number >= 1)
        are skipped and reported with file and line number, or raise
        :class:`tension.io.ReadError` at the first. The informational numbers
        (``avg_tone``, ``quad_class``, ``is_root`` and the counts not used as weights)
        never make a line malformed: an empty field is missing, and a value that is not
        a number is read as missing and counted in the report's notes with its first
        file and line.
    chunk_bytes : int [bytes], >= 1
        Bytes read at a time: memory stays bounded by about two chunks (the next
        pieces are parsed while this one is checked), plus the longest line (at most ``max_line_bytes``),
        plus the kept events.
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
    Blocks whose lines are all well-formed are parsed by pyarrow's CSV reader; any
    other block is read line by line, so that each bad line is named. Both give the
    same records. The next blocks, of this file or the next files, are parsed in two
    threads while this one is checked; problems are still reported, and raised, in file
    and line order.

    GDELT files are UTF-8; bytes that are not (in actor names or URLs) are replaced by
    U+FFFD and the lines counted in the report's notes, since they never touch a number.

    Files are read in the order given (a glob's in sorted order), with and without
    ``dedupe``. Records whose GLOBALEVENTID was already read from an earlier file (an
    export and its archive in one glob) are kept and counted in the report's notes.

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
    if weight_by not in (None, *COUNT_COLUMNS):
        raise ValueError(f"weight_by must be None or one of {sorted(COUNT_COLUMNS)}, not {weight_by!r}")
    if transform not in _TRANSFORMS:
        raise ValueError(f"transform must be one of {sorted(_TRANSFORMS)}, not {transform!r}")
    for name, value in (("chunk_bytes", chunk_bytes), ("max_line_bytes", max_line_bytes)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise ValueError(f"{name} must be a whole number of bytes >= 1, not {value!r}")
    check_errors(errors)
    allowed = {"auto": (57, 58, 61), "1": (57, 58), "2": (61,)}[version]
    files = expand_paths(path_or_paths)
    report = ReadReport("read_gdelt", files)
    tally = Tally()
    columns = checked_columns(weight_by, root_only)
    parts: list[pa.Table] = []  # the records kept, block by block
    sources: list[np.ndarray] = []
    targets: list[np.ndarray] = []

    def check(records: dict, lines: np.ndarray, path: str) -> np.ndarray:
        """Check a block's records; the positions of those kept (their countries noted)."""
        keep, source, target = classify(records, lines, path, tally, weight_by=weight_by, root_only=root_only)
        sources.append(source)
        targets.append(target)
        return keep

    def read_block(span: Span, fast, path: str, line_no: int, split: bool = True) -> tuple[int, list[int], bool]:
        """Read the lines of a block that follow line ``line_no``: their number, those
        that are not UTF-8, and whether any was well-formed."""
        # (the columns come coded from the thread that parsed the block, if it did)
        encoded = fast and (fast[2] if len(fast) > 2 else {c: encode(fast[0][c]) for c in columns})
        if encoded and "" not in encoded["sqldate"][1]:  # no blank line: pyarrow read it all
            table, width = fast[0], fast[1]
            lines = line_no + np.arange(1, table.num_rows + 1)
            report.rows += table.num_rows
            keep = check(encoded, lines, path)
            tally.flush(report, errors)
            layout, file = pa.array([LAYOUTS[width]] * len(keep)), pa.array([path] * len(keep))
            line = pa.array(lines[keep], pa.int64())
            parts.append(pa.table([*table.take(keep).columns, layout, file, line], schema=_SCHEMA))
            return table.num_rows, [], table.num_rows > 0
        if split and len(span) > 2 * _PIECE:  # a few bad lines: only their pieces go byte by byte
            total, not_utf8, any_ok = 0, [], False
            for piece in span.pieces(_PIECE):
                n, piece_not_utf8, piece_ok = read_block(piece, parse(piece, allowed), path, line_no + total, False)
                total, any_ok = total + n, any_ok or piece_ok
                not_utf8 += piece_not_utf8
            return total, not_utf8, any_ok
        block = bytes(span)  # the byte-level path, naming each bad line
        starts, ends, fields = line_table(block)
        blank = fields == 0
        ok = np.isin(fields, allowed)
        bad = ~ok & ~blank
        report.rows += int((~blank).sum())
        expected = " or ".join(map(str, allowed))
        shape = [  # (reported with the block's malformed values, in line order)
            (line_no + i + 1, f"{path}:{line_no + i + 1}: expected {expected} tab-separated fields, found {fields[i]}")
            for i in np.flatnonzero(bad)[: 1000 if errors == "report" else 1].tolist()
        ]
        if bad.any():
            report.skipped["malformed"] = report.skipped.get("malformed", 0) + int(bad.sum())
        if not ok.any():
            tally.flush(report, errors, shape)
            return len(fields), non_utf8_lines(block, starts, ends, line_no), False
        frame = parse_block(block, fields, starts, ends, ok, path, line_no)
        keep = check({c: encode(frame[c]) for c in columns}, frame["line"].to_numpy(), path)
        tally.flush(report, errors, shape)
        parts.append(pa.Table.from_pandas(frame.iloc[keep], schema=_SCHEMA, preserve_index=False))
        return len(fields), non_utf8_lines(block, starts, ends, line_no), True

    def parse_and_code(item):
        """A block parsed by pyarrow (None if it cannot be) with its checked columns coded:
        the work of the reading threads, while this one checks the blocks before."""
        span = item[2][0] if isinstance(item[2], tuple) else None
        fast = span and parse(span, allowed)
        return fast and (*fast, {c: encode(fast[0][c]) for c in columns})

    from tqdm import tqdm

    total = sum(stream_size(f) for f in files)
    show = progress if progress is not None else (None if total > 20 * 2**20 else False)
    current, line_no = -1, 0  # the file being checked, and its last line checked
    read, any_ok = -1, False  # (of the file being checked)
    non_utf8: list[int] = []
    with tqdm(total=total or None, unit="B", unit_scale=True, desc="read_gdelt", disable=show is False) as bar:
        # the blocks of every file in turn: the next ones (of this file or the next files)
        # are parsed while this one is checked
        for (index, path, block), fast in ahead(_blocks(files, chunk_bytes, max_line_bytes), parse_and_code):
            if index != current:
                if current >= 0:
                    note_non_utf8(report, files[current], non_utf8 if any_ok else [])
                # lines not UTF-8 are noted once per read of chunk_bytes (with the first of them)
                current, line_no, read, any_ok, non_utf8 = index, 0, -1, False, []
            if isinstance(block, BaseException):  # the file is damaged here: raised in its turn
                with reading(path, lambda: line_no):  # noqa: B023  (read on the spot)
                    raise block
            span, consumed, overlong = block
            bar.update(consumed)
            if overlong:
                line_no += 1
                report.rows += 1
                report.skipped["malformed"] = report.skipped.get("malformed", 0) + 1
                report.problem(
                    f"{path}:{line_no}: line longer than {max_line_bytes} bytes (no line end?); skipped", errors
                )
                continue
            if span.read != read:
                note_non_utf8(report, path, non_utf8 if any_ok else [])
                read, non_utf8, any_ok = span.read, [], False
            n, bad, ok = read_block(span, fast, path, line_no)
            line_no, any_ok = line_no + n, any_ok or ok
            non_utf8 += bad
        if current >= 0:
            note_non_utf8(report, files[current], non_utf8 if any_ok else [])
    tally.apply(report, errors)
    kept = _kept(parts, sources, targets, report)
    table = goldstein_table()
    codes, uniques = pd.factorize(kept["cameo"], use_na_sentinel=False)  # each code looked up once
    lookup = np.array([table.get(c, table.get(c[:3], table.get(c[:2]))) for c in uniques], dtype=float)
    differs = kept["goldstein"].to_numpy() != lookup[codes]
    report.note("GoldsteinScale differs from the lookup table for its EventCode (file value used)", int(differs.sum()))
    read_of = _reads(kept) if len(files) > 1 or dedupe else None
    if len(files) > 1 and len(kept):  # the same records in two files (X.export.CSV and X.export.CSV.zip …)
        first_read = pd.Series(read_of).groupby(kept["gdelt_id"].to_numpy(), sort=False).transform("min").to_numpy()
        again = read_of != first_read
        report.note(
            "records whose GLOBALEVENTID was read from an earlier file too (the same file read twice? dedupe= "
            "keeps one)",
            int(again.sum()),
        )
    if dedupe:
        keys = ["sqldate", "source", "target", "cameo"] + (["url"] if dedupe == "article" else [])
        kept["_id"] = pd.to_numeric(kept["gdelt_id"], errors="coerce")
        kept["_file"] = read_of  # (files in the order given, not by name)
        kept = kept.sort_values(["_id", "_file", "line"], kind="stable")
        grouped = kept.groupby(keys, sort=False)
        sums = grouped[["num_mentions", "num_sources", "num_articles"]].transform("sum")
        kept[["num_mentions", "num_sources", "num_articles"]] = sums
        kept["records"] = grouped["gdelt_id"].transform("size")
        duplicate = kept.duplicated(keys, keep="first").to_numpy()
        report.skip(np.where(duplicate, f"duplicate (dedupe={dedupe!r})", "").astype(object))
        kept = kept.loc[~duplicate].sort_values(["_file", "line"], kind="stable").drop(columns=["_id", "_file"])
    weight = -kept["goldstein"].to_numpy(dtype=float)
    if weight_by:
        counts = kept[{"mentions": "num_mentions", "sources": "num_sources", "articles": "num_articles"}[weight_by]]
        weight = weight * _TRANSFORMS[transform](counts.to_numpy(dtype=float))
    descriptions = cameo_descriptions()
    codes, uniques = pd.factorize(kept["cameo"], use_na_sentinel=False)  # each code looked up once
    described = np.array([descriptions.get(c, descriptions.get(c[:3], "")) for c in uniques] + [""], dtype=object)
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
    ] + (["records"] if dedupe else [])
    day, days = pd.factorize(kept["sqldate"], use_na_sentinel=False)  # (each SQLDATE parsed once)
    url = kept["url"].to_numpy(dtype=object, copy=True)
    url[url == ""] = None
    out = pd.DataFrame(
        {
            "date": pd.to_datetime(pd.Series(days, dtype=object), format="%Y%m%d").to_numpy()[day],
            "source": kept["source"].array,
            "target": kept["target"].array,
            "kind": cameo_to_kinds(uniques)[codes],
            "weight": weight,
            "cameo": kept["cameo"].array,
            "description": described[codes],
            "url": url,
            **{column: kept[column].array for column in extra},
            "line": kept["line"].to_numpy(dtype=np.int64),  # (in its place, after "file")
        },
        copy=False,
    )
    return finish(out, report, errors=errors)
