"""Streaming updates give what a full rescore gives."""

from __future__ import annotations

import copy
import json
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import event_rows, frame

import tension as tn


def batches_of(ev: pd.DataFrame, cuts: list[int]) -> list[pd.DataFrame]:
    """Split events in time order (ties may straddle a cut) into consecutive batches."""
    ordered = ev.sort_values("date", kind="stable")
    bounds = [0, *sorted(c % (len(ordered) + 1) for c in cuts), len(ordered)]
    return [ordered.iloc[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def close(a, b, gross):
    return (np.abs(np.asarray(a) - np.asarray(b)) <= 1e-9 * np.asarray(gross) + 1e-12).all()


@given(
    event_rows(max_size=30, hours=True).map(frame),
    st.lists(st.integers(0, 100), max_size=3),
    st.sampled_from(
        [
            tn.Model(),
            tn.Model(half_life={"talks": 3.0, "material_conflict": 60.0}),
            tn.Model(repeat_discount=1.0, directed=True),
        ]
    ),
)
def test_updates_equal_a_full_rescore(ev, cuts, model):
    state = tn.State(model)
    seen = []
    for batch in batches_of(ev, cuts):
        out = state.update(batch)
        seen.append(batch)
        full = tn.score_events(pd.concat(seen), model=model).loc[batch.index]
        assert (out["dyad"] == full["dyad"]).all()
        gross = full["hostile"] + full["cooperative"]
        assert close(out["tension"], full["tension"], gross)
        assert close(out["hostile"], full["hostile"], gross)
        assert close(out["score"], full["score"], np.abs(full["score"]))
    if len(ev):
        at = ev["date"].max() + pd.Timedelta(days=3)
        snap = state.snapshot(at=at).set_index("dyad").sort_index()
        want = tn.score(ev, at=at, model=model).set_index("dyad").sort_index()
        assert list(snap.index) == list(want.index)
        assert close(snap["tension"], want["tension"], want["hostile"] + want["cooperative"])


def test_same_day_batches_merge_into_one_occasion(seed_events):
    talks = seed_events[seed_events["date"] == "2024-01-29"]
    state = tn.State.from_events(seed_events[seed_events["date"] < "2024-01-29"])
    state.update(talks.iloc[:5])
    out = state.update(talks.iloc[5:])
    full = tn.score_events(seed_events)
    assert np.allclose(out["tension"], full.loc[talks.index[5:], "tension"], rtol=1e-12)
    assert np.allclose(out["score"], full.loc[talks.index[5:], "score"], rtol=1e-12)


def test_older_events_are_refused_with_a_clear_message(seed_events):
    state = tn.State.from_events(seed_events)
    late = seed_events.iloc[[0]]  # 17 January, state is at 29 January
    with pytest.raises(tn.StateError, match=r"1 events are older than their dyad's last event.*rescore"):
        state.update(late)
    other = seed_events.iloc[[0]].assign(target="AFG")  # a new dyad may start at any time
    assert len(state.update(other)) == 1


def test_save_and_load_carry_on_exactly(tmp_path, seed_events):
    first, second = seed_events.iloc[:6], seed_events.iloc[6:]
    straight = tn.State()
    straight.update(first)
    expected = straight.update(second)
    saved = tn.State()
    saved.update(first)
    path = saved.save(tmp_path / "state.json")
    loaded = tn.State.load(path)
    assert len(loaded) == 1 and (loaded.channels == saved.channels).all()
    pd.testing.assert_frame_equal(loaded.update(second), expected, check_exact=True)
    with pytest.raises(tn.StateError, match="not a tension state file"):
        (tmp_path / "bad.json").write_text('{"format": 99}')
        tn.State.load(tmp_path / "bad.json")


def test_snapshot_reads_forward_only(seed_events):
    state = tn.State.from_events(seed_events)
    with pytest.raises(tn.StateError, match="a state only reads forward"):
        state.snapshot(at="2024-01-20")
    stocks = state.stocks()
    assert list(stocks.columns) == ["dyad", "date", "hostile", "cooperative"]
    assert "State(1 dyads" in repr(state)


def test_snapshot_at_an_instant_with_a_zone_of_naive_events_is_score_at(seed_events):
    # naive events are UTC: at= with a zone is the same instant, dated as tn.score dates it
    at = "2024-02-29T00:00+05:00"
    snap = tn.State.from_events(seed_events).snapshot(at=at)
    pd.testing.assert_frame_equal(snap, tn.score(seed_events, at=at), check_exact=False, rtol=1e-12)


# --- state files you can trust ------------------------------------------------------------


@pytest.fixture
def saved(tmp_path, seed_events):
    """A state that has seen the events up to 29 January and has an open occasion."""
    state = tn.State.from_events(seed_events.iloc[:8])
    path = state.save(tmp_path / "state.json")
    return path, json.loads(path.read_text())


def _edit(data, change):
    data = copy.deepcopy(data)
    change(data)
    return data


def _set(*keys, value):
    def change(data):
        target = data
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return change


DAMAGE = {
    "directed is a string": (_set("model", "directed", value="no"), "model.directed"),
    "scale is text": (_set("model", "scale", value="20"), "model"),
    "unknown model field": (_set("model", "speed", value=1), "model"),
    "pending row of a missing dyad": (lambda d: d["pending"]["dyad"].__setitem__(0, "AFG-PAK"), "pending.dyad"),
    "pending time off the dyad's last time": (
        lambda d: d["pending"]["time"].__setitem__(0, d["time"][0] - 1),
        "pending.time",
    ),
    "pending half-life not a channel": (lambda d: d["pending"]["half_life"].__setitem__(0, 12.5), "pending.half_life"),
    "pending lists of different lengths": (lambda d: d["pending"]["raw"].append(1.0), "pending"),
    "negative half-life": (lambda d: d["channels"][0].__setitem__(0, -30.0), "channels"),
    "zero half-life": (lambda d: d["channels"][0].__setitem__(0, 0), "channels"),
    "sign not +-1": (lambda d: d["channels"][0].__setitem__(1, 0.5), "channels"),
    "channel twice": (lambda d: d["channels"].append(list(d["channels"][0])), "channels"),
    "negative stock": (lambda d: d["base"][0].__setitem__(0, -1.0), "base"),
    "negative flow": (lambda d: d["flows"][0].__setitem__(2, -1.0), "flows"),
    "negative hostile heat": (lambda d: d["flows"][0].__setitem__(0, -1.0), "flows"),
    "positive cooperative heat": (lambda d: d["flows"][0].__setitem__(1, 1.0), "flows"),
    "flows of the wrong shape": (lambda d: d["flows"][0].append(0.0), "flows"),
    "stock as text": (lambda d: d["base"][0].__setitem__(0, "1.0"), "base"),
    "base of the wrong shape": (lambda d: d["base"][0].append(0.0), "base"),
    "time as text": (_set("time", value=["2024-01-29"]), "time"),
    "time as a float": (lambda d: d["time"].__setitem__(0, float(d["time"][0])), "time"),
    "time as a boolean": (_set("time", value=[True]), "time"),
    "time beyond year 9999": (_set("time", value=[2**62]), "time"),
    "times for more dyads": (lambda d: d["time"].append(0), "time"),
    "dyad twice": (lambda d: (d["dyads"].append(d["dyads"][0]), d["time"].append(d["time"][0])), "dyads"),
    "directed label in an undirected state": (_set("dyads", value=["IRN->PAK"]), "dyads"),
    "dyad not a string": (_set("dyads", value=[7]), "dyads"),
    # (a label update() never makes: the dyad's next events would start a new dyad beside it)
    "undirected dyad with its codes turned round": (_set("dyads", value=["PAK-IRN"]), "dyads"),
    "dyad in lower case": (_set("dyads", value=["irn-pak"]), "dyads"),
    "dyad of a code that is no country": (_set("dyads", value=["IRAN-PAK"]), "dyads"),
    "dyad of one country": (_set("dyads", value=["PAK-PAK"]), "dyads"),
    "time zone unknown": (_set("tz", value="Mars/Olympus"), "tz"),
    "time unit other than us": (_set("time_unit", value="ns"), "time_unit"),
    "missing key": (lambda d: d.pop("dyads"), "dyads"),
    "unknown key": (_set("extra", value=1), "extra"),
}


@pytest.mark.parametrize("case", list(DAMAGE))
def test_a_damaged_state_file_is_refused_naming_the_key(tmp_path, saved, case):
    path, data = saved
    change, key = DAMAGE[case]
    (tmp_path / "edited.json").write_text(json.dumps(_edit(data, change)))
    with pytest.raises(tn.StateError, match=f"key '{re.escape(key)}'"):
        tn.State.load(tmp_path / "edited.json", verify=False)
    # the checksum alone already refuses any edit
    with pytest.raises(tn.StateError, match="key '(checksum|format)'|key"):
        tn.State.load(tmp_path / "edited.json")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{",
        "[1, 2]",
        '{"format": 99}',
        '{"format": true}',
        '"state"',
        "\udcff".encode("utf-8", "surrogatepass").decode("latin-1"),
    ],
)
def test_not_a_state_file(tmp_path, text):
    (tmp_path / "bad.json").write_text(text, encoding="latin-1")
    with pytest.raises(tn.StateError, match="not a tension state file"):
        tn.State.load(tmp_path / "bad.json")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinite_values_are_refused(tmp_path, saved, constant):
    path, data = saved
    marked = _edit(data, lambda d: d["base"][0].__setitem__(0, 12345.678))
    text = json.dumps(marked).replace("12345.678", constant)
    (tmp_path / "nan.json").write_text(text)
    with pytest.raises(tn.StateError, match=f"holds {constant}"):
        tn.State.load(tmp_path / "nan.json", verify=False)


def test_an_edited_file_fails_its_checksum_but_loads_when_asked_and_valid(tmp_path, saved, seed_events):
    path, data = saved
    assert data["format"] == tn.state.FORMAT and data["checksum"].startswith("sha256:")
    hostile = [c[1] for c in data["channels"]].index(1.0)
    edited = _edit(data, lambda d: d["base"][0].__setitem__(hostile, d["base"][0][hostile] + 1.0))
    (tmp_path / "edited.json").write_text(json.dumps(edited))
    with pytest.raises(tn.StateError, match="key 'checksum'.*verify=False"):
        tn.State.load(tmp_path / "edited.json")
    loaded = tn.State.load(tmp_path / "edited.json", verify=False)
    original = tn.State.load(path)
    delta = loaded.stocks()["hostile"] - original.stocks()["hostile"]
    assert np.allclose(delta, 1.0)


@pytest.mark.parametrize("version", [1, 2, 3])
def test_an_older_format_asks_for_a_rebuild(tmp_path, saved, version):
    # formats 1-3 lack the index's three stocks or microsecond times: never read them wrongly
    path, data = saved
    (tmp_path / "old.json").write_text(json.dumps({**data, "format": version}))
    with pytest.raises(tn.StateError, match=f"format {version}.*rebuild it with tension.State.from_events"):
        tn.State.load(tmp_path / "old.json")


def test_a_batch_must_agree_with_the_state_on_time_zones(seed_events):
    """One batch mixing dates with and without zones is refused; so are two batches that do."""
    aware = seed_events.assign(date=pd.DatetimeIndex(seed_events["date"]).tz_localize("UTC"))
    for first, second in ((aware, seed_events), (seed_events, aware)):
        state = tn.State()
        state.update(first.iloc[:4])
        with pytest.raises(tn.StateError, match="give every batch a time zone, or none"):
            state.update(second.iloc[4:])
    state = tn.State()
    state.update(aware.iloc[:4])
    last = state.update(aware.iloc[4:])["tension"].to_numpy()
    np.testing.assert_allclose(last, tn.score_events(aware)["tension"].to_numpy()[4:], rtol=1e-12)


def test_an_edited_model_that_does_not_match_the_stocks_is_refused(tmp_path, seed_events):
    """Loaded without the checksum, a half-life edited from 30 to 10 days mixed the two:
    later scores followed neither (26.45 where a rescore gives 7.36 or 23.14)."""
    import json

    state = tn.State()
    state.update(seed_events.iloc[:6])
    path = tmp_path / "state.json"
    state.save(path)
    data = json.loads(path.read_text())
    data["model"]["half_life"] = 10.0
    path.write_text(json.dumps(data))
    with pytest.raises(tn.StateError, match=r"half-lives \[30.0\] are none the model gives \(\[10.0\]\)"):
        tn.State.load(path, verify=False)
