"""Readers on damaged, odd and hostile input: every failure one clear error naming the
file (and line), every skipped record counted with file and line. One test per rule,
each bad input a case."""

from __future__ import annotations

import gzip
import io
import json
import tracemalloc
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import SHARED_DATA

import tension as tn
from tension.io import ReadError, read_acled, read_gdelt, read_icews, read_plover
from tension.io.acled import ACLED_OLD_KINDS

GDELT = Path(tn.datasets.path("gdelt2_20170101073000.export.CSV"))
ICEWS = SHARED_DATA / "icews_sample.tab"
ACLED = SHARED_DATA / "acled_sample.csv"
POLECAT = SHARED_DATA / "polecat_sample.tsv"
READERS = {
    "gdelt": (read_gdelt, GDELT, ".CSV"),
    "icews": (read_icews, ICEWS, ".tab"),
    "acled": (read_acled, ACLED, ".csv"),
    "plover": (read_plover, POLECAT, ".tsv"),
}


def _quiet(reader, *args, **kwargs):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tn.TensionWarning)
        return reader(*args, **kwargs)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _damaged(kind: str, data: bytes) -> tuple[str, bytes]:
    """(file suffix, bytes) of a damaged archive of ``data``."""
    packed = gzip.compress(data)
    return {
        "truncated gzip": (".gz", packed[: len(packed) * 2 // 3]),
        "corrupt gzip": (".gz", packed[:30] + bytes(200) + packed[230:]),
        "not gzip": (".gz", b"plain text, not gzip\n"),
        "truncated zip": (".zip", _zip({"a": data})[:-60]),
        "two members": (".zip", _zip({"a": data, "b": data})),
        "empty zip": (".zip", _zip({})),
    }[kind]


DAMAGE = ["truncated gzip", "corrupt gzip", "not gzip", "truncated zip", "two members", "empty zip"]


@pytest.mark.parametrize("damage", DAMAGE)
@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_damaged_archive_is_one_error_naming_the_file(tmp_path, reader, damage):
    read, sample, suffix = READERS[reader]
    end, data = _damaged(damage, sample.read_bytes())
    path = tmp_path / f"events{suffix}{end}"
    path.write_bytes(data)
    with pytest.raises(ReadError, match=str(path).replace(".", r"\.")) as caught:
        _quiet(read, path)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("reader", sorted(READERS))
def test_archives_read_as_the_plain_file(tmp_path, reader):
    read, sample, suffix = READERS[reader]
    plain = _quiet(read, sample)
    for end, data in ((".gz", gzip.compress(sample.read_bytes())), (".zip", _zip({sample.name: sample.read_bytes()}))):
        path = tmp_path / f"events{suffix}{end}"
        path.write_bytes(data)
        packed = _quiet(read, path)
        assert len(packed) == len(plain)
        pd.testing.assert_frame_equal(
            packed.drop(columns=[c for c in ("file", "record") if c in packed]),
            plain.drop(columns=[c for c in ("file", "record") if c in plain]),
        )


@pytest.mark.parametrize("packing", ["gzip", "zip"])
@pytest.mark.parametrize("reader", [*sorted(READERS), "events"])
def test_an_archive_under_a_plain_name_is_one_error_saying_so(tmp_path, reader, packing):
    # gzip data named .csv read as text: GDELT counted its bytes as malformed lines, the
    # tables asked for another encoding, read_events to save the file as UTF-8
    if reader == "events":
        read, sample, suffix = tn.read_events, Path(tn.datasets.path("pakistan_iran_2024.csv")), ".csv"
    else:
        read, sample, suffix = READERS[reader]
    data = gzip.compress(sample.read_bytes()) if packing == "gzip" else _zip({sample.name: sample.read_bytes()})
    path = tmp_path / f"events{suffix}"
    path.write_bytes(data)
    end = ".gz" if packing == "gzip" else ".zip"
    with pytest.raises(ReadError, match=rf"events{suffix}.* is .*{packing}.*rename it to end in \{end}"):
        _quiet(read, path)


@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize("case", ["directory", "glob matching nothing", "missing file"])
def test_paths_that_are_not_files(tmp_path, reader, case):
    read = READERS[reader][0]
    if case == "directory":
        (tmp_path / "dir.tab").mkdir()
        with pytest.raises(ReadError, match="dir.tab is a directory"):
            read(tmp_path / "dir.tab")
    elif case == "glob matching nothing":
        with pytest.raises(FileNotFoundError, match=r"no files match .*nothing\*"):
            read(str(tmp_path / "nothing*"))
    else:
        with pytest.raises(FileNotFoundError, match="none.tab"):
            read(tmp_path / "none.tab")


@pytest.mark.parametrize("reader", ["icews", "acled", "plover"])
def test_bytes_that_are_not_utf8_name_file_and_line_or_read_with_encoding(tmp_path, reader):
    read, sample, suffix = READERS[reader]
    lines = sample.read_bytes().split(b"\n")
    lines[2] = "é".encode("latin-1") + lines[2]  # the byte 0xE9, alone: not UTF-8, in the first (id) field
    path = tmp_path / f"latin1{suffix}"
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(
        ReadError, match=rf"latin1\{suffix}:3: byte b'\\xe9' at column 1 is not utf-8; pass the file's encoding"
    ):
        _quiet(read, path)
    as_latin1 = _quiet(read, path, encoding="latin-1")
    assert len(as_latin1) == len(_quiet(read, sample))
    with pytest.raises(ValueError, match="encoding='klingon' is not a known text encoding"):
        read(path, encoding="klingon")


def test_gdelt_lines_that_are_not_utf8_are_noted(tmp_path):
    lines = GDELT.read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b"\t", b"\xe9\t", 1)  # inside GLOBALEVENTID's text? no: after it
    path = tmp_path / "latin1.CSV"
    path.write_bytes(b"\n".join(lines))
    report = read_gdelt(path).attrs["report"]
    assert list(report.notes.values()) == [1] and f"{path}:4" in next(iter(report.notes))


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "1024", None])
@pytest.mark.parametrize("name", ["chunk_bytes", "max_line_bytes"])
def test_gdelt_chunk_sizes_must_be_whole_positive(name, value):
    with pytest.raises(ValueError, match=f"{name} must be a whole number of bytes >= 1"):
        read_gdelt(GDELT, **{name: value})


def test_gdelt_tiny_chunks_read_the_same():
    whole = read_gdelt(GDELT)
    pd.testing.assert_frame_equal(read_gdelt(GDELT, chunk_bytes=4093), whole)
    pd.testing.assert_frame_equal(read_gdelt(GDELT, chunk_bytes=65521), whole)


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_a_line_without_end_is_skipped_in_bounded_memory(tmp_path, where):
    """16 MiB without a newline, read in 256 kB chunks with a 256 kB line cap: one
    malformed line with its number, the other lines read, memory far below the line."""
    lines = GDELT.read_bytes().splitlines(keepends=True)
    long = b"7" * (16 << 20) + (b"\n" if where != "last" else b"")
    at = {"first": 0, "middle": 300, "last": len(lines)}[where]
    data = b"".join(lines[:at]) + long + b"".join(lines[at:])
    path = tmp_path / "long.CSV.gz"
    path.write_bytes(gzip.compress(data, compresslevel=1))
    tracemalloc.start()
    try:
        ev = _quiet(read_gdelt, path, chunk_bytes=1 << 18, max_line_bytes=1 << 18)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    report = ev.attrs["report"]
    assert peak < 8 << 20  # the line is 16 MiB
    assert report.rows == len(lines) + 1 and report.skipped["malformed"] == 1
    assert report.problems == [f"{path}:{at + 1}: line longer than {1 << 18} bytes (no line end?); skipped"]
    assert len(ev) == len(read_gdelt(GDELT))
    assert ev["line"].tolist() == [n + (n > at) for n in read_gdelt(GDELT)["line"]]


@pytest.mark.parametrize("reader", ["icews", "acled"])
def test_a_table_line_without_end_is_one_malformed_record(tmp_path, reader):
    read, sample, suffix = READERS[reader]
    data = sample.read_bytes().rstrip(b"\n") + b"\n" + b"x" * ((1 << 20) + 10)
    path = tmp_path / f"long{suffix}"
    path.write_bytes(data)
    report = _quiet(read, path).attrs["report"]
    last = data.count(b"\n") + 1
    assert f"{path}:{last}: line longer than {1 << 20} bytes (no line end?); skipped" in report.problems


RAGGED = {  # line number -> how the line is damaged
    "extra field": lambda fields: fields + ["extra"],
    "missing field": lambda fields: fields[:-1],
    "cut in half": lambda fields: fields[: len(fields) // 2],
}


@pytest.mark.parametrize("damage", sorted(RAGGED))
@pytest.mark.parametrize("reader", ["icews", "plover"])
def test_ragged_rows_are_counted_with_file_and_line(tmp_path, reader, damage):
    read, sample, suffix = READERS[reader]
    lines = sample.read_text(encoding="utf-8").splitlines()
    lines[3] = "\t".join(RAGGED[damage](lines[3].split("\t")))
    path = tmp_path / f"ragged{suffix}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ev = _quiet(read, path)
    report = ev.attrs["report"]
    width = len(lines[0].split("\t"))
    found = len(lines[3].split("\t"))
    assert f"{path}:4: expected {width} tab-separated fields, found {found}" in report.problems
    assert report.rows == _quiet(read, sample).attrs["report"].rows
    assert report.kept + sum(report.skipped.values()) == report.rows
    with pytest.raises(ReadError, match=f"{path}:4: expected {width}"):
        read(path, errors="raise")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"event": "ASSAULT", "date": "2024-01-16"', "not a JSON record (Expecting ',' delimiter"),
        ("{not json}", "not a JSON record (Expecting property name"),
        ('{"event": "ASSAULT"} trailing', "not a JSON record (Extra data"),
        ("[1, 2]", "not a JSON object but list"),
        ('"just a string"', "not a JSON object but str"),
    ],
)
def test_broken_json_lines_are_counted_with_file_and_line(tmp_path, line, message):
    good = {
        "event": "ASSAULT",
        "mode": "aerial",
        "source": [{"code": "IRN"}],
        "target": [{"code": "PAK"}],
        "date": "2024-01-16",
        "id": "A",
    }
    path = tmp_path / "records.jsonl"
    path.write_text(json.dumps(good) + "\n\n" + line + "\n" + json.dumps(good | {"id": "B"}) + "\n", encoding="utf-8")
    ev = _quiet(read_plover, path)
    report = ev.attrs["report"]
    assert ev["plover_id"].tolist() == ["A", "B"]
    assert report.rows == 3 and report.skipped == {"malformed": 1}
    assert len(report.problems) == 1 and report.problems[0].startswith(f"{path}:3: {message}")


def test_a_broken_json_array_is_one_error_with_line_and_column(tmp_path):
    path = tmp_path / "records.json"
    path.write_text('[{"event": "ASSAULT"},\n {"event": ', encoding="utf-8")
    with pytest.raises(ReadError, match=r"records\.json:2: not valid JSON at column 12"):
        read_plover(path)


@pytest.mark.parametrize("content", [b"", b"\n\n", "\ufeff".encode()])
@pytest.mark.parametrize("reader", ["icews", "acled"])
def test_an_empty_table_is_one_error(tmp_path, reader, content):
    read, _, suffix = READERS[reader]
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(content)
    with pytest.raises(ReadError, match=f"empty{suffix} is empty: no header line"):
        read(path)


# --- ACLED layouts ---------------------------------------------------------------------

OLD_HEADER = "data_id,event_date,year,event_type,actor1,ally_actor_1,actor2,country,fatalities,notes"


@pytest.mark.parametrize(("event_type", "kind"), sorted(ACLED_OLD_KINDS.items()))
def test_acled_pre_2019_event_types(tmp_path, event_type, kind):
    path = tmp_path / "old.csv"
    path.write_text(
        f'{OLD_HEADER}\n1,2016-07-02,2016,{event_type},Military Forces of Kenya (2013-),,Al Shabaab,Somalia,3,"note"\n',
        encoding="utf-8",
    )
    ev = read_acled(path)
    assert ev[["source", "target", "kind", "killed", "target_from"]].values.tolist() == [
        ["KEN", "SOM", kind, 3, "location"]
    ]
    assert ev["ordered"].tolist() == [not event_type.startswith("Battle")]


@pytest.mark.parametrize("case", ["UPPER", "Title", "  padded  "])
def test_acled_column_names_in_any_case(tmp_path, case):
    header = {
        "UPPER": OLD_HEADER.upper(),
        "Title": OLD_HEADER.title(),
        "  padded  ": ",".join(f"  {c} " for c in OLD_HEADER.split(",")),
    }[case]
    path = tmp_path / "acled.csv"
    path.write_text(
        f"{header}\n1,01-January-2015,2015,Battle-No change of territory,Military Forces of India,,"
        f"Military Forces of Pakistan,India,0,x\n",
        encoding="utf-8",
    )
    ev = read_acled(path)
    assert ev[["date", "source", "target", "kind"]].values.tolist() == [
        [pd.Timestamp("2015-01-01"), "IND", "PAK", "armed_clash"]
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "1,2020-04-27,2020,Violence against civilians,Police Forces of the Philippines (2016-),,Civilians (,,",
            "expected 10 comma-separated fields, found 9",
        ),
        (
            "1,2020-04-27,2020,Violence against civilians,Police Forces of the Philippines (2016-),,Civilians (,,,",
            "fatalities is empty (a record cut off?)",
        ),
        (
            "1,2020-04-27,2020,Battles,Military Forces of India (2014-),,Military Forces of Pakistan (2018-),,0,x",
            "country is empty (a record cut off?)",
        ),
        (
            "1,someday,2020,Battles,Military Forces of India (2014-),,Military Forces of Pakistan (2018-),India,0,x",
            "event_date is not a date ('someday')",
        ),
        (
            "1,2020-04-27,2020,Battles,Military Forces of India (2014-),,Military Forces of Pakistan (2018-),India,-2,x",
            "fatalities is not a whole number >= 0 ('-2')",
        ),
        (
            "1,2020-04-27,2020,Battles,Military Forces of India (2014-),,Military Forces of Pakistan (2018-),India,2.5,x",
            "fatalities is not a whole number >= 0 ('2.5')",
        ),
        (
            '1,2020-04-27,2020,Battles,Military Forces of India (2014-),,Military Forces of Pakistan (2018-),India,0,"cut',
            "not a valid record (unexpected end of data; an unclosed quote?)",
        ),
    ],
)
def test_acled_malformed_records_are_counted_with_file_and_line(tmp_path, row, message):
    good = "9,2020-04-26,2020,Battles,Military Forces of India (2014-),,Military Forces of Pakistan (2018-),India,1,ok"
    path = tmp_path / "acled.csv"
    path.write_text(f"{OLD_HEADER}\n{good}\n{row}\n", encoding="utf-8")
    ev = _quiet(read_acled, path)
    report = ev.attrs["report"]
    assert len(ev) == 1 and report.rows == 2 and report.skipped == {"malformed": 1}
    assert report.problems[0].startswith(f"{path}:3: {message}")


def test_acled_battle_with_the_state_second_and_unordered(tmp_path):
    path = tmp_path / "acled.csv"
    path.write_text(
        f"{OLD_HEADER}\n1,2016-07-02,2016,Battles,Al Shabaab,,Military Forces of Kenya (2013-),Somalia,0,x\n"
        f"2,2016-07-02,2016,Remote violence,Al Shabaab,,Military Forces of Kenya (2013-),Somalia,0,x\n",
        encoding="utf-8",
    )
    ev = read_acled(path)
    report = ev.attrs["report"]
    assert ev[["source", "target", "source_from", "ordered"]].values.tolist() == [["KEN", "SOM", "actor2", False]]
    assert report.skipped == {"no state actor": 1}


@pytest.mark.parametrize("call", ["score", "score_events", "contributions"])
def test_directed_scoring_of_acled_battles_is_refused(tmp_path, call):
    path = tmp_path / "acled.csv"
    path.write_text(
        f"{OLD_HEADER}\n1,2016-07-02,2016,Battles,Military Forces of India,,Military Forces of Pakistan,"
        f"India,0,x\n2,2016-07-03,2016,Remote violence,Military Forces of India,,Military Forces of "
        f"Pakistan,India,0,x\n",
        encoding="utf-8",
    )
    ev = read_acled(path)
    kwargs = {"at": "2016-07-04"} if call == "contributions" else {}
    with pytest.raises(tn.DirectionError, match=r"1 event has no direction .*rows \[0\]"):
        getattr(tn, call)(ev, directed=True, **kwargs)
    assert len(getattr(tn, call)(ev, **kwargs)) > 0
    assert len(getattr(tn, call)(ev[ev["ordered"]], directed=True, **kwargs)) > 0


# --- unmapped names in every report ------------------------------------------------


def test_every_reader_lists_unmapped_names_with_counts(tmp_path):
    icews = tmp_path / "icews.tab"
    lines = ICEWS.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    row = lines[1].split("\t")
    row[header.index("Source Country")] = "Atlantis"
    icews.write_text("\n".join([lines[0], "\t".join(row), "\t".join(row)]) + "\n", encoding="utf-8")
    assert _quiet(read_icews, icews).attrs["report"].unmapped == {"Atlantis": 2}

    acled = tmp_path / "acled.csv"
    acled.write_text(
        f"{OLD_HEADER}\n1,2020-04-27,2020,Battles,Military Forces of Artsakh (2007-),,"
        f"Military Forces of Azerbaijan (2003-),Azerbaijan,0,x\n",
        encoding="utf-8",
    )
    assert read_acled(acled).attrs["report"].unmapped == {"Artsakh": 1}

    gdelt = tmp_path / "g.CSV"
    fields = GDELT.read_text(encoding="utf-8").splitlines()[0].split("\t")
    fields[7], fields[17] = "ZZZ", "PAK"
    gdelt.write_text("\t".join(fields) + "\n", encoding="utf-8")
    assert read_gdelt(gdelt).attrs["report"].unmapped == {"ZZZ": 1}

    plover = tmp_path / "p.jsonl"
    plover.write_text(
        json.dumps(
            {"event": "ASSAULT", "source": [{"code": "Atlantis"}], "target": [{"code": "PAK"}], "date": "2024-01-16"}
        )
        + "\n",
        encoding="utf-8",
    )
    assert read_plover(plover).attrs["report"].unmapped == {"Atlantis": 1}


# --- dates: one rule per column -----------------------------------------------------

DATE_HEADER = "event_date,year,event_type,actor1,actor2,country,fatalities"


def _acled_dates(tmp_path, dates, years=None):
    path = tmp_path / "dates.csv"
    rows = [
        f"{d},{y},Remote violence,Military Forces of India (2014-),Civilians (Pakistan),Pakistan,0"
        for d, y in zip(dates, years or ["2024"] * len(dates), strict=True)
    ]
    path.write_text(DATE_HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("dates", "want"),
    [
        (["13/02/2024", "01/02/2024"], ["2024-02-13", "2024-02-01"]),  # a day over 12: day first, whole column
        (["02/13/2024", "01/02/2024"], ["2024-02-13", "2024-01-02"]),  # a month-second over 12: month first
        (["20240117"], ["2024-01-17"]),  # YYYYMMDD, as GDELT writes it
        (
            ["9-May-24", "21 March 2024", "01-January-2024", "2024-07-02"],
            ["2024-05-09", "2024-03-21", "2024-01-01", "2024-07-02"],
        ),
    ],
)
def test_acled_dates_one_rule_per_column(tmp_path, dates, want):
    ev = read_acled(_acled_dates(tmp_path, dates))
    assert ev["date"].dt.strftime("%Y-%m-%d").tolist() == want


@pytest.mark.parametrize(
    ("dates", "year_first", "day_first"),
    [
        (["24/01/17", "24/01/18"], ["2024-01-17", "2024-01-18"], ["2017-01-24", "2018-01-24"]),
        (["24-01-17", "24-01-18"], ["2024-01-17", "2024-01-18"], ["2017-01-24", "2018-01-24"]),
        (["13.02.24", "1.2.24"], ["2013-02-24", "2001-02-24"], ["2024-02-13", "2024-02-01"]),
        (["24/01/17", "24/01/18 10:00"], ["2024-01-17", "2024-01-18"], ["2017-01-24", "2018-01-24"]),
        (["24/01/17", "30/02/15"], ["2024-01-17", "2030-02-15"], ["2017-01-24", None]),  # year first only
        (["01/02/03", "05/06/07"], ["2001-02-03", "2005-06-07"], ["2003-02-01", "2007-06-05"]),  # three ways
    ],
)
def test_two_digit_years_first_or_last_are_an_error_until_dayfirst_says(tmp_path, dates, year_first, day_first):
    # "24/01/17" is 24 January 2017 day first and 17 January 2024 year first: a first part over 12
    # proves nothing when it may be the year; as read_events, a column that reads wholly year first
    # is refused (it used to be read day first without a word: 2017-01-24), and dayfirst=True says
    path = _icews_dates(tmp_path, dates)
    shown = f"{day_first[0]} day first, {year_first[0]} year first"
    with pytest.raises(ReadError, match=rf"'Event Date'.*{dates[0]}.* year last or first \({shown}\).* dayfirst=True"):
        _quiet(read_icews, path)
    ev = _quiet(read_icews, path, dayfirst=True)  # (not a date day first, or with a time: malformed)
    want = [d for d, v in zip(day_first, dates, strict=True) if d and ":" not in v]
    assert ev["date"].dt.strftime("%Y-%m-%d").tolist() == want


@pytest.mark.parametrize("junk", ["35/01/40", "00/00/00", "99/01/99"])
def test_two_digit_years_first_or_last_a_value_no_date_either_way_proves_nothing(tmp_path, junk):
    # a damaged value that is no date day first nor year first is malformed either way: it must not
    # switch the check off (the other dates were read day first without a word: 2017-01-24)
    with pytest.raises(ReadError, match=r"'24/01/17' may have a two-digit year last or first"):
        _quiet(read_icews, _icews_dates(tmp_path, ["24/01/17", junk, "24/01/18"]))


@pytest.mark.parametrize(
    ("dates", "want"),
    [
        (["24/01/35", "13/02/35"], ["2035-01-24", "2035-02-13"]),  # 35 is no day: year last
        (["24/01/17", "13/02/2024"], ["2017-01-24", "2024-02-13"]),  # a four-digit year is last
        (["17/01/17", "18/01/18"], ["2017-01-17", "2018-01-18"]),  # the same day either way
    ],
)
def test_two_digit_years_that_read_one_way_need_nothing(tmp_path, dates, want):
    ev = read_icews(_icews_dates(tmp_path, dates))
    assert ev["date"].dt.strftime("%Y-%m-%d").tolist() == want


@pytest.mark.parametrize(
    ("dates", "want"),
    [
        (["24/01/17", "35/01/2017"], ["2017-01-24"]),  # a four-digit year is last, in a damaged date too
        (["35/01/40", "17/01/17"], ["2017-01-17"]),  # no date either way (damaged), the rest the same either way
        (["13/01/00", "24/01/17"], ["2000-01-13", "2017-01-24"]),  # a date day first only: the year is last
        (["01/13/17", "05/01/17"], ["2017-01-13", "2017-05-01"]),  # month first proved: no year first to ask
    ],
)
def test_two_digit_years_that_read_one_way_among_damaged_dates_need_nothing(tmp_path, dates, want):
    ev = _quiet(read_icews, _icews_dates(tmp_path, dates))  # (a damaged date is skipped as malformed)
    assert ev["date"].dt.strftime("%Y-%m-%d").tolist() == want


@pytest.mark.parametrize(
    ("dates", "shown"),
    [
        # the example is a date that reads two ways, not the first of the column
        (
            ["17/01/17", "24/01/17"],
            "'24/01/17' may have a two-digit year last or first (2017-01-24 day first, 2024-01-17",
        ),
        # '69' is 1969 (as pandas reads %y: 69-99 are 19xx)
        (["69/01/17", "05/01/17"], "'69/01/17' may have a two-digit year last or first (no date day first, 1969-01-17"),
        # dates with a time of day are checked too
        (["24/01/17 10:00", "24/01/18 11:00"], "'24/01/17 10:00' may have a two-digit year last or first (2017-01-24"),
    ],
)
def test_two_digit_years_first_or_last_the_error_shows_a_date_read_both_ways(tmp_path, dates, shown):
    with pytest.raises(ReadError) as info:
        _quiet(read_icews, _icews_dates(tmp_path, dates))
    assert shown in str(info.value)


@pytest.mark.parametrize("value", ["45308", "2024", "1705449600", "0", "today", "2024-13-45"])
def test_acled_numbers_and_non_dates_are_malformed(tmp_path, value):
    ev = _quiet(read_acled, _acled_dates(tmp_path, ["2024-01-16", value]))
    report = ev.attrs["report"]
    assert len(ev) == 1 and report.skipped == {"malformed": 1}
    assert report.problems[0].endswith(f":3: event_date is not a date ({value!r})")


def test_acled_ambiguous_or_mixed_day_month_order_is_an_error(tmp_path):
    with pytest.raises(
        ReadError, match=r"'01/02/2024' may be day/month or month/day .* pass dayfirst=True or dayfirst=False"
    ):
        read_acled(_acled_dates(tmp_path, ["01/02/2024", "03/04/2024"]))
    ev = read_acled(_acled_dates(tmp_path, ["01/02/2024", "03/04/2024"]), dayfirst=False)
    assert ev["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-02", "2024-03-04"]
    with pytest.raises(
        ReadError, match=r"mixes day-first dates \('13/02/2024'\) and month-first dates \('02/13/2024'\)"
    ):
        read_acled(_acled_dates(tmp_path, ["13/02/2024", "02/13/2024"]))


@pytest.mark.parametrize("dayfirst", [None, True])
def test_acled_dates_with_a_time_follow_the_columns_one_order(tmp_path, dayfirst):
    # "13/02" proves day first, so "01/02" is 1 February, time of day or not
    path = _acled_dates(tmp_path, ["13/02/2024 00:00", "01/02/2024 00:00", "01/02/2024"])
    ev = read_acled(path, dayfirst=dayfirst)
    assert ev["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-02-13", "2024-02-01", "2024-02-01"]


def test_acled_dates_with_a_time_against_dayfirst_are_malformed(tmp_path):
    ev = _quiet(read_acled, _acled_dates(tmp_path, ["13/02/2024 00:00", "01/02/2024 00:00"]), dayfirst=False)
    assert ev["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-02"]
    assert ev.attrs["report"].problems[0].endswith(":2: event_date is not a date ('13/02/2024 00:00')")


def test_acled_ambiguous_dates_with_a_time_are_an_error(tmp_path):
    path = _acled_dates(tmp_path, ["01/02/2024 10:00", "03/04/2024 10:00"])
    with pytest.raises(ReadError, match=r"'01/02/2024 10:00' read as day/month and as month/day .* dayfirst=True"):
        read_acled(path)
    ev = read_acled(path, dayfirst=True)
    assert ev["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-02-01", "2024-04-03"]


def test_acled_files_keep_their_own_date_rules(tmp_path):
    # one file day first, another month first and a third in ISO: read in one call, each by its own rule
    first = _acled_dates(tmp_path, ["13/02/2024", "01/02/2024"]).rename(tmp_path / "a.csv")
    second = _acled_dates(tmp_path, ["02/13/2024", "01/02/2024"]).rename(tmp_path / "b.csv")
    third = _acled_dates(tmp_path, ["2024-03-05"]).rename(tmp_path / "c.csv")
    ev = read_acled([first, second, third])
    want = ["2024-02-13", "2024-02-01", "2024-02-13", "2024-01-02", "2024-03-05"]
    assert ev["date"].dt.strftime("%Y-%m-%d").tolist() == want
    with pytest.raises(ReadError, match=r"b\.csv: .*'01/02/2024' may be day/month or month/day"):
        read_acled([first, _acled_dates(tmp_path, ["01/02/2024"]).rename(tmp_path / "b.csv")])


def _icews_dates(tmp_path, dates):
    path = tmp_path / "dates.tab"
    header = "Event Date\tSource Country\tTarget Country\tCAMEO Code\tIntensity"
    rows = [f"{d}\tIndia\tPakistan\t190\t-10" for d in dates]
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_icews_dates_with_and_without_offsets_are_an_error(tmp_path):
    with pytest.raises(
        ReadError, match=r"mixes dates with a UTC offset and dates without one \(such as '2018-06-01'\)"
    ):
        read_icews(_icews_dates(tmp_path, ["2018-06-01T23:30:00-05:00", "2018-06-01"]))


def test_icews_dates_with_offsets_are_converted_to_utc_and_said(tmp_path):
    with pytest.warns(tn.TensionWarning, match="'Event Date' carry UTC offsets; converted to UTC"):
        ev = read_icews(_icews_dates(tmp_path, ["2018-06-01T23:30:00-05:00", "2018-06-02T01:00:00+00:00"]))
    assert ev["date"].tolist() == [pd.Timestamp("2018-06-02 04:30"), pd.Timestamp("2018-06-02 01:00")]


def test_icews_dates_beyond_the_nanosecond_range_are_read(tmp_path):
    # read_events keeps dates from year 1 to 9999: a reader must not fail on them with pandas' error
    ev = read_icews(_icews_dates(tmp_path, ["1500-06-01", "2018-06-01T10:00", "3000-01-02"]))
    assert ev["date"].dt.strftime("%Y-%m-%d").tolist() == ["1500-06-01", "2018-06-01", "3000-01-02"]


def test_icews_and_plover_take_dayfirst(tmp_path):
    path = _icews_dates(tmp_path, ["01/02/2018", "03/04/2018"])
    with pytest.raises(ReadError, match="pass dayfirst=True or dayfirst=False"):
        read_icews(path)
    assert read_icews(path, dayfirst=True)["date"].dt.strftime("%m-%d").tolist() == ["02-01", "04-03"]
    plover = pd.DataFrame(
        {
            "Event Type": ["ASSAULT"] * 2,
            "Actor Country": ["IRN"] * 2,
            "Recipient Country": ["PAK"] * 2,
            "Event Date": ["01/02/2024 10:00", "03/04/2024 10:00"],
        }
    )
    assert read_plover(plover, dayfirst=False)["date"].dt.strftime("%m-%d").tolist() == ["01-02", "03-04"]
    for reader, source in ((read_icews, path), (read_acled, _acled_dates(tmp_path, ["2024-01-01"]))):
        with pytest.raises(TypeError, match="dayfirst must be True, False or None"):
            reader(source, dayfirst="yes")


def test_acled_date_outside_its_year_is_malformed(tmp_path):
    ev = _quiet(read_acled, _acled_dates(tmp_path, ["2024-01-16", "2023-01-16"], years=["2024", "2024"]))
    assert (
        ev.attrs["report"]
        .problems[0]
        .endswith(":3: event_date is not in the year of the record's year column ('2023-01-16')")
    )


@pytest.mark.parametrize("dead", ["inf", "-1", "2.5", "many", "nan"])
def test_plover_casualties_that_are_not_counts_are_malformed(tmp_path, dead):
    path = tmp_path / "r.jsonl"
    record = {"event": "ASSAULT", "source": [{"code": "IRN"}], "target": [{"code": "PAK"}], "date": "2024-01-16"}
    path.write_text(json.dumps(record | {"dead": dead}) + "\n" + json.dumps(record) + "\n", encoding="utf-8")
    ev = _quiet(read_plover, path)
    assert len(ev) == 1 and ev.attrs["report"].problems[0].startswith(f"{path}:1: dead/injured not whole numbers")


def test_acled_rows_in_any_order_give_the_same_events():
    """Law: the reader is independent of the input's row order (hypothesis permutations)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    raw = pd.read_csv(ACLED, dtype=str, keep_default_na=False)
    want = _quiet(read_acled, raw).drop(columns=["line"]).sort_values("acled_id").reset_index(drop=True)

    @settings(max_examples=20)
    @given(st.permutations(range(len(raw))))
    def check(order):
        got = _quiet(read_acled, raw.iloc[list(order)].reset_index(drop=True))
        got = got.drop(columns=["line"]).sort_values("acled_id").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want)

    check()


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "11", "-10.5", "1e30", "x"])
@pytest.mark.parametrize("reader", ["icews", "gdelt"])
def test_goldstein_values_outside_the_scale_are_malformed(tmp_path, reader, value):
    if reader == "icews":
        lines = ICEWS.read_text(encoding="utf-8").splitlines()
        column = lines[0].split("\t").index("Intensity")
        fields = lines[1].split("\t")
        fields[column] = value
        path = tmp_path / "bad.tab"
        path.write_text("\n".join([lines[0], "\t".join(fields)]) + "\n", encoding="utf-8")
        message = f"{path}:2: Intensity is not a number in [-10, 10] ({value!r})"
    else:
        fields = GDELT.read_text(encoding="utf-8").splitlines()[0].split("\t")
        fields[30] = value
        path = tmp_path / "bad.CSV"
        path.write_text("\t".join(fields) + "\n", encoding="utf-8")
        message = f"{path}:1: GoldsteinScale is not a number in [-10, 10] ({value!r})"
    report = _quiet(READERS[reader][0], path).attrs["report"]
    assert report.skipped == {"malformed": 1} and report.problems == [message]


@pytest.mark.parametrize("value", ["1e30", "9223372036854775808", "inf", "-1"])
def test_acled_fatalities_that_would_overflow_are_malformed(tmp_path, value):
    path = tmp_path / "f.csv"
    path.write_text(
        f"{OLD_HEADER}\n1,2016-07-02,2016,Battles,Military Forces of India,,Military Forces of Pakistan,"
        f"India,{value},x\n",
        encoding="utf-8",
    )
    report = _quiet(read_acled, path).attrs["report"]
    assert report.problems == [f"{path}:2: fatalities is not a whole number >= 0 ({value!r})"]


@pytest.mark.parametrize(("operation", "code"), sorted(tn.io.acled.ACLED_OPERATIONS.items()))
def test_acled_named_operations_are_their_lead_state(tmp_path, operation, code):
    path = tmp_path / "ops.csv"
    path.write_text(
        f"{OLD_HEADER}\n1,2020-05-01,2020,Remote violence,{operation},,Civilians (Yemen),Yemen,2,x\n"
        f"2,2020-05-01,2020,Battles,Military Forces of Yemen (2016-),,{operation},Yemen,0,x\n",
        encoding="utf-8",
    )
    ev = read_acled(path)
    assert ev[["source", "target", "source_from", "target_from"]].values.tolist() == [
        [code, "YEM", "operation", "civilians"],
        ["YEM", code, "actor1", "operation"],
    ]


def test_tables_read_in_blocks_read_the_same(monkeypatch):
    whole = _quiet(read_icews, ICEWS)
    monkeypatch.setattr("tension.io._files._BATCH", 2)
    pd.testing.assert_frame_equal(_quiet(read_icews, ICEWS), whole)
    assert _quiet(read_icews, ICEWS).attrs["report"].rows == whole.attrs["report"].rows


def test_gdelt_files_read_in_turn_raise_in_turn(tmp_path):
    """The next file is read while this one is checked, but errors come in file order: a
    malformed line of the first file (errors="raise") before the damage of the second, and
    the damage "after" the last line read whole before it."""
    lines = GDELT.read_bytes().splitlines(keepends=True)
    broken = tmp_path / "broken.CSV"
    broken.write_bytes(b"".join(lines[:5] + [b"bad\tline\n"] + lines[5:]))
    packed = gzip.compress(GDELT.read_bytes())
    truncated = tmp_path / "truncated.CSV.gz"
    truncated.write_bytes(packed[: len(packed) * 2 // 3])
    with pytest.raises(ReadError, match=r"broken\.CSV:6: expected"):
        read_gdelt([broken, truncated], errors="raise")
    # what a plain loop of reads gets out of the damaged archive before it fails
    whole = b""
    with gzip.open(truncated, "rb") as handle:
        with pytest.raises(EOFError):
            while data := handle.read(4096):
                whole += data
    read_whole = whole.count(b"\n")
    assert 0 < read_whole < len(lines)
    with pytest.raises(
        ReadError, match=rf"truncated\.CSV\.gz: truncated or corrupt gzip file after line {read_whole} "
    ):
        _quiet(read_gdelt, [broken, truncated], chunk_bytes=4096)


@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_read_that_keeps_nothing_has_the_dtypes_of_a_full_one(tmp_path, reader):
    """A header alone (or, for GDELT, an empty file) reads as an empty frame with the very
    columns and dtypes of a full read: reads concatenate without columns turning object."""
    read, sample, suffix = READERS[reader]
    full = _quiet(read, sample)
    path = tmp_path / f"header{suffix}"
    path.write_bytes(b"" if reader == "gdelt" else sample.read_bytes().splitlines(keepends=True)[0])
    empty = _quiet(read, path)
    assert len(full) and not len(empty)
    pd.testing.assert_series_equal(empty.dtypes, full.dtypes)


@pytest.mark.parametrize("chunk_bytes", [32 * 2**20, 50_000])
def test_gdelt_problems_come_in_line_order_whatever_their_kind(tmp_path, chunk_bytes):
    """A bad value (SQLDATE) before a line of the wrong shape: reported first, and raised
    first with errors="raise", in one file or before a later file's damaged archive."""
    lines = GDELT.read_bytes().splitlines(keepends=True)
    fields = lines[2].split(b"\t")
    fields[1] = b"2017XX01"
    lines[2] = b"\t".join(fields)
    path = tmp_path / "mixed.CSV"
    path.write_bytes(b"".join(lines[:500] + [b"bad\tline\n"] + lines[500:]))
    report = _quiet(read_gdelt, path, chunk_bytes=chunk_bytes).attrs["report"]
    assert report.problems == [
        f"{path}:3: SQLDATE is not a YYYYMMDD date ('2017XX01')",
        f"{path}:501: expected 57 or 58 or 61 tab-separated fields, found 2",
    ]
    with pytest.raises(ReadError, match=r"mixed\.CSV:3: SQLDATE"):
        read_gdelt(path, errors="raise", chunk_bytes=chunk_bytes)
    packed = gzip.compress(GDELT.read_bytes())
    truncated = tmp_path / "truncated.CSV.gz"
    truncated.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(ReadError, match=r"mixed\.CSV:3: SQLDATE"):
        read_gdelt([path, truncated], errors="raise", chunk_bytes=chunk_bytes)


# --- clean tab-separated tables are read whole, exactly as line by line ----------------------

from unittest import mock  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tension.io import _files  # noqa: E402


def _records_both_ways(path, sep="\t", **kw):
    """read_records with the whole-file reading and with the line-by-line one, as object
    tables (the whole-file one holds pandas' text dtype)."""
    fast, fast_problems = _files.read_records(str(path), sep=sep, **kw)
    with mock.patch.object(_files, "_clean_table", lambda *a: None):
        slow, slow_problems = _files.read_records(str(path), sep=sep, **kw)
    return fast, fast_problems, slow, slow_problems


#: Field text: letters, digits, spaces, quotes, a backslash, accents, an emoji; and bytes
#: that make a file unclean (a tab or line end inside a field, a NUL, a lone CR).
_FIELD = st.text(alphabet=st.sampled_from(list("ab Z09 \"'\\,;é€😀")), max_size=6)
_DIRT = [b"", b"\x00", b"\r", b"\n", b"\t", b"\n\n", b"\xff", b"\xef\xbb\xbf"]


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=4),
    st.lists(st.lists(_FIELD, min_size=4, max_size=4), min_size=0, max_size=6),
    st.sampled_from([b"\n", b"\r\n"]),
    st.booleans(),
    st.booleans(),
    st.sampled_from(_DIRT),
    st.integers(min_value=0),
    st.sampled_from([None, 12, 40]),
)
def test_a_clean_tab_table_reads_whole_as_it_reads_line_by_line(
    columns, rows, newline, final_newline, bom, dirt, where, max_line
):
    header = ["Event ID", " Source Name", "Event Date", "x"][:columns]
    lines = ["\t".join(header).encode()] + ["\t".join(row[:columns]).encode() for row in rows]
    data = newline.join(lines) + (newline if final_newline else b"")
    data = (b"\xef\xbb\xbf" if bom else b"") + data
    cut = where % (len(data) + 1)
    data = data[:cut] + dirt + data[cut:]
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.tab"
        path.write_bytes(data)
        kw = {} if max_line is None else {"max_line_bytes": max_line}
        try:
            fast, fast_problems, slow, slow_problems = _records_both_ways(path, **kw)
        except ReadError as err:  # (then both ways: the line-by-line reading raises it)
            with mock.patch.object(_files, "_clean_table", lambda *a: None), pytest.raises(ReadError) as again:
                _files.read_records(str(path), sep="\t", **kw)
            assert str(again.value) == str(err)
            return
        pd.testing.assert_frame_equal(fast.astype(object), slow.astype(object))
        assert fast_problems == slow_problems
        if _files._clean_table(str(path), "\t", "utf-8", max_line or _files.MAX_LINE_BYTES, 2**20) is not None:
            assert not slow_problems and len(slow) > 0 and columns > 1


def test_a_clean_tab_table_is_read_whole_and_one_bad_record_reads_it_line_by_line(tmp_path):
    path = tmp_path / "events.tab"
    body = "".join(f'{k}\t2018-01-{k % 28 + 1:02d}\tIndia\t"quoted" text\n' for k in range(3000))
    path.write_text("Event ID\tEvent Date\tSource Country\tEvent Text\n" + body)
    table = _files._clean_table(str(path), "\t", "utf-8", _files.MAX_LINE_BYTES, 2**20)
    assert table is not None and table["line"].tolist() == list(range(2, 3002))
    assert table["Event Text"].iat[5] == '"quoted" text' and table["Event ID"].iat[2999] == "2999"
    path.write_text("Event ID\tEvent Date\tSource Country\tEvent Text\n" + body + "3000\t2018-01-01\tIndia\n")
    assert _files._clean_table(str(path), "\t", "utf-8", _files.MAX_LINE_BYTES, 2**20) is None
    frame, problems = _files.read_records(str(path), sep="\t")
    assert len(frame) == 3000 and problems == [f"{path}:3002: expected 4 tab-separated fields, found 3"]


#: Small tab-separated files, and whether they are clean (read whole).
TAB_FILES = {
    "clean": (b"a\tb\nx\ty\n", True),
    "CRLF line ends": (b"a\tb\r\nx\ty\r\n", True),
    "no final line end": (b"a\tb\nx\ty", True),
    "a byte order mark": (b"\xef\xbb\xbfa\tb\nx\ty\n", True),
    "two byte order marks": (b"\xef\xbb\xbf\xef\xbb\xbfa\tb\nx\ty\n", False),
    "spaces around header names": (b" a \t b\nx\ty\n", True),
    "a repeated or empty header name": (b"a\ta\t\nx\ty\tz\n", True),
    "quotes are characters": (b'a\tb\n"x\t"y""\n', True),
    "a NUL byte": (b"a\tb\nx\x00\ty\n", True),
    "a lone CR splitting a line": (b"a\tb\nx\ty\rz\tw\n", False),
    "a CR ending the file": (b"a\tb\nx\ty\r", False),
    "a lone CR in a field": (b"a\tb\nx\ry\tz\n", False),
    "a blank line": (b"a\tb\nx\ty\n\nz\tw\n", False),
    "a blank CRLF line": (b"a\tb\r\nx\ty\r\n\r\nz\tw\r\n", False),
    "a blank line first": (b"\na\tb\nx\ty\n", False),
    "a blank CRLF line first": (b"\r\na\tb\nx\ty\n", False),
    "a tab at a line's end": (b"a\tb\nx\ty\t\n", False),
    "a short record": (b"a\tb\nx\n", False),
    "a long record": (b"a\tb\nx\ty\tz\n", False),
    "a header alone": (b"a\tb\n", False),
    "one column": (b"a\nx\n\ny\n", False),
    "a byte not UTF-8": (b"a\tb\nx\xff\ty\n", False),
}


def test_a_tab_file_with_a_line_over_the_limit_is_read_line_by_line(tmp_path):
    path = tmp_path / "t.tab"
    path.write_bytes(b"a\tb\n" + b"x\ty\n" * 50 + b"x" * 30 + b"\ty\n" + b"x\ty\n" * 50)
    assert _files._clean_table(str(path), "\t", "utf-8", 32, 2**20) is not None  # (33 bytes with its line end)
    assert _files._clean_table(str(path), "\t", "utf-8", 31, 2**20) is None
    fast, problems, slow, _ = _records_both_ways(path, max_line_bytes=31)
    assert problems == [f"{path}:52: line longer than 31 bytes (no line end?); skipped"]
    assert fast["line"].tolist() == list(range(2, 52)) + list(range(53, 103))
    path.write_bytes(b"a\tb\n" + b"x\ty\n" * 50 + b"x" * 30 + b"\ty")  # the last line, without its line end
    assert _files._clean_table(str(path), "\t", "utf-8", 32, 2**20) is not None
    assert _files._clean_table(str(path), "\t", "utf-8", 31, 2**20) is None
    fast, problems, slow, _ = _records_both_ways(path, max_line_bytes=31)
    assert problems == [f"{path}:52: line longer than 31 bytes (no line end?); skipped"] and len(fast) == 50
    # a byte order mark counts in its line's length, as the line reader counts it
    path.write_bytes(b"\xef\xbb\xbf" + b"a" * 30 + b"\tb\nx\ty\n")
    assert _files._clean_table(str(path), "\t", "utf-8", 35, 2**20) is not None
    assert _files._clean_table(str(path), "\t", "utf-8", 34, 2**20) is None
    for limit in (34, 35):
        fast, problems, slow, slow_problems = _records_both_ways(path, max_line_bytes=limit)
        pd.testing.assert_frame_equal(fast.astype(object), slow.astype(object))
        assert problems == slow_problems


#: A comma-separated field: written as it is, or quoted (its quotes doubled), from text
#: that may hold commas, quotes, spaces, tabs and line ends.
_CSV_TEXT = st.text(alphabet=st.sampled_from(list('ab Z0,"\t\n\ré')), max_size=5)


def _quoted(field: str) -> bool:
    return len(field) > 1 and field[0] == field[-1] == '"'


@st.composite
def _csv_field(draw):
    text = draw(_CSV_TEXT)
    if draw(st.booleans()):
        return '"' + text.replace('"', '""') + '"'
    return text


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.lists(_csv_field(), min_size=3, max_size=3), min_size=1, max_size=6),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
    st.sampled_from(["", '"', '""', "\r", "\n", ",", 'x"', '"x']),
    st.integers(min_value=0),
)
def test_a_comma_table_reads_whole_as_it_reads_line_by_line(rows, newline, final_newline, dirt, where):
    text = newline.join(['event_date,"actor1",x'] + [",".join(row) for row in rows])
    text += newline if final_newline else ""
    cut = where % (len(text) + 1)
    text = text[:cut] + dirt + text[cut:]
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        path.write_bytes(text.encode())
        try:
            fast, fast_problems, slow, slow_problems = _records_both_ways(path, ",")
        except ReadError as err:
            with mock.patch.object(_files, "_clean_table", lambda *a: None), pytest.raises(ReadError) as again:
                _files.read_records(str(path), sep=",")
            assert str(again.value) == str(err)
            return
        pd.testing.assert_frame_equal(fast.astype(object), slow.astype(object))
        assert fast_problems == slow_problems
        taken = _files._clean_table(str(path), ",", "utf-8", _files.MAX_LINE_BYTES, 2**20) is not None
        # no dirt, no quote, comma or line end in an unquoted field: read whole if read well
        plain = not dirt and not any(
            '"' in f[1:-1].replace('""', "") if _quoted(f) else any(c in f for c in '",\r\n') for r in rows for f in r
        )
        if plain:
            assert taken == (len(slow) > 0 and not slow_problems)


#: Small comma-separated files, and whether they are clean (read whole).
CSV_FILES = {
    "clean": (b"a,b\nx,y\n", True),
    "quoted fields": (b'"a","b"\n"x, with a comma","y ""quoted"""\n', True),
    "an empty quoted field": (b'a,b\n"",y\n', True),
    "a field of one quote": (b'a,b\n"""",y\n', True),
    "a quote in an unquoted field": (b'a,b\nab"c,y\n', False),
    "text after a closing quote": (b'a,b\n"ab"c,y\n', False),
    "a quoted line end": (b'a,b\n"x\ny",z\nu,v\n', True),
    "quoted blank lines and CRLFs": (b'a,b\r\n"x\r\n\r\n\ny",z\r\n"\n",v\r\n', True),
    "a quoted lone CR": (b'a,b\n"x\ry",z\n', True),
    "a quoted lone CR in the header": (b'a,"b\r",c\n"x",y,z\n', True),
    "a lone CR outside quotes": (b'a,b\n"x",y\rz,w\n', False),
    "a lone CR ending quoted data": (b'a,b\n"x",y\r', False),
    "a blank line between quoted records": (b'a,b\n"x\ny",z\n\nu,v\n', False),
    "a quoted field never closed": (b'a,b\n"x,y\n', False),
    "a quote at the very end": (b'a,b\nx,y"', False),
    "a quoted header": (b'"a ",b\nx,y\n', True),
    "a quoted header over two lines": (b'"a\nb",c\nx,y\n', False),
    "CRLF": (b'a,b\r\n"x",y\r\n', True),
    "a long record": (b"a,b\nx,y,z\n", False),
    "a comma at a line's end": (b"a,b\nx,y,\n", False),
}


@pytest.mark.parametrize(
    ("sep", "case"), [("\t", case) for case in sorted(TAB_FILES)] + [(",", case) for case in sorted(CSV_FILES)]
)
def test_small_files_read_whole_only_when_clean_and_as_line_by_line(tmp_path, sep, case):
    data, clean = (TAB_FILES if sep == "\t" else CSV_FILES)[case]
    path = tmp_path / "t.txt"
    path.write_bytes(data)
    assert (_files._clean_table(str(path), sep, "utf-8", _files.MAX_LINE_BYTES, 2**20) is not None) == clean
    try:
        fast, fast_problems, slow, slow_problems = _records_both_ways(path, sep)
    except ReadError:
        assert not clean
        return
    pd.testing.assert_frame_equal(fast.astype(object), slow.astype(object))
    assert fast_problems == slow_problems


def test_a_quoted_field_over_the_csv_field_limit_is_left_to_the_line_reader(tmp_path):
    # each line within the limit, the field over it: Python's csv module refuses the field,
    # and the whole-file reading must not read it
    path = tmp_path / "t.csv"
    body = b'"' + b"x" * 50 + (b"\n" + b"x" * 50) * 30 + b'",2\n'  # a field of 1,580 bytes
    path.write_bytes(b"a,b\n" + body + b"y,3\n")
    assert _files._clean_table(str(path), ",", "utf-8", 64, 1580) is not None
    assert _files._clean_table(str(path), ",", "utf-8", 64, 1579) is None
    import csv

    before = csv.field_size_limit()
    try:
        csv.field_size_limit(1000)  # (process-wide; read_records raises it to a line's length)
        fast, fast_problems, slow, slow_problems = _records_both_ways(path, ",", max_line_bytes=64)
    finally:
        csv.field_size_limit(before)
    assert any("field larger than field limit" in p for p in slow_problems)
    pd.testing.assert_frame_equal(fast.astype(object), slow.astype(object))
    assert fast_problems == slow_problems
    # one line, the field's doubled quotes cutting it into short quoted runs: one field still
    path.write_bytes(b'a,b\n"' + (b"x" * 40 + b'""') * 40 + b'",2\ny,3\n')
    assert _files._clean_table(str(path), ",", "utf-8", 4096, 1680) is not None
    assert _files._clean_table(str(path), ",", "utf-8", 4096, 1679) is None


@pytest.mark.parametrize("sep", ["\t", ","])
def test_a_file_without_line_ends_is_never_read_whole(tmp_path, sep):
    path = tmp_path / "t.csv.gz"
    path.write_bytes(gzip.compress(b"a" + sep.encode() + b"b\n" + b"7" * (48 << 20), compresslevel=1))
    tracemalloc.start()
    try:
        assert _files._clean_table(str(path), sep, "utf-8", 1 << 18, 1 << 18) is None
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 24 << 20  # the line is 48 MiB; a piece is 8 MiB
