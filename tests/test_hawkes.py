"""Hawkes process: likelihood against a plain double loop, gradient against finite
differences, parameter recovery from simulations, and the refusals."""

from __future__ import annotations

import datetime
import math

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import approx_fprime

import tension as tn
from benchmarks import bench_hawkes
from tension import hawkes
from tension.hawkes import _negloglik


def _loglik_by_loop(times, dims, names, mu, alpha, beta, start, end):
    """The textbook log-likelihood as plain Python loops (O(n^2))."""
    total = 0.0
    for t, i in zip(times, dims, strict=True):
        rate = mu[names.index(i)]
        for s, j in zip(times, dims, strict=True):
            if s < t:
                rate += alpha[names.index(i)][names.index(j)] * beta * math.exp(-beta * (t - s))
        total += math.log(rate)
    for a in range(len(names)):
        total -= mu[a] * (end - start)
        for s, j in zip(times, dims, strict=True):
            total -= alpha[a][names.index(j)] * (1 - math.exp(-beta * (end - s)))
    return total


def _arrays(sim, names):
    t = sim["time"].to_numpy(dtype=float)
    order = np.argsort(t, kind="stable")
    t = t[order]
    kind = pd.Categorical(sim["dimension"].to_numpy()[order], categories=names).codes.astype(np.int64)
    x = np.zeros((len(t), len(names)))
    x[np.arange(len(t)), kind] = 1.0
    return t, kind, x


@pytest.mark.parametrize("beta", [0.05, 1.0, 40.0])
def test_loglik_matches_plain_loop_with_ties_and_long_spans(beta):
    rng = np.random.default_rng(5)
    times = np.sort(np.r_[rng.uniform(0, 20_000, 60), [100.0, 100.0, 100.0]])  # a tie; e**(beta*span) overflows
    names = ["A->B", "B->A", "C->A"]
    dims = list(rng.choice(names, len(times)))
    mu, alpha = [0.01, 0.02, 0.005], [[0.2, 0.1, 0.0], [0.3, 0.05, 0.1], [0.0, 0.2, 0.1]]
    sim = pd.DataFrame({"time": times, "dimension": dims})
    t, kind, x = _arrays(sim, names)
    theta = np.r_[mu, np.ravel(alpha), beta]
    got = -_negloglik(theta, t, kind, x, 20_000.0, 3, 0.0)[0]
    want = _loglik_by_loop(list(t), [names[k] for k in kind], names, mu, alpha, beta, 0.0, 20_000.0)
    assert got == pytest.approx(want, rel=1e-10)


def test_gradient_matches_finite_differences():
    sim = hawkes.simulate(bench_hawkes.TRUE_BASELINE, bench_hawkes.TRUE_BRANCHING, 0.5, end=800.0, seed=2)
    names = ["A->B", "B->A"]
    t, kind, x = _arrays(sim, names)
    theta = np.array([0.08, 0.06, 0.25, 0.3, 0.35, 0.2, 0.7])
    grad = _negloglik(theta, t, kind, x, 800.0, 2, 0.0)[1]
    numeric = approx_fprime(theta, lambda th: _negloglik(th, t, kind, x, 800.0, 2, 0.0)[0], 1e-7)
    np.testing.assert_allclose(grad, numeric, rtol=1e-4, atol=1e-3)


def test_parameters_recovered_within_three_standard_errors():
    # tolerance: every parameter within 3 standard errors of the truth. Over 100 seeds of
    # 5000 days (python -m benchmarks.bench_hawkes) it held for 699 of 700 parameter-seed
    # pairs and 93-98 % were within 1.96 (nominal 95 %); here 3 seeds of 2000 days
    table = bench_hawkes.recovery([0, 1, 2], days=2000.0)
    on_bound = table["stderr"].isna()  # an estimate at 0 has no standard error
    assert (table.loc[on_bound, "estimate"] == 0).all() and (table.loc[on_bound, "truth"] <= 0.1).all()
    assert (table.loc[~on_bound, "z"].abs() <= 3).all(), table.loc[table["z"].abs() > 3]
    error = (table["estimate"] - table["truth"]).abs()
    assert error[table["parameter"].str.startswith("branching")].max() < 0.2


def test_fit_from_dated_events_names_directions_and_recovers_the_branching():
    sim = hawkes.simulate(bench_hawkes.TRUE_BASELINE, bench_hawkes.TRUE_BRANCHING, 0.5, end=3000.0, seed=7)
    origin = pd.Timestamp("2010-01-01")
    src = sim["dimension"].str[0].map({"A": "IRN", "B": "PAK"})
    events = pd.DataFrame(
        {
            "date": (origin + pd.to_timedelta(sim["time"], unit="D")).dt.floor("us"),  # (times as data has them)
            "source": src,
            "target": src.map({"IRN": "PAK", "PAK": "IRN"}),
            "kind": "armed_clash",
        }
    )
    res = tn.hawkes.fit(events, dyads="IRN-PAK", start=origin, end=origin + pd.Timedelta(days=3000))
    assert list(res.branching.index) == ["IRN->PAK", "PAK->IRN"]
    truth = bench_hawkes.TRUE_BRANCHING.to_numpy()
    est, se = res.branching.to_numpy(), res.summary()["stderr"].iloc[2:6].to_numpy().reshape(2, 2)
    assert (np.abs(est - truth) <= 3 * se).all()
    assert res.branching.loc["PAK->IRN", "IRN->PAK"] == pytest.approx(0.4, abs=3 * se[1, 0])
    assert res.half_life == pytest.approx(math.log(2) / 0.5, rel=0.25)
    assert res.origin == origin and res.spectral_radius < 1
    again = res.simulate(seed=4)
    assert (again["date"] == (origin + pd.to_timedelta(again["time"], unit="D")).dt.floor("us")).all()
    assert set(again["dimension"]) == {"IRN->PAK", "PAK->IRN"} and again["time"].max() <= 3000


def test_simulate_is_reproducible_and_has_the_stationary_rate():
    a = hawkes.simulate(bench_hawkes.TRUE_BASELINE, bench_hawkes.TRUE_BRANCHING, 0.5, end=20_000.0, seed=3)
    b = hawkes.simulate(bench_hawkes.TRUE_BASELINE, bench_hawkes.TRUE_BRANCHING, 0.5, end=20_000.0, seed=3)
    pd.testing.assert_frame_equal(a, b)
    # stationary rates (I - alpha)^-1 mu, by hand: 0.2239 and 0.1552 per day
    rates = np.linalg.solve(np.eye(2) - bench_hawkes.TRUE_BRANCHING.to_numpy(), bench_hawkes.TRUE_BASELINE.to_numpy())
    counts = a["dimension"].value_counts().reindex(["A->B", "B->A"]).to_numpy() / 20_000.0
    np.testing.assert_allclose(counts, rates, rtol=0.1)


def test_too_few_events_and_empty_directions_are_refused(seed_events):
    with pytest.raises(hawkes.HawkesDataError, match="too few events"):
        tn.hawkes.fit(seed_events, dyads="IRN-PAK")
    one_way = pd.DataFrame({"time": np.linspace(0, 100, 50), "dimension": "A->B"})
    with pytest.raises(hawkes.HawkesDataError, match="no events in dimension"):
        hawkes.fit_times(one_way, end=100.0, dimensions=["A->B", "B->A"])
    sim = hawkes.simulate(bench_hawkes.TRUE_BASELINE, bench_hawkes.TRUE_BRANCHING, 0.5, end=200.0, seed=1)
    with pytest.warns(tn.TensionWarning, match="imprecise"):
        hawkes.fit_times(sim, end=200.0)
    with pytest.raises(ValueError, match="dyads must be"):
        tn.hawkes.fit(seed_events, dyads="IRN->PAK")


def test_optional_peer_tick_agrees():
    tick = pytest.importorskip("tick.hawkes", reason="tick does not install on current Python")
    sim = hawkes.simulate(bench_hawkes.TRUE_BASELINE, bench_hawkes.TRUE_BRANCHING, 0.5, end=3000.0, seed=0)
    ours = hawkes.fit_times(sim, end=3000.0)
    learner = tick.HawkesExpKern(decays=ours.decay, gofit="likelihood")
    learner.fit([sim.loc[sim["dimension"] == d, "time"].to_numpy() for d in ours.dimensions])
    np.testing.assert_allclose(learner.adjacency, ours.branching.to_numpy(), atol=0.02)


def test_fit_on_day_dates_does_not_depend_on_row_order():
    """Same-day events are spread over their day by seeded draws, given in (time,
    direction) order: shuffled rows fit to the same numbers, bit for bit."""
    sim = hawkes.simulate(bench_hawkes.TRUE_BASELINE, bench_hawkes.TRUE_BRANCHING, 0.5, end=600.0, seed=11)
    origin = pd.Timestamp("2010-01-01")
    src = sim["dimension"].str[0].map({"A": "IRN", "B": "PAK"})
    events = pd.DataFrame(
        {
            "date": (origin + pd.to_timedelta(sim["time"], unit="D")).dt.floor("D"),  # day precision, many per day
            "source": src,
            "target": src.map({"IRN": "PAK", "PAK": "IRN"}),
            "kind": "armed_clash",
        }
    )
    assert events["date"].duplicated().any()
    fits = [
        tn.hawkes.fit(frame, dyads="IRN-PAK")
        for frame in (events, events.sample(frac=1, random_state=3).reset_index(drop=True))
    ]
    pd.testing.assert_frame_equal(fits[0].branching, fits[1].branching, check_exact=True)
    assert fits[0].half_life == fits[1].half_life


def test_fit_window_with_a_zone_on_events_without_is_the_same_instants():
    sim = hawkes.simulate(bench_hawkes.TRUE_BASELINE, bench_hawkes.TRUE_BRANCHING, 0.5, end=600.0, seed=11)
    origin = pd.Timestamp("2010-01-01")
    src = sim["dimension"].str[0].map({"A": "IRN", "B": "PAK"})
    events = pd.DataFrame(
        {
            "date": (origin + pd.to_timedelta(sim["time"], unit="D")).dt.floor("us"),
            "source": src,
            "target": src.map({"IRN": "PAK", "PAK": "IRN"}),
            "kind": "armed_clash",
        }
    )
    end = origin + pd.Timedelta(days=600)
    naive = tn.hawkes.fit(events, dyads="IRN-PAK", start=origin, end=end)
    aware = tn.hawkes.fit(
        events, dyads="IRN-PAK", start=origin.tz_localize("UTC"), end=end.tz_localize("UTC").tz_convert("Asia/Tehran")
    )
    pd.testing.assert_frame_equal(naive.branching, aware.branching)


def _day_events(tz=None) -> pd.DataFrame:
    """Day-precision events (many per day) from a known process, at midnight in ``tz``."""
    mu = pd.Series({"IRN->PAK": 0.2, "PAK->IRN": 0.1})
    alpha = pd.DataFrame([[0.2, 0.3], [0.4, 0.0]], index=mu.index, columns=mu.index)
    sim = hawkes.simulate(mu, alpha, 1.0, end=400.0, seed=3)
    days = (pd.Timestamp("2020-01-01") + pd.to_timedelta(sim["time"], unit="D")).dt.floor("D")
    return pd.DataFrame(
        {
            "date": days if tz is None else days.dt.tz_localize(tz),
            "source": sim["dimension"].str[:3],
            "target": sim["dimension"].str[-3:],
            "kind": "airstrike",
        }
    )


@pytest.mark.filterwarnings("ignore:dates in column 'date' are in time zone")
@pytest.mark.parametrize("tz", ["UTC", "Asia/Karachi"])
def test_day_dates_with_a_zone_are_jittered_as_naive_ones(tz):
    """Midnight in the events' own zone is day precision: local days without clock
    changes fit exactly as the naive dates (Karachi midnights, 19:00 UTC, were taken for
    times of day and not spread: a half-life of 25,449 days instead of 0.76), in any row
    order; origin is in the events' zone, and a start without a zone is read in it."""
    naive = tn.hawkes.fit(_day_events(), dyads="IRN-PAK")
    events = _day_events(tz)
    shuffled = events.sample(frac=1, random_state=5)
    for res in (
        tn.hawkes.fit(events, dyads="IRN-PAK"),
        tn.hawkes.fit(shuffled, dyads="IRN-PAK"),
        tn.hawkes.fit(events, dyads="IRN-PAK", start="2020-01-01", end=naive.origin + pd.Timedelta(days=naive.end)),
    ):
        pd.testing.assert_frame_equal(res.branching, naive.branching, check_exact=True)
        assert res.half_life == naive.half_life and res.loglik == naive.loglik
        assert res.origin == pd.Timestamp("2020-01-01", tz=tz) and str(res.origin.tz) == tz
    assert naive.origin == pd.Timestamp("2020-01-01") and naive.origin.tz is None
    assert naive.half_life == pytest.approx(0.76, abs=0.01)
    again = res.simulate(seed=1)
    assert str(again["date"].dt.tz) == tz


@pytest.mark.filterwarnings("ignore:dates in column 'date' are in time zone")
def test_day_dates_across_clock_changes_are_spread_over_their_local_day():
    """Europe/London: each midnight event is spread over its own local day, 23 or 25
    hours at the clock changes, against days and draws worked out with zoneinfo and a
    loop (the draws go to the events in (day, direction) order)."""
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    changes = pd.DataFrame(  # (two events on each day the clocks change in 2020)
        {
            "date": pd.DatetimeIndex(["2020-03-29", "2020-03-29", "2020-10-25", "2020-10-25"], tz="Europe/London"),
            "source": ["IRN", "PAK", "PAK", "PAK"],
            "target": ["PAK", "IRN", "IRN", "IRN"],
            "kind": "airstrike",
        }
    )
    events = pd.concat([_day_events("Europe/London"), changes], ignore_index=True)
    res = tn.hawkes.fit(events, dyads="IRN-PAK", seed=4)
    origin = datetime.datetime(2020, 1, 1, tzinfo=london)
    assert res.origin == pd.Timestamp(origin)

    def elapsed(day: datetime.date) -> float:
        midnight = datetime.datetime(day.year, day.month, day.day, tzinfo=london).astimezone(datetime.UTC)
        return (midnight - origin.astimezone(datetime.UTC)).total_seconds() / 86400  # (instants, not clock times)

    rows = [(d.date(), f"{s}->{t}") for d, s, t in zip(events["date"], events["source"], events["target"], strict=True)]
    order = sorted(range(len(rows)), key=lambda i: (rows[i][0], rows[i][1]))
    draws = np.random.default_rng(4).uniform(0.0, 1.0, len(rows))
    times = np.empty(len(rows))
    for u, i in zip(draws, order, strict=True):
        day = rows[i][0]
        start, stop = elapsed(day), elapsed(day + datetime.timedelta(days=1))
        times[i] = start + u * (stop - start)
    lengths = {round(elapsed(d + datetime.timedelta(days=1)) - elapsed(d), 6) for d, _ in rows}
    assert lengths == {round(23 / 24, 6), 1.0, round(25 / 24, 6)}  # (the events cover both clock changes of 2020)
    last = max(d for d, _ in rows) + datetime.timedelta(days=1)
    want = hawkes.fit_times(
        pd.DataFrame({"time": np.minimum(times, elapsed(last)), "dimension": [r[1] for r in rows]}),
        end=elapsed(last),
        dimensions=["IRN->PAK", "PAK->IRN"],
    )
    np.testing.assert_allclose(res.branching.to_numpy(), want.branching.to_numpy(), rtol=1e-6)
    assert res.half_life == pytest.approx(want.half_life, rel=1e-6) and res.end == pytest.approx(elapsed(last))
