"""Readers, checked row by row against independent plain-Python parses of the same files."""

from __future__ import annotations

import csv
import gzip
import shutil
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import SHARED_DATA
from hypothesis import given, settings
from hypothesis import strategies as st

import tension as tn
from tension.countries import CAMEO_REGIONS, CAMEO_TO_ISO, country_codes
from tension.io import ReadError, read_acled, read_gdelt, read_icews, read_plover

GDELT2 = Path(tn.datasets.path("gdelt2_20170101073000.export.CSV"))
GDELT1 = SHARED_DATA / "gdelt1_sample_events.tsv"
GSR = SHARED_DATA / "PLOVER_GSR_CAMEO.txt"
TABLE = Path(tn.__file__).parent / "data" / "CAMEO.goldsteinscale.txt"


def goldstein_table():
    with open(TABLE, newline="") as handle:
        rows = csv.reader(handle, delimiter="\t")
        next(rows)
        return {code: float(value) for code, value in rows}


def plain_parse(path):
    """Independent parse: every line split on tabs, layouts by field count."""
    records = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            fields = line.rstrip("\n").split("\t")
            records.append((number, fields))
    return records


def expected_interstate(path):
    """{GLOBALEVENTID: (source, target, code)} of the country-to-country rows."""
    out = {}
    for _, f in plain_parse(path):
        a, b = f[7], f[17]
        if not a or not b or a in CAMEO_REGIONS or b in CAMEO_REGIONS:
            continue
        a, b = CAMEO_TO_ISO.get(a, a), CAMEO_TO_ISO.get(b, b)
        if a in country_codes() and b in country_codes() and a != b:
            out[f[0]] = (a, b, f[26])
    return out


def test_gdelt2_export_keeps_exactly_the_country_pairs():
    ev = read_gdelt(GDELT2)
    report = ev.attrs["report"]
    assert report.rows == 720 == len(plain_parse(GDELT2))
    assert report.kept + sum(report.skipped.values()) == report.rows
    want = expected_interstate(GDELT2)
    assert len(want) == 62  # 63 pairs of different codes in PROVENANCE, one of them regional (EUR)
    got = dict(zip(ev["gdelt_id"], zip(ev["source"], ev["target"], ev["cameo"], strict=True), strict=True))
    assert got == want
    assert report.skipped["regional actor code"] == 1 and report.details["regional actor code"] == {"EUR": 1}
    assert (ev["layout"] == "2.0").all()


def test_every_kept_weight_is_minus_goldstein_of_its_code():
    table = goldstein_table()
    for path in (GDELT2, GDELT1):
        ev = read_gdelt(path)
        expected = [-table[c] for c in ev["cameo"]]
        assert ev["weight"].tolist() == expected
        assert ev["cameo"].str.fullmatch(r"\d{3,4}").all()  # strings with leading zeros
        assert ev.attrs["report"].notes == {}


def test_gdelt1_mixed_layouts_parse_completely():
    ev = read_gdelt(GDELT1)
    report = ev.attrs["report"]
    lines = plain_parse(GDELT1)
    assert [len(f) for _, f in lines].count(58) == 509 and [len(f) for _, f in lines].count(57) == 201
    assert report.rows == 710 and "malformed" not in report.skipped
    assert report.kept + sum(report.skipped.values()) == 710
    assert dict(
        zip(ev["gdelt_id"], zip(ev["source"], ev["target"], ev["cameo"], strict=True), strict=True)
    ) == expected_interstate(GDELT1)
    by_line = {n: len(f) for n, f in lines}
    assert all(
        {58: "1.0-daily", 57: "1.0-historical"}[by_line[n]] == lay
        for n, lay in zip(ev["line"], ev["layout"], strict=True)
    )
    historical = ev[ev["layout"] == "1.0-historical"]
    assert historical["url"].isna().all() and (historical["date"].dt.year == 1982).all()
    assert report.details["regional actor code"]["WST"] == 2  # NATO is coded to the region "the West"


def test_zip_gzip_glob_and_small_chunks_read_the_same(tmp_path):
    base = read_gdelt(GDELT1)
    with zipfile.ZipFile(tmp_path / "a.CSV.zip", "w") as archive:
        archive.write(GDELT1, "a.CSV")
    with open(GDELT1, "rb") as src, gzip.open(tmp_path / "b.tsv.gz", "wb") as dst:
        shutil.copyfileobj(src, dst)
    for variant in (
        read_gdelt(tmp_path / "a.CSV.zip"),
        read_gdelt(tmp_path / "b.tsv.gz"),
        read_gdelt(GDELT1, chunk_bytes=4096),
    ):
        pd.testing.assert_frame_equal(variant.drop(columns="file"), base.drop(columns="file"))
    shutil.copy(GDELT2, tmp_path / "x1.export.CSV")
    shutil.copy(GDELT2, tmp_path / "x2.export.CSV")
    both = read_gdelt(str(tmp_path / "x*.export.CSV"))
    assert len(both) == 124 and both.attrs["report"].rows == 1440 and len(both.attrs["report"].files) == 2


def test_malformed_lines_are_reported_with_file_and_line(tmp_path):
    lines = GDELT2.read_text(encoding="utf-8").splitlines()
    keep = [lines[115], lines[116]]  # two inter-state records (file lines 116, 117)
    short = "\t".join(lines[117].split("\t")[:40])
    bad_date = lines[118].split("\t")
    bad_date[1] = "2017-01-01"
    bad_gold = lines[119].split("\t")
    bad_gold[30] = "minus ten"
    path = tmp_path / "broken.CSV"
    path.write_text("\n".join([keep[0], short, "\t".join(bad_date), "", "\t".join(bad_gold) + "\r", keep[1]]) + "\n")
    with pytest.warns(tn.TensionWarning, match="3 malformed records skipped"):
        ev = read_gdelt(path)
    report = ev.attrs["report"]
    assert len(ev) == 2 and report.rows == 5 and report.skipped["malformed"] == 3
    assert report.problems == [
        f"{path}:2: expected 57 or 58 or 61 tab-separated fields, found 40",
        f"{path}:3: SQLDATE is not a YYYYMMDD date ('2017-01-01')",
        f"{path}:5: GoldsteinScale is not a number in [-10, 10] ('minus ten')",
    ]
    with pytest.raises(ReadError, match=r"broken\.CSV:2: expected 57 or 58 or 61"):
        read_gdelt(path, errors="raise")
    with pytest.raises(ReadError, match=r"gdelt1_sample_events\.tsv:1: expected 61 tab-separated fields, found 58"):
        read_gdelt(GDELT1, version="2", errors="raise")


def _with_fields(tmp_path, changes, name="changed.CSV"):
    """The bundled export with ``changes`` ({(file line, field): value}) made."""
    lines = [line.split("\t") for line in GDELT2.read_text(encoding="utf-8").splitlines()]
    for (line, field), value in changes.items():
        lines[line - 1][field] = value
    path = tmp_path / name
    path.write_text("\n".join("\t".join(f) for f in lines) + "\n", encoding="utf-8")
    return path


def test_informational_numbers_that_are_not_numbers_are_missing_and_reported(tmp_path):
    plain = read_gdelt(GDELT2)
    first, second = (int(x) for x in plain["line"].iloc[:2])
    # AvgTone (34) and NumMentions (31) of two kept records; QuadClass (29) empty
    path = _with_fields(
        tmp_path, {(first, 34): "abc", (second, 34): "nan", (first, 31): "99999999999999999999", (second, 29): ""}
    )
    ev = read_gdelt(path)
    report = ev.attrs["report"]
    assert np.isnan(ev["avg_tone"].iloc[0]) and np.isnan(ev["avg_tone"].iloc[1])
    assert ev["num_mentions"].isna().tolist()[:2] == [True, False] and ev["quad_class"].isna().tolist()[:2] == [
        False,
        True,
    ]
    assert report.notes == {
        f"AvgTone is not a number, read as missing (first: {path}:{first}: 'abc')": 1,
        f"NumMentions is not a whole number below 2**53, read as missing (first: {path}:{first}: '99999999999999999999')": 1,
    }
    # everything else as read from the unchanged file
    same = [c for c in plain.columns if c not in ("avg_tone", "num_mentions", "quad_class", "file")]
    pd.testing.assert_frame_equal(ev[same], plain[same])
    assert np.array_equal(ev["avg_tone"].iloc[2:], plain["avg_tone"].iloc[2:])


def test_a_count_that_weights_must_be_a_whole_number(tmp_path):
    plain = read_gdelt(GDELT2)
    first = int(plain["line"].iloc[0])
    path = _with_fields(tmp_path, {(first, 31): "99999999999999999999"})
    with pytest.warns(tn.TensionWarning, match="1 malformed record skipped"):
        ev = read_gdelt(path, weight_by="mentions")
    assert ev.attrs["report"].problems == [f"{path}:{first}: NumMentions is not a count >= 1 ('99999999999999999999')"]
    assert len(ev) == len(plain) - 1


@pytest.mark.parametrize(
    "value", ["0x10", "99999999999999999", "-nan", "nan(1)", "+4", "007", "-0", "1.0", "1e2", " 5", "inf"]
)
@pytest.mark.parametrize("field, column", [(32, "num_sources"), (34, "avg_tone")])
def test_a_number_reads_the_same_whatever_the_rest_of_its_column(tmp_path, value, field, column):
    # pyarrow parses a column only when every value is plainly written; the others are
    # parsed by pandas: one value must read the same either way
    lines = [int(x) for x in read_gdelt(GDELT2)["line"].iloc[:2]]
    alone = read_gdelt(_with_fields(tmp_path, {(lines[0], field): value}, "alone.CSV"))
    mixed = read_gdelt(_with_fields(tmp_path, {(lines[0], field): value, (lines[1], field): ""}, "mixed.CSV"))
    a, b = alone[column].astype(float).iloc[0], mixed[column].astype(float).iloc[0]
    assert (np.isnan(a) and np.isnan(b)) or a == b
    noted = [bool(ev.attrs["report"].notes) for ev in (alone, mixed)]
    assert noted[0] == noted[1]


def test_goldstein_is_float_whichever_way_it_is_parsed(tmp_path):
    first = int(read_gdelt(GDELT2)["line"].iloc[0])
    spaced = read_gdelt(_with_fields(tmp_path, {(first, 30): " 3"}))  # pandas' way
    assert spaced["goldstein"].dtype == np.float64 and spaced["goldstein"].iloc[0] == 3.0
    assert read_gdelt(GDELT2)["goldstein"].dtype == np.float64


def test_a_weighting_count_of_one_and_a_half_is_malformed(tmp_path):
    first = int(read_gdelt(GDELT2)["line"].iloc[0])
    path = _with_fields(tmp_path, {(first, 31): "1.5"})
    with pytest.warns(tn.TensionWarning, match="1 malformed record skipped"):
        ev = read_gdelt(path, weight_by="mentions")
    assert ev.attrs["report"].problems == [f"{path}:{first}: NumMentions is not a count >= 1 ('1.5')"]


@pytest.mark.parametrize("options", [{}, {"dedupe": "article", "weight_by": "sources"}])
def test_nothing_kept_has_the_columns_and_dtypes_of_something_kept(tmp_path, options):
    """A file with no country pair (or no line, or only malformed lines) reads as an empty
    frame with the very columns and dtypes of a full one: concatenating reads stays typed."""
    full = read_gdelt(GDELT2, **options)
    lines = GDELT2.read_bytes().splitlines(keepends=True)
    no_pair = [line for line in lines if line.split(b"\t")[7] == b""][:3]
    (tmp_path / "no_pair.CSV").write_bytes(b"".join(no_pair))
    (tmp_path / "empty.CSV").write_bytes(b"")
    (tmp_path / "bad.CSV").write_bytes(b"bad\tline\n")
    for name in ("no_pair.CSV", "empty.CSV", "bad.CSV"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", tn.TensionWarning)  # (the malformed line)
            empty = read_gdelt(tmp_path / name, **options)
        assert len(empty) == 0
        pd.testing.assert_series_equal(empty.dtypes, full.dtypes, obj=name)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=1, max_size=30))
def test_numbers_parsed_by_pyarrow_are_those_of_pandas(values):
    import pyarrow as pa

    from tension.io.gdelt import _parse

    text = [repr(v) for v in values] + [f"{v:.14g}" for v in values]
    column = pa.chunked_array([pa.array(text, pa.string())])
    assert _parse(column, pa.float64()).to_numpy().tolist() == pd.to_numeric(pd.Series(text)).tolist()
    whole = [str(int(v)) for v in values if abs(v) < 2**53]
    if whole:
        got = _parse(pa.chunked_array([pa.array(whole, pa.string())]), pa.int64()).to_numpy().tolist()
        assert got == pd.to_numeric(pd.Series(whole)).tolist()
    if any(2**53 <= abs(v) < 2**62 for v in values):  # too large to be a count: pandas' way (a note)
        assert _parse(pa.chunked_array([pa.array([str(int(v)) for v in values], pa.string())]), pa.int64()) is None


def test_root_only_and_dedupe_against_plain_counts():
    rows = [f for _, f in plain_parse(GDELT2)]
    want = expected_interstate(GDELT2)
    kept = [f for f in rows if f[0] in want]
    root = read_gdelt(GDELT2, root_only=True)
    assert len(root) == sum(f[25] == "1" for f in kept)
    events = {(f[1], want[f[0]][0], want[f[0]][1], f[26]) for f in kept}
    articles = {(f[1], want[f[0]][0], want[f[0]][1], f[26], f[60]) for f in kept}
    by_event = read_gdelt(GDELT2, dedupe="event")
    by_article = read_gdelt(GDELT2, dedupe="article")
    assert len(by_event) == len(events) and len(by_article) == len(articles)
    assert by_event["records"].sum() == len(kept)
    first = {}
    for f in kept:
        key = (f[1], want[f[0]][0], want[f[0]][1], f[26])
        first[key] = min(first.get(key, 10**12), int(f[0]))
    assert sorted(by_event["gdelt_id"].astype(int)) == sorted(first.values())


def test_weight_by_mentions():
    ev = read_gdelt(GDELT2, weight_by="mentions")
    expected = -ev["goldstein"] * (1 + np.log(ev["num_mentions"].astype(float)))
    assert np.allclose(ev["weight"], expected)
    assert (read_gdelt(GDELT2, weight_by="sources", transform="linear")["weight"].abs() >= 0).all()
    with pytest.raises(ValueError, match="weight_by must be"):
        read_gdelt(GDELT2, weight_by="tone")


def test_gdelt_events_score_end_to_end():
    daily = tn.score(read_gdelt(GDELT2))
    assert daily["dyad"].nunique() == len({"-".join(sorted(p[:2])) for p in expected_interstate(GDELT2).values()})


# --- ICEWS -----------------------------------------------------------------------


def test_icews_fixture():
    with pytest.warns(tn.TensionWarning, match="3 malformed records skipped"):
        ev = read_icews(SHARED_DATA / "icews_sample.tab")
    report = ev.attrs["report"]
    assert report.rows == 12 and report.kept == 6
    assert report.skipped == {"malformed": 3, "same country": 1, "no country": 1, "unknown country name": 1}
    assert report.details["unknown country name"] == {"Atlantis": 1}
    assert ev["icews_id"].tolist() == ["1001", "1002", "1003", "1004", "1005", "1008"]
    assert ev[["source", "target"]].apply(tuple, axis=1).tolist() == [
        ("IRN", "PAK"),
        ("PAK", "IRN"),
        ("PAK", "IRN"),
        ("PAK", "IRN"),
        ("IRN", "PAK"),
        ("RUS", "IRN"),
    ]
    assert ev["kind"].tolist() == ["airstrike", "reduce_relations", "airstrike", "pledge_meetings", "visit", "talks"]
    assert ev["weight"].tolist() == [-float(x) for x in ev["intensity"]]
    assert ev.loc[ev["icews_id"] == "1004", "cameo"].item() == "036"
    assert report.notes == {"CAMEO Code missing its leading zero, restored": 1}
    path = SHARED_DATA / "icews_sample.tab"
    assert report.problems == [
        f"{path}:10: Event Date is not a date ('not a date')",
        f"{path}:11: CAMEO Code is not a CAMEO code ('04x')",
        f"{path}:12: Intensity is not a number in [-10, 10] ('high')",
    ]


def test_icews_lines_ending_in_a_delimiter_read_as_without(tmp_path):
    lines = (SHARED_DATA / "icews_sample.tab").read_text(encoding="utf-8").splitlines()
    trailing = tmp_path / "trailing.tab"
    trailing.write_text("\n".join([lines[0]] + [line + "\t\t" for line in lines[1:]]) + "\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tn.TensionWarning)
        want, got = read_icews(SHARED_DATA / "icews_sample.tab"), read_icews(trailing)
    pd.testing.assert_frame_equal(got.drop(columns="file"), want.drop(columns="file"))
    assert got.attrs["report"].problems == [
        p.replace(str(SHARED_DATA / "icews_sample.tab"), str(trailing)) for p in want.attrs["report"].problems
    ]


def test_a_file_of_lines_ending_in_cr_alone_is_named(tmp_path):
    lines = (SHARED_DATA / "icews_sample.tab").read_text(encoding="utf-8").splitlines()
    old_mac = tmp_path / "old_mac.tab"
    old_mac.write_bytes("\r".join(lines).encode() + b"\r")
    with pytest.raises(ReadError, match="end with a carriage return alone .* convert the line ends to LF or CRLF"):
        read_icews(old_mac)


def test_icews_missing_columns_are_named():
    with pytest.raises(ValueError, match=r"not an ICEWS table: missing columns \['Intensity'\]"):
        read_icews(pd.DataFrame({"Event Date": [], "Source Country": [], "Target Country": [], "CAMEO Code": []}))


def test_a_table_saved_with_another_delimiter_is_refused_with_the_delimiter_named(tmp_path):
    # an ACLED export re-saved by a spreadsheet in a locale whose list separator is ";":
    # guess_format calls it ACLED, so the reader says why its columns are not found
    path = tmp_path / "acled.csv"
    path.write_text(
        "\ufeffevent_id_cnty;event_date;year;event_type;sub_event_type;actor1;actor2;country;notes;fatalities\r\n"
        "ARM1;13/09/2024;2024;Battles;Armed clash;Military Forces of Armenia (2018-);"
        'Military Forces of Azerbaijan (2003-);Armenia;"Exchange of fire; 2 killed";2\r\n',
        encoding="utf-8",
    )
    assert tn.io.guess_format(path) == "acled"
    with pytest.raises(ValueError, match=r"missing columns .*fields separated by ';'.*sep=';'"):
        read_acled(path)
    ev = read_acled(pd.read_csv(path, sep=";", dtype=str, encoding="utf-8-sig"))  # as the message says
    assert ev[["source", "target", "kind", "killed"]].values.tolist() == [["ARM", "AZE", "armed_clash", 2]]


def test_an_acled_export_saved_with_tabs_is_refused_with_the_tab_named(tmp_path):
    # ACLED's column names are matched with their words joined by "_": the tab between two
    # names must still be seen in the header as written
    path = tmp_path / "acled.tsv"
    path.write_text(
        "event_date\tevent_type\tsub_event_type\tactor1\tactor2\tcountry\tfatalities\n"
        "2024-09-13\tBattles\tArmed clash\tMilitary Forces of Armenia (2018-)\t"
        "Military Forces of Azerbaijan (2003-)\tArmenia\t2\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"missing columns .*fields separated by '\\t'.*sep='\\t'"):
        read_acled(path)
    ev = read_acled(pd.read_csv(path, sep="\t", dtype=str))  # as the message says
    assert ev[["source", "target", "kind", "killed"]].values.tolist() == [["ARM", "AZE", "armed_clash", 2]]


# --- ACLED -----------------------------------------------------------------------


def test_acled_fixture():
    with pytest.warns(tn.TensionWarning, match="1 malformed record skipped"):
        ev = read_acled(SHARED_DATA / "acled_sample.csv")
    report = ev.attrs["report"]
    assert report.rows == 9 and report.kept == 4
    assert report.skipped == {"no state actor": 2, "no second country": 1, "malformed": 1, "unmapped event type": 1}
    assert report.details["unmapped event type"] == {"Weather / Flood": 1}
    table = ev.set_index("acled_id")
    assert table.loc["PAK1", ["source", "target", "kind", "killed", "confidence", "target_from"]].tolist() == [
        "IRN",
        "PAK",
        "airstrike",
        2,
        1.0,
        "civilians",
    ]
    # Pakistan's strike on a militant group in Iran: an act on the other's soil
    assert table.loc["IRN1", ["source", "target", "killed", "confidence", "target_from"]].tolist() == [
        "PAK",
        "IRN",
        9,
        0.5,
        "location",
    ]
    assert table.loc["PAK2", ["source", "target", "kind", "target_from"]].tolist() == [
        "PAK",
        "AFG",
        "armed_clash",
        "actor2",
    ]
    assert table.loc["AFG1", ["source", "target", "kind"]].tolist() == ["AFG", "PAK", "agreement"]
    assert "many" in report.problems[0] and report.problems[0].endswith(
        "acled_sample.csv:9: fatalities is not a whole number >= 0 ('many')"
    )  # physical line: a note spans lines 3-4


# --- PLOVER / POLECAT ---------------------------------------------------------------


def test_plover_ids_are_text_even_when_written_as_numbers(tmp_path):
    import json

    records = json.loads(GSR.read_text(encoding="utf-8"))
    for k, record in enumerate(records[1:], start=1):
        record["id"] = 1000 + k  # a JSON number
    path = tmp_path / "numbers.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    ev = read_plover(path)
    assert ev["plover_id"].dtype == read_plover(GSR)["plover_id"].dtype
    assert all(isinstance(v, str) and v.isdigit() for v in ev["plover_id"])


def test_plover_gold_standard_records_against_a_plain_count():
    import json

    records = json.loads(GSR.read_text(encoding="utf-8"))
    fix = {"JAP": "JPN", "ITL": "ITA"}
    iso = country_codes()

    def countries(field):
        if not isinstance(field, list):
            return []
        return list(dict.fromkeys(fix.get(a["code"], a["code"]) for a in field if fix.get(a["code"], a["code"]) in iso))

    directed = reciprocal = events = 0
    for r in records[1:]:
        s, t = countries(r.get("source")), countries(r.get("target"))
        if r.get("target"):  # a target was coded (one record has the stray string 'diplomatic')
            pairs = [(a, b) for a in s for b in t if a != b]
            directed += bool(pairs)
        else:
            pairs = [(a, b) for a in s for b in s if a != b]
            reciprocal += bool(pairs)
        events += len(pairs)
    ev = read_plover(GSR)
    report = ev.attrs["report"]
    assert report.rows == 323 and report.skipped["document header"] == 1
    assert report.kept == directed + reciprocal
    assert len(ev) == events
    assert report.kept + sum(report.skipped.values()) == report.rows
    assert report.details["not a country"]["IGO"] > 0
    assert ev["evidence"].str.len().min() > 20  # the coded sentence
    assert set(ev["kind"]) <= set(tn.kinds()["kind"])
    dead = ev[ev["killed"] > 0]
    assert (
        len(dead) > 0
        and dead["kind"]
        .isin(["armed_attack", "armed_clash", "bombing", "airstrike", "mass_violence", "assassination", "coerce"])
        .all()
    )


def test_polecat_style_table():
    with pytest.warns(tn.TensionWarning, match="1 malformed record skipped"):
        ev = read_plover(SHARED_DATA / "polecat_sample.tsv")
    report = ev.attrs["report"]
    assert report.rows == 8 and report.kept == 5
    assert report.skipped == {"no state-level kind": 1, "malformed": 1, "not a country": 1}
    got = ev[["plover_id", "source", "target", "kind", "killed", "injured"]].values.tolist()
    assert got == [
        ["P1", "IRN", "PAK", "airstrike", 2, 3],
        ["P2", "PAK", "IRN", "airstrike", 9, 0],
        ["P3", "PAK", "IRN", "expel", 0, 0],
        ["P4", "IRN", "PAK", "visit", 0, 0],
        ["P5", "PAK", "IRN", "pledge_security_cooperation", 0, 0],
        ["P5", "IRN", "PAK", "pledge_security_cooperation", 0, 0],
    ]
    assert report.notes["extra events from compound or reciprocal actors"] == 1


@pytest.mark.parametrize("mib", [1.5, 2.01, 3, 10, 33])
def test_large_blocks_are_cut_at_line_ends_into_parsable_pieces(mib):
    from tension.io._gdelt_lines import Span
    from tension.io.gdelt import _smaller

    line = b"x" * 99 + b"\n"
    data = line * int(mib * 2**20 / len(line))
    pieces = [span for span, _, _ in _smaller([(Span(data, 0, len(data)), len(data), False)])]
    assert b"".join(bytes(p) for p in pieces) == data  # every byte once, in order
    assert all(bytes(p).endswith(b"\n") for p in pieces)
    if len(data) <= 2 * 2**20:
        assert len(pieces) == 1
    else:
        assert len(pieces) >= 3 and all(2**20 <= len(p) <= 8 * 2**20 + len(line) for p in pieces[:-1])


# --- a reader's report is read-only once the read is done, and shared, not copied -----------


def _sealed_report():
    events = read_gdelt(GDELT2)
    return events, events.attrs["report"]


def test_a_readers_report_is_read_only():
    _, report = _sealed_report()
    assert report.sealed
    key = next(iter(report.details))
    changes = [
        lambda: setattr(report, "rows", 1),
        lambda: delattr(report, "kept"),
        lambda: report.problems.append("x"),
        lambda: report.files.sort(),
        lambda: report.files.__iadd__(["x"]),
        lambda: report.skipped.__setitem__("x", 1),
        lambda: report.notes.update(x=1),
        lambda: report.details[key].__setitem__("XXX", 1),
        lambda: report.details.pop(key),
        lambda: report.__setitem__("rows", 1),
        lambda: report.update(rows=1),
        lambda: report.__ior__({"rows": 1}),
        lambda: report.pop("rows"),
        lambda: report.setdefault("new", 1),
        lambda: report.clear(),
        lambda: report["skipped"].__setitem__("x", 1),
        lambda: report["files"].append("x"),
        lambda: report["details"][key].clear(),
        lambda: report.files.__init__(["x"]),
        lambda: report.skipped.__init__(x=5),
        lambda: report["details"][key].__init__(Z=9),
    ]
    before = (str(report), dict(report))
    for change in changes:
        with pytest.raises(TypeError, match="read-only once the read is done"):
            change()
    assert (str(report), dict(report)) == before
    report.seal()  # (sealing again changes nothing)
    assert (str(report), dict(report)) == before


def test_a_readers_report_is_shared_by_frames_made_from_it():
    import copy

    events, report = _sealed_report()
    derived = [
        events["source"],
        events.iloc[0],
        events.head(3),
        events[events["weight"] > 0],
        events.assign(x=1),
        events.copy(),
        copy.deepcopy(events),
    ]
    for frame in derived:
        assert frame.attrs["report"] is report
    assert copy.copy(report) is report and copy.deepcopy(report) is report


def test_a_sealed_report_still_reads_as_lists_and_dicts():
    import json

    _, report = _sealed_report()
    assert isinstance(report.problems, list) and isinstance(report.skipped, dict) and isinstance(report, dict)
    assert report.files == [str(GDELT2)] and report["files"] == [str(GDELT2)]
    assert report.skipped == {"no actor country": 617, "same country": 40, "regional actor code": 1}
    assert report.details == {"regional actor code": {"EUR": 1}} == report["details"]
    assert json.loads(json.dumps(report)) == {
        "reader": "read_gdelt",
        "files": [str(GDELT2)],
        "rows": 720,
        "kept": 62,
        "skipped": {"no actor country": 617, "same country": 40, "regional actor code": 1},
        "details": {"regional actor code": {"EUR": 1}},
        "problems": [],
        "notes": {},
    }


def test_a_sealed_report_pickles_sealed_and_replace_gives_a_copy_to_change():
    import dataclasses
    import pickle

    events, report = _sealed_report()
    back = pickle.loads(pickle.dumps(events)).attrs["report"]
    assert back == report and back.sealed and dict(back) == dict(report) and str(back) == str(report)
    with pytest.raises(TypeError):
        back.skipped["x"] = 1
    mine = dataclasses.replace(report)
    assert not mine.sealed and mine == report
    mine.rows += 1
    mine.skipped["x"] = 1
    mine.details["regional actor code"]["AFR"] = 2
    mine.problems.append("p")
    assert report.rows == 720 and "x" not in report.skipped and report.problems == []
    assert report.details == {"regional actor code": {"EUR": 1}}
    mine.seal()
    assert mine.sealed and mine["skipped"]["x"] == 1 and mine != report
    with pytest.raises(TypeError):
        mine.problems.append("q")
    # parts of a sealed report put into a new one, at any depth, are copied, changeable
    nested = dataclasses.replace(report, details={**report.details})
    nested.details["regional actor code"]["NEW"] = 1
    assert report.details == {"regional actor code": {"EUR": 1}}


def test_copies_of_a_sealed_reports_parts_are_plain_and_changeable():
    import copy
    import dataclasses

    _, report = _sealed_report()
    copies = [
        dataclasses.asdict(report)["details"],
        copy.deepcopy(dict(report))["details"],
        copy.deepcopy(report.details),
        copy.copy(report.details),
        dict(report.details),
    ]
    for details in copies:
        assert details == {"regional actor code": {"EUR": 1}}
        details["x"] = {}
    for deep in copies[:3]:
        assert type(deep) is dict and type(deep["regional actor code"]) is dict
        deep["regional actor code"]["EUR"] = 7
    assert dataclasses.astuple(report)[4] == report.skipped and type(dataclasses.astuple(report)[6]) is list
    assert report.details == {"regional actor code": {"EUR": 1}}


def test_an_unsealed_report_copies_as_before():
    import copy

    from tension.io._report import ReadReport

    report = ReadReport("read_x", ["f"], rows=3, kept=2, skipped={"same country": 1}, details={"r": {"v": 1}})
    deep = copy.deepcopy(report)
    assert deep == report and deep is not report and not deep.sealed
    deep.details["r"]["v"] = 5
    deep.rows = 4
    assert report.details == {"r": {"v": 1}} and report.rows == 3
    shallow = copy.copy(report)
    assert shallow == report and shallow is not report
