"""The analysis commands (episodes, alerts), run as a user runs them: in a subprocess."""

from __future__ import annotations

import io
import subprocess
import sys

import pandas as pd
import pytest
from conftest import ROOT

import tension as tn

SEED = str(ROOT / "tension" / "datasets" / "pakistan_iran_2024.csv")


def _run(*args):
    return subprocess.run(
        [sys.executable, "-m", "tension.cli", *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def test_episodes_command_matches_the_library():
    result = _run("episodes", SEED, "--threshold", "20", "--end", "2024-03-31")
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout), parse_dates=["start", "peak", "end"])
    ev = tn.datasets.pakistan_iran_2024()
    want = tn.episodes(tn.score(ev, end="2024-03-31"), threshold=20, events=ev)
    assert table["start"].tolist() == want["start"].tolist() and table["end"].tolist() == want["end"].tolist()
    assert table.loc[0, "top_drivers"] == "1;0;2" and table.loc[0, "trigger_kind"] == "airstrike"


def test_alerts_command_on_one_day_and_errors_in_one_line():
    result = _run("alerts", SEED, "--threshold", "20", "--on", "2024-01-18")
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout))
    assert table["alert"].tolist() == ["crossed_above", "rise_1d"]
    bad = _run("episodes", SEED, "--threshold", "20", "--baseline", "1")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "baseline" in bad.stderr


@pytest.mark.parametrize("command", ["episodes", "alerts"])
def test_the_analysis_commands_check_their_options_as_score_does(command):
    # a grid that starts after the last event, and a bad --freq: one line, exit code 2, as `score`
    late = _run(command, SEED, "--threshold", "20", "--start", "2030-01-01")
    assert late.returncode == 2 and "--start 2030-01-01 is after the last event" in late.stderr
    bad = _run(command, SEED, "--threshold", "20", "--freq", "fortnightly")
    assert bad.returncode == 2 and "--freq 'fortnightly' is not a pandas frequency" in bad.stderr


def test_a_start_in_another_zone_than_the_events(tmp_path):
    path = tmp_path / "zoned.csv"
    path.write_text("date,source,target,kind\n2024-01-05T03:00+05:00,IRN,PAK,airstrike\n")
    result = _run("alerts", str(path), "--start", "2024-01-01T00:00+05:00")
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout))
    assert table["alert"].tolist() == ["rise_1d"] and table["date"].tolist() == ["2024-01-06 00:00:00+05:00"]


def test_a_zoned_start_is_compared_with_the_last_event_as_an_instant():
    # 03:00 at +05:00 on the last event's day is 22:00 UTC the day before: before the last event
    result = _run("score", SEED, "--start", "2024-01-29T03:00+05:00")
    assert result.returncode == 0, result.stderr
    want = tn.score(tn.datasets.pakistan_iran_2024(), start="2024-01-29T03:00+05:00")
    assert pd.read_csv(io.StringIO(result.stdout))["tension"].tolist() == want["tension"].tolist()
    late = _run("score", SEED, "--start", "2024-01-28T22:00-05:00")  # (03:00 UTC on the last event's day)
    assert late.returncode == 2 and "is after the last event" in late.stderr
