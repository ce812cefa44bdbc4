"""The model: parameter validation, half-life precedence and the model's rules (magnitude,
same-occasion discount, index), each against its formula or the plain-loop reference."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from reference import DEFAULTS, index_of, params_of
from reference import event_scores as ref_scores
from strategies import KINDS, half_lives, models, positive_days

import tension as tn
from tension.model import magnitude, repeat_factor, tension_index
from tension.taxonomy import kind_quad_classes

QUAD_OF = kind_quad_classes()


def one_event(kind: str) -> pd.DataFrame:
    return pd.DataFrame({"date": ["2024-01-01"], "source": ["PAK"], "target": ["IRN"], "kind": [kind]})


# --- parameters ------------------------------------------------------------------------------


def test_defaults_are_the_documented_ones():
    assert params_of(tn.Model()) == DEFAULTS


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("half_life", 0, "half.li"),
        ("half_life", -1.0, "half.li"),
        ("half_life", math.inf, "half.li"),
        ("half_life", math.nan, "half.li"),
        ("half_life", {"talks": 0}, "half.li"),
        ("half_life", {"default": math.inf}, "half.li"),
        ("half_life", {"bogus_kind": 5}, "half_life names \\['bogus_kind'\\]"),
        ("killed_coef", -0.1, "killed_coef"),
        ("killed_coef", math.inf, "killed_coef"),
        ("killed_coef", math.nan, "killed_coef"),
        ("injured_coef", -1, "injured_coef"),
        ("injured_coef", math.inf, "injured_coef"),
        ("injured_coef", math.nan, "injured_coef"),
        ("repeat_discount", 0, "repeat_discount"),
        ("repeat_discount", -0.5, "repeat_discount"),
        ("repeat_discount", 1.01, "repeat_discount"),
        ("repeat_discount", math.nan, "repeat_discount"),
        ("scale", 0, "scale"),
        ("scale", -20, "scale"),
        ("scale", math.inf, "scale"),
        ("scale", math.nan, "scale"),
        ("weights", {"talks": math.nan}, "talks"),
        ("weights", {"talks": math.inf}, "talks"),
    ],
)
def test_bad_parameters_are_refused_naming_the_parameter(name, value, says):
    with pytest.raises(ValueError, match=says):
        tn.Model(**{name: value})


def test_model_is_frozen_and_round_trips_through_as_dict():
    model = tn.Model(half_life={"talks": 7, "default": 20}, weights={"talks": -3}, scale=10)
    with pytest.raises(dataclasses.FrozenInstanceError):
        model.scale = 5
    with pytest.raises(TypeError):
        model.half_life["talks"] = 1  # the mapping is frozen too
    assert tn.Model(**model.as_dict()) == model


@given(models())
def test_every_drawn_model_round_trips(model):
    assert tn.Model(**model.as_dict()) == model
    assert params_of(tn.Model(**params_of(model))) == params_of(model)


# --- half-life precedence: the kind's own entry, then its quad class, then "default", then 30 --


def test_half_life_precedence_by_hand():
    model = tn.Model(half_life={"airstrike": 10, "material_conflict": 60, "default": 20})
    assert model.half_life_of(["airstrike", "armed_attack", "talks"]) == [10.0, 60.0, 20.0]
    assert tn.Model(half_life={"talks": 7}).half_life_of(["airstrike", "talks"]) == [30.0, 7.0]
    assert tn.Model(half_life=12).half_life_of(["airstrike", "talks"]) == [12.0, 12.0]
    own = tn.Model(weights={"drone_incursion": 6}, half_life={"material_conflict": 60, "default": 5})
    assert own.half_life_of(["drone_incursion"]) == [5.0]  # a user kind has no quad class


@given(
    st.sampled_from(KINDS),
    st.fixed_dictionaries({}, optional={"kind": positive_days, "quad": positive_days, "default": positive_days}),
)
def test_half_life_precedence_kind_then_class_then_default(kind, entries):
    table = {}
    if "kind" in entries:
        table[kind] = entries["kind"]
    if "quad" in entries:
        table[QUAD_OF[kind]] = entries["quad"]
    if "default" in entries:
        table["default"] = entries["default"]
    expected = entries.get("kind", entries.get("quad", entries.get("default", 30.0)))
    model = tn.Model(half_life=table)
    assert model.half_life_of([kind]) == [expected]
    assert tn.event_scores(one_event(kind), model=model)["half_life"].iloc[0] == expected


@given(half_lives())
def test_every_kind_gets_a_positive_half_life(half_life):
    lives = tn.Model(half_life=half_life).half_life_of(KINDS)
    assert all(isinstance(h, float) and h > 0 and math.isfinite(h) for h in lives)


# --- the rules as functions, against their formulas and the reference loops ------------------

counts = st.integers(0, 10**6)
coefs = st.floats(0, 5, allow_nan=False)


@given(counts, counts, coefs, coefs)
def test_magnitude_is_the_formula(killed, injured, a, b):
    m = magnitude([killed], [injured], killed_coef=a, injured_coef=b)[0]
    assert m == pytest.approx(1 + a * math.log(1 + killed) + b * math.log(1 + injured), rel=1e-12)
    assert magnitude([killed], [injured], hostile=[False], killed_coef=a, injured_coef=b)[0] == 1.0


def test_magnitude_defaults_by_hand():
    # 1 + 0.5 ln 10 = 2.1513 (nine killed), 1 + 0.25 ln 4 = 1.3466 (three injured)
    assert magnitude([9, 0], [0, 3]).round(4).tolist() == [2.1513, 1.3466]


@given(
    st.lists(
        st.tuples(
            st.integers(0, 2), st.integers(0, 2), st.floats(-10, 10, allow_nan=False).filter(lambda x: abs(x) > 1e-6)
        ),
        max_size=20,
    ),
    st.floats(0.05, 1.0),
)
def test_repeat_factor_matches_the_reference_loop(events, discount):
    codes = np.array([e[0] for e in events], dtype=np.int64)
    ns = np.array([e[1] for e in events], dtype=np.int64) * 86_400 * 10**9
    raw = np.array([e[2] for e in events], dtype=float)
    rows = [
        {"source": "AAA", "target": f"B{c}", "date": pd.Timestamp(int(t)), "kind": "x", "weight": r}
        for c, t, r in zip(codes, ns, raw, strict=True)
    ]
    expected = ref_scores(rows, {}, discount=discount)
    got = raw * repeat_factor(codes, ns, raw, discount)
    assert np.allclose(got, expected, rtol=1e-12, atol=0)


@given(st.floats(-1e4, 1e4, allow_nan=False), st.floats(0.5, 200))
def test_tension_index_is_the_logistic_formula(tension, scale):
    assert float(tension_index(tension, scale=scale)) == pytest.approx(index_of(tension, scale), rel=1e-12, abs=1e-300)


def test_tension_index_by_hand():
    assert float(tension_index(0.0)) == 50.0
    assert float(tension_index(20.0 * math.log(3))) == pytest.approx(75.0)  # 100 / (1 + 1/3)
    assert float(tension_index(10.0, scale=10.0)) == pytest.approx(100 / (1 + math.exp(-1)))
