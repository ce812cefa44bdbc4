"""The command line on a user's mistakes: one line per problem, exit code 2, never a
traceback; a bug still shows one. Run in-process (``tension.cli.main``) to stay fast;
the closed pipe runs as a real pipeline."""

from __future__ import annotations

import gzip
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import SEEDS, SHARED_DATA

import tension as tn
from tension.cli import main

SEED = SEEDS / "pakistan_iran_2024.csv"
GDELT = Path(tn.datasets.path("gdelt2_20170101073000.export.CSV"))
ICEWS = SHARED_DATA / "icews_sample.tab"
ACLED = SHARED_DATA / "acled_sample.csv"


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _acled_row(actor1, actor2, country):
    header = ACLED.read_text(encoding="utf-8").splitlines()[0]
    width = header.count(",") + 1
    fields = {
        "event_id_cnty": "X1",
        "event_date": "2024-01-22",
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "actor1": actor1,
        "actor2": actor2,
        "country": country,
        "fatalities": "0",
    }
    names = header.split(",")
    row = [fields.get(name, "") for name in names]
    assert len(row) == width
    return header + "\n" + ",".join(row) + "\n"


#: name -> (file bytes, --from, a phrase the one-line error must contain)
CORPUS = {
    "truncated.CSV.gz": (lambda: gzip.compress(GDELT.read_bytes())[:-4000], "gdelt", "truncated or corrupt gzip file"),
    "notgzip.CSV.gz": (lambda: b"plain text\n", "gdelt", "not a readable gzip file"),
    "truncated.CSV.zip": (lambda: _zip({"a.CSV": GDELT.read_bytes()})[:-3000], "gdelt", "not a readable zip archive"),
    "two.CSV.zip": (lambda: _zip({"a.CSV": b"x", "b.CSV": b"y"}), "gdelt", "expected one file inside the zip archive"),
    "truncated.tab.gz": (lambda: gzip.compress(ICEWS.read_bytes())[:-200], "icews", "truncated or corrupt gzip file"),
    "icews_as_gdelt.tab": (lambda: ICEWS.read_bytes(), "gdelt", "use --from icews"),
    "icews_as_events.tab": (lambda: ICEWS.read_bytes(), "events", "use --from icews"),
    "acled_as_icews.csv": (lambda: ACLED.read_bytes(), "icews", "use --from acled"),
    "gdelt_as_acled.CSV": (lambda: GDELT.read_bytes(), "acled", "use --from gdelt"),
    "events_as_gdelt.csv": (lambda: SEED.read_bytes(), "gdelt", "use --from events"),
    "latin1.tab": (lambda: b"\xe9" + ICEWS.read_bytes(), "icews", "latin1.tab:1: byte"),
    "latin1_events.csv": (lambda: SEED.read_bytes().replace(b"Iran", b"Ir\xe1n", 1), "events", "not UTF-8"),
    "empty.tab": (lambda: b"", "icews", "is empty"),
    "empty.csv": (lambda: b"", "events", "empty.csv"),
    "binary.csv": (lambda: bytes(range(256)) * 8, "events", "binary.csv"),
    "nul.CSV": (lambda: bytes(1000), "gdelt", "no events to score"),
    "noline.CSV.gz": (lambda: gzip.compress(b"7" * (3 << 20)), "gdelt", "(skipped: malformed: 1)"),
    "broken.jsonl": (lambda: b'{"event": "ASSAULT"\n{"event"\n', "plover", "no events to score"),
    "broken.json": (lambda: b'[{"event": "ASSAULT"', "plover", "not valid JSON at column"),
    "header_only.csv": (lambda: ACLED.read_text().splitlines()[0].encode() + b"\n", "acled", "no events to score"),
    "domestic.csv": (
        lambda: _acled_row("Military Forces of Pakistan (2018-)", "TTP", "Pakistan").encode(),
        "acled",
        "(skipped: no second country: 1)",
    ),
    "no_columns.csv": (lambda: b"a,b\n1,2\n", "events", "required column is missing"),
}


def run(args, capsys):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def _one_line_errors(err: str):
    lines = err.strip().splitlines()
    assert lines and "Traceback" not in err
    assert all(line.startswith("tension: ") for line in lines), err
    return [line for line in lines if line.startswith("tension: error: ")]


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_broken_files_are_one_line_per_problem_and_exit_2(tmp_path, capsys, name):
    make, source, phrase = CORPUS[name]
    path = tmp_path / name
    path.write_bytes(make())
    code, out, err = run(["score", path, "--from", source, "-o", tmp_path / "out.csv"], capsys)
    assert code == 2
    errors = _one_line_errors(err)
    assert any(phrase in line for line in errors), err
    assert not (tmp_path / "out.csv").exists()


def _bad_args(tmp_path):
    (tmp_path / "dir.tab").mkdir()
    return {
        "directory as file": (["score", tmp_path / "dir.tab"], "is a directory"),
        "directory as gdelt": (["score", tmp_path / "dir.tab", "--from", "gdelt"], "is a directory"),
        "glob matching nothing": (["score", tmp_path / "none*.CSV", "--from", "gdelt"], "no files match"),
        "missing file": (["score", tmp_path / "none.csv"], "no such events file"),
        "unwritable output": (["score", SEED, "-o", "/proc/forbidden.csv"], "cannot write /proc/forbidden.csv"),
        "output in missing folder": (["score", SEED, "-o", tmp_path / "no" / "x.csv"], "no such directory"),
        "output is a directory": (["score", SEED, "-o", tmp_path], "is a directory"),
        "output format": (["score", SEED, "-o", tmp_path / "x.xlsx"], "use a .csv, .tsv or .parquet"),
        "freq 0D": (["score", SEED, "--freq", "0D"], "--freq '0D' must be a positive step"),
        "freq -1D": (["score", SEED, "--freq=-1D"], "--freq '-1D' must be a positive step"),
        "freq nonsense": (["score", SEED, "--freq", "fortnight"], "is not a pandas frequency"),
        "start not a date": (["score", SEED, "--start", "soon"], "--start 'soon' is not a date"),
        "start now": (["score", SEED, "--start", "now"], "--start 'now' is not a date"),
        "start day and month in numbers": (["score", SEED, "--start", "10/01/2024"], "write it as YYYY-MM-DD"),
        "start after end": (["score", SEED, "--start", "2024-03-01", "--end", "2024-01-01"], "is after --end"),
        "one time zone": (
            ["score", SEED, "--start", "2024-01-01T00:00+01:00", "--end", "2024-02-01"],
            "give a time zone on both or on neither",
        ),
        "start after the events": (["score", SEED, "--start", "2030-01-01"], "after the last event"),
        "end before the events": (["score", SEED, "--end", "1990-01-01"], "before the first event"),
        "unknown dyad": (["score", SEED, "--dyad", "IND-PAK"], "no events for dyad IND-PAK"),
        "heat map of no dyad": (
            ["plot", SEED, "--kind", "heatmap", "--dyad", "XXX-YYY", "-o", tmp_path / "h.png"],
            "no events for dyad XXX-YYY",
        ),
        "top 0": (
            ["plot", SEED, "--kind", "drivers", "--top", "0", "-o", tmp_path / "d.png"],
            "--top must be at least 1",
        ),
        "dpi 0": (["plot", SEED, "--dpi", "0", "-o", tmp_path / "d.png"], "--dpi must be at least 1"),
        "plot into a missing folder": (["plot", SEED, "-o", tmp_path / "no" / "d.png"], "no such directory"),
        "directed ACLED battles": (["score", ACLED, "--from", "acled", "--directed"], "no particular order"),
    }


CASES = [
    "directory as file",
    "directory as gdelt",
    "glob matching nothing",
    "missing file",
    "unwritable output",
    "output in missing folder",
    "output is a directory",
    "output format",
    "freq 0D",
    "freq -1D",
    "freq nonsense",
    "start not a date",
    "start now",
    "start after end",
    "one time zone",
    "start after the events",
    "end before the events",
    "unknown dyad",
    "heat map of no dyad",
    "top 0",
    "dpi 0",
    "plot into a missing folder",
    "directed ACLED battles",
]


@pytest.mark.parametrize("case", CASES)
def test_user_mistakes_are_one_line_and_exit_2(tmp_path, capsys, case):
    args, phrase = _bad_args(tmp_path)[case]
    code, out, err = run(args, capsys)
    assert code == 2
    errors = _one_line_errors(err)
    assert any(phrase in line for line in errors), err


def test_the_reader_report_goes_to_stderr(tmp_path, capsys):
    code, out, err = run(["score", ICEWS, "--from", "icews", "-o", tmp_path / "s.csv"], capsys)
    assert code == 0
    with pytest.warns(tn.TensionWarning, match="3 malformed records"):
        report = tn.io.read_icews(ICEWS).attrs["report"]
    assert all(f"tension: {line}" in err for line in str(report).splitlines())


def test_a_bug_still_shows_its_traceback(monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise TypeError("an internal bug")

    monkeypatch.setattr(tn, "score", broken)
    with pytest.raises(TypeError, match="an internal bug"):
        main(["score", str(SEED)])


def test_a_closed_pipe_ends_quietly(tmp_path):
    big = tmp_path / "many.csv"
    rows = ["date,source,target,kind"] + [
        f"2024-01-{1 + i // 24:02d} {i % 24:02d}:00,PAK,IRN,talks" for i in range(200)
    ]
    big.write_text("\n".join(rows) + "\n")
    command = f"{sys.executable} -m tension.cli score {big} --freq 1h -o - | head -n 2"
    result = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=300)
    assert result.stdout.splitlines()[0].startswith("dyad,date,tension,hostile,cooperative,index")
    assert result.stderr == ""
