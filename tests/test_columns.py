"""Fast column coding and the validated-frame marker, against plain pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tension as tn
from tension import _columns

codes3 = st.text(alphabet="ABCXYZ", min_size=3, max_size=3)
texts = st.one_of(codes3, st.text(alphabet="abAB -_é", max_size=5))


@given(
    st.lists(st.one_of(codes3, texts, st.none()), max_size=60), st.sampled_from(["object", "str", "arrow", "category"])
)
def test_text_codes_is_an_exact_factorisation(values, storage):
    if storage == "object":
        series = pd.Series(values, dtype=object)
    elif storage == "category":  # with a category no row uses
        series = pd.Series(pd.Categorical(values, categories=sorted({v for v in values if v is not None} | {"ZZZ"})))
    else:
        pytest.importorskip("pyarrow")
        series = pd.Series(values, dtype="string[pyarrow]" if storage == "arrow" else None)
        if storage == "str" and not all(isinstance(v, str) for v in values):
            series = pd.Series(values, dtype="string[pyarrow]")
    codes, uniques = _columns.text_codes(series)
    assert len(codes) == len(values)
    assert len(set(map(str, uniques))) == len(uniques)  # no value twice
    for value, code in zip(values, codes, strict=True):
        if value is None:
            assert code == -1
        else:
            assert uniques[code] == value


@given(
    st.lists(st.lists(st.one_of(codes3, texts, st.none()), max_size=12), min_size=1, max_size=5),
    st.integers(1, 4),
    st.integers(0, 3),
)
def test_arrow_columns_are_coded_piece_by_piece(chunks, piece, drop):
    """Several chunks, cut into pieces (some three letters, some not, some sliced),
    coded in threads: the same factorisation as one pass over the values."""
    pa = pytest.importorskip("pyarrow")
    chunked = pa.chunked_array([pa.array(chunk, type=pa.large_string()) for chunk in chunks], type=pa.large_string())
    chunked = chunked.slice(min(drop, len(chunked)))
    values = chunked.to_pylist()
    saved = _columns._PIECE
    _columns._PIECE = piece
    # a vocabulary that holds every value, and one that misses some (those pieces hashed)
    every = sorted({v for v in values if v is not None} | {"PAK", "zz"})
    some = every[: len(every) // 2]
    try:
        found = _columns._arrow_codes([chunked, chunked, chunked, chunked], 3, [None, None, every, some])
    finally:
        _columns._PIECE = saved
    (codes, uniques), (again, _) = found[:2]
    assert codes.dtype == np.int32 and np.array_equal(codes, again)
    for codes, uniques in found:
        assert len(set(uniques)) == len(uniques)
        assert [None if c < 0 else uniques[c] for c in codes] == values
    if None not in values and len(values):
        assert found[2][1] == every  # looked up: the uniques are the vocabulary


def test_a_column_of_many_small_chunks_is_coded_in_few_pieces():
    """pd.concat of many small frames makes one arrow chunk per frame: they are combined
    first, not coded one by one."""
    pa = pytest.importorskip("pyarrow")
    chunked = pa.chunked_array([pa.array(["PAK", "IRN", "threat"][k % 3 :]) for k in range(3_000)])
    assert len(_columns._pieces(chunked)) == 1
    codes, uniques = _columns.text_codes(pd.Series(pd.arrays.ArrowExtensionArray(chunked)))
    assert [uniques[c] for c in codes] == chunked.to_pylist()


def test_three_letter_codes_from_the_arrow_buffers():
    pa = pytest.importorskip("pyarrow")
    values = ["PAK", "IRN", "PAK", "AFG"]
    for kind in (pa.string(), pa.large_string()):
        array = pa.array(["XX", *values], type=kind).slice(1)  # an offset into the buffers
        keys = _columns._upper3_keys(array)
        assert keys.tolist() == [(ord(a) - 65) * 676 + (ord(b) - 65) * 26 + ord(c) - 65 for a, b, c in values]
    # the first and the last keys are keys (the guard refuses only what is below or above them)
    assert _columns._upper3_keys(pa.array(["AAA", "ZZZ"])).tolist() == [0, 17575]
    for bad in (["PAK", "pak"], ["PAK", "PA"], ["PAK", None], ["PAK", "P@K"], ["PAK", "PA["], ["[AK"], ["PAKI"]):
        assert _columns._upper3_keys(pa.array(bad)) is None


def test_text_codes_of_shared_objects_merges_equal_strings():
    a, b = "".join(["P", "AK"]), "".join(["PA", "K"])  # equal strings, distinct objects
    assert a == b and a is not b
    values = np.array([a, b, "IRN"] * 50, dtype=object)
    codes, uniques = _columns.text_codes(pd.Series(values))
    assert [uniques[c] for c in codes] == values.tolist()
    assert len(uniques) == 2


@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=80), st.booleans())
def test_dyad_codes_against_sorted_pairs(rows, directed):
    source = np.array([r[0] for r in rows], dtype=np.int64)
    target = np.array([r[1] for r in rows], dtype=np.int64)
    codes, pairs = _columns.dyad_codes(source, target, 10, directed=directed)
    keys = [(s, t) if directed else (min(s, t), max(s, t)) for s, t in rows]
    assert [tuple(p) for p in pairs.tolist()] == sorted(set(keys))
    assert [tuple(pairs[c]) for c in codes] == keys


def test_labels_are_the_strings_pandas_would_make():
    names = np.array(["AFG-PAK", "IRN-PAK"], dtype=object)
    got = pd.Series(_columns.labels(names, np.array([1, 0, 1])))
    want = pd.Series(["IRN-PAK", "AFG-PAK", "IRN-PAK"])
    pd.testing.assert_series_equal(got, want)


@pytest.mark.parametrize("names", [["AFG-PAK", "IRN-PAK", "IRN-ÖST"], ["PAK->IRN", "IRN->PAK"], ["A-B", "AB-CD"]])
def test_labels_of_many_rows_in_slices(monkeypatch, names):
    codes = np.random.default_rng(0).integers(0, len(names), 1_000).astype(np.int32)
    monkeypatch.setattr(_columns, "_PIECE", 64)
    got = pd.Series(_columns.labels(np.array(names, dtype=object), codes))
    pd.testing.assert_series_equal(got, pd.Series([names[c] for c in codes]))


@pytest.fixture
def validated():
    raw = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]),
            "source": ["PAK", "IRN", "PAK"],
            "target": ["IRN", "PAK", "AFG"],
            "kind": ["airstrike", "talks", "threat"],
            "weight": [1.0, np.nan, 2.0],
        }
    )
    return tn.read_events(raw)


CHANGES = {
    "set a country in place": lambda f: f.loc.__setitem__((1, "source"), "AFG"),
    "set a column": lambda f: f.__setitem__("source", f["source"].where(f.index != 1, "AFG")),
    "set a cell in place": lambda f: f.loc.__setitem__((1, "killed"), 3),
    "set a weight in place": lambda f: f.loc.__setitem__((0, "weight"), np.inf),
    "set a date in place": lambda f: f.loc.__setitem__((2, "date"), pd.Timestamp("2030-01-01")),
    "replace a column": lambda f: f.__setitem__("kind", ["threat", "threat", "threat"]),
    "add a column": lambda f: f.__setitem__("note", 1),
    "delete a column": lambda f: f.__delitem__("cameo"),
}


DEFAULT = set(tn.taxonomy.resolve_weights(None))


def test_a_frame_from_read_events_is_marked(validated):
    assert _columns.is_marked(validated, DEFAULT)
    assert "_tension_validated" in validated.attrs


@pytest.mark.parametrize(
    "dtypes",
    [
        {},
        {"source": object, "target": object, "kind": object},
        {"source": "category", "kind": "category", "cameo": "category"},
        {"source": "string", "cameo": "string", "weight": "Float64", "killed": "Int64"},
        {"date": "datetime64[us]", "killed": "float32"},
        "pyarrow",
    ],
)
def test_the_mark_holds_whatever_the_input_dtypes(dtypes):
    # the fingerprint is taken from the columns the frame is built from: it must be the
    # frame's own, or every validated frame would be validated again
    raw = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-01-01", "2024-01-02"]),
            "source": ["PAK", "IRN"],
            "target": ["IRN", "PAK"],
            "kind": ["airstrike", "talks"],
            "weight": [1.0, np.nan],
            "killed": [1, 0],
            "cameo": ["190", "036"],
            "note": [1, 2],
        }
    )
    raw = raw.convert_dtypes(dtype_backend="pyarrow") if dtypes == "pyarrow" else raw.astype(dtypes)
    ev = tn.read_events(raw)
    assert _columns.is_marked(ev, DEFAULT)
    ev.loc[0, "killed"] = 5
    assert not _columns.is_marked(ev, DEFAULT)


@pytest.mark.parametrize("change", list(CHANGES))
def test_any_change_voids_the_mark(validated, change):
    CHANGES[change](validated)
    assert not _columns.is_marked(validated, DEFAULT)


def test_changes_that_cancel_in_a_plain_weighted_sum_void_the_mark():
    # negating two floats flips two sign bits (2**63 each), and category codes changed by
    # +1, -2, +1 at rows 0, 2, 4 meet the weights' arithmetic progression: a plain
    # weighted sum of the bits missed both, so a negative confidence went unchecked and
    # the kinds' stale codes scored the old kinds
    raw = pd.DataFrame(
        {
            "date": pd.date_range("2024-01-01", periods=5, freq="30D"),
            "source": ["IRN"] * 5,
            "target": ["PAK"] * 5,
            "kind": pd.Categorical(
                ["airstrike", "threat", "threat", "threat", "airstrike"], ["airstrike", "talks", "threat"]
            ),
            "confidence": [0.5, 1.0, 0.5, 1.0, 0.5],
        }
    )
    ev = tn.read_events(raw)
    ev.loc[[0, 1], "confidence"] = -ev.loc[[0, 1], "confidence"]
    assert not _columns.is_marked(ev, DEFAULT)
    with pytest.raises(tn.EventError, match="outside"):
        tn.score_events(ev)
    ev = tn.read_events(raw)
    ev.loc[[0, 4], "kind"] = "talks"
    ev.loc[2, "kind"] = "airstrike"
    assert not _columns.is_marked(ev, DEFAULT)
    fresh = pd.DataFrame(ev.to_dict("list"))
    assert tn.score_events(ev)["score"].tolist() == tn.score_events(fresh)["score"].tolist()


@pytest.mark.parametrize("derive", ["copy", "head", "assign", "slice", "pickle"])
def test_derived_frames_are_not_marked(validated, derive):
    import pickle

    derived = {
        "copy": lambda f: f.copy(),
        "head": lambda f: f.head(2),
        "assign": lambda f: f.assign(x=1),
        "slice": lambda f: f[f["kind"] != "talks"],
        "pickle": lambda f: pickle.loads(pickle.dumps(f)),
    }[derive](validated)
    assert not _columns.is_marked(derived, DEFAULT)
    assert _columns.is_marked(validated, DEFAULT)


def test_user_kinds_must_still_be_known(validated):
    custom = tn.read_events(validated.assign(kind="my_kind"), weights={"my_kind": 2.0})
    assert _columns.is_marked(custom, tn.taxonomy.resolve_weights({"my_kind": 2.0}))
    assert not _columns.is_marked(custom, DEFAULT)


@given(st.lists(st.tuples(st.one_of(texts, st.none()), st.one_of(texts, st.none())), max_size=60), st.booleans())
def test_equal_text_is_elementwise_equality(pairs, arrow):
    dtype = "string[pyarrow]" if arrow else object
    if arrow:
        pytest.importorskip("pyarrow")
    a = pd.Series([p[0] for p in pairs], dtype=dtype)
    b = pd.Series([p[1] for p in pairs], dtype=dtype)
    got = _columns.equal_text(a, b, unless="")
    want = [x is not None and y is not None and x == y and x != "" for x, y in pairs]
    assert got.tolist() == want


@given(st.lists(st.tuples(texts, texts), max_size=60), st.integers(1, 7))
def test_pair_keys_number_the_pairs_of_values(rows, piece):
    a = _columns.text_codes(pd.Series([r[0] for r in rows], dtype=object))
    b = _columns.text_codes(pd.Series([r[1] for r in rows], dtype=object))
    saved = _columns._PIECE
    _columns._PIECE = piece  # many slices, in threads
    try:
        pairs = _columns.pair_keys(a, b)
        same = _columns.equal_text(a, b, unless="")
        both = _columns.pair_keys(a, b, equal=True, unless="")
    finally:
        _columns._PIECE = saved
    assert pairs.key.dtype == np.int32 and pairs.width == len(b[1])
    assert pairs.key.tolist() == [int(x) * len(b[1]) + int(y) for x, y in zip(a[0], b[0], strict=True)]
    assert pairs.seen.tolist() == sorted(set(pairs.key.tolist()))
    assert same.tolist() == [x == y and x != "" for x, y in rows]
    assert both.same.tolist() == same.tolist() and np.array_equal(both.key, pairs.key)


def test_pair_keys_need_every_value():
    a = (np.array([0, -1], dtype=np.int32), ["PAK"])
    b = (np.array([0, 0], dtype=np.int32), ["IRN"])
    assert _columns.pair_keys(a, b) is None
    assert _columns.equal_text(a, b).tolist() == [False, False]


def test_missing_text_is_an_empty_string_column():
    index = pd.RangeIndex(5)
    pd.testing.assert_series_equal(_columns.missing_text(index), pd.Series(pd.NA, index=index, dtype="string"))


@pytest.mark.parametrize("values", [[], [None, None], ["pak", "PAK "]])
def test_text_codes_of_empty_null_and_unclean_arrow_columns(values):
    pytest.importorskip("pyarrow")
    series = pd.Series(values, dtype="string[pyarrow]").iloc[: len(values)]
    codes, uniques = _columns.text_codes(series.astype("str") if values else series[:0])
    assert [None if c < 0 else uniques[c] for c in codes] == values


def test_the_digest_of_a_long_column_sees_moved_chunks_and_its_last_value(monkeypatch):
    """A column of several chunks of the digest: two chunk-long runs of rows swapped, or
    the last value changed, changes the digest; the digest is the same in any number of
    threads (each sums a run of chunks)."""
    from tension import _columns as C

    n = 3 * C._CHUNK + 1_001
    values = np.random.default_rng(6).normal(size=n)
    digest = C._column_digest(pd.Series(values))
    swapped = values.copy()
    swapped[: C._CHUNK], swapped[C._CHUNK : 2 * C._CHUNK] = values[C._CHUNK : 2 * C._CHUNK], values[: C._CHUNK]
    last = values.copy()
    last[-1] += 1.0
    assert C._column_digest(pd.Series(swapped)) != digest
    assert C._column_digest(pd.Series(last)) != digest
    for workers in (1, 2, 3, 7):
        monkeypatch.setattr(C, "workers_for", lambda threads, n, w=workers: w)
        assert C._column_digest(pd.Series(values)) == digest


def test_the_digest_of_narrow_columns_is_of_their_bits():
    """float32 values were cast to integers (0.5 and 0.7 both 0), so such an edit kept the
    mark; the bits are widened instead."""
    from tension import _columns

    for before, after in (
        (np.array([0.5, 1.0], dtype=np.float32), np.array([0.7, 1.0], dtype=np.float32)),
        (np.array([0.5, 1.0], dtype=np.float16), np.array([0.7, 1.0], dtype=np.float16)),
        (np.array([1, -2], dtype=np.int32), np.array([1, -3], dtype=np.int32)),
    ):
        assert _columns._column_digest(pd.Series(before)) != _columns._column_digest(pd.Series(after))
        assert _columns._column_digest(pd.Series(before)) == _columns._column_digest(pd.Series(before.copy()))
