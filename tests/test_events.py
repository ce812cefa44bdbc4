"""read_events: every bad input gets an error naming row(s), column and value."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import tension as tn


def good(**changes):
    frame = pd.DataFrame(
        {
            "date": ["2024-01-17", "2024-01-18", "2024-01-29"],
            "source": ["IRN", "PAK", "IRN"],
            "target": ["PAK", "IRN", "PAK"],
            "kind": ["airstrike", "airstrike", "talks"],
            "killed": [2, 9, 0],
        }
    )
    for column, values in changes.items():
        frame[column] = values
    return frame


def error_of(frame, **kw) -> tn.EventError:
    with pytest.raises(tn.EventError) as info:
        tn.read_events(frame, **kw)
    return info.value


def test_good_frame_is_normalised():
    out = tn.read_events(good())
    assert list(out.columns) == [
        "date",
        "source",
        "target",
        "kind",
        "killed",
        "injured",
        "confidence",
        "weight",
        "cameo",
        "description",
        "evidence",
        "url",
    ]
    assert out["date"].dtype == "datetime64[ns]"
    assert out["injured"].tolist() == [0, 0, 0]
    assert out["confidence"].tolist() == [1.0, 1.0, 1.0]
    assert out["weight"].isna().all()


def test_missing_required_column():
    err = error_of(good().drop(columns=["target"]))
    assert "column 'target'" in str(err) and "required column is missing" in str(err)
    assert err.problems[0].column == "target"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("2024-13-01", "unparsable date ('2024-13-01')"),
        ("yesterday", "a relative date ('yesterday')"),
        (None, "missing date"),
        ("", "missing date"),
    ],
)
def test_bad_or_missing_date(bad, message):
    err = error_of(good(date=["2024-01-17", bad, "2024-01-29"]))
    assert f"column 'date', row 1: {message}" in str(err)


def test_unknown_kind_lists_known_ones_and_how_to_add():
    err = error_of(good(kind=["airstrike", "air_strike", "talks"]))
    text = str(err)
    assert "column 'kind', row 1: unknown kind 'air_strike'" in text
    assert "known kinds:" in text and "airstrike" in text and "pledge_security_cooperation" in text
    assert "weights={'<kind>': <weight>} in Python" in text and "--weights <kind>=<weight>" in text


@pytest.mark.parametrize("dtype", [object, "str", "category"])
def test_a_missing_kind_is_called_missing_not_unknown_nan(dtype):
    # (it was "unknown kind 'nan'", with the list of known kinds)
    for kinds, missing, unknown in (
        (["airstrike", None, "air_strike"], "row 1", "row 2"),
        ([None, "  ", "talks"], "rows 0, 1", None),
    ):
        text = str(error_of(good(kind=pd.Series(kinds, dtype=dtype))))
        assert f"column 'kind', {missing}: missing kind; every event needs one" in text and "'nan'" not in text
        assert (unknown is None) == ("unknown kind" not in text)
        if unknown:
            assert f"column 'kind', {unknown}: unknown kind 'air_strike'" in text


def test_user_kind_is_accepted_with_weights():
    out = tn.read_events(good(kind=["airstrike", "drone_incursion", "talks"]), weights={"drone_incursion": 6.0})
    assert out["kind"].tolist()[1] == "drone_incursion"


@pytest.mark.parametrize("bad", ["XYZ", "Pakistan", "PK", "586"])
def test_country_code_not_iso_alpha3(bad):
    err = error_of(good(source=["IRN", bad, "IRN"]))
    assert f"column 'source', row 1: not an ISO 3166-1 alpha-3 country code ('{bad}')" in str(err)


def test_lower_case_codes_are_accepted_and_upper_cased():
    out = tn.read_events(good(source=["irn", " pak", "IRN"]))
    assert out["source"].tolist() == ["IRN", "PAK", "IRN"]


def test_missing_country_code():
    err = error_of(good(target=["PAK", None, "PAK"]))
    assert "column 'target', row 1: missing country code" in str(err)


def test_source_equals_target():
    err = error_of(good(target=["IRN", "IRN", "PAK"]))
    assert "column 'target', row 0: target equals source ('IRN')" in str(err)


@pytest.mark.parametrize(
    ("bad", "message"),
    [(-1, "negative count (-1)"), (2.5, "not a whole number (2.5)"), ("many", "not a number ('many')")],
)
def test_bad_casualties(bad, message):
    err = error_of(good(killed=[2, bad, 0]))
    assert f"column 'killed', row 1: {message}" in str(err)


def test_empty_casualty_cells_count_zero():
    out = tn.read_events(good(killed=[2, np.nan, None], injured=[np.nan, 1, 3]))
    assert out["killed"].tolist() == [2, 0, 0] and out["injured"].tolist() == [0, 1, 3]


@pytest.mark.parametrize("bad", [0.0, 1.5, -0.2])
def test_confidence_outside_unit_interval(bad):
    err = error_of(good(confidence=[1.0, bad, 0.5]))
    assert f"column 'confidence', row 1: outside (0, 1] ({bad!r})" in str(err)


@pytest.mark.parametrize(
    "column", [[np.nan, 2e100, 1.0], [-2e100, np.nan, np.nan], [1.0, -np.inf, 1e100], [np.nan] * 3]
)
def test_weights_beyond_the_limit_are_named_whatever_else_the_column_holds(column):
    beyond = [k for k, w in enumerate(column) if abs(w) > 1e100]  # (NaN: empty, never beyond)
    if not beyond:
        assert tn.read_events(good(weight=column))["weight"].isna().sum() == sum(np.isnan(column))
        return
    err = str(error_of(good(weight=column)))
    for k in beyond:
        assert f"column 'weight', row {k}: " + ("not finite" if np.isinf(column[k]) else "too large") in err


@pytest.mark.parametrize("bad", [np.inf, -np.inf])
def test_non_finite_weight(bad):
    err = error_of(good(weight=[np.nan, bad, 1.0]))
    assert "column 'weight', row 1: not finite" in str(err)


def test_numeric_cameo_is_refused_with_a_fix():
    err = error_of(good(cameo=[195, 195, 40]))
    assert "column 'cameo'" in str(err) and "dtype={'cameo': str}" in str(err)


def test_a_number_among_cameo_text_is_refused_not_read_without_its_zero():
    # 36 in a text column was read as "36" (no such code; 036 was meant)
    err = error_of(good(cameo=pd.Series(["036", 36, 190.0], dtype=object)))
    assert "column 'cameo', rows 1, 2: not text (36, 190.0); CAMEO codes are strings with leading zeros" in str(err)


def test_malformed_cameo():
    err = error_of(good(cameo=["195", "19x5", "040"]))
    assert "column 'cameo', row 1: not a CAMEO event code of 2-4 digits ('19x5')" in str(err)


def test_cameo_codes_are_ascii_digits_blanks_missing():
    # digits of other scripts are not CAMEO codes (no table holds them); blanks are missing
    err = error_of(good(cameo=["\u0661\u0669\u0665", "\uff10\uff14\uff10", "040"]))
    assert "rows 0, 1: not a CAMEO event code of 2-4 digits" in str(err)
    ok = tn.read_events(good(cameo=[" 195 ", "", None]))
    assert ok["cameo"].tolist()[0] == "195" and ok["cameo"].isna().tolist() == [False, True, True]


def test_all_problems_are_reported_together_with_index_labels():
    frame = good(killed=[-1, 9, 0], confidence=[1, 1, 2]).set_axis([10, 20, 30])
    frame.loc[20, "kind"] = "nope"
    err = error_of(frame)
    text = str(err)
    assert text.startswith("3 problems in the events:")
    assert (
        "column 'kind', row 20" in text and "column 'killed', row 10" in text and "column 'confidence', row 30" in text
    )


def test_many_bad_rows_are_summarised():
    frame = pd.concat([good()] * 10, ignore_index=True)
    frame["confidence"] = 7
    err = error_of(frame, duplicates="keep")
    assert "rows 0, 1, 2, 3, 4, 5, 6, 7 and 22 more" in str(err)


def test_input_frame_is_not_modified():
    frame = good(source=["irn", "pak", "irn"])
    copy = frame.copy()
    tn.read_events(frame)
    pd.testing.assert_frame_equal(frame, copy)


def test_idempotent():
    once = tn.read_events(good())
    pd.testing.assert_frame_equal(tn.read_events(once), once)


def test_csv_and_parquet_paths(tmp_path):
    frame = good(cameo=["195", "195", "040"])
    frame.to_csv(tmp_path / "ev.csv", index=False)
    frame.to_parquet(tmp_path / "ev.parquet", index=False)
    from_csv = tn.read_events(tmp_path / "ev.csv")
    from_parquet = tn.read_events(str(tmp_path / "ev.parquet"))
    assert from_csv["cameo"].tolist() == ["195", "195", "040"]  # leading zero kept
    pd.testing.assert_frame_equal(from_csv, from_parquet)


@pytest.mark.parametrize(
    "name", ["ev.tsv", "ev.tab", "ev.tsv.gz", "ev.tab.gz", "ev.tsv.bz2", "ev.tsv.xz", "ev.tsv.zip"]
)
def test_tab_separated_files_compressed_or_not(tmp_path, name):
    frame = good(cameo=["195", "195", "040"])
    frame.to_csv(tmp_path / name, sep="\t", index=False)  # (pandas compresses by the name)
    pd.testing.assert_frame_equal(tn.read_events(tmp_path / name), tn.read_events(frame.astype({"cameo": str})))


def test_bad_csv_names_the_file(tmp_path):
    good(kind=["airstrike", "oops", "talks"]).to_csv(tmp_path / "ev.csv", index=False)
    with pytest.raises(tn.EventError, match=r"bad input in .*ev\.csv: column 'kind', row 1"):
        tn.read_events(tmp_path / "ev.csv")


def test_missing_file():
    with pytest.raises(FileNotFoundError, match="no such events file"):
        tn.read_events("does/not/exist.csv")


def test_mixed_time_zones_are_normalised_to_utc_and_said_so():
    frame = good(date=["2024-01-17T10:00+05:00", "2024-01-18T02:00+03:30", "2024-01-29T00:00Z"])
    with pytest.warns(tn.TensionWarning, match="different time zones; all converted to UTC"):
        out = tn.read_events(frame)
    assert str(out["date"].dt.tz) == "UTC"
    assert out["date"].iloc[0] == pd.Timestamp("2024-01-17T05:00Z")
    assert out["date"].iloc[1] == pd.Timestamp("2024-01-17T22:30Z")


def test_single_time_zone_is_converted_to_utc_with_a_warning():
    frame = good(date=pd.to_datetime(["2024-01-17", "2024-01-18", "2024-01-29"]).tz_localize("Asia/Tehran"))
    with pytest.warns(tn.TensionWarning, match="Asia/Tehran; converted to UTC"):
        out = tn.read_events(frame)
    assert out["date"].iloc[0] == pd.Timestamp("2024-01-16T20:30Z")


def test_duplicates_are_kept_and_reported():
    frame = pd.concat([good(), good().iloc[[0]]], ignore_index=True)
    with pytest.warns(tn.TensionWarning, match="rows 0, 3: 2 rows are identical to another row; they are kept"):
        out = tn.read_events(frame)
    assert len(out) == 4
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tn.read_events(frame, duplicates="keep")
    with pytest.raises(tn.EventError, match="identical to another row"):
        tn.read_events(frame, duplicates="raise")


def test_extra_columns_are_kept_after_the_schema():
    out = tn.read_events(good(analyst=["a", "b", "c"]))
    assert out.columns[-1] == "analyst" and out["analyst"].tolist() == ["a", "b", "c"]


@pytest.mark.parametrize("dtype", [object, "str"])
@pytest.mark.parametrize("missing", [False, True])
def test_target_equal_to_source_under_another_spelling_is_refused(dtype, missing):
    """ "PAK" and "pak" are one country: a row from PAK to PAK is refused even when the
    source column spells Pakistan both ways (it was once scored as a dyad PAK-PAK)."""
    frame = pd.DataFrame(
        {
            "date": ["2024-01-01", "2024-01-02", "2024-01-03"],
            "source": ["PAK", "pak", None if missing else "IRN"],
            "target": ["PAK", "IRN", "AFG"],
            "kind": ["threat", "talks", "threat"],
        }
    ).astype({"source": dtype, "target": dtype})
    with pytest.raises(tn.EventError, match=r"column 'target', row 0: target equals source"):
        tn.read_events(frame)
    with pytest.raises(tn.EventError, match=r"column 'target', row 0: target equals source"):
        tn.score_events(frame)


def test_categorical_text_columns_are_read_from_their_codes_and_stay_categorical():
    raw = pd.DataFrame(
        {
            "date": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"],
            "source": pd.Categorical(["PAK", " pak", "IRN", "PAK"], categories=["PAK", " pak", "IRN", "USA"]),
            "target": pd.Categorical(["IRN", "IRN", "AFG", "AFG"]),
            "kind": pd.Categorical(["threat", "talks", "threat ", "airstrike"]),
        }
    )
    ev = tn.read_events(raw)
    assert all(isinstance(ev[c].dtype, pd.CategoricalDtype) for c in ("source", "target", "kind"))
    assert ev["source"].tolist() == ["PAK", "PAK", "IRN", "PAK"]  # " pak" and "PAK": one category
    assert list(ev["source"].cat.categories) == ["PAK", "IRN", "USA"]
    assert ev["kind"].tolist() == ["threat", "talks", "threat", "airstrike"]
    plain = raw.astype({"source": object, "target": object, "kind": object})
    pd.testing.assert_frame_equal(tn.score_events(raw), tn.score_events(plain))
    # categories renamed after validation: the frame is validated again, the new names used
    ev["source"] = ev["source"].cat.rename_categories({"PAK": "IND"})
    assert set(tn.score_events(ev)["dyad"]) == {"IND-IRN", "AFG-IRN", "AFG-IND"}
    with pytest.raises(tn.EventError, match="missing country code"):
        tn.read_events(raw.assign(source=pd.Categorical([None, "PAK", "IRN", "PAK"])))


@pytest.mark.parametrize("directed", [False, True])
def test_an_unused_unknown_category_of_kind_is_no_kind(directed):
    """Rows with a misspelt kind dropped, the category stays (as after a filter, or from a
    Parquet dictionary): no row has it, so it needs no weight and changes nothing."""
    raw = pd.DataFrame(
        {
            "date": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-09"],
            "source": ["IRN", "PAK", "IRN", "PAK"],
            "target": ["PAK", "IRN", "PAK", "IRN"],
            "kind": ["airstrike", "talks", "air_strike", "threat"],
        }
    ).astype({"kind": "category"})
    kept = raw[raw["kind"] != "air_strike"]
    assert "air_strike" in kept["kind"].cat.categories
    plain = kept.astype({"kind": str})
    for frame in (kept, tn.read_events(kept)):
        pd.testing.assert_frame_equal(
            tn.score_events(frame, directed=directed), tn.score_events(plain, directed=directed)
        )
        at = tn.score(frame, at="2024-01-10", directed=directed)
        pd.testing.assert_frame_equal(at, tn.score(plain, at="2024-01-10", directed=directed))
        why = tn.contributions(frame, at="2024-01-10", directed=directed)
        pd.testing.assert_series_equal(
            why["contribution"], tn.contributions(plain, at="2024-01-10", directed=directed)["contribution"]
        )
    half_lives = {"airstrike": 5.0, "talks": 60.0, "default": 30.0}  # (half-lives by kind: the other branch)
    pd.testing.assert_series_equal(
        tn.score_events(kept, half_life=half_lives)["tension"], tn.score_events(plain, half_life=half_lives)["tension"]
    )


@pytest.mark.parametrize(
    ("column", "make", "read"),
    [
        ("killed", lambda: pd.Categorical([2, 9, 0]), [2, 9, 0]),
        ("killed", lambda: pd.Categorical(["2", "9", None]), [2, 9, 0]),
        ("weight", lambda: _arrow_dictionary(["2.5", "-1", "2.5"]), [2.5, -1.0, 2.5]),
        ("weight", lambda: _arrow_decimal(["1.50", None, "-3.25"]), [1.5, np.nan, -3.25]),
        ("killed", lambda: _arrow_decimal(["3", None, "0"]), [3, 0, 0]),
        ("killed", lambda: _arrow_dictionary([2, None, 0]), [2, 0, 0]),  # (with a missing value)
        ("weight", lambda: _arrow_dictionary_chunks([["2.5", None], ["-1"]]), [2.5, np.nan, -1.0]),
    ],
)
def test_numbers_as_categories_or_decimals_read_as_their_values(column, make, read):
    """From a Parquet file or a database: the numbers the categories or decimals stand for."""
    out = tn.read_events(good(**{column: make()}))
    np.testing.assert_array_equal(out[column].to_numpy(dtype=float), np.asarray(read, dtype=float))


def _arrow_dictionary(values):
    import pyarrow as pa

    encoded = pa.array(values).dictionary_encode()
    return pd.Series(pd.array(encoded, dtype=pd.ArrowDtype(encoded.type)))


def _arrow_dictionary_chunks(chunks):
    import pyarrow as pa

    return pd.Series(pd.arrays.ArrowExtensionArray(pa.chunked_array([pa.array(c).dictionary_encode() for c in chunks])))


def _arrow_decimal(values):
    import decimal

    import pyarrow as pa

    numbers = [None if v is None else decimal.Decimal(v) for v in values]
    return pd.Series(numbers, dtype=pd.ArrowDtype(pa.decimal128(10, 2)))


@pytest.mark.parametrize(
    ("column", "values", "message"),
    [
        ("killed", pd.Categorical(["2", "unknown", "0"]), "row 1: not a number ('unknown')"),
        ("weight", pd.Series([1 + 5j, 2, 3], dtype=object), "row 0: not a number ((1+5j))"),
        ("weight", np.array([1 + 1j, 2, 3]), "rows 0, 1, 2: not a number ((1+1j)"),
        ("weight", pd.to_datetime(["2024-01-01"] * 3), "rows 0, 1, 2: not a number (Timestamp('2024-01-01"),
        ("killed", pd.to_timedelta([1, 2, 3], unit="D"), "rows 0, 1, 2: not a number (Timedelta('1 days"),
        ("killed", pd.Series([10**400, 1, 0], dtype=object), "row 0: too large to be a count (1000"),
        ("weight", pd.Series([-(10**400), 1, 0], dtype=object), "row 0: not finite (-1000"),
        ("source", pd.Series(["IRN", ["USA"], "IRN"], dtype=object), "row 1: not a single value (['USA'])"),
        ("killed", pd.Series([{"dead": 2}, 1, 0], dtype=object), "row 0: not a single value ({'dead': 2})"),
    ],
)
def test_numbers_that_are_not_real_numbers_and_cells_that_hold_many_are_named(column, values, message):
    """Each was a bare pandas error, or worse: a complex weight kept its real part and a
    datetime weight was read as microseconds."""
    error = error_of(good(**{column: values}))
    assert f"column '{column}', {message}" in str(error)


@pytest.mark.parametrize("compression", ["", ".gz", ".bz2", ".xz"])
def test_csv_lines_with_more_fields_than_the_header(tmp_path, compression):
    import bz2
    import gzip
    import lzma

    packer = {"": lambda b: b, ".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}[compression]
    header = "date,source,target,kind\n"

    def write(name, lines):
        path = tmp_path / f"{name}.csv{compression}"
        path.write_bytes(packer((header + lines).encode()))
        return path

    # a delimiter at the end of lines (of every line, or of some): nothing beyond
    for lines in (
        "2024-01-17,IRN,PAK,airstrike,\n2024-01-29,IRN,PAK,talks,\n",
        "2024-01-17,IRN,PAK,airstrike\n2024-01-29,IRN,PAK,talks,\n",
    ):
        out = tn.read_events(write("trailing", lines))
        assert out["date"].tolist() == [pd.Timestamp("2024-01-17"), pd.Timestamp("2024-01-29")]
        assert out["source"].tolist() == ["IRN", "IRN"] and out["kind"].tolist() == ["airstrike", "talks"]
    # R's write.table: a row name before each line, the header one field short: the index, as pandas reads it
    out = tn.read_events(
        write("rownames", '"a","2024-01-17","IRN","PAK","airstrike"\n"b","2024-01-29","IRN","PAK","talks"\n')
    )
    assert out.index.tolist() == ["a", "b"] and out["kind"].tolist() == ["airstrike", "talks"]
    # a value beyond the header on some lines: refused with the line, never dropped
    extra = write("extra", "2024-01-17,IRN,PAK,airstrike\n2024-01-29,IRN,PAK,talks,Islamabad\n")
    with pytest.raises(tn.ReadError, match=r"extra\.csv.*:3: more fields than the header \(\['Islamabad'\]"):
        tn.read_events(extra)


@pytest.mark.parametrize("compression", ["", ".gz"])
def test_csv_lines_with_fewer_fields_than_the_header_are_refused(tmp_path, compression):
    """A line cut short (a file cut off while it was written) was read with its missing
    fields empty: the last event scored with no injuries and full confidence, silently."""
    import gzip

    header = "date,source,target,kind,killed,injured,confidence\n"

    def write(name, lines, *, newline="\n"):
        path = tmp_path / f"{name}.csv{compression}"
        data = (header + lines).replace("\n", newline).encode()
        path.write_bytes(gzip.compress(data) if compression else data)
        return path

    cut = write("cut", "2024-01-17,IRN,PAK,airstrike,12,3,0.5\n2024-01-18,PAK,IRN,airstrike,1")
    with pytest.raises(tn.ReadError, match=r"cut\.csv(\.gz)?:3: 5 fields where the header has 7: a line cut short"):
        tn.read_events(cut)
    middle = write("middle", "2024-01-17,IRN,PAK,airstrike\n2024-01-18,PAK,IRN,airstrike,1,0,1\n2024-01-19,PAK\n")
    with pytest.raises(
        tn.ReadError, match=r"middle\.csv(\.gz)?:2: 4 fields where the header has 7 \(and 1 more line\)"
    ):
        tn.read_events(middle)
    # quoted fields may hold delimiters and line ends: such files are read field by field
    quoted = write("quoted", '2024-01-17,IRN,PAK,"air,strike\nsecond line",1,0,\n2024-01-18,PAK,IRN,"talks"\n')
    with pytest.raises(tn.ReadError, match=r"quoted\.csv(\.gz)?:4: 4 fields where the header has 7"):
        tn.read_events(quoted)
    # empty fields written out, blank lines and Windows line ends are no short lines
    fine = write("fine", "2024-01-17,IRN,PAK,airstrike,12,,\n\n2024-01-18,PAK,IRN,airstrike,1,0,\n", newline="\r\n")
    out = tn.read_events(fine)
    assert out["killed"].tolist() == [12, 1] and out["confidence"].tolist() == [1.0, 1.0]


@pytest.mark.parametrize(
    ("name", "sep", "advice"),
    [
        ("semi.csv", ";", "save it with commas (.csv) or tabs (.tsv)"),
        ("tabs.csv", "\t", "give the file a .tsv name"),
        ("commas.tsv", ",", "give the file a .csv name"),
        ("pipes.csv", "|", "save it with commas (.csv) or tabs (.tsv)"),
    ],
)
def test_a_file_with_another_delimiter_says_so_once(tmp_path, name, sep, advice):
    # (it was four "required column is missing" lines and no word of the delimiter)
    path = tmp_path / name
    path.write_text(
        sep.join(["date", "source", "target", "kind"])
        + "\n"
        + sep.join(["2024-01-17", "IRN", "PAK", "airstrike"])
        + "\n"
    )
    err = error_of(path)
    assert len(err.problems) == 1
    assert f"the header looks like fields separated by {sep!r}: {advice}" in str(err)
    assert f"pandas.read_csv(path, sep={sep!r})" in str(err)


@pytest.mark.parametrize("quotes", [False, True])
@pytest.mark.parametrize("sep", [",", "\t"])
def test_a_line_of_spaces_is_a_blank_line_not_a_short_one(tmp_path, sep, quotes):
    """pandas skips a line of spaces and tabs (but the delimiter) as it skips an empty
    one: such a file was read, and must still be, with or without quoted fields."""
    kind = '"airstrike"' if quotes else "airstrike"
    lines = ["date,source,target,kind,confidence", f"2024-01-17,IRN,PAK,{kind},", "   ", "2024-01-18,PAK,IRN,talks,1"]
    if sep == ",":
        lines.insert(2, " \t \r")
    path = tmp_path / ("events.tsv" if sep == "\t" else "events.csv")
    path.write_text("\n".join(line.replace(",", sep) for line in lines) + "\n  \n")
    out = tn.read_events(path)
    assert out["kind"].tolist() == ["airstrike", "talks"]
    cut = tmp_path / ("cut.tsv" if sep == "\t" else "cut.csv")
    cut.write_text("\n".join(line.replace(",", sep) for line in [*lines, "   ", "2024-01-19,IRN"]) + "\n")
    with pytest.raises(tn.ReadError, match=rf"cut\.(csv|tsv):{len(lines) + 2}: 2 fields where the header has 5"):
        tn.read_events(cut)


@pytest.mark.parametrize("suffix", [".tar", ".tar.gz", ".tar.xz"])
def test_a_tar_archive_is_looked_into_for_short_lines(tmp_path, suffix):
    """pandas reads a one-file tar archive: its lines are counted in the file it holds,
    not in the archive's headers and padding (a valid file was refused)."""
    import io
    import tarfile

    def archive(name: str, text: str):
        data = text.encode()
        path = tmp_path / f"{name}.csv{suffix}"
        with tarfile.open(path, "w:" + suffix.removeprefix(".tar").removeprefix(".")) as tar:
            member = tarfile.TarInfo("events.csv")
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
        return path

    header = "date,source,target,kind,confidence\n"
    out = tn.read_events(archive("fine", header + "2024-01-17,IRN,PAK,airstrike,\n2024-01-18,PAK,IRN,talks,1\n"))
    assert out["confidence"].tolist() == [1.0, 1.0]
    with pytest.raises(tn.ReadError, match=r"cut\.csv\.tar(\.gz|\.xz)?:3: 2 fields where the header has 5"):
        tn.read_events(archive("cut", header + "2024-01-17,IRN,PAK,airstrike,0.5\n2024-01-18,PAK\n"))


def test_a_csv_that_is_not_utf8_is_named_with_its_line(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("date,source,target,kind,description\n2024-01-17,IRN,PAK,airstrike,café\n".encode("latin-1"))
    with pytest.raises(tn.ReadError, match=r"latin1\.csv:2: byte b'\\xe9' is not UTF-8"):
        tn.read_events(path)


def test_dates_in_one_microsecond_are_warned_about():
    """Scoring keeps times to the microsecond: two events 800 ns apart are one occasion,
    which the user is told, not left to find out. Nanoseconds alone (dates made from
    fractions of days) change nothing and are not warned about."""
    frame = good(date=["2024-01-17T10:00:00.000000100", "2024-01-17T10:00:00.000000900", "2024-01-29"])
    with pytest.warns(
        tn.TensionWarning, match=r"1 dates fall in the same microsecond as another, different date \(first: row 1"
    ):
        tn.read_events(frame)
    with warnings.catch_warnings():
        warnings.simplefilter("error", tn.TensionWarning)
        tn.read_events(good(date=["2024-01-17T10:00:00.000000100", "2024-01-17T10:00:00.000001900", "2024-01-29"]))
        tn.read_events(
            good(
                date=pd.to_datetime(
                    ["2024-01-17 10:00:00.000001", "2024-01-18", "2024-01-29"], format="ISO8601"
                ).as_unit("ns")
            )
        )


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.one_of(st.integers(1, 6), st.sampled_from(["", "  ", " \t"])), min_size=1, max_size=30),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.booleans(),
    st.integers(1, 40),
)
def test_short_lines_are_counted_alike_in_blocks_of_any_size(shape, newline, last_end, block):
    """The line count of ``_short_lines``, block by block, against a plain split of the
    whole text: every non-blank line with fewer fields than the header, with its number."""
    from tension import events as E

    header = "a,b,c,d"
    lines = [header] + [",".join(["x"] * item) if isinstance(item, int) else item for item in shape]
    text = newline.join(lines) + (newline if last_end else "")
    expected = [
        (number, line.count(",") + 1)
        for number, line in enumerate(lines, start=1)
        if number > 1 and line.strip(" \t") and line.count(",") + 1 < 4
    ]
    data = text.encode()
    blocks = [data[i : i + block] for i in range(0, len(data), block)]
    assert E._count_fields(iter(blocks), ord(","), b" \t") == (4, expected)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(["", "  ", " \t"]), max_size=3),
    st.lists(
        st.tuples(st.one_of(st.integers(1, 6), st.sampled_from(["", "  "])), st.sampled_from(["\n", "\r\n", "\r"]))
    ),
    st.booleans(),
    st.integers(1, 40),
)
def test_short_lines_are_counted_as_pandas_splits_lines(before, shape, last_end, block):
    """pandas ends a line at ``\\n``, ``\\r\\n`` or a lone ``\\r``, in one file mixed, and
    skips blank lines (and lines of spaces) before the header: the short lines counted
    block by block are those of that plain split, numbered from the first line."""
    import re

    from tension import events as E

    lines = [*before, "a,b,c,d"] + [",".join(["x"] * item) if isinstance(item, int) else item for item, _ in shape]
    ends = ["\n"] * (len(before) + 1) + [end for _, end in shape]
    text = "".join(line + end for line, end in zip(lines, ends, strict=True))
    text = text if last_end else text[: -len(ends[-1])]
    split = re.split(r"\r\n|\r|\n", text)
    header = next(k for k, line in enumerate(split) if line.strip(" \t"))
    expected = [
        (k + 1, line.count(",") + 1)
        for k, line in enumerate(split)
        if k > header and line.strip(" \t") and line.count(",") + 1 < 4
    ]
    data = text.encode()
    blocks = [data[i : i + block] for i in range(0, len(data), block)]
    assert E._count_fields(iter(blocks), ord(","), b" \t") == (4, expected)


@pytest.mark.parametrize("quotes", [False, True])
def test_a_line_cut_short_is_found_after_blank_lines_or_a_lone_cr(tmp_path, quotes):
    """A line missing its last fields was read silently (confidence 1.0) when blank lines
    stood before the header (the header's width was taken from the blank line) or when
    a lone CR ended a line in a file of LF lines (pandas ends the line there)."""
    kind = '"airstrike"' if quotes else "airstrike"
    header, full, cut = (
        "date,source,target,kind,confidence",
        f"2024-01-17,IRN,PAK,{kind},0.5",
        "2024-01-18,PAK,IRN,talks",
    )
    for name, text, line in [
        ("blank", f"\n  \n{header}\n{full}\n{cut}\n", 5),
        ("crlf_blank", f"\r\n{header}\r\n{full}\r\n{cut}\r\n", 4),
        ("lone_cr", f"{header}\n{full}\r{cut}\n{full}\n", 3),
    ]:
        path = tmp_path / f"{name}.csv"
        path.write_bytes(text.encode())
        assert len(pd.read_csv(path)) == 2 + (name == "lone_cr")  # (as pandas reads it)
        with pytest.raises(tn.ReadError, match=rf"{name}\.csv:{line}: 4 fields where the header has 5"):
            tn.read_events(path)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["PAK", "pak", " PAK ", "IRN"]),
            st.sampled_from(["IRN", "irn", "AFG"]),
            st.sampled_from(["airstrike", " airstrike", "talks"]),
            st.sampled_from(["2024-01-17", "2024-01-18"]),
            st.sampled_from([1.0, 2.0, np.nan]),
        ),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from(["str", "object", "category"]),
    st.booleans(),
)
def test_duplicates_are_the_rows_pandas_calls_identical_once_cleaned(rows, dtype, shuffled_index):
    # the check compares text columns by their codes: the rows it names are those that are
    # identical once cleaned ("pak" is "PAK"), whatever the dtype and the index
    frame = pd.DataFrame(rows, columns=["source", "target", "kind", "date", "weight"])
    frame = frame.astype({c: dtype for c in ("source", "target", "kind")})
    frame["weight"] = frame["weight"].fillna(frame["weight"].mean() if frame["weight"].notna().any() else 1.0)
    if shuffled_index:
        frame.index = pd.Index(np.arange(len(frame))[::-1] * 7 + 3)
    if ((frame["source"].astype(str).str.strip().str.upper()) == frame["target"].astype(str).str.upper()).any():
        return
    out = tn.read_events(frame, duplicates="keep")
    expected = out.duplicated(subset=["date", "source", "target", "kind", "weight"], keep=False).to_numpy()
    if expected.any():
        with pytest.raises(tn.EventError, match="identical to another row") as err:
            tn.read_events(frame, duplicates="raise")
        named = {int(p) for p in str(err.value).split("rows ")[-1].split(":")[0].replace(" ", "").split(",")}
        assert named == {int(i) for i in frame.index[expected]} or len(named) < int(expected.sum())
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            tn.read_events(frame)
