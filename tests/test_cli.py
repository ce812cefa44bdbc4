"""The command line, run as a user runs it: in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "tension.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_demo_prints_the_story_and_writes_the_plot(tmp_path):
    result = run("demo", "-o", str(tmp_path / "demo.png"))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "2024-01-18" in out and "2024-01-29" in out
    assert "top drivers" in out
    assert "PAK→IRN airstrike" in out
    png = tmp_path / "demo.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000


def test_demo_default_output_in_working_directory(tmp_path):
    result = run("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "tension_demo.png").exists()


def test_kinds_lists_the_taxonomy():
    result = run("kinds")
    assert result.returncode == 0
    assert "airstrike" in result.stdout and "195" in result.stdout and "0312" in result.stdout


@pytest.mark.parametrize("args", [[], ["nonsense"]])
def test_usage_errors_exit_nonzero(args):
    result = run(*args)
    assert result.returncode == 2
    assert "usage: tension" in result.stderr


import pandas as pd  # noqa: E402
from conftest import SEEDS, SHARED_DATA  # noqa: E402

import tension as tn  # noqa: E402

SEED = str(SEEDS / "pakistan_iran_2024.csv")


def test_score_to_stdout_and_files(tmp_path):
    result = run("score", SEED, "--start", "2024-01-15", "--end", "2024-01-31")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "dyad,date,tension,hostile,cooperative,index,heat,flow" and len(lines) == 1 + 17
    for name in ("s.csv", "s.parquet"):
        result = run("score", SEED, "--freq", "W", "--half-life", "7", "-o", str(tmp_path / name))
        assert result.returncode == 0, result.stderr
        assert "wrote" in result.stderr
    csv_out = pd.read_csv(tmp_path / "s.csv")
    assert csv_out.equals(
        pd.read_parquet(tmp_path / "s.parquet").assign(date=lambda f: f["date"].astype(str)).astype(csv_out.dtypes)
    )
    # weekly grid (Sundays) from the first event's week to the first Sunday after the last event
    assert csv_out["date"].tolist() == ["2024-01-21", "2024-01-28", "2024-02-04"]


def test_score_options_directed_dyad_and_half_life_mapping(tmp_path):
    out = tmp_path / "d.csv"
    result = run(
        "score",
        SEED,
        "--directed",
        "--dyad",
        "PAK->IRN",
        "--half-life",
        "material_conflict=60,default=30",
        "-o",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    frame = pd.read_csv(out)
    assert set(frame["dyad"]) == {"PAK->IRN"}


def test_score_reads_other_formats():
    result = run("score", str(SHARED_DATA / "icews_sample.tab"), "--from", "icews")
    assert result.returncode == 0, result.stderr
    assert "warning: read_icews: 3 malformed records skipped" in result.stderr
    assert "IRN-PAK" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("date,source,target,kind\n2024-01-01,PAK,IRN,air_strike\n", "column 'kind', row 0: unknown kind 'air_strike'"),
        ("date,source,target,kind\n2024-01-01,PAK,PAK,talks\n", "column 'target', row 0: target equals source"),
        ("date,source,kind\n2024-01-01,PAK,talks\n", "column 'target', all rows: required column is missing"),
        ("date,source,target,kind,killed\nsoon,PAK,IRN,airstrike,-1\n", "column 'killed', row 0: negative count"),
    ],
)
def test_bad_input_is_one_readable_line_per_problem_and_exit_2(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    result = run("score", str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert message in result.stderr
    assert all(line.startswith("tension: error: ") for line in result.stderr.strip().splitlines())


def test_missing_file_unknown_dyad_and_bad_output(tmp_path):
    assert "no such events file" in run("score", str(tmp_path / "none.csv")).stderr
    result = run("score", SEED, "--dyad", "IND-PAK")
    assert result.returncode == 2 and "no events for dyad IND-PAK; dyads present: IRN-PAK" in result.stderr
    result = run("score", SEED, "-o", str(tmp_path / "out.xlsx"))
    assert result.returncode == 2 and "use a .csv, .tsv or .parquet" in result.stderr


def test_weights_option_adds_a_kind(tmp_path):
    path = tmp_path / "own.csv"
    path.write_text("date,source,target,kind\n2024-01-01,PAK,IRN,drone_incursion\n")
    assert run("score", str(path)).returncode == 2
    result = run("score", str(path), "--weights", "drone_incursion=6", "--end", "2024-01-01")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[1].startswith("IRN-PAK,2024-01-01,6.0,")


def test_a_weights_file_is_read_as_the_api_reads_the_table(tmp_path):
    events = tmp_path / "own.csv"
    events.write_text("date,source,target,kind\n2024-01-01,PAK,IRN,drone_incursion\n")
    table = tmp_path / "weights.csv"
    table.write_text("kind,weight,cameo\ndrone_incursion,6,195\n")
    # the code gives the kind its quad class: its half-life is material_conflict's, 60 days
    args = ["--weights", str(table), "--half-life", "material_conflict=60,default=5", "--start", "2024-03-01"]
    result = run("score", str(events), *args, "--end", "2024-03-01")
    assert result.returncode == 0, result.stderr
    tension = float(result.stdout.strip().splitlines()[1].split(",")[2])
    assert tension == pytest.approx(6.0 * 2 ** (-60 / 60))
    api = tn.score(
        pd.read_csv(events),
        weights=pd.read_csv(table, dtype={"cameo": str}),
        half_life={"material_conflict": 60, "default": 5},
        at="2024-03-01",
    )
    assert tension == pytest.approx(api["tension"].item())


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ("kind,weight\nairstrike,10\nairstrike,-10\n", "gives kind 'airstrike' more than once"),
        ("kind,weight,cameo\ndrone_incursion,6,36\n", "not one; write codes as text"),
    ],
)
def test_a_weights_file_the_api_refuses_is_refused(tmp_path, weights, message):
    table = tmp_path / "weights.csv"
    table.write_text(weights)
    result = run("score", SEED, "--weights", str(table))
    assert result.returncode == 2 and message in result.stderr


@pytest.mark.parametrize("option", [["--weights", "airstrike=5,airstrike=-5"], ["--half-life", "talks=5,talks=9"]])
def test_a_name_given_twice_inline_is_refused(option):
    result = run("score", SEED, *option)
    assert result.returncode == 2 and "is given twice" in result.stderr


def test_the_progress_bar_reads_a_csv_as_without(tmp_path):
    # lines ending in a delimiter, and a leading-zero CAMEO code: the same reading either way
    path = tmp_path / "trailing.csv"
    path.write_text("date,source,target,kind,cameo\n2024-01-01,IRN,PAK,airstrike,195,\n2024-01-02,PAK,IRN,talks,040,\n")
    plain = run("score", str(path), "--no-progress", "-o", "-")
    with_bar = run("score", str(path), "--progress", "-o", "-")
    assert plain.returncode == 0 and with_bar.returncode == 0, with_bar.stderr
    assert with_bar.stdout == plain.stdout and "reading" in with_bar.stderr


@pytest.mark.parametrize(
    "kind", ["timeline", "decomposition", "contributions", "drivers", "heatmap", "small-multiples"]
)
def test_plot_writes_each_kind(tmp_path, kind):
    out = tmp_path / f"{kind}.png"
    result = run("plot", SEED, "--kind", kind, "--at", "2024-01-29", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:4] == b"\x89PNG" and out.stat().st_size > 10_000


def test_plot_needs_a_dyad_when_several(tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("date,source,target,kind\n2024-01-01,PAK,IRN,talks\n2024-01-02,PAK,AFG,threat\n")
    result = run("plot", str(path), "-o", str(tmp_path / "x.png"))
    assert result.returncode == 2 and "choose one with dyad=" in result.stderr
    assert run("plot", str(path), "--dyad", "AFG-PAK", "-o", str(tmp_path / "x.png")).returncode == 0


def test_plot_of_one_dyad_refuses_a_second_dyad(tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("date,source,target,kind\n2024-01-01,PAK,IRN,talks\n2024-01-02,PAK,AFG,threat\n")
    for kind in ("timeline", "decomposition", "drivers"):  # (the second --dyad was silently left out)
        result = run(
            "plot", str(path), "--kind", kind, "--dyad", "AFG-PAK", "--dyad", "IRN-PAK", "-o", str(tmp_path / "x.png")
        )
        assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
        assert "--kind " + kind + " draws one dyad" in result.stderr
    for kind in ("heatmap", "small-multiples"):
        args = (
            "plot",
            str(path),
            "--kind",
            kind,
            "--dyad",
            "AFG-PAK",
            "--dyad",
            "IRN-PAK",
            "-o",
            str(tmp_path / "x.png"),
        )
        assert run(*args).returncode == 0


def test_kinds_cameo_lists_every_code():
    result = run("kinds", "--cameo")
    assert result.returncode == 0
    assert len(result.stdout.strip().splitlines()) == 1 + 311


@pytest.mark.parametrize("command", ["demo", "score", "plot", "kinds"])
def test_help_of_every_command(command):
    result = run(command, "--help")
    assert result.returncode == 0 and "usage: tension" in result.stdout and len(result.stdout) > 200


def test_python_dash_m_tension_is_the_command(tmp_path):
    # as `tension kinds`, under both module names
    expected = run("kinds").stdout
    for module in ("tension", "tension.cli"):
        out = subprocess.run([sys.executable, "-m", module, "kinds"], capture_output=True, text=True, cwd=tmp_path)
        assert out.returncode == 0 and out.stdout == expected and "airstrike" in out.stdout


def test_import_tension_leaves_heavy_optional_modules_unloaded():
    """`import tension` (and so the command line) stays quick: scipy's optimisers and
    distributions, matplotlib, numba and Dask are imported by the functions that use them."""
    import subprocess
    import sys

    heavy = ("scipy.stats", "scipy.optimize", "matplotlib", "numba", "dask")
    code = f"import sys, tension; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_plot_small_multiples_draws_the_dyads_asked_for(tmp_path, monkeypatch):
    from tension.cli import main

    path = tmp_path / "two.csv"
    path.write_text("date,source,target,kind\n2024-01-01,PAK,IRN,talks\n2024-01-02,PAK,AFG,threat\n")
    drawn = []
    real = tn.plot.small_multiples
    monkeypatch.setattr(
        tn.plot, "small_multiples", lambda daily, *a, **k: drawn.append(set(daily["dyad"])) or real(daily, *a, **k)
    )
    assert (
        main(["plot", str(path), "--kind", "small-multiples", "--dyad", "AFG-PAK", "-o", str(tmp_path / "x.png")]) == 0
    )
    assert drawn == [{"AFG-PAK"}]  # (--dyad was left out: every dyad drawn)


@pytest.mark.parametrize(
    ("dates", "day"),
    [
        (["--start", "2024Q1"], "2024-01-01"),
        (["--end", "2024Q2"], "2024-04-01"),
        (["--start", "2024Q1", "--end", "2024Q1"], "2024-01-01"),
    ],
)
def test_a_quarter_as_start_or_end_is_read_as_the_scorer_reads_it(dates, day):
    # pandas' own reading of "2024Q1" is deprecated (a warning now, an error in pandas 4)
    result = run("score", SEED, *dates)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr.lower(), result.stderr
    assert day in result.stdout


_MEMORY_PROBE = """
import json, resource, sys
import numpy as np
from numpy._core.multiarray import _set_madvise_hugepage
from tension.cli import _one_command_memory
done = _one_command_memory() if sys.argv[1] == "set" else []
huge = _set_madvise_hugepage(True); _set_madvise_hugepage(huge)
a = np.ones(1 << 21); del a  # 16 MB, freed
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
b = np.ones(1 << 21)
print(json.dumps({"done": done, "huge": bool(huge), "faults": resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before}))
"""


def _probe(mode, **env):
    import json
    import os

    settings = ("NUMPY_MADVISE_HUGEPAGE", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES")
    clean = {k: v for k, v in os.environ.items() if k not in settings}
    result = subprocess.run(
        [sys.executable, "-c", _MEMORY_PROBE, mode], capture_output=True, text=True, env={**clean, **env}, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc and transparent huge pages")
def test_a_command_process_keeps_freed_memory_and_asks_no_huge_pages():
    import platform

    if platform.libc_ver()[0] != "glibc":
        pytest.skip("glibc's mallopt")
    plain, tuned = _probe("plain"), _probe("set")
    assert tuned["done"] == ["numpy: no huge pages", "glibc: freed memory kept"]
    assert plain["huge"] is True and tuned["huge"] is False
    # 16 MB allocated again after a free: fresh pages without the settings (4,096 small or
    # 8 huge ones), the freed block reused with them (below the 32 MiB that every glibc
    # takes as its mmap threshold)
    assert plain["faults"] >= 8 and tuned["faults"] < 4
    # settings the user made are kept
    theirs = _probe("set", NUMPY_MADVISE_HUGEPAGE="1")
    assert theirs["huge"] is True and theirs["done"] == ["glibc: freed memory kept"]
    assert _probe("set", MALLOC_MMAP_THRESHOLD_="131072")["done"] == ["numpy: no huge pages"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc and transparent huge pages")
@pytest.mark.parametrize(
    "setting", ["MALLOC_TRIM_THRESHOLD_=131072", "GLIBC_TUNABLES=glibc.malloc.trim_threshold=131072"]
)
def test_a_command_process_keeps_the_users_malloc_settings(setting):
    import platform

    if platform.libc_ver()[0] != "glibc":
        pytest.skip("glibc's mallopt")
    name, value = setting.split("=", 1)
    assert _probe("set", **{name: value})["done"] == ["numpy: no huge pages"]


def _fake_mallopt(monkeypatch, accepts):
    """_one_command_memory with glibc's mallopt replaced: ``accepts(param, value)`` says
    what it returns (1: set, 0: refused); the calls made, and what was said to be done."""
    import ctypes
    import platform

    import numpy._core.multiarray as multiarray

    import tension.cli as cli

    calls = []

    def mallopt(param, value):
        calls.append((param, value))
        return int(accepts(param, value))

    class Libc:
        pass

    libc = Libc()
    libc.mallopt = mallopt
    for name in ("NUMPY_MADVISE_HUGEPAGE", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(multiarray, "_set_madvise_hugepage", lambda on: False, raising=False)
    monkeypatch.setattr(platform, "libc_ver", lambda *a, **k: ("glibc", "2.36"))
    monkeypatch.setattr(ctypes, "CDLL", lambda name: libc if accepts is not None else (_ for _ in ()).throw(OSError()))
    return cli._one_command_memory(), calls


# glibc's malloc.h: M_TRIM_THRESHOLD -1, M_MMAP_THRESHOLD -3
_TRIM, _MMAP, _MOST, _MIB32 = -1, -3, 2**31 - 1, 33_554_432


@pytest.mark.parametrize(
    ("accepts", "calls", "done"),
    [
        # every setting taken: the largest mmap threshold, then the trim threshold
        (lambda p, v: True, [(_MMAP, _MOST), (_TRIM, _MOST)], ["numpy: no huge pages", "glibc: freed memory kept"]),
        # an older glibc refuses an mmap threshold over 32 MiB: 32 MiB then
        (
            lambda p, v: not (p == _MMAP and v > _MIB32),
            [(_MMAP, _MOST), (_MMAP, _MIB32), (_TRIM, _MOST)],
            ["numpy: no huge pages", "glibc: freed memory kept"],
        ),
        # the trim threshold refused: freed memory is not said to be kept
        (
            lambda p, v: p == _MMAP,
            [(_MMAP, _MOST), (_TRIM, _MOST)],
            ["numpy: no huge pages"],
        ),
        # nothing taken: nothing said of glibc
        (lambda p, v: False, [(_MMAP, _MOST), (_MMAP, _MIB32), (_TRIM, _MOST)], ["numpy: no huge pages"]),
        # no C library to load: the NumPy setting is still said
        (None, [], ["numpy: no huge pages"]),
    ],
)
def test_a_command_process_sets_glibc_as_far_as_it_takes(monkeypatch, accepts, calls, done):
    assert _fake_mallopt(monkeypatch, accepts) == (done, calls)


def test_run_is_main_as_a_process(monkeypatch):
    import tension.cli as cli

    calls = []
    monkeypatch.setattr(cli, "_one_command_memory", lambda: calls.append("memory") or [])
    monkeypatch.setattr(cli, "main", lambda argv=None: calls.append("main") or 2)
    with pytest.raises(SystemExit) as exit_:
        cli.run()
    assert exit_.value.code == 2 and calls == ["memory", "main"]


def test_numeric_dates_are_read_as_the_date_options_say(tmp_path):
    # '13/02/24' is 13 February 2024 day first and 24 February 2013 year first: refused until the
    # user says which, on the command line as in Python (the error named only read_events' arguments)
    path = tmp_path / "events.csv"
    path.write_text("date,source,target,kind\n13/02/24,IRN,PAK,airstrike\n01/02/24,PAK,IRN,airstrike\n")
    refused = run("score", str(path))
    assert refused.returncode == 2 and "ambiguous dates" in refused.stderr
    assert "--dayfirst" in refused.stderr and "--date-format" in refused.stderr
    firsts = {}
    for option in (["--dayfirst"], ["--date-format", "%y/%m/%d"]):
        result = run("score", str(path), *option)
        assert result.returncode == 0, result.stderr
        firsts[option[0]] = result.stdout.splitlines()[1].split(",")[1]
    assert firsts == {"--dayfirst": "2024-02-01", "--date-format": "2001-02-24"}
    icews = tmp_path / "events.tab"
    header = "Event Date\tSource Country\tTarget Country\tCAMEO Code\tIntensity"
    icews.write_text(header + "\n01/02/2024\tIndia\tPakistan\t190\t-10\n03/04/2024\tIndia\tPakistan\t190\t-10\n")
    month = run("score", str(icews), "--from", "icews", "--monthfirst", "--start", "2024-01-02", "--end", "2024-01-02")
    assert month.returncode == 0, month.stderr
    assert month.stdout.splitlines()[1].startswith("IND-PAK,2024-01-02,10.0")
    for option, name in (
        (["--from", "icews", "--date-format", "%d/%m/%Y"], "--date-format"),
        (["--from", "gdelt", "--dayfirst"], "--dayfirst"),
    ):
        ignored = run("score", str(icews), *option)  # (an option the reader would not use is refused)
        assert ignored.returncode == 2 and f"error: {name}" in ignored.stderr


def test_every_date_error_naming_read_events_arguments_names_the_options(tmp_path):
    # '29/02/23' is no day day first: the error asks for read_events(..., date_format='%y/%m/%d')
    # only (no "dayfirst="), and the command line said nothing of --date-format
    path = tmp_path / "events.csv"
    path.write_text("date,source,target,kind\n29/02/23,IRN,PAK,airstrike\n15/03/20,PAK,IRN,airstrike\n")
    refused = run("score", str(path))
    assert refused.returncode == 2 and "date_format='%y/%m/%d'" in refused.stderr
    assert "--date-format" in refused.stderr
    assert run("score", str(path), "--date-format", "%y/%m/%d").returncode == 0


def test_a_readers_year_first_error_offers_only_what_works(tmp_path):
    # '24/01/17' may be year first: --monthfirst reads no date of it (every record skipped), and a
    # reader takes no year-first format; the hint offered --monthfirst
    icews = tmp_path / "events.tab"
    header = "Event Date\tSource Country\tTarget Country\tCAMEO Code\tIntensity"
    icews.write_text(header + "\n24/01/17\tIndia\tPakistan\t190\t-10\n24/01/18\tIndia\tPakistan\t190\t-10\n")
    refused = run("score", str(icews), "--from", "icews")
    assert refused.returncode == 2 and "--dayfirst" in refused.stderr
    assert "--monthfirst" not in refused.stderr and "YYYY-MM-DD" in refused.stderr
    assert run("score", str(icews), "--from", "icews", "--dayfirst").returncode == 0
    undecided = tmp_path / "undecided.tab"  # (no value says the order: --monthfirst is a choice there)
    undecided.write_text(header + "\n01/02/03\tIndia\tPakistan\t190\t-10\n")
    refused = run("score", str(undecided), "--from", "icews")
    assert refused.returncode == 2 and "--monthfirst" in refused.stderr and "YYYY-MM-DD" in refused.stderr


def test_date_format_with_gdelt_names_no_option_gdelt_refuses():
    refused = run(
        "score",
        str(Path(__file__).parent / "data" / "gdelt1_sample_events.tsv"),
        "--from",
        "gdelt",
        "--date-format",
        "%Y%m%d",
    )
    assert refused.returncode == 2 and "error: --date-format" in refused.stderr
    assert "--dayfirst" not in refused.stderr  # (refused with GDELT: its dates are YYYYMMDD)


def test_a_command_says_tensions_warnings_but_not_libraries_deprecations(monkeypatch, capsys):
    import warnings

    import tension.cli as cli

    def kinds(args):
        warnings.warn("'oneOf' deprecated - use 'one_of'", DeprecationWarning, stacklevel=1)
        warnings.warn("soon gone", PendingDeprecationWarning, stacklevel=1)
        warnings.warn("dates converted to UTC", tn.TensionWarning, stacklevel=1)
        warnings.warn("a library's warning for users", UserWarning, stacklevel=1)
        return 0

    monkeypatch.setattr(cli._parser, "run_kinds", kinds)
    assert cli.main(["kinds"]) == 0
    err = capsys.readouterr().err
    assert "tension: warning: dates converted to UTC" in err and "a library's warning for users" in err
    assert "deprecated" not in err and "soon gone" not in err
