"""The fast end-to-end path: validation once, the numba engine, the same values either way."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import RTOL
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import event_scores as ref_scores
from reference import half_life_of, rows_of, tension_at
from strategies import event_rows, events, frame

import tension as tn
from tension import _prepare
from tension.exceptions import EventError
from tension.taxonomy import kind_quad_classes, resolve_weights


@given(events, st.sampled_from([30.0, {"material_conflict": 60, "default": 10}]))
def test_a_read_events_frame_scores_as_the_raw_frame(ev, half_life):
    raw = tn.score_events(ev, half_life=half_life)
    validated = tn.score_events(tn.read_events(ev, duplicates="keep"), half_life=half_life)
    pd.testing.assert_frame_equal(raw, validated, check_exact=True)


@pytest.fixture
def calls(monkeypatch):
    seen = []
    real = _prepare.for_scoring

    def spy(*args, **kwargs):
        seen.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(_prepare, "for_scoring", spy)
    return seen


def test_a_validated_frame_is_not_validated_again(calls):
    ev = tn.read_events(tn.datasets.pakistan_iran_2024())
    tn.score_events(ev)
    tn.score(ev, at="2024-02-01")
    assert calls == []
    tn.score_events(ev.copy())  # a copy is a new frame: validated again
    assert calls == [1]


def test_a_changed_frame_is_validated_again(calls):
    ev = tn.read_events(tn.datasets.pakistan_iran_2024())
    ev.loc[ev.index[0], "target"] = "XXX"  # in place, same shape and columns
    with pytest.raises(EventError, match="not an ISO 3166-1 alpha-3 country code"):
        tn.score_events(ev)
    assert calls == [1]


def test_a_frame_validated_with_user_kinds_needs_them_to_score():
    ev = tn.read_events(tn.datasets.pakistan_iran_2024().assign(kind="my_kind"), weights={"my_kind": 3.0})
    with pytest.raises(EventError, match="unknown kind 'my_kind'"):
        tn.score_events(ev)
    assert (tn.score_events(ev, weights={"my_kind": 3.0})["score"] > 0).all()


@settings(deadline=None)
@given(event_rows(max_size=40, hours=True).map(frame), st.sampled_from([30.0, {"talks": 3, "default": 20}]))
def test_numba_engine_matches_numpy_engine_and_the_plain_loop(ev, half_life):
    pytest.importorskip("numba")
    fast = tn.score_events(ev, half_life=half_life, engine="numba")
    ours = tn.score_events(ev, half_life=half_life)
    pd.testing.assert_frame_equal(fast, ours, check_exact=False, rtol=1e-12, atol=1e-12)
    norm = tn.read_events(ev, duplicates="keep")
    rows = rows_of(norm)
    scores = ref_scores(rows, resolve_weights())
    lives = [half_life_of(r["kind"], half_life, kind_quad_classes()) for r in rows]
    for i, row in zip(fast.index, rows, strict=True):
        t, h, c = tension_at(rows, scores, lives, fast.loc[i, "dyad"], row["date"])
        assert abs(fast.loc[i, "tension"] - t) <= RTOL * max(h + c, 1e-300)
        assert fast.loc[i, "hostile"] == pytest.approx(h, rel=RTOL, abs=1e-300)


def test_engine_is_checked():
    with pytest.raises(ValueError, match="engine must be one of"):
        tn.score_events(tn.datasets.pakistan_iran_2024(), engine="gpu")


def test_dyad_labels_are_the_strings_pandas_makes():
    out = tn.score_events(tn.datasets.pakistan_iran_2024())
    assert out["dyad"].dtype == pd.Series(["IRN-PAK"]).dtype
    assert set(out["dyad"]) == {"IRN-PAK"}


def test_many_countries_and_directed_dyads_against_python_labels():
    rng = np.random.default_rng(1)
    codes = np.array(["AFG", "IRN", "PAK", "IND", "CHN", "USA", "RUS", "UKR"])
    n = 500
    a, b = rng.integers(0, 8, n), rng.integers(1, 8, n)
    frame_ = pd.DataFrame(
        {
            "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D"),
            "source": codes[a],
            "target": codes[(a + b) % 8],
            "kind": "threat",
        }
    )
    for directed in (False, True):
        out = tn.score_events(frame_, directed=directed)
        want = [
            f"{s}->{t}" if directed else "-".join(sorted((s, t)))
            for s, t in zip(frame_["source"], frame_["target"], strict=True)
        ]
        assert out["dyad"].tolist() == want


def test_a_frame_read_for_scoring_is_never_taken_for_validated():
    from tension import _columns, events
    from tension.taxonomy import resolve_weights

    ev = events.for_scoring(tn.datasets.pakistan_iran_2024())
    assert not _columns.is_marked(ev, resolve_weights(None))
    codes, uniques = _columns.codes_of(ev, "source")
    assert [uniques[c] for c in codes] == ev["source"].tolist()
    assert not _columns.is_marked(tn.read_events(ev).copy(), resolve_weights(None))


@given(
    st.lists(st.sampled_from(["AFG", "IRN", "PAK", "IND", "CHN", "USA", "RUS", None]), min_size=1, max_size=60),
    st.lists(st.sampled_from(["AFG", "IRN", "PAK", "IND", "CHN", "USA", "RUS", None]), min_size=60, max_size=60),
    st.booleans(),
)
def test_dyad_codes_by_table_and_country_by_country_agree(sources, targets, directed):
    # the table of (source value, target value) keys, and the fallback for missing values
    from tension._prepare import dyad_codes

    targets = targets[: len(sources)]
    names, codes = dyad_codes(pd.Series(sources, dtype=object), pd.Series(targets, dtype=object), directed)
    labels = names[codes]
    for s, t, got in zip(sources, targets, labels, strict=True):
        if s is None or t is None:
            continue  # (a missing code: refused by validation before any dyad is made)
        assert got == (f"{s}->{t}" if directed else "-".join(sorted((s, t))))
    assert list(names) == sorted(names) and len(set(names)) == len(names)


def test_a_frame_of_many_arrow_chunks_is_marked_by_identity(calls):
    # pd.concat of many small frames: thousands of chunks per text column
    small = tn.read_events(tn.datasets.pakistan_iran_2024()).iloc[:3][["date", "source", "target", "kind"]]
    raw = pd.concat([small] * 2_000, ignore_index=True)
    assert raw["target"].array._pa_array.num_chunks == 2_000
    ev = tn.read_events(raw, duplicates="keep")
    tn.score_events(ev)
    assert calls == []
    ev.loc[ev.index[-1], "target"] = "XXX"  # one value of the last chunk, in place
    with pytest.raises(EventError, match="not an ISO 3166-1 alpha-3 country code"):
        tn.score_events(ev)
    assert calls == [1]


def test_same_object_digest_is_identity_of_live_objects():
    import pyarrow as pa

    from tension._columns import _Same

    a = pa.chunked_array([pa.array(["PAK"])])
    b = pa.chunked_array([pa.array(["PAK"])])  # equal content, another object
    assert _Same(a) == _Same(a) and _Same(a) != _Same(b)
    held = _Same(b)
    del b
    assert held != held  # a dead object matches nothing, not even itself


def test_validated_frames_and_readers_output_save_to_parquet(tmp_path):
    """pandas writes attrs as JSON: the marker and the report failed with a TypeError. The
    marker is an empty dict there (a frame read back is validated again); the report keeps
    its counts."""
    events = tn.read_events(tn.datasets.path("pakistan_iran_2024.csv"))
    events.to_parquet(tmp_path / "events.parquet")
    back = pd.read_parquet(tmp_path / "events.parquet")
    assert not tn._columns.is_marked(back, events.attrs["_tension_validated"].kinds)
    pd.testing.assert_frame_equal(tn.score_events(back), tn.score_events(events))
    gdelt = tn.io.read_gdelt(tn.datasets.path("gdelt2_20170101073000.export.CSV"))
    gdelt.to_parquet(tmp_path / "gdelt.parquet")
    report = pd.read_parquet(tmp_path / "gdelt.parquet").attrs["report"]
    assert report["kept"] == gdelt.attrs["report"].kept == 62
    assert report["skipped"] == gdelt.attrs["report"].skipped


def test_reports_and_markers_as_dicts_keep_their_comparisons():
    from tension._columns import _Marker
    from tension.io._report import ReadReport

    a, b = ReadReport("read_x", ["f"], rows=3, kept=2), ReadReport("read_y", ["g"], rows=9, kept=1)
    assert a != b and not (a == b) and a == ReadReport("read_x", ["f"], rows=3, kept=2) and bool(a)
    one, two = _Marker(), _Marker()
    assert one != two and one == one and bool(one)
