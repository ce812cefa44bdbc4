"""The kernel on plain arrays, against plain loops."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tension import core

finite = st.floats(0, 1e6, allow_nan=False)


def loop_scan(a, b):
    out = np.empty_like(b)
    state = np.zeros(b.shape[1])
    for i in range(len(a)):
        state = a[i] * state + b[i]
        out[i] = state
    return out


@given(st.integers(0, 700), st.integers(1, 3), st.integers(0, 2**32 - 1), st.sampled_from([2, 4, 64]))
def test_linear_scan_matches_loop(n, channels, seed, block):
    rng = np.random.default_rng(seed)
    a = rng.random((n, channels))
    a[rng.random(n) < 0.05] = 0.0
    b = rng.random((n, channels)) * 10.0 ** rng.integers(-3, 4, (n, 1))
    got = core.linear_scan(a, b, block=block)
    want = loop_scan(a, b)
    assert np.allclose(got, want, rtol=1e-12, atol=0)


def direct(groups, times, scores, half_lives):
    n = len(times)
    out = np.zeros((n, scores.shape[1]))
    for i in range(n):
        for j in range(n):
            if groups[j] == groups[i] and times[j] <= times[i]:
                out[i] += scores[j] * 2.0 ** (-(times[i] - times[j]) / half_lives)
    return out


@given(
    hnp.arrays(np.int64, st.integers(0, 80), elements=st.integers(0, 4)),
    st.integers(0, 2**32 - 1),
    st.sampled_from([[30.0], [1.0, 100.0], [1e-3]]),
)
def test_run_matches_direct_sum_with_ties(groups, seed, half_lives):
    rng = np.random.default_rng(seed)
    n = len(groups)
    times = rng.integers(0, 40, n).astype(float) / 2  # many ties
    scores = rng.random((n, len(half_lives)))
    kernel = core.run(groups, times, scores, np.array(half_lives))
    got = core.at_events(kernel)
    want = direct(groups, times, scores, np.array(half_lives))
    assert np.allclose(got, want, rtol=1e-12, atol=0)


def test_on_grid_before_between_and_after_events():
    kernel = core.run(np.array([1, 1, 3]), np.array([10.0, 20.0, 5.0]), np.array([[4.0], [2.0], [1.0]]), np.array([10.0]))
    grid = np.array([4.99, 9.0, 10.0, 15.0, 30.0, 50.0])
    groups, where, values = core.on_grid(kernel, grid, 4)
    got = dict(zip(zip(groups.tolist(), grid[where].tolist(), strict=True), values[:, 0].tolist(), strict=True))
    assert len(got) == 4 * len(grid)  # dense: every group, every time
    want = {(1, 9.0): 0.0, (1, 10.0): 4.0, (1, 15.0): 4 * 2**-0.5, (1, 30.0): 4 * 2**-2 + 2 * 2**-1,
            (2, 50.0): 0.0, (3, 4.99): 0.0, (3, 15.0): 0.5}  # fmt: skip
    for key, value in want.items():
        assert np.isclose(got[key], value, rtol=1e-14, atol=0), key


def test_final_states_per_group():
    kernel = core.run(np.array([2, 0, 2]), np.array([1.0, 3.0, 2.0]), np.array([[1.0], [5.0], [1.0]]), np.array([1.0]))
    groups, times, states = core.final_states(kernel)
    assert groups.tolist() == [0, 2]
    assert times.tolist() == [3.0, 2.0]
    assert np.allclose(states[:, 0], [5.0, 1.5])


def test_no_overflow_for_any_span():
    # a billion days apart with a half-life of half a day: the first event is gone
    times = np.array([0.0, 1e9, 1e9 + 0.5])
    kernel = core.run(np.zeros(3, dtype=int), times, np.ones((3, 1)), np.array([0.5]))
    assert np.isfinite(kernel.states).all()
    assert kernel.states[1, 0] == 1.0
    assert np.isclose(kernel.states[2, 0], 1.5, rtol=1e-9)


@given(
    hnp.arrays(np.int64, st.integers(0, 300), elements=st.integers(0, 6)),
    st.integers(0, 2**32 - 1),
    st.booleans(),
    st.sampled_from([30.0, 0.25, 1e4]),
    st.sampled_from([1, 2, 3, 7]),
)
def test_decayed_sum_matches_direct_sum(groups, seed, time_sorted, half_life, threads):
    # several threads cut the events into chunks whose states carry into the next
    rng = np.random.default_rng(seed)
    n = len(groups)
    times = rng.integers(-10, 30, n).astype(float)  # negative times and many ties
    if time_sorted:
        times.sort()
    scores = rng.normal(size=n)
    got = core.decayed_sum(groups, times, scores, half_life, threads=threads)
    want = direct(groups, times, scores[:, None], np.array([half_life]))[:, 0]
    gross = direct(groups, times, np.abs(scores)[:, None], np.array([half_life]))[:, 0]
    assert (np.abs(got - want) <= 1e-12 * gross + 1e-300).all()


@given(hnp.arrays(np.int64, st.integers(0, 200), elements=st.integers(-3, 50)), st.integers(0, 2**32 - 1), st.booleans())
def test_group_order_is_the_stable_lexsort(groups, seed, time_sorted):
    rng = np.random.default_rng(seed)
    times = rng.integers(0, 10, len(groups)).astype(float)
    if time_sorted:
        times.sort()
    assert np.array_equal(core.group_order(groups, times), np.lexsort((times, groups)))


def test_decayed_sum_with_sparse_labels_and_huge_codes():
    groups = np.array([10**12, 5, 10**12])
    out = core.decayed_sum(groups, np.array([0.0, 0.0, 1.0]), np.array([1.0, 2.0, 1.0]), 1.0)
    assert out.tolist() == [1.0, 2.0, 1.5]
