"""Calibration: recovery of known half-lives and weights from synthetic references."""

from __future__ import annotations

import sys

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


# --- the same-occasion discount inside the fit ------------------------------------------
# With the default discount an occasion's combined score, shared among its events, depends
# on the weights: the index is not linear in them. The references below come from a known
# model without noise, so the true weights fit exactly (rmse 0) and must be found.

calibrate_module = sys.modules["tension.calibrate"]


def test_a_kind_sharing_a_day_is_fitted_and_settles():
    """Three fixed rounds of rebuilding the shares stopped at talks -5.6357 (rmse 0.081)
    with a standard error of 5e-16 and identified=True: a false certainty. The rounds now
    go on, extrapolated where they creep, until a round moves nothing."""
    ev = pd.DataFrame(
        {
            "date": ["2024-01-01", "2024-01-01", "2024-01-10"],
            "source": "PAK",
            "target": "IRN",
            "kind": ["agreement", "talks", "airstrike"],
        }
    )
    truth = tn.Model(half_life=12.0, weights={"talks": -6.0})
    ref = tn.score(ev, model=truth, end="2024-02-15").set_index("date")["tension"]
    cal = tn.calibrate(ev, ref, dyads="IRN-PAK", half_life=None, fit_weights=["talks"], model=tn.Model(half_life=12.0))
    assert cal.model.weights["talks"] == pytest.approx(-6.0, abs=1e-5)
    assert cal.converged and cal.rmse < 1e-5


def test_rounds_that_cannot_settle_say_so(monkeypatch):
    # one round only: the shares of the start weights, not the fitted ones
    monkeypatch.setattr(calibrate_module, "ROUNDS", 1)
    ev = tn.datasets.pakistan_iran_2024()
    ref = tn.score(ev, model=tn.Model(half_life=12.0, weights=SEED_TRUTH), end="2024-03-31")
    start = tn.Model(half_life=12.0, weights={"condemnation": 3.0})
    with pytest.warns(tn.TensionWarning, match="did not settle"):
        cal = tn.calibrate(
            ev, ref.set_index("date")["tension"], dyads="IRN-PAK", half_life=None, fit_weights=["talks"], model=start
        )
    assert not cal.converged and np.isnan(cal.parameters.loc["weight[talks]", "stderr"])


SEED_TRUTH = {"talks": -3.0, "armed_attack": 7.0, "airstrike": 8.0, "condemnation": 3.0}


def test_the_seed_episode_recovers_kinds_on_busy_days():
    """talks is reported twice among fourteen cooperative events of 29 January: the plain
    rounds moved it slowly (-1.03, -1.06, -1.10 ... towards -3)."""
    ev = tn.datasets.pakistan_iran_2024()
    truth = tn.Model(half_life=12.0, weights=SEED_TRUTH)
    ref = tn.score(ev, model=truth, end="2024-03-31").set_index("date")["tension"]
    fit = ["talks", "armed_attack", "airstrike"]
    start = tn.Model(half_life=12.0, weights={"condemnation": 3.0})
    cal = tn.calibrate(ev, ref, dyads="IRN-PAK", half_life=None, fit_weights=fit, model=start)
    assert cal.converged and cal.rmse < 1e-6
    for kind in fit:
        assert cal.model.weights[kind] == pytest.approx(SEED_TRUTH[kind], abs=1e-4)
    # the same on the rows in another order, to the last digits
    shuffled = tn.calibrate(
        ev.sample(frac=1.0, random_state=3), ref, dyads="IRN-PAK", half_life=None, fit_weights=fit, model=start
    )
    for kind in fit:
        assert shuffled.model.weights[kind] == pytest.approx(cal.model.weights[kind], rel=1e-9)


def test_without_shared_days_the_fit_is_ordinary_least_squares():
    """No occasion holds two events: the index is linear in the weights, and the estimates
    and standard errors are those of ordinary least squares on the kinds' own series."""
    rng = np.random.default_rng(5)
    days = np.sort(rng.choice(400, 70, replace=False))  # one event a day at most
    ev = pd.DataFrame(
        {
            "date": pd.Timestamp("2019-01-01") + pd.to_timedelta(days, unit="D"),
            "source": "IND",
            "target": "PAK",
            "kind": rng.choice(list(TRUE_WEIGHTS), len(days)),
            "killed": rng.integers(0, 5, len(days)),
        }
    )
    truth = tn.Model(half_life=20.0, weights=TRUE_WEIGHTS)
    ref = _reference(ev, truth, noise=1.0, seed=5)
    cal = tn.calibrate(ev, ref, dyads="IND-PAK", half_life=None, model=tn.Model(half_life=20.0))
    kinds = sorted(TRUE_WEIGHTS)
    columns = []
    for kind in kinds:  # each kind's series at weight +-1, scored alone
        sign = np.sign(TRUE_WEIGHTS[kind])
        alone = tn.Model(half_life=20.0, weights={kind: sign})
        series = tn.score(ev[ev["kind"] == kind], model=alone, start=ref.index[0], end=ref.index[-1])
        columns.append(sign * series.set_index("date")["tension"].reindex(ref.index, fill_value=0.0).to_numpy())
    X, y = np.column_stack(columns), ref.to_numpy()
    w, *_ = np.linalg.lstsq(X, y, rcond=None)
    s2 = np.sum((X @ w - y) ** 2) / (len(y) - len(w))
    se = np.sqrt(np.diag(s2 * np.linalg.inv(X.T @ X)))
    table = cal.parameters
    for j, kind in enumerate(kinds):
        assert table.loc[f"weight[{kind}]", "estimate"] == pytest.approx(w[j], rel=1e-8)
        assert table.loc[f"weight[{kind}]", "stderr"] == pytest.approx(se[j], rel=1e-6)
    assert cal.converged and cal.identified


def test_kinds_only_ever_on_one_shared_day_are_not_identified():
    """visit and host_visit occur once each, on 29 January with the same half-life: the
    reference sees one combined score of that day, not the two weights."""
    ev = tn.datasets.pakistan_iran_2024()
    ref = tn.score(ev, model=tn.Model(half_life=12.0), end="2024-03-31").set_index("date")["tension"]
    with pytest.warns(tn.TensionWarning) as said:
        cal = tn.calibrate(
            ev,
            ref,
            dyads="IRN-PAK",
            half_life=None,
            fit_weights=["visit", "host_visit"],
            model=tn.Model(half_life=12.0),
        )
    assert any("not identified" in str(w.message) for w in said)
    table = cal.parameters
    assert not table["identified"].any() and table["stderr"].isna().all()
    assert cal.rmse < 1e-2  # (the day's combined score is nearly matched)


def test_a_kind_of_weight_zero_is_refused_with_its_name():
    """public_statement weighs 0: no sign for the bounds, no score per unit weight (the
    fit failed inside numpy with 'SVD did not converge')."""
    ev = pd.DataFrame(
        {
            "date": ["2024-01-01", "2024-01-05", "2024-01-10", "2024-01-20"],
            "source": "PAK",
            "target": "IRN",
            "kind": ["public_statement", "talks", "airstrike", "talks"],
        }
    )
    ref = tn.score(ev, model=tn.Model(half_life=12.0), end="2024-02-15").set_index("date")["tension"]
    with pytest.raises(CalibrationError, match=r"\['public_statement'\] have weight 0"):
        tn.calibrate(ev, ref, dyads="IRN-PAK", half_life=None)
    fit = ["talks", "airstrike"]
    cal = tn.calibrate(ev, ref, dyads="IRN-PAK", half_life=None, fit_weights=fit, model=tn.Model(half_life=12.0))
    assert cal.rmse < 1e-9


def test_a_weight_on_its_bound_has_no_standard_error():
    # a cooperative kind pushed to its bound (just below 0) by a reference that wants it hostile
    ev = pd.DataFrame(
        {
            "date": ["2024-01-01", "2024-01-05", "2024-01-10", "2024-01-20"],
            "source": "PAK",
            "target": "IRN",
            "kind": ["talks", "airstrike", "talks", "airstrike"],
        }
    )
    ref = tn.score(ev, model=tn.Model(half_life=12.0, weights={"talks": 5.0}), end="2024-02-15")
    with pytest.warns(tn.TensionWarning, match="not identified"):
        cal = tn.calibrate(
            ev, ref.set_index("date")["tension"], dyads="IRN-PAK", half_life=None, model=tn.Model(half_life=12.0)
        )
    row = cal.parameters.loc["weight[talks]"]
    assert row["at_bound"] and np.isnan(row["stderr"]) and not row["identified"]
