"""Calibration: recovery of known half-lives and weights from synthetic references."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tension as tn
from tension.calibrate import CalibrationError

TRUE_WEIGHTS = {"airstrike": 7.0, "threat": 2.5, "talks": -1.5, "agreement": -5.0}


def _synthetic(seed=0, n=160, days=500):
    rng = np.random.default_rng(seed)
    kinds = rng.choice(list(TRUE_WEIGHTS), n)
    dates = pd.Timestamp("2018-01-01") + pd.to_timedelta(rng.integers(0, days, n), unit="D")
    src = rng.choice(["IND", "PAK"], n)
    return pd.DataFrame(
        {
            "date": dates,
            "source": src,
            "target": np.where(src == "IND", "PAK", "IND"),
            "kind": kinds,
            "killed": rng.integers(0, 5, n),
        }
    )


def _reference(ev, model, noise=0.0, seed=0):
    ref = tn.score(ev, model=model).set_index("date")["tension"]
    return ref + np.random.default_rng(seed).normal(0, noise, len(ref)) if noise else ref


def test_recovers_half_life_and_weights_exactly_without_noise():
    ev = _synthetic()
    truth = tn.Model(half_life=20.0, weights=TRUE_WEIGHTS, repeat_discount=1.0)
    cal = tn.calibrate(ev, _reference(ev, truth), dyads="IND-PAK", model=tn.Model(repeat_discount=1.0))
    assert cal.model.half_life == pytest.approx(20.0, rel=1e-4)
    for kind, weight in TRUE_WEIGHTS.items():
        assert cal.model.weights[kind] == pytest.approx(weight, rel=1e-4)
    assert cal.identified and cal.r2 > 0.999999 and cal.rmse < 1e-3


def test_recovers_under_the_default_discount_and_with_noise():
    ev = _synthetic(seed=1)
    truth = tn.Model(half_life=20.0, weights=TRUE_WEIGHTS)
    cal = tn.calibrate(ev, _reference(ev, truth, noise=1.0), dyads="IND-PAK")
    # tolerance: 5 % on the half-life and 10 % on each weight (noise sd 1 against a
    # series of sd ~ 20); the reported standard errors cover the truth within 3 se
    assert cal.model.half_life == pytest.approx(20.0, rel=0.05)
    table = cal.parameters
    for kind, weight in TRUE_WEIGHTS.items():
        assert cal.model.weights[kind] == pytest.approx(weight, rel=0.10)
        assert abs(table.loc[f"weight[{kind}]", "estimate"] - weight) <= 3 * table.loc[f"weight[{kind}]", "stderr"]


def test_recovers_half_lives_per_quad_class():
    ev = _synthetic(seed=2, n=90, days=300)
    truth = tn.Model(
        half_life={"material_conflict": 60.0, "verbal_conflict": 15.0, "verbal_cooperation": 6.0, "default": 30.0},
        repeat_discount=1.0,
    )
    cal = tn.calibrate(
        ev,
        _reference(ev, truth),
        dyads="IND-PAK",
        half_life="class",
        fit_weights=[],
        model=tn.Model(repeat_discount=1.0),
    )
    got = cal.model.half_life
    assert got["material_conflict"] == pytest.approx(60.0, rel=1e-3)
    assert got["verbal_conflict"] == pytest.approx(15.0, rel=1e-3)
    assert got["verbal_cooperation"] == pytest.approx(6.0, rel=1e-3)  # talks (040) is verbal cooperation


def test_bounds_keep_signs_and_unidentified_parameters_are_warned():
    ev = _synthetic(seed=3)
    ref = _reference(ev, tn.Model(weights={**TRUE_WEIGHTS, "threat": -2.0}, repeat_discount=1.0))
    with pytest.warns(tn.TensionWarning, match=r"weight\[threat\]"):
        cal = tn.calibrate(ev, ref, dyads="IND-PAK", half_life=None, model=tn.Model(repeat_discount=1.0))
    assert cal.model.weights["threat"] > 0 and cal.parameters.loc["weight[threat]", "at_bound"]
    assert not cal.identified


def test_collinear_kinds_are_not_identified():
    ev = _synthetic(seed=4)
    twin = ev[ev["kind"] == "airstrike"].assign(kind="bombing")  # always on the same days as the airstrikes
    both = pd.concat([ev, twin], ignore_index=True)
    ref = _reference(both, tn.Model(repeat_discount=1.0))
    with pytest.warns(tn.TensionWarning, match="not identified"):
        cal = tn.calibrate(both, ref, dyads="IND-PAK", half_life=None, model=tn.Model(repeat_discount=1.0))
    assert not cal.parameters.loc["weight[bombing]", "identified"]


def test_flat_short_and_misplaced_references_are_refused(seed_events):
    days = pd.date_range("2024-01-17", periods=30)
    with pytest.raises(CalibrationError, match="flat"):
        tn.calibrate(seed_events, pd.Series(5.0, index=days), dyads="IRN-PAK")
    with pytest.raises(CalibrationError, match="no events for dyad"):
        tn.calibrate(seed_events, pd.Series(np.arange(30.0), index=days), dyads="IND-PAK")
    with pytest.raises(CalibrationError, match="grid"):
        tn.calibrate(
            seed_events, pd.Series(np.arange(30.0), index=days + pd.Timedelta(hours=6)), dyads="IRN-PAK", freq="D"
        )
    with pytest.raises(CalibrationError, match="too few"):
        tn.calibrate(seed_events, pd.Series(np.arange(4.0), index=days[:4]), dyads="IRN-PAK")


def test_a_reference_with_a_time_zone_against_events_without_is_refused(seed_events):
    """No date of one would line up with a score of the other: the fit ran on nothing and
    returned a made-up half-life (0.94 days for a reference made with 12)."""
    reference = tn.score(seed_events, model=tn.Model(half_life=12.0), end="2024-03-31").set_index("date")["tension"]
    aware = seed_events.assign(date=pd.DatetimeIndex(seed_events["date"]).tz_localize("UTC"))
    with pytest.raises(CalibrationError, match="events' dates are in UTC and the reference's dates have no time zone"):
        tn.calibrate(aware, reference, dyads="IRN-PAK", fit_weights=[])
    with pytest.raises(CalibrationError, match="reference's dates have a time zone and the events' dates have none"):
        tn.calibrate(seed_events, reference.tz_localize("UTC"), dyads="IRN-PAK", fit_weights=[])
    both = tn.calibrate(aware, reference.tz_localize("UTC"), dyads="IRN-PAK", fit_weights=[])
    assert both.model.half_life == pytest.approx(12.0, rel=1e-6)
