"""The benchmarks' dry run: one tiny size through every method, so that they never rot."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from conftest import ROOT

from benchmarks import peers


def test_every_method_agrees_with_tension_on_a_small_input():
    for sorted_input in (True, False):
        groups, times, scores = peers.generate(3_000, 17, time_sorted=sorted_input)
        want = peers.tension_core(groups, times, scores, 30.0)
        gross = peers.tension_core(groups, times, np.abs(scores), 30.0)
        for name, method in peers.METHODS.items():
            if name == "memory floor":
                continue
            got = method(groups, times, scores, 30.0)
            assert (np.abs(got - want) <= 1e-9 * gross).all(), name


def test_dry_run_of_make_bench(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--dry-run"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for name in peers.METHODS:
        assert name in result.stdout
    assert "tn.score_events (DataFrame, end to end)" in result.stdout
    from benchmarks import bench_e2e

    for name in bench_e2e.METHODS:  # end to end, every method, checked against polars
        assert f"| {name} |" in result.stdout
    assert "read_gdelt" in result.stdout
    assert "cells/s (target" in result.stdout and "snapshot" in result.stdout  # issue 11's targets
