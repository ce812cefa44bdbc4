"""Whole drawn models (every parameter of tn.Model) through score, score_events,
contributions and event_scores, against the plain-loop reference (tests/reference.py)."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from conftest import RTOL, model_reference
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import event_rows, frame, models

import tension as tn

DRAWN = settings(max_examples=30, deadline=None)


def close(value: float, expected: float, gross: float) -> bool:
    return abs(value - expected) <= RTOL * max(gross, abs(expected)) + 1e-12


def index_close(value: float, expected: float, flow: float) -> bool:
    # the ratio's rounding (relative to the flow), carried through the logistic
    return abs(value - expected) <= 1e-7 * max(flow, 1.0)


@DRAWN
@given(models(), event_rows(max_size=12, days=30))
def test_score_matches_the_reference_for_drawn_models(model, rows):
    ev = frame(rows)
    daily = tn.score(ev, model=model, start="2024-01-01", end="2024-02-05")
    ref = model_reference(ev, model)
    assert set(daily["dyad"]) == set(ref.dyads)
    assert len(daily) == len(set(ref.dyads)) * 36
    for row in daily.itertuples():
        t, h, c, index, heat, flow = ref.reading(row.dyad, row.date)
        assert row.hostile == pytest.approx(h, rel=RTOL, abs=1e-12)
        assert row.cooperative == pytest.approx(c, rel=RTOL, abs=1e-12)
        assert close(row.tension, t, h + c)
        assert close(row.heat, heat, flow) and row.flow == pytest.approx(flow, rel=RTOL, abs=1e-12)
        assert index_close(row.index, index, flow)


@DRAWN
@given(models(), event_rows(min_size=1, max_size=12, days=30, hours=True))
def test_score_events_matches_the_reference_for_drawn_models(model, rows):
    ev = frame(rows)
    out = tn.score_events(ev, model=model)
    ref = model_reference(ev, model)
    assert list(out.index) == list(ev.index)
    for i, (_, row) in enumerate(out.iterrows()):
        t, h, c, index, heat, flow = ref.reading(ref.dyads[i], ref.rows[i]["date"])
        assert row["dyad"] == ref.dyads[i]
        assert close(row["score"], ref.scores[i], abs(ref.scores[i]))
        assert row["hostile"] == pytest.approx(h, rel=RTOL, abs=1e-12)
        assert row["cooperative"] == pytest.approx(c, rel=RTOL, abs=1e-12)
        assert close(row["tension"], t, h + c)
        assert close(row["heat"], heat, flow) and row["flow"] == pytest.approx(flow, rel=RTOL, abs=1e-12)
        assert index_close(row["index"], index, flow)


@DRAWN
@given(models(), event_rows(min_size=1, max_size=12, days=30), st.integers(0, 40))
def test_contributions_match_the_reference_for_drawn_models(model, rows, day):
    ev = frame(rows)
    at = pd.Timestamp("2024-01-01") + pd.Timedelta(days=day)
    why = tn.contributions(ev, at=at, model=model)
    ref = model_reference(ev, model)
    for i, value in enumerate(why["contribution"]):
        assert close(value, ref.contribution(i, at), abs(ref.scores[i]))
    for dyad, total in why.attrs["tension"].items():
        t, h, c, *_ = ref.reading(dyad, at)
        assert close(total, t, h + c)


@DRAWN
@given(models(), event_rows(min_size=1, max_size=12, days=30))
def test_event_scores_match_the_reference_for_drawn_models(model, rows):
    ev = frame(rows)
    scores = tn.event_scores(ev, model=model)
    ref = model_reference(ev, model)
    assert scores["half_life"].tolist() == ref.lives
    assert scores["dyad"].tolist() == ref.dyads
    for value, expected in zip(scores["score"], ref.scores, strict=True):
        assert close(value, expected, abs(expected))


# --- the quad class of a user's kind, from a weights table's CAMEO code -----------------

USER_TABLE = pd.DataFrame({"kind": ["drone_incursion", "summit"], "weight": [6.0, -3.0], "cameo": ["195", None]})
BY_CLASS = {"material_conflict": 60.0, "default": 10.0}


def _one(kind: str) -> pd.DataFrame:
    return pd.DataFrame([{"date": "2024-01-01", "source": "PAK", "target": "IRN", "kind": kind}])


def test_a_user_kind_with_a_cameo_code_takes_its_class_half_life():
    # one event of weight 6 read 60 days later: 6 * 2 ** (-60 / 60) = 3 (its class's half-life),
    # not 6 * 2 ** (-60 / 10) (the default)
    at = pd.Timestamp("2024-03-01")
    score = tn.score(_one("drone_incursion"), weights=USER_TABLE, half_life=BY_CLASS, at=at)
    assert score["tension"].item() == pytest.approx(6.0 * 2 ** (-60 / 60.0))
    assert tn.event_scores(_one("drone_incursion"), weights=USER_TABLE, half_life=BY_CLASS)["half_life"].item() == 60
    # a user kind without a code keeps the default
    summit = tn.score(_one("summit"), weights=USER_TABLE, half_life=BY_CLASS, at=at)
    assert summit["tension"].item() == pytest.approx(-3.0 * 2 ** (-60 / 10.0))


def test_decompose_puts_a_user_kind_with_a_code_in_its_class():
    parts = tn.decompose(_one("drone_incursion"), weights=USER_TABLE, start="2024-01-01", end="2024-01-01")
    assert parts["part"].tolist() == ["material_conflict"]
    parts = tn.decompose(_one("summit"), weights=USER_TABLE, start="2024-01-01", end="2024-01-01")
    assert parts["part"].tolist() == ["unclassified"]


def test_the_user_classes_are_kept_by_the_model_and_a_saved_state(tmp_path):
    model = tn.Model(weights=USER_TABLE, half_life=BY_CLASS)
    assert dict(model.quad_classes) == {"drone_incursion": "material_conflict"}
    assert tn.kinds(USER_TABLE).set_index("kind").loc["drone_incursion", "quad_class"] == "material_conflict"
    state = tn.State(model=model)
    state.update(_one("drone_incursion"))
    state.save(tmp_path / "state.json")
    loaded = tn.State.load(tmp_path / "state.json")
    assert loaded.model == model
    at = pd.Timestamp("2024-03-01")
    assert loaded.snapshot(at=at)["tension"].item() == pytest.approx(3.0)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"cameo": ["36"]}, "not one; write codes as text"),
        ({"quad_classes": {"drone_incursion": "hostile"}}, "must be one of"),
        ({"quad_classes": {"airstrike": "verbal_cooperation"}}, "is a default kind"),
    ],
)
def test_wrong_classes_are_refused(given, message):
    table = USER_TABLE.head(1).assign(**{k: v for k, v in given.items() if k == "cameo"})
    extra = {k: v for k, v in given.items() if k == "quad_classes"}
    with pytest.raises(tn.ParameterError, match=message):
        tn.Model(weights=table, **extra)


def test_a_numeric_cameo_column_and_conflicting_classes_are_refused():
    # 10 read as a number is the root code of demands; the text "010" is a statement
    numbers = pd.DataFrame({"kind": ["embassy_note"], "weight": [-1.0], "cameo": [10]})
    with pytest.raises(tn.ParameterError, match="cameo column holds numbers"):
        tn.Model(weights=numbers)
    first = tn.Model(weights=numbers.assign(cameo=["195"]))
    other = numbers.assign(cameo=["051"])
    with pytest.raises(tn.ParameterError, match="quad_classes=None"):
        dataclasses.replace(first, weights=other)  # (the old class would have gone stale)
    assert dict(dataclasses.replace(first, weights=other, quad_classes=None).quad_classes) == {
        "embassy_note": "verbal_cooperation"
    }


def test_a_model_without_user_classes_writes_no_such_key():
    # files and attrs of models without them read as before, by older versions too
    assert "quad_classes" not in tn.Model().as_dict()
    assert tn.Model(**tn.Model().as_dict()) == tn.Model()
