"""GDELT blocks through pyarrow's CSV parser: the fast path of :func:`tension.io.read_gdelt`.

A block is parsed here only when pyarrow reads it exactly as the byte-level path of
``_gdelt_lines.py`` would: every line has the same, allowed number of fields, the bytes
are UTF-8, no line is blank and no carriage return stands anywhere but before a newline.
Otherwise :func:`parse` returns None and the block goes the byte-level way, which names
every bad line. :func:`ahead` parses the next blocks in threads while the caller checks
this one.
"""

from __future__ import annotations

import collections
import itertools
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from ._gdelt_lines import FRAME_COLUMNS, Span

__all__ = ["FIELDS", "ahead", "parse"]

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


def ahead(items, work, depth: int = 2):
    """``(item, work(item))`` for each item, ``work`` on the next ``depth`` items running
    in threads while the caller handles this one (pyarrow and numpy let go of the GIL).
    A single item (a small file) is worked on here, with no threads."""
    items = iter(items)
    first = next(items, None)
    if first is None:
        return
    second = next(items, None)
    if second is None:
        yield first, work(first)
        return
    items = itertools.chain([first, second], items)
    with ThreadPoolExecutor(depth, thread_name_prefix="tension-read") as pool:
        pending: collections.deque = collections.deque()
        for item in items:
            pending.append((item, pool.submit(work, item)))
            if len(pending) > depth:
                item, future = pending.popleft()
                yield item, future.result()
        while pending:
            item, future = pending.popleft()
            yield item, future.result()


def _options(width: int, fields: list[int]) -> dict:
    names = _NAMES[width]
    return {
        "read_options": pacsv.ReadOptions(column_names=names, use_threads=False),
        # a blank line is a row of empty fields (not skipped), so rows are lines
        "parse_options": pacsv.ParseOptions(
            delimiter="\t", quote_char=False, double_quote=False, ignore_empty_lines=False
        ),
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


def parse(block: Span, allowed: tuple[int, ...]):
    """``(table, width)`` of a block read by pyarrow: the string columns of the frame
    (but layout, file and line), one row per line, and the field count of every line.
    None when the block must be read byte by byte. A blank line is a row of empty
    fields here: the caller sends a block with an empty SQLDATE the byte-level way."""
    view = block.view()
    if not len(view) or view[:3] == _BOM:
        return None
    if block.find(b"\r"):
        buf = np.frombuffer(view, dtype=np.uint8)
        after = np.flatnonzero(buf == 13) + 1
        if (buf[after[after < len(buf)]] != 10).any():  # a CR not before a newline: pyarrow ends the line there
            return None
    first = block.data.find(b"\n", block.start, block.end)
    width = block.data[block.start : first if first >= 0 else block.end].count(b"\t") + 1
    if width not in allowed or not _is_utf8(view):
        return None
    date_added, url = _TAIL[width]
    fields = {**FIELDS, "date_added": date_added, "url": url}
    try:
        read = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(view)), **_options(width, [f for f in fields.values() if f is not None])
        )
    except pa.ArrowInvalid:  # a line with another field count
        return None
    names = _NAMES[width]
    columns = [
        read[names[f]] if f is not None else pa.array([""] * read.num_rows, pa.string()) for f in fields.values()
    ]
    return pa.table(columns, names=list(fields)).select(FRAME_COLUMNS[:-3]), width
