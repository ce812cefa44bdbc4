"""GDELT blocks through pyarrow's CSV parser: the fast path of :func:`tension.io.read_gdelt`.

A block is parsed here only when pyarrow reads it exactly as the byte-level path of
``_gdelt_lines.py`` would: every line has the same, allowed number of fields, the bytes
are UTF-8, no line is blank and no carriage return stands anywhere but before a newline.
Otherwise :func:`parse` returns None and the block goes the byte-level way, which names
every bad line. pyarrow's parse cost grows with the columns it converts, so a block is
read twice: the few columns every record is checked on, then, for the records that may
be kept, all of them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ._gdelt_lines import FRAME_COLUMNS, Span

__all__ = ["FIELDS", "parse", "parse_rows"]

#: Frame column -> field index, for the fields at the same place in every layout.
FIELDS = {
    "gdelt_id": 0,
    "sqldate": 1,
    "source_actor": 6,
    "source_code": 7,
    "target_actor": 16,
    "target_code": 17,
    "is_root": 25,
    "cameo": 26,
    "quad_class": 29,
    "goldstein": 30,
    "num_mentions": 31,
    "num_sources": 32,
    "num_articles": 33,
    "avg_tone": 34,
}
#: Field count -> the DATEADDED and SOURCEURL fields (None: the layout has no URL).
_TAIL = {57: (56, None), 58: (56, 57), 61: (59, 60)}
_NAMES = {width: [f"f{i}" for i in range(width)] for width in _TAIL}
_BOM = b"\xef\xbb\xbf"


def _options(width: int, fields: list[int]) -> dict:
    names = _NAMES[width]
    return {
        "read_options": pacsv.ReadOptions(column_names=names),
        "parse_options": pacsv.ParseOptions(delimiter="\t", quote_char=False, double_quote=False),
        "convert_options": pacsv.ConvertOptions(
            include_columns=[names[i] for i in fields],
            column_types={names[i]: pa.string() for i in fields},
            strings_can_be_null=False,
            check_utf8=False,  # the whole block is checked once, in parse
        ),
    }


def _is_utf8(view: memoryview) -> bool:
    offsets = pa.py_buffer(np.array([0, len(view)], dtype=np.int64))
    whole = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(view)])
    try:
        whole.cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


def parse(block: Span, allowed: tuple[int, ...], columns: list[str]):
    """``(table, newlines, width)`` of a block read by pyarrow (``columns`` of
    :data:`FIELDS`, as strings, one row per line), or None when the block must be read
    byte by byte."""
    view = block.view()
    buf = np.frombuffer(view, dtype=np.uint8)
    if not len(buf) or view[:3] == _BOM:
        return None
    if block.find(b"\r"):
        after = np.flatnonzero(buf == 13) + 1
        if (buf[after[after < len(buf)]] != 10).any():  # a CR not before a newline: pyarrow ends the line there
            return None
    newlines = np.flatnonzero(buf == 10)
    lines = len(newlines) + int(buf[-1] != 10)
    first = int(newlines[0]) if len(newlines) else len(buf)
    width = int(np.count_nonzero(buf[:first] == 9)) + 1
    if width not in allowed or not _is_utf8(view):
        return None
    try:
        table = pacsv.read_csv(pa.BufferReader(pa.py_buffer(view)), **_options(width, [FIELDS[c] for c in columns]))
    except pa.ArrowInvalid:  # a line with another field count
        return None
    if table.num_rows != lines:  # blank lines, skipped by pyarrow
        return None
    return table.rename_columns(columns), newlines, width


def parse_rows(block: Span, newlines: np.ndarray, rows: np.ndarray, width: int) -> pd.DataFrame:
    """All frame columns (but layout, file and line) of some lines of a block that
    :func:`parse` read, as strings."""
    string = pd.Series([], dtype=str).dtype
    if not len(rows):
        return pd.DataFrame({name: pd.Series([], dtype=string) for name in FRAME_COLUMNS[:-3]})
    # the block as an array of lines (no copy), and the wanted ones taken from it
    ends = (newlines + 1).astype(np.int64)
    if not len(ends) or ends[-1] != len(block):  # a last line without newline
        ends = np.append(ends, np.int64(len(block)))
    bounds = np.concatenate([np.zeros(1, dtype=np.int64), ends])
    lines = pa.LargeBinaryArray.from_buffers(
        pa.large_binary(), len(bounds) - 1, [None, pa.py_buffer(bounds), pa.py_buffer(block.view())]
    )
    taken = lines.take(pa.array(rows))
    offsets = np.frombuffer(taken.buffers()[1], dtype=np.int64)[taken.offset : taken.offset + len(taken) + 1]
    text = taken.buffers()[2][int(offsets[0]) : int(offsets[-1])]
    date_added, url = _TAIL[width]
    fields = list(FIELDS.values()) + [date_added] + ([url] if url is not None else [])
    table = pacsv.read_csv(pa.BufferReader(text), **_options(width, fields))
    if table.num_rows != len(rows):  # cannot happen: these lines were read once already
        raise AssertionError(f"read {table.num_rows} of {len(rows)} lines again")
    names = _NAMES[width]
    columns = {name: table[names[FIELDS[name]]] for name in FIELDS}
    columns["date_added"] = table[names[date_added]]
    columns["url"] = table[names[url]] if url is not None else pa.array([""] * len(rows), pa.string())
    return pd.DataFrame({name: pd.Series(columns[name].to_pandas(), dtype=string) for name in FRAME_COLUMNS[:-3]})
