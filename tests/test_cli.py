"""The command line, run as a user runs it: in a subprocess."""

from __future__ import annotations

import subprocess
import sys

import pytest


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "tension.cli", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


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
