"""Dask: the same numbers as in memory, on a distributed LocalCluster of two workers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from strategies import event_rows, frame

import tension as tn

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as c:
            yield c


def many_events(n=3000, seed=0):
    rng = np.random.default_rng(seed)
    codes = ["IRN", "PAK", "AFG", "IND", "CHN", "USA"]
    source = rng.choice(codes, n)
    target = rng.choice(codes, n)
    target = np.where(source == target, "RUS", target)
    return pd.DataFrame(
        {
            "date": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D"),
            "source": source,
            "target": target,
            "kind": rng.choice(["airstrike", "talks", "threat", "agreement", "pledge_meetings"], n),
            "killed": rng.integers(0, 5, n),
        }
    )


def test_score_events_on_the_cluster_equals_in_memory(client):
    events = many_events()
    got = tn.score_events(dd.from_pandas(events, npartitions=7)).compute().sort_index()
    want = tn.score_events(events)
    assert (got["dyad"].astype(object) == want["dyad"]).all()
    assert np.allclose(
        got[["tension", "hostile", "cooperative"]], want[["tension", "hostile", "cooperative"]], rtol=1e-12, atol=1e-12
    )


def test_score_grid_threshold_and_snapshot_on_the_cluster(client):
    events = many_events(seed=1)
    lazy = dd.from_pandas(events, npartitions=5)
    for kw in ({}, {"freq": "W", "threshold": 0.5}):
        got = tn.score(lazy, **kw).compute().sort_values(["dyad", "date"]).reset_index(drop=True)
        got["dyad"] = got["dyad"].astype(object)
        want = tn.score(events, **kw).reset_index(drop=True)
        want["dyad"] = want["dyad"].astype(object)
        pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12, atol=1e-12)
    snap = tn.score(lazy, at="2021-06-01").compute().sort_values("dyad").reset_index(drop=True)
    snap["dyad"] = snap["dyad"].astype(object)
    want = tn.score(events, at="2021-06-01").sort_values("dyad").reset_index(drop=True)
    want["dyad"] = want["dyad"].astype(object)
    pd.testing.assert_frame_equal(snap, want, check_exact=False, rtol=1e-12, atol=1e-12)


@settings(max_examples=10)
@given(event_rows(max_size=40).map(frame))
def test_any_partitioning_gives_the_same_result(ev):
    import dask

    lazy = dd.from_pandas(ev, npartitions=3) if len(ev) else dd.from_pandas(ev, npartitions=1)
    with dask.config.set({"dataframe.shuffle.method": "tasks", "scheduler": "synchronous"}):
        got = tn.score_events(lazy).compute().sort_index()
    want = tn.score_events(ev)
    assert np.allclose(
        got["tension"].to_numpy(dtype=float), want["tension"].to_numpy(dtype=float), rtol=1e-12, atol=1e-12
    )


def test_bad_rows_fail_with_the_usual_error():
    import dask

    bad = many_events(50).assign(kind="air_strike")
    with dask.config.set({"dataframe.shuffle.method": "tasks", "scheduler": "synchronous"}):
        with pytest.raises(tn.EventError, match="unknown kind 'air_strike'"):
            tn.score_events(dd.from_pandas(bad, npartitions=2)).compute()


def test_out_of_core_round_trip_through_parquet(client, tmp_path):
    events = many_events(seed=2)
    events.to_parquet(tmp_path / "events.parquet")
    tn.score_events(dd.read_parquet(tmp_path / "events.parquet")).to_parquet(tmp_path / "scored")
    got = pd.read_parquet(tmp_path / "scored").sort_index()
    want = tn.score_events(events)
    assert np.allclose(got["tension"], want["tension"], rtol=1e-12, atol=1e-12)


def test_text_dates_follow_one_rule_for_the_whole_column():
    import dask

    # "13/01" proves day first in one partition only: the other must read "01/02" as 1 February too
    raw = pd.DataFrame(
        {
            "date": ["13/01/2024", "01/02/2024", "25/12/2024", "01/02/2024"],
            "source": ["IRN", "IRN", "USA", "USA"],
            "target": ["PAK", "PAK", "CHN", "CHN"],
            "kind": ["airstrike"] * 4,
        }
    )
    with dask.config.set({"dataframe.shuffle.method": "tasks", "scheduler": "synchronous"}):
        got = tn.score_events(dd.from_pandas(raw, npartitions=2)).compute().sort_index()
        assert got["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-13", "2024-02-01", "2024-12-25", "2024-02-01"]
        assert got["tension"].tolist() == tn.score_events(raw)["tension"].tolist()
        # a column that proves both orders is refused as pandas refuses it, naming the values
        mixed = raw.assign(date=["13/01/2024", "01/02/2024", "12/25/2024", "01/02/2024"])
        with pytest.raises(tn.EventError, match=r"'13/01/2024'.*does not match the format"):
            tn.score_events(dd.from_pandas(mixed, npartitions=2)).compute()
        with pytest.raises(tn.EventError, match="does not match the format"):
            tn.score_events(mixed)


def test_a_categorical_date_column_with_known_categories():
    import dask

    raw = pd.DataFrame(
        {
            "date": ["2024-01-13", "2024-02-01", "2024-02-03"],
            "source": ["IRN", "IRN", "USA"],
            "target": ["PAK", "PAK", "CHN"],
            "kind": ["airstrike"] * 3,
        }
    )
    with dask.config.set({"dataframe.shuffle.method": "tasks", "scheduler": "synchronous"}):
        got = tn.score_events(dd.from_pandas(raw, npartitions=2).categorize(columns=["date"])).compute().sort_index()
    assert got["tension"].tolist() == tn.score_events(raw)["tension"].tolist()


def test_no_events_give_an_empty_grid_as_in_memory():
    import dask

    empty = many_events(10).iloc[0:0]
    with dask.config.set({"dataframe.shuffle.method": "tasks", "scheduler": "synchronous"}):
        for kw in ({}, {"start": "2020-01-01"}, {"end": "2020-01-01"}):
            got = tn.score(dd.from_pandas(empty, npartitions=1), **kw).compute()
            assert got.empty and list(got.columns) == list(tn.score(empty, **kw).columns)
