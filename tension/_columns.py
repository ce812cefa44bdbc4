"""Fast, exact coding of event columns: text as integer codes, dyads by arithmetic, labels
built once per distinct dyad, and the marker of a validated frame.

Nothing here decides what is valid (that is :mod:`tension.events`); these helpers only
make the same answers cheap on millions of rows:

- :func:`text_codes` factorises a text column: clean ISO codes held as pyarrow strings
  are read straight from the string buffer (three upper-case letters are a number below
  26**3); object columns whose values are a few shared objects (what
  :func:`tension.read_events` returns) are factorised by object identity; anything else
  goes to ``pandas.factorize``. The codes are exact in every case.
- :func:`dyad_codes` pairs two country codes by arithmetic (``low * C + high``) and
  labels each distinct dyad once.
- :func:`labels` spreads the dyad labels to the rows as the string dtype pandas itself
  would infer (pyarrow strings under pandas 3), built in C from the codes.
- :func:`mark` / :func:`is_marked`: a private token in ``DataFrame.attrs`` that says "this
  frame came out of ``read_events`` and has not changed since"; it holds a fingerprint of
  the frame (identity, shape, columns, dtypes and the content of every schema column) and
  any change to the frame, in place or not, breaks it.
"""

from __future__ import annotations

import ctypes
import weakref
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from . import _memory
from ._scan import in_slices, map_in_threads, workers_for

__all__ = [
    "text_codes",
    "equal_text",
    "missing_text",
    "dyad_codes",
    "labels",
    "mark",
    "is_marked",
    "codes_of",
    "text_codes_of",
    "string_buffers",
]

_A = ord("A")


def _arrow_chunks(values):
    """The pyarrow string chunks behind a pandas column, or None."""
    array = getattr(values, "array", values)
    chunked = getattr(array, "_pa_array", None)
    if chunked is None:
        return None
    import pyarrow as pa

    if not (pa.types.is_string(chunked.type) or pa.types.is_large_string(chunked.type)):
        return None
    return chunked


#: Rows per piece when a long arrow column is coded piece by piece (in threads).
_PIECE = 1 << 18
#: Two bytes read as a little-endian uint16 -> ``26 * a + b`` for two upper-case ASCII
#: letters a, b (numbered from 0), a large negative number for anything else.
_PAIRS = np.full(1 << 16, -(10**6), dtype=np.int32)
_PAIRS[(np.arange(26)[:, None] + _A | (np.arange(26)[None, :] + _A) << 8).ravel()] = np.arange(26 * 26)
#: A byte -> its letter number for "A" .. "Z", a large positive number for anything else.
_THIRD = np.full(256, 10**6, dtype=np.int32)
_THIRD[_A : _A + 26] = np.arange(26)


def _pieces(chunked) -> list:
    """The chunks of an arrow column cut into slices of at most :data:`_PIECE` rows (no
    copy); a column of many small chunks (built by concatenating many frames) is first
    combined into one."""
    count = chunked.num_chunks
    combine = count > 8 and len(chunked) < count * (_PIECE // 4)
    chunks = [chunked.combine_chunks()] if combine else chunked.chunks
    return [chunk.slice(start, _PIECE) for chunk in chunks for start in range(0, len(chunk), _PIECE)]


def string_buffers(piece) -> tuple[np.ndarray, Any]:
    """The ``n + 1`` offsets of the rows of a non-empty arrow string (or large string)
    array into its data buffer, and that buffer (None when every row is empty): the bytes
    of row ``i`` are ``data[offsets[i]:offsets[i + 1]]``, the array's own slice applied."""
    import pyarrow as pa

    offset_type = np.int64 if pa.types.is_large_string(piece.type) else np.int32
    buffers = piece.buffers()
    offsets = np.frombuffer(
        buffers[1], dtype=offset_type, count=len(piece) + 1, offset=piece.offset * offset_type().itemsize
    )
    return offsets, buffers[2]


def _upper3_keys(piece):
    """Keys ``26**2 * a + 26 * b + c`` of an arrow string array whose every row is three
    upper-case ASCII letters, read from its buffers (strided views of the bytes, two table
    look-ups per row); None unless every row is exactly that (no nulls)."""
    n = len(piece)
    if piece.null_count or n == 0:
        return None
    offsets, data = string_buffers(piece)
    first = int(offsets[0])
    if int(offsets[-1]) - first != 3 * n or (offsets[1:] - offsets[:-1] != 3).any():
        return None
    pair = np.ndarray((n,), dtype="<u2", buffer=data, offset=first, strides=(3,))
    third = np.ndarray((n,), dtype=np.uint8, buffer=data, offset=first + 2, strides=(3,))
    # (np.take: no index array of intp made first, as ``_PAIRS[pair]`` makes)
    key = np.take(_PAIRS, pair)
    key *= 26
    key += np.take(_THIRD, third)
    # a bad pair makes the key negative, a bad third letter makes it at least 10**6
    if key.min() < 0 or key.max() >= 26**3:
        return None
    return key


def _three_letters(keys) -> list:
    return ["".join(chr(_A + d) for d in (k // 676, k // 26 % 26, k % 26)) for k in np.asarray(keys).tolist()]


def _piece_codes(piece, vocabulary=None):
    """``(codes, uniques)`` of one arrow string array (code -1 for nulls); for three
    upper-case letters per row ``(keys, present)`` instead: the :func:`_upper3_keys` and
    a mask of the keys present. With ``vocabulary`` (a list of strings and its arrow
    ``SetLookupOptions``), a piece whose every value is in it is coded by a look-up into
    it (no dictionary built): ``(codes, the list)``."""
    import pyarrow.compute as pc

    if vocabulary is not None and not piece.null_count:
        words, options = vocabulary
        found = pc.index_in(piece, options=options)
        if not found.null_count:
            return found.to_numpy(zero_copy_only=False).astype(np.int32, copy=False), words
    keys = _upper3_keys(piece)
    if keys is not None:
        return keys, np.bincount(keys, minlength=26**3) > 0  # (not present[keys] = True: no intp copy)

    encoded = pc.dictionary_encode(piece)
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
    return codes, encoded.dictionary.to_pylist()


def _arrow_codes(columns, threads: int, vocabularies=None) -> list:
    """:func:`text_codes` of several arrow string columns: every column cut into pieces
    (:func:`_pieces`), the pieces coded in ``threads`` threads (numpy and pyarrow release
    the GIL), then each piece's codes mapped to its column's merged uniques (in threads).
    ``vocabularies``: per column, None or the strings its values are expected to be
    (pieces of those values are coded by look-up; the uniques are then the whole list)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    lookups = [
        None if words is None else (words, pc.SetLookupOptions(value_set=pa.array(words, pa.large_string())))
        for words in (vocabularies or [None] * len(columns))
    ]
    pieces = [(c, piece) for c, chunked in enumerate(columns) for piece in _pieces(chunked)]
    coded = map_in_threads(lambda item: _piece_codes(item[1], lookups[item[0]]), pieces, threads)
    results: list = []
    remaps: list = []
    writes: list = []
    for c, chunked in enumerate(columns):
        mine = [found for (owner, _), found in zip(pieces, coded, strict=True) if owner == c]
        codes = _memory.empty(len(chunked), dtype=np.int32)
        lookup = lookups[c]
        words = lookup[0] if lookup is not None else None
        if mine and words is not None and all(extra is words for _, extra in mine):  # every value known
            uniques = list(words)
            remaps += [None] * len(mine)
        elif all(isinstance(extra, np.ndarray) for _, extra in mine):  # three letters in every piece
            present = np.zeros(26**3, dtype=bool)
            for _, seen in mine:
                present |= seen
            ids = np.flatnonzero(present)
            remap = np.zeros(26**3, dtype=np.int32)
            remap[ids] = np.arange(len(ids), dtype=np.int32)
            uniques = _three_letters(ids)
            remaps += [remap] * len(mine)
        else:
            position: dict = {}
            for _, extra in mine:
                names = _three_letters(np.flatnonzero(extra)) if isinstance(extra, np.ndarray) else extra
                remap = np.asarray([position.setdefault(u, len(position)) for u in names] + [-1], dtype=np.int32)
                if isinstance(extra, np.ndarray):  # from a key to its name's position
                    spread = np.zeros(26**3, dtype=np.int32)
                    spread[np.flatnonzero(extra)] = remap[:-1]
                    remap = spread
                remaps.append(remap)
            uniques = list(position)
        start = 0
        for piece_codes, _ in mine:
            writes.append((piece_codes, codes[start : start + len(piece_codes)]))
            start += len(piece_codes)
        results.append((codes, uniques))
    map_in_threads(
        lambda k: (
            np.copyto(writes[k][1], writes[k][0])
            if remaps[k] is None
            else np.take(remaps[k], writes[k][0], out=writes[k][1])
        ),
        range(len(writes)),
        threads,
    )
    return results


def _pointers(objects: np.ndarray, *, copy: bool = True) -> np.ndarray:
    """The object pointers of a contiguous object array, as int64 (no reference taken;
    without ``copy`` a view that must not outlive ``objects``)."""
    n = len(objects)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    raw = np.ctypeslib.as_array((ctypes.c_int64 * n).from_address(objects.ctypes.data))
    return raw.copy() if copy else raw


def _few_pointers(array: np.ndarray, limit: int = 4096):
    """``(codes, objects)`` of an object array holding at most ``limit`` distinct objects,
    by a multiplicative hash of their addresses (checked exactly), else None."""
    pointers = _pointers(array, copy=False).view(np.uint64)
    distinct = np.unique(pointers[: 1 << 16])
    rng = np.random.default_rng(0)
    for _ in range(8):
        if len(distinct) > limit:
            return None
        bits = max(4, int(len(distinct) * 4).bit_length())
        shift = np.uint64(64 - bits)
        for _ in range(16):  # an odd multiplier under which the known addresses do not collide
            multiplier = np.uint64(int(rng.integers(1, 2**62)) * 2 + 1)
            slots = (distinct * multiplier) >> shift
            if len(np.unique(slots)) == len(distinct):
                break
        else:
            return None
        table = np.zeros(1 << bits, dtype=np.int32)
        held = np.zeros(1 << bits, dtype=np.uint64)
        table[slots.view(np.int64)] = np.arange(len(distinct))
        held[slots.view(np.int64)] = distinct
        slot = pointers * multiplier
        slot >>= shift
        slot = slot.view(np.int64)
        unseen = held[slot] != pointers
        if not unseen.any():
            codes = table[slot]
            objects = np.empty(len(distinct), dtype=object)
            objects[:] = [ctypes.cast(int(p), ctypes.py_object).value for p in distinct.tolist()]
            return codes, objects
        distinct = np.union1d(distinct, np.unique(pointers[unseen]))
    return None


def text_codes(values) -> tuple[np.ndarray, list]:
    """Exact factorisation of a text column: ``(codes, uniques)``, ``uniques[codes]`` equal
    to the values, code -1 for missing values (as ``pandas.factorize``). The order of
    ``uniques`` is unspecified.

    Examples
    --------
    >>> codes, uniques = text_codes(pd.Series(["PAK", "IRN", "PAK"]))
    >>> [uniques[c] for c in codes]
    ['PAK', 'IRN', 'PAK']
    """
    chunked = _arrow_chunks(values)
    if chunked is not None:
        return _arrow_codes([chunked], workers_for(None, len(chunked)))[0]
    if isinstance(getattr(values, "dtype", None), pd.CategoricalDtype):  # coded already
        categorical = values.array if isinstance(values, pd.Series) else pd.Categorical(values)
        return np.asarray(categorical.codes, dtype=np.int32), list(categorical.categories)
    array = np.asarray(values)
    if array.dtype == object and array.flags.c_contiguous and len(array):
        # a few shared objects (as read_events returns): codes of the pointers, then the
        # distinct objects merged by value (equal strings held by different objects)
        found = _few_pointers(array)
        if found is not None:
            pointer_codes, objects = found
            value_codes, uniques = pd.factorize(pd.Series(objects, dtype=object), use_na_sentinel=True)
            return value_codes[pointer_codes].astype(np.int32), list(uniques)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes.astype(np.int32), list(uniques)


def text_codes_of(columns, vocabularies=None) -> list:
    """:func:`text_codes` of several columns, in threads when they are long (numpy and
    pyarrow release the GIL while they work); arrow columns are coded piece by piece in
    one pool. ``vocabularies``: per column, None or a list of the strings its values are
    expected to be; arrow pieces of those values only are coded by look-up into the list
    (whose every entry is then among the uniques, present or not)."""
    columns = list(columns)
    chunks = [_arrow_chunks(column) for column in columns]
    if columns and all(chunked is not None for chunked in chunks):
        return _arrow_codes(chunks, workers_for(None, sum(map(len, columns))), vocabularies)
    long = len(columns) > 1 and min(map(len, columns)) >= 400_000
    return map_in_threads(text_codes, columns, len(columns) if long else 1)


def spread_text(values: list, codes: np.ndarray, dtype):
    """``values[codes]`` (code -1: the last value) as a pandas text array of ``dtype`` (a
    ``StringDtype``), built by one arrow ``take`` where pandas stores strings in pyarrow."""
    codes = np.where(codes < 0, len(values) - 1, codes)
    if getattr(dtype, "storage", None) == "pyarrow":
        import pyarrow as pa

        return pd.array(pa.array(values, type=pa.large_string()).take(pa.array(codes)), dtype=dtype)
    return pd.array(np.asarray(values, dtype=object)[codes], dtype=dtype)


class PairKeys(NamedTuple):
    """One integer per row for the pair of values of two coded text columns:
    ``key = code_a * width + code_b`` (``width`` the number of distinct values of the
    second), and the sorted distinct keys ``seen``."""

    key: np.ndarray
    seen: np.ndarray
    width: int
    same: np.ndarray | None = None


def pair_keys(a, b, *, equal: bool = False, unless=None) -> PairKeys | None:
    """:class:`PairKeys` of two columns given as their :func:`text_codes`, computed slice
    by slice in threads on long columns; None if a value is missing (code -1) or the
    pairs of distinct values are too many (over 2**22) for a table. With ``equal``, also
    ``same``: :func:`equal_text` of the two columns (with ``unless``), made in the same
    pass from a table of every pair of distinct values.

    Examples
    --------
    >>> pairs = pair_keys((np.array([0, 1, 0]), ["PAK", "IRN"]), (np.array([1, 0, 1]), ["PAK", "IRN"]))
    >>> pairs.key.tolist(), pairs.seen.tolist()
    ([1, 2, 1], [1, 2])
    """
    codes_a, uniques_a = a
    codes_b, uniques_b = b
    width = len(uniques_b)
    if not 0 < len(uniques_a) * width <= 2**22:
        if len(codes_a):
            return None
        return PairKeys(np.zeros(0, np.int32), np.zeros(0, np.int64), width, np.zeros(0, bool) if equal else None)
    n = len(codes_a)
    key = _memory.empty(n, dtype=np.int32)
    present = np.zeros(len(uniques_a) * width, dtype=bool)
    negative = []
    same = _memory.empty(n, dtype=bool) if equal else None
    table = _equal_pairs(uniques_a, uniques_b, unless) if equal else None

    def part(lo: int, hi: int) -> None:
        k = key[lo:hi]
        np.multiply(codes_a[lo:hi], np.int32(width), out=k, dtype=np.int32, casting="unsafe")
        if k.min() < 0 or codes_b[lo:hi].min() < 0:
            negative.append(lo)
            return
        k += codes_b[lo:hi]
        present[k] = True  # (threads may set one flag twice: both write True)
        if same is not None and table is not None:
            np.take(table, k, out=same[lo:hi])

    in_slices(part, n, _PIECE)
    if negative:
        return None
    return PairKeys(key, np.flatnonzero(present), width, same)


def _numbers(uniques_a, uniques_b, unless) -> tuple[np.ndarray, np.ndarray]:
    """Every distinct value of two columns numbered once, even one with two codes (``"pak"``
    and ``"PAK"`` once cleaned); ``unless`` takes -1 in the first, -2 in the second: equal
    to nothing."""
    joint: dict = {}
    number_a = [joint.setdefault(v, len(joint)) if unless is None or v != unless else -1 for v in uniques_a]
    number_b = [joint.setdefault(v, len(joint)) if unless is None or v != unless else -2 for v in uniques_b]
    return np.asarray(number_a, dtype=np.int64), np.asarray(number_b, dtype=np.int64)


def _equal_pairs(uniques_a, uniques_b, unless) -> np.ndarray:
    """For every pair (value of a, value of b), by key: equal and not ``unless``."""
    return np.equal.outer(*_numbers(uniques_a, uniques_b, unless)).reshape(-1)


def spread(table: np.ndarray, key: np.ndarray) -> np.ndarray:
    """``table[key]``, slice by slice in threads on long inputs."""
    out = _memory.empty(len(key), dtype=table.dtype)
    in_slices(lambda lo, hi: np.take(table, key[lo:hi], out=out[lo:hi]), len(key), _PIECE)
    return out


def equal_text(a, b, *, unless=None) -> np.ndarray:
    """``(a == b) & (a != unless)`` row by row for two text columns (missing values equal
    nothing), from their codes rather than string by string. A column may also be given
    as its :func:`text_codes` pair ``(codes, uniques)``.

    Examples
    --------
    >>> equal_text(pd.Series(["PAK", "IRN", None, ""]), pd.Series(["PAK", "PAK", None, ""]), unless="").tolist()
    [True, False, False, False]
    """
    codes_a, uniques_a = a if isinstance(a, tuple) else text_codes(a)
    codes_b, uniques_b = b if isinstance(b, tuple) else text_codes(b)
    pairs = pair_keys((codes_a, uniques_a), (codes_b, uniques_b), equal=True, unless=unless)
    if pairs is not None and pairs.same is not None:  # decided once per pair of distinct values
        return pairs.same
    # missing values (code -1) take numbers nothing else has
    number_a, number_b = _numbers(uniques_a, uniques_b, unless)
    return np.append(number_a, -3)[codes_a] == np.append(number_b, -4)[codes_b]


def missing_text(index: pd.Index) -> pd.Series:
    """``pd.Series(pd.NA, index=index, dtype="string")``, without spreading a scalar row by
    row (built as one arrow null array where pandas stores strings in pyarrow)."""
    dtype = pd.StringDtype()
    if dtype.storage == "pyarrow":
        import pyarrow as pa

        return pd.Series(pd.array(pa.nulls(len(index), pa.large_string()), dtype=dtype), index=index)
    return pd.Series(pd.NA, index=index, dtype="string")


def dyad_codes(source: np.ndarray, target: np.ndarray, n_countries: int, *, directed: bool):
    """Dyad of each row from two country codes (``0 .. n_countries - 1``, in the
    countries' sorted order): ``(codes, pairs)`` with ``pairs`` the sorted distinct
    ``(first, second)`` country codes and ``codes`` each row's index into them.

    Examples
    --------
    >>> codes, pairs = dyad_codes(np.array([2, 0, 1]), np.array([0, 2, 0]), 3, directed=False)
    >>> codes.tolist(), pairs.tolist()
    ([1, 1, 0], [[0, 1], [0, 2]])
    """
    size = n_countries * n_countries
    kind = np.int32 if size < 2**31 else np.int64
    source = source.astype(kind, copy=False)
    target = target.astype(kind, copy=False)
    if directed:
        key = source * kind(n_countries)
        key += target
    else:
        key = np.minimum(source, target)
        key *= kind(n_countries)
        key += np.maximum(source, target)
    if size <= 4 * len(key) + 2**20:
        present = np.zeros(size, dtype=bool)
        present[key] = True
        distinct = np.flatnonzero(present)
        remap = np.cumsum(present, dtype=kind) - 1
        codes = remap[key]
    else:
        distinct, codes = np.unique(key, return_inverse=True)
    pairs = np.stack([distinct // n_countries, distinct % n_countries], axis=1)
    return codes, pairs


def _arrow_strings() -> bool:
    """Whether pandas stores inferred strings as pyarrow strings (pandas 3 with pyarrow)."""
    dtype = pd.Series(["x"]).dtype
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


_INFERRED = None


def labels(names, codes: np.ndarray):
    """``names[codes]`` as the array pandas would make of those strings: pyarrow strings
    (built by one ``take`` in C) where pandas infers them, else an object array.

    Examples
    --------
    >>> list(labels(["IRN-PAK", "AFG-PAK"], np.array([1, 0, 0])))
    ['AFG-PAK', 'IRN-PAK', 'IRN-PAK']
    """
    global _INFERRED
    if _INFERRED is None:
        _INFERRED = pd.Series(["x"]).dtype if _arrow_strings() else False
    names = np.asarray(names, dtype=object)
    if _INFERRED is False:
        return names[codes]
    import pyarrow as pa

    encoded = [str(name).encode() for name in names]
    width = len(encoded[0]) if encoded else 0
    if width and all(len(e) == width for e in encoded):
        # labels of one byte length (ISO codes): the string buffers built directly, the
        # bytes of each row copied from a table of fixed-width records (in threads)
        table = np.frombuffer(b"".join(encoded), dtype=f"V{width}")
        data = spread(table, codes)
        offsets = _memory.empty(len(codes) + 1, dtype=np.int64)
        in_slices(lambda lo, hi: np.multiply(np.arange(lo, hi), width, out=offsets[lo:hi]), len(offsets), _PIECE)
        array = pa.LargeStringArray.from_buffers(len(codes), pa.py_buffer(offsets), pa.py_buffer(data))
        return pd.array(array, dtype=_INFERRED)
    return pd.array(pa.array(names, type=pa.large_string()).take(pa.array(codes)), dtype=_INFERRED)


# --- the marker of a validated frame ----------------------------------------------------

_KEY = "_tension_validated"
#: columns whose content the marker vouches for (what validation checks and scoring reads)
READ = ("date", "source", "target", "kind", "killed", "injured", "confidence", "weight", "cameo")


class _Same:
    """Equal to another ``_Same`` of the very same object while it lives (a weak
    reference: a dead or replaced object never matches, and its address may be reused
    without a false match). O(1) whatever the object's size or number of chunks."""

    __slots__ = ("ref",)

    def __init__(self, obj) -> None:
        self.ref = weakref.ref(obj)

    def __eq__(self, other) -> bool:
        if not isinstance(other, _Same):
            return NotImplemented
        held = self.ref()
        return held is not None and held is other.ref()

    __hash__ = None  # type: ignore[assignment]


def _column_digest(column: pd.Series) -> tuple:
    """A digest of one column's content: identity of every stored object or bit pattern,
    mixed with position-dependent odd multipliers (one change always shows)."""
    array = column.array
    chunked = getattr(array, "_pa_array", None)
    if chunked is not None:  # immutable: the very same arrow array (pandas replaces it on a change)
        return ("arrow", _Same(chunked))
    if isinstance(column.dtype, pd.CategoricalDtype):  # the codes and what they stand for
        categories = tuple(map(repr, column.cat.categories))
        return ("category", column.cat.ordered, categories, _column_digest(pd.Series(column.array.codes)))
    values = getattr(array, "_ndarray", None)
    if values is None:
        values = np.asarray(array)
    values = np.ascontiguousarray(values)
    if values.dtype == object:
        bits = _pointers(values, copy=False).view(np.uint64)
    elif values.dtype.itemsize == 8:
        bits = values.view(np.uint64)
    elif values.dtype.itemsize in (1, 2, 4):  # the bits, widened (a float32's value cast would lose them)
        bits = values.view(f"u{values.dtype.itemsize}").astype(np.uint64)
    else:
        bits = values.astype(np.uint64)
    mask = getattr(array, "_mask", None)
    extra = () if mask is None else (int(np.packbits(mask).view(np.uint8).sum()), int(np.flatnonzero(mask).sum()))
    return (str(values.dtype), _weighted_sum(bits), *extra)


#: Positions per chunk of a digest: each chunk is weighted by the same odd multipliers,
#: times an odd multiplier of its own.
_CHUNK = 1 << 16
_WEIGHTS = (np.arange(_CHUNK, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)) | np.uint64(1)


def _mix(chunk: np.ndarray, out: np.ndarray, scratch: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser of each value into ``out`` (a bijection of 64-bit values):
    a plain weighted sum of the bits lets edits cancel out (negating two floats flips two
    sign bits, 2**63 each; codes changed by +1, -2, +1 at rows 0, 2, 4 meet the weights'
    arithmetic progression), mixed values do not."""
    np.right_shift(chunk, np.uint64(30), out=out)
    np.bitwise_xor(out, chunk, out=out)
    np.multiply(out, np.uint64(0xBF58476D1CE4E5B9), out=out)
    np.right_shift(out, np.uint64(27), out=scratch)
    np.bitwise_xor(out, scratch, out=out)
    np.multiply(out, np.uint64(0x94D049BB133111EB), out=out)
    np.right_shift(out, np.uint64(31), out=scratch)
    np.bitwise_xor(out, scratch, out=out)
    return out


def _weighted_sum(bits: np.ndarray) -> int:
    """``sum(mix(bits[i]) * w_i)`` modulo 2**64 with an odd weight ``w_i`` per position (so
    one changed value always changes the sum), from a fixed table of weights per chunk;
    each value mixed first (:func:`_mix`) so that several changes do not cancel. Long
    columns are summed in threads, a run of chunks each (the sum does not depend on how)."""
    chunks = range(0, len(bits), _CHUNK)
    workers = workers_for(None, len(bits))
    cuts = [len(chunks) * k // workers for k in range(workers + 1)]
    parts = map_in_threads(lambda k: _chunk_sums(bits, chunks[cuts[k] : cuts[k + 1]]), range(workers), workers)
    with np.errstate(over="ignore"):
        return int(np.sum(np.array(parts, dtype=np.uint64), dtype=np.uint64))


def _chunk_sums(bits: np.ndarray, starts: range) -> np.uint64:
    """The terms of :func:`_weighted_sum` of the chunks that begin at ``starts``."""
    total = np.uint64(0)
    mixed = np.empty(min(len(bits), _CHUNK), dtype=np.uint64)
    scratch = np.empty_like(mixed)
    with np.errstate(over="ignore"):
        for start in starts:
            chunk = bits[start : start + _CHUNK]
            n = len(chunk)
            values = _mix(chunk, mixed[:n], scratch[:n])
            k = np.uint64(start // _CHUNK)
            total += np.dot(values, _WEIGHTS[:n]) * (np.uint64(2) * k + np.uint64(0x2545F4914F6CDD1D | 1))
    return total


def _fingerprint(frame: pd.DataFrame, columns=None) -> tuple:
    """Shape, names, dtypes and a digest of each column of :data:`READ`; ``columns`` (name
    -> Series) are those columns as the frame was built from them (no lookups)."""
    columns = frame if columns is None else columns
    digests = tuple(_column_digest(columns[c]) for c in READ if c in frame.columns)
    return (frame.shape, tuple(map(str, frame.columns)), tuple(map(str, frame.dtypes)), digests)


class _Marker(dict):
    """The token: a weak reference to the frame it was made for, and its fingerprint.
    Copies of the token (pandas copies ``attrs`` to every derived frame) are void. An
    empty ``dict`` to JSON (``to_parquet`` writes ``attrs`` as JSON): a frame read back is
    validated again."""

    __slots__ = ("frame", "fingerprint", "kinds", "codes")

    def __init__(self, frame=None, kinds=frozenset(), codes=None, fingerprint=True, columns=None):
        super().__init__()
        self.frame = weakref.ref(frame) if frame is not None else None
        # without a fingerprint the token only carries the codes: never "validated"
        self.fingerprint = _fingerprint(frame, columns) if frame is not None and fingerprint else None
        self.kinds = frozenset(kinds)
        self.codes = dict(codes or {})

    def __deepcopy__(self, memo):
        return _Marker()

    def __copy__(self):
        return _Marker()

    def __reduce__(self):
        return (_Marker, ())

    def __eq__(self, other) -> bool:  # (one token is itself only, as before it was a dict)
        return self is other

    def __ne__(self, other) -> bool:
        return self is not other

    def __bool__(self) -> bool:  # (a token, empty as a dict or not)
        return True

    __hash__ = None

    def __repr__(self) -> str:
        return "<validated by tension.read_events>" if self.frame is not None else "<void>"


def mark(frame: pd.DataFrame, kinds, codes=None, fingerprint: bool = True, columns=None) -> pd.DataFrame:
    """Mark ``frame`` (in place) as validated, with the kinds known then and the
    :func:`text_codes` of some of its columns (``{column: (codes, uniques)}``); without
    ``fingerprint`` the mark only carries the codes and never says "validated".
    ``columns`` (name -> Series) are the Series the frame was just built from, digested
    instead of looking each column up again."""
    frame.attrs[_KEY] = _Marker(frame, kinds, codes, fingerprint, columns)
    return frame


def codes_of(frame, column: str):
    """The :func:`text_codes` of a column of a marked frame, kept by :func:`mark` (valid
    as long as the frame is: call :func:`is_marked` first), else computed."""
    token = frame.attrs.get(_KEY) if isinstance(frame, pd.DataFrame) else None
    if isinstance(token, _Marker) and token.frame is not None and token.frame() is frame and column in token.codes:
        return token.codes[column]
    return text_codes(frame[column])


def kept(frame, name: str):
    """What :func:`mark` keeps under ``name`` for a marked frame (``"pairs"``: the
    :func:`pair_keys` of source and target), else None."""
    token = frame.attrs.get(_KEY) if isinstance(frame, pd.DataFrame) else None
    if isinstance(token, _Marker) and token.frame is not None and token.frame() is frame:
        return token.codes.get(name)
    return None


def forget_codes(frame) -> None:
    """Drop the codes a mark keeps (the memory of three integer columns)."""
    token = frame.attrs.get(_KEY) if isinstance(frame, pd.DataFrame) else None
    if isinstance(token, _Marker):
        token.codes = {}


def is_marked(frame, kinds) -> bool:
    """Whether ``frame`` came out of ``read_events`` with no kind unknown to ``kinds``
    and has not changed since."""
    if not isinstance(frame, pd.DataFrame):
        return False
    token = frame.attrs.get(_KEY)
    if not isinstance(token, _Marker) or token.frame is None or token.frame() is not frame:
        return False
    if token.fingerprint is None:
        return False
    if not token.kinds <= set(kinds):
        return False  # validated with kinds these weights do not know
    return token.fingerprint == _fingerprint(frame)
