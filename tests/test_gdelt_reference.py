"""read_gdelt, frame and report, against an independent reader built on the ``csv``
module, one line at a time: on the bundled and real files, on every kind of bad input
the reader tests use, with each option, and whichever way a file is cut into blocks
(pyarrow's fast path, or the byte-level path that names bad lines)."""

from __future__ import annotations

import csv
import datetime
import gzip
import math
import re
import tracemalloc
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import REAL_DATA, SHARED_DATA, need

import tension as tn
from tension.countries import CAMEO_REGIONS, CAMEO_TO_ISO, country_codes
from tension.io import ReadError, read_gdelt
from tension.taxonomy import cameo_descriptions, cameo_to_kinds, goldstein_table

GDELT2 = Path(tn.datasets.path("gdelt2_20170101073000.export.CSV"))
GDELT1 = SHARED_DATA / "gdelt1_sample_events.tsv"
LAYOUTS = {57: "1.0-historical", 58: "1.0-daily", 61: "2.0"}
COUNTS = {"mentions": 31, "sources": 32, "articles": 33}
COUNT_NAMES = {"mentions": "NumMentions", "sources": "NumSources", "articles": "NumArticles"}
STRING = pd.Series([], dtype=str).dtype


def _date_ok(text):
    if not re.fullmatch(r"\d{8}", text):
        return False
    try:
        datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return False
    return True


def _number(text):
    try:
        return float(text)
    except ValueError:
        return math.nan


def _country(code):
    """(ISO code, skip reason) of a CAMEO actor country code."""
    code = code.strip().upper()
    if not code:
        return "", "no actor country"
    if code in CAMEO_REGIONS:
        return "", "regional actor code"
    iso = CAMEO_TO_ISO.get(code, code)
    return (iso, "") if iso in country_codes() else ("", "unknown actor code")


def reference(paths, *, version="auto", root_only=False, dedupe=None, weight_by=None, max_line_bytes=1 << 20):
    """The frame and report read_gdelt should give, from the csv module, line by line."""
    allowed = {"auto": (57, 58, 61), "1": (57, 58), "2": (61,)}[version]
    rows, structural, values, skipped, details, notes, kept = 0, [], [], {}, {}, {}, []
    for read, path in enumerate(map(str, paths)):
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rb") as handle:
            raw = handle.read().split(b"\n")
        if raw and raw[-1] == b"":
            raw.pop()
        non_utf8 = []
        for number, line in enumerate(raw, start=1):
            line = line[:-1] if line.endswith(b"\r") else line
            if not line:
                continue
            rows += 1
            if len(line) > max_line_bytes:
                skipped["malformed"] = skipped.get("malformed", 0) + 1
                structural.append(f"{path}:{number}: line longer than {max_line_bytes} bytes (no line end?); skipped")
                continue
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                text = line.decode("utf-8", errors="replace")
                non_utf8.append(number)
            # the csv module ends a line at a lone CR; the reader keeps it as text
            (f,) = [text.split("\t")] if "\r" in text else csv.reader([text], delimiter="\t", quoting=csv.QUOTE_NONE)
            if len(f) not in allowed:
                skipped["malformed"] = skipped.get("malformed", 0) + 1
                expected = " or ".join(map(str, allowed))
                structural.append(f"{path}:{number}: expected {expected} tab-separated fields, found {len(f)}")
                continue
            why = None
            if not _date_ok(f[1]):
                why = f"SQLDATE is not a YYYYMMDD date ({f[1]!r})"
            elif not (re.fullmatch(r"\d{2,4}", f[26]) and 1 <= int(f[26][:2]) <= 20):
                why = f"EventCode is not a CAMEO code ({f[26]!r})"
            elif not -10 <= _number(f[30]) <= 10:
                why = f"GoldsteinScale is not a number in [-10, 10] ({f[30]!r})"
            elif weight_by and not _number(f[COUNTS[weight_by]]) >= 1:
                why = f"{COUNT_NAMES[weight_by]} is not a count >= 1 ({f[COUNTS[weight_by]]!r})"
            (source, source_why), (target, target_why) = _country(f[7]), _country(f[17])
            reason = "malformed" if why else source_why or target_why
            if not reason and source == target:
                reason = "same country"
            if not reason and root_only and f[25] != "1":
                reason = "not a root event"
            if why:
                values.append(f"{path}:{number}: {why}")
            if reason in ("regional actor code", "unknown actor code"):
                code = f[7] if source_why else f[17]
                details.setdefault(reason, {})[code] = details.get(reason, {}).get(code, 0) + 1
            if reason:
                skipped[reason] = skipped.get(reason, 0) + 1
                continue
            width = len(f)
            kept.append(
                {
                    "sqldate": f[1],
                    "source": source,
                    "target": target,
                    "cameo": f[26],
                    "url": f[60] if width == 61 else f[57] if width == 58 else "",
                    "gdelt_id": f[0],
                    "source_actor": f[6],
                    "target_actor": f[16],
                    "is_root": f[25],
                    "quad_class": f[29],
                    "goldstein": f[30],
                    "num_mentions": f[31],
                    "num_sources": f[32],
                    "num_articles": f[33],
                    "avg_tone": f[34],
                    "date_added": f[59] if width == 61 else f[56],
                    "layout": LAYOUTS[width],
                    "file": path,
                    "read": read,  # (the same path given twice is read twice)
                    "line": number,
                }
            )
        if non_utf8:
            notes[
                f"lines with bytes that are not UTF-8, replaced by U+FFFD in text fields (first {path}:{non_utf8[0]})"
            ] = len(non_utf8)
    table = goldstein_table()
    differs = sum(
        float(r["goldstein"]) != table.get(r["cameo"], table.get(r["cameo"][:3], table.get(r["cameo"][:2])))
        for r in kept
    )
    if differs:
        notes["GoldsteinScale differs from the lookup table for its EventCode (file value used)"] = differs
    first_read: dict = {}
    for r in kept:
        first_read.setdefault(r["gdelt_id"], r["read"])
    again = sum(r["read"] != first_read[r["gdelt_id"]] for r in kept)
    if again:
        notes[
            "records whose GLOBALEVENTID was read from an earlier file too (the same file read twice? dedupe= keeps one)"
        ] = again
    if dedupe:
        groups: dict = {}
        for r in sorted(kept, key=lambda r: (int(r["gdelt_id"]), r["read"], r["line"])):  # (files in the order given)
            key = (r["sqldate"], r["source"], r["target"], r["cameo"]) + ((r["url"],) if dedupe == "article" else ())
            groups.setdefault(key, []).append(r)
        kept = []
        for group in groups.values():
            first = dict(group[0], records=len(group))
            for column in ("num_mentions", "num_sources", "num_articles"):
                first[column] = sum(int(r[column]) for r in group)
            kept.append(first)
        duplicates = sum(len(g) - 1 for g in groups.values())
        if duplicates:
            skipped[f"duplicate (dedupe={dedupe!r})"] = duplicates
        kept.sort(key=lambda r: (r["read"], r["line"]))
    frame = _frame(kept, weight_by, dedupe)
    report = {
        "rows": rows,
        "kept": len(frame),
        "skipped": skipped,
        "details": details,
        "problems": (structural + values)[:1000],
        "notes": notes,
    }
    return frame, report


def _frame(kept, weight_by, dedupe):
    def column(name, dtype=STRING):
        return pd.Series([r[name] for r in kept], dtype=dtype)

    cameo = column("cameo")
    weight = np.array([-float(r["goldstein"]) for r in kept])
    if weight_by:
        weight = weight * (1 + np.log(np.array([float(r[f"num_{weight_by}"]) for r in kept])))
    descriptions = cameo_descriptions()
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(column("sqldate"), format="%Y%m%d"),
            "source": column("source"),  # text columns keep pandas' text dtype
            "target": column("target"),
            "kind": cameo_to_kinds(cameo),
            "weight": weight,
            "cameo": cameo,
            "description": [descriptions.get(c, descriptions.get(c[:3], "")) for c in cameo],
            "url": column("url").replace("", pd.NA),
            "gdelt_id": column("gdelt_id"),
            "source_actor": column("source_actor"),
            "target_actor": column("target_actor"),
            "is_root": column("is_root", "Int64"),
            "quad_class": column("quad_class", "Int64"),
            "goldstein": column("goldstein", float),
            "num_mentions": column("num_mentions", "Int64"),
            "num_sources": column("num_sources", "Int64"),
            "num_articles": column("num_articles", "Int64"),
            "avg_tone": column("avg_tone", float),
            "date_added": column("date_added"),
            "layout": column("layout"),
            "file": column("file"),
            "line": column("line", np.int64),
        }
    )
    if dedupe:
        frame["records"] = column("records", np.int64)
    return tn.read_events(frame, duplicates="keep")


def check(paths, **options):
    """read_gdelt against the reference, whole and in small blocks."""
    want, want_report = reference(paths if isinstance(paths, list) else [paths], **options)
    for chunk in ({}, {"chunk_bytes": 4093}, {"chunk_bytes": 65521}):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", tn.TensionWarning)
            got = read_gdelt(paths, **options, **chunk)
        report = got.attrs.pop("report")
        pd.testing.assert_frame_equal(got, want, check_dtype=len(want) > 0)  # no records: the dtypes are moot
        if chunk:  # lines not UTF-8 are noted once per read of chunk_bytes, each with its first line
            assert _not_utf8(report.notes) == _not_utf8(want_report["notes"])
            assert {k: getattr(report, k) for k in want_report if k != "notes"} == {
                k: v for k, v in want_report.items() if k != "notes"
            }
        else:
            assert {k: getattr(report, k) for k in want_report} == want_report


def _not_utf8(notes):
    """The notes but the count of lines not UTF-8, and that count."""
    prefix = "lines with bytes that are not UTF-8"
    return {k: v for k, v in notes.items() if not k.startswith(prefix)}, sum(
        v for k, v in notes.items() if k.startswith(prefix)
    )


OPTIONS = [{}, {"root_only": True}, {"weight_by": "mentions"}, {"dedupe": "event"}, {"dedupe": "article"}]


@pytest.mark.parametrize("options", OPTIONS, ids=str)
@pytest.mark.parametrize("path", [GDELT2, GDELT1], ids=["gdelt2", "gdelt1"])
def test_bundled_files_read_as_the_reference(path, options):
    check(path, **options)


@pytest.mark.parametrize("options", OPTIONS, ids=str)
@pytest.mark.parametrize("name", ["gdelt2_20180326044500.export.CSV", "gdelt2_20191024143000.export.CSV"])
def test_real_files_read_as_the_reference(name, options):
    check(need(REAL_DATA / name), **options)


def test_several_files_and_versions_read_as_the_reference(tmp_path):
    daily = tmp_path / "daily.CSV"  # 1.0 daily lines only: one layout, the fast path
    daily.write_bytes(b"".join(x for x in GDELT1.read_bytes().splitlines(True) if x.count(b"\t") == 57))
    check([GDELT2, daily, GDELT1])
    check(GDELT1, version="1")
    check([GDELT2, GDELT1], version="2")


def test_the_same_file_twice_is_noted_and_dedupe_keeps_the_file_order(tmp_path):
    # an export and its archive in one glob: every record twice, said in the notes
    zipped = tmp_path / "a.export.CSV.gz"
    zipped.write_bytes(gzip.compress(GDELT2.read_bytes()))
    twice = read_gdelt([GDELT2, zipped])
    assert (
        twice.attrs["report"].notes[
            "records whose GLOBALEVENTID was read from an earlier file too (the same file read twice? dedupe= keeps one)"
        ]
        == len(twice) // 2
    )
    check([GDELT2, zipped])
    # the very same path twice: read twice, in turn, noted; dedupe keeps one of each
    same = read_gdelt([GDELT2, GDELT2])
    note = "records whose GLOBALEVENTID was read from an earlier file too (the same file read twice? dedupe= keeps one)"
    assert len(same) == len(twice) and same.attrs["report"].notes[note] == len(same) // 2
    once = read_gdelt([GDELT2, GDELT2], dedupe="event")
    assert once["gdelt_id"].tolist() == read_gdelt(GDELT2, dedupe="event")["gdelt_id"].tolist()
    check([GDELT2, GDELT2], dedupe="event")
    # files in the order given, not by name, with and without dedupe
    lines = _lines()
    late, early = tmp_path / "z.CSV", tmp_path / "a.CSV"
    late.write_text("\n".join(lines[:300]) + "\n", encoding="utf-8")
    early.write_text("\n".join(lines[300:]) + "\n", encoding="utf-8")
    for dedupe in (None, "event"):
        ev = read_gdelt([late, early], dedupe=dedupe)
        assert ev["file"].iloc[0] == str(late)
        assert list(dict.fromkeys(ev["file"])) == [str(late), str(early)]
        check([late, early], dedupe=dedupe)


def _lines():
    return GDELT2.read_text(encoding="utf-8").splitlines()


def _bad_inputs():
    """name -> bytes of every kind of bad input of the reader tests."""
    lines = _lines()
    short = "\t".join(lines[117].split("\t")[:40])
    bad_date, bad_gold, bad_code, bad_count = (lines[i].split("\t") for i in (118, 119, 120, 121))
    bad_date[1], bad_gold[30], bad_code[26], bad_count[31] = "2017-01-01", "minus ten", "99", "0"
    cases = {
        "broken": "\n".join(
            [lines[115], short, "\t".join(bad_date), "", "\t".join(bad_gold) + "\r", lines[116], "\t".join(bad_code)]
        ).encode()
        + b"\n",
        "crlf": "\r\n".join(lines).encode() + b"\r\n",
        "blank lines": "\n\n".join(lines[:200]).encode(),
        "no final newline": "\n".join(lines).encode(),
        "count below one": ("\n".join(lines[:130] + ["\t".join(bad_count)]) + "\n").encode(),
        "nul": bytes(1000),
        "empty": b"",
        "only blank": b"\n\n\r\n",
        "tab line": b"\t" * 60 + b"\n",
    }
    raw = GDELT2.read_bytes().split(b"\n")
    raw[3] = raw[3].replace(b"\t", b"\xe9\t", 1)
    cases["latin1"] = b"\n".join(raw)
    for value in ["inf", "-inf", "nan", "11", "-10.5", "1e30", "x"]:
        fields = lines[0].split("\t")
        fields[30] = value
        cases[f"goldstein {value}"] = ("\t".join(fields) + "\n").encode()
    fields = lines[0].split("\t")
    fields[7], fields[17] = "USA", "ZZZ"
    cases["unknown code"] = ("\t".join(fields) + "\n").encode()
    cases["bom"] = b"\xef\xbb\xbf" + GDELT2.read_bytes()
    cases["lone cr"] = ("\n".join(lines[:50] + [lines[115].replace("\t", "\r\t", 3)] + lines[116:200]) + "\n").encode()
    cases["cr at line start"] = ("\n".join(lines[:50]) + "\n\r" + "\n".join(lines[115:200]) + "\n").encode()
    big = GDELT2.read_bytes().split(b"\n")[:-1] * 11  # 3 MB: one block, read in pieces around its bad lines
    for i in (5, 2000, 6100):
        big[i] = big[i].replace(b"\t", b"\xe9\t", 1)
    big[4000], big[7000] = b"\t".join(big[4000].split(b"\t")[:30]), b""
    cases["a few bad lines in a large block"] = b"\n".join(big) + b"\n"
    cases["cr cr lf"] = ("\r\r\n".join(lines[:130]) + "\n").encode()
    return cases


@pytest.mark.parametrize("name", sorted(_bad_inputs()))
def test_bad_input_reads_as_the_reference(tmp_path, name):
    path = tmp_path / "bad.CSV"
    path.write_bytes(_bad_inputs()[name])
    check(path)
    check(path, weight_by="mentions")


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_overlong_line_reads_as_the_reference(tmp_path, where):
    lines = GDELT2.read_bytes().splitlines(keepends=True)
    at = {"first": 0, "middle": 300, "last": len(lines)}[where]
    data = b"".join(lines[:at]) + b"7" * (3 << 20) + (b"\n" if where != "last" else b"") + b"".join(lines[at:])
    path = tmp_path / "long.CSV.gz"
    path.write_bytes(gzip.compress(data, compresslevel=1))
    want, want_report = reference([path], max_line_bytes=1 << 18)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tn.TensionWarning)
        got = read_gdelt(path, chunk_bytes=1 << 18, max_line_bytes=1 << 18)
    report = got.attrs.pop("report")
    pd.testing.assert_frame_equal(got, want)
    assert {k: getattr(report, k) for k in want_report} == want_report


def test_errors_raise_names_the_first_bad_line_as_before(tmp_path):
    path = tmp_path / "broken.CSV"
    path.write_bytes(_bad_inputs()["broken"])
    _, report = reference([path])
    with pytest.raises(ReadError, match=re.escape(report["problems"][0])):
        read_gdelt(path, errors="raise")
    lines = _lines()
    bad = lines[118].split("\t")
    bad[1] = "2017-13-01"
    path.write_text("\n".join(lines[:300] + ["\t".join(bad)] + lines[300:]) + "\n", encoding="utf-8")
    with pytest.raises(ReadError, match=r"broken\.CSV:301: SQLDATE is not a YYYYMMDD date \('2017-13-01'\)"):
        read_gdelt(path, errors="raise")


def test_a_512_mib_line_in_a_small_zip_is_refused_in_bounded_memory(tmp_path):
    """Half a gigabyte without a newline, in a zip of well under a megabyte: one
    malformed line, never held whole, then the rest of the file read."""
    path = tmp_path / "huge.CSV.zip"
    piece = b"7" * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("huge.CSV", "w", force_zip64=True) as member:
            for _ in range(512):
                member.write(piece)
            member.write(b"\n" + GDELT2.read_bytes())
    assert path.stat().st_size < 4 << 20
    tracemalloc.start()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", tn.TensionWarning)
            ev = read_gdelt(path, chunk_bytes=1 << 22)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    report = ev.attrs["report"]
    assert peak < 64 << 20
    assert report.problems == [f"{path}:1: line longer than {1 << 20} bytes (no line end?); skipped"]
    assert report.rows == 721 and len(ev) == len(read_gdelt(GDELT2))
