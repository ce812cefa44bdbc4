"""Opening event files: archives, encodings, overlong lines, damaged records.

Every failure here is one :class:`ReadError` naming the file (and the line where it is
known) and saying what to do; records that cannot be read are returned as problems
("file:line: message") for the reader's report, never dropped silently.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import zipfile
import zlib
from typing import Literal

import numpy as np
import pandas as pd

from ._report import ReadError

__all__ = ["open_binary", "read_records", "MAX_LINE_BYTES", "check_encoding", "zip_member", "delimiter_in"]

#: Longest line a reader accepts [bytes]; a longer one (a file without newlines, a
#: damaged archive) is skipped, reported as malformed, and never held in memory whole.
MAX_LINE_BYTES = 1 << 20
_BATCH = 100_000  # records per block while reading a table

#: What goes wrong inside a damaged archive.
ARCHIVE_ERRORS = (EOFError, zlib.error, zipfile.BadZipFile, gzip.BadGzipFile, OSError)


def check_encoding(encoding: str) -> str:
    """``encoding`` if Python knows it, else a ValueError naming the parameter."""
    import codecs

    if not isinstance(encoding, str):
        raise ValueError(f"encoding must be a codec name such as 'utf-8' or 'cp1252', not {encoding!r}")
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ValueError(
            f"encoding={encoding!r} is not a known text encoding (try 'utf-8', 'cp1252', 'latin-1')"
        ) from None
    return encoding


def zip_member(archive: zipfile.ZipFile, path: str) -> zipfile.ZipInfo:
    members = [m for m in archive.infolist() if not m.is_dir()]
    if len(members) != 1:
        names = ", ".join(m.filename for m in members[:5]) + (", …" if len(members) > 5 else "")
        raise ReadError(
            f"{path}: expected one file inside the zip archive, found {len(members)}"
            + (f" ({names}); extract them and pass the files (or a glob) instead" if members else "")
        )
    return members[0]


def open_binary(path: str):
    """A binary stream of the (uncompressed) file: plain, ``.gz`` or a one-member ``.zip``.

    A damaged archive header is a :class:`ReadError` here; damage further in is raised
    while reading (see :func:`reading`).
    """
    name = path.lower()
    try:
        if name.endswith(".zip"):
            archive = zipfile.ZipFile(path)
            return archive.open(zip_member(archive, path))
        if name.endswith(".gz"):
            handle = gzip.open(path, "rb")
            handle.peek(1)  # a file that is not gzip at all fails here, with its name
            return handle
        plain = open(path, "rb")
        packed = _packed(plain.peek(8)[:8])
        if packed:
            plain.close()
            ext = _EXTENSIONS.get(packed)
            rename = f"rename it to end in {ext}, or " if ext else ""
            raise ReadError(f"{path} is {packed} (its first bytes say so), not text: {rename}decompress it")
        return plain
    except ReadError:
        raise
    except IsADirectoryError:
        raise ReadError(f"{path} is a directory, not a file; pass the files inside it (e.g. '{path}/*')") from None
    except (FileNotFoundError, PermissionError):
        raise
    except ARCHIVE_ERRORS as err:
        raise ReadError(f"{path}: not a readable {_kind(path)} ({err})") from None


#: First bytes of compressed data -> its name (no text file starts with these control bytes).
_MAGIC = {b"\x1f\x8b": "gzip-compressed", b"PK\x03\x04": "a zip archive", b"\xfd7zXZ\x00": "xz-compressed"}
#: The names every reader opens such data under (bzip2 and xz: only read_events does).
_EXTENSIONS = {"gzip-compressed": ".gz", "a zip archive": ".zip"}


def _packed(head: bytes) -> str | None:
    """What compressed data ``head`` (a file's first bytes) begins, or None."""
    for magic, name in _MAGIC.items():
        if head.startswith(magic):
            return name
    if head[:3] == b"BZh" and head[3:4].isdigit() and head[4:8] == b"1AY&":
        return "bzip2-compressed"
    return None


def delimiter_in(header: str, sep: str | None = None) -> str | None:
    """The delimiter (other than ``sep``) that a header read as one column holds, if any:
    the file was written with another (a spreadsheet's ``;``, tabs in a ``.csv``)."""
    return next((d for d in (";", "\t", "|", ",") if d != sep and d in str(header)), None)


def _kind(path: str) -> str:
    name = path.lower()
    return "zip archive" if name.endswith(".zip") else "gzip file" if name.endswith(".gz") else "file"


@contextlib.contextmanager
def reading(path: str, where=lambda: ""):
    """Turn a damaged archive met while reading into one ReadError naming the file and
    the last line read (``where()``)."""
    try:
        yield
    except ReadError:
        raise
    except ARCHIVE_ERRORS as err:
        if isinstance(err, (FileNotFoundError, PermissionError, IsADirectoryError)):
            raise
        at = where()
        raise ReadError(
            f"{path}: truncated or corrupt {_kind(path)}{f' after line {at}' if at else ''} ({err}); "
            "download it again or re-create it"
        ) from None


def _lines(handle, path: str, encoding: str, max_line: int, overlong: list[int]):
    """Decoded lines of a binary stream; a line over ``max_line`` bytes is skipped
    (its number appended to ``overlong``) and yields "" in its place."""
    number = 0
    while True:
        raw = handle.readline(max_line + 1)
        if not raw:
            return
        number += 1
        if len(raw) > max_line and not raw.endswith(b"\n"):
            while True:  # skip to the end of the line, a bounded piece at a time
                more = handle.readline(max_line)
                if not more or more.endswith(b"\n"):
                    break
            overlong.append(number)
            yield "\n"
            continue
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as err:
            raise ReadError(
                f"{path}:{number}: byte {raw[err.start : err.start + 1]!r} at column {err.start + 1} is not {encoding}; "
                "pass the file's encoding, e.g. encoding='cp1252' or encoding='latin-1'"
            ) from None
        if number == 1:
            text = text.lstrip("\ufeff")
        yield text


def read_records(path: str, *, sep: str, encoding: str = "utf-8", max_line_bytes: int = MAX_LINE_BYTES):
    """A delimited file as a string table with ``file`` and ``line`` columns, and the
    problems of its malformed records.

    Tab-separated files are read without quoting, one record per line; comma-separated
    files may quote fields across lines. ``line`` is the physical line where the record
    starts (the header is line 1). Empty fields beyond the header (delimiters at the end
    of lines) are ignored. A record with more or fewer fields than the header, or a
    line over ``max_line_bytes``, is left out and returned as a problem
    ``"file:line: message"``.

    Returns
    -------
    frame : DataFrame of str
    problems : list of str
    """
    # (the csv module's limit on a field, process-wide, raised as far as a line may go)
    limit = max(csv.field_size_limit(), max_line_bytes + 1)
    csv.field_size_limit(limit)
    fast = _clean_table(path, sep, encoding, max_line_bytes, limit)
    if fast is not None:
        return fast, []
    overlong: list[int] = []
    problems: list[str] = []
    starts: list[int] = []
    rows: list[list[str]] = []
    batches: list[pd.DataFrame] = []
    quoting: Literal[0, 3] = csv.QUOTE_NONE if sep == "\t" else csv.QUOTE_MINIMAL  # the csv stubs want a literal
    handle = open_binary(path)
    reader = None
    with handle, reading(path, lambda: reader.line_num if reader is not None else 0):
        reader = csv.reader(
            _lines(handle, path, encoding, max_line_bytes, overlong),
            delimiter=sep,
            quoting=quoting,
            strict=quoting != csv.QUOTE_NONE,
        )
        header = None
        while True:
            start = reader.line_num + 1
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as err:
                problems.append(f"{path}:{start}: not a valid record ({err}; an unclosed quote?)")
                continue
            if not fields or fields == [""]:
                continue
            if header is None:
                header = [f.strip() for f in fields]
                if overlong and overlong[0] == start:
                    raise ReadError(f"{path}:1: the first line is longer than {max_line_bytes} bytes: not a table")
                continue
            if len(fields) > len(header) and not any(f.strip() for f in fields[len(header) :]):
                fields = fields[: len(header)]  # (delimiters at the end of the line: nothing beyond the header)
            if len(fields) != len(header):
                problems.append(
                    f"{path}:{start}: expected {len(header)} {_sep_name(sep)}-separated fields, found {len(fields)}"
                )
                continue
            starts.append(start)
            rows.append(fields)
            if len(rows) == _BATCH:  # bounded lists: the table grows in column blocks
                batches.append(pd.DataFrame(rows, columns=_unique(header), dtype=object))
                rows = []
    for number in overlong:
        problems.append(f"{path}:{number}: line longer than {max_line_bytes} bytes (no line end?); skipped")
    if header is None:
        with open_binary(path) as raw:
            head = raw.read(1 << 16)
        if b"\r" in head and b"\n" not in head:
            raise ReadError(
                f"{path}: its lines end with a carriage return alone (an old Mac or Excel save); convert the line "
                "ends to LF or CRLF"
            )
        raise ReadError(f"{path} is empty: no header line")
    header = _unique(header)
    if rows or not batches:
        batches.append(pd.DataFrame(rows, columns=header, dtype=object))
    frame = pd.concat(batches, ignore_index=True) if len(batches) > 1 else batches[0]
    frame["file"] = str(path)
    frame["line"] = np.asarray(starts, dtype=np.int64)  # (int64 when empty too)
    return frame, problems


def _clean_table(path: str, sep: str, encoding: str, max_line_bytes: int, field_limit: int) -> pd.DataFrame | None:
    """A tab- or comma-separated UTF-8 file read whole by pyarrow's CSV reader, when it
    is clean: the table :func:`read_records` makes of it, else None (and the file is
    read line by line, every bad record found and named).

    Clean means: a header of two fields or more on one line, then at least one record,
    every record of the header's number of fields, no blank line where a record would
    start, no line over ``max_line_bytes``, UTF-8 throughout, and no carriage return but
    before a line feed. With tabs, every line is a record and ``"`` a character. With
    commas, also every quote in its place: a quoted field opens at the start of a field,
    closes before a comma or a line's end and doubles the quotes it holds (``"a ""b"",
    c"``), and may hold line ends (its record then spans lines); a quote elsewhere
    (``ab"c``, ``"ab"c``) leaves the file to the line reader, which takes it literally or
    names the record. Each record's ``line`` is the line where it starts (the header is
    line 1), as the line reader counts; and no quoted field over ``field_limit`` bytes
    (the line reader's csv module refuses a field of more characters). The text columns
    are pandas' text dtype (pyarrow strings under pandas 3). The file is read a piece at
    a time and given up as soon as a line runs over the limit: a file without line ends
    is never held whole.
    """
    import codecs

    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        if sep not in ("\t", ",") or codecs.lookup(encoding).name != "utf-8":
            return None
    except (LookupError, TypeError):
        return None  # (the line reader says what is wrong with the encoding)
    try:
        data = _within_lines(path, max_line_bytes)
    except ARCHIVE_ERRORS:
        return None  # (read line by line: the error is named with its line)
    if data is None:
        return None
    data = data.removeprefix(b"\xef\xbb\xbf")  # (the byte order mark, as the line reader drops it)
    if data.startswith(b"\xef\xbb\xbf"):
        return None
    quoted = sep == "," and b'"' in data
    records = _records(data, quoted=quoted, field_limit=field_limit)
    if records is None or len(records) < 2:
        return None
    try:
        first = data[: data.index(b"\n")].decode("utf-8").removesuffix("\r")
        header = next(csv.reader([first], quoting=csv.QUOTE_MINIMAL, strict=True)) if quoted else first.split(sep)
    except (UnicodeDecodeError, csv.Error, StopIteration):
        return None
    if len(header) < 2:
        return None
    names = [f"f{i}" for i in range(len(header))]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            # (the header read as a record: pyarrow's skip_rows would end it at a quoted CR)
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(
                delimiter=sep,
                quote_char='"' if quoted else False,
                double_quote=True,
                newlines_in_values=quoted,
                ignore_empty_lines=False,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
            ),
        )
    except pa.ArrowException:  # a record of another length, a byte not UTF-8 ...
        return None
    if table.num_rows != len(records) or [table[name][0].as_py() for name in names] != header:
        return None
    frame = table.slice(1).rename_columns(_unique([name.strip() for name in header])).to_pandas()
    frame["file"] = str(path)
    frame["line"] = records[1:]
    return frame


def _records(data: bytes, *, quoted: bool, field_limit: int) -> np.ndarray | None:
    """The line (from 1) where each record of a clean file starts, the header first; or
    None: a line is blank where a record would start, a carriage return is not before a
    line feed (outside quotes), or, with ``quoted`` (comma-separated data with quotes), a
    quote is out of place (:func:`_quotes_in_place`) or a quoted field is over
    ``field_limit`` bytes. Without ``quoted`` every line is a record; with it, a line end
    inside quotes belongs to its field."""
    raw = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(raw == ord("\n"))
    returns = np.flatnonzero(raw == ord("\r"))
    lone = returns[_next_byte(raw, returns) != ord("\n")]
    ends = newlines
    if quoted:
        quotes = np.flatnonzero(raw == ord('"'))
        if not _quotes_in_place(raw, quotes) or _longest_quoted(raw, quotes) > field_limit:
            return None
        ends = newlines[np.searchsorted(quotes, newlines) % 2 == 0]  # (an odd count before: in quotes)
        lone = lone[np.searchsorted(quotes, lone) % 2 == 0]
    if lone.size:
        return None
    starts = np.r_[0, ends + 1]
    starts = starts[starts < len(raw)]
    if ((raw[starts] == ord("\n")) | ((raw[starts] == ord("\r")) & (_next_byte(raw, starts) == ord("\n")))).any():
        return None  # a blank line where a record would start
    return np.asarray(np.searchsorted(newlines, starts) + 1)


def _next_byte(raw: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The byte after each position of ``at`` (the last byte is followed by itself)."""
    return raw[np.minimum(at + 1, len(raw) - 1)]


def _within_lines(path: str, max_line_bytes: int) -> bytes | None:
    """The (uncompressed) bytes of a file, read a piece at a time, or None as soon as a
    line runs over ``max_line_bytes`` bytes (its line feed not counted, a leading byte
    order mark counted, as the line reader counts)."""
    pieces = []
    run = 0  # bytes since the last line feed
    with open_binary(path) as handle:
        while piece := handle.read(1 << 23):
            ends = np.flatnonzero(np.frombuffer(piece, dtype=np.uint8) == ord("\n"))
            if len(ends):
                longest = max(run + int(ends[0]), int(np.diff(ends).max(initial=1)) - 1)
                run = len(piece) - 1 - int(ends[-1])
            else:
                longest = run = run + len(piece)
            if max(longest, run) > max_line_bytes:
                return None
            pieces.append(piece)
    return b"".join(pieces)


def _longest_quoted(raw: np.ndarray, at: np.ndarray) -> int:
    """Bytes of the longest quoted field (its doubled quotes counted), from quotes in
    place (``at``: where the quotes are, opening and closing in turn)."""
    if not len(at):
        return 0
    opening, closing = at[0::2], at[1::2]
    # a pair that opens right after the last one closed is the same field's ("" inside it)
    field = np.cumsum(np.r_[True, opening[1:] != closing[:-1] + 1]) - 1
    first = np.full(field[-1] + 1, len(raw))
    np.minimum.at(first, field, opening)
    last = np.zeros(field[-1] + 1, dtype=np.int64)
    np.maximum.at(last, field, closing)
    return int((last - first - 1).max())


def _quotes_in_place(raw: np.ndarray, at: np.ndarray) -> bool:
    """Whether every quote of comma-separated bytes is where a quoted field puts it,
    counting quotes from the start (the first, third ... open, the others close): an
    opening quote at the start of the data, after a comma or a line feed, or right after
    a closing one (the pair is a doubled quote inside the field); a closing quote before
    a comma, a line end, another quote or the end of the data; and as many closing
    quotes as opening ones (``at``: where the quotes are). A carriage return after a
    closing quote is taken as a line end here: :func:`_records` refuses one that is not
    before a line feed."""
    if len(at) % 2:
        return False  # (a quoted field open at the end of the data)
    opening, closing = at[0::2], at[1::2]
    before = raw[np.maximum(opening - 1, 0)]
    opens = (opening == 0) | (before == ord(",")) | (before == ord("\n")) | (before == ord('"'))
    closes = np.isin(_next_byte(raw, closing), np.frombuffer(b',\r\n"', dtype=np.uint8))
    return bool(opens.all() and closes.all())


def _sep_name(sep: str) -> str:
    return {"\t": "tab", ",": "comma", ";": "semicolon"}.get(sep, repr(sep))


def _unique(header: list[str]) -> list[str]:
    """Header names made unique: an empty name becomes ``unnamed_<i>``, a repeated one
    ``name.1``, as pandas does."""
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(header):
        name = name or f"unnamed_{i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out
