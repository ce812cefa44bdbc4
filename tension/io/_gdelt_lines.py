"""GDELT lines at the byte level: the 1.0 and 2.0 layouts, blocks that end at a line end
(overlong lines skipped without being held), each line's field count, and the parse of a
block's well-formed lines into string columns with file and line (used by
:func:`tension.io.read_gdelt`)."""

from __future__ import annotations

import csv
import io
import mmap
import os
import stat
import zipfile
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from ._files import zip_member
from ._report import ReadError, ReadReport

__all__ = [
    "GDELT1_COLUMNS",
    "GDELT2_COLUMNS",
    "LAYOUTS",
    "FRAME_COLUMNS",
    "stream_size",
    "Span",
    "chunks",
    "line_table",
    "non_utf8_lines",
    "note_non_utf8",
    "parse_block",
]

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


def stream_size(path: str) -> int:
    """Bytes the stream of :func:`open_binary` will yield (compressed size for gzip)."""
    if path.lower().endswith(".zip"):
        try:
            with zipfile.ZipFile(path) as archive:
                return zip_member(archive, path).file_size
        except zipfile.BadZipFile as err:
            raise ReadError(f"{path}: not a readable zip archive ({err})") from None
        except IsADirectoryError:
            raise ReadError(f"{path} is a directory, not a file; pass the files inside it (e.g. '{path}/*')") from None
    return Path(path).stat().st_size


class Span(NamedTuple):
    """Bytes ``start:end`` of ``data`` (bytes read, or a memory map of a plain file)."""

    data: bytes | mmap.mmap
    start: int
    end: int
    read: int = 0  #: which read the block ends in (a line across two reads: the second)

    def view(self) -> memoryview:
        return memoryview(self.data)[self.start : self.end]

    def find(self, sub: bytes) -> bool:
        """Whether ``sub`` occurs in the span."""
        return self.data.find(sub, self.start, self.end) >= 0

    def __bytes__(self) -> bytes:
        return self.data[self.start : self.end]

    def __len__(self) -> int:
        return self.end - self.start

    def pieces(self, size: int) -> list[Span]:
        """The span cut at line ends into pieces of about ``size`` bytes."""
        out, start = [], self.start
        while start < self.end:
            cut = self.data.find(b"\n", min(start + size, self.end) - 1, self.end)
            end = self.end if cut < 0 else cut + 1
            out.append(Span(self.data, start, end, self.read))
            start = end
        return out


def _reads(handle, size: int):
    """``(data, start, end)`` of each read of ``size`` bytes: slices of a memory map for a
    plain file (no copy: pyarrow parses the page cache), else the bytes read."""
    try:
        info = os.fstat(handle.fileno()) if isinstance(handle, io.BufferedReader) else None
    except (OSError, io.UnsupportedOperation):
        info = None
    if info is not None and stat.S_ISREG(info.st_mode) and info.st_size > 0 and handle.tell() == 0:
        # never closed here: the map goes when the last view of it does
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        dropped = 0
        for start in range(0, info.st_size, size):
            # the pages of reads done with leave this process (the page cache keeps them;
            # a page touched again is read again), so its memory stays bounded
            done = max(start - 2 * size, 0) // mmap.PAGESIZE * mmap.PAGESIZE
            if done > dropped and hasattr(mapped, "madvise") and hasattr(mmap, "MADV_DONTNEED"):
                mapped.madvise(mmap.MADV_DONTNEED, dropped, done - dropped)
                dropped = done
            yield mapped, start, min(start + size, info.st_size)
        return
    while data := handle.read(size):
        yield data, 0, len(data)


def chunks(handle, chunk_bytes: int, max_line: int):
    """Yield ``(block, consumed, overlong)``: :class:`Span` blocks that end at a line end
    (the last may not), and, as ``(None, consumed, True)``, each line longer than
    ``max_line`` bytes, which is skipped without ever being held whole.

    A line that runs across two reads is yielded as a block of its own, so the bytes of
    a read are never copied to join them.
    """
    rest = b""
    skipping = False
    read = 0
    for read, (data, start, end) in enumerate(_reads(handle, chunk_bytes)):
        if skipping:
            cut = data.find(b"\n", start, end)
            if cut < 0:
                continue
            skipping = False
            yield None, cut + 1 - start, True
            start = cut + 1
        if rest:
            cut = data.find(b"\n", start, end)
            if cut < 0:
                rest += data[start:end]
                if len(rest) > max_line:
                    rest, skipping = b"", True
                continue
            head, rest = rest + data[start : cut + 1], b""
            yield Span(head, 0, len(head), read), len(head), False
            start = cut + 1
        cut = data.rfind(b"\n", start, end)
        if cut < 0:
            rest = data[start:end]
            if len(rest) > max_line:
                rest, skipping = b"", True
            continue
        rest = data[cut + 1 : end]
        if len(rest) > max_line:
            rest, skipping = b"", True
        if cut + 1 > start:
            yield Span(data, start, cut + 1, read), cut + 1 - start, False
    if skipping:
        yield None, 0, True
    elif rest:
        yield Span(rest, 0, len(rest), read + 1), len(rest), False


def non_utf8_lines(block: bytes, starts, ends, first_line: int) -> list[int]:
    """The numbers of the lines whose bytes are not UTF-8 (their text fields get U+FFFD)."""
    try:
        block.decode("utf-8")
        return []
    except UnicodeDecodeError:
        pass
    return [first_line + i + 1 for i, (a, b) in enumerate(zip(starts, ends, strict=True)) if not _is_utf8(block[a:b])]


def note_non_utf8(report: ReadReport, path: str, lines: list[int]) -> None:
    if lines:
        report.note(
            f"lines with bytes that are not UTF-8, replaced by U+FFFD in text fields (first {path}:{lines[0]})",
            len(lines),
        )


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def line_table(block: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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


FRAME_COLUMNS = [
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


def parse_block(block, fields, starts, ends, ok, path, first_line):
    """The records of a block's well-formed lines, as strings, with file and line."""
    # lines cut at newlines only, without the CR of a CRLF (a lone CR is text, as for
    # the field count)
    text = block if ok.all() and b"\r" not in block else _select_lines(block, starts, ends, ok)
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
        lineterminator="\n",
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
