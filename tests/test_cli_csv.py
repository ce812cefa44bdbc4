"""The command's CSV writer: the bytes pandas' ``to_csv(index=False)`` writes, for every
table it takes, and pandas' own writer for the others."""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import SEEDS
from hypothesis import given
from hypothesis import strategies as st

from tension.cli import _csv
from tension.cli._csv import write_csv

#: Floats at the edges of the writer's rules (whole numbers, 1e-4 and 1e10 and their
#: neighbours, the smallest and largest doubles, signed zeros, infinities, NaN).
EDGES = [
    0.0, -0.0, 5.0, -12.0, 0.1, 1e-4, np.nextafter(1e-4, 0), np.nextafter(1e-4, 1), 1e10,
    np.nextafter(1e10, 0), 9999999999.0, 1e16, 1e22, 123456789012345.0, 1e-5, 1.5e-7, 5e-324,
    2.2250738585072014e-308, 1.7976931348623157e308, np.inf, -np.inf, np.nan, 0.30000000000000004, 1 / 3,
]  # fmt: skip


def pandas_bytes(frame: pd.DataFrame, sep: str = ",") -> bytes:
    return frame.to_csv(index=False, sep=sep).encode("utf-8")


def written(frame: pd.DataFrame, sep: str = ",") -> bytes | None:
    out = io.BytesIO()
    return out.getvalue() if write_csv(frame, out.write, sep=sep) else (None if not out.getvalue() else b"?")


def random_doubles(n: int, seed: int) -> np.ndarray:
    """Doubles of every exponent (random bit patterns, both signs: NaN and infinities too)."""
    return np.random.default_rng(seed).integers(-(2**63), 2**63 - 1, n, dtype=np.int64).view(np.float64)


def test_doubles_of_every_magnitude_over_many_pieces(monkeypatch):
    monkeypatch.setattr(_csv, "PIECE", 1 << 14)  # (many pieces, in threads)
    n = 200_000
    frame = pd.DataFrame(
        {
            "bits": random_doubles(n, 1),
            "decayed": np.random.default_rng(2).normal(0, 5, n) * np.exp(-np.random.default_rng(3).uniform(0, 60, n)),
            "edges": np.resize(np.array(EDGES), n),
            "whole": np.round(np.random.default_rng(4).normal(0, 1e9, n)),
        }
    )
    assert written(frame) == pandas_bytes(frame)
    assert written(frame, "\t") == pandas_bytes(frame, "\t")


def test_text_in_many_chunks_some_empty():
    # (a frame made by concatenating frames, empty ones too: pyarrow 16 wrote a row twice)
    parts = [
        pd.DataFrame({"dyad": pd.Series(d, dtype="str"), "x": np.arange(len(d), dtype=float)})
        for d in (["A-B"], [], ["C-D", "E-F"], [], ["G-H"])
    ]
    frame = pd.concat(parts, ignore_index=True)
    frame["when"] = pd.to_datetime(["2024-01-17"] * len(frame))
    assert frame["dyad"].array.__arrow_array__().num_chunks > 1
    assert written(frame) == pandas_bytes(frame)


def test_a_grid_as_the_command_writes_it():
    import tension as tn

    grid = tn.score(tn.read_events(SEEDS / "pakistan_iran_2024.csv"), freq="D")
    grid = grid.reset_index() if "dyad" not in grid.columns else grid
    assert set(grid.dtypes.map(str)) >= {"float64"}
    assert written(grid) == pandas_bytes(grid)


@st.composite
def tables(draw):
    """Tables of the columns the writer knows, and a few it leaves to pandas."""
    n = draw(st.integers(0, 12))
    kinds = draw(
        st.lists(
            st.sampled_from(["float", "int", "day", "time", "text", "object", "category", "bool"]),
            min_size=1,
            max_size=4,
        )
    )
    text = st.text(
        alphabet=st.sampled_from(list("AB -ié>") + ([",", '"', "\n", "\t"] if draw(st.booleans()) else [])), max_size=5
    )
    columns = {}
    for k, kind in enumerate(kinds):
        if kind == "float":
            values = draw(st.lists(st.one_of(st.sampled_from(EDGES), st.floats()), min_size=n, max_size=n))
            columns[f"c{k}"] = np.array(values, dtype=np.float64)
        elif kind == "int":
            columns[f"c{k}"] = np.array(
                draw(st.lists(st.integers(-(2**63), 2**63 - 1), min_size=n, max_size=n)), dtype=np.int64
            )
        elif kind in ("day", "time"):
            days = draw(st.lists(st.integers(-100_000, 100_000), min_size=n, max_size=n))
            values = np.array(days, dtype="datetime64[D]").astype("datetime64[ns]")
            if kind == "time" and n:
                values[draw(st.integers(0, n - 1))] += np.timedelta64(draw(st.integers(1, 86_399)), "s")
            if n and draw(st.booleans()):
                values[draw(st.integers(0, n - 1))] = np.datetime64("NaT")
            columns[f"c{k}"] = values
        elif kind in ("text", "object", "category"):
            values = draw(st.lists(st.one_of(st.none(), text), min_size=n, max_size=n))
            dtype = {"text": "str", "object": object, "category": "category"}[kind]
            columns[f"c{k}"] = pd.Series(values, dtype=dtype)
        else:
            columns[f"c{k}"] = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    return pd.DataFrame(columns)


@given(tables(), st.sampled_from([",", "\t"]))
def test_the_bytes_of_pandas_or_nothing(frame, sep):
    got = written(frame, sep)
    if got is not None:
        assert got == pandas_bytes(frame, sep)
    # the writer takes every table it should: two columns or more, rows, known dtypes, no
    # text to quote, dates at midnight
    special = sep + '"\r\n'
    takes = len(frame.columns) >= 2 and len(frame) > 0
    for _, column in frame.items():
        if column.dtype == bool:
            takes = False
        elif column.dtype.kind == "M":
            present = column.dropna()
            takes &= bool((present == present.dt.normalize()).all())
        elif column.dtype.kind not in "fi":
            takes &= not any(any(c in special for c in v) for v in column.dropna().astype(object))
    assert (got is not None) == takes


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"dyad": ["IRN-PAK"]}),  # one column
        pd.DataFrame({"a": [1.0], "b": [True]}),
        pd.DataFrame({"a": [1.0], "b": np.array([1.5], dtype=np.float32)}),
        pd.DataFrame({"a": [1.0], "b": pd.array([1], dtype="Int64")}),
        pd.DataFrame({"a": [1.0], "b": pd.array([1.5], dtype="Float64")}),
        pd.DataFrame([[1.0, 2.0]], columns=pd.MultiIndex.from_tuples([("a", "x"), ("a", "y")])),
        pd.DataFrame({"a": [1.0], "b": pd.to_datetime(["2024-01-17"]).tz_localize("UTC")}),
        pd.DataFrame({"a": [1.0], "b": pd.to_datetime(["2024-01-17 12:00"])}),
        pd.DataFrame({"a": [1.0], "b": ["IRN,PAK"]}),
        pd.DataFrame({"a": [1.0], "b": [b"bytes"]}, dtype=object),
        pd.DataFrame([[1.0, 2.0]], columns=["a", "a"]),
        pd.DataFrame({"a": [], "b": []}),
        # (found by review: pyarrow refuses byte-swapped integers and a float32 NaN as text)
        pd.DataFrame({"a": np.array([1, -2], dtype=">i8"), "b": [1, 2]}),
        pd.DataFrame({"a": pd.Series(["x", np.float32("nan")], dtype=object), "b": [1, 2]}),
    ],
)
def test_tables_left_to_pandas_get_nothing_written(frame):
    assert written(frame) is None


@pytest.mark.parametrize("sep", [";", "-", "\x0b", "é"])
def test_other_separators_are_left_to_pandas(sep):
    frame = pd.DataFrame({"d": pd.to_datetime(["2024-01-17"]), "i": [-3]})
    assert written(frame, sep) is None


def test_a_pyarrow_that_formats_floats_otherwise_leaves_them_to_pandas(monkeypatch):
    frame = pd.DataFrame({"dyad": ["IRN-PAK"], "tension": [5.0]})
    assert _csv._arrow_agrees() and written(frame) == pandas_bytes(frame)
    monkeypatch.setattr(_csv, "_arrow_agrees", lambda: False)
    assert written(frame) is None
    assert written(frame.assign(tension=1)) == pandas_bytes(frame.assign(tension=1))  # (no float)


def test_the_command_writes_files_and_standard_output_as_pandas(tmp_path):
    seed = str(SEEDS / "pakistan_iran_2024.csv")

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "tension.cli", "score", seed, *args], capture_output=True, timeout=300
        )

    for name in ("g.parquet", "g.csv", "g.tsv"):
        assert run("-o", str(tmp_path / name)).returncode == 0
    grid = pd.read_parquet(tmp_path / "g.parquet")
    assert (tmp_path / "g.csv").read_bytes() == pandas_bytes(grid)
    assert (tmp_path / "g.tsv").read_bytes() == pandas_bytes(grid, "\t")
    assert run().stdout == pandas_bytes(grid)
